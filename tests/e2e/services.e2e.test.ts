/**
 * Browser test of 办事 (h5 build, real server from global-setup.ts): the showcase villager of
 * 东坪村 opens 社保认证, books tomorrow's 19:00 evening slot (materials ticked, a note), sees the
 * booking code as a QR code (read back from the screenshot's pixels) and in digits, reschedules to
 * 20:00; the showcase cadre opens the desk for tomorrow, finds them and checks them in by the code.
 * Then the cadre adds a service of the village's own (服务项目), gives it evening hours, the
 * villager books it, the cadre edits it and stops offering it (不再办理, 社保认证 takes over): the
 * villager's inbox says so and 我的预约 shows the booking cancelled with the reason.
 * Screenshots: tests/e2e/screenshots/services-*.png.
 *
 * The server is shared with the other e2e files: this file books only 社保认证 and its own new
 * service, tomorrow evening.
 */
import { CHROMIUM, launchChromium } from './browser';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQR from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { beijingDate, weekdayOf } from '../../shared/services/rules';

const BASE = (inject('e2eBaseUrl') ?? process.env.E2E_BASE_URL)?.replace(/\/$/, '');
const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const VILLAGE = '东坪村';

const missing = !BASE
  ? 'E2E_BASE_URL is not set'
  : !existsSync(CHROMIUM)
    ? `no chromium at ${CHROMIUM}`
    : null;
if (missing) console.warn(`\n!!! tests/e2e/services.e2e.test.ts SKIPPED: ${missing}.\n`);

type DevUser = { id: string; displayName: string; roles: { role: string; villageName: string | null }[] };
const inVillage = (u: DevUser, role: string) =>
  u.roles.some((r) => r.role === role && r.villageName === VILLAGE);

describe.skipIf(missing !== null)('services in a browser (h5)', () => {
  let browser: Browser;
  let cadre: { context: BrowserContext; page: Page; user: DevUser };
  let villager: { context: BrowserContext; page: Page; user: DevUser };
  const consoleErrors: string[] = [];
  const tomorrow = beijingDate(new Date(Date.now() + 86400_000));
  let code = '';

  async function open(user: DevUser) {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${user.displayName}: ${m.text()}`);
    });
    await page.goto(`${BASE}/`);
    await page.locator('[data-testid="go-login"]').click();
    await page.locator(`[data-testid="dev-user-${user.id}"]`).click();
    await page.getByText(`${user.displayName}，您好`).waitFor();
    return { context, page, user };
  }
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(SHOTS, `services-${name}.png`), fullPage: true });
  /** Taro h5 keeps earlier pages in the DOM, hidden: look only at the page on screen. */
  const on = (page: Page, selector: string, hasText?: string) =>
    page.locator(`.screen:visible ${selector}`, hasText ? { hasText } : undefined);
  const tab = (page: Page, label: string) => page.locator('.weui-tabbar__label', { hasText: label }).first();
  async function expectTapTargets(page: Page, selector: string) {
    const heights = await page
      .locator(`.screen:visible ${selector}`)
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(heights.length).toBeGreaterThan(0);
    for (const h of heights) expect(h, `${selector} is at least 44 px tall`).toBeGreaterThanOrEqual(44);
  }

  /** Reads a QR code from a PNG screenshot: the browser decodes the image, jsQR reads its pixels. */
  async function readQr(page: Page, png: Buffer): Promise<string | null> {
    const img = await page.evaluate(async (b64) => {
      const el = new Image();
      el.src = `data:image/png;base64,${b64}`;
      await el.decode();
      const canvas = document.createElement('canvas');
      canvas.width = el.naturalWidth;
      canvas.height = el.naturalHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(el, 0, 0);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
      // Pixels back as base64: a plain array of a million numbers is slow to pass over CDP.
      let bin = '';
      for (let i = 0; i < data.data.length; i += 0x8000) {
        bin += String.fromCharCode(...data.data.subarray(i, i + 0x8000));
      }
      return { w: data.width, h: data.height, px: btoa(bin) };
    }, png.toString('base64'));
    return jsQR(new Uint8ClampedArray(Buffer.from(img.px, 'base64')), img.w, img.h)?.data ?? null;
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const res = await fetch(`${BASE}/api/auth/dev-users`);
    expect(res.status).toBe(200);
    const { users } = (await res.json()) as { users: DevUser[] };
    const cadreUser = users.find((u) => inVillage(u, 'cadre'));
    const villagerUser = users.find(
      (u) => u.roles.length === 1 && inVillage(u, 'villager') && !u.displayName.includes('新用户'),
    );
    expect(cadreUser && villagerUser, 'demo data must have a cadre and a villager of 东坪村').toBeTruthy();
    browser = await launchChromium();
    villager = await open(villagerUser!);
    cadre = await open(cadreUser!);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('the 办事 tab shows the catalogue with large icons and words', async () => {
    const { page } = villager;
    await tab(page, '办事').click();
    const tile = on(page, '[data-testid="service-社保认证"]');
    await tile.waitFor();
    expect(await tile.textContent()).toContain('有夜间');
    await expect.poll(() => on(page, '.svc-tile').count()).toBeGreaterThanOrEqual(6);
    await expectTapTargets(page, '.svc-tile');
    await shot(page, '10-catalogue');
  });

  it('the villager books tomorrow’s 19:00 evening slot with materials and a note', async () => {
    const { page } = villager;
    await on(page, '[data-testid="service-社保认证"]').click();
    await on(page, '[data-testid="materials"]').waitFor();
    expect(await on(page, '[data-testid="materials"]').textContent()).toBe('身份证、社保卡');
    await on(page, `[data-testid="day-${tomorrow}"]`).click();
    const slot = on(page, '[data-testid="slot-19:00"]');
    await slot.waitFor();
    expect(await slot.textContent()).toContain('夜间');
    expect(await slot.getAttribute('class')).toContain('slot-evening');
    await expectTapTargets(page, '.slot');
    await shot(page, '20-service-page');
    // The page scrolls inside Taro's container: bring the calendar on screen for its picture.
    await on(page, '[data-testid="slot-grid"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'services-21-calendar.png') });
    await slot.click();

    await on(page, '[data-testid="confirm-time"]').waitFor();
    expect(await on(page, '[data-testid="confirm-time"]').textContent()).toContain('19:00');
    expect(await on(page, '.tag', '夜间').count()).toBeGreaterThan(0);
    await on(page, '[data-testid="material-身份证"]').click();
    await on(page, '[data-testid="material-社保卡"]').click();
    await on(page, 'input[name="note"]').fill('带老伴一起来');
    await shot(page, '30-confirm');
    await on(page, '[data-testid="confirm-book"]').click();

    await on(page, '.note-text', '预约成功').waitFor();
    const codeEl = on(page, '[data-testid="booking-code"]').first();
    code = ((await codeEl.textContent()) ?? '').trim();
    expect(code).toMatch(/^\d{6}$/);
    const card = on(page, '.card', code);
    expect(await card.textContent()).toContain('19:00');
    expect(await card.textContent()).toContain('夜间');
    await shot(page, '40-my-booking');
  });

  it('我的预约 shows the code as a large QR code that scans to exactly the code', async () => {
    const { page } = villager;
    const qr = on(page, '[data-testid="booking-qr"]').first();
    await qr.scrollIntoViewIfNeeded();
    const box = await qr.boundingBox();
    expect(box!.width, 'the QR code is large').toBeGreaterThanOrEqual(240);
    expect(await readQr(page, await qr.screenshot())).toBe(code);
    await page.screenshot({ path: path.join(SHOTS, 'services-45-qr-code.png') });
  });

  it('the villager reschedules to 20:00 the same evening', async () => {
    const { page } = villager;
    await on(page, '[data-testid^="reschedule-"]').first().click();
    await on(page, '.note-text', '请选一个新的时间').waitFor();
    await on(page, `[data-testid="day-${tomorrow}"]`).click();
    await on(page, '[data-testid="slot-20:00"]').click();
    const confirm = page.locator('.taro-model__confirm');
    await confirm.waitFor();
    expect(await page.locator('.taro-modal__text').textContent()).toContain('20:00');
    await confirm.click();
    await on(page, '.note-text', '时间已改好').waitFor();
    const card = on(page, '.card', code);
    await expect.poll(() => card.textContent()).toContain('20:00');
    expect(await on(page, '[data-testid="booking-code"]').first().textContent()).toBe(code);
    await shot(page, '50-rescheduled');
  });

  it('the desk finds the villager tomorrow and checks them in by the booking code', async () => {
    const { page } = cadre;
    await tab(page, '办事').click();
    await on(page, '[data-testid="go-desk"]').click();
    await on(page, 'input[name="code"]').waitFor();
    await on(page, `[data-testid="desk-day-${tomorrow}"]`).click();
    const row = on(page, '.desk-row', villager.user.displayName);
    await row.waitFor();
    expect(await row.textContent()).toContain('20:00');
    expect(await row.textContent()).toContain('已预约');
    await shot(page, '60-desk-day');
    await on(page, 'input[name="code"]').fill(code);
    await on(page, '[data-testid="check-in-code"]').click();
    await on(page, '.note-text', '已签到').waitFor();
    await expect.poll(() => row.textContent()).toContain('已签到');
    await shot(page, '70-desk-checked-in');
  });

  const NEW_SERVICE = '老年优待证办理';

  it('the cadre adds a service of the village’s own and gives it evening hours', async () => {
    const { page } = cadre;
    await page.goto(`${BASE}/#/pages/services/index`);
    await on(page, '[data-testid="go-catalogue"]').click();
    await on(page, '[data-testid="pick-new"]').click();
    await on(page, 'input[name="svc-name"]').fill(NEW_SERVICE);
    await on(page, '[data-testid="icon-id"]').click();
    await on(page, 'input[name="svc-materials"]').fill('身份证、一寸照片');
    await on(page, 'input[name="svc-served-by"]').fill('文书 李桂兰');
    await expectTapTargets(page, '.choice');
    await shot(page, '80-catalogue-add');
    await on(page, '[data-testid="add-service"]').click();
    await on(page, '.note-text', `已加上“${NEW_SERVICE}”`).waitFor();
    expect(await on(page, `[data-testid="pick-${NEW_SERVICE}"]`).getAttribute('class')).toContain(
      'choice-on',
    );

    await on(page, '[data-testid="go-hours"]').click();
    // The hours page is open (its first service loaded) before its chips are used.
    await on(page, '[data-testid="add-window"]').waitFor();
    await on(page, `[data-testid="pick-${NEW_SERVICE}"]`).click();
    await on(page, '.svc-name', NEW_SERVICE).waitFor();
    await on(page, `[data-testid="weekday-${weekdayOf(tomorrow)}"]`).click();
    await on(page, '[data-testid="add-window"]').click();
    await on(page, '.note-text', '已加上这个时段').waitFor();
  });

  it('the villager books the new service tomorrow at 19:00', async () => {
    const { page } = villager;
    await page.goto(`${BASE}/#/pages/services/index`);
    await page.reload();
    const tile = on(page, `[data-testid="service-${NEW_SERVICE}"]`);
    await tile.waitFor();
    expect(await tile.textContent()).toContain('有夜间');
    await tile.click();
    await on(page, `[data-testid="day-${tomorrow}"]`).click();
    await on(page, '[data-testid="slot-19:00"]').click();
    await on(page, '[data-testid="confirm-book"]').click();
    await on(page, '.note-text', '预约成功').waitFor();
    const card = on(page, '.card', NEW_SERVICE);
    expect(await card.textContent()).toContain('19:00');
    expect(await readQr(page, await card.locator('[data-testid="booking-qr"]').screenshot())).toMatch(
      /^\d{6}$/,
    );
  });

  it('the cadre edits it, then stops offering it with 社保认证 taking over', async () => {
    const { page } = cadre;
    await page.goto(`${BASE}/#/subpackages/services-desk/services/index`);
    await page.reload();
    await on(page, `[data-testid="pick-${NEW_SERVICE}"]`).click();
    const servedBy = on(page, 'input[name="svc-served-by"]');
    await expect.poll(() => servedBy.inputValue()).toBe('文书 李桂兰');
    await servedBy.fill('副主任 王建军');
    await on(page, '[data-testid="save-service"]').click();
    await on(page, '.note-text', '已保存').waitFor();
    await shot(page, '85-catalogue-edit');

    await on(page, 'input[name="retire-reason"]').fill('改到镇便民服务中心办理');
    await on(page, '[data-testid="replace-社保认证"]').click();
    await on(page, '[data-testid="retire-service"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'services-86-retire.png') });
    await on(page, '[data-testid="retire-service"]').click();
    const confirm = page.locator('.taro-model__confirm');
    await confirm.waitFor();
    expect(await page.locator('.taro-modal__text').textContent()).toContain('社保认证');
    await confirm.click();
    await on(page, '.note-text', `“${NEW_SERVICE}”已停办，已通知 1 位村民`).waitFor();
    await expect.poll(() => on(page, `[data-testid="pick-${NEW_SERVICE}"]`).count()).toBe(0);
    await shot(page, '90-retired');
  });

  it('the villager is told, with times of 社保认证, and sees the booking cancelled', async () => {
    const { page } = villager;
    await page.goto(`${BASE}/#/pages/inbox/index`);
    await page.reload();
    const entry = on(page, '.inbox-row', `预约取消了：${NEW_SERVICE}`);
    await entry.waitFor();
    const text = (await entry.textContent()) ?? '';
    expect(text).toContain('预约取消');
    expect(text).toContain('可以改约到“社保认证”：');
    await shot(page, '95-inbox-cancelled');
    await entry.click();
    const past = on(page, '.card', '以前的预约');
    await past.waitFor();
    await expect.poll(() => past.textContent()).toContain(NEW_SERVICE);
    expect(await past.textContent()).toContain('改到镇便民服务中心办理');
    await past.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'services-96-bookings-cancelled.png') });
    await page.goto(`${BASE}/#/pages/services/index`);
    await page.reload();
    await on(page, '[data-testid="service-社保认证"]').waitFor();
    expect(await on(page, `[data-testid="service-${NEW_SERVICE}"]`).count()).toBe(0);
  });

  it('no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});

/**
 * Browser test of matters (h5 build, real server from global-setup.ts): a villager of 东坪村's
 * 第一网格 raises a matter with a photo from 首页 → the grid worker of that grid (首问负责) finds it
 * in 待办事项, accepts it, routes it to 直接办理, resolves it and records the follow-up visit → the
 * villager rates it 满意 and sees it ended. Screenshots of every step go to
 * tests/e2e/screenshots/matters-*.png, plus the raise form in elder mode.
 *
 * The server is shared with the other e2e files: this file uses the showcase grid worker and the
 * showcase villager of that grid (dev login), and leaves elder mode as it found it.
 */
import { CHROMIUM, launchChromium } from './browser';
import { lampPng } from './images';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const BASE = (inject('e2eBaseUrl') ?? process.env.E2E_BASE_URL)?.replace(/\/$/, '');
const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const VILLAGE = '东坪村';

const missing = !BASE
  ? 'E2E_BASE_URL is not set'
  : !existsSync(CHROMIUM)
    ? `no chromium at ${CHROMIUM}`
    : null;
if (missing) {
  console.warn(`\n!!! tests/e2e/matters.e2e.test.ts SKIPPED: ${missing}.\n`);
}

type DevUser = { id: string; displayName: string; roles: { role: string; villageName: string | null }[] };

const inVillage = (u: DevUser, role: string) =>
  u.roles.some((r) => r.role === role && r.villageName === VILLAGE);

describe.skipIf(missing !== null)('matters in a browser (h5)', () => {
  let browser: Browser;
  let villager: { context: BrowserContext; page: Page; user: DevUser };
  let worker: { context: BrowserContext; page: Page; user: DevUser };
  const consoleErrors: string[] = [];
  const text = `村口东边的路灯坏了三天了，晚上黑，老人走路怕摔。${new Date().toISOString().slice(11, 19)}`;
  let photoPath = '';
  let matterUrl = '';

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

  /**
   * The whole page on screen: Taro h5 scrolls inside the page, so the viewport is stretched to the
   * content for the picture (after any toast has gone), then put back.
   */
  async function shot(page: Page, name: string) {
    await page
      .waitForFunction(
        () => ![...document.querySelectorAll('.taro__toast')].some((t) => (t as HTMLElement).offsetParent),
        null,
        {
          timeout: 5000,
        },
      )
      .catch(() => undefined);
    const view = page.viewportSize()!;
    const height = await page
      .locator('.screen:visible')
      .first()
      .evaluate((el) => Math.ceil(el.getBoundingClientRect().height + 120));
    await page.setViewportSize({ width: view.width, height: Math.max(view.height, Math.min(height, 6000)) });
    await page.screenshot({ path: path.join(SHOTS, `matters-${name}.png`), fullPage: true });
    await page.setViewportSize(view);
  }
  /** Taro h5 keeps earlier pages in the DOM, hidden: look only at the page on screen. */
  const on = (page: Page, selector: string, hasText?: string) =>
    page.locator(`.screen:visible ${selector}`, hasText ? { hasText } : undefined).first();
  /** Every visible tap target is at least 44 CSS px tall. */
  async function expectTapTargets(page: Page, selector: string) {
    const heights = await page
      .locator(`.screen:visible ${selector}`)
      .evaluateAll((els) =>
        els
          .filter((e) => (e as HTMLElement).offsetParent !== null)
          .map((e) => e.getBoundingClientRect().height),
      );
    expect(heights.length).toBeGreaterThan(0);
    for (const h of heights) expect(h, `${selector} is at least 44 px tall`).toBeGreaterThanOrEqual(44);
  }
  /** No raw codes or English on screen: what a villager reads is Chinese. */
  async function expectPlainChinese(page: Page) {
    const words = await page.locator('.screen:visible').first().innerText();
    expect(words).not.toMatch(
      /\b(submitted|accepted|in_progress|resolved|followed_up|closed|complaint|roads|undefined|null|NaN)\b/,
    );
  }
  async function act(page: Page, action: string, note?: string) {
    await on(page, `[data-testid="action-${action}"]`).click();
    if (note !== undefined) await on(page, 'textarea[name="note"]').fill(note);
  }
  async function submitAction(page: Page, expectLabel: string) {
    await on(page, '[data-testid="action-submit"]').click();
    await on(page, '[data-testid="timeline"]', expectLabel).waitFor();
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const dir = mkdtempSync(path.join(tmpdir(), 'e2e-matters-'));
    photoPath = path.join(dir, '路灯.png');
    writeFileSync(photoPath, lampPng());

    const res = await fetch(`${BASE}/api/auth/dev-users`);
    expect(res.status, 'the server must offer dev login (DEV_LOGIN=1)').toBe(200);
    const { users } = (await res.json()) as { users: DevUser[] };
    const workerUser = users.find((u) => inVillage(u, 'grid_worker'));
    expect(workerUser, 'demo data must have a grid worker of 东坪村').toBeTruthy();
    // The villager: a plain villager listed for dev login who lives in the grid worker's grid.
    const login = await fetch(`${BASE}/api/auth/dev`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: workerUser!.id }),
    });
    const { token, user } = (await login.json()) as {
      token: string;
      user: { memberships: { role: string; villageId: string | null }[] };
    };
    const villageId = user.memberships.find((m) => m.role === 'grid_worker')!.villageId!;
    const inGrid = (await (
      await fetch(`${BASE}/api/villages/${villageId}/grid-villagers`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { items: { userId: string }[] };
    const gridIds = new Set(inGrid.items.map((i) => i.userId));
    const villagerUser = users.find(
      (u) => u.roles.length === 1 && inVillage(u, 'villager') && gridIds.has(u.id),
    );
    expect(villagerUser, 'demo data must list a villager of the grid worker’s grid').toBeTruthy();

    browser = await launchChromium();
    villager = await open(villagerUser!);
    worker = await open(workerUser!);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('我要反映 is the first, largest thing on 首页', async () => {
    const { page } = villager;
    const entry = on(page, '[data-testid="go-raise"]');
    await entry.waitFor();
    const box = await entry.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(88);
    // Above everything else on the page but the greeting.
    const firstCard = await on(page, '.card').boundingBox();
    if (firstCard) expect(box!.y).toBeLessThan(firstCard.y);
    await shot(page, '01-home-entry');
  });

  it('the villager raises a matter with a photo', async () => {
    const { page } = villager;
    await on(page, '[data-testid="go-raise"]').click();
    await on(page, '[data-testid="raise-form"]').waitFor();
    await on(page, '[data-testid="kind-complaint"]').click();
    await on(page, '[data-testid="category-roads"]').click();
    await on(page, 'textarea[name="text"]').fill(text);
    await expect
      .poll(() => on(page, '[data-testid="text-count"]').textContent())
      .toBe(`已写 ${text.length} 字，最多 2000 字`);

    const chooser = page.waitForEvent('filechooser');
    await on(page, '[data-testid="add-photo"]').click();
    await (await chooser).setFiles(photoPath);
    await on(page, '[data-testid="photo-picker"]', '已上传').waitFor({ timeout: 20_000 });
    await expectTapTargets(page, '.kind-tile');
    await expectTapTargets(page, '.choice');
    await expectTapTargets(page, '.photo-btn');
    await expectPlainChinese(page);
    await shot(page, '02-raise-form');

    await on(page, '[data-testid="submit-matter"]').click();
    await on(page, '[data-testid="matter-detail"]').waitFor();
    matterUrl = page.url();
    expect(await on(page, '[data-testid="matter-text"]').textContent()).toBe(text);
    expect(await on(page, '[data-testid="now-words"]').textContent()).toBe('等网格员受理');
    expect(await on(page, '[data-testid="now-when"]').textContent()).toMatch(
      /^期限：\d+月\d+日 \d\d:\d\d前$/,
    );
    await on(page, '[data-testid="matter-photos"] img').waitFor();
    await expect
      .poll(() =>
        on(page, '[data-testid="matter-photos"] img').evaluate(
          (img) => (img as HTMLImageElement).naturalWidth,
        ),
      )
      .toBe(240);
    expect(await on(page, '[data-testid="timeline"]').textContent()).toContain('已提交');
    await expectPlainChinese(page);
    await shot(page, '03-raised');
  });

  it('the grid worker finds it in 待办事项 and accepts it', async () => {
    const { page } = worker;
    await page.reload();
    await on(page, '[data-testid^="matter-inbox-"]').click();
    await on(page, '[data-testid="responder-inbox"]').waitFor();
    const row = on(page, '.matter-row', text.slice(0, 20));
    await row.waitFor();
    expect(await row.textContent()).toContain('待受理');
    await expectTapTargets(page, '.chip');
    await expectPlainChinese(page);
    await shot(page, '04-worker-inbox');

    await row.click();
    await on(page, '[data-testid="matter-detail"]').waitFor();
    await on(page, '[data-testid="action-buttons"]').waitFor();
    await expectTapTargets(page, '[data-testid="action-buttons"] .btn');
    await shot(page, '05-worker-detail');
    await act(page, 'accept', '收到，明天上午去看');
    await submitAction(page, '网格员已受理');
    await expect.poll(() => on(page, '[data-testid="now-words"]').textContent()).toMatch(/正在安排怎么办/);
    await shot(page, '06-accepted');
  });

  it('routes it to 直接办理, resolves it with a note, and records the follow-up visit', async () => {
    const { page } = worker;
    await act(page, 'route_handle', '请村电工张师傅换灯');
    await submitAction(page, '已安排专人办理');

    await act(page, 'resolve');
    // 办结 needs a note: the form says so before sending anything.
    await on(page, '[data-testid="action-submit"]').click();
    expect(await on(page, '[data-testid="action-error"]').textContent()).toBe('请填写怎么办好的');
    await on(page, 'textarea[name="note"]').fill('路灯已换新，晚上能亮了');
    const chooser = page.waitForEvent('filechooser');
    await on(page, '[data-testid="add-photo"]').click();
    await (await chooser).setFiles(photoPath);
    await on(page, '[data-testid="photo-picker"]', '已上传').waitFor({ timeout: 20_000 });
    await shot(page, '07-resolve-form');
    await submitAction(page, '已办结');
    // The photo of the finished work shows under 已办结 in the timeline.
    await on(page, '.timeline-photos img').waitFor();
    await expect.poll(() => on(page, '[data-testid="now-words"]').textContent()).toMatch(/等网格员回访/);

    await act(page, 'follow_up', '灯亮了，老人晚上出门放心了');
    await on(page, '[data-testid="visit-上门回访"]').click();
    await submitAction(page, '已回访');
    expect(await on(page, '[data-testid="now-words"]').textContent()).toBe('已回访，等村民评价');
    expect(await on(page, '[data-testid="timeline"]').textContent()).toContain('上门回访。村民说：灯亮了');
    await expectPlainChinese(page);
    await shot(page, '08-followed-up');
  });

  it('the villager rates it 满意 and it ends', async () => {
    const { page } = villager;
    // From 首页 → 我的事项 → the matter, as a villager would come back to it.
    await page.goto(`${BASE}/`);
    await on(page, '[data-testid="go-my-matters"]').click();
    const mine = on(page, '.matter-row', text.slice(0, 20));
    await mine.waitFor();
    expect(await mine.textContent()).toContain('已回访');
    await mine.click();
    await on(page, '[data-testid="form-rating"]').waitFor();
    expect(page.url()).toContain(`id=${/[?&]id=([^&]+)/.exec(matterUrl)![1]}`);
    expect(await on(page, '[data-testid="now-words"]').textContent()).toMatch(/已回访，请您评价/);
    const timeline = await on(page, '[data-testid="timeline"]').textContent();
    for (const step of ['已提交', '网格员已受理', '已安排专人办理', '已办结', '已回访'])
      expect(timeline).toContain(step);
    await expectTapTargets(page, '.rating-choice');
    await on(page, '[data-testid="rate_satisfied"]').click();
    await on(page, 'textarea[name="note"]').fill('修得快，谢谢');
    await shot(page, '09-rating-form');
    await on(page, '[data-testid="action-submit"]').click();
    await on(page, '[data-testid="timeline"]', '您评价：满意').waitFor();
    expect(await on(page, '[data-testid="now-words"]').textContent()).toBe('已结束');
    expect(await on(page, '[data-testid="action-buttons"]').count()).toBe(0);
    await expectPlainChinese(page);
    await shot(page, '10-rated');

    // 我的事项 lists it, ended.
    await page.goBack();
    const row = on(page, '.matter-row', text.slice(0, 20));
    await row.waitFor();
    // Coming back refreshes the list: the matter now reads 已结束.
    await expect.poll(() => row.textContent()).toContain('已结束');
    await expectTapTargets(page, '.matter-row');
    await shot(page, '11-my-matters');
  });

  it('the raise form in elder mode', async () => {
    const { page } = villager;
    await page.goto(`${BASE}/#/pages/mine/index`);
    const toggle = on(page, '[data-testid="elder-toggle"]');
    await toggle.waitFor();
    if (!(await toggle.textContent())?.includes('已打开')) await toggle.click();
    await on(page, '[data-testid="elder-toggle"]', '已打开').waitFor();
    try {
      await page.goto(`${BASE}/#/pages/home/index`);
      await page.locator('.screen.elder:visible [data-testid="go-raise"]').click();
      await page.locator('.screen.elder:visible [data-testid="raise-form"]').waitFor();
      await on(page, '[data-testid="kind-dispute"]').click();
      const size = await on(page, '.kind-word').evaluate((el) =>
        Number.parseFloat(getComputedStyle(el).fontSize),
      );
      expect(size, 'kind words are large in elder mode').toBeGreaterThanOrEqual(24);
      await expectTapTargets(page, '.kind-tile');
      await expectTapTargets(page, '.btn');
      await shot(page, '12-raise-elder');
    } finally {
      await page.goto(`${BASE}/#/pages/mine/index`);
      const t = on(page, '[data-testid="elder-toggle"]');
      await t.waitFor();
      if ((await t.textContent())?.includes('已打开')) {
        await t.click();
        await on(page, '[data-testid="elder-toggle"]', '已关闭').waitFor();
      }
    }
    expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});

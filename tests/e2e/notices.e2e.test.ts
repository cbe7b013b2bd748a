/**
 * Browser test of notices (h5 build, real server from global-setup.ts):
 * the showcase cadre of 东坪村 publishes a pinned notice to the whole village → the showcase
 * villager sees the unread badge on the 我的 tab, the notice on 首页 and in 消息, opens it → the
 * cadre's read count moves. Screenshots (normal and elder) of the notice page and the inbox go to
 * tests/e2e/screenshots/.
 *
 * The server is shared with the other e2e files: this file uses the showcase cadre and villager
 * (not the newcomer of shell.e2e), counts relative to what it finds, and leaves elder mode off.
 */
import { CHROMIUM, launchChromium } from './browser';
import { existsSync, mkdirSync } from 'node:fs';
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
  console.warn(`\n!!! tests/e2e/notices.e2e.test.ts SKIPPED: ${missing}.\n`);
}

type DevUser = { id: string; displayName: string; roles: { role: string; villageName: string | null }[] };

const inVillage = (u: DevUser, role: string) =>
  u.roles.some((r) => r.role === role && r.villageName === VILLAGE);

describe.skipIf(missing !== null)('notices in a browser (h5)', () => {
  let browser: Browser;
  let cadre: { context: BrowserContext; page: Page; user: DevUser };
  let villager: { context: BrowserContext; page: Page; user: DevUser };
  const consoleErrors: string[] = [];
  const title = `停水通知 ${new Date().toISOString().slice(11, 19)}`;
  const body =
    '明天（周二）上午8点到12点，村里自来水管检修，全村停水。\n请大家提前储水。有问题请打村委会电话。';
  let recipients = 0;

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
    page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  /** Taro h5 keeps earlier pages in the DOM, hidden: look only at the page on screen. */
  const on = (page: Page, selector: string, hasText?: string) =>
    page.locator(`.screen:visible ${selector}`, hasText ? { hasText } : undefined);
  const tab = (page: Page, label: string) => page.locator('.weui-tabbar__label', { hasText: label }).first();
  /** The badge on the 我的 tab ('' when none). */
  const mineBadge = (page: Page) =>
    page
      .locator('.weui-tabbar__item', { has: page.locator('.weui-tabbar__label', { hasText: '我的' }) })
      .locator('.taro-tabbar-badge')
      .textContent({ timeout: 1000 })
      .then((t) => t ?? '')
      .catch(() => '');
  /** Every visible tap target is at least 44 CSS px tall. */
  async function expectTapTargets(page: Page, selector: string) {
    const heights = await page
      .locator(`${selector}:visible`)
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(heights.length).toBeGreaterThan(0);
    for (const h of heights) expect(h, `${selector} is at least 44 px tall`).toBeGreaterThanOrEqual(44);
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const res = await fetch(`${BASE}/api/auth/dev-users`);
    expect(res.status, 'the server must offer dev login (DEV_LOGIN=1)').toBe(200);
    const { users } = (await res.json()) as { users: DevUser[] };
    const cadreUser = users.find((u) => inVillage(u, 'cadre'));
    // The showcase villager: a plain villager of 东坪村 (not the newcomer shell.e2e may have joined).
    const villagerUser = users.find(
      (u) => u.roles.length === 1 && inVillage(u, 'villager') && !u.displayName.includes('新用户'),
    );
    expect(cadreUser && villagerUser, 'demo data must have a cadre and a villager of 东坪村').toBeTruthy();
    browser = await launchChromium();
    cadre = await open(cadreUser!);
    villager = await open(villagerUser!);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('the villager starts with what is already there', async () => {
    // 首页 shows the notices block and the 消息 row for every member.
    await on(villager.page, '.notices-block').waitFor();
    await on(villager.page, '[data-testid="inbox-entry"]').waitFor();
    await expect
      .poll(() => on(villager.page, '[data-testid="inbox-entry"]').textContent())
      .toMatch(/未读|没有/);
  });

  it('the cadre publishes a pinned notice to the whole village', async () => {
    const { page } = cadre;
    await on(page, '.link-row', '发通知、看已读').click();
    await on(page, '[data-testid="go-publish"]').click();
    await on(page, 'input[name="title"]').waitFor();
    await on(page, 'input[name="title"]').fill(title);
    await on(page, 'textarea[name="body"]').fill(body);
    await on(page, '[data-testid="pinned"]').click();
    await shot(page, '20-publish-notice');
    await on(page, '[data-testid="publish"]').click();

    const confirm = page.locator('.taro-model__confirm');
    await confirm.waitFor();
    expect(await page.locator('.taro-modal__text').textContent()).toContain('发给：全村');
    await confirm.click();

    const done = on(page, '.note-text', '已发布');
    await done.waitFor();
    recipients = Number(/已发给 (\d+) 人/.exec((await done.textContent()) ?? '')?.[1]);
    expect(recipients).toBeGreaterThan(1);
    const row = on(page, '.notice-row', title);
    await expect.poll(() => row.textContent()).toContain(`已读 0 / 共 ${recipients} 人`);
    expect(await row.textContent()).toContain('置顶');
    await shot(page, '21-cadre-notices-after-publish');
  });

  it('the villager sees the unread badge, the notice on 首页 and in 消息', async () => {
    const { page } = villager;
    // Coming back to 首页 (tab switch) refreshes the notices and the count.
    await tab(page, '我的').click();
    await tab(page, '首页').click();
    const row = on(page, '.notices-block .notice-row', title);
    await row.waitFor();
    expect(await row.textContent()).toContain('置顶');
    expect(await row.textContent()).toContain('全村');
    expect(await row.textContent()).toContain('未读');
    // Pinned and newest: first in the block.
    expect(await on(page, '.notices-block .notice-row-title').first().textContent()).toBe(title);

    await expect.poll(() => mineBadge(page)).toMatch(/^[1-9]\d*\+?$/);
    const before = Number((await mineBadge(page)).replace('+', ''));
    expect(await on(page, '[data-testid="inbox-entry"]').textContent()).toContain(`${before} 条未读`);
    await shot(page, '22-home-unread-notice');

    await tab(page, '我的').click();
    await on(page, '[data-testid="inbox-entry"]').click();
    const entry = on(page, '.inbox-row', title);
    await entry.waitFor();
    expect(await entry.textContent()).toContain('未读');
    await expectTapTargets(page, '.inbox-row');
    await expectTapTargets(page, '.btn');
    await shot(page, '23-inbox-normal');

    // Open it from the inbox.
    await entry.click();
    await on(page, '[data-testid="notice-page"]').waitFor();
    expect(await on(page, '.notice-title').textContent()).toBe(title);
    expect(await on(page, '.notice-body-card .ra-text').textContent()).toBe(body);
    expect(await on(page, '.notice-meta').textContent()).toMatch(
      new RegExp(`${cadre.user.displayName} · \\d{1,2}月\\d{1,2}日 \\d{2}:\\d{2}`),
    );
    // A villager does not see read counts.
    expect(await on(page, '[data-testid="notice-read-count"]').count()).toBe(0);
    await shot(page, '24-notice-normal');

    // The badge went down by one (or away).
    await expect.poll(() => mineBadge(page)).toBe(before - 1 > 0 ? String(before - 1) : '');
  });

  it('the cadre’s read count moves', async () => {
    const { page } = cadre;
    await page.reload();
    const row = on(page, '.notice-row', title);
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain(`已读 1 / 共 ${recipients} 人`);
    await shot(page, '25-cadre-read-count');
  });

  it('the notice page and the inbox in elder mode', async () => {
    const { page } = villager;
    await page.goBack(); // back to 消息
    await on(page, '.inbox-row', title).waitFor();
    expect(await on(page, '.inbox-row', title).textContent()).not.toContain('未读');

    await page.goBack(); // back to 我的
    const toggle = on(page, '[data-testid="elder-toggle"]');
    await toggle.click();
    await on(page, '[data-testid="elder-toggle"]', '已打开').waitFor();
    try {
      await on(page, '[data-testid="inbox-entry"]').click();
      await page.locator('.screen.elder:visible .inbox-row', { hasText: title }).waitFor();
      await expectTapTargets(page, '.inbox-row');
      await shot(page, '26-inbox-elder');

      await page.locator('.screen.elder:visible .inbox-row', { hasText: title }).click();
      await page.locator('.screen.elder:visible [data-testid="notice-page"]').waitFor();
      const size = await page
        .locator('.screen:visible .notice-body-card .ra-text')
        .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
      expect(size, 'the body is large in elder mode').toBeGreaterThanOrEqual(24);
      await shot(page, '27-notice-elder');

      await page.goto(`${BASE}/#/pages/notify-settings/index`);
      await page.locator('.screen.elder:visible [data-testid="quiet-hours"]').waitFor();
      await expectTapTargets(page, '.toggle-switch');
      await shot(page, '28-notify-settings-elder');
    } finally {
      // Leave the shared demo user as found.
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

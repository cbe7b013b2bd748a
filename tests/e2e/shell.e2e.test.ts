/**
 * Browser test of the mini-program shell (h5 build) against a running server that serves the h5
 * build at / and the API at /api. E2E_BASE_URL names it (e.g. http://127.0.0.1:3000).
 *
 * Flow: a demo user with no village logs in → joins a village by invite code as the seeded
 * newcomer (auto-approved: matches the roster) → turns on elder mode, which survives a reload.
 * Screenshots (normal and elder) go to tests/e2e/screenshots/.
 *
 * Overrides: E2E_INVITE_CODE, E2E_JOIN_NAME, E2E_JOIN_PHONE, CHROMIUM_PATH.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const BASE = (inject('e2eBaseUrl') ?? process.env.E2E_BASE_URL)?.replace(/\/$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The demo seed's newcomer (api/_db/seed.ts: DEMO_NEWCOMER): on the 东坪村 roster, not yet joined.
const INVITE_CODE = process.env.E2E_INVITE_CODE ?? 'DP2026';
const JOIN_NAME = process.env.E2E_JOIN_NAME ?? '李新民';
const JOIN_PHONE = process.env.E2E_JOIN_PHONE ?? '13900000001';
const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

const missing = !BASE
  ? 'E2E_BASE_URL is not set'
  : !existsSync(CHROMIUM)
    ? `no chromium at ${CHROMIUM}`
    : null;
if (missing) {
  console.warn(
    `\n!!! tests/e2e/shell.e2e.test.ts SKIPPED: ${missing}.\n!!! Start the server (h5 at /, API at /api) and set E2E_BASE_URL=http://host:port to run the browser test.\n`,
  );
}

type DevUsers = {
  users: { id: string; displayName: string; roles: { role: string; villageName: string | null }[] }[];
};

describe.skipIf(missing !== null)('mini-program shell in a browser (h5)', () => {
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    profileDir = mkdtempSync(path.join(tmpdir(), 'e2e-chromium-'));
    // A fresh profile per run: no cached token or elder-mode choice from an earlier run.
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      locale: 'zh-CN',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  });

  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const tab = (label: string) => page.locator('.weui-tabbar__label', { hasText: label }).first();
  const screenFontSize = () =>
    page
      .locator('.screen:visible')
      .first()
      .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));

  it('logs in as a demo user who has no village yet', async () => {
    const res = await fetch(`${BASE}/api/auth/dev-users`);
    expect(res.status, 'the server must offer dev login (DEV_LOGIN=1)').toBe(200);
    const { users } = (await res.json()) as DevUsers;
    const newcomer = users.find((u) => u.roles.length === 0);
    expect(newcomer, 'no demo user without a village: run against a freshly seeded database').toBeTruthy();

    await page.goto(`${BASE}/`);
    await page.locator('[data-testid="go-login"]').waitFor();
    await shot('01-welcome');
    await page.locator('[data-testid="go-login"]').click();

    const row = page.locator(`[data-testid="dev-user-${newcomer!.id}"]`);
    await row.waitFor();
    await shot('02-login-demo-users');
    await row.click();

    await page.locator('[data-testid="go-join"]').waitFor();
    await page.getByText(`${newcomer!.displayName}，您好`).waitFor();
    await shot('03-home-no-village');
  });

  it('joins a village with the invite code', async () => {
    await page.locator('[data-testid="go-join"]').click();
    const code = page.locator('input[name="inviteCode"]');
    await code.waitFor();
    await code.fill(INVITE_CODE);
    await page.locator('[data-testid="lookup"]').click();

    await page.locator('input[name="name"]').waitFor();
    await shot('04-join-form');
    // Submitting empty shows the field errors, in words.
    await page.locator('[data-testid="submit-join"]').click();
    await page.getByText('请填写姓名', { exact: true }).waitFor();

    await page.locator('input[name="name"]').fill(JOIN_NAME);
    await page.locator('input[name="phone"]').fill(JOIN_PHONE);
    await page.locator('[data-testid="submit-join"]').click();

    const result = page.locator('[data-testid="join-result"]');
    await result.waitFor();
    expect(await result.textContent()).toMatch(/已加入|等待村干部审核/);
    await shot('05-join-result');

    await page.getByText('回到首页', { exact: true }).click();
    await page
      .getByText('我要反映', { exact: true })
      .waitFor({ timeout: 15_000 })
      .catch(() => undefined);
    await shot('06-home-normal');
  });

  it('turns on elder mode: larger type, large tap targets, kept after a reload', async () => {
    await tab('我的').click();
    const toggle = page.locator('[data-testid="elder-toggle"]');
    await toggle.waitFor();
    const before = await screenFontSize();

    for (const box of await page
      .locator('.btn:visible')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))) {
      expect(box, 'tap targets are at least 44 px tall').toBeGreaterThanOrEqual(44);
    }
    await shot('07-mine-normal');

    await toggle.click();
    await page.locator('.screen.elder:visible').first().waitFor();
    await page.locator('[data-testid="elder-toggle"]', { hasText: '已打开' }).waitFor();
    const after = await screenFontSize();
    expect(after).toBeGreaterThanOrEqual(20);
    expect(after / before).toBeGreaterThanOrEqual(1.3);
    await shot('08-mine-elder');

    await page.reload();
    await page.locator('[data-testid="elder-toggle"]').waitFor();
    await page.locator('.screen.elder:visible').first().waitFor();

    await tab('首页').click();
    await page.locator('.screen.elder:visible').first().waitFor();
    await shot('09-home-elder');
    expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});

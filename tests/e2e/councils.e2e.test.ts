/**
 * Browser test of councils (h5 build, real server from global-setup.ts): a cadre opens a
 * 村民会议 vote closing in about a minute; two villagers vote on the ballot page (large buttons,
 * confirm step saying the ballot is final, receipt); the vote closes at its time (closed lazily by
 * the first read after it); the result page shows turnout against quorum and the outcome; a
 * receipt is checked, and a forged one is not found. Screenshots go to tests/e2e/screenshots/.
 */
import { CHROMIUM, launchChromium } from './browser';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const BASE = (inject('e2eBaseUrl') ?? process.env.E2E_BASE_URL)?.replace(/\/$/, '');
const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const VILLAGE = '东坪村';
const VOTE_SECONDS = 75;

const missing = !BASE
  ? 'E2E_BASE_URL is not set'
  : !existsSync(CHROMIUM)
    ? `no chromium at ${CHROMIUM}`
    : null;
if (missing) console.warn(`\n!!! tests/e2e/councils.e2e.test.ts SKIPPED: ${missing}.\n`);

type DevUser = {
  id: string;
  displayName: string;
  roles: { role: string; villageName: string | null }[];
};
const inVillage = (u: DevUser, role: string) =>
  u.roles.some((r) => r.role === role && r.villageName === VILLAGE);

async function api(method: string, url: string, token: string, body?: unknown) {
  const res = await fetch(`${BASE}/api${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe.skipIf(missing !== null)('councils in a browser (h5)', () => {
  let browser: Browser;
  let villageId: string;
  let voteId: string;
  let closesAt: number;
  const question = `是否同意在村口安装路灯？（${new Date().toISOString().slice(11, 19)}）`;
  const voters: { user: DevUser; page: Page; receipt?: string }[] = [];
  const consoleErrors: string[] = [];

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(SHOTS, `councils-${name}.png`), fullPage: true });
  const on = (page: Page, selector: string, hasText?: string) =>
    page.locator(`.screen:visible ${selector}`, hasText ? { hasText } : undefined);

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
    return page;
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const { users } = (await (await fetch(`${BASE}/api/auth/dev-users`)).json()) as { users: DevUser[] };
    const cadre = users.find((u) => inVillage(u, 'cadre'))!;
    const plain = users.filter(
      (u) => u.roles.length === 1 && inVillage(u, 'villager') && !u.displayName.includes('新用户'),
    );
    const rep = users.find((u) => inVillage(u, 'representative') && !inVillage(u, 'cadre'));
    const people = [plain[0], rep].filter(Boolean) as DevUser[];
    expect(cadre && people.length === 2, 'demo data: a cadre and two villagers of 东坪村').toBeTruthy();
    const login = await fetch(`${BASE}/api/auth/dev`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: cadre.id }),
    });
    const { token } = (await login.json()) as { token: string };
    const me = await api('GET', '/me', token);
    villageId = me.body.memberships.find(
      (m: { villageName: string | null }) => m.villageName === VILLAGE,
    ).villageId;
    const meeting = await api('POST', `/villages/${villageId}/meetings`, token, {
      type: 'villagers_assembly',
      title: '村民会议：村口路灯',
      heldAt: new Date().toISOString(),
    });
    expect(meeting.status).toBe(201);
    closesAt = Date.now() + VOTE_SECONDS * 1000;
    const vote = await api('POST', `/villages/${villageId}/votes`, token, {
      meetingId: meeting.body.id,
      question,
      kind: 'yes_no',
      ballotMode: 'secret',
      liveTally: true,
      opensAt: new Date(Date.now() - 1000).toISOString(),
      closesAt: new Date(closesAt).toISOString(),
    });
    expect(vote.status).toBe(201);
    voteId = vote.body.id;
    browser = await launchChromium();
    for (const user of people) voters.push({ user, page: await open(user) });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('villagers find the vote on the 议事 tab and cast a final ballot with a receipt', async () => {
    for (const [i, v] of voters.entries()) {
      const { page } = v;
      await page.locator('.weui-tabbar__label', { hasText: '议事' }).first().click();
      await on(page, '[data-testid="open-vote"]', question).click();
      await on(page, '[data-testid="vote-question"]', question).waitFor();
      if (i === 0) await shot(page, 'ballot');
      // Large buttons: at least 44 CSS px tall.
      const heights = await on(page, '.ballot-option').evaluateAll((els) =>
        els.map((e) => e.getBoundingClientRect().height),
      );
      expect(heights).toHaveLength(3);
      for (const h of heights) expect(h).toBeGreaterThanOrEqual(44);
      await on(page, `[data-testid="option-${i === 0 ? 'yes' : 'no'}"]`).click();
      await on(page, '.note-text', '选票投出后不能更改').waitFor();
      if (i === 0) await shot(page, 'confirm');
      await on(page, '[data-testid="confirm-cast"]').click();
      const code = on(page, '[data-testid="receipt-code"]');
      await code.waitFor();
      v.receipt = (await code.textContent())!.trim();
      expect(v.receipt).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
      if (i === 0) await shot(page, 'receipt');
    }
    // The live tally on the last voter's page counts both.
    await on(voters[1]!.page, '.bar-caption', '已有 2 人投票').waitFor();
  }, 120_000);

  it('the 议事 tab lists proposals with their stage progress; a proposal shows its timeline; a petition its progress', async () => {
    const { page } = voters[1]!;
    await page.goto(`${BASE}/#/pages/council/index`);
    const row = on(page, '[data-testid="proposal-row"]', '硬化村北机耕路');
    await row.waitFor();
    expect(await row.textContent()).toContain('已完成 3/6 步');
    await shot(page, 'tab');
    await row.click();
    const steps = on(page, '[data-testid="stage-steps"]');
    await steps.waitFor();
    expect(await steps.textContent()).toContain('党员大会审议');
    await shot(page, 'proposal');
    await page.goto(`${BASE}/#/pages/council/index`);
    await on(page, '.link-row', '增加垃圾清运次数').click();
    const progress = on(page, '[data-testid="petition-progress"]');
    await progress.waitFor();
    expect(await progress.textContent()).toMatch(/已联名1 \/ \d+ 人/);
    await shot(page, 'petition');
  }, 60_000);

  it('after the close time the result page shows turnout against quorum and the outcome', async () => {
    const wait = closesAt - Date.now() + 1500;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const { page } = voters[0]!;
    // The first read after the close time closes the vote and publishes the result.
    await page.goto(`${BASE}/#/subpackages/council/vote/index?villageId=${villageId}&id=${voteId}`);
    const outcome = on(page, '[data-testid="outcome"]');
    await outcome.waitFor({ timeout: 30_000 });
    // Two of the village's 18+ villagers took part: far from the quorum.
    expect(await outcome.textContent()).toContain('到会人数不足');
    const turnout = await on(page, '[data-testid="turnout"]').textContent();
    expect(turnout).toMatch(/参加人数2 \/ \d+ 人/);
    expect(turnout).toContain('未达到法定人数');
    const tally = await on(page, '[data-testid="tally"]').textContent();
    expect(tally).toContain('同意1 票');
    expect(tally).toContain('反对1 票');
    await shot(page, 'result');
  }, 120_000);

  it('a receipt is checked; a forged one is not found', async () => {
    const { page, receipt } = voters[0]!;
    await on(page, '[data-testid="go-receipt"]').click();
    const input = on(page, '.field-input input, input.field-input').first();
    await input.fill(receipt!.toLowerCase().replace(/-/g, ' '));
    await on(page, '[data-testid="check-receipt"]').click();
    await on(page, '[data-testid="receipt-result"]', '已经计入').waitFor();
    await shot(page, 'receipt-check');
    await input.fill('AAAA-BBBB-CCCC');
    await on(page, '[data-testid="check-receipt"]').click();
    await on(page, '[data-testid="receipt-result"]', '没有找到').waitFor();
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});

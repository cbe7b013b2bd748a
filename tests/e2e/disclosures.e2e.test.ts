/**
 * Browser test of the disclosure boards (h5 build, real server from global-setup.ts): the showcase
 * cadre of 东坪村 (on a desktop-sized window) drafts a month's ledger with a voucher photo on a line
 * and submits it → a supervisor sees the photo, returns it with a comment → the cadre fixes the
 * line and resubmits → the supervisor approves (co-signs) → the showcase villager reads it on the
 * 公开 tab, with totals and the voucher (a thumbnail that opens large), and questions a line → the
 * power list shows a flow diagram → a correction keeps the photo → the town officer sees which
 * villages are late with their disclosures. Screenshots go to tests/e2e/screenshots/disclosures-*.png.
 */
import { CHROMIUM, launchChromium } from './browser';
import { receiptPng } from './images';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const BASE = (inject('e2eBaseUrl') ?? process.env.E2E_BASE_URL)?.replace(/\/$/, '');
const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const VILLAGE = '东坪村';
const PERIOD = '2024-06';
const TITLE = `${VILLAGE}2024年6月财务收支公开`;

const missing = !BASE
  ? 'E2E_BASE_URL is not set'
  : !existsSync(CHROMIUM)
    ? `no chromium at ${CHROMIUM}`
    : null;
if (missing) console.warn(`\n!!! tests/e2e/disclosures.e2e.test.ts SKIPPED: ${missing}.\n`);

type DevUser = { id: string; displayName: string; roles: { role: string; villageName: string | null }[] };

const inVillage = (u: DevUser, role: string) =>
  u.roles.some((r) => r.role === role && r.villageName === VILLAGE);

describe.skipIf(missing !== null)('disclosures in a browser (h5)', () => {
  let browser: Browser;
  let cadre: { context: BrowserContext; page: Page; user: DevUser };
  let supervisor: { context: BrowserContext; page: Page; user: DevUser };
  let villager: { context: BrowserContext; page: Page; user: DevUser };
  let townUser: DevUser;
  let receiptPath = '';
  const consoleErrors: string[] = [];

  async function open(user: DevUser, viewport = { width: 390, height: 844 }) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 2, locale: 'zh-CN' });
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
    page.screenshot({ path: path.join(SHOTS, `disclosures-${name}.png`), fullPage: true });
  const on = (page: Page, selector: string, hasText?: string) =>
    page.locator(`.screen:visible ${selector}`, hasText ? { hasText } : undefined);
  const tab = (page: Page, label: string) => page.locator('.weui-tabbar__label', { hasText: label }).first();
  const field = (page: Page, name: string) => on(page, `input[name="${name}"]`);

  /** From anywhere (also a sub-page without a tab bar): start at 首页, then 公开 → 公开管理. */
  async function openAdmin(page: Page) {
    await page.goto(`${BASE}/`);
    await tab(page, '公开').click();
    await on(page, '[data-testid="open-disclosure-admin"]').click();
    await on(page, '.page-title-text', '公开管理').waitFor();
  }
  async function openDraft(page: Page) {
    const card = on(page, '.card', TITLE);
    await card.waitFor();
    await card.click();
  }

  /** The decoded width of an <img> (0 until it loaded: a broken image never gets one). */
  const imgWidth = (page: Page, selector: string) =>
    on(page, selector)
      .first()
      .evaluate((img) => (img as HTMLImageElement).naturalWidth);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    receiptPath = path.join(mkdtempSync(path.join(tmpdir(), 'e2e-receipt-')), '路灯发票.png');
    writeFileSync(receiptPath, receiptPng());
    const res = await fetch(`${BASE}/api/auth/dev-users`);
    const { users } = (await res.json()) as { users: DevUser[] };
    const cadreUser = users.find((u) => inVillage(u, 'cadre') && !inVillage(u, 'supervisor'));
    const supervisorUser = users.find((u) => inVillage(u, 'supervisor') && !inVillage(u, 'cadre'));
    const villagerUser = users.find(
      (u) => u.roles.length === 1 && inVillage(u, 'villager') && !u.displayName.includes('新用户'),
    );
    const town = users.find((u) => u.roles.some((r) => r.role === 'town_officer'));
    expect(
      cadreUser && supervisorUser && villagerUser && town,
      'demo data: a cadre, a supervisor and a villager of 东坪村, a town officer',
    ).toBeTruthy();
    townUser = town!;
    browser = await launchChromium();
    // The cadre keys in ledgers at a desk: a desktop-sized window.
    cadre = await open(cadreUser!, { width: 1280, height: 900 });
    supervisor = await open(supervisorUser!);
    villager = await open(villagerUser!);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the cadre drafts a month’s ledger and submits it', async () => {
    const { page } = cadre;
    await openAdmin(page);
    await on(page, '[data-testid="new-finance"]').click();
    await field(page, 'period').waitFor();
    await field(page, 'period').fill(PERIOD);
    await field(page, 'title').fill(TITLE);
    await field(page, 'opening').fill('1000');
    await field(page, 'closing').fill('1300');
    await field(page, 'date-0').fill('2024-06-03');
    await field(page, 'category-0').fill('经营收入');
    await field(page, 'item-0').fill('集体鱼塘承包费');
    await on(page, '[data-testid="side-in-1"]').click();
    await field(page, 'amount-0').fill('500');
    await field(page, 'counterpart-0').fill('承包户陈家');
    await on(page, '[data-testid="add-entry"]').click();
    await field(page, 'date-1').fill('2024-06-12');
    await field(page, 'category-1').fill('公益支出');
    await field(page, 'item-1').fill('村道路灯维修');
    await field(page, 'amount-1').fill('200.00');
    await field(page, 'counterpart-1').fill('县明亮电器');
    // The invoice for the lamp repair, as a photo on line 2.
    const chooser = page.waitForEvent('filechooser');
    await on(page, '[data-testid="add-voucher-2"]').click();
    await (await chooser).setFiles(receiptPath);
    await on(page, '[data-testid="voucher-picker-2"]', '已上传').waitFor({ timeout: 20_000 });
    await expect.poll(() => imgWidth(page, '[data-testid="voucher-picker-2"] img')).toBe(300);
    expect(await on(page, '[data-testid="voucher-picker-2"]').textContent()).toContain('1/9张');
    await expect.poll(() => on(page, '[data-testid="live-totals"]').textContent()).toContain('= 1,300.00 元');
    await on(page, '.note-text', '账平了').waitFor();
    await shot(page, '10-cadre-ledger-desktop');
    await on(page, '[data-testid="voucher-picker-2"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'disclosures-11-cadre-voucher.png') });
    await on(page, '[data-testid="submit-draft"]').click();
    await on(page, '.note-text', '已提交给村务监督委员会审核').waitFor();
  });

  it('the supervisor returns it with a comment', async () => {
    const { page } = supervisor;
    await openAdmin(page);
    await openDraft(page);
    await on(page, '[data-testid="review-totals"]').waitFor();
    expect(await on(page, '[data-testid="review-totals"]').textContent()).toContain('期末 1,300.00 元');
    // The supervisor checks the invoice photo before signing (fetched with the login: not public yet).
    await expect.poll(() => imgWidth(page, '[data-testid="review-vouchers-2"] img')).toBe(300);
    expect(await on(page, '[data-testid="review-line-1"]').textContent()).toContain('这一笔没有凭证照片');
    await on(page, '[data-testid="review-comment"] textarea, textarea[data-testid="review-comment"]')
      .first()
      .fill('路灯维修请写上发票号');
    await shot(page, '20-supervisor-review');
    await on(page, '[data-testid="review-return"]').click();
    await on(page, '.note-text', '已退回给村干部修改').waitFor();
  });

  it('the cadre sees the comment, fixes the line and resubmits', async () => {
    const { page } = cadre;
    await openAdmin(page);
    await openDraft(page);
    await on(page, '.note-text', '路灯维修请写上发票号').waitFor();
    // The saved draft brings its photo back.
    await expect.poll(() => imgWidth(page, '[data-testid="voucher-picker-2"] img')).toBe(300);
    await field(page, 'item-1').fill('村道路灯维修（发票 No.0012）');
    await shot(page, '30-cadre-returned');
    await on(page, '[data-testid="submit-draft"]').click();
    await on(page, '.note-text', '已提交给村务监督委员会审核').waitFor();
  });

  it('the supervisor approves: co-signed and published', async () => {
    const { page } = supervisor;
    await openAdmin(page);
    await openDraft(page);
    await on(page, '[data-testid="review-line-2"]', '发票 No.0012').waitFor();
    await on(page, '[data-testid="review-approve"]').click();
    const done = on(page, '.note-text', '已签字，已公开');
    await done.waitFor();
    expect(await done.textContent()).toMatch(/公开链第 \d+ 号/);
  });

  it('the villager reads it with totals and questions a line', async () => {
    const { page } = villager;
    await tab(page, '公开').click();
    await on(page, '[data-testid="section-finance"]').click();
    const item = on(page, '.card', TITLE);
    await item.waitFor();
    expect(await item.textContent()).toContain('结余 1,300.00 元');
    await shot(page, '40-villager-board');
    await item.click();
    await on(page, '[data-testid="disclosure-detail"]').waitFor();
    expect(await on(page, '[data-testid="total-closing"]').textContent()).toContain('1,300.00 元');
    expect(await on(page, '[data-testid="total-income"]').textContent()).toContain('500.00 元');
    expect(await on(page, '[data-testid="total-expense"]').textContent()).toContain('200.00 元');
    await expect
      .poll(() => on(page, '[data-testid="read-households"]').textContent())
      .toContain('已有 1 户看过');
    expect(await on(page, '.tag', '现行').count()).toBe(1);
    // The voucher under its line: a thumbnail from the public URL …
    const thumbs = '[data-testid="vouchers-2"] img';
    await expect.poll(() => imgWidth(page, thumbs)).toBe(300);
    expect(await on(page, '[data-testid="vouchers-2"]').textContent()).toContain(
      '凭证照片 1 张（点照片看大图）',
    );
    expect(await on(page, thumbs).first().getAttribute('src')).toMatch(
      /^\/api\/villages\/[0-9a-f-]{36}\/disclosures\/[0-9a-f-]{36}\/vouchers\/[0-9a-f-]{36}$/,
    );
    const box = (await on(page, thumbs).first().boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    await on(page, '[data-testid="vouchers-2"]').scrollIntoViewIfNeeded();
    await shot(page, '41-villager-ledger');
    // … that opens large, and a tap closes it again.
    await on(page, thumbs).first().click();
    const large = page.locator('.preview-image img').first();
    await large.waitFor();
    await expect.poll(() => large.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(300);
    // Shown at its full size (up to the screen's width): several times the thumbnail.
    expect((await large.boundingBox())!.width).toBeGreaterThan(box.width * 2);
    await page.screenshot({ path: path.join(SHOTS, 'disclosures-43-villager-voucher-large.png') });
    await page.locator('.preview-image').click();
    await page.locator('.preview-image').waitFor({ state: 'detached' });
    await on(page, '[data-testid="question-line-2"]').click();
    await on(page, 'textarea').last().fill('路灯修了哪几盏？');
    await on(page, '[data-testid="question-send"]').click();
    await on(page, '.card-title', '质询已提交').waitFor();
    await shot(page, '42-villager-question');
    await on(page, '.btn', '好的').click();
    await on(page, '[data-testid="ledger-line-2"] .answer').waitFor();
    expect(await on(page, '[data-testid="ledger-line-2"] .answer').textContent()).toContain(
      '有村民质询这一笔',
    );
    // The chain checks out.
    await on(page, '[data-testid="detail-back"]').click();
    await on(page, '[data-testid="verify-chain"]').click();
    await on(page, '.note-text', '核对无误').waitFor();
  });

  it('the power list shows each item as a flow diagram', async () => {
    const { page } = villager;
    await on(page, '[data-testid="section-power"]').click();
    await on(page, '[data-testid="power-homestead"]').click();
    const flow = on(page, '[data-testid="flow-diagram"]');
    await flow.waitFor();
    expect(await flow.locator('.flow-step').count()).toBe(5);
    expect(await flow.locator('.flow-arrow').count()).toBe(4);
    expect(await flow.textContent()).toContain('报镇政府审批');
    await shot(page, '50-power-flow-diagram');
    const heights = await on(page, '.btn').evaluateAll((els) =>
      els.map((e) => e.getBoundingClientRect().height),
    );
    for (const h of heights) expect(h).toBeGreaterThanOrEqual(44);
  });

  it('a correction is a new version with a reason; the villager sees both and what changed', async () => {
    const c = cadre.page;
    await c.goto(`${BASE}/`);
    await tab(c, '公开').click();
    await on(c, '[data-testid="section-finance"]').click();
    await on(c, '.card', TITLE).click();
    await on(c, '[data-testid="start-correction"]').click();
    await field(c, 'reason').waitFor();
    await field(c, 'reason').fill('路灯维修实付180元，原录错');
    await expect.poll(() => field(c, 'amount-1').inputValue()).toBe('200.00');
    // The correction keeps the line's invoice photo.
    await expect.poll(() => imgWidth(c, '[data-testid="voucher-picker-2"] img')).toBe(300);
    await field(c, 'amount-1').fill('180');
    await field(c, 'closing').fill('1320');
    await on(c, '.note-text', '账平了').waitFor();
    await on(c, '[data-testid="submit-draft"]').click();
    await on(c, '.note-text', '已提交给村务监督委员会审核').waitFor();

    const s = supervisor.page;
    await openAdmin(s);
    await openDraft(s);
    await on(s, '.note-text', '更正原因：路灯维修实付180元，原录错').waitFor();
    await on(s, '[data-testid="review-approve"]').click();
    await on(s, '.note-text', '已签字，已公开').waitFor();

    const v = villager.page;
    await v.goto(`${BASE}/`);
    await tab(v, '公开').click();
    await on(v, '[data-testid="section-finance"]').click();
    const item = on(v, '.card', TITLE);
    await expect.poll(() => item.textContent()).toContain('有更正');
    await item.click();
    await on(v, '[data-testid="changes-2"]').waitFor();
    const changes = await on(v, '[data-testid="changes-2"]').textContent();
    expect(changes).toContain(
      '删去：2024-06-12 公益支出 村道路灯维修（发票 No.0012） 支出 200.00 元 县明亮电器 凭证1张',
    );
    expect(changes).toContain(
      '新增：2024-06-12 公益支出 村道路灯维修（发票 No.0012） 支出 180.00 元 县明亮电器 凭证1张',
    );
    expect(await on(v, '[data-testid="total-closing"]').textContent()).toContain('1,320.00 元');
    await expect.poll(() => imgWidth(v, '[data-testid="vouchers-2"] img')).toBe(300);
    await on(v, '[data-testid="version-1"]').scrollIntoViewIfNeeded();
    await shot(v, '60-villager-versions');
    // Both versions and the photo check out against the chain.
    await on(v, '[data-testid="detail-back"]').click();
    await on(v, '[data-testid="verify-chain"]').click();
    await on(v, '.note-text', '核对无误').waitFor();
  });

  it('the town officer sees which villages are late with their disclosures, by kind and how late', async () => {
    const t = await open(townUser);
    const { page } = t;
    await on(page, '[data-testid^="town-disclosures-"]').first().click();
    await on(page, '.page-title-text', '各村公开情况').waitFor();
    const summary = on(page, '.note-text', '个村有');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/^石桥镇\d+个村里，\d+个村有\d+期公开超过期限还没公开。$/);
    // The demo's 西坪村 started its board three months earlier: it comes first, with its late months.
    const titles = await on(page, '.card-title').allTextContents();
    const villages = titles.filter((x) => x.endsWith('村'));
    expect(villages[0]).toBe('西坪村');
    expect(villages).toContain('东坪村');
    const xp = on(page, '.card', '西坪村');
    expect(await xp.locator('.tag').textContent()).toMatch(/^超期\d+期$/);
    const finance = xp.locator('[data-testid$="-finance"]');
    expect(await finance.textContent()).toContain('财务公开（3期）');
    const days = await finance.locator('.late-days').allTextContents();
    expect(days).toHaveLength(3);
    for (const d of days) expect(d).toMatch(/^超期 \d+ 天$/);
    expect(await finance.textContent()).toMatch(/应在 \d+月10日 前公开/);
    await shot(page, '70-town-late-disclosures');
    // In elder mode (large type) nothing runs off the screen.
    await page.evaluate(async () => {
      const token = (JSON.parse(localStorage.getItem('cmcy.token') ?? '') as { data: string }).data;
      await fetch('/api/me', {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ elderMode: true }),
      });
    });
    await page.reload();
    await on(page, '.card', '西坪村').waitFor();
    expect(
      await page
        .locator('.screen:visible')
        .first()
        .evaluate((el) => el.classList.contains('elder')),
    ).toBe(true);
    expect(
      await page.evaluate(
        () => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1,
      ),
    ).toBe(true);
    await shot(page, '71-town-late-disclosures-elder');
    // Leave the shared demo officer as found.
    await page.evaluate(async () => {
      const token = (JSON.parse(localStorage.getItem('cmcy.token') ?? '') as { data: string }).data;
      await fetch('/api/me', {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ elderMode: false }),
      });
    });
    await t.context.close();
  });

  it('logged no errors in the console', () => {
    expect(consoleErrors.filter((e) => !/favicon|Failed to load resource/.test(e))).toEqual([]);
  });
});

/**
 * Browser test of councils (h5 build, real server from global-setup.ts): a cadre opens a
 * 村民会议 vote closing in about a minute; two villagers vote on the ballot page (large buttons,
 * confirm step saying the ballot is final, receipt); the vote closes at its time (closed lazily by
 * the first read after it); the result page shows turnout against quorum and the outcome; a
 * receipt is checked, and a forged one is not found. While the vote runs: a cadre writes the
 * choices of another vote in 议事管理 and a villager votes on them; a villager starts a petition
 * and, once its text passed the check, another backs it; a cadre records a stage with a photo and a
 * PDF and villagers see and open them; a villager reports a comment, the cadre hides it from
 * 被举报的意见 with a reason, and its author reads why. Screenshots go to tests/e2e/screenshots/.
 */
import { CHROMIUM, launchChromium } from './browser';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { meetingPng } from './images';

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
  let cadre: { user: DevUser; page: Page; token: string };
  const tokens = new Map<string, string>();
  const tokenOf = async (userId: string) => {
    if (!tokens.has(userId)) {
      const res = await fetch(`${BASE}/api/auth/dev`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId }),
      });
      tokens.set(userId, ((await res.json()) as { token: string }).token);
    }
    return tokens.get(userId)!;
  };
  /** A cadre passes held content (no WeChat here: villagers' text waits for a reviewer). */
  const passCheck = async (targetId: string) => {
    const queue = await api('GET', `/villages/${villageId}/content-reviews`, cadre.token);
    const held = queue.body.items.find((i: { targetId: string }) => i.targetId === targetId);
    expect(held, `held content ${targetId}`).toBeTruthy();
    const res = await api('POST', `/villages/${villageId}/content-reviews/${held.id}/decide`, cadre.token, {
      decision: 'pass',
    });
    expect(res.status).toBe(200);
  };

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
    const cadreUser = users.find((u) => inVillage(u, 'cadre'))!;
    const plain = users.filter(
      (u) => u.roles.length === 1 && inVillage(u, 'villager') && !u.displayName.includes('新用户'),
    );
    const rep = users.find((u) => inVillage(u, 'representative') && !inVillage(u, 'cadre'));
    const people = [plain[0], rep].filter(Boolean) as DevUser[];
    expect(cadreUser && people.length === 2, 'demo data: a cadre and two villagers of 东坪村').toBeTruthy();
    const token = await tokenOf(cadreUser.id);
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
    cadre = { user: cadreUser, page: await open(cadreUser), token };
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

  it('a cadre writes the choices of a vote in 议事管理; a villager votes on them', async () => {
    const { page } = cadre;
    const roadName = `村里新修的路叫什么名字？（${new Date().toISOString().slice(11, 19)}）`;
    await page.goto(
      `${BASE}/#/subpackages/council-admin/index/index?villageId=${villageId}&villageName=${encodeURIComponent(VILLAGE)}`,
    );
    await on(page, '[data-testid="kind-single"]').click();
    await on(page, 'input[name="question"]').fill(roadName);
    await on(page, 'input[name="option-1"]').fill('幸福路');
    await on(page, 'input[name="option-2"]').fill('振兴路');
    await on(page, '[data-testid="add-option"]').click();
    await on(page, 'input[name="option-3"]').fill('东坪大道');
    expect(await on(page, '[data-testid="start-vote"]').textContent()).toContain('3 个选项');
    await on(page, '[data-testid="vote-options"]').scrollIntoViewIfNeeded();
    await shot(page, 'admin-custom-vote');
    await on(page, '[data-testid="start-vote"]').click();
    await on(page, '.note-text', '投票已开始').waitFor();

    const voter = voters[0]!.page;
    await voter.goto(`${BASE}/#/pages/council/index`);
    await on(voter, '[data-testid="open-vote"]', roadName).click();
    await on(voter, '[data-testid="vote-question"]', roadName).waitFor();
    expect(await on(voter, '.ballot-option').allTextContents()).toEqual(['幸福路', '振兴路', '东坪大道']);
    await shot(voter, 'ballot-custom');
    await on(voter, '[data-testid="option-o2"]').click();
    await on(voter, '[data-testid="confirm-cast"]', '确认投“振兴路”').click();
    await on(voter, '[data-testid="receipt-code"]').waitFor();
    expect(await on(voter, '.card', '您已投票').textContent()).toContain('您选择了：振兴路');
  }, 60_000);

  it('a villager starts a petition; once its text passed the check another backs it and sees the progress', async () => {
    const title = `讨论自来水管改造（${new Date().toISOString().slice(11, 19)}）`;
    const starter = voters[0]!.page;
    await starter.goto(`${BASE}/#/pages/council/index`);
    await on(starter, '[data-testid="new-petition"]').click();
    await on(starter, '[data-testid="petition-form"]', '要求开什么会').waitFor();
    expect(await on(starter, '[data-testid="kind-assembly_by_villagers"]').getAttribute('aria-checked')).toBe(
      'true',
    );
    await on(starter, 'input[name="title"]').fill(title);
    await on(starter, 'textarea[name="text"]').fill(
      '自来水管用了二十多年，经常停水，请召开村民会议商量改造。',
    );
    await shot(starter, 'petition-new');
    await on(starter, '[data-testid="send-petition"]').click();
    await on(starter, '.note-text', '内容正在审核').waitFor();
    const progress = on(starter, '[data-testid="petition-progress"]');
    expect(await progress.textContent()).toMatch(/已联名1 \/ \d+ 人/);
    await shot(starter, 'petition-pending');
    const proposalId = new URL(starter.url().replace('/#/', '/')).searchParams.get('id')!;

    // Before the check passes, the others do not see it; a cadre passes it in the review queue.
    const backer = voters[1]!.page;
    const before = await api('GET', `/villages/${villageId}/proposals`, await tokenOf(voters[1]!.user.id));
    expect(before.body.items.some((p: { id: string }) => p.id === proposalId)).toBe(false);
    await passCheck(proposalId);
    await backer.goto(`${BASE}/#/pages/council/index`);
    await on(backer, '[data-testid="petition-row"]', title).click();
    await on(backer, '[data-testid="back-petition"]').click();
    await on(backer, '.note-text', '您已经联名').waitFor();
    expect(await on(backer, '[data-testid="petition-progress"]').textContent()).toMatch(/已联名2 \/ \d+ 人/);
    await shot(backer, 'petition-backed');
  }, 60_000);

  it('a cadre records a stage with a meeting photo and the minutes as a PDF; villagers see and open them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'e2e-stage-'));
    const photoPath = path.join(dir, '会场.png');
    writeFileSync(photoPath, meetingPng());
    const pdfPath = path.join(dir, '村民会议记录.pdf');
    writeFileSync(pdfPath, '%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const list = await api('GET', `/villages/${villageId}/proposals`, cadre.token);
    const road = list.body.items.find((p: { title: string }) => p.title === '硬化村北机耕路');
    expect(road.nextStage).toBe('resolve');

    const { page } = cadre;
    await page.goto(`${BASE}/#/subpackages/council-admin/stage/index?villageId=${villageId}&id=${road.id}`);
    await on(page, '.card-title', '记录：村民会议或村民代表会议决议').waitFor();
    await on(page, 'textarea[name="minutes"]').fill('村民会议表决通过硬化村北机耕路，预算 18 万元。');
    const chooser = page.waitForEvent('filechooser');
    await on(page, '[data-testid="add-stage-photo"]').click();
    await (await chooser).setFiles(photoPath);
    await on(page, '[data-testid="stage-file-input"]').setInputFiles(pdfPath);
    await on(page, '[data-testid="attachment-0"]', '已上传').waitFor({ timeout: 20_000 });
    await on(page, '[data-testid="attachment-1"]', '已上传').waitFor({ timeout: 20_000 });
    expect(await on(page, '[data-testid="attachment-1"]').textContent()).toContain('村民会议记录.pdf');
    await on(page, '[data-testid="stage-attachments"]').scrollIntoViewIfNeeded();
    await shot(page, 'stage-attachments');
    await on(page, '[data-testid="save-stage"]').click();
    await on(page, '.note-text', '已记录').waitFor();

    const viewer = voters[1]!.page;
    await viewer.goto(`${BASE}/#/subpackages/council/proposal/index?villageId=${villageId}&id=${road.id}`);
    const files = on(viewer, '[data-testid="stage-files-resolve"]');
    await files.waitFor();
    const photo = on(viewer, '[data-testid="stage-photo-0"] img, img[data-testid="stage-photo-0"]').first();
    await photo.waitFor();
    await viewer.waitForFunction(
      (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
      await photo.elementHandle(),
    );
    expect(await files.textContent()).toContain('村民会议记录.pdf');
    expect(await files.textContent()).toContain('PDF 文件');
    await files.scrollIntoViewIfNeeded();
    await shot(viewer, 'proposal-files');
    const download = viewer.waitForEvent('download');
    await on(viewer, '[data-testid^="open-doc-"]').click();
    expect((await download).suggestedFilename()).toBe('村民会议记录.pdf');
  }, 90_000);

  it('a villager reports a comment; the cadre hides it from 被举报的意见 with a reason; its author reads why', async () => {
    const author = voters[0]!;
    const reporter = voters[1]!;
    const list = await api('GET', `/villages/${villageId}/proposals`, cadre.token);
    const road = list.body.items.find((p: { title: string }) => p.title === '硬化村北机耕路');
    const said = `修路的钱应该让张三家多出，他家车最多。（${new Date().toISOString().slice(11, 19)}）`;
    const posted = await api(
      'POST',
      `/villages/${villageId}/proposals/${road.id}/comments`,
      await tokenOf(author.user.id),
      {
        text: said,
      },
    );
    expect(posted.status).toBe(201);
    const commentId = posted.body.id as string;
    await passCheck(commentId);

    const page = reporter.page;
    await page.goto(`${BASE}/#/subpackages/council/proposal/index?villageId=${villageId}&id=${road.id}`);
    await on(page, `[data-testid="report-${commentId}"]`).click();
    await on(page, `[data-testid="report-reasons-${commentId}"]`).scrollIntoViewIfNeeded();
    await shot(page, 'report-reasons');
    await on(page, `[data-testid="report-reasons-${commentId}"] .btn`, '与议题无关').click();
    await on(page, '.muted', '已举报，村干部会处理。').waitFor();

    const admin = cadre.page;
    await admin.goto(
      `${BASE}/#/subpackages/council-admin/index/index?villageId=${villageId}&villageName=${encodeURIComponent(VILLAGE)}`,
    );
    await on(admin, '[data-testid="go-reports"]', '条意见被举报').click();
    const card = on(admin, `[data-testid="reported-${commentId}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain(said);
    expect(await card.textContent()).toContain('举报理由：与议题无关（1 人）');
    await shot(admin, 'reports');
    await card.locator('[data-testid="hide"]').click();
    await card.locator('.btn', { hasText: '与议题无关' }).click();
    await shot(admin, 'reports-hide');
    await card.locator('[data-testid="confirm-hide"]').click();
    await on(admin, '.note-text', '已隐藏，写的人会看到原因。').waitFor();
    await shot(admin, 'reports-done');

    await author.page.goto(
      `${BASE}/#/subpackages/council/proposal/index?villageId=${villageId}&id=${road.id}`,
    );
    const note = on(author.page, '.note-text', '这条意见已被隐藏，其他人看不到。原因：与议题无关');
    await note.waitFor();
    await note.scrollIntoViewIfNeeded();
    await shot(author.page, 'comment-hidden');
    // The reporter no longer sees it.
    await page.reload();
    await on(page, '[data-testid="proposal-page"]').waitFor();
    expect(await on(page, '[data-testid="proposal-page"]').textContent()).not.toContain(said);
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

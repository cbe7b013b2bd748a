/**
 * Content safety, text: msgSecCheck v2 against the fake WeChat server — pass / review / risky,
 * long text in ≤ 2,500-character calls, WeChat unreachable → held (never public), the re-check
 * sweep, and the visibility helpers other capabilities use.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkText, contentPassed, recheckPending, visibleTargetIds } from '../../api/_content';
import { contentChecks, users } from '../../api/_db/schema';
import { sql } from 'drizzle-orm';
import { MSG_SEC_CHECK_MAX_CHARS } from '../../shared/content/rules';
import { loadActors, type Actors } from '../support/actors';
import { CONTENT_MARKERS } from '../support/fake-wechat-content';
import { type FakeWechat, startFakeWechat } from '../support/fake-wechat';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('content safety: text', () => {
  let wx: FakeWechat;
  let t: TestApp;
  let a: Actors;
  let openid: string;

  beforeAll(async () => {
    wx = await startFakeWechat({ appId: 'wx-test-app', secret: 'test-secret' });
    t = await createTestApp({ wechatBase: wx.baseUrl, env: { WECHAT_TIMEOUT_MS: '400' } });
    a = await loadActors(t.db);
    const [u] = await t.db.select({ openid: users.openid }).from(users).where(eq(users.id, a.villager));
    openid = u!.openid!;
  });
  afterAll(async () => {
    await t.close();
    await wx.close();
  });
  beforeEach(() => {
    wx.state.reset();
    wx.state.down = false;
  });

  const input = (text: string, over: Partial<Parameters<typeof checkText>[1]> = {}) => ({
    villageId: a.village.id,
    authorUserId: a.villager,
    targetType: 'matter',
    targetId: randomUUID(),
    text,
    ...over,
  });
  const rowsOf = (targetId: string) =>
    t.db.select().from(contentChecks).where(eq(contentChecks.targetId, targetId));

  it('clean text passes and is visible; WeChat was asked with v2, the scene and the author’s openid', async () => {
    const i = input('村口的路灯坏了三盏，晚上走路不安全，希望尽快修好。');
    const r = await checkText(t.deps, i);
    expect(r).toMatchObject({ ok: true, value: { status: 'pass', visible: true } });
    const [call] = wx.state.requestsTo('msg_sec_check');
    expect(call!.json).toEqual({ content: i.text, version: 2, scene: 3, openid });
    expect(call!.query.access_token).toMatch(/^STABLE_/);
    const [row] = await rowsOf(i.targetId);
    expect(row).toMatchObject({ status: 'pass', label: '100', attempts: 1, mediaType: 'text' });
    expect(row!.traceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
    expect(await visibleTargetIds(t.db, 'matter', [i.targetId])).toEqual(new Set([i.targetId]));
  });

  it('a comment is checked with scene 2 (评论)', async () => {
    await checkText(t.deps, input('同意，支持修路。', { targetType: 'comment' }));
    expect((wx.state.requestsTo('msg_sec_check')[0]!.json as { scene: number }).scene).toBe(2);
  });

  it('review holds the text for a cadre: saved, not visible', async () => {
    const i = input(`关于村务的意见${CONTENT_MARKERS.review}请领导看看。`);
    const r = await checkText(t.deps, i);
    expect(r).toMatchObject({ ok: true, value: { status: 'review', visible: false } });
    expect((await rowsOf(i.targetId))[0]).toMatchObject({ status: 'review', label: '20001' });
    expect(await visibleTargetIds(t.db, 'matter', [i.targetId])).toEqual(new Set());
  });

  it('risky is refused with CONTENT_RISKY and a Chinese message; nothing is kept', async () => {
    const i = input(`这里有${CONTENT_MARKERS.risky}的内容`);
    const r = await checkText(t.deps, i);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'CONTENT_RISKY', details: { label: '20006', reason: '违法犯罪' } });
    expect(await rowsOf(i.targetId)).toEqual([]);
    expect(await visibleTargetIds(t.db, 'matter', [i.targetId])).toEqual(new Set());
    expect(t.logLines.some((l) => l.includes('content refused as risky') && l.includes(a.villager))).toBe(
      true,
    );
  });

  it('long text is checked in calls of ≤ 2,500 characters, split at sentence ends; the worst verdict wins', async () => {
    const sentence = '今年的村集体收入用于修缮祠堂和道路，请大家监督。'; // 24 characters
    const text = sentence.repeat(250); // 6,000 characters
    const ok = await checkText(t.deps, input(text));
    expect(ok).toMatchObject({ ok: true, value: { status: 'pass' } });
    const calls = wx.state.requestsTo('msg_sec_check').map((r) => (r.json as { content: string }).content);
    expect(calls.length).toBe(3);
    for (const c of calls) {
      expect(Array.from(c).length).toBeLessThanOrEqual(MSG_SEC_CHECK_MAX_CHARS);
      expect(c.endsWith('。')).toBe(true);
    }
    expect(calls.join('')).toBe(text);
    expect(
      wx.state
        .requestsTo('msg_sec_check')
        .every((r) => r.response && (r.response as { errcode: number }).errcode === 0),
    ).toBe(true);

    // A review marker in the last chunk holds the whole text; a risky one in the middle refuses it
    // and the chunks after it are not asked.
    wx.state.reset();
    const held = await checkText(t.deps, input(`${text}${CONTENT_MARKERS.review}`));
    expect(held).toMatchObject({ ok: true, value: { status: 'review' } });
    wx.state.reset();
    const middle = `${sentence.repeat(120)}${CONTENT_MARKERS.risky}${sentence.repeat(130)}`;
    const refused = await checkText(t.deps, input(middle));
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONTENT_RISKY' } });
    expect(wx.state.requestsTo('msg_sec_check').length).toBe(2);
  });

  it.each([
    ['errcode -1 (system busy)', () => wx.state.failNext('msg_sec_check', -1)],
    ['HTTP 500', () => wx.state.failNext('msg_sec_check', { status: 500 })],
    ['a timeout', () => wx.state.failNext('msg_sec_check', 'hang')],
    ['a dropped connection', () => (wx.state.down = true)],
  ])('WeChat unreachable (%s) → held as review/unreachable, never public', async (_name, fail) => {
    fail();
    const i = input('下周三开村民大会，讨论修路集资。');
    const r = await checkText(t.deps, i);
    expect(r).toMatchObject({ ok: true, value: { status: 'review', visible: false } });
    expect((await rowsOf(i.targetId))[0]).toMatchObject({ status: 'review', label: 'unreachable' });
    expect(await visibleTargetIds(t.db, 'matter', [i.targetId])).toEqual(new Set());
  });

  it('a token WeChat refuses is refreshed once and the check goes through', async () => {
    await checkText(t.deps, input('先取一次令牌。'));
    wx.state.expireTokens();
    wx.state.reset();
    const r = await checkText(t.deps, input('令牌过期后再检查。'));
    expect(r).toMatchObject({ ok: true, value: { status: 'pass' } });
    const calls = wx.state.requestsTo('msg_sec_check');
    expect(calls.map((c) => (c.response as { errcode: number }).errcode)).toEqual([42001, 0]);
  });

  it('WeChat refusing the request (bad openid) holds the text with the errcode as the reason', async () => {
    wx.state.failNext('msg_sec_check', 40003);
    const i = input('openid 不对的情况。');
    expect(await checkText(t.deps, i)).toMatchObject({ ok: true, value: { status: 'review' } });
    expect((await rowsOf(i.targetId))[0]).toMatchObject({ status: 'review', label: 'errcode:40003' });
  });

  it('an author without an openid is held for review without asking WeChat', async () => {
    const i = input('没有微信身份的用户。', { openid: null });
    expect(await checkText(t.deps, i)).toMatchObject({ ok: true, value: { status: 'review' } });
    expect((await rowsOf(i.targetId))[0]!.label).toBe('no_openid');
    expect(wx.state.requestsTo('msg_sec_check')).toEqual([]);
  });

  it('dev mode (WECHAT_APP_ID empty): everything waits for a reviewer; the sweep does not spin', async () => {
    const dev = { ...t.deps, config: { ...t.deps.config, wechat: { ...t.deps.config.wechat, appId: '' } } };
    const i = input('开发环境里的内容。');
    expect(await checkText(dev, i)).toMatchObject({ ok: true, value: { status: 'review' } });
    expect((await rowsOf(i.targetId))[0]!.label).toBe('unreachable');
    expect(await recheckPending(dev, { now: new Date(Date.now() + 3600_000) })).toMatchObject({ asked: 0 });
    expect(wx.state.requests).toEqual([]);
  });

  it('the re-check sweep asks again once WeChat is back: pass becomes visible, risky stays hidden', async () => {
    wx.state.down = true;
    const ok = input('恢复后应当通过的内容。');
    const bad = input(`恢复后查出${CONTENT_MARKERS.risky}的内容。`);
    await checkText(t.deps, ok);
    await checkText(t.deps, bad);
    // Too early: the sweep waits (2 min after a first failed ask, then 4, 8 …).
    expect(await recheckPending(t.deps, { now: new Date(Date.now() + 60_000) })).toMatchObject({ asked: 0 });
    // Still down: asked, still held, attempts counted.
    const s1 = await recheckPending(t.deps, { now: new Date(Date.now() + 5 * 60_000) });
    expect(s1.asked).toBeGreaterThanOrEqual(2);
    expect((await rowsOf(ok.targetId))[0]).toMatchObject({
      status: 'review',
      label: 'unreachable',
      attempts: 2,
    });
    wx.state.down = false;
    const s2 = await recheckPending(t.deps, { now: new Date(Date.now() + 60 * 60_000) });
    expect(s2.asked).toBeGreaterThanOrEqual(2);
    expect((await rowsOf(ok.targetId))[0]).toMatchObject({ status: 'pass', attempts: 3 });
    // The text was already saved by its caller, so a late risky verdict hides it (not refused).
    expect((await rowsOf(bad.targetId))[0]).toMatchObject({ status: 'risky', label: '20006' });
    expect(await visibleTargetIds(t.db, 'matter', [ok.targetId, bad.targetId])).toEqual(
      new Set([ok.targetId]),
    );
    // Nothing left to ask about these two.
    const s3 = await recheckPending(t.deps, { now: new Date(Date.now() + 24 * 3600_000) });
    const asked = wx.state.requestsTo('msg_sec_check').map((r) => (r.json as { content: string }).content);
    expect(asked.filter((c) => c === ok.text || c === bad.text).length).toBe(2);
    expect(s3.pass + s3.risky + s3.review).toBe(s3.asked);
  });

  it('the sweep picks up text a crash left pending, but not text being checked right now', async () => {
    const targetId = randomUUID();
    await t.db.insert(contentChecks).values({
      villageId: a.village.id,
      authorUserId: a.villager,
      targetType: 'matter',
      targetId,
      mediaType: 'text',
      text: '崩溃前写下的内容。',
      status: 'pending',
    });
    await recheckPending(t.deps, { now: new Date(Date.now() + 30_000) });
    expect((await rowsOf(targetId))[0]!.status).toBe('pending');
    await recheckPending(t.deps, { now: new Date(Date.now() + 3 * 60_000) });
    expect((await rowsOf(targetId))[0]).toMatchObject({ status: 'pass', attempts: 1 });
  });

  it('a new check of the same target supersedes the old one (an edit is checked afresh)', async () => {
    const i = input(`第一版${CONTENT_MARKERS.review}`);
    await checkText(t.deps, i);
    expect(await visibleTargetIds(t.db, 'matter', [i.targetId])).toEqual(new Set());
    await checkText(t.deps, { ...i, text: '修改后的第二版。' });
    const rows = await rowsOf(i.targetId);
    expect(rows.map((r) => r.status)).toEqual(['pass']);
    expect(await visibleTargetIds(t.db, 'matter', [i.targetId])).toEqual(new Set([i.targetId]));
    // A refused edit leaves the earlier (passed) version as it was.
    await checkText(t.deps, { ...i, text: `第三版${CONTENT_MARKERS.risky}` });
    expect((await rowsOf(i.targetId)).map((r) => r.status)).toEqual(['pass']);
  });

  it('contentPassed() filters a query to passed targets, supervised variants included', async () => {
    const passed = input('公开的事项。');
    const held = input(`待审的事项${CONTENT_MARKERS.review}`);
    const supervised = input('关于村干部的事项。', { targetType: 'matter.supervised' });
    const unchecked = randomUUID();
    for (const i of [passed, held, supervised]) await checkText(t.deps, i);
    const ids = [passed.targetId, held.targetId, supervised.targetId, unchecked];
    const res = await t.db.execute(
      sql`select id from (values ${sql.join(
        ids.map((id) => sql`(${id}::uuid)`),
        sql`, `,
      )}) as m(id) where ${contentPassed('matter', sql.raw('m.id'))}`,
    );
    const rows = (Array.isArray(res) ? res : (res as { rows: { id: string }[] }).rows) as { id: string }[];
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set([passed.targetId, supervised.targetId]));
  });
});

/**
 * Reported comments: any member reports a comment; cadres and supervisors list the comments with
 * open reports (most reported first, reasons counted, authors masked) and hide one — with a reason
 * its author sees — or keep it; either settles the open reports, a later report reopens a kept one.
 * Refusals: every other role, another village, keeping one's own comment, settling twice.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, commentReports } from '../../api/_db/schema';
import { expectRefusedForAllBut } from '../support/access';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';

type Item = { commentId: string; reports: number; reasons: { reason: string; count: number }[] };

describe.skipIf(DB_UNAVAILABLE)('councils: reported comments', () => {
  let t: TestApp;
  let a: Actors;
  let base: string;
  let proposalId: string;
  /** Written by the villager, reported twice; by the representative, reported once. */
  let loud: string;
  let quiet: string;
  const as = (id: string) => t.loginAs(id);
  const comment = async (userId: string, text: string, extra: Record<string, unknown> = {}) => {
    const res = await t.request('POST', `${base}/proposals/${proposalId}/comments`, {
      token: await as(userId),
      body: { text, ...extra },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const report = async (userId: string, commentId: string, reason: string) =>
    t.request('POST', `${base}/comments/${commentId}/reports`, { token: await as(userId), body: { reason } });
  const list = async (userId = a.cadre) => {
    const res = await t.request('GET', `${base}/comment-reports`, { token: await as(userId) });
    expect(res.status).toBe(200);
    return res.body.items as Item[];
  };

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}`;
    proposalId = (
      await t.request('POST', `${base}/proposals`, {
        token: await as(a.cadre),
        body: { title: '村口安装路灯', text: '计划安装 20 盏太阳能路灯' },
      })
    ).body.id;
    loud = await comment(a.villager, '这事跟我没关系，我家在村西头，张三家的电话 13812345678');
    quiet = await comment(a.representative, '路灯电费谁出？');
  });
  afterAll(() => t.close());

  it('members report; moderators see the most reported first, with the reasons counted and the author masked', async () => {
    expect((await report(a.party_member, loud, '泄露个人信息')).body.reports).toBe(1);
    expect((await report(a.grid_worker, loud, '泄露个人信息')).body.reports).toBe(2);
    expect((await report(a.party_member, loud, '泄露个人信息')).body.reports).toBe(2); // once per person
    await report(a.supervisor, loud, '与议题无关');
    await report(a.villager, quiet, '与议题无关');
    for (const moderator of [a.cadre, a.supervisor]) {
      const items = await list(moderator);
      expect(items.map((i) => i.commentId)).toEqual([loud, quiet]);
      expect(items[0]).toMatchObject({
        proposalId,
        proposalTitle: '村口安装路灯',
        kind: 'comment',
        reports: 3,
        reasons: [
          { reason: '泄露个人信息', count: 2 },
          { reason: '与议题无关', count: 1 },
        ],
        mine: false,
        pendingCheck: true, // WeChat is unreachable in tests: still held for review
      });
      expect((items[0] as unknown as { authorName: string }).authorName).toMatch(/^.\*+$/);
    }
  });

  it('only cadres and supervisors of the village see the list', async () => {
    await expectRefusedForAllBut(t, a, ['cadre', 'supervisor'], (token) =>
      t.request('GET', `${base}/comment-reports`, { token }),
    );
    // Another village's moderator sees their own village's list, without ours.
    const theirs = await t.request('GET', `/api/villages/${a.other.id}/comment-reports`, {
      token: await as(a.outsider),
    });
    expect(theirs.status).toBe(200);
    expect(theirs.body.items.some((i: Item) => i.commentId === loud || i.commentId === quiet)).toBe(false);
  });

  it('keeping and hiding: refused for every other role and outside the village', async () => {
    await expectRefusedForAllBut(t, a, ['cadre', 'supervisor'], (token) =>
      t.request('POST', `${base}/comments/${quiet}/keep`, { token }),
    );
    await expectRefusedForAllBut(t, a, ['cadre', 'supervisor'], (token) =>
      t.request('POST', `${base}/comments/${loud}/hide`, { token, body: { reason: '含个人信息' } }),
    );
    // Through another village's path the comment does not exist.
    const cross = await t.request('POST', `/api/villages/${a.other.id}/comments/${quiet}/keep`, {
      token: await as(a.outsider),
    });
    expect(cross.status).toBe(404);
    // Nothing was settled by the refusals.
    expect((await list()).map((i) => i.reports)).toEqual([3, 1]);
  });

  it('keep settles the open reports; a second keep has nothing to settle; a new report reopens it', async () => {
    const kept = await t.request('POST', `${base}/comments/${quiet}/keep`, { token: await as(a.cadre) });
    expect(kept.status).toBe(200);
    expect(kept.body).toEqual({ id: quiet, hidden: false, settled: 1 });
    expect((await list()).map((i) => i.commentId)).toEqual([loud]);
    const again = await t.request('POST', `${base}/comments/${quiet}/keep`, {
      token: await as(a.supervisor),
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', message: '这条意见的举报已经处理过了' });
    // The same reporter again changes nothing; someone new opens it again.
    await report(a.villager, quiet, '与议题无关');
    expect((await list()).map((i) => i.commentId)).toEqual([loud]);
    await report(a.grid_worker, quiet, '广告');
    const reopened = (await list()).find((i) => i.commentId === quiet)!;
    expect(reopened).toMatchObject({ reports: 1, reasons: [{ reason: '广告', count: 1 }] });
    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'comment.keep'), eq(auditLog.targetId, quiet)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actorUserId).toBe(a.cadre);
  });

  it('hide settles the reports; its author sees the reason, others no longer see it; later reports stay settled', async () => {
    const hidden = await t.request('POST', `${base}/comments/${loud}/hide`, {
      token: await as(a.cadre),
      body: { reason: '含有别人的电话号码' },
    });
    expect(hidden.body).toEqual({ id: loud, hidden: true, settled: 3 });
    expect((await list()).some((i) => i.commentId === loud)).toBe(false);
    const author = await t.request('GET', `${base}/proposals/${proposalId}`, { token: await as(a.villager) });
    expect(author.body.comments.find((c: { id: string }) => c.id === loud)).toMatchObject({
      hidden: true,
      hiddenReason: '含有别人的电话号码',
    });
    const other = await t.request('GET', `${base}/proposals/${proposalId}`, {
      token: await as(a.supervisor),
    });
    expect(other.body.comments.some((c: { id: string }) => c.id === loud)).toBe(false);
    // The author also hears of it in 消息, with the reason and a link to the proposal.
    const inbox = await t.request('GET', '/api/inbox', { token: await as(a.villager) });
    expect(inbox.body.items.find((i: { kind: string }) => i.kind === 'comment_hidden')).toMatchObject({
      title: '你的意见被隐藏了',
      summary: '原因：含有别人的电话号码',
      objectType: 'proposal',
      objectId: proposalId,
    });
    const moderator = await t.request('GET', '/api/inbox', { token: await as(a.cadre) });
    expect(moderator.body.items.some((i: { kind: string }) => i.kind === 'comment_hidden')).toBe(false);
    // Keeping it now would contradict what is shown.
    await report(a.representative, loud, '与议题无关');
    expect((await list()).some((i) => i.commentId === loud)).toBe(false);
    const keep = await t.request('POST', `${base}/comments/${loud}/keep`, { token: await as(a.supervisor) });
    expect(keep.status).toBe(409);
    const rows = await t.db.select().from(commentReports).where(eq(commentReports.commentId, loud));
    expect(rows.every((r) => r.resolution === 'hidden' && r.resolvedAt)).toBe(true);
  });

  it('a moderator does not settle reports on their own comment; another moderator does', async () => {
    const question = await comment(a.villager, '电费谁出？', { kind: 'question' });
    const answer = await comment(a.cadre, '村集体出。', { kind: 'answer', answersId: question });
    await report(a.villager, answer, '答非所问');
    const items = await list(a.cadre);
    expect(items.find((i) => i.commentId === answer)).toMatchObject({
      kind: 'answer',
      mine: true,
      pendingCheck: false,
    });
    const own = await t.request('POST', `${base}/comments/${answer}/keep`, { token: await as(a.cadre) });
    expect(own.status).toBe(403);
    expect(own.body.error.message).toBe('自己的意见被举报，要由别人来处理');
    const bySupervisor = await t.request('POST', `${base}/comments/${answer}/keep`, {
      token: await as(a.supervisor),
    });
    expect(bySupervisor.body).toMatchObject({ settled: 1 });
  });
});

/**
 * The decide track's seam with councils: route_decide records the hand-off (pending, no proposal
 * yet) in the same transaction; returnDecision — called here the way the councils module will —
 * resolves the matter as the system, writes the outcome in plain words and tells the author.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, contentChecks, matterDecisions } from '../../api/_db/schema';
import { returnDecision } from '../../api/_matters/decision';
import { expectRefusedForAllBut } from '../support/access';
import { type Actors, loadActors, plainVillagerInGridOf } from '../support/actors';
import { DB_UNAVAILABLE, TEST_DB, type TestApp, createTestApp } from '../support/harness';
import { matterKit } from '../support/matters';

describe.skipIf(DB_UNAVAILABLE)(`matters: decide hand-off (${TEST_DB})`, () => {
  let t: TestApp;
  let a: Actors;
  let author: string;
  let k: ReturnType<typeof matterKit>;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    author = await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker);
    k = matterKit(t, a.village.id);
  });
  afterAll(() => t?.close());

  const decisions = (matterId: string) =>
    t.db.select().from(matterDecisions).where(eq(matterDecisions.matterId, matterId));
  const back = (matterId: string, outcome: 'adopted' | 'rejected', proposalId = crypto.randomUUID()) =>
    t.db.transaction((tx) =>
      returnDecision(tx, {
        matterId,
        proposalId,
        outcome,
        summary:
          outcome === 'adopted' ? '村民代表会议同意硬化村西道路，明年春天动工' : '多数代表认为资金不足',
        decidedAt: new Date('2026-12-01T08:00:00Z'),
      }),
    );

  it('a cadre routes a suggestion to 村民议事: the hand-off is recorded, pending, in the same move', async () => {
    const id = await k.raise(author, { kind: 'suggestion', text: '建议把村西的土路硬化' });
    await k.run(id, [[a.grid_worker, 'accept']]);
    // The grid worker may not send it to a vote.
    expect((await k.act(a.grid_worker, id, { action: 'route_decide' })).status).toBe(403);
    expect(await decisions(id)).toHaveLength(0);
    await k.run(id, [[a.cadre, 'route_decide', '涉及集体资金，需要村民代表会议表决']]);
    const [d] = await decisions(id);
    expect(d).toMatchObject({
      villageId: a.village.id,
      requestedBy: a.cadre,
      status: 'pending',
      proposalId: null,
      title: '道路交通：建议把村西的土路硬化',
      text: '建议把村西的土路硬化\n\n涉及集体资金，需要村民代表会议表决',
    });
    expect((await k.row(id)).state).toBe('deciding');
    expect((await k.detail(author, id)).body.decision).toEqual({
      status: 'pending',
      proposalId: null,
      summary: null,
      decidedAt: null,
    });
    expect((await k.detail(author, id)).body.timeline.at(-1).label).toBe('已提交村民议事，等待表决结果');
  });

  it('the outcome comes back: resolved, the outcome on the timeline in plain words, the author told', async () => {
    const id = await k.raise(author, { kind: 'complaint', text: '村里的广场晚上没有灯' });
    await k.run(id, [
      [a.grid_worker, 'accept'],
      [a.cadre, 'route_decide'],
    ]);
    const proposalId = crypto.randomUUID();
    const r = await back(id, 'adopted', proposalId);
    expect(r).toEqual({ ok: true, value: { matterId: id, state: 'resolved' } });
    const m = await k.row(id);
    expect(m).toMatchObject({ state: 'resolved', level: 'grid' });
    expect(m.dueAt!.getTime() - m.enteredAt.getTime()).toBe(72 * 3600_000);
    const seen = (await k.detail(author, id)).body;
    expect(seen.timeline.at(-1)).toMatchObject({
      action: 'decision_returned',
      label: '村民议事已有结果',
      note: '村民议事表决通过：村民代表会议同意硬化村西道路，明年春天动工',
    });
    const told = (await k.inboxOf(author)).filter((i) => i.objectId === id).at(0);
    expect(told).toMatchObject({
      title: '我反映的事有进展',
      summary: '村民议事表决通过：村民代表会议同意硬化村西道路，明年春天动工',
    });
    const [d] = await decisions(id);
    expect(d).toMatchObject({ status: 'adopted', proposalId, summary: expect.stringContaining('同意') });
    expect(seen.decision).toMatchObject({
      status: 'adopted',
      proposalId,
      decidedAt: '2026-12-01T08:00:00.000Z',
    });
    const logged = await t.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(logged.find((l) => l.action === 'matter.decision_returned')).toMatchObject({
      actorUserId: null,
      details: expect.objectContaining({ proposalId, outcome: 'adopted' }),
    });
    // Then the usual follow-up by the grid worker.
    await k.run(id, [[a.grid_worker, 'follow_up', '已回访']]);
  });

  it('a rejected proposal is said plainly too; a second outcome or an unknown matter is refused', async () => {
    const id = await k.raise(author, { kind: 'suggestion', text: '建议建一个村图书室' });
    await k.run(id, [
      [a.grid_worker, 'accept'],
      [a.cadre, 'route_decide'],
    ]);
    expect((await back(id, 'rejected')).ok).toBe(true);
    expect((await k.detail(author, id)).body.timeline.at(-1).note).toBe(
      '村民议事表决未通过：多数代表认为资金不足',
    );
    const again = await back(id, 'adopted');
    expect(again).toMatchObject({ ok: false, error: { code: 'TRANSITION_NOT_ALLOWED' } });
    expect((await k.row(id)).state).toBe('resolved');
    expect(await back(crypto.randomUUID(), 'adopted')).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    // Not deciding (withdrawn while waiting would be the real case): refused, nothing written.
    const idle = await k.raise(author, { kind: 'suggestion', text: '还没受理的建议' });
    expect(await back(idle, 'adopted')).toMatchObject({
      ok: false,
      error: { code: 'TRANSITION_NOT_ALLOWED' },
    });
    expect((await k.row(idle)).state).toBe('submitted');
  });

  it('a cadre may enter the outcome by hand (with adopted/rejected); the callback then finds it answered', async () => {
    const id = await k.raise(author, { kind: 'suggestion', text: '建议修一个村口凉亭' });
    await k.run(id, [
      [a.grid_worker, 'accept'],
      [a.cadre, 'route_decide'],
    ]);
    const missing = await k.act(a.cadre, id, { action: 'decision_returned', note: '会上通过了' });
    expect({ status: missing.status, message: missing.body.error?.message }).toEqual({
      status: 400,
      message: '请选择表决结果',
    });
    expect(
      (
        await k.act(a.grid_worker, id, {
          action: 'decision_returned',
          note: '通过',
          decisionOutcome: 'adopted',
        })
      ).status,
    ).toBe(403);
    const res = await k.act(a.cadre, id, {
      action: 'decision_returned',
      note: '村民代表会议通过，明年修建',
      decisionOutcome: 'adopted',
    });
    expect(res.status).toBe(200);
    const [d] = await decisions(id);
    expect(d).toMatchObject({ status: 'adopted', summary: '村民代表会议通过，明年修建', proposalId: null });
    expect(await back(id, 'rejected')).toMatchObject({
      ok: false,
      error: { code: 'TRANSITION_NOT_ALLOWED' },
    });
  });

  it('route_decide: only the village’s cadres; never for a dispute; a refused one records no hand-off', async () => {
    const id = await k.raise(author, {
      kind: 'complaint',
      text: '公开：村里垃圾车太少',
      visibility: 'public',
    });
    await t.db.update(contentChecks).set({ status: 'pass' }).where(eq(contentChecks.targetId, id));
    await k.run(id, [[a.grid_worker, 'accept']]);
    await expectRefusedForAllBut(t, a, ['cadre'], (token) =>
      t.request('POST', `${k.base}/${id}/actions`, { token, body: { action: 'route_decide' } }),
    );
    expect(await decisions(id)).toHaveLength(0);

    const fight = await k.raise(author, { kind: 'dispute', category: 'land', text: '地界纠纷' });
    await k.run(fight, [[a.grid_worker, 'accept']]);
    const res = await k.act(a.cadre, fight, { action: 'route_decide' });
    expect(res.status).toBe(409);
    expect(await decisions(fight)).toHaveLength(0);
  });
});

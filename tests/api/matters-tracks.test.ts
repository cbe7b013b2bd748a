/**
 * Matters beyond the handle track: decline with a reason → appeal → the town upholds; 不满意
 * reopens once and the second 不满意 goes to the town; a move that lost a race is refused.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grids, households, matterEvents, matters, memberships, residents } from '../../api/_db/schema';
import { loadActors, plainVillagerInGridOf, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('matters: decline, appeal, reopen, races', () => {
  let t: TestApp;
  let a: Actors;
  let base: string;
  let author: string;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}/matters`;
    author = await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker);
  });
  afterAll(() => t.close());

  const raise = async (text: string, kind = 'complaint') =>
    (
      await t.request('POST', base, {
        token: await t.loginAs(author),
        body: { kind, category: 'roads', text },
      })
    ).body.id as string;
  const act = async (userId: string, id: string, action: string, note?: string) =>
    t.request('POST', `${base}/${id}/actions`, {
      token: await t.loginAs(userId),
      body: note === undefined ? { action } : { action, note },
    });
  const run = async (id: string, steps: [string, string, string?][]) => {
    for (const [who, action, note] of steps) {
      const res = await act(who, id, action, note);
      expect({ action, status: res.status, error: res.body.error?.code }).toEqual({
        action,
        status: 200,
        error: undefined,
      });
    }
  };
  const row = async (id: string) => (await t.db.select().from(matters).where(eq(matters.id, id)))[0]!;

  it('a cadre declines with a reason; the author appeals to the town, which upholds it', async () => {
    const id = await raise('想让村里给我家修院墙');
    await run(id, [[a.grid_worker, 'accept']]);
    // The grid worker may not decline; a cadre may, with a reason the villager sees.
    expect((await act(a.grid_worker, id, 'decline', '不属于村里办理的范围')).status).toBe(403);
    await run(id, [[a.cadre, 'decline', '私人院墙不属于村集体维修范围']]);
    const seen = (await t.request('GET', `${base}/${id}`, { token: await t.loginAs(author) })).body;
    expect(seen.timeline.at(-1)).toMatchObject({
      label: '不予受理（原因见说明）',
      note: '私人院墙不属于村集体维修范围',
    });
    expect(seen.actions).toEqual(['appeal']);
    await run(id, [[author, 'appeal', '院墙倒了会砸到路人']]);
    expect(await row(id)).toMatchObject({ state: 'appealed', level: 'town', assignedUserId: null });
    expect((await act(a.cadre, id, 'uphold_decline', '维持')).status).toBe(403);
    await run(id, [[a.town_officer, 'uphold_decline', '属于私人财产，建议自行维修']]);
    expect(await row(id)).toMatchObject({ state: 'closed', level: 'town' });
  });

  it('不满意 reopens the matter once; the second 不满意 sends it to the town', async () => {
    const id = await raise('路面坑洼');
    const handle: [string, string, string?][] = [
      [a.grid_worker, 'route_handle'],
      [a.grid_worker, 'resolve', '已填平'],
      [a.grid_worker, 'follow_up', '回访'],
    ];
    await run(id, [[a.grid_worker, 'accept'], ...handle, [author, 'rate_unsatisfied', '一下雨又坏了']]);
    expect(await row(id)).toMatchObject({ state: 'reopened', level: 'grid', reopenCount: 1 });
    const gwInbox = (await t.request('GET', '/api/inbox', { token: await t.loginAs(a.grid_worker) })).body
      .items;
    expect(gwInbox.filter((i: { objectId: string }) => i.objectId === id)[0]).toMatchObject({
      title: '您经办的事项有变化',
      summary: '您评价：不满意',
    });
    await run(id, [...handle, [author, 'rate_unsatisfied', '还是不行']]);
    expect(await row(id)).toMatchObject({ state: 'accepted', level: 'town', reopenCount: 1 });
    const townInbox = (await t.request('GET', '/api/inbox', { token: await t.loginAs(a.town_officer) })).body
      .items;
    expect(townInbox.some((i: { objectId: string }) => i.objectId === id)).toBe(true);
  });

  it('two people taking the same step at once: one wins, the other is told it moved on', async () => {
    const id = await raise('广场的健身器材坏了');
    const [x, y] = await Promise.all([act(a.grid_worker, id, 'accept'), act(a.cadre, id, 'accept')]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const accepts = await t.db
      .select()
      .from(matterEvents)
      .where(and(eq(matterEvents.matterId, id), eq(matterEvents.action, 'accept')));
    expect(accepts).toHaveLength(1);
  });

  it('the author may withdraw before it is resolved; nobody else may', async () => {
    const id = await raise('不用了，邻居已经帮忙修好');
    expect((await act(a.grid_worker, id, 'withdraw')).status).toBe(403);
    await run(id, [[author, 'withdraw']]);
    expect(await row(id)).toMatchObject({ state: 'withdrawn' });
    const detail = (await t.request('GET', `${base}/${id}`, { token: await t.loginAs(author) })).body;
    expect(detail.timeline.at(-1).label).toBe('您已撤回');
    expect(detail.actions).toEqual([]);
  });

  it('a grid without a grid worker: a cadre of the village is the first responder', async () => {
    const [home] = await t.db
      .select({ gridId: households.gridId })
      .from(residents)
      .innerJoin(households, eq(households.id, residents.householdId))
      .where(eq(residents.userId, author));
    await t.db.update(grids).set({ workerUserId: null }).where(eq(grids.id, home!.gridId!));
    try {
      const id = await raise('没有网格员的网格');
      const m = await row(id);
      const [cadre] = await t.db
        .select()
        .from(memberships)
        .where(
          and(
            eq(memberships.userId, m.firstResponderUserId!),
            eq(memberships.villageId, a.village.id),
            eq(memberships.role, 'cadre'),
          ),
        );
      expect(cadre).toBeDefined();
    } finally {
      await t.db.update(grids).set({ workerUserId: a.grid_worker }).where(eq(grids.id, home!.gridId!));
    }
  });
});

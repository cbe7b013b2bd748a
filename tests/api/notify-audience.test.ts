/**
 * notify(): an event becomes inbox entries and outbox rows for exactly the people it concerns —
 * the village, a grid, a role, or named people — never another village's, never the excluded
 * actor, and only if the change that caused it commits. Expected sets are computed here from the
 * roster and memberships, independently of notify()'s own SQL.
 */
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotifyEvent, notify } from '../../api/_notices/notify';
import { grids, households, inboxEntries, memberships, outbox, residents } from '../../api/_db/schema';
import type { Role } from '../../shared/roles';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE } from '../support/harness';
import { type Rig, startRig } from '../support/notify-rig';

describe.skipIf(DB_UNAVAILABLE)('notify(): who an event reaches', () => {
  let rig: Rig;
  let a: Actors;

  const members = async (villageId: string, role?: Role) =>
    new Set(
      (
        await rig.t.db
          .selectDistinct({ userId: memberships.userId })
          .from(memberships)
          .where(and(eq(memberships.villageId, villageId), role ? eq(memberships.role, role) : undefined))
      ).map((r) => r.userId),
    );
  const gridPeople = async (gridId: string) => {
    const rs = await rig.t.db
      .select({ userId: residents.userId })
      .from(residents)
      .innerJoin(households, eq(households.id, residents.householdId))
      .where(and(eq(households.gridId, gridId), isNotNull(residents.userId)));
    const [g] = await rig.t.db.select().from(grids).where(eq(grids.id, gridId));
    return new Set([...rs.map((r) => r.userId!), ...(g?.workerUserId ? [g.workerUserId] : [])]);
  };
  const reached = async (eventId: string) => {
    const inbox = await rig.t.db.select().from(inboxEntries).where(eq(inboxEntries.eventId, eventId));
    const out = await rig.t.db.select().from(outbox).where(eq(outbox.eventId, eventId));
    const inboxSet = new Set(inbox.map((r) => r.userId));
    expect(inbox).toHaveLength(inboxSet.size); // one entry per person
    expect(new Set(out.map((r) => r.userId))).toEqual(inboxSet); // a push queued for each of them
    return { users: inboxSet, inbox, out };
  };
  const minus = (s: Set<string>, ...out: string[]) => new Set([...s].filter((x) => !out.includes(x)));
  const base = (over: Partial<NotifyEvent>): NotifyEvent => ({
    kind: 'notice_published',
    villageId: a.village.id,
    audience: { type: 'village', villageId: a.village.id },
    title: '通知',
    summary: '摘要',
    objectType: 'notice',
    objectId: crypto.randomUUID(),
    page: '/pages/home/index',
    fields: { title: '通知' },
    ...over,
  });
  const emit = (e: NotifyEvent) => rig.t.db.transaction((tx) => notify(tx, e));

  beforeAll(async () => {
    rig = await startRig();
    a = await loadActors(rig.t.db);
  });
  afterAll(() => rig?.close());

  it('village: every member of this village once, not the actor, nobody from another village', async () => {
    const e = base({ exclude: [a.cadre] });
    const { eventId, recipients } = await emit(e);
    const { users, inbox, out } = await reached(eventId);
    const expected = minus(await members(a.village.id), a.cadre);
    expect(users).toEqual(expected);
    expect(recipients).toBe(expected.size);
    for (const other of await members(a.other.id)) expect(users.has(other)).toBe(false);
    expect(inbox[0]).toMatchObject({
      kind: 'notice_published',
      title: '通知',
      summary: '摘要',
      objectType: 'notice',
      objectId: e.objectId,
      villageId: a.village.id,
      readAt: null,
    });
    expect(out[0]).toMatchObject({
      status: 'pending',
      attempts: 0,
      page: '/pages/home/index',
      urgent: false,
      collapseKey: `notice:${e.objectId}`,
      data: { title: '通知' },
    });
  });

  it('grid: the grid’s residents who joined, and its grid worker — no one from the other grids', async () => {
    const gs = await rig.t.db.select().from(grids).where(eq(grids.villageId, a.village.id));
    for (const g of gs) {
      const { eventId } = await emit(
        base({ audience: { type: 'grid', villageId: a.village.id, gridId: g.id } }),
      );
      const { users } = await reached(eventId);
      expect(users).toEqual(await gridPeople(g.id));
      expect(users.size).toBeGreaterThan(3);
    }
    // A grid id of another village, named with this village: nobody.
    const [foreign] = await rig.t.db.select().from(grids).where(eq(grids.villageId, a.other.id));
    const { eventId, recipients } = await emit(
      base({ audience: { type: 'grid', villageId: a.village.id, gridId: foreign!.id } }),
    );
    expect(recipients).toBe(0);
    expect((await reached(eventId)).users.size).toBe(0);
  });

  it('role: exactly the holders of that role in this village', async () => {
    for (const role of ['representative', 'party_member', 'cadre', 'supervisor', 'grid_worker'] as const) {
      const { eventId } = await emit(base({ audience: { type: 'role', villageId: a.village.id, role } }));
      expect((await reached(eventId)).users).toEqual(await members(a.village.id, role));
    }
  });

  it('named people: those, once each (duplicates and the excluded dropped); urgent and collapse key kept', async () => {
    const { eventId } = await emit(
      base({
        kind: 'vote_closing',
        audience: { type: 'users', userIds: [a.villager, a.villager, a.representative, a.supervisor] },
        exclude: [a.supervisor],
        urgent: true,
        collapseKey: 'vote:v1:closing',
      }),
    );
    const { users, out } = await reached(eventId);
    expect(users).toEqual(new Set([a.villager, a.representative]));
    expect(
      out.every((r) => r.urgent && r.collapseKey === 'vote:v1:closing' && r.kind === 'vote_closing'),
    ).toBe(true);
    expect((await emit(base({ audience: { type: 'users', userIds: [] } }))).recipients).toBe(0);
  });

  it('lands with the change or not at all: a rolled-back transaction leaves no inbox entry and no push', async () => {
    const objectId = crypto.randomUUID();
    await expect(
      rig.t.db.transaction(async (tx) => {
        await notify(tx, base({ objectId }));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const [{ n }] = (await rig.t.db
      .execute(sql`select count(*)::int as n from inbox_entries where object_id = ${objectId}`)
      .then((r) => (r as unknown as { rows: { n: number }[] }).rows)) as [{ n: number }];
    expect(n).toBe(0);
  });

  it('through POST /api/villages/:id/notices: village, grid and role notices reach exactly their audience', async () => {
    const cadre = await rig.t.loginAs(a.cadre);
    const post = async (audience: unknown) => {
      const res = await rig.t.request('POST', `/api/villages/${a.village.id}/notices`, {
        token: cadre,
        body: { title: '通知', body: '内容', audience },
        headers: { 'idempotency-key': crypto.randomUUID() },
      });
      expect(res.status).toBe(201);
      const [row] = await rig.t.db
        .select({ eventId: inboxEntries.eventId })
        .from(inboxEntries)
        .where(eq(inboxEntries.objectId, res.body.id))
        .limit(1);
      const { users } = await reached(row!.eventId);
      expect(res.body.recipients).toBe(users.size);
      return users;
    };
    expect(await post({ type: 'village' })).toEqual(minus(await members(a.village.id), a.cadre));
    const [g] = await rig.t.db.select().from(grids).where(eq(grids.villageId, a.village.id)).limit(1);
    expect(await post({ type: 'grid', gridId: g!.id })).toEqual(minus(await gridPeople(g!.id), a.cadre));
    expect(await post({ type: 'role', role: 'representative' })).toEqual(
      minus(await members(a.village.id, 'representative'), a.cadre),
    );
    // The other village's cadre sees none of it.
    const outsider = await rig.t.request('GET', '/api/inbox', { token: await rig.t.loginAs(a.outsider) });
    expect(outsider.body.items).toEqual([]);
  });
});

/**
 * The clock: the sweep escalates overdue matters one level (grid → village → town), closes the
 * ones nobody rated or appealed in time, flags the town's without escalating further, and does
 * each exactly once — run twice, or twice at the same time. The cron endpoint guards it.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matterEvents, matters } from '../../api/_db/schema';
import { sweepOverdueMatters } from '../../api/_matters/sweep';
import { type Actors, loadActors, plainVillagerInGridOf } from '../support/actors';
import { DB_UNAVAILABLE, TEST_DB, type TestApp, createTestApp } from '../support/harness';
import { matterKit } from '../support/matters';

const HOUR = 3600_000;
const SECRET = 'matters-cron-secret-for-tests';

describe.skipIf(DB_UNAVAILABLE)(`matters clock sweep (${TEST_DB})`, () => {
  let t: TestApp;
  let a: Actors;
  let author: string;
  let k: ReturnType<typeof matterKit>;

  beforeAll(async () => {
    t = await createTestApp({ env: { CRON_SECRET: SECRET } });
    a = await loadActors(t.db);
    author = await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker);
    k = matterKit(t, a.village.id);
  });
  afterAll(() => t?.close());

  /** A moment just past the matter's current deadline. */
  const pastDue = async (id: string, by = 60_000) => new Date((await k.row(id)).dueAt!.getTime() + by);
  const sweep = (now: Date, batchSize?: number) => sweepOverdueMatters(t.db, { now, batchSize });
  const countEvents = async (id: string, action: string) =>
    (
      await t.db
        .select()
        .from(matterEvents)
        .where(and(eq(matterEvents.matterId, id), eq(matterEvents.action, action)))
    ).length;

  it('raising sets the deadline from the accept limit (24 h)', async () => {
    const id = await k.raise(author, { text: '村东头的桥栏杆松了' });
    const m = await k.row(id);
    expect(m.dueAt!.getTime() - m.enteredAt.getTime()).toBe(24 * HOUR);
    expect(m.sweepAt).toEqual(m.dueAt);
  });

  it('an unaccepted matter escalates grid → village → town, once per deadline, with plain words', async () => {
    const id = await k.raise(author, { text: '垃圾站三天没人清理了' });
    const before = await k.row(id);

    // Not yet due: untouched.
    await sweep(new Date(before.dueAt!.getTime() - 60_000));
    expect(await k.row(id)).toMatchObject({ level: 'grid', state: 'submitted' });

    const t1 = await pastDue(id);
    const first = await sweep(t1);
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    const m1 = await k.row(id);
    expect(m1).toMatchObject({ state: 'submitted', level: 'village', assignedUserId: null });
    expect(m1.enteredAt).toEqual(t1);
    expect(m1.dueAt!.getTime()).toBe(t1.getTime() + 24 * HOUR);

    // Run again at the same moment: nothing more happens to it.
    await sweep(t1);
    expect(await k.row(id)).toMatchObject({ level: 'village' });
    expect(await countEvents(id, 'escalate')).toBe(1);

    // The timeline says why, in plain words; the village cadres and the author were told.
    const seen = (await k.detail(author, id)).body;
    expect(seen.timeline.at(-1)).toMatchObject({
      action: 'escalate',
      label: '已转村两委处理',
      note: '超过受理时限（1天），系统自动处理',
    });
    expect((await k.inboxOf(a.cadre)).some((i) => i.objectId === id && i.title === '有事项转到您这里')).toBe(
      true,
    );
    expect((await k.inboxOf(author)).some((i) => i.objectId === id && i.summary === '已转村两委处理')).toBe(
      true,
    );

    // Village deadline passes too: the town gets it.
    const t2 = await pastDue(id);
    await sweep(t2);
    expect(await k.row(id)).toMatchObject({ level: 'town', state: 'submitted' });
    expect(
      (await k.inboxOf(a.town_officer)).some((i) => i.objectId === id && i.title === '有事项转到您这里'),
    ).toBe(true);

    // At the town there is no level above: flagged and the town reminded, never escalated again.
    const t3 = await pastDue(id);
    await sweep(t3);
    const top = await k.row(id);
    expect(top).toMatchObject({ level: 'town', state: 'submitted', sweepAt: null });
    expect(top.overdueFlaggedAt).toEqual(t3);
    await sweep(new Date(t3.getTime() + 100 * 24 * HOUR));
    expect(await countEvents(id, 'escalate')).toBe(2);
    expect(await countEvents(id, 'overdue')).toBe(1);
    expect((await k.detail(author, id)).body.timeline.at(-1).label).toBe('已超过办理时限，已提醒加快办理');
  });

  it('an accepted matter that is never handled escalates from the handle track too', async () => {
    const id = await k.raise(author, { text: '路灯不亮' });
    await k.run(id, [
      [a.grid_worker, 'accept'],
      [a.grid_worker, 'route_handle'],
    ]);
    const m = await k.row(id);
    expect(m.dueAt!.getTime() - m.enteredAt.getTime()).toBe(7 * 24 * HOUR);
    await sweep(await pastDue(id));
    expect(await k.row(id)).toMatchObject({ state: 'in_progress', level: 'village', assignedUserId: null });
  });

  it('an overdue mediation rung goes to the next rung; a failed one too; the town rung is flagged', async () => {
    const id = await k.raise(author, { kind: 'dispute', category: 'land', text: '邻居占了我家宅基地' });
    await k.run(id, [
      [a.grid_worker, 'accept'],
      [a.grid_worker, 'route_mediate'],
    ]);
    const m = await k.row(id);
    expect(m.dueAt!.getTime() - m.enteredAt.getTime()).toBe(15 * 24 * HOUR);
    await sweep(await pastDue(id));
    expect(await k.row(id)).toMatchObject({ state: 'mediating', level: 'village' });
    expect((await k.detail(author, id)).body.timeline.at(-1)).toMatchObject({
      note: '超过每级调解时限（15天），系统自动处理',
    });
    // The village committee fails: the town's rung, with a fresh 15 days.
    await k.run(id, [[a.cadre, 'mediation_failed', '双方各执一词']]);
    const atTown = await k.row(id);
    expect(atTown).toMatchObject({ state: 'mediating', level: 'town' });
    await sweep(await pastDue(id));
    expect(await k.row(id)).toMatchObject({ state: 'mediating', level: 'town', sweepAt: null });
    expect(await countEvents(id, 'overdue')).toBe(1);
  });

  it('closes a matter nobody rated in time; reminds the village when the follow-up visit is late', async () => {
    const id = await k.raise(author, { text: '水管漏水' });
    await k.run(id, [
      [a.grid_worker, 'accept'],
      [a.grid_worker, 'route_handle'],
      [a.grid_worker, 'resolve', '已更换水管'],
    ]);
    await sweep(await pastDue(id));
    // Resolved and no visit: the village is reminded, the matter stays for the grid worker.
    expect(await k.row(id)).toMatchObject({ state: 'resolved', sweepAt: null });
    expect((await k.inboxOf(a.cadre)).some((i) => i.objectId === id && i.title === '有事项已超过时限')).toBe(
      true,
    );
    await k.run(id, [[a.grid_worker, 'follow_up', '已上门回访']]);
    expect((await k.row(id)).overdueFlaggedAt).toBeNull();
    await sweep(await pastDue(id));
    const closed = await k.row(id);
    expect(closed).toMatchObject({ state: 'closed', dueAt: null, sweepAt: null });
    expect((await k.detail(author, id)).body.timeline.at(-1)).toMatchObject({
      action: 'close',
      note: '超过评价时限（7天），系统自动处理',
    });
  });

  it('a village’s own limit applies (accept in 2 h)', async () => {
    const cadre = await t.loginAs(a.cadre);
    const res = await t.request('PUT', `/api/villages/${a.village.id}/matter-settings/time-limits`, {
      token: cadre,
      headers: { 'idempotency-key': crypto.randomUUID() },
      body: { accept: 2 },
    });
    expect(res.status).toBe(200);
    try {
      const id = await k.raise(author, { text: '村口积水' });
      const m = await k.row(id);
      expect(m.dueAt!.getTime() - m.enteredAt.getTime()).toBe(2 * HOUR);
      await sweep(new Date(m.enteredAt.getTime() + 3 * HOUR));
      expect(await k.row(id)).toMatchObject({ level: 'village' });
    } finally {
      await t.request('PUT', `/api/villages/${a.village.id}/matter-settings/time-limits`, {
        token: cadre,
        headers: { 'idempotency-key': crypto.randomUUID() },
        body: {},
      });
    }
  });

  it('two sweeps at the same time escalate each matter exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await k.raise(author, { text: `并发测试第${i}件` }));
    const rows = await t.db.select().from(matters).where(inArray(matters.id, ids));
    const latest = Math.max(...rows.map((r) => r.dueAt!.getTime()));
    const now = new Date(latest + 60_000);
    const [x, y] = await Promise.all([sweep(now, 3), sweep(now, 3)]);
    expect(x.failed + y.failed).toBe(0);
    for (const id of ids) {
      expect({ id, escalations: await countEvents(id, 'escalate') }).toEqual({ id, escalations: 1 });
      expect((await k.row(id)).level).toBe('village');
    }
  });

  it('a person’s move racing the sweep: one of them wins, never both', async () => {
    const id = await k.raise(author, { text: '公厕门坏了' });
    const due = await pastDue(id);
    const [swept, accepted] = await Promise.all([sweep(due), k.act(a.grid_worker, id, { action: 'accept' })]);
    const m = await k.row(id);
    if (accepted.status === 200) {
      // The accept landed first; the sweep saw a matter no longer due.
      expect(m).toMatchObject({ state: 'accepted', level: 'grid' });
    } else {
      // Lost the race: refused as moved on (409), or — read after the sweep — no longer the holder (403).
      expect([403, 409]).toContain(accepted.status);
      expect(m).toMatchObject({ state: 'submitted', level: 'village' });
    }
    expect(swept.failed).toBe(0);
  });

  describe('GET|POST /api/cron/matters', () => {
    it('runs the sweep with the secret; refuses without it', async () => {
      for (const auth of [undefined, 'Bearer wrong', SECRET, `Bearer ${SECRET}x`]) {
        const res = await t.request('POST', '/api/cron/matters', {
          headers: auth ? { authorization: auth } : {},
        });
        expect({ auth, status: res.status, code: res.body.error?.code }).toEqual({
          auth,
          status: 401,
          code: 'UNAUTHENTICATED',
        });
      }
      const session = await t.loginAs(a.cadre);
      expect(
        (await t.request('GET', '/api/cron/matters', { headers: { authorization: `Bearer ${session}` } }))
          .status,
      ).toBe(401);
      const ok = await t.request('GET', '/api/cron/matters', {
        headers: { authorization: `Bearer ${SECRET}` },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ escalated: expect.any(Number), failed: 0, more: false });
    });

    it('refuses everyone when CRON_SECRET is not configured', async () => {
      const cfg = t.deps.config.notify;
      cfg.cronSecret = undefined;
      try {
        const res = await t.request('POST', '/api/cron/matters', {
          headers: { authorization: `Bearer ${SECRET}` },
        });
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      } finally {
        cfg.cronSecret = SECRET;
      }
    });
  });
});

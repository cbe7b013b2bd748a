/**
 * WeChat outages and concurrent drainers: a notice published while WeChat is down, erroring (-1,
 * HTTP 500) or hanging loses no message and, once WeChat recovers, reaches each person exactly
 * once (counted on the fake's side). Several drainers at once never send twice.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DrainCounts, drainOutbox } from '../../api/_notices/dispatch';
import { notify } from '../../api/_notices/notify';
import { outbox } from '../../api/_db/schema';
import { MAX_SEND_ATTEMPTS, backoffMs } from '../../shared/notices/rules';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE } from '../support/harness';
import {
  beijing,
  clearOutbox,
  consentMany,
  deliveriesByUser,
  openidOf,
  type Rig,
  startRig,
} from '../support/notify-rig';

const sum = (cs: DrainCounts[], k: keyof DrainCounts) => cs.reduce((n, c) => n + c[k], 0);

describe.skipIf(DB_UNAVAILABLE)('notify job: WeChat outages and concurrent drainers', () => {
  let rig: Rig;
  let a: Actors;
  let cadre: string;

  const publish = async (title: string, audience: unknown) => {
    const res = await rig.t.request('POST', `/api/villages/${a.village.id}/notices`, {
      token: cadre,
      body: { title, body: `${title}的内容`, audience },
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    expect(res.status).toBe(201);
    const [first] = await rig.t.db
      .select({ eventId: outbox.eventId, page: outbox.page })
      .from(outbox)
      .where(sql`${outbox.page} like ${`%id=${res.body.id}`}`)
      .limit(1);
    const recipients = await rig.t.db.select().from(outbox).where(eq(outbox.eventId, first!.eventId));
    return { id: res.body.id as string, page: first!.page, userIds: recipients.map((r) => r.userId) };
  };
  const pending = async () =>
    (await rig.t.db.select().from(outbox).where(eq(outbox.status, 'pending'))).length;

  beforeAll(async () => {
    rig = await startRig();
    a = await loadActors(rig.t.db);
    cadre = await rig.t.loginAs(a.cadre);
  });
  afterAll(() => rig?.close());
  beforeEach(async () => {
    await clearOutbox(rig.t);
    rig.fake.state.subscriptions.delivered.length = 0;
    rig.fake.state.reset();
    rig.fake.state.down = false;
  });

  it('down, -1, HTTP 500, hanging: nothing lost, and exactly one message per person once WeChat is back', async () => {
    const me = (await rig.t.request('GET', '/api/me', { token: await rig.t.loginAs(a.grid_worker) })).body;
    const gridId = me.memberships.find((m: { role: string }) => m.role === 'grid_worker').gridId;
    const n = await publish('网格停电通知', { type: 'grid', gridId });
    expect(n.userIds.length).toBeGreaterThan(5);
    await consentMany(rig, n.userIds, 'notice_published');

    let now = beijing(10);
    const step = (attempt: number) => {
      now = new Date(now.getTime() + backoffMs(attempt) + 1000);
      return now;
    };
    // 1. WeChat unreachable: every row retried later, nothing delivered, nothing dropped.
    rig.fake.state.down = true;
    const c1 = await drainOutbox(rig.t.deps, { now });
    expect(c1).toMatchObject({ sent: 0, failed: 0, skipped: 0, retried: n.userIds.length });
    expect(await pending()).toBe(n.userIds.length);

    // 2. Back, but flaky: system busy, HTTP 500s, requests that never get an answer.
    rig.fake.state.down = false;
    rig.fake.state.failNext('subscribe_send', -1, 3);
    rig.fake.state.failNext('subscribe_send', { status: 500, body: '<html>502 Bad Gateway</html>' }, 2);
    rig.fake.state.failNext('subscribe_send', 'hang', 2);
    const runs: DrainCounts[] = [];
    for (let i = 2; i < 10 && (await pending()) > 0; i++)
      runs.push(await drainOutbox(rig.t.deps, { now: step(i) }));
    expect(sum(runs, 'retried')).toBe(7);
    expect(sum(runs, 'sent')).toBe(n.userIds.length);
    expect(await pending()).toBe(0);

    // Exactly one accepted message per person, and every outbox row says sent.
    const byUser = deliveriesByUser(rig.fake, n.page);
    expect(byUser.size).toBe(n.userIds.length);
    expect([...byUser.values()].every((k) => k === 1)).toBe(true);
    for (const id of n.userIds) expect(byUser.get(await openidOf(rig.t, id))).toBe(1);
    const rows = await rig.t.db.select().from(outbox);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    // Later drains find nothing to do.
    expect(await drainOutbox(rig.t.deps, { now: step(10) })).toMatchObject({ sent: 0, retried: 0 });
    expect(deliveriesByUser(rig.fake, n.page).size).toBe(n.userIds.length);
  });

  it(`gives up after ${MAX_SEND_ATTEMPTS} transient failures in a row, with the reason`, async () => {
    await consentMany(rig, [a.villager], 'notice_published');
    const { eventId } = await rig.t.db.transaction((tx) =>
      notify(tx, {
        kind: 'notice_published',
        villageId: a.village.id,
        audience: { type: 'users', userIds: [a.villager] },
        title: '测试',
        summary: '测试',
        objectType: 'notice',
        objectId: 'n-giveup',
        page: '/pages/home/index',
        fields: { title: '测试' },
      }),
    );
    rig.fake.state.failNext('subscribe_send', -1, MAX_SEND_ATTEMPTS);
    let now = beijing(10);
    for (let i = 1; i <= MAX_SEND_ATTEMPTS; i++) {
      const c = await drainOutbox(rig.t.deps, { now });
      expect(c).toMatchObject(i < MAX_SEND_ATTEMPTS ? { retried: 1 } : { failed: 1 });
      const [row] = await rig.t.db.select().from(outbox).where(eq(outbox.eventId, eventId));
      expect(row!.attempts).toBe(i);
      if (i < MAX_SEND_ATTEMPTS) {
        expect(row!.nextAttemptAt.getTime()).toBe(now.getTime() + backoffMs(i));
        // Not due before its backoff ends.
        expect(
          await drainOutbox(rig.t.deps, { now: new Date(row!.nextAttemptAt.getTime() - 1) }),
        ).toMatchObject({
          retried: 0,
        });
        now = row!.nextAttemptAt;
      } else {
        expect(row).toMatchObject({ status: 'failed' });
        expect(row!.lastError).toMatch(new RegExp(`^gave up after ${MAX_SEND_ATTEMPTS} attempts: -1`));
      }
    }
    expect(rig.fake.state.subscriptions.delivered).toHaveLength(0);
  });

  it('four drainers at once: every person once, bursts still collapse to one push', async () => {
    const n = await publish('全村大会通知', { type: 'village' });
    expect(n.userIds.length).toBeGreaterThan(100);
    await consentMany(rig, n.userIds, 'notice_published');
    // Five people each get a burst of five updates about one matter.
    const burst = n.userIds.slice(0, 5);
    await consentMany(rig, burst, 'matter_moved', 5);
    for (let i = 0; i < 5; i++) {
      await rig.t.db.transaction((tx) =>
        notify(tx, {
          kind: 'matter_moved',
          villageId: a.village.id,
          audience: { type: 'users', userIds: burst },
          title: '事项进展',
          summary: '事项进展',
          objectType: 'matter',
          objectId: 'm-concurrent',
          page: '/pages/home/index',
          fields: { title: `进展${i}`, status: '处理中' },
        }),
      );
    }
    rig.fake.state.latencyMs = 3;
    try {
      const now = beijing(10);
      const counts = await Promise.all(
        [0, 1, 2, 3].map(() => drainOutbox(rig.t.deps, { now, batchSize: 7 })),
      );
      expect(sum(counts, 'sent')).toBe(n.userIds.length + burst.length);
      expect(sum(counts, 'skipped')).toBe(burst.length * 4);
      expect(counts.filter((c) => c.sent > 0).length).toBeGreaterThan(1);
    } finally {
      rig.fake.state.latencyMs = 0;
    }
    const notices = deliveriesByUser(rig.fake, n.page);
    expect(notices.size).toBe(n.userIds.length);
    expect([...notices.values()].every((k) => k === 1)).toBe(true);
    const matters = deliveriesByUser(rig.fake, '/pages/home/index');
    expect(matters.size).toBe(burst.length);
    expect([...matters.values()].every((k) => k === 1)).toBe(true);
    expect(rig.fake.state.subscriptions.delivered).toHaveLength(n.userIds.length + burst.length);
  });

  it('the one duplicate window, by design: WeChat delivered but its answer never arrived', async () => {
    // At least once: a message whose answer is lost (here: slower than our timeout) is sent again.
    await consentMany(rig, [a.party_member], 'notice_published');
    await rig.t.db.transaction((tx) =>
      notify(tx, {
        kind: 'notice_published',
        villageId: a.village.id,
        audience: { type: 'users', userIds: [a.party_member] },
        title: '迟到的回答',
        summary: '迟到的回答',
        objectType: 'notice',
        objectId: 'n-late',
        page: '/pages/home/index',
        fields: { title: '迟到的回答' },
      }),
    );
    await rig.t.deps.wechat.accessToken(); // the token is in hand; only the send is slow
    rig.fake.state.latencyMs = 2000; // > WECHAT_TIMEOUT_MS (1500)
    const first = await drainOutbox(rig.t.deps, { now: beijing(10) });
    rig.fake.state.latencyMs = 0;
    expect(first).toMatchObject({ retried: 1, sent: 0 });
    await new Promise((r) => setTimeout(r, 700)); // WeChat finishes what it received
    const second = await drainOutbox(rig.t.deps, { now: beijing(10, 1) });
    expect(second).toMatchObject({ sent: 1 });
    expect(rig.fake.state.subscriptions.delivered).toHaveLength(2);
  });
});

/**
 * The notify job against the fake WeChat server: what is sent (template data, page, consents),
 * what is not (no consent, push off, 43101, permanent errcodes), quiet hours and urgent pushes,
 * collapsing bursts, and the daily digest. The clock is injected (Beijing time, tomorrow).
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { drainOutbox, sendDigests } from '../../api/_notices/dispatch';
import { type NotifyEvent, notify } from '../../api/_notices/notify';
import { outbox, subscribeConsents, users } from '../../api/_db/schema';
import type { NotifyKind } from '../../shared/notices/rules';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE } from '../support/harness';
import {
  beijing,
  clearOutbox,
  consentMany,
  consentVia,
  openidOf,
  type Rig,
  startRig,
  templateOf,
} from '../support/notify-rig';

describe.skipIf(DB_UNAVAILABLE)('notify job: sending subscribe messages', () => {
  let rig: Rig;
  let a: Actors;
  const drain = (now: Date) => drainOutbox(rig.t.deps, { now });

  const event = (kind: NotifyKind, userIds: string[], over: Partial<NotifyEvent> = {}): NotifyEvent => ({
    kind,
    villageId: a.village.id,
    audience: { type: 'users', userIds },
    title: '停水通知',
    summary: '明天上午停水',
    objectType: 'notice',
    objectId: crypto.randomUUID(),
    page: '/pages/home/index',
    fields: {
      title: '停水通知',
      time: '2026年11月24日 08:00',
      note: '明天上午8点到12点停水检修，请提前接水备用',
    },
    ...over,
  });
  const send = (e: NotifyEvent) => rig.t.db.transaction((tx) => notify(tx, e));
  const rowsOf = async (eventId: string) => rig.t.db.select().from(outbox).where(eq(outbox.eventId, eventId));
  const consentOf = async (userId: string, kind: NotifyKind) => {
    const [c] = await rig.t.db
      .select()
      .from(subscribeConsents)
      .where(
        and(eq(subscribeConsents.userId, userId), eq(subscribeConsents.templateId, templateOf(kind).id)),
      );
    return c;
  };

  beforeAll(async () => {
    rig = await startRig();
    a = await loadActors(rig.t.db);
  });
  afterAll(() => rig?.close());
  beforeEach(async () => {
    await clearOutbox(rig.t);
    rig.fake.state.subscriptions.delivered.length = 0;
  });

  it('sends to people who consented, with the template’s keys filled from the event; skips the others', async () => {
    await consentVia(rig, a.villager, 'notice_published'); // long-term template
    const { eventId } = await send(event('notice_published', [a.villager, a.party_member]));
    const counts = await drain(beijing(10));
    expect(counts).toMatchObject({ sent: 1, skipped: 1, failed: 0, retried: 0 });

    const delivered = rig.fake.state.subscriptions.delivered;
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      touser: await openidOf(rig.t, a.villager),
      templateId: templateOf('notice_published').id,
      page: '/pages/home/index',
      miniprogramState: 'developer',
      data: {
        thing1: { value: '停水通知' },
        time2: { value: '2026年11月24日 08:00' },
        thing3: { value: '明天上午8点到12点停水检修，请提前接…' },
      },
    });
    const rows = await rowsOf(eventId);
    const mine = rows.find((r) => r.userId === a.villager)!;
    expect(mine).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(mine.sentAt?.toISOString()).toBe(beijing(10).toISOString());
    expect(rows.find((r) => r.userId === a.party_member)).toMatchObject({
      status: 'skipped',
      lastError: 'no_consent',
    });

    // A long-term consent is not spent.
    expect(await consentOf(a.villager, 'notice_published')).toMatchObject({ kind: 'long_term' });
    await send(event('notice_published', [a.villager]));
    expect((await drain(beijing(10, 5))).sent).toBe(1);
  });

  it('spends one-time consents one per message, in step with WeChat', async () => {
    const who = a.representative;
    await consentVia(rig, who, 'matter_moved');
    await consentVia(rig, who, 'matter_moved');
    expect(await consentOf(who, 'matter_moved')).toMatchObject({ kind: 'one_time', remaining: 2 });
    const fields = { title: '道路坑洼', status: '处理中', time: '2026-11-24 09:00', note: '网格员已到场' };
    const events = [1, 2, 3].map((i) =>
      event('matter_moved', [who], {
        objectType: 'matter',
        objectId: `m-${i}`,
        fields,
        page: '/pages/home/index',
      }),
    );
    for (const e of events) await send(e);
    const counts = await drain(beijing(11));
    expect(counts).toMatchObject({ sent: 2, skipped: 1 });
    expect(await consentOf(who, 'matter_moved')).toMatchObject({ remaining: 0 });
    expect(
      rig.fake.state.subscriptions.remaining(await openidOf(rig.t, who), templateOf('matter_moved').id),
    ).toBe(0);
    const all = await rig.t.db.select().from(outbox).where(eq(outbox.userId, who));
    expect(all.map((r) => r.lastError).filter(Boolean)).toEqual(['no_consent']);
    expect(rig.fake.state.subscriptions.delivered[0]!.data).toMatchObject({ phrase2: { value: '处理中' } });
  });

  it('43101 (consent gone on WeChat’s side): skipped, our consent zeroed, the next message not tried', async () => {
    const who = a.supervisor;
    // Our record says yes, WeChat says no (the user turned it off in WeChat's settings).
    await rig.t.db.insert(subscribeConsents).values({
      userId: who,
      templateId: templateOf('vote_opened').id,
      kind: 'long_term',
      remaining: 0,
    });
    const { eventId } = await send(event('vote_opened', [who], { objectType: 'vote', objectId: 'v-1' }));
    expect(await drain(beijing(12))).toMatchObject({ sent: 0, skipped: 1 });
    expect((await rowsOf(eventId))[0]).toMatchObject({ status: 'skipped' });
    expect((await rowsOf(eventId))[0]!.lastError).toMatch(/^refused: 43101/);
    expect(await consentOf(who, 'vote_opened')).toMatchObject({ kind: 'one_time', remaining: 0 });

    const before = rig.fake.state.requestsTo('subscribe_send').length;
    const second = await send(event('vote_opened', [who], { objectType: 'vote', objectId: 'v-2' }));
    await drain(beijing(12, 1));
    expect((await rowsOf(second.eventId))[0]).toMatchObject({ status: 'skipped', lastError: 'no_consent' });
    expect(rig.fake.state.requestsTo('subscribe_send').length).toBe(before);
  });

  it('47003, 40037, 41030 and 40003 are permanent: failed at once, logged, never retried', async () => {
    const who = a.cadre;
    await consentMany(rig, [who], 'disclosure_published');
    for (const errcode of [47003, 40037, 41030, 40003]) {
      rig.fake.state.failNext('subscribe_send', errcode);
      const { eventId } = await send(
        event('disclosure_published', [who], { objectType: 'disclosure', objectId: `d-${errcode}` }),
      );
      expect(await drain(beijing(13, errcode % 60))).toMatchObject({ failed: 1, sent: 0, retried: 0 });
      const [row] = await rowsOf(eventId);
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      expect(row!.lastError).toContain(String(errcode));
    }
    expect(rig.t.logLines.filter((l) => l.includes('subscribe message failed for good'))).toHaveLength(4);
    // Nothing comes back later.
    expect(await drain(beijing(20))).toMatchObject({ sent: 0, failed: 0, retried: 0 });
  });

  it('a page WeChat does not know is 41030 from the real rules too', async () => {
    const subs = rig.fake.state.subscriptions;
    subs.pages = new Set(['pages/home/index']);
    try {
      await consentMany(rig, [a.villager], 'notice_published');
      const { eventId } = await send({
        ...event('notice_published', [a.villager]),
        page: '/pages/nowhere/index',
      });
      expect(await drain(beijing(10))).toMatchObject({ failed: 1 });
      expect((await rowsOf(eventId))[0]!.lastError).toMatch(/^41030/);
    } finally {
      subs.pages = undefined;
    }
  });

  it('quiet hours defer to 07:00; urgent pushes and people who turned quiet hours off go at once', async () => {
    const sleeper = a.villager;
    const nightOwl = a.party_member;
    await consentMany(rig, [nightOwl], 'notice_published');
    await rig.t.db.update(users).set({ quietHours: false }).where(eq(users.id, nightOwl));
    await consentMany(rig, [sleeper], 'vote_closing');
    const notice = await send(event('notice_published', [sleeper, nightOwl]));
    const closing = await send(
      event('vote_closing', [sleeper], { urgent: true, objectType: 'vote', objectId: 'v-closing' }),
    );

    const night = beijing(22, 30);
    expect(await drain(night)).toMatchObject({ sent: 2, deferred: 1 });
    const deferred = (await rowsOf(notice.eventId)).find((r) => r.userId === sleeper)!;
    expect(deferred).toMatchObject({ status: 'pending', attempts: 0, lastError: 'deferred:quiet_hours' });
    expect(deferred.nextAttemptAt.toISOString()).toBe(beijing(7, 0, 2).toISOString());
    expect((await rowsOf(closing.eventId))[0]).toMatchObject({ status: 'sent' });

    expect(await drain(beijing(6, 59, 2))).toMatchObject({ sent: 0, skipped: 0, deferred: 0 });
    expect(await drain(beijing(7, 0, 2))).toMatchObject({ sent: 1 }); // the morning brings the notice
    await rig.t.db.update(users).set({ quietHours: true }).where(eq(users.id, nightOwl));
  });

  it('ten updates to one matter within an hour are one push (the latest), in one drain or many', async () => {
    const who = a.grid_worker;
    await consentMany(rig, [who], 'matter_moved', 20);
    const update = (i: number) =>
      event('matter_moved', [who], {
        objectType: 'matter',
        objectId: 'm-burst',
        fields: { title: `第${i}次更新`, status: '处理中' },
      });
    for (let i = 1; i <= 10; i++) await send(update(i));
    expect(await drain(beijing(9))).toMatchObject({ sent: 1, skipped: 9 });
    const delivered = rig.fake.state.subscriptions.delivered;
    expect(delivered.map((d) => d.data.thing1!.value)).toEqual(['第10次更新']);

    // Spread over the hour, drained as they come: still the one push.
    for (let i = 11; i <= 19; i++) {
      await send(update(i));
      await drain(new Date(beijing(9).getTime() + (i - 10) * 6 * 60_000));
    }
    expect(delivered).toHaveLength(1);
    const rows = await rig.t.db.select().from(outbox).where(eq(outbox.userId, who));
    expect(rows.filter((r) => r.lastError === 'collapsed')).toHaveLength(18);

    // An hour after the push, news about the same matter is pushed again.
    await send(update(20));
    expect(await drain(beijing(10, 1))).toMatchObject({ sent: 1 });
    expect(delivered).toHaveLength(2);
  });

  it('push turned off for a kind: skipped; the inbox still has it', async () => {
    const who = a.villager;
    const token = await rig.t.loginAs(who);
    await rig.t.request('PUT', '/api/me/notify-settings', {
      token,
      body: { kinds: [{ kind: 'result_out', push: false, digest: false }] },
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    await consentMany(rig, [who], 'result_out');
    const { eventId } = await send(event('result_out', [who], { objectType: 'vote', objectId: 'r-1' }));
    expect(await drain(beijing(10))).toMatchObject({ skipped: 1, sent: 0 });
    expect((await rowsOf(eventId))[0]).toMatchObject({ status: 'skipped', lastError: 'push_off' });
    const inbox = await rig.t.request('GET', '/api/inbox', { token });
    expect(inbox.body.items.some((i: { objectId: string }) => i.objectId === 'r-1')).toBe(true);
  });

  it('daily digest: one message per person per day with the count, at 18:00, then the rows are sent', async () => {
    const who = a.representative;
    const token = await rig.t.loginAs(who);
    await rig.t.request('PUT', '/api/me/notify-settings', {
      token,
      body: { kinds: [{ kind: 'disclosure_published', push: true, digest: true }] },
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    await consentMany(rig, [who], 'disclosure_published');
    for (let i = 0; i < 3; i++) {
      await send(event('disclosure_published', [who], { objectType: 'disclosure', objectId: `dd-${i}` }));
    }
    expect(await drain(beijing(10))).toMatchObject({ digested: 3, sent: 0 });
    expect(await sendDigests(rig.t.deps, { now: beijing(12) })).toEqual({ users: 0, rows: 0 });

    expect(await sendDigests(rig.t.deps, { now: beijing(18, 5) })).toEqual({ users: 1, rows: 3 });
    expect(await drain(beijing(18, 5))).toMatchObject({ sent: 1 });
    const delivered = rig.fake.state.subscriptions.delivered;
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      touser: await openidOf(rig.t, who),
      page: '/pages/inbox/index',
      data: { thing1: { value: '您有3条新消息' } },
    });
    const rows = await rig.t.db.select().from(outbox).where(eq(outbox.userId, who));
    expect(rows.filter((r) => r.status === 'digested')).toHaveLength(0);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(4);

    // More news the same evening waits for tomorrow's digest: one a day.
    await send(event('disclosure_published', [who], { objectType: 'disclosure', objectId: 'dd-late' }));
    await drain(beijing(19));
    expect(await sendDigests(rig.t.deps, { now: beijing(19, 30) })).toEqual({ users: 0, rows: 0 });
    expect(await sendDigests(rig.t.deps, { now: beijing(18, 0, 2) })).toEqual({ users: 1, rows: 1 });
    await drain(beijing(18, 1, 2));
    expect(delivered.map((d) => d.data.thing1!.value)).toEqual(['您有3条新消息', '您有1条新消息']);
  });
});

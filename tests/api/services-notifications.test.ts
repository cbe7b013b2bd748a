/**
 * Each services event sends its own notification kind — reminder the day before
 * (booking_day_before), two hours before (booking_near), a booking or waitlist place cancelled by
 * the village with the next free slots (booking_cancelled), a waitlist place offered
 * (waitlist_offered), a booking moved (booking_rescheduled) — to exactly the people concerned, and
 * the notify job pushes each with that kind's subscribe template, opening 我的预约 of the village.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxEntries, outbox, serviceBookings } from '../../api/_db/schema';
import { drainOutbox } from '../../api/_notices/dispatch';
import { book as bookOp } from '../../api/_services/bookings';
import { runServicesJob } from '../../api/_services/jobs';
import { NOTIFY_KINDS, NOTIFY_KIND_LABELS, type NotifyKind } from '../../shared/notices/rules';
import { beijingDate } from '../../shared/services/rules';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE } from '../support/harness';
import { type Rig, beijing, consentVia, openidOf, startRig, templateOf } from '../support/notify-rig';
import { createTestService, plainVillagers, slotAt } from '../support/services-fixtures';

const BOOKINGS_PAGE = 'subpackages/services/bookings/index';
const BOOKING_KINDS: NotifyKind[] = [
  'booking_day_before',
  'booking_near',
  'booking_rescheduled',
  'waitlist_offered',
  'booking_cancelled',
];

describe.skipIf(DB_UNAVAILABLE)('services: one notification kind per event', () => {
  let rig: Rig;
  let a: Actors;
  let base: string;
  let serviceId: string;
  let p: string[];
  const key = () => ({ 'idempotency-key': crypto.randomUUID() });

  beforeAll(async () => {
    // The fake WeChat knows the real page of 我的预约: a push to any other page is refused (41030).
    rig = await startRig({ fake: { pages: [BOOKINGS_PAGE] } });
    a = await loadActors(rig.t.db);
    base = `/api/villages/${a.village.id}`;
    serviceId = await createTestService(rig.t, a, { capacity: 1, name: '通知测试服务' });
    p = await plainVillagers(rig.t.db, a.village.id, 5, [a.villager]);
  });
  afterAll(() => rig.close());

  const entriesOf = (userId: string) =>
    rig.t.db
      .select()
      .from(inboxEntries)
      .where(eq(inboxEntries.userId, userId))
      .orderBy(inboxEntries.createdAt);
  const book = async (userId: string, startsAt: string) => {
    const res = await rig.t.request('POST', `${base}/services/${serviceId}/bookings`, {
      token: await rig.t.loginAs(userId),
      headers: key(),
      body: { startsAt },
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; code: string };
  };

  it('every kind has words for the settings page, and each booking kind its own dev template', () => {
    for (const k of NOTIFY_KINDS) expect(NOTIFY_KIND_LABELS[k]).toMatch(/\p{Script=Han}/u);
    const ids = BOOKING_KINDS.map((k) => templateOf(k).id);
    expect(new Set(ids).size).toBe(BOOKING_KINDS.length);
  });

  it('the reminders: booking_day_before the day before, booking_near two hours before', async () => {
    const startsAt = slotAt(6, '09:30');
    const made = await bookOp(
      rig.t.db,
      { userId: p[0]!, villageId: a.village.id, requestId: 'test', serviceId },
      { startsAt, note: '', materialsChecked: [] },
    );
    expect(made.ok).toBe(true);
    const id = made.ok ? made.value.id : '';
    const start = new Date(startsAt).getTime();
    await runServicesJob(rig.t.deps, { now: new Date(start - 23 * 3600_000) });
    await runServicesJob(rig.t.deps, { now: new Date(start - 90 * 60_000) });
    const got = (await entriesOf(p[0]!)).filter((e) => e.objectId === id);
    expect(got.map((e) => [e.kind, e.title])).toEqual([
      ['booking_day_before', '明天办事：通知测试服务'],
      ['booking_near', '两小时后办事：通知测试服务'],
    ]);
    const rows = await rig.t.db.select().from(outbox).where(eq(outbox.userId, p[0]!));
    expect(rows.map((r) => r.kind).sort()).toEqual(['booking_day_before', 'booking_near']);
    expect(rows.every((r) => r.page === `/${BOOKINGS_PAGE}?villageId=${a.village.id}`)).toBe(true);
  });

  it('a reschedule sends booking_rescheduled to the owner only, with the new time and the same code', async () => {
    const [b] = await rig.t.db
      .select()
      .from(serviceBookings)
      .where(and(eq(serviceBookings.userId, p[0]!), eq(serviceBookings.status, 'booked')));
    const to = slotAt(6, '11:00');
    const res = await rig.t.request('POST', `${base}/bookings/${b!.id}/reschedule`, {
      token: await rig.t.loginAs(p[0]!),
      headers: key(),
      body: { startsAt: to },
    });
    expect(res.status).toBe(200);
    const moved = (await entriesOf(p[0]!)).filter((e) => e.kind === 'booking_rescheduled');
    expect(moved).toHaveLength(1);
    expect(moved[0]!.title).toBe('改好时间了：通知测试服务');
    expect(moved[0]!.summary).toContain('11:00');
    expect(moved[0]!.summary).toContain('09:30');
    expect(moved[0]!.summary).toContain(b!.code);
    const others = await rig.t.db
      .select()
      .from(inboxEntries)
      .where(and(eq(inboxEntries.kind, 'booking_rescheduled'), eq(inboxEntries.objectId, b!.id)));
    expect(others.map((e) => e.userId)).toEqual([p[0]]);
  });

  it('a cancellation offers the place with waitlist_offered to the first waiting', async () => {
    const startsAt = slotAt(7, '10:00');
    const first = await book(p[1]!, startsAt);
    const wait = await rig.t.request('POST', `${base}/services/${serviceId}/waitlist`, {
      token: await rig.t.loginAs(p[0]!),
      headers: key(),
      body: { startsAt },
    });
    expect(wait.status).toBe(201);
    const cancel = await rig.t.request('POST', `${base}/bookings/${first.id}/cancel`, {
      token: await rig.t.loginAs(p[1]!),
      headers: key(),
    });
    expect(cancel.status).toBe(200);
    const offered = (await entriesOf(p[0]!)).filter((e) => e.kind === 'waitlist_offered');
    expect(offered).toHaveLength(1);
    expect(offered[0]).toMatchObject({ objectType: 'service_waitlist', objectId: wait.body.id });
    expect(offered[0]!.title).toBe('有空位了：通知测试服务');
    // The one who cancelled is told nothing.
    expect(await entriesOf(p[1]!)).toEqual([]);
  });

  it('a slot cancelled by the village sends booking_cancelled to the booked and the waiting, with the next free slots', async () => {
    const startsAt = slotAt(8, '10:00');
    await book(p[0]!, startsAt);
    const wait = await rig.t.request('POST', `${base}/services/${serviceId}/waitlist`, {
      token: await rig.t.loginAs(p[2]!),
      headers: key(),
      body: { startsAt },
    });
    expect(wait.status).toBe(201);
    const res = await rig.t.request('POST', `${base}/services/${serviceId}/slots/cancel`, {
      token: await rig.t.loginAs(a.cadre),
      headers: key(),
      body: { startsAt, reason: '停电检修' },
    });
    expect(res.body).toEqual({ cancelled: 1, notified: 2 });
    const booked = (await entriesOf(p[0]!)).filter((e) => e.kind === 'booking_cancelled');
    expect(booked.map((e) => e.title)).toEqual(['预约取消了：通知测试服务']);
    expect(booked[0]!.summary).toMatch(/不办理了（停电检修）。可以改约：\d+月\d+日/);
    const waiting = (await entriesOf(p[2]!)).filter((e) => e.kind === 'booking_cancelled');
    expect(waiting.map((e) => e.title)).toEqual(['排队取消了：通知测试服务']);
    const mine = await rig.t.request('GET', `${base}/bookings/mine`, { token: await rig.t.loginAs(p[2]!) });
    expect(mine.body.waitlist).toEqual([]);
  });

  it('a closed day also sends booking_cancelled', async () => {
    const startsAt = slotAt(9, '15:00');
    await book(p[3]!, startsAt);
    const res = await rig.t.request('POST', `${base}/services/${serviceId}/exceptions`, {
      token: await rig.t.loginAs(a.cadre),
      headers: key(),
      body: { date: beijingDate(new Date(startsAt)), kind: 'closed', reason: '村里集体活动' },
    });
    expect(res.status).toBe(201);
    expect((await entriesOf(p[3]!)).map((e) => e.kind)).toEqual(['booking_cancelled']);
  });

  it('no booking event is filed under another kind', async () => {
    const rows = await rig.t.db
      .select({ kind: inboxEntries.kind, title: inboxEntries.title })
      .from(inboxEntries)
      .where(inArray(inboxEntries.userId, p));
    const expected: Record<string, NotifyKind> = {
      明天办事: 'booking_day_before',
      两小时后办事: 'booking_near',
      改好时间了: 'booking_rescheduled',
      有空位了: 'waitlist_offered',
      预约取消了: 'booking_cancelled',
      排队取消了: 'booking_cancelled',
    };
    expect(rows.length).toBeGreaterThanOrEqual(7);
    for (const r of rows) expect(r.kind).toBe(expected[r.title.split('：')[0]!]);
  });

  it('the notify job pushes each with its own template, opening 我的预约', async () => {
    for (const k of BOOKING_KINDS) await consentVia(rig, p[0]!, k);
    const r = await drainOutbox(rig.t.deps, { now: beijing(10, 0) });
    expect(r.failed).toBe(0);
    const mine = rig.fake.state.subscriptions.to(await openidOf(rig.t, p[0]!));
    expect(mine.map((d) => d.templateId).sort()).toEqual(BOOKING_KINDS.map((k) => templateOf(k).id).sort());
    for (const d of mine) expect(d.page).toBe(`/${BOOKINGS_PAGE}?villageId=${a.village.id}`);
    const cancelled = mine.find((d) => d.templateId === templateOf('booking_cancelled').id)!;
    expect(cancelled.data.thing1?.value).toBe('通知测试服务');
    expect(cancelled.data.thing3?.value).toContain('停电检修');
  });
});

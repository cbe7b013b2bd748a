/**
 * Services: the catalogue and slots (evening marked), booking (happy, retried, past, closed,
 * full, overlapping, another village's service), reschedule (into a full slot), cancel (someone
 * else's booking, the cut-off), bad input, and every route's refusals for every role and another
 * village.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  memberships,
  serviceBookings,
  serviceSlots,
  services,
  sessions,
} from '../../api/_db/schema';
import { RATELIMIT_POLICIES } from '../../api/_redis';
import { book as bookOp, cancelBooking, reschedule } from '../../api/_services/bookings';
import { listSlots } from '../../api/_services/slots';
import { beijingDate, weekdayOf } from '../../shared/services/rules';
import { expectRefusedForAllBut } from '../support/access';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';
import { createTestService, plainVillagers, slotAt } from '../support/services-fixtures';

const VILLAGE_MEMBERS = [
  'villager',
  'representative',
  'party_member',
  'grid_worker',
  'cadre',
  'supervisor',
] as const;

describe.skipIf(DB_UNAVAILABLE)('services: catalogue, slots and bookings', () => {
  let t: TestApp;
  let a: Actors;
  let base: string;
  let serviceId: string;
  let people: string[];
  const key = () => ({ 'idempotency-key': crypto.randomUUID() });

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}`;
    serviceId = await createTestService(t, a, { capacity: 2 });
    people = await plainVillagers(t.db, a.village.id, 8, [a.villager]);
  });
  afterAll(() => t.close());

  const book = async (
    userId: string,
    startsAt: string,
    o: { sid?: string; headers?: Record<string, string>; body?: object; villageId?: string } = {},
  ) =>
    t.request(
      'POST',
      `/api/villages/${o.villageId ?? a.village.id}/services/${o.sid ?? serviceId}/bookings`,
      {
        token: await t.loginAs(userId),
        headers: o.headers ?? key(),
        body: { startsAt, ...o.body },
      },
    );
  const slotRow = async (startsAt: string, sid = serviceId) =>
    (
      await t.db
        .select()
        .from(serviceSlots)
        .where(and(eq(serviceSlots.serviceId, sid), eq(serviceSlots.startsAt, new Date(startsAt))))
    )[0];

  describe('catalogue', () => {
    it('a villager sees the seeded services with what to bring, how long and who serves', async () => {
      const res = await t.request('GET', `${base}/services`, { token: await t.loginAs(a.villager) });
      expect(res.status).toBe(200);
      const names = res.body.items.map((s: { name: string }) => s.name);
      expect(names).toEqual(
        expect.arrayContaining([
          '社保认证',
          '证明开具',
          '医保缴费代办',
          '法律咨询',
          '农技指导',
          '宅基地申请咨询',
        ]),
      );
      const sb = res.body.items.find((s: { name: string }) => s.name === '社保认证');
      expect(sb).toMatchObject({
        materials: ['身份证', '社保卡'],
        durationMinutes: 10,
        bookable: true,
        hasEvening: true,
      });
      expect(sb.servedBy).toContain('陈秀英');
      const detail = await t.request('GET', `${base}/services/${sb.id}`, {
        token: await t.loginAs(a.villager),
      });
      expect(detail.status).toBe(200);
      expect(detail.body.hours).toContainEqual({ weekday: 3, start: '19:00', end: '21:00', capacity: 2 });
    });

    it('the seeded 社保认证 offers evening slots at 19:00 Beijing time, marked as evening', async () => {
      const list = await t.request('GET', `${base}/services`, { token: await t.loginAs(a.villager) });
      const sb = list.body.items.find((s: { name: string }) => s.name === '社保认证');
      const res = await t.request('GET', `${base}/services/${sb.id}/slots?days=7`, {
        token: await t.loginAs(a.villager),
      });
      expect(res.status).toBe(200);
      const evening = res.body.items.filter((s: { evening: boolean }) => s.evening);
      expect(evening.length).toBeGreaterThanOrEqual(6 * 4);
      expect(new Set(evening.map((s: { clock: string }) => s.clock))).toEqual(
        new Set(['19:00', '19:30', '20:00', '20:30']),
      );
      for (const s of evening) expect(new Date(s.startsAt).getUTCHours()).toBeGreaterThanOrEqual(10);
      expect(res.body.items.every((s: { startsAt: string }) => new Date(s.startsAt) > new Date())).toBe(true);
      expect(
        res.body.items.some((s: { evening: boolean; clock: string }) => !s.evening && s.clock === '09:00'),
      ).toBe(true);
    });

    it('another village’s catalogue and services are not found', async () => {
      const other = await t.db.select().from(services).where(eq(services.villageId, a.other.id));
      const token = await t.loginAs(a.villager);
      expect((await t.request('GET', `/api/villages/${a.other.id}/services`, { token })).status).toBe(404);
      expect((await t.request('GET', `${base}/services/${other[0]!.id}`, { token })).status).toBe(404);
      expect((await t.request('GET', `${base}/services/${other[0]!.id}/slots`, { token })).status).toBe(404);
    });
  });

  describe('book', () => {
    it('a villager books a slot: a 6-digit code, the ticked materials, the slot has one place less', async () => {
      const startsAt = slotAt(2, '19:00');
      const res = await book(people[0]!, startsAt, {
        body: { note: '带老伴一起', materialsChecked: ['身份证', '不存在的'] },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        serviceId,
        startsAt,
        evening: true,
        status: 'booked',
        note: '带老伴一起',
        materials: ['身份证', '户口本'],
        materialsChecked: ['身份证'],
        canChange: true,
      });
      expect(res.body.code).toMatch(/^\d{6}$/);
      expect(await slotRow(startsAt)).toMatchObject({ capacity: 2, booked: 1, held: 0 });
      const slots = await t.request('GET', `${base}/services/${serviceId}/slots?days=5`, {
        token: await t.loginAs(a.villager),
      });
      expect(slots.body.items.find((s: { startsAt: string }) => s.startsAt === startsAt)).toMatchObject({
        free: 1,
        status: 'open',
      });
      const [row] = await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'service.book'), eq(auditLog.targetId, res.body.id)));
      expect(row?.actorUserId).toBe(people[0]);
      const mine = await t.request('GET', `${base}/bookings/mine`, { token: await t.loginAs(people[0]!) });
      expect(mine.body.items.map((b: { id: string }) => b.id)).toContain(res.body.id);
    });

    it('a retried booking (same Idempotency-Key) returns the same booking and takes one place', async () => {
      const startsAt = slotAt(2, '09:00');
      const headers = key();
      const first = await book(people[1]!, startsAt, { headers });
      const again = await book(people[1]!, startsAt, { headers });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      expect(again.body.code).toBe(first.body.code);
      expect(again.headers.get('idempotent-replay')).toBe('true');
      const rows = await t.db.select().from(serviceBookings).where(eq(serviceBookings.userId, people[1]!));
      expect(rows).toHaveLength(1);
      expect((await slotRow(startsAt))!.booked).toBe(1);
    });

    it('copies of one booking request sent at once (one read for all of them) make one booking', async () => {
      const startsAt = slotAt(2, '10:00');
      const headers = key();
      const token = await t.loginAs(people[7]!);
      const path = `${base}/services/${serviceId}/bookings`;
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => t.request('POST', path, { token, headers, body: { startsAt } })),
      );
      expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      expect(new Set(answers.map((r) => r.body.id)).size).toBe(1);
      const rows = await t.db.select().from(serviceBookings).where(eq(serviceBookings.userId, people[7]!));
      expect(rows).toHaveLength(1);
      expect((await slotRow(startsAt))!.booked).toBe(1);
    });

    it('the last place, booked by many at once: one booking, the rest 已约满, copies of the winner get its booking', async () => {
      // A slot of one place: its own service, so that the others' places are not taken.
      const single = await createTestService(t, a, { name: '单人办事', capacity: 1 });
      const startsAt = slotAt(3, '09:00');
      const winnerKey = key();
      const tokens = await Promise.all(people.slice(0, 6).map((p) => t.loginAs(p)));
      const path = `${base}/services/${single}/bookings`;
      // Six villagers at once, the first of them tapping three times (the same request).
      const answers = await Promise.all([
        ...[0, 0, 0].map(() =>
          t.request('POST', path, { token: tokens[0], headers: winnerKey, body: { startsAt } }),
        ),
        ...tokens
          .slice(1)
          .map((token) => t.request('POST', path, { token, headers: key(), body: { startsAt } })),
      ]);
      const booked = answers.filter((r) => r.status === 201);
      const full = answers.filter((r) => r.status === 409);
      expect(booked.length + full.length).toBe(answers.length);
      expect(new Set(booked.map((r) => r.body.id)).size).toBe(1);
      expect(full.every((r) => r.body.error.code === 'SLOT_FULL' && r.body.error.message === '已约满')).toBe(
        true,
      );
      const rows = await t.db.select().from(serviceBookings).where(eq(serviceBookings.serviceId, single));
      expect(rows).toHaveLength(1);
      // Whoever won, every copy of that request got that booking.
      const winner = rows[0]!.userId;
      if (winner === people[0]) expect(answers.slice(0, 3).every((r) => r.status === 201)).toBe(true);
      else expect(booked).toHaveLength(1);
      expect((await slotRow(startsAt, single))!.booked).toBe(1);
      // The place freed, the next request gets it (nothing remembered the slot as full).
      const winnerToken = tokens[people.indexOf(winner)]!;
      const cancelled = await t.request('POST', `${base}/bookings/${rows[0]!.id}/cancel`, {
        token: winnerToken,
        headers: key(),
        body: {},
      });
      expect(cancelled.status).toBe(200);
      const other = people.slice(0, 6).find((p) => p !== winner)!;
      const next = await book(other, startsAt, { sid: single });
      expect(next.status).toBe(201);
    });

    it('bookings queued behind the one that takes the last place get 已约满 without waiting for their rate limit', async () => {
      const single = await createTestService(t, a, { name: '单人限流', capacity: 1 });
      const startsAt = slotAt(4, '10:00');
      const input = { startsAt, note: '', materialsChecked: [] };
      let admitted = 0;
      const caller = (userId: string) => ({
        userId,
        villageId: a.village.id,
        requestId: 'test',
        serviceId: single,
      });
      // The first one's limit answers after 50 ms; the others' never would.
      const first = bookOp(
        t.db,
        {
          ...caller(people[0]!),
          admit: () => new Promise<void>((r) => setTimeout(() => r(void admitted++), 50)),
        },
        input,
      );
      const rest = people
        .slice(1, 6)
        .map((p) => bookOp(t.db, { ...caller(p), admit: () => new Promise<void>(() => {}) }, input));
      const [won, ...lost] = await Promise.all([first, ...rest]);
      expect(won!.ok).toBe(true);
      expect(lost.map((o) => (o.ok ? 'booked' : o.error.code))).toEqual(new Array(5).fill('SLOT_FULL'));
      expect(admitted).toBe(1);
      const rows = await t.db.select().from(serviceBookings).where(eq(serviceBookings.serviceId, single));
      expect(rows.map((r) => r.userId)).toEqual([people[0]]);
    });

    it('the calendar follows every change at once: a booking, a cancellation, time passing, new hours, a closed day', async () => {
      const sid = await createTestService(t, a, { name: '日历办事', capacity: 1 });
      const day = beijingDate(new Date(slotAt(8, '09:00')));
      const calendar = async (now?: Date) => {
        const res = await listSlots(t.db, a.village.id, sid, { from: day, days: '1' }, now);
        if (!res.ok) throw new Error(res.error.code);
        return res.value.items;
      };
      const at = slotAt(8, '09:00');
      const entry = async () => (await calendar()).find((x) => x.startsAt === at);
      expect(await entry()).toMatchObject({ free: 1, status: 'open' });
      expect(await entry()).toMatchObject({ free: 1, status: 'open' }); // the same answer again
      const made = await book(people[2]!, at, { sid });
      expect(made.status).toBe(201);
      expect(await entry()).toMatchObject({ free: 0, status: 'full' });
      const cancelled = await t.request('POST', `${base}/bookings/${made.body.id}/cancel`, {
        token: await t.loginAs(people[2]!),
        headers: key(),
      });
      expect(cancelled.status).toBe(200);
      expect(await entry()).toMatchObject({ free: 1, status: 'open' });
      // Time passing: a slot that has started is no longer offered.
      const all = await calendar(new Date(Date.parse(at) - 60_000));
      const later = await calendar(new Date(Date.parse(at) + 60_000));
      expect(all.some((x) => x.startsAt === at)).toBe(true);
      expect(later.some((x) => x.startsAt === at)).toBe(false);
      expect(later.length).toBeLessThan(all.length);
      // New weekly hours: the calendar is made from them at once (the slots made from the old
      // hours are not kept).
      const rehours = await t.request('PUT', `${base}/services/${sid}/hours`, {
        token: await t.loginAs(a.cadre),
        headers: key(),
        body: {
          hours: [{ weekday: weekdayOf(day), start: '19:00', end: '20:00', capacity: 3 }],
          cutoffMinutes: 60,
        },
      });
      expect(rehours.status).toBe(200);
      expect((await calendar()).map((x) => [x.clock, x.free, x.evening])).toEqual([
        ['19:00', 3, true],
        ['19:30', 3, true],
      ]);
      // The village closes that day: no slots at all.
      const closed = await t.request('POST', `${base}/services/${sid}/exceptions`, {
        token: await t.loginAs(a.cadre),
        headers: key(),
        body: { date: day, kind: 'closed', reason: '村干部外出' },
      });
      expect(closed.status).toBe(201);
      expect(await calendar()).toEqual([]);
    });

    it('calendar reads answered together share one answer, made into JSON once, and the next read sees a booking', async () => {
      const sid = await createTestService(t, a, { name: '同读办事', capacity: 1 });
      const at = slotAt(8, '10:00');
      const day = beijingDate(new Date(at));
      const token = await t.loginAs(people[3]!);
      const read = () => t.request('GET', `${base}/services/${sid}/slots?from=${day}&days=1`, { token });
      const together = await Promise.all(Array.from({ length: 6 }, read));
      for (const res of together) {
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('application/json');
        expect(res.body).toEqual(together[0]!.body);
      }
      expect(together[0]!.body.items.find((x: { startsAt: string }) => x.startsAt === at)).toMatchObject({
        free: 1,
        status: 'open',
      });
      expect((await book(people[3]!, at, { sid })).status).toBe(201);
      const after = await Promise.all([read(), read()]);
      for (const res of after) {
        expect(res.body.items.find((x: { startsAt: string }) => x.startsAt === at)).toMatchObject({
          free: 0,
          status: 'full',
        });
      }
    });

    it('a malformed Idempotency-Key is refused before anything is written', async () => {
      const startsAt = slotAt(2, '11:00');
      const res = await book(people[6]!, startsAt, { headers: { 'idempotency-key': 'no spaces!' } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: 'Idempotency-Key 格式不对',
      });
      expect(
        await t.db.select().from(serviceBookings).where(eq(serviceBookings.userId, people[6]!)),
      ).toHaveLength(0);
    });

    it('a full slot answers SLOT_FULL 已约满 and stays at capacity', async () => {
      const startsAt = slotAt(3, '10:00');
      expect((await book(people[2]!, startsAt)).status).toBe(201);
      expect((await book(people[3]!, startsAt)).status).toBe(201);
      const full = await book(people[4]!, startsAt);
      expect(full.status).toBe(409);
      expect(full.body.error).toMatchObject({ code: 'SLOT_FULL', message: '已约满' });
      expect(await slotRow(startsAt)).toMatchObject({ booked: 2, capacity: 2 });
    });

    it('a past slot is refused (SLOT_PAST); a time the service is not open is refused (SLOT_CLOSED)', async () => {
      const past = await book(people[5]!, slotAt(-1, '09:00'));
      expect(past.status).toBe(409);
      expect(past.body.error.code).toBe('SLOT_PAST');
      const night = await book(people[5]!, slotAt(2, '03:00'));
      expect(night.body.error.code).toBe('SLOT_CLOSED');
      const offGrid = await book(people[5]!, slotAt(2, '09:10'));
      expect(offGrid.body.error.code).toBe('SLOT_CLOSED');
      const farAway = await book(people[5]!, slotAt(60, '09:00'));
      expect(farAway.body.error.code).toBe('SLOT_CLOSED');
      expect(
        await t.db.select().from(serviceBookings).where(eq(serviceBookings.userId, people[5]!)),
      ).toHaveLength(0);
    });

    it('a day the village closed is refused (SLOT_CLOSED) and shows no slots', async () => {
      const token = await t.loginAs(a.cadre);
      const day = beijingDate(new Date(slotAt(4, '12:00')));
      const res = await t.request('POST', `${base}/services/${serviceId}/exceptions`, {
        token,
        headers: key(),
        body: { date: day, kind: 'closed', reason: '村里开会' },
      });
      expect(res.status).toBe(201);
      const refused = await book(people[5]!, slotAt(4, '09:00'));
      expect(refused.body.error.code).toBe('SLOT_CLOSED');
      const slots = await t.request('GET', `${base}/services/${serviceId}/slots?from=${day}&days=1`, {
        token,
      });
      expect(slots.body.items).toEqual([]);
    });

    it('one villager cannot hold overlapping bookings, in any service (BOOKING_OVERLAP)', async () => {
      const startsAt = slotAt(5, '09:00');
      expect((await book(people[5]!, startsAt)).status).toBe(201);
      const same = await book(people[5]!, startsAt);
      expect(same.body.error.code).toBe('BOOKING_OVERLAP');
      const other = await createTestService(t, a, { capacity: 5 });
      const cross = await book(people[5]!, startsAt, { sid: other });
      expect(cross.status).toBe(409);
      expect(cross.body.error.code).toBe('BOOKING_OVERLAP');
      expect((await book(people[5]!, slotAt(5, '09:30'), { sid: other })).status).toBe(201);
      expect((await slotRow(startsAt))!.booked).toBe(1);
    });

    it('the overlap constraint itself refuses a second active booking at an overlapping time', async () => {
      const [b] = await t.db
        .select()
        .from(serviceBookings)
        .where(eq(serviceBookings.userId, people[5]!))
        .limit(1);
      await expect(
        t.db
          .insert(serviceBookings)
          .values({ ...b!, id: crypto.randomUUID(), code: '999999', requestKey: null }),
      ).rejects.toThrow();
    });

    it('another village’s service cannot be booked: not found, nothing written', async () => {
      const [yl] = await t.db.select().from(services).where(eq(services.villageId, a.other.id)).limit(1);
      const viaMine = await book(people[6]!, slotAt(2, '19:00'), { sid: yl!.id });
      expect(viaMine.status).toBe(404);
      const viaTheirs = await book(people[6]!, slotAt(2, '19:00'), { sid: yl!.id, villageId: a.other.id });
      expect(viaTheirs.status).toBe(404);
      const outsider = await book(a.outsider, slotAt(2, '19:00'));
      expect(outsider.status).toBe(404);
      expect(
        await t.db.select().from(serviceBookings).where(eq(serviceBookings.userId, people[6]!)),
      ).toHaveLength(0);
    });

    it('an errand-only request on a bookable service, or booking an errand-only service, says SERVICE_NOT_OFFERED', async () => {
      const res = await t.request('POST', `${base}/services/${serviceId}/errands`, {
        token: await t.loginAs(people[6]!),
        headers: key(),
        body: { note: '帮我办一下' },
      });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('SERVICE_NOT_OFFERED');
      const [s] = await t.db
        .insert(services)
        .values({ villageId: a.village.id, name: '只代办', bookable: false, errand: true })
        .returning();
      const b = await book(people[6]!, slotAt(2, '10:00'), { sid: s!.id });
      expect(b.body.error.code).toBe('SERVICE_NOT_OFFERED');
    });

    it('bad input is VALIDATION_FAILED, never a 500', async () => {
      for (const body of [
        { startsAt: 'tomorrow' },
        { startsAt: slotAt(2, '10:00'), note: 'x'.repeat(201) },
        { startsAt: slotAt(2, '10:00'), extra: 1 },
        {},
      ]) {
        const res = await t.request('POST', `${base}/services/${serviceId}/bookings`, {
          token: await t.loginAs(people[6]!),
          headers: key(),
          body,
        });
        expect({ body, status: res.status, code: res.body.error?.code }).toEqual({
          body,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
      const badId = await t.request('POST', `${base}/services/not-a-uuid/bookings`, {
        token: await t.loginAs(people[6]!),
        body: { startsAt: slotAt(2, '10:00') },
      });
      expect(badId.status).toBe(400);
    });
    it('the read a booking starts before its session is checked is never used for a refused session', async () => {
      const [who] = await plainVillagers(t.db, a.village.id, 1, [a.villager, ...people]);
      // A session of its own (not loginAs's shared one), signed out.
      const login = await t.request('POST', '/api/auth/dev', { body: { userId: who } });
      const token = login.body.token as string;
      await t.request('POST', '/api/auth/logout', { token });
      const startsAt = slotAt(7, '09:00');
      const path = `${base}/services/${serviceId}/bookings`;
      const answers = await Promise.all(
        [0, 1, 2].map(() => t.request('POST', path, { token, headers: key(), body: { startsAt } })),
      );
      expect(answers.map((r) => r.status)).toEqual([401, 401, 401]);
      expect(await t.db.select().from(serviceBookings).where(eq(serviceBookings.userId, who!))).toHaveLength(
        0,
      );
      // Ids or a time it cannot read get no early read; the request is refused as before.
      const bad = await t.request('POST', `${base}/services/not-a-uuid/bookings`, {
        token: await t.loginAs(people[5]!),
        headers: key(),
        body: { startsAt: 'tomorrow' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    });

    it('the session check made by the booking read is current: an expired session, a villager who left', async () => {
      const [, expired, left] = await plainVillagers(t.db, a.village.id, 3, [a.villager, ...people]);
      const path = `${base}/services/${serviceId}/bookings`;
      const own = async (userId: string) =>
        (await t.request('POST', '/api/auth/dev', { body: { userId } })).body.token as string;
      // Expired in the database while the token itself is still valid: 401, nothing written.
      const expiredToken = await own(expired!);
      await t.db
        .update(sessions)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(sessions.userId, expired!));
      const e = await t.request('POST', path, {
        token: expiredToken,
        headers: key(),
        body: { startsAt: slotAt(7, '10:00') },
      });
      expect([e.status, e.body.error?.code]).toEqual([401, 'TOKEN_INVALID']);
      // Moved to another village after signing in: this village's service is not found for them.
      const leftToken = await own(left!);
      const before = await t.request('POST', path, {
        token: leftToken,
        headers: key(),
        body: { startsAt: slotAt(7, '11:00') },
      });
      expect(before.status).toBe(201);
      await t.db
        .update(memberships)
        .set({ villageId: a.other.id })
        .where(and(eq(memberships.userId, left!), eq(memberships.villageId, a.village.id)));
      const after = await t.request('POST', path, {
        token: leftToken,
        headers: key(),
        body: { startsAt: slotAt(7, '12:00') },
      });
      expect([after.status, after.body.error?.code]).toEqual([404, 'NOT_FOUND']);
      const rows = await t.db.select().from(serviceBookings).where(eq(serviceBookings.serviceId, serviceId));
      expect(rows.filter((r) => r.userId === expired)).toHaveLength(0);
      expect(rows.filter((r) => r.userId === left).map((r) => r.startsAt.toISOString())).toEqual([
        slotAt(7, '11:00'),
      ]);
    });

    it('booking is rate limited per person: past the limit a 429 with Retry-After, nothing written', async () => {
      const [busy] = await plainVillagers(t.db, a.village.id, 1, [a.villager, ...people]);
      const { limit } = RATELIMIT_POLICIES['write:default'];
      const token = await t.loginAs(busy!);
      const gone = `${base}/services/${crypto.randomUUID()}/bookings`; // every request spends a token
      const startsAt = slotAt(2, '09:00');
      for (let i = 0; i < limit; i++) {
        const r = await t.request('POST', gone, { token, headers: key(), body: { startsAt } });
        expect(r.status).toBe(404);
      }
      const over = await book(busy!, startsAt);
      expect(over.status).toBe(429);
      expect(over.body.error.code).toBe('RATE_LIMITED');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      // An answer that writes nothing is not held back for the limit: a full slot still says 已约满.
      const full = await book(busy!, slotAt(3, '10:00')); // filled above
      expect(full.status).toBe(409);
      expect(full.body.error.code).toBe('SLOT_FULL');
      const mine = await t.db.select().from(serviceBookings).where(eq(serviceBookings.userId, busy!));
      expect(mine).toHaveLength(0);
      // A revoked session is refused as such (401), not as limited.
      await t.request('POST', '/api/auth/logout', { token });
      expect((await t.request('POST', gone, { token, headers: key(), body: { startsAt } })).status).toBe(401);
    });
  });

  describe('reschedule and cancel', () => {
    it('reschedules to a free slot: the old place is freed, the new one taken', async () => {
      const from = slotAt(6, '09:00');
      const to = slotAt(6, '19:30');
      const b = await book(people[6]!, from);
      const res = await t.request('POST', `${base}/bookings/${b.body.id}/reschedule`, {
        token: await t.loginAs(people[6]!),
        headers: key(),
        body: { startsAt: to },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: b.body.id, code: b.body.code, startsAt: to, evening: true });
      expect((await slotRow(from))!.booked).toBe(0);
      expect((await slotRow(to))!.booked).toBe(1);
    });

    it('rescheduling into a full slot is SLOT_FULL and changes nothing', async () => {
      const full = slotAt(3, '10:00'); // filled above
      const mine = slotAt(6, '10:30');
      const b = await book(people[7]!, mine);
      const res = await t.request('POST', `${base}/bookings/${b.body.id}/reschedule`, {
        token: await t.loginAs(people[7]!),
        headers: key(),
        body: { startsAt: full },
      });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('SLOT_FULL');
      expect((await slotRow(full))!.booked).toBe(2);
      expect((await slotRow(mine))!.booked).toBe(1);
      const [row] = await t.db.select().from(serviceBookings).where(eq(serviceBookings.id, b.body.id));
      expect(row!.startsAt.toISOString()).toBe(mine);
      const past = await t.request('POST', `${base}/bookings/${b.body.id}/reschedule`, {
        token: await t.loginAs(people[7]!),
        headers: key(),
        body: { startsAt: slotAt(-2, '10:00') },
      });
      expect(past.body.error.code).toBe('SLOT_PAST');
    });

    it('someone else’s booking cannot be cancelled or moved: not found, untouched', async () => {
      const [b] = await t.db.select().from(serviceBookings).where(eq(serviceBookings.userId, people[7]!));
      for (const who of [people[0]!, a.cadre, a.outsider]) {
        const token = await t.loginAs(who);
        const cancel = await t.request('POST', `${base}/bookings/${b!.id}/cancel`, { token, headers: key() });
        expect(cancel.status).toBe(404);
        const move = await t.request('POST', `${base}/bookings/${b!.id}/reschedule`, {
          token,
          headers: key(),
          body: { startsAt: slotAt(6, '11:00') },
        });
        expect(move.status).toBe(404);
      }
      const [after] = await t.db.select().from(serviceBookings).where(eq(serviceBookings.id, b!.id));
      expect(after!.status).toBe('booked');
    });

    it('the owner cancels: the place is free again; cancelling twice is CONFLICT', async () => {
      const [b] = await t.db.select().from(serviceBookings).where(eq(serviceBookings.userId, people[7]!));
      const token = await t.loginAs(people[7]!);
      const res = await t.request('POST', `${base}/bookings/${b!.id}/cancel`, { token, headers: key() });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('cancelled');
      expect((await slotRow(b!.startsAt.toISOString()))!.booked).toBe(0);
      const again = await t.request('POST', `${base}/bookings/${b!.id}/cancel`, { token, headers: key() });
      expect(again.body.error.code).toBe('CONFLICT');
    });

    it('within the cut-off a booking can no longer be cancelled or moved (CUTOFF_PASSED)', async () => {
      const startsAt = slotAt(7, '09:00');
      const b = await book(people[7]!, startsAt);
      const late = new Date(new Date(startsAt).getTime() - 30 * 60_000);
      const c = { userId: people[7]!, villageId: a.village.id, requestId: 'test', bookingId: b.body.id };
      const cancel = await cancelBooking(t.db, c, late);
      expect(cancel.ok ? null : cancel.error.code).toBe('CUTOFF_PASSED');
      const move = await reschedule(t.db, c, slotAt(7, '10:00'), late);
      expect(move.ok ? null : move.error.code).toBe('CUTOFF_PASSED');
      const early = new Date(new Date(startsAt).getTime() - 61 * 60_000);
      expect((await cancelBooking(t.db, c, early)).ok).toBe(true);
    });
  });

  describe('refusals for every role and another village', () => {
    it('reading the catalogue, slots and my bookings: members only', async () => {
      for (const path of [
        `${base}/services`,
        `${base}/services/${serviceId}`,
        `${base}/services/${serviceId}/slots`,
        `${base}/bookings/mine`,
      ]) {
        await expectRefusedForAllBut(t, a, [...VILLAGE_MEMBERS], async (token) =>
          t.request('GET', path, { token }),
        );
      }
    });

    it('booking, waitlist, errands, reschedule, cancel: villagers of this village only', async () => {
      const startsAt = slotAt(8, '09:00');
      const [b] = await t.db.select().from(serviceBookings).where(eq(serviceBookings.userId, people[0]!));
      const calls: [string, object | undefined][] = [
        [`${base}/services/${serviceId}/bookings`, { startsAt }],
        [`${base}/services/${serviceId}/waitlist`, { startsAt }],
        [`${base}/services/${serviceId}/errands`, { note: '帮我办' }],
        [`${base}/bookings/${b!.id}/reschedule`, { startsAt }],
        [`${base}/bookings/${b!.id}/cancel`, undefined],
        [`${base}/waitlist/${crypto.randomUUID()}/accept`, undefined],
        [`${base}/waitlist/${crypto.randomUUID()}/leave`, undefined],
      ];
      for (const [path, body] of calls) {
        const checked = await expectRefusedForAllBut(t, a, [...VILLAGE_MEMBERS], async (token) =>
          t.request('POST', path, { token, headers: key(), body }),
        );
        expect(checked).toEqual(['town_officer', 'county_officer', 'outsider', 'newcomer']);
      }
    });

    it('hours, exceptions, new services, slot cancel and the desk: cadres only', async () => {
      const date = beijingDate(new Date(slotAt(9, '12:00')));
      const calls: [string, string, object | undefined][] = [
        ['POST', `${base}/services`, { name: '不该建成' }],
        ['PUT', `${base}/services/${serviceId}/hours`, { hours: [] }],
        ['POST', `${base}/services/${serviceId}/exceptions`, { date, kind: 'closed', reason: '测试' }],
        ['DELETE', `${base}/services/${serviceId}/exceptions/${crypto.randomUUID()}`, undefined],
        [
          'POST',
          `${base}/services/${serviceId}/slots/cancel`,
          { startsAt: slotAt(9, '09:00'), reason: '测试' },
        ],
        ['GET', `${base}/service-desk`, undefined],
        ['POST', `${base}/service-desk/check-in`, { code: '123456' }],
        ['POST', `${base}/service-desk/bookings/${crypto.randomUUID()}`, { action: 'check_in' }],
      ];
      for (const [method, path, body] of calls) {
        await expectRefusedForAllBut(t, a, ['cadre'], async (token) =>
          t.request(method, path, { token, headers: method === 'GET' ? {} : key(), body }),
        );
      }
      // Nothing changed: the refused calls wrote nothing.
      const detail = await t.request('GET', `${base}/services/${serviceId}`, {
        token: await t.loginAs(a.cadre),
      });
      expect(detail.body.hours).toHaveLength(7);
      expect(detail.body.exceptions.filter((e: { reason: string }) => e.reason === '测试')).toEqual([]);
    });

    it('a cadre of another village cannot touch this village’s hours or desk', async () => {
      const token = await t.loginAs(a.outsider);
      const res = await t.request('PUT', `${base}/services/${serviceId}/hours`, {
        token,
        headers: key(),
        body: { hours: [] },
      });
      expect(res.status).toBe(404);
      const [yl] = await t.db.select().from(services).where(eq(services.villageId, a.other.id)).limit(1);
      const cross = await t.request('PUT', `/api/villages/${a.other.id}/services/${serviceId}/hours`, {
        token,
        headers: key(),
        body: { hours: [] },
      });
      expect(cross.status).toBe(404);
      expect(yl).toBeTruthy();
    });
  });
});

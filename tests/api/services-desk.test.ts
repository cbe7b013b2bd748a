/**
 * Services at the desk and around it: the day view, check-in by code and by name (from the list),
 * done, no-show (repeated ones visible, nothing refused), a slot cancelled by the village (people
 * told, next free slots offered), the waitlist with a time-limited offer, 代办 as a matter, and
 * the reminders job (day before, two hours before, once each) on a controlled clock plus its
 * cron endpoint.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inboxEntries,
  matters,
  outbox,
  serviceBookings,
  serviceSlots,
  serviceWaitlist,
  services,
} from '../../api/_db/schema';
import { book as bookOp } from '../../api/_services/bookings';
import { deskAction } from '../../api/_services/desk';
import { runServicesJob } from '../../api/_services/jobs';
import { beijingDate } from '../../shared/services/rules';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';
import { createTestService, plainVillagers, slotAt } from '../support/services-fixtures';

const CRON_SECRET = 'services-cron-secret-for-tests';

describe.skipIf(DB_UNAVAILABLE)('services: desk, slot cancel, waitlist, errands, reminders', () => {
  let t: TestApp;
  let a: Actors;
  let base: string;
  let serviceId: string;
  let people: string[];
  const key = () => ({ 'idempotency-key': crypto.randomUUID() });

  beforeAll(async () => {
    t = await createTestApp({ env: { CRON_SECRET } });
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}`;
    serviceId = await createTestService(t, a, { capacity: 2, name: '证明开具测试' });
    people = await plainVillagers(t.db, a.village.id, 10, [a.villager]);
  });
  afterAll(() => t.close());

  const book = async (userId: string, startsAt: string, sid = serviceId) => {
    const res = await t.request('POST', `${base}/services/${sid}/bookings`, {
      token: await t.loginAs(userId),
      headers: key(),
      body: { startsAt },
    });
    return res;
  };
  const staff = async () => t.loginAs(a.cadre);
  const inbox = async (userId: string) =>
    t.db.select().from(inboxEntries).where(eq(inboxEntries.userId, userId));

  describe('desk', () => {
    let code: string;
    let bookingId: string;
    const startsAt = slotAt(1, '19:30');

    it('the day view lists the day’s bookings with the villager’s name, masked phone and no-shows', async () => {
      const b = await book(people[0]!, startsAt);
      expect(b.status).toBe(201);
      code = b.body.code;
      bookingId = b.body.id;
      const date = beijingDate(new Date(startsAt));
      const res = await t.request('GET', `${base}/service-desk?date=${date}`, { token: await staff() });
      expect(res.status).toBe(200);
      const entry = res.body.items.find((i: { id: string }) => i.id === bookingId);
      expect(entry).toMatchObject({
        code,
        status: 'booked',
        evening: true,
        noShows: 0,
        repeatedNoShow: false,
      });
      expect(entry.villagerName.length).toBeGreaterThan(1);
      if (entry.villagerPhone) expect(entry.villagerPhone).toMatch(/\*\*\*\*/);
      const other = await t.request('GET', `${base}/service-desk?date=2020-01-01`, { token: await staff() });
      expect(other.body.items).toEqual([]);
    });

    it('check-in by booking code, then done; a wrong code is not found; a repeat is refused', async () => {
      const wrong = await t.request('POST', `${base}/service-desk/check-in`, {
        token: await staff(),
        headers: key(),
        body: { code: code === '111111' ? '222222' : '111111' },
      });
      expect(wrong.status).toBe(404);
      const res = await t.request('POST', `${base}/service-desk/check-in`, {
        token: await staff(),
        headers: key(),
        body: { code },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: bookingId, status: 'checked_in', canChange: false });
      const again = await t.request('POST', `${base}/service-desk/check-in`, {
        token: await staff(),
        headers: key(),
        body: { code },
      });
      expect(again.status).toBe(404);
      const done = await t.request('POST', `${base}/service-desk/bookings/${bookingId}`, {
        token: await staff(),
        headers: key(),
        body: { action: 'done' },
      });
      expect(done.body.status).toBe('done');
      const noShowAfterDone = await t.request('POST', `${base}/service-desk/bookings/${bookingId}`, {
        token: await staff(),
        headers: key(),
        body: { action: 'no_show' },
      });
      expect(noShowAfterDone.status).toBe(409);
      expect(noShowAfterDone.body.error.code).toBe('TRANSITION_NOT_ALLOWED');
      // The villager cannot cancel what was done.
      const cancel = await t.request('POST', `${base}/bookings/${bookingId}/cancel`, {
        token: await t.loginAs(people[0]!),
        headers: key(),
      });
      expect(cancel.status).toBe(409);
    });

    it('check-in by name: the desk picks the booking from the day list', async () => {
      const b = await book(people[1]!, startsAt);
      const date = beijingDate(new Date(startsAt));
      const day = await t.request('GET', `${base}/service-desk?date=${date}`, { token: await staff() });
      const entry = day.body.items.find(
        (i: { villagerName: string; status: string }) => i.status === 'booked',
      );
      expect(entry.id).toBe(b.body.id);
      const res = await t.request('POST', `${base}/service-desk/bookings/${entry.id}`, {
        token: await staff(),
        headers: key(),
        body: { action: 'check_in' },
      });
      expect(res.body.status).toBe('checked_in');
    });

    it('no-show only once the slot started; repeated no-shows are shown, and the villager can still book', async () => {
      const staffCtx = { userId: a.cadre, villageId: a.village.id, requestId: 'test' };
      const b1 = await book(people[2]!, slotAt(2, '08:00'));
      const early = await deskAction(t.db, staffCtx, b1.body.id, 'no_show');
      expect(early.ok ? null : early.error.code).toBe('TRANSITION_NOT_ALLOWED');
      const later = new Date(Date.now() + 10 * 86400_000);
      expect((await deskAction(t.db, staffCtx, b1.body.id, 'no_show', later)).ok).toBe(true);
      const b2 = await book(people[2]!, slotAt(2, '09:00'));
      const second = await deskAction(t.db, staffCtx, b2.body.id, 'no_show', later);
      expect(second.ok && second.value).toMatchObject({
        status: 'no_show',
        noShows: 2,
        repeatedNoShow: true,
      });
      const b3 = await book(people[2]!, slotAt(2, '10:00'));
      expect(b3.status).toBe(201);
      const day = await t.request(
        'GET',
        `${base}/service-desk?date=${beijingDate(new Date(slotAt(2, '10:00')))}`,
        { token: await staff() },
      );
      const entry = day.body.items.find((i: { id: string }) => i.id === b3.body.id);
      expect(entry).toMatchObject({ noShows: 2, repeatedNoShow: true, status: 'booked' });
    });

    it('another village’s booking is not found at this desk', async () => {
      const res = await t.request('POST', `/api/villages/${a.other.id}/service-desk/bookings/${bookingId}`, {
        token: await t.loginAs(a.outsider),
        headers: key(),
        body: { action: 'check_in' },
      });
      expect(res.status).toBe(404);
    });
  });

  describe('a slot cancelled by the village', () => {
    it('cancels its bookings, tells everyone booked and offers the next free slots; the slot cannot be booked', async () => {
      const startsAt = slotAt(3, '14:00');
      const b1 = await book(people[3]!, startsAt);
      const b2 = await book(people[4]!, startsAt);
      const res = await t.request('POST', `${base}/services/${serviceId}/slots/cancel`, {
        token: await staff(),
        headers: key(),
        body: { startsAt, reason: '干部去镇里开会' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ cancelled: 2, notified: 2 });
      for (const [who, id] of [
        [people[3]!, b1.body.id],
        [people[4]!, b2.body.id],
      ]) {
        const [row] = await t.db.select().from(serviceBookings).where(eq(serviceBookings.id, id));
        expect(row).toMatchObject({
          status: 'cancelled',
          cancelReason: '干部去镇里开会',
          cancelledBy: a.cadre,
        });
        const entries = (await inbox(who)).filter(
          (e) => e.kind === 'booking_cancelled' && e.title.includes('预约取消了'),
        );
        expect(entries).toHaveLength(1);
        expect(entries[0]!.summary).toContain('干部去镇里开会');
        expect(entries[0]!.summary).toMatch(/可以改约：.+月.+日/);
      }
      const again = await book(people[5]!, startsAt);
      expect(again.body.error.code).toBe('SLOT_CLOSED');
      const slots = await t.request('GET', `${base}/services/${serviceId}/slots?days=5`, {
        token: await staff(),
      });
      expect(slots.body.items.find((s: { startsAt: string }) => s.startsAt === startsAt)).toMatchObject({
        status: 'cancelled',
        free: 0,
      });
    });

    it('an exception can be removed again; another service’s exception id is not found', async () => {
      const token = await staff();
      const date = beijingDate(new Date(slotAt(9, '12:00')));
      const added = await t.request('POST', `${base}/services/${serviceId}/exceptions`, {
        token,
        headers: key(),
        body: { date, kind: 'extra', start: '21:00', end: '22:00', capacity: 3, reason: '加开夜间' },
      });
      expect(added.status).toBe(201);
      const ex = added.body.exceptions.find((e: { reason: string }) => e.reason === '加开夜间');
      const slots = await t.request('GET', `${base}/services/${serviceId}/slots?from=${date}&days=1`, {
        token,
      });
      expect(
        slots.body.items.filter(
          (s: { clock: string; evening: boolean; capacity: number }) =>
            s.clock >= '21:00' && s.evening && s.capacity === 3,
        ),
      ).toHaveLength(2);
      const [other] = await t.db
        .select()
        .from(services)
        .where(and(eq(services.villageId, a.village.id), eq(services.name, '社保认证')));
      const wrong = await t.request('DELETE', `${base}/services/${other!.id}/exceptions/${ex.id}`, {
        token,
        headers: key(),
      });
      expect(wrong.status).toBe(404);
      const gone = await t.request('DELETE', `${base}/services/${serviceId}/exceptions/${ex.id}`, {
        token,
        headers: key(),
      });
      expect(gone.status).toBe(200);
      expect(gone.body.exceptions.some((e: { id: string }) => e.id === ex.id)).toBe(false);
    });

    it('closing part of a day with an exception cancels the booked slots in it', async () => {
      const startsAt = slotAt(3, '16:00');
      await book(people[5]!, startsAt);
      const res = await t.request('POST', `${base}/services/${serviceId}/exceptions`, {
        token: await staff(),
        headers: key(),
        body: {
          date: beijingDate(new Date(startsAt)),
          kind: 'closed',
          start: '15:30',
          end: '17:00',
          reason: '停电',
        },
      });
      expect(res.status).toBe(201);
      expect(res.body.cancelledBookings).toBe(1);
      expect((await inbox(people[5]!)).some((e) => e.summary.includes('停电'))).toBe(true);
    });
  });

  describe('waitlist', () => {
    const startsAt = slotAt(4, '19:00');
    let entryC: string;
    let entryD: string;

    it('a full slot can be waitlisted, in order; a slot with room cannot', async () => {
      const room = await t.request('POST', `${base}/services/${serviceId}/waitlist`, {
        token: await t.loginAs(people[6]!),
        headers: key(),
        body: { startsAt },
      });
      expect(room.body.error.code).toBe('CONFLICT');
      await book(people[0]!, startsAt);
      await book(people[1]!, startsAt);
      const c = await t.request('POST', `${base}/services/${serviceId}/waitlist`, {
        token: await t.loginAs(people[6]!),
        headers: key(),
        body: { startsAt },
      });
      expect(c.status).toBe(201);
      expect(c.body).toMatchObject({ status: 'waiting', position: 1, evening: true });
      const d = await t.request('POST', `${base}/services/${serviceId}/waitlist`, {
        token: await t.loginAs(people[7]!),
        headers: key(),
        body: { startsAt },
      });
      expect(d.body.position).toBe(2);
      entryC = c.body.id;
      entryD = d.body.id;
    });

    it('a cancellation offers the place to the first on the list, held for them; others still see it full', async () => {
      const [b] = await t.db
        .select()
        .from(serviceBookings)
        .where(and(eq(serviceBookings.userId, people[0]!), eq(serviceBookings.startsAt, new Date(startsAt))));
      const res = await t.request('POST', `${base}/bookings/${b!.id}/cancel`, {
        token: await t.loginAs(people[0]!),
        headers: key(),
      });
      expect(res.status).toBe(200);
      const [slot] = await t.db.select().from(serviceSlots).where(eq(serviceSlots.id, b!.slotId));
      expect(slot).toMatchObject({ booked: 1, held: 1 });
      const mine = await t.request('GET', `${base}/bookings/mine`, { token: await t.loginAs(people[6]!) });
      const offer = mine.body.waitlist.find((w: { id: string }) => w.id === entryC);
      expect(offer.status).toBe('offered');
      expect(new Date(offer.offerExpiresAt).getTime() - Date.now()).toBeLessThanOrEqual(30 * 60_000);
      expect((await inbox(people[6]!)).some((e) => e.title.startsWith('有空位了'))).toBe(true);
      const other = await book(people[8]!, startsAt);
      expect(other.body.error.code).toBe('SLOT_FULL');
    });

    it('an offer not taken in time passes to the next person (services job, clock moved on)', async () => {
      const r = await runServicesJob(t.deps, { now: new Date(Date.now() + 31 * 60_000) });
      expect(r.offersExpired).toBe(1);
      const [c] = await t.db.select().from(serviceWaitlist).where(eq(serviceWaitlist.id, entryC));
      const [d] = await t.db.select().from(serviceWaitlist).where(eq(serviceWaitlist.id, entryD));
      expect(c!.status).toBe('expired');
      expect(d!.status).toBe('offered');
      const again = await runServicesJob(t.deps, { now: new Date(Date.now() + 31 * 60_000) });
      expect(again.offersExpired).toBe(0);
      const late = await t.request('POST', `${base}/waitlist/${entryC}/accept`, {
        token: await t.loginAs(people[6]!),
        headers: key(),
      });
      expect(late.body.error.code).toBe('CONFLICT');
    });

    it('leaving the waitlist: a waiting place is gone; leaving twice is CONFLICT', async () => {
      const w = await t.request('POST', `${base}/services/${serviceId}/waitlist`, {
        token: await t.loginAs(people[9]!),
        headers: key(),
        body: { startsAt },
      });
      expect(w.body.status).toBe('waiting');
      const left = await t.request('POST', `${base}/waitlist/${w.body.id}/leave`, {
        token: await t.loginAs(people[9]!),
        headers: key(),
      });
      expect(left.status).toBe(200);
      expect(left.body.status).toBe('left');
      const again = await t.request('POST', `${base}/waitlist/${w.body.id}/leave`, {
        token: await t.loginAs(people[9]!),
        headers: key(),
      });
      expect(again.body.error.code).toBe('CONFLICT');
      const notMine = await t.request('POST', `${base}/waitlist/${w.body.id}/leave`, {
        token: await t.loginAs(people[8]!),
        headers: key(),
      });
      expect(notMine.status).toBe(404);
    });

    it('the next person accepts: a booking, the held place becomes a booked one', async () => {
      const res = await t.request('POST', `${base}/waitlist/${entryD}/accept`, {
        token: await t.loginAs(people[7]!),
        headers: key(),
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ startsAt, status: 'booked' });
      const [slot] = await t.db
        .select()
        .from(serviceSlots)
        .where(and(eq(serviceSlots.serviceId, serviceId), eq(serviceSlots.startsAt, new Date(startsAt))));
      expect(slot).toMatchObject({ booked: 2, held: 0, capacity: 2 });
      const someoneElse = await t.request('POST', `${base}/waitlist/${entryD}/accept`, {
        token: await t.loginAs(people[6]!),
        headers: key(),
      });
      expect(someoneElse.status).toBe(404);
    });
  });

  describe('代办 becomes a matter of kind 代办请求', () => {
    it('a villager asks for 医保缴费代办: a private errand matter with the service and the note', async () => {
      const [s] = await t.db
        .select()
        .from(services)
        .where(and(eq(services.villageId, a.village.id), eq(services.name, '医保缴费代办')));
      const res = await t.request('POST', `${base}/services/${s!.id}/errands`, {
        token: await t.loginAs(people[8]!),
        headers: key(),
        body: { note: '今年的医保，我腿脚不便' },
      });
      expect(res.status).toBe(201);
      const [m] = await t.db.select().from(matters).where(eq(matters.id, res.body.matterId));
      expect(m).toMatchObject({
        kind: 'errand',
        authorUserId: people[8],
        isPublic: false,
        villageId: a.village.id,
      });
      expect(m!.text).toContain('医保缴费代办');
      expect(m!.text).toContain('腿脚不便');
      const empty = await t.request('POST', `${base}/services/${s!.id}/errands`, {
        token: await t.loginAs(people[8]!),
        headers: key(),
        body: { note: '' },
      });
      expect(empty.status).toBe(400);
    });
  });

  describe('reminders', () => {
    it('the day before and two hours before, each once, on a controlled clock; cancelled bookings get none', async () => {
      const startsAt = slotAt(6, '09:30');
      const start = new Date(startsAt).getTime();
      const made = await bookOp(
        t.db,
        { userId: people[9]!, villageId: a.village.id, requestId: 'test', serviceId },
        { startsAt, note: '', materialsChecked: [] },
      );
      expect(made.ok).toBe(true);
      const id = made.ok ? made.value.id : '';
      const remindersOf = async () => (await inbox(people[9]!)).filter((e) => e.objectId === id);

      expect(await runServicesJob(t.deps, { now: new Date(start - 25 * 3600_000) })).toMatchObject({
        dayBefore: 0,
        near: 0,
      });
      const day = await runServicesJob(t.deps, { now: new Date(start - 23 * 3600_000) });
      expect(day.dayBefore).toBeGreaterThanOrEqual(1);
      expect(await runServicesJob(t.deps, { now: new Date(start - 22 * 3600_000) })).toMatchObject({
        dayBefore: 0,
      });
      let got = await remindersOf();
      expect(got.map((e) => e.title)).toEqual(['明天办事：证明开具测试']);
      expect(got[0]!.summary).toContain(made.ok ? made.value.code : 'x');
      const near = await runServicesJob(t.deps, { now: new Date(start - 90 * 60_000) });
      expect(near.near).toBeGreaterThanOrEqual(1);
      await runServicesJob(t.deps, { now: new Date(start - 60 * 60_000) });
      got = await remindersOf();
      expect(got.map((e) => e.title).sort()).toEqual(
        ['两小时后办事：证明开具测试', '明天办事：证明开具测试'].sort(),
      );
      const pushes = await t.db.select().from(outbox).where(eq(outbox.userId, people[9]!));
      expect(pushes.filter((p) => p.kind === 'booking_day_before')).toHaveLength(1);
      expect(pushes.filter((p) => p.kind === 'booking_near')).toHaveLength(1);
      // Two jobs at once still send once.
      const other = await bookOp(
        t.db,
        { userId: people[9]!, villageId: a.village.id, requestId: 'test', serviceId },
        { startsAt: slotAt(6, '11:00'), note: '', materialsChecked: [] },
      );
      const at = new Date(new Date(slotAt(6, '11:00')).getTime() - 60 * 60_000);
      const [r1, r2] = await Promise.all([
        runServicesJob(t.deps, { now: at }),
        runServicesJob(t.deps, { now: at }),
      ]);
      expect(r1.near + r2.near).toBe(1);
      expect((await inbox(people[9]!)).filter((e) => other.ok && e.objectId === other.value.id)).toHaveLength(
        1,
      );
    });

    it('the cron endpoint needs CRON_SECRET and runs the job', async () => {
      const cron = (authorization?: string) =>
        t.request('POST', '/api/cron/services', { headers: authorization ? { authorization } : {} });
      expect((await cron()).status).toBe(401);
      expect((await cron('Bearer nope')).status).toBe(401);
      expect((await cron(`Bearer ${await t.loginAs(a.cadre)}`)).status).toBe(401);
      const ok = await cron(`Bearer ${CRON_SECRET}`);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        dayBefore: expect.any(Number),
        near: expect.any(Number),
        offersExpired: expect.any(Number),
      });
      const get = await t.request('GET', '/api/cron/services', {
        headers: { authorization: `Bearer ${CRON_SECRET}` },
      });
      expect(get.status).toBe(200);
      const cfg = t.deps.config.notify;
      const saved = cfg.cronSecret;
      cfg.cronSecret = undefined;
      try {
        expect((await cron(`Bearer ${CRON_SECRET}`)).status).toBe(403);
      } finally {
        cfg.cronSecret = saved;
      }
    });
  });
});

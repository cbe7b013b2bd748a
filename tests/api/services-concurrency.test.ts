/**
 * Never overbooked under concurrency: 50 villagers book the last 3 places of one slot at the same
 * moment → exactly 3 bookings, 47 SLOT_FULL ('已约满'), nothing else. On real PostgreSQL the
 * requests run in parallel on a pool of connections, so the conditional UPDATE is what decides;
 * on PGlite (one connection) the same test checks the same outcome.
 * One instance sends the bookings of one slot to the database one at a time (bookings.ts,
 * slotTurn); several instances — several serverless functions — race in PostgreSQL itself, on a
 * slot whose row does not exist yet as well as on one that does.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceBookings, serviceSlots } from '../../api/_db/schema';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE, TEST_DB, type TestApp, createTestApp } from '../support/harness';
import { createTestService, loginMany, plainVillagers, slotAt } from '../support/services-fixtures';

describe.skipIf(DB_UNAVAILABLE)(`services: concurrent booking (${TEST_DB})`, () => {
  let t: TestApp;
  let a: Actors;
  let serviceId: string;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    serviceId = await createTestService(t, a, { capacity: 5 });
  });
  afterAll(() => t.close());

  it('50 villagers race for the last 3 places: exactly 3 bookings, 47 已约满, no other answer', async () => {
    const startsAt = slotAt(3, '19:00');
    const base = `/api/villages/${a.village.id}/services/${serviceId}/bookings`;
    const early = await plainVillagers(t.db, a.village.id, 52);
    const [first, second] = await loginMany(t, early.slice(0, 2));
    for (const token of [first!, second!]) {
      const res = await t.request('POST', base, {
        token,
        headers: { 'idempotency-key': crypto.randomUUID() },
        body: { startsAt },
      });
      expect(res.status).toBe(201);
    }
    const racers = early.slice(2);
    const tokens = await loginMany(t, racers);

    const answers = await Promise.all(
      tokens.map((token) =>
        t.request('POST', base, {
          token,
          headers: { 'idempotency-key': crypto.randomUUID() },
          body: { startsAt },
        }),
      ),
    );
    const tally: Record<string, number> = {};
    for (const r of answers) {
      const k = r.status === 201 ? 'booked' : `${r.status} ${r.body.error?.code} ${r.body.error?.message}`;
      tally[k] = (tally[k] ?? 0) + 1;
    }
    expect(tally).toEqual({ booked: 3, '409 SLOT_FULL 已约满': 47 });

    const [slot] = await t.db
      .select()
      .from(serviceSlots)
      .where(and(eq(serviceSlots.serviceId, serviceId), eq(serviceSlots.startsAt, new Date(startsAt))));
    expect(slot).toMatchObject({ capacity: 5, booked: 5, held: 0 });
    const rows = await t.db
      .select()
      .from(serviceBookings)
      .where(and(eq(serviceBookings.slotId, slot!.id), inArray(serviceBookings.status, ['booked'])));
    expect(rows).toHaveLength(5);
    const winners = answers.filter((r) => r.status === 201).map((r) => r.body.id);
    expect(rows.map((b) => b.id)).toEqual(expect.arrayContaining(winners));
  });

  it('three instances (one on PGlite) × 12 villagers: a slot never booked before, then its last place', async () => {
    // On PostgreSQL: two more instances of the API on the same database, each with its own pool.
    const others =
      TEST_DB === 'postgres' ? await Promise.all([1, 2].map(() => createTestApp({ sameDatabaseAs: t }))) : [];
    try {
      const instances = [t, ...others];
      const base = `/api/villages/${a.village.id}/services/${serviceId}/bookings`;
      const people = await plainVillagers(t.db, a.village.id, 37);
      const tokens = await loginMany(t, people);
      const race = (startsAt: string, who: string[]) =>
        Promise.all(
          who.map((token, i) =>
            instances[i % instances.length]!.request('POST', base, {
              token,
              headers: { 'idempotency-key': crypto.randomUUID() },
              body: { startsAt },
            }),
          ),
        );
      const tallyOf = (answers: { status: number; body: any }[]) => {
        const tally: Record<string, number> = {};
        for (const r of answers) {
          const k = r.status === 201 ? 'booked' : `${r.status} ${r.body.error?.code}`;
          tally[k] = (tally[k] ?? 0) + 1;
        }
        return tally;
      };
      const slotOf = async (startsAt: string) =>
        (
          await t.db
            .select()
            .from(serviceSlots)
            .where(and(eq(serviceSlots.serviceId, serviceId), eq(serviceSlots.startsAt, new Date(startsAt))))
        )[0];

      // Nobody has booked this slot: its row is made by whichever booking comes first.
      const fresh = slotAt(5, '19:00');
      expect(await slotOf(fresh)).toBeUndefined();
      expect(tallyOf(await race(fresh, tokens.slice(0, 36)))).toEqual({ booked: 5, '409 SLOT_FULL': 31 });
      expect(await slotOf(fresh)).toMatchObject({ capacity: 5, booked: 5, held: 0 });

      // Its last place: one booking cancelled, then everyone who lost tries again at once.
      const [gone] = await t.db
        .select()
        .from(serviceBookings)
        .where(and(eq(serviceBookings.serviceId, serviceId), eq(serviceBookings.startsAt, new Date(fresh))));
      const owner = tokens[people.indexOf(gone!.userId)]!;
      const cancelled = await t.request('POST', `/api/villages/${a.village.id}/bookings/${gone!.id}/cancel`, {
        token: owner,
        headers: { 'idempotency-key': crypto.randomUUID() },
      });
      expect(cancelled.status).toBe(200);
      const booked = new Set(
        (await t.db.select().from(serviceBookings).where(eq(serviceBookings.serviceId, serviceId)))
          .filter((b) => b.status === 'booked')
          .map((b) => b.userId),
      );
      const losers = people.filter((p) => !booked.has(p) && p !== gone!.userId);
      const again = await race(
        fresh,
        losers.map((p) => tokens[people.indexOf(p)]!),
      );
      expect(tallyOf(again)).toEqual({ booked: 1, '409 SLOT_FULL': losers.length - 1 });
      expect(await slotOf(fresh)).toMatchObject({ capacity: 5, booked: 5, held: 0 });
      const active = await t.db
        .select()
        .from(serviceBookings)
        .where(and(eq(serviceBookings.serviceId, serviceId), eq(serviceBookings.startsAt, new Date(fresh))));
      expect(active.filter((b) => b.status === 'booked')).toHaveLength(5);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });

  it('one villager sending the same booking twice at once (no shared key) gets one booking', async () => {
    const startsAt = slotAt(4, '19:00');
    const [who] = await plainVillagers(t.db, a.village.id, 1, []);
    const [token] = await loginMany(t, [who!]);
    const base = `/api/villages/${a.village.id}/services/${serviceId}/bookings`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.request('POST', base, {
          token: token!,
          headers: { 'idempotency-key': crypto.randomUUID() },
          body: { startsAt },
        }),
      ),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(
      Array(4).fill('BOOKING_OVERLAP'),
    );
    const rows = await t.db
      .select()
      .from(serviceBookings)
      .where(and(eq(serviceBookings.userId, who!), eq(serviceBookings.startsAt, new Date(startsAt))));
    expect(rows).toHaveLength(1);
  });
});

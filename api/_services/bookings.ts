/**
 * A villager's bookings and waitlist places.
 * Outcomes (besides NOT_FOUND for another village's or another person's ids):
 * - book: Ok booking (a retry with the same Idempotency-Key: the same booking);
 *   SERVICE_NOT_OFFERED (no bookings for this service); SLOT_PAST; SLOT_CLOSED (not an opening
 *   time, or cancelled); SLOT_FULL ('已约满'); BOOKING_OVERLAP (already booked at that time).
 * - reschedule: Ok booking (and a booking_rescheduled receipt); CONFLICT (not an active booking,
 *   or its service retired); CUTOFF_PASSED; then as book.
 * - cancel: Ok booking; CONFLICT; CUTOFF_PASSED. The place goes to the waitlist (passOn).
 * - joinWaitlist: Ok entry; CONFLICT (the slot has free places — book instead); SLOT_*.
 * - acceptOffer: Ok booking; CONFLICT (no live offer: expired or already used); BOOKING_OVERLAP.
 * - leaveWaitlist: Ok entry; CONFLICT (no longer waiting).
 */
import { and, asc, desc, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import {
  beforeCutoff,
  beijingDate,
  bookingCode,
  bookingRefusal,
  isEvening,
  type TSlotSpec,
} from '../../shared/services/rules';
import { UUID_RE } from '../../shared/schemas/common';
import type { TBook, TBooking, TMyBookings, TWaitlistEntry } from '../../shared/services/schemas';
import type { Db, Tx } from '../_db/client';
import { constraintOf, pgCode } from '../_db/errors';
import { jsonValue, preparedSql } from '../_db/prepared';
import { type LiveSession, type LiveSessionColumn, liveFromColumn, liveSessionColumn } from '../_me/get-me';
import { batchedLookup, inTurns } from '../_lib/coalesce';
import { serviceBookings, serviceSlots, serviceWaitlist, services } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { type ServiceRow, findService, rulesColumnsOf } from './catalogue';
import { tellRescheduled } from './notices';
import { ensureSlot, passOn, slotUnderRules, specAt, takePlace } from './slots';

type Q = Db | Tx;
type BookingRow = typeof serviceBookings.$inferSelect;
export type Caller = { userId: string; villageId: string; requestId: string };

/** A domain refusal thrown inside a transaction so that everything it did rolls back. */
class Refusal extends Error {
  constructor(readonly outcome: { ok: false; error: { code: Parameters<typeof Err>[0]; message?: string } }) {
    super(outcome.error.code);
  }
}
const refuse = (code: Parameters<typeof Err>[0], message?: string): never => {
  throw new Refusal(Err(code, message));
};

async function run<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<Outcome<T>> {
  try {
    return Ok(await db.transaction(work));
  } catch (e) {
    if (e instanceof Refusal) return e.outcome;
    // The overlap constraint caught a race the pre-check could not see.
    if (pgCode(e) === '23P01') return Err('BOOKING_OVERLAP');
    throw e;
  }
}

/** What a booking's view needs of its row and of its service. */
type BookingFields = Pick<
  BookingRow,
  | 'id'
  | 'code'
  | 'startsAt'
  | 'endsAt'
  | 'status'
  | 'note'
  | 'materialsChecked'
  | 'cancelReason'
  | 'createdAt'
>;
type ServiceFields = Pick<ServiceRow, 'id' | 'name' | 'icon' | 'servedBy' | 'materials' | 'cutoffMinutes'>;

export function bookingView(b: BookingFields, s: ServiceFields, now: Date): TBooking {
  return {
    id: b.id,
    code: b.code,
    serviceId: s.id,
    serviceName: s.name,
    serviceIcon: s.icon,
    servedBy: s.servedBy,
    startsAt: b.startsAt.toISOString(),
    endsAt: b.endsAt.toISOString(),
    evening: isEvening(b.startsAt),
    status: b.status,
    note: b.note,
    materials: s.materials,
    materialsChecked: b.materialsChecked,
    canChange: b.status === 'booked' && beforeCutoff(b.startsAt, now, s.cutoffMinutes),
    cancelReason: b.cancelReason,
    createdAt: b.createdAt.toISOString(),
  };
}

/** Refuses (in a transaction) when the user holds another active booking overlapping [start, end). */
async function assertNoOverlap(tx: Tx, userId: string, startsAt: Date, endsAt: Date, except?: string) {
  const [clash] = await tx
    .select({ id: serviceBookings.id })
    .from(serviceBookings)
    .where(
      and(
        eq(serviceBookings.userId, userId),
        inArray(serviceBookings.status, ['booked', 'checked_in']),
        sql`${serviceBookings.startsAt} < ${endsAt.toISOString()}::timestamptz`,
        sql`${serviceBookings.endsAt} > ${startsAt.toISOString()}::timestamptz`,
        except ? ne(serviceBookings.id, except) : undefined,
      ),
    )
    .limit(1);
  if (clash) refuse('BOOKING_OVERLAP');
}

async function validSlot(db: Q, service: ServiceRow, startsAt: Date, now: Date) {
  if (!service.bookable) return Err('SERVICE_NOT_OFFERED', '这项服务不用预约，可以请村里代办');
  const refusal = bookingRefusal(startsAt, now);
  if (refusal) return Err(refusal);
  return specAt(db, service, startsAt);
}

/**
 * The booking's first read, built once (api/_db/prepared.ts), for a batch of bookings: for each,
 * the active service with what a booking needs of it and its rules, the slot's row if it has one,
 * and the booking an earlier attempt of this same request made; and whether the request's session
 * is live (the auth middleware's check, in the same round trip). Bookings arriving at the same
 * moment (a slot opening at 8:00) share one read (batchedLookup: never a read sent before they
 * arrived). A service not found still gives its row (id null), with the session.
 */
const bookingReads = preparedSql(
  () => sql`select q.k, ${liveSessionColumn(sql`q.session_id`, sql`q.user_id`)} as live,
      s.id, s.name, s.icon, s.served_by, s.materials, s.bookable, s.slot_minutes,
      s.cutoff_minutes, ${rulesColumnsOf(sql`s.id`, sql`q.date`, { text: true })},
      (select json_build_object('capacity', t.capacity, 'booked', t.booked, 'held', t.held,
          'cancelled', t.cancelled)
        from service_slots t where t.service_id = s.id and t.starts_at = q.starts_at) as slot,
      (select b.id from service_bookings b
        where b.user_id = q.user_id and b.request_key = q.request_key and b.service_id = s.id) as again_id
    from json_to_recordset(${sql.placeholder('items')}::json)
      as q(k text, service_id uuid, village_id uuid, starts_at timestamptz, user_id uuid, request_key text,
        date text, session_id uuid)
    left join services s on s.id = q.service_id and s.village_id = q.village_id and s.active`,
);
const bookingRead = batchedLookup(async (db: Db, keys: string[]) => {
  const items = keys.map((k) => ({ k, ...(JSON.parse(k) as object) }));
  const { rows } = await bookingReads<BookingReadRow & { k: string }>(db, { items: JSON.stringify(items) });
  return new Map(rows.map((r) => [r.k, r]));
});
/** The key of one booking's read: the same request always makes the same key. */
function bookingReadKey(
  serviceId: string,
  villageId: string,
  startsAt: Date,
  userId: string,
  requestKey: string | undefined,
  sessionId: string | undefined,
) {
  return JSON.stringify({
    service_id: serviceId,
    village_id: villageId,
    starts_at: startsAt.toISOString(),
    user_id: userId,
    request_key: requestKey ?? null,
    date: beijingDate(startsAt),
    session_id: sessionId ?? null,
  });
}

export type PrefetchedRead = {
  key: string;
  row: BookingReadRow | undefined;
  /** performance.now() when the read was asked: a moment the request had arrived by. */
  at: number;
};

/**
 * A booking's read, started before its session has been checked, from the raw request and the
 * token's (verified) ids: the read checks the session too (requireAuthLimited takes `session` as
 * its check), so a booking makes one round trip where it made two. Nothing of the read is used
 * until the request is authenticated and validated, and only when the validated request makes the
 * same key (book above). A request it cannot read (a malformed id, no startsAt) gets no prefetch
 * and its session is checked as usual; a failed read throws (the session is then checked as usual
 * and book reads again).
 */
export async function prefetchBookingRead(
  db: Db,
  raw: { villageId?: string; serviceId?: string; startsAt?: unknown; requestKey?: string },
  token: { userId: string; sessionId: string },
): Promise<{ value: PrefetchedRead; session: LiveSession | null } | undefined> {
  const { villageId, serviceId, startsAt } = raw;
  const { userId, sessionId } = token;
  if (!villageId || !serviceId || !UUID_RE.test(villageId) || !UUID_RE.test(serviceId)) return undefined;
  if (!UUID_RE.test(userId) || !UUID_RE.test(sessionId) || typeof startsAt !== 'string') return undefined;
  const at = new Date(startsAt);
  if (Number.isNaN(at.getTime())) return undefined;
  const key = bookingReadKey(serviceId, villageId, at, userId, raw.requestKey, sessionId);
  const asked = performance.now();
  const row = await bookingRead(db, key);
  // No row only for a key the statement could not read; the session is then checked as usual.
  if (!row) return undefined;
  return { value: { key, row, at: asked }, session: liveFromColumn(row.live) };
}

type BookingReadRow = {
  /** The request's session when live (liveSessionColumn), else null. */
  live: LiveSessionColumn;
  /** Null: no such active service in this village. */
  id: string | null;
  name: string;
  icon: ServiceRow['icon'];
  served_by: string;
  materials: string[] | string;
  bookable: boolean;
  slot_minutes: number;
  cutoff_minutes: number;
  /** The rules as JSON text (slotUnderRules keeps each date's slots by it). */
  hours: string;
  exceptions: string;
  slot: SlotBrief | string | null;
  again_id: string | null;
};

/**
 * The booking as one statement, built once. Locks in the order every path takes them: the
 * service (a retirement holding it makes this wait, then find it gone), then the slot's row, read
 * as it is once locked. A place is taken only if one is free — on a slot booked for the first time,
 * by creating its row with that place taken (a concurrent first booking conflicts on the row and
 * takes its place from it instead) — and the booking inserted from that, and audited. No place →
 * nothing is written, and the locked slot row says why. The overlap constraint and the unique
 * request key refuse the whole statement.
 */
const bookingStatement = preparedSql(
  () => sql`with svc as (
      select id from services
      where id = ${sql.placeholder('serviceId')}::uuid and village_id = ${sql.placeholder('villageId')}::uuid
        and active
      for key share),
    slot as (
      select cancelled, booked + held >= capacity as no_place from service_slots
      where service_id = ${sql.placeholder('serviceId')}::uuid
        and starts_at = ${sql.placeholder('startsAt')}::timestamptz and exists (select 1 from svc)
      for no key update),
    took as (
      insert into service_slots as t (service_id, village_id, starts_at, ends_at, capacity, booked)
      select svc.id, ${sql.placeholder('villageId')}::uuid, ${sql.placeholder('startsAt')}::timestamptz,
        ${sql.placeholder('endsAt')}::timestamptz, ${sql.placeholder('capacity')}::int, 1
      from svc
      where not exists (select 1 from slot where cancelled or no_place)
      on conflict (service_id, starts_at) do update set booked = t.booked + 1
        where not t.cancelled and t.booked + t.held < t.capacity
      returning t.id, t.starts_at, t.ends_at, t.booked + t.held >= t.capacity as full_after),
    b as (
      insert into service_bookings (village_id, service_id, slot_id, user_id, starts_at, ends_at,
        code, note, materials_checked, request_key)
      select ${sql.placeholder('villageId')}::uuid, ${sql.placeholder('serviceId')}::uuid, took.id,
        ${sql.placeholder('userId')}::uuid, took.starts_at, took.ends_at, ${sql.placeholder('code')},
        ${sql.placeholder('note')}, ${sql.placeholder('materialsChecked')}::jsonb, ${sql.placeholder('requestKey')}
      from took
      returning id, code, starts_at, ends_at, status, note, materials_checked, cancel_reason, created_at),
    a as (
      insert into audit_log (actor_user_id, action, target_type, target_id, village_id, request_id, details)
      select ${sql.placeholder('userId')}::uuid, 'service.book', 'service_booking', b.id::text,
        ${sql.placeholder('villageId')}::uuid, ${sql.placeholder('requestId')}, ${sql.placeholder('details')}::jsonb
      from b)
    select b.*, exists (select 1 from svc) as service_active, (select cancelled from slot) as slot_cancelled,
      coalesce((select full_after from took), (select no_place from slot)) as full_after
    from (select 1) one left join b on true`,
);
type BookingStatementRow = {
  id: string | null;
  code: string;
  starts_at: string | Date;
  ends_at: string | Date;
  status: BookingRow['status'];
  note: string;
  materials_checked: string[] | string;
  cancel_reason: string | null;
  created_at: string | Date;
  service_active: boolean;
  slot_cancelled: boolean | null;
  /** No place left once this statement ran (it took the last one, or found none). */
  full_after: boolean | null;
};

export async function book(
  db: Db,
  c: Caller & {
    serviceId: string;
    /** The request's session, when it has one (its read checks it too). */
    sessionId?: string;
    requestKey?: string;
    /** Awaited before anything is written (the rate limit): throws to refuse. */
    admit?: () => Promise<void>;
    /** The read prefetchBookingRead made while the request was authenticated. */
    prefetched?: PrefetchedRead;
  },
  input: TBook,
  now = new Date(),
): Promise<Outcome<TBooking & { replay?: true }>> {
  const startsAt = new Date(input.startsAt);
  // One plain read. A full or cancelled slot is answered from it without a lock; the statement
  // below still decides. Taken from the read that checked the session (prefetchBookingRead) when
  // that read was for exactly this request.
  const key = bookingReadKey(c.serviceId, c.villageId, startsAt, c.userId, c.requestKey, c.sessionId);
  const early = c.prefetched?.key === key ? c.prefetched : undefined;
  // A moment this request had arrived by (see slotTurn).
  const arrived = early?.at ?? performance.now();
  const f = early ? early.row : await bookingRead(db, key);
  if (!f?.id) return Err('NOT_FOUND');
  const service: ServiceFields = {
    id: f.id,
    name: f.name,
    icon: f.icon,
    servedBy: f.served_by,
    materials: jsonValue(f.materials),
    cutoffMinutes: f.cutoff_minutes,
  };
  if (f.again_id) return replayBooking(db, f.again_id, service, now);
  if (!f.bookable) return Err('SERVICE_NOT_OFFERED', '这项服务不用预约，可以请村里代办');
  const refusal = bookingRefusal(startsAt, now);
  if (refusal) return Err(refusal);
  const spec = slotUnderRules(f, startsAt);
  if (!spec) return Err('SLOT_CLOSED');
  const known = f.slot === null ? null : jsonValue(f.slot);
  if (known?.cancelled) return Err('SLOT_CLOSED');
  if (known && known.booked + known.held >= known.capacity) return Err('SLOT_FULL');
  const materials = new Set(service.materials);
  const again = c.requestKey ? `${c.userId}|${c.requestKey}` : undefined;
  return slotTurn(db, `${service.id}|${spec.startsAt.toISOString()}`, async (burst) => {
    // A copy of a request that booked while this one waited (two taps, a retry): the same booking.
    const first = again ? burst.made.get(again) : undefined;
    if (first) return Ok({ ...first, replay: true as const });
    // An earlier booking's statement, sent after this request arrived, found the slot full (or
    // cancelled): it was full at a moment while this request was being answered, so that is its
    // answer.
    if (arrived < burst.fullSentAt) return Err('SLOT_FULL');
    if (arrived < burst.closedSentAt) return Err('SLOT_CLOSED');
    // About to write: now the rate limit decides (asked since the token was verified, so it has
    // usually answered by now). Awaited in the turn, so that this request joined the slot's queue
    // as soon as its read came back: were the slot to fill meanwhile, it is answered 已约满 above
    // without waiting for Redis or asking the database.
    await c.admit?.();
    const sentAt = performance.now();
    const placed = await placeBooking(db, c, input, service, spec, materials, now);
    if (placed.outcome.ok && again) burst.made.set(again, placed.outcome.value);
    if (placed.fullAfter) burst.fullSentAt = Math.max(burst.fullSentAt, sentAt);
    if (placed.closed) burst.closedSentAt = Math.max(burst.closedSentAt, sentAt);
    return placed.outcome;
  });
}

/**
 * Bookings of one slot go to the database one at a time from this instance. PostgreSQL would make
 * them wait on the slot's row lock anyway, but each waiting there holds a pooled connection: at
 * 8:00, ten bookings for each slot took every connection, and all other requests queued behind
 * them. Within a burst:
 * - a copy of a request that booked (two taps, a retry sent at once) gets the same booking;
 * - when a booking's statement finds the slot full (or takes its last place), the bookings that had
 *   arrived before it was sent are answered 已约满 without a round trip: the slot was full at a
 *   moment while they were being answered (after they arrived, before they are answered) — also
 *   those whose read was still out then and that queued later. Bookings that arrived after it was
 *   sent still ask the database (a place may have been freed since);
 * - the rate limit is awaited by the one whose turn it is, just before its statement: a request
 *   answered 已约满 in the queue never waits for Redis.
 */
const slotTurn = inTurns<{
  /** When the latest statement that found the slot full (or cancelled) was sent (performance.now()). */
  fullSentAt: number;
  closedSentAt: number;
  /** Bookings made in this burst, by person and request key. */
  made: Map<string, TBooking>;
}>(() => ({ fullSentAt: Number.NEGATIVE_INFINITY, closedSentAt: Number.NEGATIVE_INFINITY, made: new Map() }));

async function placeBooking(
  db: Db,
  c: Caller & { serviceId: string; requestKey?: string },
  input: TBook,
  service: ServiceFields,
  spec: TSlotSpec,
  materials: Set<string>,
  now: Date,
): Promise<{ outcome: Outcome<TBooking & { replay?: true }>; fullAfter?: boolean; closed?: boolean }> {
  // A slot of no places (an exception may set that) has nothing to take.
  if (spec.capacity < 1) return { outcome: Err('SLOT_FULL') };
  for (let attempt = 0; ; attempt++) {
    try {
      // One statement, so the slot row is locked only while it runs (no transaction held open
      // across round trips while others queue on the last places).
      const { rows } = await bookingStatement<BookingStatementRow>(db, {
        serviceId: service.id,
        villageId: c.villageId,
        startsAt: spec.startsAt.toISOString(),
        endsAt: spec.endsAt.toISOString(),
        capacity: spec.capacity,
        userId: c.userId,
        code: bookingCode(),
        note: input.note,
        materialsChecked: JSON.stringify(input.materialsChecked.filter((m) => materials.has(m))),
        requestKey: c.requestKey ?? null,
        requestId: c.requestId,
        details: JSON.stringify({ serviceId: service.id, startsAt: spec.startsAt.toISOString() }),
      });
      const made = rows[0]!;
      if (!made.id) {
        // The service is gone (retired meanwhile).
        if (!made.service_active) return { outcome: Err('NOT_FOUND') };
        if (made.slot_cancelled) return { outcome: Err('SLOT_CLOSED'), closed: true };
        if (made.full_after) return { outcome: Err('SLOT_FULL'), fullAfter: true };
        // The slot's row was made by another booking after this statement began, and its place
        // taken: this statement could not see the row to say why. Ask again (it sees it now).
        if (attempt < 5) continue;
        return { outcome: Err('SLOT_FULL') };
      }
      const row: BookingFields = {
        id: made.id,
        code: made.code,
        startsAt: new Date(made.starts_at),
        endsAt: new Date(made.ends_at),
        status: made.status,
        note: made.note,
        materialsChecked: jsonValue(made.materials_checked),
        cancelReason: made.cancel_reason,
        createdAt: new Date(made.created_at),
      };
      return { outcome: Ok(bookingView(row, service, now)), fullAfter: made.full_after === true };
    } catch (e) {
      const code = pgCode(e);
      // The overlap constraint: this person already holds a booking at that time.
      if (code === '23P01') return { outcome: Err('BOOKING_OVERLAP') };
      if (code === '23505' && constraintOf(e).includes('request_key') && c.requestKey) {
        // The same request, retried at the same moment: answer with the booking it made.
        const [first] = await db
          .select()
          .from(serviceBookings)
          .where(and(eq(serviceBookings.userId, c.userId), eq(serviceBookings.requestKey, c.requestKey)));
        if (first) return { outcome: Ok({ ...bookingView(first, service, now), replay: true as const }) };
      }
      // A booking code already used in this village: draw another (rare; 900,000 codes).
      if (code === '23505' && constraintOf(e).includes('code') && attempt < 5) continue;
      throw e;
    }
  }
}

type SlotBrief = { capacity: number; booked: number; held: number; cancelled: boolean };
/** A retry of a booking request (same Idempotency-Key): the booking it made, marked as a replay. */
async function replayBooking(
  db: Db,
  id: string,
  service: ServiceFields,
  now: Date,
): Promise<Outcome<TBooking & { replay?: true }>> {
  const [row] = await db.select().from(serviceBookings).where(eq(serviceBookings.id, id));
  if (!row) return Err('NOT_FOUND');
  return Ok({ ...bookingView(row, service, now), replay: true });
}

/** Holds a service row (key share), active or not, before its slots and bookings are locked. */
async function holdService(tx: Tx, serviceId: string): Promise<ServiceRow> {
  const [s] = await tx.select().from(services).where(eq(services.id, serviceId)).for('key share');
  return s!;
}

/** The caller's booking, locked after its service (the order every path takes). */
async function lockOwnBooking(tx: Tx, c: Caller, bookingId: string) {
  const mine = and(
    eq(serviceBookings.id, bookingId),
    eq(serviceBookings.villageId, c.villageId),
    eq(serviceBookings.userId, c.userId),
  );
  const [ref] = await tx.select({ serviceId: serviceBookings.serviceId }).from(serviceBookings).where(mine);
  if (!ref) refuse('NOT_FOUND');
  const s = await holdService(tx, ref!.serviceId);
  const [b] = await tx.select().from(serviceBookings).where(mine).for('update');
  return { b: b!, s };
}

export async function reschedule(
  db: Db,
  c: Caller & { bookingId: string },
  startsAtIso: string,
  now = new Date(),
): Promise<Outcome<TBooking>> {
  const startsAt = new Date(startsAtIso);
  return run(db, async (tx) => {
    const { b, s } = await lockOwnBooking(tx, c, c.bookingId);
    if (b.status !== 'booked' || !s.active) refuse('CONFLICT', '这个预约已经不能改了');
    if (!beforeCutoff(b.startsAt, now, s.cutoffMinutes)) refuse('CUTOFF_PASSED');
    if (b.startsAt.getTime() === startsAt.getTime()) return bookingView(b, s, now);
    const spec = await validSlot(tx, s, startsAt, now);
    if (!spec.ok) refuse(spec.error.code, spec.error.message);
    const slot = await ensureSlot(tx, s, spec.ok ? spec.value : (undefined as never));
    // Lock both slot rows in one order, so two people swapping slots cannot deadlock.
    await tx
      .select({ id: serviceSlots.id })
      .from(serviceSlots)
      .where(inArray(serviceSlots.id, [slot.id, b.slotId]))
      .orderBy(asc(serviceSlots.id))
      .for('update');
    await assertNoOverlap(tx, c.userId, slot.startsAt, slot.endsAt, b.id);
    const took = await takePlace(tx, slot.id);
    if (!took.ok) refuse(took.error.code);
    await passOn(tx, b.slotId, 'booked', now);
    const [moved] = await tx
      .update(serviceBookings)
      .set({
        slotId: slot.id,
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        remindedDayAt: null,
        remindedNearAt: null,
      })
      .where(eq(serviceBookings.id, b.id))
      .returning();
    await audit(tx, {
      actorUserId: c.userId,
      action: 'service.reschedule',
      targetType: 'service_booking',
      targetId: b.id,
      villageId: c.villageId,
      requestId: c.requestId,
      details: { from: b.startsAt.toISOString(), to: slot.startsAt.toISOString() },
    });
    await tellRescheduled(tx, moved!, s, b.startsAt);
    return bookingView(moved!, s, now);
  });
}

export async function cancelBooking(
  db: Db,
  c: Caller & { bookingId: string },
  now = new Date(),
): Promise<Outcome<TBooking>> {
  return run(db, async (tx) => {
    const { b, s } = await lockOwnBooking(tx, c, c.bookingId);
    if (b.status !== 'booked') refuse('CONFLICT', '这个预约已经不能取消了');
    if (!beforeCutoff(b.startsAt, now, s.cutoffMinutes)) refuse('CUTOFF_PASSED');
    const [gone] = await tx
      .update(serviceBookings)
      .set({ status: 'cancelled', cancelledAt: now, cancelledBy: c.userId, cancelReason: '本人取消' })
      .where(eq(serviceBookings.id, b.id))
      .returning();
    await passOn(tx, b.slotId, 'booked', now);
    await audit(tx, {
      actorUserId: c.userId,
      action: 'service.cancel',
      targetType: 'service_booking',
      targetId: b.id,
      villageId: c.villageId,
      requestId: c.requestId,
      details: { startsAt: b.startsAt.toISOString() },
    });
    return bookingView(gone!, s, now);
  });
}

async function waitlistView(tx: Q, id: string): Promise<TWaitlistEntry> {
  const [w] = await tx
    .select({ w: serviceWaitlist, slot: serviceSlots, s: services })
    .from(serviceWaitlist)
    .innerJoin(serviceSlots, eq(serviceSlots.id, serviceWaitlist.slotId))
    .innerJoin(services, eq(services.id, serviceSlots.serviceId))
    .where(eq(serviceWaitlist.id, id));
  const [{ ahead }] = (await tx
    .select({ ahead: sql<number>`count(*)::int` })
    .from(serviceWaitlist)
    .where(
      and(
        eq(serviceWaitlist.slotId, w!.w.slotId),
        eq(serviceWaitlist.status, 'waiting'),
        sql`(${serviceWaitlist.createdAt}, ${serviceWaitlist.id}) < (${w!.w.createdAt.toISOString()}::timestamptz, ${w!.w.id}::uuid)`,
      ),
    )) as [{ ahead: number }];
  return {
    id: w!.w.id,
    serviceId: w!.s.id,
    serviceName: w!.s.name,
    startsAt: w!.slot.startsAt.toISOString(),
    evening: isEvening(w!.slot.startsAt),
    status: w!.w.status,
    offerExpiresAt: w!.w.offerExpiresAt?.toISOString() ?? null,
    position: w!.w.status === 'waiting' ? ahead + 1 : 0,
  };
}

export async function joinWaitlist(
  db: Db,
  c: Caller & { serviceId: string },
  startsAtIso: string,
  now = new Date(),
): Promise<Outcome<TWaitlistEntry>> {
  const service = await findService(db, c.villageId, c.serviceId);
  if (!service) return Err('NOT_FOUND');
  const startsAt = new Date(startsAtIso);
  const spec = await validSlot(db, service, startsAt, now);
  if (!spec.ok) return spec;
  return run(db, async (tx) => {
    if (!(await findService(tx, c.villageId, service.id, 'key share'))) refuse('NOT_FOUND');
    const slot = await ensureSlot(tx, service, spec.value);
    if (slot.cancelled) refuse('SLOT_CLOSED');
    if (slot.booked + slot.held < slot.capacity) refuse('CONFLICT', '还有空位，可以直接预约');
    const [mine] = await tx
      .select({ id: serviceBookings.id })
      .from(serviceBookings)
      .where(
        and(
          eq(serviceBookings.slotId, slot.id),
          eq(serviceBookings.userId, c.userId),
          inArray(serviceBookings.status, ['booked', 'checked_in']),
        ),
      );
    if (mine) refuse('CONFLICT', '您已经约了这个时间');
    const inserted = await tx
      .insert(serviceWaitlist)
      .values({ villageId: c.villageId, slotId: slot.id, userId: c.userId })
      .onConflictDoNothing()
      .returning({ id: serviceWaitlist.id });
    const id =
      inserted[0]?.id ??
      (
        await tx
          .select({ id: serviceWaitlist.id })
          .from(serviceWaitlist)
          .where(
            and(
              eq(serviceWaitlist.slotId, slot.id),
              eq(serviceWaitlist.userId, c.userId),
              inArray(serviceWaitlist.status, ['waiting', 'offered']),
            ),
          )
      )[0]!.id;
    if (inserted[0]) {
      await audit(tx, {
        actorUserId: c.userId,
        action: 'service.waitlist.join',
        targetType: 'service_waitlist',
        targetId: id,
        villageId: c.villageId,
        requestId: c.requestId,
      });
    }
    return waitlistView(tx, id);
  });
}

/** The caller's waitlist entry, locked after its service and its slot (the order every path takes). */
async function lockOwnEntry(tx: Tx, c: Caller, entryId: string) {
  const mine = and(
    eq(serviceWaitlist.id, entryId),
    eq(serviceWaitlist.villageId, c.villageId),
    eq(serviceWaitlist.userId, c.userId),
  );
  const [ref] = await tx
    .select({ slotId: serviceWaitlist.slotId, serviceId: serviceSlots.serviceId })
    .from(serviceWaitlist)
    .innerJoin(serviceSlots, eq(serviceSlots.id, serviceWaitlist.slotId))
    .where(mine);
  if (!ref) refuse('NOT_FOUND');
  const s = await holdService(tx, ref!.serviceId);
  const [slot] = await tx.select().from(serviceSlots).where(eq(serviceSlots.id, ref!.slotId)).for('update');
  const [w] = await tx.select().from(serviceWaitlist).where(mine).for('update');
  return { w: w!, s, slot: slot! };
}

export async function acceptOffer(
  db: Db,
  c: Caller & { entryId: string },
  now = new Date(),
): Promise<Outcome<TBooking>> {
  return run(db, async (tx) => {
    const { w, s, slot } = await lockOwnEntry(tx, c, c.entryId);
    if (w.status !== 'offered' || !w.offerExpiresAt || w.offerExpiresAt <= now || !s.active) {
      refuse('CONFLICT', '这个空位已经过期了');
    }
    await assertNoOverlap(tx, c.userId, slot.startsAt, slot.endsAt);
    // The held place becomes a booked one: the total never moves, so capacity holds.
    await tx
      .update(serviceSlots)
      .set({ held: sql`${serviceSlots.held} - 1`, booked: sql`${serviceSlots.booked} + 1` })
      .where(eq(serviceSlots.id, slot.id));
    await tx.update(serviceWaitlist).set({ status: 'accepted' }).where(eq(serviceWaitlist.id, w.id));
    const [row] = await tx
      .insert(serviceBookings)
      .values({
        villageId: c.villageId,
        serviceId: s.id,
        slotId: slot.id,
        userId: c.userId,
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        code: bookingCode(),
      })
      .returning();
    await audit(tx, {
      actorUserId: c.userId,
      action: 'service.waitlist.accept',
      targetType: 'service_booking',
      targetId: row!.id,
      villageId: c.villageId,
      requestId: c.requestId,
      details: { entryId: w.id },
    });
    return bookingView(row!, s, now);
  });
}

export async function leaveWaitlist(
  db: Db,
  c: Caller & { entryId: string },
  now = new Date(),
): Promise<Outcome<TWaitlistEntry>> {
  return run(db, async (tx) => {
    const { w } = await lockOwnEntry(tx, c, c.entryId);
    if (w.status !== 'waiting' && w.status !== 'offered') refuse('CONFLICT', '已经不在排队了');
    await tx.update(serviceWaitlist).set({ status: 'left' }).where(eq(serviceWaitlist.id, w.id));
    if (w.status === 'offered') await passOn(tx, w.slotId, 'held', now);
    await audit(tx, {
      actorUserId: c.userId,
      action: 'service.waitlist.leave',
      targetType: 'service_waitlist',
      targetId: w.id,
      villageId: c.villageId,
      requestId: c.requestId,
    });
    return waitlistView(tx, w.id);
  });
}

/** The caller's bookings here: upcoming and recent (30 days), soonest first; live waitlist places. */
export async function myBookings(
  db: Db,
  c: { userId: string; villageId: string },
  now = new Date(),
): Promise<Outcome<TMyBookings>> {
  const rows = await db
    .select({ b: serviceBookings, s: services })
    .from(serviceBookings)
    .innerJoin(services, eq(services.id, serviceBookings.serviceId))
    .where(
      and(
        eq(serviceBookings.userId, c.userId),
        eq(serviceBookings.villageId, c.villageId),
        gt(serviceBookings.startsAt, new Date(now.getTime() - 30 * 24 * 3600_000)),
      ),
    )
    .orderBy(desc(sql`${serviceBookings.status} = 'booked'`), asc(serviceBookings.startsAt))
    .limit(100);
  const entries = await db
    .select({ id: serviceWaitlist.id })
    .from(serviceWaitlist)
    .innerJoin(serviceSlots, eq(serviceSlots.id, serviceWaitlist.slotId))
    .where(
      and(
        eq(serviceWaitlist.userId, c.userId),
        eq(serviceWaitlist.villageId, c.villageId),
        inArray(serviceWaitlist.status, ['waiting', 'offered']),
        gt(serviceSlots.startsAt, now),
      ),
    )
    .orderBy(asc(serviceSlots.startsAt));
  return Ok({
    items: rows.map((r) => bookingView(r.b, r.s, now)),
    waitlist: await Promise.all(entries.map((e) => waitlistView(db, e.id))),
  });
}

/**
 * Slots: what a service offers (generated from its rules, shared/services/rules.ts) merged with
 * the rows that exist once a slot is booked or cancelled, and the two moves that change a
 * slot's places. Places are taken ONLY by `takePlace`, a conditional UPDATE that the database
 * serialises on the slot row — so concurrent bookings of the last place get one success, the
 * rest SLOT_FULL; the CHECK constraint on service_slots backs it up.
 */
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import {
  BOOKING_HORIZON_DAYS,
  type TSlotSpec,
  addDays,
  beijingClock,
  beijingDate,
  beijingInstant,
  findSlot,
  generateSlots,
  offerExpiry,
} from '../../shared/services/rules';
import type { TSlot } from '../../shared/services/schemas';
import type { Db, Tx } from '../_db/client';
import { jsonValue, preparedSql } from '../_db/prepared';
import { serviceSlots, serviceWaitlist, services } from '../_db/schema';
import { BoundedMap } from '../_lib/bounded-map';
import { coalescedRead } from '../_lib/coalesce';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { shared } from '../_lib/http';
import { type ServiceRow, loadRules, rulesColumnsOf, rulesOf } from './catalogue';
import { offerPlace } from './notices';

type Q = Db | Tx;
export type SlotRow = typeof serviceSlots.$inferSelect;

/** Slot rows (booked or cancelled ones) of a service over `days` Beijing dates from `fromDate`. */
function slotRows(db: Q, villageId: string, serviceId: string, fromDate: string, days: number) {
  return db
    .select()
    .from(serviceSlots)
    .where(
      and(
        eq(serviceSlots.serviceId, serviceId),
        eq(serviceSlots.villageId, villageId),
        gte(serviceSlots.startsAt, beijingInstant(fromDate, 0)),
        lt(serviceSlots.startsAt, beijingInstant(addDays(fromDate, days), 0)),
      ),
    );
}

/** What the calendar needs of a slot row: its places and whether it was cancelled. */
type SlotState = { capacity: number; booked: number; held: number; cancelled: boolean };

/** A generated slot with the text the calendar shows of it, made once per set of rules. */
type SlotTemplate = Omit<TSlot, 'capacity' | 'free' | 'status'> & { at: number; capacity: number };

function templatesOf(specs: TSlotSpec[]): SlotTemplate[] {
  return specs.map((spec) => ({
    at: spec.startsAt.getTime(),
    startsAt: spec.startsAt.toISOString(),
    endsAt: spec.endsAt.toISOString(),
    date: spec.date,
    clock: beijingClock(spec.startsAt),
    evening: spec.evening,
    capacity: spec.capacity,
  }));
}

/** A bounded memo: at most `size` entries, the oldest made goes first. */
function memo<V>(size: number) {
  const entries = new BoundedMap<string, V>(size);
  return (key: string, make: () => V): V => {
    let v = entries.get(key);
    if (v === undefined) {
      v = make();
      entries.set(key, v);
    }
    return v;
  };
}

/** A service's rules as JSON text, as a statement read them (rulesColumnsOf with `text`). */
export type RulesText = { slot_minutes: number; hours: string; exceptions: string };

/**
 * The calendar's templates by the rules' text as the database gave it (and the dates asked for):
 * rules change seldom and are read on every calendar read, so making the slots and their text
 * once per set of rules leaves a read only the merge.
 */
const templateMemo = memo<SlotTemplate[]>(512);
function cachedTemplates(row: RulesText, from: string, days: number): SlotTemplate[] {
  return templateMemo(`${row.slot_minutes}|${from}|${days}|${row.hours}|${row.exceptions}`, () =>
    templatesOf(generateSlots({ ...rulesOf(row, row.slot_minutes), fromDate: from, days })),
  );
}

/**
 * The generated slot starting at `startsAt` under these rules, or undefined (not an opening time):
 * findSlot, with each date's slots made once per set of rules (every booking asks).
 */
const daySlotsMemo = memo<Map<number, TSlotSpec>>(512);
export function slotUnderRules(row: RulesText, startsAt: Date): TSlotSpec | undefined {
  const date = beijingDate(startsAt);
  const day = daySlotsMemo(`${row.slot_minutes}|${date}|${row.hours}|${row.exceptions}`, () => {
    const specs = generateSlots({ ...rulesOf(row, row.slot_minutes), fromDate: date, days: 1 });
    return new Map(specs.map((s) => [s.startsAt.getTime(), s]));
  });
  return day.get(startsAt.getTime());
}

/** Generated slots merged with their rows (by start, epoch ms): places left, full, cancelled. Started ones are left out. */
function mergeSlots(templates: SlotTemplate[], rows: Map<number, SlotState>, now: Date): TSlot[] {
  const t = now.getTime();
  const out: TSlot[] = [];
  for (const tpl of templates) {
    if (tpl.at <= t) continue;
    const row = rows.get(tpl.at);
    const capacity = row?.capacity ?? tpl.capacity;
    const free = row ? Math.max(0, capacity - row.booked - row.held) : capacity;
    out.push({
      startsAt: tpl.startsAt,
      endsAt: tpl.endsAt,
      date: tpl.date,
      clock: tpl.clock,
      evening: tpl.evening,
      capacity,
      free: row?.cancelled ? 0 : free,
      status: row?.cancelled ? 'cancelled' : free === 0 ? 'full' : 'open',
    });
  }
  return out;
}

/** The open (not started) slots of a service over `days` Beijing dates from `fromDate`. */
export async function slotsOf(
  db: Q,
  service: ServiceRow,
  fromDate: string,
  days: number,
  now: Date,
): Promise<TSlot[]> {
  // One after the other: `db` may be a transaction, which runs one statement at a time.
  const rules = await loadRules(db, service, fromDate);
  const rows = await slotRows(db, service.villageId, service.id, fromDate, days);
  return mergeSlots(
    templatesOf(generateSlots({ ...rules, fromDate, days })),
    new Map(rows.map((r) => [r.startsAt.getTime(), r])),
    now,
  );
}

/** The calendar: the service with its rules and its slot rows read at once (one round trip). */
/**
 * The slot calendar of a service. It is the same for every member, so concurrent requests share
 * one computation — but only one started after they arrived (api/_lib/coalesce.ts): a place
 * taken before a request came in always shows as taken.
 */
export async function listSlots(
  db: Db,
  villageId: string,
  serviceId: string,
  q: { from?: string; days?: string },
  now?: Date,
): Promise<Outcome<{ items: TSlot[] }>> {
  const today = beijingDate(now ?? new Date());
  const from = q.from && q.from > today ? q.from : today;
  const days = Math.min(Number(q.days ?? 14), BOOKING_HORIZON_DAYS);
  if (now) return computeSlots(db, villageId, serviceId, from, days, now);
  return sharedSlots(db, `${villageId}:${serviceId}:${from}:${days}`, villageId, serviceId, from, days);
}

const sharedSlots = coalescedRead(
  async (db: Db, _key: string, villageId: string, serviceId: string, from: string, days: number) => {
    const out = await computeSlots(db, villageId, serviceId, from, days, new Date());
    // Every request of the batch is answered with this one value: made into JSON once.
    return out.ok ? Ok(shared(out.value)) : out;
  },
);

/**
 * The calendar's one statement, built once (api/_db/prepared.ts): the active service's slot length,
 * weekly hours and exceptions from the first date on, and its slot rows in [lo, hi) as
 * [epoch ms, capacity, booked, held, cancelled] — the hottest read of the API, at a fraction of the
 * server CPU the drizzle builder and its row mapping took.
 */
const calendarStatement = preparedSql(
  () => sql`select s.slot_minutes,
      ${rulesColumnsOf(sql`s.id`, sql`${sql.placeholder('from')}`, { text: true })},
      coalesce((select json_agg(json_build_array((extract(epoch from t.starts_at) * 1000)::bigint,
          t.capacity, t.booked, t.held, t.cancelled))
        from service_slots t
        where t.service_id = s.id and t.village_id = s.village_id
          and t.starts_at >= ${sql.placeholder('lo')}::timestamptz
          and t.starts_at < ${sql.placeholder('hi')}::timestamptz), '[]'::json) as slots
    from services s
    where s.id = ${sql.placeholder('serviceId')} and s.village_id = ${sql.placeholder('villageId')} and s.active`,
);

/** The rules as text: the key of the templates (parsed only when they are made). */
type CalendarRow = RulesText & {
  slots: [number, number, number, number, boolean][] | string;
};

async function computeSlots(
  db: Db,
  villageId: string,
  serviceId: string,
  from: string,
  days: number,
  now: Date,
): Promise<Outcome<{ items: TSlot[] }>> {
  const today = beijingDate(now);
  const { rows } = await calendarStatement<CalendarRow>(db, {
    serviceId,
    villageId,
    from,
    lo: beijingInstant(from, 0).toISOString(),
    hi: beijingInstant(addDays(from, days), 0).toISOString(),
  });
  const row = rows[0];
  if (!row) return Err('NOT_FOUND');
  if (from > addDays(today, BOOKING_HORIZON_DAYS)) return Ok({ items: [] });
  const states = new Map<number, SlotState>();
  for (const [at, capacity, booked, held, cancelled] of jsonValue(row.slots)) {
    states.set(Number(at), { capacity, booked, held, cancelled });
  }
  return Ok({ items: mergeSlots(cachedTemplates(row, from, days), states, now) });
}

/** The generated slot of this service starting at `startsAt`, or SLOT_CLOSED. */
export async function specAt(db: Q, service: ServiceRow, startsAt: Date): Promise<Outcome<TSlotSpec>> {
  const rules = await loadRules(db, service, beijingDate(startsAt));
  const spec = findSlot(rules, startsAt);
  return spec ? Ok(spec) : Err('SLOT_CLOSED');
}

/** The slot row for a generated slot, created on first use. */
export async function ensureSlot(tx: Q, service: ServiceRow, spec: TSlotSpec): Promise<SlotRow> {
  await tx
    .insert(serviceSlots)
    .values({
      serviceId: service.id,
      villageId: service.villageId,
      startsAt: spec.startsAt,
      endsAt: spec.endsAt,
      capacity: spec.capacity,
    })
    .onConflictDoNothing({ target: [serviceSlots.serviceId, serviceSlots.startsAt] });
  const [row] = await tx
    .select()
    .from(serviceSlots)
    .where(and(eq(serviceSlots.serviceId, service.id), eq(serviceSlots.startsAt, spec.startsAt)));
  return row!;
}

/**
 * Takes one place: the only way a place is taken. Under concurrency the UPDATE waits for the
 * row lock and re-checks `booked + held < capacity` on the committed row.
 */
export async function takePlace(tx: Tx, slotId: string): Promise<Outcome<true>> {
  const taken = await tx
    .update(serviceSlots)
    .set({ booked: sql`${serviceSlots.booked} + 1` })
    .where(
      and(
        eq(serviceSlots.id, slotId),
        eq(serviceSlots.cancelled, false),
        sql`${serviceSlots.booked} + ${serviceSlots.held} < ${serviceSlots.capacity}`,
      ),
    )
    .returning({ id: serviceSlots.id });
  if (taken.length === 1) return Ok(true);
  const [row] = await tx
    .select({ cancelled: serviceSlots.cancelled })
    .from(serviceSlots)
    .where(eq(serviceSlots.id, slotId));
  return Err(row?.cancelled ? 'SLOT_CLOSED' : 'SLOT_FULL');
}

/**
 * A place in the slot was given up (`from` 'booked': a booking left; 'held': an offer lapsed or
 * was declined). It goes to the first person still waiting, held for them for a short while and
 * announced; with nobody waiting (or too late to offer) it becomes free.
 */
export async function passOn(tx: Tx, slotId: string, from: 'booked' | 'held', now: Date): Promise<void> {
  const [slot] = await tx.select().from(serviceSlots).where(eq(serviceSlots.id, slotId)).for('update');
  if (!slot) return;
  const release = () =>
    tx
      .update(serviceSlots)
      .set(
        from === 'booked'
          ? { booked: sql`${serviceSlots.booked} - 1` }
          : { held: sql`${serviceSlots.held} - 1` },
      )
      .where(eq(serviceSlots.id, slotId));
  const until = slot.cancelled ? null : offerExpiry(slot.startsAt, now);
  if (!until) return void (await release());
  const [next] = await tx
    .select()
    .from(serviceWaitlist)
    .where(and(eq(serviceWaitlist.slotId, slotId), eq(serviceWaitlist.status, 'waiting')))
    .orderBy(asc(serviceWaitlist.createdAt), asc(serviceWaitlist.id))
    .limit(1)
    .for('update');
  if (!next) return void (await release());
  if (from === 'booked') {
    await tx
      .update(serviceSlots)
      .set({ booked: sql`${serviceSlots.booked} - 1`, held: sql`${serviceSlots.held} + 1` })
      .where(eq(serviceSlots.id, slotId));
  }
  await tx
    .update(serviceWaitlist)
    .set({ status: 'offered', offeredAt: now, offerExpiresAt: until })
    .where(eq(serviceWaitlist.id, next.id));
  const [service] = await tx.select().from(services).where(eq(services.id, slot.serviceId));
  await offerPlace(tx, {
    villageId: slot.villageId,
    entryId: next.id,
    userId: next.userId,
    startsAt: slot.startsAt,
    serviceName: service?.name ?? '办事',
    minutes: Math.round((until.getTime() - now.getTime()) / 60_000),
  });
}

/**
 * The catalogue: a village's services, their weekly hours and dated exceptions.
 * Outcomes:
 * - listServices / serviceDetail: Ok; NOT_FOUND (no such service in this village).
 * - createService: Ok detail; CONFLICT (a service with this name exists).
 * - setHours: Ok detail; NOT_FOUND.
 * - addException: Ok detail; NOT_FOUND. A 'closed' exception cancels the booked slots it covers
 *   and tells the people booked (cancelSlotTx), in the same transaction.
 * - removeException: Ok detail; NOT_FOUND.
 * - updateService: Ok detail; NOT_FOUND; CONFLICT (another active service has this name).
 * - retireService: Ok {id, cancelled, notified}; NOT_FOUND (the service, or the replacement:
 *   not an active bookable service of this village); VALIDATION_FAILED (replaced by itself).
 *   Future slots holding bookings or a waitlist are cancelled through cancelSlotTx, in the same
 *   transaction as the retirement; bookings already under way (started) are left to the desk.
 */
import { type SQL, and, asc, eq, gt, gte, lt, ne, or, sql } from 'drizzle-orm';
import {
  type TServiceException,
  type TWeeklyHours,
  addDays,
  beijingDate,
  beijingInstant,
  minuteOfDay,
} from '../../shared/services/rules';
import type {
  TAddException,
  TCreateService,
  TRetireService,
  TRetiredService,
  TServiceDetail,
  TSetHours,
  TUpdateService,
} from '../../shared/services/schemas';
import type { Db, Tx } from '../_db/client';
import {
  serviceBookings,
  serviceExceptions,
  serviceHours,
  serviceSlots,
  serviceWaitlist,
  services,
} from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { pgCode } from '../_db/errors';
import { jsonValue } from '../_db/prepared';
import { cancelSlotTx } from './slot-cancel';
import { serviceChanges, tellServiceChanged } from './notices';

const SAME_NAME = '已经有同名的服务了';

export type ServiceRow = typeof services.$inferSelect;
type Q = Db | Tx;

/**
 * An active service of the village. Inside a transaction `lock` holds its row to the end:
 * 'key share' for a booking change (many at once), 'update' for a change that cancels bookings
 * (slot cancel, closed day, retire) — the two exclude each other, so a booking never lands on a
 * service being retired, and every path takes service → slot → booking/waitlist in that order.
 */
export async function findService(
  db: Q,
  villageId: string,
  serviceId: string,
  lock?: 'key share' | 'update',
): Promise<ServiceRow | undefined> {
  const q = db
    .select()
    .from(services)
    .where(and(eq(services.id, serviceId), eq(services.villageId, villageId), eq(services.active, true)));
  const [row] = lock ? await q.for(lock === 'update' ? 'update' : 'key share') : await q;
  return row;
}

/** The service's weekly hours and its exceptions from `fromDate` on, as columns of a services select. */
function rulesColumns(fromDate: string) {
  const { hours, exceptions } = rulesSql(sql`"services"."id"`, sql`${fromDate}`);
  return {
    hours: sql<TWeeklyHours[] | string>`${hours}`,
    exceptions: sql<TServiceException[] | string>`${exceptions}`,
  };
}

/**
 * The same two columns (`hours`, `exceptions`) for the service whose id is `serviceId`, in raw SQL;
 * `text`: as their JSON text, unparsed.
 */
export function rulesColumnsOf(serviceId: SQL, fromDate: SQL, opts: { text?: boolean } = {}): SQL {
  const { hours, exceptions } = rulesSql(serviceId, fromDate);
  if (opts.text) return sql`(${hours})::text as hours, (${exceptions})::text as exceptions`;
  return sql`${hours} as hours, ${exceptions} as exceptions`;
}

function rulesSql(serviceId: SQL, fromDate: SQL) {
  return {
    hours: sql`coalesce((select json_agg(json_build_object('weekday', h.weekday,
        'start', h.start, 'end', h."end", 'capacity', h.capacity)) from service_hours h
        where h.service_id = ${serviceId}), '[]'::json)`,
    exceptions: sql`coalesce((select json_agg(json_build_object('date', e.date,
        'kind', e.kind, 'start', e.start, 'end', e."end", 'capacity', e.capacity, 'reason', e.reason))
        from service_exceptions e where e.service_id = ${serviceId} and e.date >= ${fromDate}), '[]'::json)`,
  };
}

/** ServiceRules from the columns of rulesColumns and the service's slot length. */
export function rulesOf(
  row: { hours: TWeeklyHours[] | string; exceptions: TServiceException[] | string },
  slotMinutes: number,
): ServiceRules {
  return { hours: jsonValue(row.hours), exceptions: jsonValue(row.exceptions), slotMinutes };
}

export type ServiceRules = { hours: TWeeklyHours[]; exceptions: TServiceException[]; slotMinutes: number };

/**
 * Weekly hours and the exceptions from `fromDate` on (older ones no longer matter), in one query:
 * it may run inside a transaction, where statements go one at a time.
 */
export async function loadRules(db: Q, service: ServiceRow, fromDate: string): Promise<ServiceRules> {
  const [row] = await db.select(rulesColumns(fromDate)).from(services).where(eq(services.id, service.id));
  if (!row) return { hours: [], exceptions: [], slotMinutes: service.slotMinutes };
  return rulesOf(row, service.slotMinutes);
}

const hasEveningHours = (hours: { start: string }[]) => hours.some((h) => minuteOfDay(h.start) >= 18 * 60);

export function serviceView(s: ServiceRow, hours: { start: string }[]) {
  return {
    id: s.id,
    name: s.name,
    icon: s.icon,
    summary: s.summary,
    materials: s.materials,
    durationMinutes: s.durationMinutes,
    servedBy: s.servedBy,
    bookable: s.bookable,
    errand: s.errand,
    slotMinutes: s.slotMinutes,
    cutoffMinutes: s.cutoffMinutes,
    hasEvening: hasEveningHours(hours),
  };
}

export async function listServices(db: Db, villageId: string) {
  const rows = await db
    .select({
      s: services,
      // One query: whether any weekly window starts at or after 18:00 (夜间办公).
      evening: sql<boolean>`exists (select 1 from service_hours h where h.service_id = "services"."id"
        and h.start >= '18:00')`,
    })
    .from(services)
    .where(and(eq(services.villageId, villageId), eq(services.active, true)))
    .orderBy(asc(services.sortOrder), asc(services.name));
  return Ok({ items: rows.map((r) => ({ ...serviceView(r.s, []), hasEvening: r.evening === true })) });
}

export async function serviceDetail(
  db: Q,
  villageId: string,
  serviceId: string,
  now = new Date(),
): Promise<Outcome<TServiceDetail>> {
  const s = await findService(db, villageId, serviceId);
  if (!s) return Err('NOT_FOUND');
  const hours = await db
    .select()
    .from(serviceHours)
    .where(eq(serviceHours.serviceId, s.id))
    .orderBy(asc(serviceHours.weekday), asc(serviceHours.start));
  const exceptions = await db
    .select()
    .from(serviceExceptions)
    .where(and(eq(serviceExceptions.serviceId, s.id), gte(serviceExceptions.date, beijingDate(now))))
    .orderBy(asc(serviceExceptions.date), asc(serviceExceptions.start));
  return Ok({
    ...serviceView(s, hours),
    hours: hours.map((h) => ({ weekday: h.weekday, start: h.start, end: h.end, capacity: h.capacity })),
    exceptions: exceptions.map((e) => ({
      id: e.id,
      date: e.date,
      kind: e.kind,
      start: e.start,
      end: e.end,
      capacity: e.capacity,
      reason: e.reason,
    })),
  });
}

type StaffCtx = { userId: string; villageId: string; requestId: string };

export async function createService(
  db: Db,
  c: StaffCtx,
  input: TCreateService,
): Promise<Outcome<TServiceDetail>> {
  const [dup] = await db
    .select({ id: services.id })
    .from(services)
    .where(
      and(eq(services.villageId, c.villageId), eq(services.name, input.name), eq(services.active, true)),
    );
  if (dup) return Err('CONFLICT', SAME_NAME);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(services)
      .values({ villageId: c.villageId, ...input, sortOrder: 100 })
      .returning();
    await audit(tx, {
      actorUserId: c.userId,
      action: 'service.create',
      targetType: 'service',
      targetId: row!.id,
      villageId: c.villageId,
      requestId: c.requestId,
      details: { name: input.name },
    });
    return serviceDetail(tx, c.villageId, row!.id);
  });
}

/** Replaces the weekly hours. Slots already booked keep their place count (their rows exist). */
export async function setHours(
  db: Db,
  c: StaffCtx,
  serviceId: string,
  input: TSetHours,
): Promise<Outcome<TServiceDetail>> {
  return db.transaction(async (tx) => {
    const s = await findService(tx, c.villageId, serviceId);
    if (!s) return Err('NOT_FOUND');
    await tx.delete(serviceHours).where(eq(serviceHours.serviceId, s.id));
    if (input.hours.length > 0) {
      await tx.insert(serviceHours).values(input.hours.map((h) => ({ serviceId: s.id, ...h })));
    }
    const change: Partial<ServiceRow> = {};
    if (input.slotMinutes !== undefined) change.slotMinutes = input.slotMinutes;
    if (input.cutoffMinutes !== undefined) change.cutoffMinutes = input.cutoffMinutes;
    if (Object.keys(change).length > 0) await tx.update(services).set(change).where(eq(services.id, s.id));
    await audit(tx, {
      actorUserId: c.userId,
      action: 'service.hours',
      targetType: 'service',
      targetId: s.id,
      villageId: c.villageId,
      requestId: c.requestId,
      details: { windows: input.hours.length, ...change },
    });
    return serviceDetail(tx, c.villageId, s.id);
  });
}

export async function addException(
  db: Db,
  c: StaffCtx,
  serviceId: string,
  input: TAddException,
  now = new Date(),
): Promise<Outcome<TServiceDetail & { cancelledBookings: number }>> {
  return db.transaction(async (tx) => {
    const s = await findService(tx, c.villageId, serviceId, input.kind === 'closed' ? 'update' : undefined);
    if (!s) return Err('NOT_FOUND');
    const [row] = await tx
      .insert(serviceExceptions)
      .values({
        serviceId: s.id,
        date: input.date,
        kind: input.kind,
        start: input.start ?? null,
        end: input.end ?? null,
        capacity: input.kind === 'extra' ? (input.capacity ?? 1) : null,
        reason: input.reason,
        createdBy: c.userId,
      })
      .returning({ id: serviceExceptions.id });
    let cancelledBookings = 0;
    if (input.kind === 'closed') {
      // Slots already holding bookings inside the closed time are cancelled, and their people told.
      const from = beijingInstant(input.date, input.start ? minuteOfDay(input.start) : 0);
      const to = input.end
        ? beijingInstant(input.date, minuteOfDay(input.end))
        : beijingInstant(addDays(input.date, 1), 0);
      const hit = await tx
        .select({ startsAt: serviceSlots.startsAt, endsAt: serviceSlots.endsAt })
        .from(serviceSlots)
        .where(
          and(
            eq(serviceSlots.serviceId, s.id),
            eq(serviceSlots.cancelled, false),
            lt(serviceSlots.startsAt, to),
            gt(serviceSlots.endsAt, from),
            gt(serviceSlots.startsAt, now),
          ),
        );
      for (const slot of hit) {
        const r = await cancelSlotTx(tx, {
          ...c,
          service: s,
          startsAt: slot.startsAt,
          reason: input.reason,
          now,
        });
        cancelledBookings += r.cancelled;
      }
    }
    await audit(tx, {
      actorUserId: c.userId,
      action: 'service.exception.add',
      targetType: 'service',
      targetId: s.id,
      villageId: c.villageId,
      requestId: c.requestId,
      details: { exceptionId: row!.id, ...input, cancelledBookings },
    });
    const detail = await serviceDetail(tx, c.villageId, s.id, now);
    return detail.ok ? Ok({ ...detail.value, cancelledBookings }) : detail;
  });
}

export async function removeException(
  db: Db,
  c: StaffCtx,
  serviceId: string,
  exceptionId: string,
): Promise<Outcome<TServiceDetail>> {
  return db.transaction(async (tx) => {
    const s = await findService(tx, c.villageId, serviceId);
    if (!s) return Err('NOT_FOUND');
    const gone = await tx
      .delete(serviceExceptions)
      .where(and(eq(serviceExceptions.id, exceptionId), eq(serviceExceptions.serviceId, s.id)))
      .returning({ id: serviceExceptions.id });
    if (gone.length === 0) return Err('NOT_FOUND');
    await audit(tx, {
      actorUserId: c.userId,
      action: 'service.exception.remove',
      targetType: 'service',
      targetId: s.id,
      villageId: c.villageId,
      requestId: c.requestId,
      details: { exceptionId },
    });
    return serviceDetail(tx, c.villageId, s.id);
  });
}

export async function updateService(
  db: Db,
  c: StaffCtx,
  serviceId: string,
  input: TUpdateService,
): Promise<Outcome<TServiceDetail>> {
  const change = Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined),
  ) as TUpdateService;
  try {
    return await db.transaction(async (tx) => {
      const s = await findService(tx, c.villageId, serviceId, 'update');
      if (!s) return Err('NOT_FOUND');
      if (change.name !== undefined && change.name !== s.name) {
        const [dup] = await tx
          .select({ id: services.id })
          .from(services)
          .where(
            and(
              eq(services.villageId, c.villageId),
              eq(services.name, change.name),
              eq(services.active, true),
              ne(services.id, s.id),
            ),
          );
        if (dup) return Err('CONFLICT', SAME_NAME);
      }
      const changed = Object.fromEntries(
        Object.entries(change).filter(
          ([k, v]) => JSON.stringify(v) !== JSON.stringify(s[k as keyof ServiceRow]),
        ),
      );
      if (Object.keys(changed).length > 0) {
        await tx.update(services).set(changed).where(eq(services.id, s.id));
        // People with a booking still to come hear what changed that matters to them.
        const lines = serviceChanges(changed as TUpdateService);
        if (lines.length > 0) {
          const booked = await tx
            .selectDistinct({ userId: serviceBookings.userId })
            .from(serviceBookings)
            .where(
              and(
                eq(serviceBookings.serviceId, s.id),
                eq(serviceBookings.status, 'booked'),
                gt(serviceBookings.startsAt, new Date()),
              ),
            );
          if (booked.length > 0) {
            await tellServiceChanged(tx, {
              villageId: c.villageId,
              serviceId: s.id,
              serviceName: s.name,
              lines,
              userIds: booked.map((b) => b.userId),
            });
          }
        }
        await audit(tx, {
          actorUserId: c.userId,
          action: 'service.update',
          targetType: 'service',
          targetId: s.id,
          villageId: c.villageId,
          requestId: c.requestId,
          details: {
            changed: Object.fromEntries(
              Object.keys(changed).map((k) => [k, { from: s[k as keyof ServiceRow], to: changed[k] }]),
            ),
          },
        });
      }
      return serviceDetail(tx, c.villageId, s.id);
    });
  } catch (e) {
    // Two renames to one name at once: the unique index refuses the second.
    if (pgCode(e) === '23505') return Err('CONFLICT', SAME_NAME);
    throw e;
  }
}

export async function retireService(
  db: Db,
  c: StaffCtx,
  serviceId: string,
  input: TRetireService,
  now = new Date(),
): Promise<Outcome<TRetiredService>> {
  if (input.replacementId === serviceId) return Err('VALIDATION_FAILED', '不能用这项服务替代它自己');
  return db.transaction(async (tx) => {
    // Held to the end: bookings of this service (key share) wait, then find it retired.
    const s = await findService(tx, c.villageId, serviceId, 'update');
    if (!s) return Err('NOT_FOUND');
    let replacement: ServiceRow | null = null;
    if (input.replacementId) {
      const r = await findService(tx, c.villageId, input.replacementId);
      if (!r?.bookable) return Err('NOT_FOUND', '没有找到替代的服务');
      replacement = r;
    }
    await tx
      .update(services)
      .set({ active: false, retiredAt: now, retiredReason: input.reason })
      .where(eq(services.id, s.id));
    // Future slots with someone in them: booked, held for an offer, or waited for.
    const hit = await tx
      .select({ startsAt: serviceSlots.startsAt })
      .from(serviceSlots)
      .where(
        and(
          eq(serviceSlots.serviceId, s.id),
          eq(serviceSlots.cancelled, false),
          gt(serviceSlots.startsAt, now),
          or(
            gt(sql`${serviceSlots.booked} + ${serviceSlots.held}`, 0),
            sql`exists (select 1 from ${serviceWaitlist} w where w.slot_id = ${serviceSlots.id}
              and w.status in ('waiting', 'offered'))`,
          ),
        ),
      )
      .orderBy(asc(serviceSlots.startsAt));
    let cancelled = 0;
    let notified = 0;
    for (const slot of hit) {
      const r = await cancelSlotTx(tx, {
        ...c,
        service: s,
        startsAt: slot.startsAt,
        reason: `这项服务不再办理：${input.reason}`,
        now,
        nextFrom: replacement,
      });
      cancelled += r.cancelled;
      notified += r.notified;
    }
    await audit(tx, {
      actorUserId: c.userId,
      action: 'service.retire',
      targetType: 'service',
      targetId: s.id,
      villageId: c.villageId,
      requestId: c.requestId,
      details: {
        name: s.name,
        reason: input.reason,
        replacementId: replacement?.id ?? null,
        slots: hit.length,
        cancelledBookings: cancelled,
        notified,
      },
    });
    return Ok({ id: s.id, cancelled, notified });
  });
}

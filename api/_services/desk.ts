/**
 * The service desk (cadres): a day's bookings with each villager's earlier no-shows, check-in by
 * booking code or from the list (by name), done, no-show; cancelling a slot.
 * Outcomes:
 * - deskDay: Ok.
 * - deskAction: Ok entry; NOT_FOUND; TRANSITION_NOT_ALLOWED (not in a state that allows it, e.g.
 *   already done, cancelled; no-show before the slot started).
 * - checkInByCode: Ok entry; NOT_FOUND (no active booking with this code here).
 * - cancelSlot: Ok {cancelled, notified}; NOT_FOUND (service); SLOT_CLOSED (not an opening time);
 *   SLOT_PAST.
 * Repeated no-shows are shown (`repeatedNoShow`), never acted on by the system.
 */
import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { REPEATED_NO_SHOWS, addDays, beijingDate, beijingInstant } from '../../shared/services/rules';
import { maskPhone } from '../../shared/format';
import type { DeskAction, TDeskDay, TDeskEntry } from '../../shared/services/schemas';
import type { Db } from '../_db/client';
import { serviceBookings, services, users } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { bookingView } from './bookings';
import { findService } from './catalogue';
import { cancelSlotTx } from './slot-cancel';

type Staff = { userId: string; villageId: string; requestId: string };

const noShowCount = sql<number>`(select count(*)::int from service_bookings ns
  where ns.user_id = ${serviceBookings.userId} and ns.village_id = ${serviceBookings.villageId}
  and ns.status = 'no_show')`;

async function entries(
  db: Db,
  villageId: string,
  where: ReturnType<typeof and>,
  now: Date,
): Promise<TDeskEntry[]> {
  const rows = await db
    .select({
      b: serviceBookings,
      s: services,
      name: users.displayName,
      phone: users.phone,
      noShows: noShowCount,
    })
    .from(serviceBookings)
    .innerJoin(services, eq(services.id, serviceBookings.serviceId))
    .innerJoin(users, eq(users.id, serviceBookings.userId))
    .where(and(eq(serviceBookings.villageId, villageId), where))
    .orderBy(asc(serviceBookings.startsAt), asc(users.displayName));
  return rows.map((r) => ({
    ...bookingView(r.b, r.s, now),
    villagerName: r.name,
    villagerPhone: maskPhone(r.phone),
    noShows: r.noShows,
    repeatedNoShow: r.noShows >= REPEATED_NO_SHOWS,
  }));
}

export async function deskDay(
  db: Db,
  villageId: string,
  date: string | undefined,
  now = new Date(),
): Promise<Outcome<TDeskDay>> {
  const day = date ?? beijingDate(now);
  const items = await entries(
    db,
    villageId,
    and(
      gte(serviceBookings.startsAt, beijingInstant(day, 0)),
      lt(serviceBookings.startsAt, beijingInstant(addDays(day, 1), 0)),
      inArray(serviceBookings.status, ['booked', 'checked_in', 'done', 'no_show']),
    ),
    now,
  );
  return Ok({ date: day, items });
}

const FROM: Record<DeskAction, ('booked' | 'checked_in')[]> = {
  check_in: ['booked'],
  done: ['booked', 'checked_in'],
  no_show: ['booked'],
};
const TO = { check_in: 'checked_in', done: 'done', no_show: 'no_show' } as const;

export async function deskAction(
  db: Db,
  c: Staff,
  bookingId: string,
  action: DeskAction,
  now = new Date(),
): Promise<Outcome<TDeskEntry>> {
  const [b] = await db
    .select({ id: serviceBookings.id, startsAt: serviceBookings.startsAt })
    .from(serviceBookings)
    .where(and(eq(serviceBookings.id, bookingId), eq(serviceBookings.villageId, c.villageId)));
  if (!b) return Err('NOT_FOUND');
  if (action === 'no_show' && b.startsAt > now)
    return Err('TRANSITION_NOT_ALLOWED', '还没到预约时间，不能记为没来');
  const moved = await db.transaction(async (tx) => {
    // Compare-and-set: two staff tapping at once move it once.
    const [row] = await tx
      .update(serviceBookings)
      .set({
        status: TO[action],
        deskUserId: c.userId,
        ...(action === 'check_in' ? { checkedInAt: now } : { finishedAt: now }),
      })
      .where(and(eq(serviceBookings.id, bookingId), inArray(serviceBookings.status, FROM[action])))
      .returning({ id: serviceBookings.id });
    if (!row) return false;
    await audit(tx, {
      actorUserId: c.userId,
      action: `service.desk.${action}`,
      targetType: 'service_booking',
      targetId: bookingId,
      villageId: c.villageId,
      requestId: c.requestId,
    });
    return true;
  });
  if (!moved) return Err('TRANSITION_NOT_ALLOWED');
  const [entry] = await entries(db, c.villageId, eq(serviceBookings.id, bookingId), now);
  return Ok(entry!);
}

export async function checkInByCode(
  db: Db,
  c: Staff,
  code: string,
  now = new Date(),
): Promise<Outcome<TDeskEntry>> {
  const [b] = await db
    .select({ id: serviceBookings.id })
    .from(serviceBookings)
    .where(
      and(
        eq(serviceBookings.villageId, c.villageId),
        eq(serviceBookings.code, code),
        eq(serviceBookings.status, 'booked'),
      ),
    );
  if (!b) return Err('NOT_FOUND', '没有找到这个预约码');
  return deskAction(db, c, b.id, 'check_in', now);
}

export async function cancelSlot(
  db: Db,
  c: Staff & { serviceId: string },
  startsAtIso: string,
  reason: string,
  now = new Date(),
): Promise<Outcome<{ cancelled: number; notified: number }>> {
  const startsAt = new Date(startsAtIso);
  if (startsAt <= now) return Err('SLOT_PAST');
  return db.transaction(async (tx) => {
    const service = await findService(tx, c.villageId, c.serviceId, 'update');
    if (!service) return Err('NOT_FOUND');
    const r = await cancelSlotTx(tx, { ...c, service, startsAt, reason, now });
    if (!r.found) return Err('SLOT_CLOSED');
    return Ok({ cancelled: r.cancelled, notified: r.notified });
  });
}

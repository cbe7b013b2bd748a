/**
 * The services job (cron /api/cron/services, `npm run jobs:services`): booking reminders the day
 * before (kind 'booking_day_before') and two hours before ('booking_near'), and waitlist offers that lapsed passed on
 * to the next person. Idempotent: each reminder is claimed with a conditional UPDATE (… WHERE
 * reminded_x_at IS NULL) in the same transaction as its notify(), so two runs at once, or a run
 * repeated, send each reminder once. `now` is a parameter so tests drive the clock.
 */
import { and, eq, gt, inArray, isNull, lte, or } from 'drizzle-orm';
import { REMIND_DAY_BEFORE_MS, dueReminder } from '../../shared/services/rules';
import type { Db } from '../_db/client';
import { serviceBookings, serviceSlots, serviceWaitlist, services } from '../_db/schema';
import { remindBooking } from './notices';
import { passOn } from './slots';

export type ServicesJobResult = { dayBefore: number; near: number; offersExpired: number; ms: number };

const BATCH = 500;

export async function runServicesJob(
  deps: { db: Db },
  opts: { now?: Date } = {},
): Promise<ServicesJobResult> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const db = deps.db;
  const result = { dayBefore: 0, near: 0, offersExpired: 0 };

  const candidates = await db
    .select({ b: serviceBookings, name: services.name, servedBy: services.servedBy })
    .from(serviceBookings)
    .innerJoin(services, eq(services.id, serviceBookings.serviceId))
    .where(
      and(
        eq(serviceBookings.status, 'booked'),
        gt(serviceBookings.startsAt, now),
        lte(serviceBookings.startsAt, new Date(now.getTime() + REMIND_DAY_BEFORE_MS)),
        or(isNull(serviceBookings.remindedDayAt), isNull(serviceBookings.remindedNearAt)),
      ),
    )
    .limit(BATCH);
  for (const { b, name, servedBy } of candidates) {
    const due = dueReminder(b, now);
    if (!due) continue;
    const column = due === 'near' ? serviceBookings.remindedNearAt : serviceBookings.remindedDayAt;
    const sent = await db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(serviceBookings)
        .set(due === 'near' ? { remindedNearAt: now } : { remindedDayAt: now })
        .where(and(eq(serviceBookings.id, b.id), isNull(column), eq(serviceBookings.status, 'booked')))
        .returning({ id: serviceBookings.id });
      if (!claimed) return false;
      await remindBooking(tx, b, { name, servedBy }, due);
      return true;
    });
    if (sent) result[due === 'near' ? 'near' : 'dayBefore']++;
  }

  const lapsed = await db
    .select({ id: serviceWaitlist.id, slotId: serviceWaitlist.slotId })
    .from(serviceWaitlist)
    .where(and(eq(serviceWaitlist.status, 'offered'), lte(serviceWaitlist.offerExpiresAt, now)))
    .limit(BATCH);
  for (const { id, slotId } of lapsed) {
    const passed = await db.transaction(async (tx) => {
      // The slot first, then its waitlist: the order a village cancelling the slot takes them in.
      await tx
        .select({ id: serviceSlots.id })
        .from(serviceSlots)
        .where(eq(serviceSlots.id, slotId))
        .for('update');
      const [w] = await tx
        .update(serviceWaitlist)
        .set({ status: 'expired' })
        .where(and(eq(serviceWaitlist.id, id), inArray(serviceWaitlist.status, ['offered'])))
        .returning({ slotId: serviceWaitlist.slotId });
      if (!w) return false;
      await passOn(tx, w.slotId, 'held', now);
      return true;
    });
    if (passed) result.offersExpired++;
  }
  return { ...result, ms: Date.now() - started };
}

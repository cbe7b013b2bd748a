/**
 * The services job (cron /api/cron/services, `npm run jobs:services`): booking reminders the day
 * before and two hours before (kind 'booking_near'), and waitlist offers that lapsed passed on
 * to the next person. Idempotent: each reminder is claimed with a conditional UPDATE (… WHERE
 * reminded_x_at IS NULL) in the same transaction as its notify(), so two runs at once, or a run
 * repeated, send each reminder once. `now` is a parameter so tests drive the clock.
 */
import { and, eq, gt, inArray, isNull, lte, or } from 'drizzle-orm';
import { REMIND_DAY_BEFORE_MS, dueReminder, slotLabel, wechatTime } from '../../shared/services/rules';
import type { Db } from '../_db/client';
import { serviceBookings, serviceWaitlist, services } from '../_db/schema';
import { notify } from '../_notices/notify';
import { BOOKINGS_PAGE, passOn } from './slots';

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
      const when = due === 'near' ? '两小时后' : '明天';
      await notify(tx, {
        kind: 'booking_near',
        villageId: b.villageId,
        audience: { type: 'users', userIds: [b.userId] },
        title: `${when}办事：${name}`,
        summary: `${slotLabel(b.startsAt)}，预约码 ${b.code}${servedBy ? `，${servedBy}接待` : ''}。请带齐材料。`,
        objectType: 'service_booking',
        objectId: b.id,
        page: BOOKINGS_PAGE,
        collapseKey: `service_booking:${b.id}:${due}`,
        fields: {
          title: name,
          time: wechatTime(b.startsAt),
          place: '村便民服务站',
          note: `预约码 ${b.code}`,
        },
      });
      return true;
    });
    if (sent) result[due === 'near' ? 'near' : 'dayBefore']++;
  }

  const lapsed = await db
    .select({ id: serviceWaitlist.id })
    .from(serviceWaitlist)
    .where(and(eq(serviceWaitlist.status, 'offered'), lte(serviceWaitlist.offerExpiresAt, now)))
    .limit(BATCH);
  for (const { id } of lapsed) {
    const passed = await db.transaction(async (tx) => {
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

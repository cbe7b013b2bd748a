/**
 * Every notification the services capability sends, each with its own kind (shared/notices/rules.ts),
 * so a villager can choose them one by one and each has its own subscribe-message template:
 * - booking_day_before / booking_near: the reminders (services job);
 * - booking_cancelled: the village cancelled a booking or a waitlist place (slot cancelled, day
 *   closed, service retired), with the next free slots to move to;
 * - waitlist_offered: a freed place is held for the first on the waitlist for a short while;
 * - booking_rescheduled: a receipt of the new time and the booking code;
 * - service_changed: a booked service changed what matters to someone coming (what to bring, who
 *   serves, how long it takes, its name), so nobody makes the trip unprepared.
 * Each is written with notify() inside the caller's transaction.
 */
import type { NotifyKind } from '../../shared/notices/rules';
import { type ReminderKind, slotLabel, wechatTime } from '../../shared/services/rules';
import type { Tx } from '../_db/client';
import { notify } from '../_notices/notify';

/** The mini-program page a booking notification opens (我的预约 of the village). */
export const bookingsPage = (villageId: string) =>
  `/subpackages/services/bookings/index?villageId=${villageId}`;

const PLACE = '村便民服务站';

export const REMINDER_KINDS: Record<ReminderKind, NotifyKind> = {
  day_before: 'booking_day_before',
  near: 'booking_near',
};

type BookingRef = { id: string; villageId: string; userId: string; startsAt: Date; code: string };
type ServiceRef = { name: string; servedBy: string };

export function remindBooking(tx: Tx, b: BookingRef, s: ServiceRef, due: ReminderKind) {
  const when = due === 'near' ? '两小时后' : '明天';
  return notify(tx, {
    kind: REMINDER_KINDS[due],
    villageId: b.villageId,
    audience: { type: 'users', userIds: [b.userId] },
    title: `${when}办事：${s.name}`,
    summary: `${slotLabel(b.startsAt)}，预约码 ${b.code}${s.servedBy ? `，${s.servedBy}接待` : ''}。请带齐材料。`,
    objectType: 'service_booking',
    objectId: b.id,
    page: bookingsPage(b.villageId),
    collapseKey: `service_booking:${b.id}:${due}`,
    fields: { title: s.name, time: wechatTime(b.startsAt), place: PLACE, note: `预约码 ${b.code}` },
  });
}

/**
 * The village cancelled a slot: `booked` lose their booking, `waiting` their waitlist place.
 * `offer` is what they can do instead (the next free slots, or whom to ask).
 */
export async function tellCancelled(
  tx: Tx,
  c: {
    villageId: string;
    slotId: string;
    startsAt: Date;
    serviceName: string;
    reason: string;
    offer: string;
    booked: string[];
    waiting: string[];
    urgent: boolean;
  },
): Promise<number> {
  let recipients = 0;
  for (const [who, title] of [
    [c.booked, `预约取消了：${c.serviceName}`],
    [c.waiting, `排队取消了：${c.serviceName}`],
  ] as const) {
    if (who.length === 0) continue;
    const r = await notify(tx, {
      kind: 'booking_cancelled',
      villageId: c.villageId,
      audience: { type: 'users', userIds: [...who] },
      title,
      summary: `${slotLabel(c.startsAt)} 不办理了（${c.reason}）。${c.offer}`,
      objectType: 'service_slot',
      objectId: c.slotId,
      page: bookingsPage(c.villageId),
      urgent: c.urgent,
      fields: { title: c.serviceName, time: wechatTime(c.startsAt), note: `取消：${c.reason}` },
    });
    recipients += r.recipients;
  }
  return recipients;
}

export function offerPlace(
  tx: Tx,
  o: {
    villageId: string;
    entryId: string;
    userId: string;
    startsAt: Date;
    serviceName: string;
    minutes: number;
  },
) {
  return notify(tx, {
    kind: 'waitlist_offered',
    villageId: o.villageId,
    audience: { type: 'users', userIds: [o.userId] },
    title: `有空位了：${o.serviceName}`,
    summary: `${slotLabel(o.startsAt)} 空出一个位置，给您留${o.minutes}分钟，请尽快确认`,
    objectType: 'service_waitlist',
    objectId: o.entryId,
    page: bookingsPage(o.villageId),
    fields: {
      title: o.serviceName,
      time: wechatTime(o.startsAt),
      note: `空出一个位置，${o.minutes}分钟内确认`,
    },
  });
}

export function tellRescheduled(tx: Tx, b: BookingRef, s: ServiceRef, from: Date) {
  return notify(tx, {
    kind: 'booking_rescheduled',
    villageId: b.villageId,
    audience: { type: 'users', userIds: [b.userId] },
    title: `改好时间了：${s.name}`,
    summary: `新的时间 ${slotLabel(b.startsAt)}（原来 ${slotLabel(from)}），预约码还是 ${b.code}。`,
    objectType: 'service_booking',
    objectId: b.id,
    page: bookingsPage(b.villageId),
    collapseKey: `service_booking:${b.id}:moved`,
    fields: { title: s.name, time: wechatTime(b.startsAt), place: PLACE, note: `预约码 ${b.code}` },
  });
}

/** What changed, in the words a villager reads, one line per field that matters to them. */
export function serviceChanges(changed: {
  name?: string;
  materials?: string[];
  servedBy?: string;
  durationMinutes?: number;
}): string[] {
  const lines: string[] = [];
  if (changed.materials !== undefined) {
    lines.push(changed.materials.length ? `要带的材料：${changed.materials.join('、')}` : '不用带材料了');
  }
  if (changed.servedBy !== undefined) lines.push(`接待人：${changed.servedBy}`);
  if (changed.durationMinutes !== undefined) lines.push(`办理大约要 ${changed.durationMinutes} 分钟`);
  if (changed.name !== undefined) lines.push(`名称改为：${changed.name}`);
  return lines;
}

/** Everyone holding a booking still to come hears what changed (the caller's transaction). */
export function tellServiceChanged(
  tx: Tx,
  c: { villageId: string; serviceId: string; serviceName: string; lines: string[]; userIds: string[] },
) {
  return notify(tx, {
    kind: 'service_changed',
    villageId: c.villageId,
    audience: { type: 'users', userIds: c.userIds },
    title: `你预约的「${c.serviceName}」有变化`,
    summary: c.lines.join('；'),
    objectType: 'service',
    objectId: c.serviceId,
    page: bookingsPage(c.villageId),
    fields: { title: c.serviceName, note: c.lines[0] ?? '' },
  });
}

/**
 * The village cancels a slot (a cadre called away, a closed day): every active booking in it is
 * cancelled, the people booked are told — with the next free slots of the same service offered —
 * and the waitlist for it is closed. One transaction with the caller's change.
 */
import { and, eq, inArray } from 'drizzle-orm';
import {
  BOOKING_HORIZON_DAYS,
  NEXT_FREE_OFFERED,
  beijingDate,
  slotLabel,
  wechatTime,
} from '../../shared/services/rules';
import type { Tx } from '../_db/client';
import { serviceBookings, serviceSlots, serviceWaitlist } from '../_db/schema';
import { audit } from '../_lib/audit';
import { notify } from '../_notices/notify';
import type { ServiceRow } from './catalogue';
import { BOOKINGS_PAGE, ensureSlot, slotsOf, specAt } from './slots';

export async function cancelSlotTx(
  tx: Tx,
  c: {
    userId: string;
    villageId: string;
    requestId: string;
    service: ServiceRow;
    startsAt: Date;
    reason: string;
    now: Date;
  },
): Promise<{ cancelled: number; notified: number; found: boolean }> {
  let [slot] = await tx
    .select()
    .from(serviceSlots)
    .where(and(eq(serviceSlots.serviceId, c.service.id), eq(serviceSlots.startsAt, c.startsAt)))
    .for('update');
  if (!slot) {
    const spec = await specAt(tx, c.service, c.startsAt);
    if (!spec.ok) return { cancelled: 0, notified: 0, found: false };
    const created = await ensureSlot(tx, c.service, spec.value);
    [slot] = await tx.select().from(serviceSlots).where(eq(serviceSlots.id, created.id)).for('update');
  }
  if (!slot) return { cancelled: 0, notified: 0, found: false };
  const gone = await tx
    .update(serviceBookings)
    .set({ status: 'cancelled', cancelledAt: c.now, cancelledBy: c.userId, cancelReason: c.reason })
    .where(
      and(eq(serviceBookings.slotId, slot.id), inArray(serviceBookings.status, ['booked', 'checked_in'])),
    )
    .returning({ id: serviceBookings.id, userId: serviceBookings.userId });
  await tx
    .update(serviceSlots)
    .set({ cancelled: true, cancelReason: c.reason, booked: 0, held: 0 })
    .where(eq(serviceSlots.id, slot.id));
  await tx
    .update(serviceWaitlist)
    .set({ status: 'expired' })
    .where(and(eq(serviceWaitlist.slotId, slot.id), inArray(serviceWaitlist.status, ['waiting', 'offered'])));

  let notified = 0;
  if (gone.length > 0) {
    const next = (await slotsOf(tx, c.service, beijingDate(c.now), BOOKING_HORIZON_DAYS, c.now))
      .filter((s) => s.status === 'open' && s.startsAt !== slot!.startsAt.toISOString())
      .slice(0, NEXT_FREE_OFFERED);
    const offer = next.length
      ? `可以改约：${next.map((s) => slotLabel(new Date(s.startsAt))).join('、')}`
      : '近期没有空位，请联系村里';
    const r = await notify(tx, {
      kind: 'booking_near',
      villageId: c.villageId,
      audience: { type: 'users', userIds: gone.map((g) => g.userId) },
      title: `预约取消了：${c.service.name}`,
      summary: `${slotLabel(slot.startsAt)} 不办理了（${c.reason}）。${offer}`,
      objectType: 'service_slot',
      objectId: slot.id,
      page: BOOKINGS_PAGE,
      urgent: slot.startsAt.getTime() - c.now.getTime() < 12 * 3600_000,
      fields: {
        title: c.service.name,
        time: wechatTime(slot.startsAt),
        place: '村便民服务站',
        note: `时段取消：${c.reason}`,
      },
    });
    notified = r.recipients;
  }
  await audit(tx, {
    actorUserId: c.userId,
    action: 'service.slot.cancel',
    targetType: 'service_slot',
    targetId: slot.id,
    villageId: c.villageId,
    requestId: c.requestId,
    details: { startsAt: slot.startsAt.toISOString(), reason: c.reason, bookings: gone.length },
  });
  return { cancelled: gone.length, notified, found: true };
}

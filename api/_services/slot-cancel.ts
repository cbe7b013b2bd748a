/**
 * The village cancels a slot (a cadre called away, a closed day, the service retired): every
 * active booking in it is cancelled, the waitlist for it is closed, and the people booked or
 * waiting are told (kind booking_cancelled) — with the next free slots offered: of the same
 * service, or of the one that replaces a retired service (`nextFrom`; null: none, ask the
 * village). One transaction with the caller's change; the caller holds the service row
 * (findService … lock 'update') so the slot, bookings and waitlist are always locked in one order.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { BOOKING_HORIZON_DAYS, NEXT_FREE_OFFERED, beijingDate, slotLabel } from '../../shared/services/rules';
import type { Tx } from '../_db/client';
import { serviceBookings, serviceSlots, serviceWaitlist } from '../_db/schema';
import { audit } from '../_lib/audit';
import type { ServiceRow } from './catalogue';
import { tellCancelled } from './notices';
import { ensureSlot, slotsOf, specAt } from './slots';

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
    /** Whose next free slots to offer: default the same service; null offers none. */
    nextFrom?: ServiceRow | null;
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
  const waiting = await tx
    .update(serviceWaitlist)
    .set({ status: 'expired' })
    .where(and(eq(serviceWaitlist.slotId, slot.id), inArray(serviceWaitlist.status, ['waiting', 'offered'])))
    .returning({ userId: serviceWaitlist.userId });

  let notified = 0;
  if (gone.length > 0 || waiting.length > 0) {
    const from = c.nextFrom === undefined ? c.service : c.nextFrom;
    const next = from
      ? (await slotsOf(tx, from, beijingDate(c.now), BOOKING_HORIZON_DAYS, c.now))
          .filter(
            (s) =>
              s.status === 'open' &&
              !(from.id === c.service.id && s.startsAt === slot!.startsAt.toISOString()),
          )
          .slice(0, NEXT_FREE_OFFERED)
      : [];
    const where = from && from.id !== c.service.id ? `到“${from.name}”` : '';
    const offer = next.length
      ? `可以改约${where}：${next.map((s) => slotLabel(new Date(s.startsAt))).join('、')}`
      : from
        ? '近期没有空位，请联系村里'
        : '这项服务不再办理，有事请联系村里';
    notified = await tellCancelled(tx, {
      villageId: c.villageId,
      slotId: slot.id,
      startsAt: slot.startsAt,
      serviceName: c.service.name,
      reason: c.reason,
      offer,
      booked: gone.map((g) => g.userId),
      waiting: waiting.map((w) => w.userId),
      urgent: slot.startsAt.getTime() - c.now.getTime() < 12 * 3600_000,
    });
  }
  await audit(tx, {
    actorUserId: c.userId,
    action: 'service.slot.cancel',
    targetType: 'service_slot',
    targetId: slot.id,
    villageId: c.villageId,
    requestId: c.requestId,
    details: {
      startsAt: slot.startsAt.toISOString(),
      reason: c.reason,
      bookings: gone.length,
      waitlist: waiting.length,
    },
  });
  return { cancelled: gone.length, notified, found: true };
}

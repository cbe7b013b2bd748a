/**
 * A villager asks to join a village with its invite code.
 * Outcomes: approved at once (name + phone match an unlinked person on the roster, and the
 * household number when given) · pending (a cadre decides) · INVITE_CODE_INVALID · CONFLICT
 * (already a villager there). A second request while one is pending returns the pending one.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { TJoinResult, TJoinVillage } from '../../shared/schemas/villages';
import type { Deps } from '../_app/context';
import type { Tx } from '../_db/client';
import { households, joinRequests, memberships, residents, users, villages } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';

export async function joinVillage(
  deps: Deps,
  userId: string,
  input: TJoinVillage,
  requestId: string,
): Promise<Outcome<TJoinResult>> {
  const [village] = await deps.db
    .select({ id: villages.id, name: villages.name })
    .from(villages)
    .where(eq(villages.inviteCode, input.inviteCode))
    .limit(1);
  if (!village) return Err('INVITE_CODE_INVALID');

  return deps.db.transaction(async (tx) => {
    const [member] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(
        and(
          eq(memberships.userId, userId),
          eq(memberships.villageId, village.id),
          eq(memberships.role, 'villager'),
        ),
      )
      .limit(1);
    if (member) return Err('CONFLICT', '您已经是本村村民了');

    const [pending] = await tx
      .select({ id: joinRequests.id })
      .from(joinRequests)
      .where(
        and(
          eq(joinRequests.userId, userId),
          eq(joinRequests.villageId, village.id),
          eq(joinRequests.status, 'pending'),
        ),
      )
      .limit(1);
    if (pending)
      return Ok({
        request: {
          id: pending.id,
          status: 'pending' as const,
          villageId: village.id,
          villageName: village.name,
        },
      });

    const conditions = [
      eq(residents.villageId, village.id),
      eq(residents.name, input.name),
      eq(residents.phone, input.phone),
      isNull(residents.userId),
    ];
    if (input.householdNo) conditions.push(eq(households.number, input.householdNo));
    const matches = await tx
      .select({ id: residents.id })
      .from(residents)
      .innerJoin(households, eq(households.id, residents.householdId))
      .where(and(...conditions))
      .limit(2);
    // Exactly one match approves at once; none or an ambiguous match waits for a cadre.
    const resident = matches.length === 1 ? matches[0] : undefined;
    const status = resident ? ('approved' as const) : ('pending' as const);
    const [request] = await tx
      .insert(joinRequests)
      .values({
        userId,
        villageId: village.id,
        name: input.name,
        phone: input.phone,
        householdNo: input.householdNo,
        residentId: resident?.id,
        status,
        decidedAt: resident ? new Date() : null,
      })
      .returning({ id: joinRequests.id });
    if (resident)
      await admitVillager(tx, {
        userId,
        villageId: village.id,
        residentId: resident.id,
        name: input.name,
        phone: input.phone,
      });
    await audit(tx, {
      actorUserId: userId,
      action: resident ? 'village.join.auto_approved' : 'village.join.requested',
      targetType: 'join_request',
      targetId: request!.id,
      villageId: village.id,
      requestId,
    });
    return Ok({ request: { id: request!.id, status, villageId: village.id, villageName: village.name } });
  });
}

/** Makes the user a villager of the village and links their roster entry (if any). */
export async function admitVillager(
  tx: Tx,
  p: { userId: string; villageId: string; residentId: string | null; name: string; phone: string },
) {
  await tx
    .insert(memberships)
    .values({ userId: p.userId, villageId: p.villageId, role: 'villager' })
    .onConflictDoNothing();
  if (p.residentId) {
    await tx
      .update(residents)
      .set({ userId: p.userId })
      .where(and(eq(residents.id, p.residentId), isNull(residents.userId)));
  }
  // The first village joined gives the WeChat user their real name and contact phone.
  const [user] = await tx
    .select({ displayName: users.displayName, phone: users.phone })
    .from(users)
    .where(eq(users.id, p.userId));
  if (user && (!user.phone || user.displayName === '微信用户')) {
    await tx.update(users).set({ displayName: p.name, phone: p.phone }).where(eq(users.id, p.userId));
  }
}

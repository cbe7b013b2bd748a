import { and, eq, inArray } from 'drizzle-orm';
import { maskPhone } from '../../shared/format';
import type { TMe } from '../../shared/schemas/me';
import type { Db } from '../_db/client';
import { grids, joinRequests, memberships, residents, towns, users, villages } from '../_db/schema';

/** The signed-in user's profile, memberships and open join requests. Null when the user is gone. */
export async function getMe(db: Db, userId: string): Promise<TMe | null> {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) return null;
  const [ms, joins, reps] = await Promise.all([
    db
      .select({
        id: memberships.id,
        role: memberships.role,
        villageId: memberships.villageId,
        villageName: villages.name,
        townId: memberships.townId,
        townName: towns.name,
        countyId: memberships.countyId,
        gridId: memberships.gridId,
        gridName: grids.name,
      })
      .from(memberships)
      .leftJoin(villages, eq(villages.id, memberships.villageId))
      .leftJoin(towns, eq(towns.id, memberships.townId))
      .leftJoin(grids, eq(grids.id, memberships.gridId))
      .where(eq(memberships.userId, userId))
      .orderBy(memberships.createdAt),
    db
      .select({
        id: joinRequests.id,
        villageId: joinRequests.villageId,
        villageName: villages.name,
        status: joinRequests.status,
      })
      .from(joinRequests)
      .innerJoin(villages, eq(villages.id, joinRequests.villageId))
      .where(and(eq(joinRequests.userId, userId), inArray(joinRequests.status, ['pending', 'rejected'])))
      .orderBy(joinRequests.createdAt),
    db
      .select({ villageId: residents.villageId })
      .from(residents)
      .where(and(eq(residents.userId, userId), eq(residents.isHouseholdRep, true))),
  ]);
  const repVillages = new Set(reps.map((r) => r.villageId));
  return {
    id: user.id,
    displayName: user.displayName,
    phoneMasked: maskPhone(user.phone),
    elderMode: user.elderMode,
    memberships: ms.map((m) => ({
      ...m,
      isHouseholdRep: m.role === 'villager' && m.villageId !== null && repVillages.has(m.villageId),
    })),
    pendingJoins: joins,
  };
}

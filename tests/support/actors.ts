/**
 * Named people from the seeded demo county, one per role, for access tests. `outsider` is a cadre
 * of another village (杨柳村): for them every 东坪村 id must be simply not found.
 */
import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from '../../api/_db/client';
import { grids, households, memberships, residents, users, villages } from '../../api/_db/schema';
import { DEMO_INVITE_CODES } from '../../api/_db/seed';
import type { Role } from '../../shared/roles';

export type Actor = { key: string; userId: string; roles: Role[] };

async function firstWithOnly(db: Db, villageId: string, role: Role): Promise<string> {
  const rows = await db
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.villageId, villageId));
  const rolesBy = new Map<string, Set<Role>>();
  for (const r of rows) rolesBy.set(r.userId, (rolesBy.get(r.userId) ?? new Set()).add(r.role));
  // Prefer someone whose only extra role is this one, so a test of "role X" tests X alone.
  const candidates = [...rolesBy].filter(([, rs]) => rs.has(role));
  const pure = candidates.find(([, rs]) => rs.size === (role === 'villager' ? 1 : 2));
  const chosen = pure ?? candidates[0];
  if (!chosen) throw new Error(`no ${role} in seed`);
  return chosen[0];
}

export async function loadActors(db: Db) {
  const [dp] = await db.select().from(villages).where(eq(villages.inviteCode, DEMO_INVITE_CODES.dongping));
  const [yl] = await db.select().from(villages).where(eq(villages.inviteCode, DEMO_INVITE_CODES.yangliu));
  const village = dp!;
  const other = yl!;
  const roles: Role[] = ['villager', 'representative', 'party_member', 'grid_worker', 'cadre', 'supervisor'];
  const inVillage = Object.fromEntries(
    await Promise.all(roles.map(async (r) => [r, await firstWithOnly(db, village.id, r)] as const)),
  ) as Record<(typeof roles)[number], string>;
  const officer = async (role: 'town_officer' | 'county_officer') => {
    const [m] = await db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(eq(memberships.role, role))
      .limit(1);
    return m!.userId;
  };
  const [newcomer] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.openid, 'demo-newcomer'), isNull(users.phone)));
  return {
    village,
    other,
    ...inVillage,
    town_officer: await officer('town_officer'),
    county_officer: await officer('county_officer'),
    outsider: await firstWithOnly(db, other.id, 'cadre'),
    newcomer: newcomer!.id,
  };
}

export type Actors = Awaited<ReturnType<typeof loadActors>>;
export const ALL_ACTOR_KEYS = [
  'villager',
  'representative',
  'party_member',
  'grid_worker',
  'cadre',
  'supervisor',
  'town_officer',
  'county_officer',
  'outsider',
  'newcomer',
] as const;
export type ActorKey = (typeof ALL_ACTOR_KEYS)[number];

/** A person who is only a villager, living in the grid the given grid worker serves (a matter's author). */
export async function plainVillagerInGridOf(
  db: Db,
  villageId: string,
  gridWorkerId: string,
): Promise<string> {
  const inGrid = await db
    .select({ userId: residents.userId })
    .from(residents)
    .innerJoin(households, eq(households.id, residents.householdId))
    .innerJoin(grids, eq(grids.id, households.gridId))
    .where(and(eq(grids.workerUserId, gridWorkerId), isNotNull(residents.userId)));
  for (const r of inGrid) {
    const roles = await db
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.userId, r.userId!), eq(memberships.villageId, villageId)));
    if (roles.length === 1 && roles[0]!.role === 'villager') return r.userId!;
  }
  throw new Error('no plain villager in the grid worker’s grid');
}

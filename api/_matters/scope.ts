/**
 * Who is looking at a village's matters, and which matters they may see (DESIGN §5):
 * - everyone: their own matters (as author, first responder or assignee) in full;
 * - every member: other villagers' public matters that passed content safety, author masked;
 * - grid workers: their grid's matters; cadres: the village's — neither sees a matter about a cadre;
 * - supervisors: the village's matters about cadres;
 * - town officers of the village's town: its matters escalated to the town.
 * Someone with none of these in the village (another village, no town) gets NOT_FOUND.
 */
import { type SQL, and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Role } from '../../shared/roles';
import type { Auth, Deps } from '../_app/context';
import { contentPassed } from '../_content';
import { matters, villages } from '../_db/schema';
import { ApiError } from '../_lib/errors';

export type MatterViewer = {
  userId: string;
  villageId: string;
  /** Roles in this village, plus 'town_officer' when the caller serves the village's town. */
  roles: Set<Role>;
  /** Grids the caller serves as grid worker in this village. */
  gridIds: string[];
};

/** The caller as a viewer of this village's matters; NOT_FOUND when they have no place in it. */
export async function viewerFor(
  deps: Pick<Deps, 'db'>,
  auth: Auth,
  villageId: string,
): Promise<MatterViewer> {
  const roles = new Set<Role>();
  const gridIds: string[] = [];
  for (const m of auth.memberships) {
    if (m.villageId !== villageId) continue;
    roles.add(m.role);
    if (m.role === 'grid_worker' && m.gridId) gridIds.push(m.gridId);
  }
  const townIds = auth.memberships.filter((m) => m.role === 'town_officer' && m.townId).map((m) => m.townId!);
  if (townIds.length > 0) {
    const [v] = await deps.db
      .select({ townId: villages.townId })
      .from(villages)
      .where(eq(villages.id, villageId));
    if (v && townIds.includes(v.townId)) roles.add('town_officer');
  }
  if (roles.size === 0) throw new ApiError('NOT_FOUND');
  return { userId: auth.userId, villageId, roles, gridIds };
}

/** Members of the village (any village role), as opposed to a town officer looking in. */
export const isMember = (v: MatterViewer) => [...v.roles].some((r) => r !== 'town_officer');

/** SQL: the viewer may see the matter in full (not masked). */
export function fullAccess(v: MatterViewer): SQL {
  const conds: SQL[] = [
    eq(matters.authorUserId, v.userId),
    eq(matters.firstResponderUserId, v.userId),
    eq(matters.assignedUserId, v.userId),
  ];
  if (v.roles.has('grid_worker') && v.gridIds.length > 0) {
    conds.push(and(inArray(matters.gridId, v.gridIds), eq(matters.aboutCadre, false))!);
  }
  if (v.roles.has('cadre')) conds.push(eq(matters.aboutCadre, false));
  if (v.roles.has('supervisor')) conds.push(eq(matters.aboutCadre, true));
  if (v.roles.has('town_officer')) conds.push(eq(matters.level, 'town'));
  return or(...conds)!;
}

/** SQL: a public matter others may see (author masked) — members only, content passed. */
export function publicAccess(v: MatterViewer): SQL {
  if (!isMember(v)) return sql`false`;
  return and(eq(matters.isPublic, true), contentPassed('matter', matters.id))!;
}

/** Who is asking, within one village: any member may read councils; writes check roles per action. */
import { VILLAGE_ROLES, type Role } from '../../shared/roles';
import type { Auth } from '../_app/context';
import { assertVillageRole } from '../_lib/access';

export type CouncilViewer = { userId: string; villageId: string; roles: ReadonlySet<Role> };

export function councilViewer(auth: Auth, villageId: string): CouncilViewer {
  const roles = assertVillageRole(auth, villageId, VILLAGE_ROLES);
  return { userId: auth.userId, villageId, roles };
}

export const rowsOf = <T>(r: unknown): T[] => ((r as { rows?: T[] }).rows ?? []) as T[];

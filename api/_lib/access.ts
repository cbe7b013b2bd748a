/**
 * Access guards. A village the caller has no membership in is NOT_FOUND (its ids do not exist for
 * them); a village they belong to without the needed role is FORBIDDEN.
 */
import type { Role } from '../../shared/roles';
import type { Auth } from '../_app/context';
import { ApiError } from './errors';

export function villageRoles(auth: Auth, villageId: string): Set<Role> {
  return new Set(auth.memberships.filter((m) => m.villageId === villageId).map((m) => m.role));
}

export function assertVillageRole(auth: Auth, villageId: string, allowed: readonly Role[]): Set<Role> {
  const roles = villageRoles(auth, villageId);
  if (roles.size === 0) throw new ApiError('NOT_FOUND');
  if (!allowed.some((r) => roles.has(r))) throw new ApiError('FORBIDDEN');
  return roles;
}

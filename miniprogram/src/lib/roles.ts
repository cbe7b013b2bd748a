/** Reading a user's memberships: which villages, which roles where. */
import { ROLE_LABELS, type Role } from '@shared/roles';
import type { TMe } from '../api/types';

export { ROLE_LABELS };

export function roleLabel(role: string): string {
  return (ROLE_LABELS as Record<string, string | undefined>)[role] ?? role;
}

export type VillageView = {
  villageId: string;
  villageName: string;
  townName: string | null;
  roles: Role[];
  gridId: string | null;
  gridName: string | null;
  isHouseholdRep: boolean;
};

/** Village-scoped memberships grouped by village, in the order the server sent them. */
export function villagesOf(me: TMe | null): VillageView[] {
  if (!me) return [];
  const byId = new Map<string, VillageView>();
  for (const m of me.memberships) {
    if (!m.villageId) continue;
    let v = byId.get(m.villageId);
    if (!v) {
      v = {
        villageId: m.villageId,
        villageName: m.villageName ?? '',
        townName: m.townName,
        roles: [],
        gridId: null,
        gridName: null,
        isHouseholdRep: false,
      };
      byId.set(m.villageId, v);
    }
    if (!v.roles.includes(m.role)) v.roles.push(m.role);
    if (m.gridId && !v.gridId) {
      v.gridId = m.gridId;
      v.gridName = m.gridName;
    }
    if (m.isHouseholdRep) v.isHouseholdRep = true;
  }
  return [...byId.values()];
}

/** Town and county memberships, labelled for display ("城关镇 镇街干部"). */
export function regionRolesOf(me: TMe | null): { key: string; role: Role; place: string }[] {
  if (!me) return [];
  return me.memberships
    .filter((m) => m.role === 'town_officer' || m.role === 'county_officer')
    .map((m) => ({ key: m.id, role: m.role, place: m.role === 'town_officer' ? (m.townName ?? '') : '' }));
}

export function hasRole(me: TMe | null, role: Role): boolean {
  return !!me?.memberships.some((m) => m.role === role);
}

export function villagesWithRole(me: TMe | null, role: Role): VillageView[] {
  return villagesOf(me).filter((v) => v.roles.includes(role));
}

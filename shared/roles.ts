/** Roles from DESIGN §1. A user holds memberships: (user × scope × role). */
export const ROLES = [
  'villager',
  'representative',
  'party_member',
  'grid_worker',
  'cadre',
  'supervisor',
  'town_officer',
  'county_officer',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles held within a village (scope = village). */
export const VILLAGE_ROLES = [
  'villager',
  'representative',
  'party_member',
  'grid_worker',
  'cadre',
  'supervisor',
] as const satisfies readonly Role[];
export type VillageRole = (typeof VILLAGE_ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  villager: '村民',
  representative: '村民代表',
  party_member: '党员',
  grid_worker: '网格员',
  cadre: '村干部',
  supervisor: '监委会成员',
  town_officer: '镇街干部',
  county_officer: '县区干部',
};

/** Which scope a role's membership names. */
export function roleScope(role: Role): 'village' | 'town' | 'county' {
  if (role === 'town_officer') return 'town';
  if (role === 'county_officer') return 'county';
  return 'village';
}

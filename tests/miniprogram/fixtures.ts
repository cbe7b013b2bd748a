/** Small, explicit data for component tests (shapes from shared/schemas). */
import type { TMe, TMembership } from '../../miniprogram/src/api/types';
import type { Session } from '../../miniprogram/src/lib/session';
import { vi } from 'vitest';

export const VILLAGE_ID = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0a01';
export const GRID_ID = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0a02';
export const TOWN_ID = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0a03';
export const USER_ID = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0a04';

export function membership(role: TMembership['role'], extra: Partial<TMembership> = {}): TMembership {
  const inVillage = role !== 'town_officer' && role !== 'county_officer';
  return {
    id: `m-${role}`,
    role,
    villageId: inVillage ? VILLAGE_ID : null,
    villageName: inVillage ? '东坪村' : null,
    townId: TOWN_ID,
    townName: '石桥镇',
    countyId: null,
    gridId: null,
    gridName: null,
    isHouseholdRep: false,
    ...extra,
  };
}

export function makeMe(extra: Partial<TMe> = {}): TMe {
  return {
    id: USER_ID,
    displayName: '李新民',
    phoneMasked: '139****0001',
    elderMode: false,
    memberships: [],
    pendingJoins: [],
    ...extra,
  };
}

export function fakeSession(me: TMe | null, extra: Partial<Session> = {}): Session {
  return {
    status: me ? 'ready' : 'anonymous',
    me,
    error: null,
    signIn: vi.fn(),
    refresh: vi.fn(async () => me),
    setMe: vi.fn(),
    signOut: vi.fn(async () => undefined),
    ...extra,
  };
}

/** Small, explicit data for component tests (shapes from shared/schemas). */
import type {
  TInboxEntry,
  TMe,
  TMembership,
  TNotice,
  TNotifySettings,
} from '../../miniprogram/src/api/types';
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

export const NOTICE_ID = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0a10';

/** 2026-11-23 06:05 UTC = 14:05 Beijing time. */
export function makeNotice(extra: Partial<TNotice> = {}): TNotice {
  return {
    id: NOTICE_ID,
    villageId: VILLAGE_ID,
    title: '明天上午停水',
    body: '明天上午8点到12点停水检修。\n请大家提前储水。',
    audience: { type: 'village' },
    audienceLabel: '全村',
    pinned: false,
    expiresAt: null,
    publishedAt: '2026-11-23T06:05:00.000Z',
    publisherName: '谢家乐',
    read: false,
    readCount: null,
    audienceCount: null,
    ...extra,
  };
}

export function makeEntry(extra: Partial<TInboxEntry> = {}): TInboxEntry {
  return {
    id: '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0a20',
    kind: 'notice_published',
    title: '明天上午停水',
    summary: '明天上午8点到12点停水检修。',
    objectType: 'notice',
    objectId: NOTICE_ID,
    villageId: VILLAGE_ID,
    createdAt: '2026-11-23T06:05:00.000Z',
    read: false,
    ...extra,
  };
}

export function makeSettings(extra: Partial<TNotifySettings> = {}): TNotifySettings {
  return {
    quietHours: true,
    kinds: [
      { kind: 'notice_published', label: '通知公告', push: true, digest: false },
      { kind: 'matter_moved', label: '我反映的事有进展', push: true, digest: false },
      { kind: 'vote_opened', label: '投票开始', push: true, digest: false },
      { kind: 'vote_closing', label: '投票快结束', push: true, digest: false },
      { kind: 'result_out', label: '结果公布', push: true, digest: false },
      { kind: 'booking_near', label: '预约快到了', push: true, digest: false },
      { kind: 'disclosure_published', label: '村务公开', push: true, digest: false },
    ],
    ...extra,
  };
}

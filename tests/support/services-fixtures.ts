/** Helpers for the services suites: a test service with known hours, slot times, many villagers. */
import { and, eq, notInArray } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Db } from '../../api/_db/client';
import { memberships } from '../../api/_db/schema';
import { addDays, beijingDate, beijingInstant, minuteOfDay } from '../../shared/services/rules';
import type { Actors } from './actors';
import type { TestApp } from './harness';

/** Every day 08:00–21:00 in 30-minute slots of `capacity` places; cut-off 60 minutes. */
export async function createTestService(
  t: TestApp,
  a: Actors,
  o: { name?: string; capacity?: number; errand?: boolean; villageId?: string; cadre?: string } = {},
) {
  const villageId = o.villageId ?? a.village.id;
  const token = await t.loginAs(o.cadre ?? a.cadre);
  const created = await t.request('POST', `/api/villages/${villageId}/services`, {
    token,
    headers: { 'idempotency-key': crypto.randomUUID() },
    body: {
      name: o.name ?? `测试服务${Math.random().toString(36).slice(2, 6)}`,
      icon: 'doc',
      materials: ['身份证', '户口本'],
      servedBy: '文书 李桂兰',
      errand: o.errand ?? false,
      slotMinutes: 30,
    },
  });
  expect(created.status).toBe(201);
  const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    weekday,
    start: '08:00',
    end: '21:00',
    capacity: o.capacity ?? 2,
  }));
  const set = await t.request('PUT', `/api/villages/${villageId}/services/${created.body.id}/hours`, {
    token,
    headers: { 'idempotency-key': crypto.randomUUID() },
    body: { hours, cutoffMinutes: 60 },
  });
  expect(set.status).toBe(200);
  return created.body.id as string;
}

/** The ISO start of a slot `days` Beijing days from today at Beijing clock `hhmm`. */
export function slotAt(days: number, hhmm: string, now = new Date()): string {
  return beijingInstant(addDays(beijingDate(now), days), minuteOfDay(hhmm)).toISOString();
}

/** `n` people holding only the villager role in the village, none of `exclude`. */
export async function plainVillagers(db: Db, villageId: string, n: number, exclude: string[] = []) {
  const rows = await db
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(
      and(
        eq(memberships.villageId, villageId),
        exclude.length ? notInArray(memberships.userId, exclude) : undefined,
      ),
    );
  const roles = new Map<string, Set<string>>();
  for (const r of rows) roles.set(r.userId, (roles.get(r.userId) ?? new Set()).add(r.role));
  const plain = [...roles].filter(([, rs]) => rs.size === 1 && rs.has('villager')).map(([id]) => id);
  if (plain.length < n) throw new Error(`only ${plain.length} plain villagers`);
  return plain.slice(0, n);
}

/** Signs many people in without tripping the per-IP dev-login limit (one address each). */
export async function loginMany(t: TestApp, userIds: string[]): Promise<string[]> {
  return Promise.all(
    userIds.map(async (userId, i) => {
      const res = await t.request('POST', '/api/auth/dev', {
        body: { userId },
        headers: { 'x-forwarded-for': `10.9.${Math.floor(i / 250)}.${i % 250}` },
      });
      expect(res.status).toBe(200);
      return res.body.token as string;
    }),
  );
}

/**
 * GET /api/matters/town-villages — for town officers: the villages of the towns they serve, with
 * the open matters held at the town level (escalated, appealed) and how many are overdue. Only
 * town officers (anyone else FORBIDDEN); the per-village inbox then applies its own scope.
 */
import { createRoute } from '@hono/zod-openapi';
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { ZTownVillageListSchema } from '../../shared/matters/town';
import { newRouter } from '../_app/router';
import type { Deps } from '../_app/context';
import { requireAuthNoProfileChange } from '../_auth/middleware';
import { matters, towns, villages } from '../_db/schema';
import { ApiError, Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, reply } from '../_lib/http';

const list = createRoute({
  method: 'get',
  path: '/matters/town-villages',
  tags: ['matters'],
  summary: 'Villages of my towns with the matters waiting at the town (town officers)',
  security: SECURED,
  middleware: [requireAuthNoProfileChange],
  responses: { 200: json(ZTownVillageListSchema), ...AUTH_ERRORS },
});

export async function townVillages(deps: Pick<Deps, 'db'>, townIds: string[], now: Date = new Date()) {
  const rows = await deps.db
    .select({
      villageId: villages.id,
      villageName: villages.name,
      townName: towns.name,
      open: sql<number>`count(${matters.id})`.mapWith(Number),
      overdue:
        sql<number>`count(${matters.id}) filter (where ${matters.dueAt} <= ${now.toISOString()}::timestamptz)`.mapWith(
          Number,
        ),
    })
    .from(villages)
    .innerJoin(towns, eq(towns.id, villages.townId))
    .leftJoin(
      matters,
      and(eq(matters.villageId, villages.id), eq(matters.level, 'town'), isNotNull(matters.dueAt)),
    )
    .where(inArray(villages.townId, townIds))
    .groupBy(villages.id, villages.name, towns.name)
    .orderBy(asc(towns.name), asc(villages.name));
  return rows;
}

export function townRoutes() {
  return newRouter().openapi(list, async (c) => {
    const townIds = c
      .get('auth')
      .memberships.filter((m) => m.role === 'town_officer' && m.townId)
      .map((m) => m.townId!);
    if (townIds.length === 0) throw new ApiError('FORBIDDEN');
    return reply(c, Ok({ items: await townVillages(c.get('deps'), townIds) }));
  });
}

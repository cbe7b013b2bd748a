/**
 * GET /api/villages/{villageId}/grid-villagers — for 代办: the villagers (members with the villager
 * role) living in the grids the caller serves as grid worker, by grid then 户号. Only grid workers;
 * another village is NOT_FOUND. The raise operation checks the same rule again when it is used.
 */
import { createRoute } from '@hono/zod-openapi';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { maskPhone } from '../../shared/format';
import { ZGridVillagerListSchema } from '../../shared/matters/on-behalf';
import { ZVillageParams } from '../../shared/schemas/common';
import { newRouter } from '../_app/router';
import type { Deps } from '../_app/context';
import { requireAuthNoProfileChange } from '../_auth/middleware';
import { grids, households, memberships, residents } from '../_db/schema';
import { assertVillageRole } from '../_lib/access';
import { Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, reply } from '../_lib/http';

const list = createRoute({
  method: 'get',
  path: '/villages/{villageId}/grid-villagers',
  tags: ['matters'],
  summary: 'Villagers of the grids I serve (for raising a matter on their behalf, 代办)',
  security: SECURED,
  middleware: [requireAuthNoProfileChange],
  request: { params: ZVillageParams },
  responses: { 200: json(ZGridVillagerListSchema), ...AUTH_ERRORS },
});

export async function listGridVillagers(deps: Pick<Deps, 'db'>, villageId: string, gridIds: string[]) {
  if (gridIds.length === 0) return [];
  const rows = await deps.db
    .selectDistinct({
      userId: memberships.userId,
      name: residents.name,
      phone: residents.phone,
      householdNo: households.number,
      gridName: grids.name,
    })
    .from(residents)
    .innerJoin(households, eq(households.id, residents.householdId))
    .innerJoin(grids, eq(grids.id, households.gridId))
    .innerJoin(
      memberships,
      and(
        eq(memberships.userId, residents.userId),
        eq(memberships.villageId, villageId),
        eq(memberships.role, 'villager'),
      ),
    )
    .where(and(eq(residents.villageId, villageId), inArray(households.gridId, gridIds)))
    .orderBy(asc(grids.name), asc(households.number), asc(residents.name));
  return rows.map((r) => ({
    userId: r.userId,
    name: r.name,
    householdNo: r.householdNo,
    gridName: r.gridName,
    phoneMasked: maskPhone(r.phone),
  }));
}

export function onBehalfRoutes() {
  return newRouter().openapi(list, async (c) => {
    const { villageId } = c.req.valid('param');
    const auth = c.get('auth');
    assertVillageRole(auth, villageId, ['grid_worker']);
    const gridIds = auth.memberships
      .filter((m) => m.villageId === villageId && m.role === 'grid_worker' && m.gridId)
      .map((m) => m.gridId!);
    return reply(c, Ok({ items: await listGridVillagers(c.get('deps'), villageId, gridIds) }));
  });
}

/** Households of a village (cadres manage; grid workers and supervisors read). */
import { and, asc, count, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { ZCreateHouseholdSchema, ZUpdateHouseholdSchema } from '../../shared/schemas/villages';
import type { Deps } from '../_app/context';
import { grids, households, residents } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';

export async function listHouseholds(deps: Deps, villageId: string, gridId?: string | null) {
  const members = deps.db
    .select({ householdId: residents.householdId, n: count().as('n') })
    .from(residents)
    .where(eq(residents.villageId, villageId))
    .groupBy(residents.householdId)
    .as('members');
  const heads = deps.db
    .select({ householdId: residents.householdId, name: residents.name })
    .from(residents)
    .where(and(eq(residents.villageId, villageId), eq(residents.isHouseholdRep, true)))
    .as('heads');
  const rows = await deps.db
    .select({
      id: households.id,
      number: households.number,
      address: households.address,
      gridId: households.gridId,
      gridName: grids.name,
      headName: heads.name,
      memberCount: members.n,
    })
    .from(households)
    .leftJoin(grids, eq(grids.id, households.gridId))
    .leftJoin(members, eq(members.householdId, households.id))
    .leftJoin(heads, eq(heads.householdId, households.id))
    .where(and(eq(households.villageId, villageId), gridId ? eq(households.gridId, gridId) : undefined))
    .orderBy(asc(households.number));
  return { items: rows.map((r) => ({ ...r, memberCount: Number(r.memberCount ?? 0) })) };
}

async function gridInVillage(deps: Deps, villageId: string, gridId: string) {
  const [g] = await deps.db
    .select({ id: grids.id })
    .from(grids)
    .where(and(eq(grids.id, gridId), eq(grids.villageId, villageId)));
  return !!g;
}

export async function createHousehold(
  deps: Deps,
  p: {
    villageId: string;
    actorUserId: string;
    requestId: string;
    input: z.infer<typeof ZCreateHouseholdSchema>;
  },
): Promise<Outcome<{ id: string }>> {
  if (p.input.gridId && !(await gridInVillage(deps, p.villageId, p.input.gridId)))
    return Err('NOT_FOUND', '没有这个网格');
  return deps.db.transaction(async (tx) => {
    const [h] = await tx
      .insert(households)
      .values({ villageId: p.villageId, ...p.input })
      .onConflictDoNothing()
      .returning({ id: households.id });
    if (!h) return Err('CONFLICT', '这个户号已经有了');
    await audit(tx, {
      actorUserId: p.actorUserId,
      action: 'household.create',
      targetType: 'household',
      targetId: h.id,
      villageId: p.villageId,
      requestId: p.requestId,
    });
    return Ok({ id: h.id });
  });
}

export async function updateHousehold(
  deps: Deps,
  p: {
    villageId: string;
    householdId: string;
    actorUserId: string;
    requestId: string;
    input: z.infer<typeof ZUpdateHouseholdSchema>;
  },
): Promise<Outcome<{ id: string }>> {
  if (p.input.gridId && !(await gridInVillage(deps, p.villageId, p.input.gridId)))
    return Err('NOT_FOUND', '没有这个网格');
  return deps.db.transaction(async (tx) => {
    const [h] = await tx
      .update(households)
      .set(p.input)
      .where(and(eq(households.id, p.householdId), eq(households.villageId, p.villageId)))
      .returning({ id: households.id });
    if (!h) return Err('NOT_FOUND');
    await audit(tx, {
      actorUserId: p.actorUserId,
      action: 'household.update',
      targetType: 'household',
      targetId: h.id,
      villageId: p.villageId,
      requestId: p.requestId,
      details: { fields: Object.keys(p.input) },
    });
    return Ok({ id: h.id });
  });
}

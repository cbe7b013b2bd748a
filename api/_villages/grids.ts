/**
 * Grids (网格) and their grid workers. Assigning a worker also gives them the grid_worker
 * membership for that grid (and takes it from the worker replaced).
 */
import { and, asc, count, eq, ne } from 'drizzle-orm';
import type { z } from 'zod';
import type { ZCreateGridSchema, ZUpdateGridSchema } from '../../shared/schemas/villages';
import type { Deps } from '../_app/context';
import { grids, households, memberships, users } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';

export async function listGrids(deps: Deps, villageId: string) {
  const hh = deps.db
    .select({ gridId: households.gridId, n: count().as('n') })
    .from(households)
    .where(eq(households.villageId, villageId))
    .groupBy(households.gridId)
    .as('hh');
  const rows = await deps.db
    .select({
      id: grids.id,
      name: grids.name,
      workerUserId: grids.workerUserId,
      workerName: users.displayName,
      householdCount: hh.n,
    })
    .from(grids)
    .leftJoin(users, eq(users.id, grids.workerUserId))
    .leftJoin(hh, eq(hh.gridId, grids.id))
    .where(eq(grids.villageId, villageId))
    .orderBy(asc(grids.name));
  return { items: rows.map((r) => ({ ...r, householdCount: Number(r.householdCount ?? 0) })) };
}

export async function createGrid(
  deps: Deps,
  p: { villageId: string; actorUserId: string; requestId: string; input: z.infer<typeof ZCreateGridSchema> },
): Promise<Outcome<{ id: string }>> {
  return deps.db.transaction(async (tx) => {
    const [g] = await tx
      .insert(grids)
      .values({ villageId: p.villageId, name: p.input.name })
      .onConflictDoNothing()
      .returning({ id: grids.id });
    if (!g) return Err('CONFLICT', '已经有同名的网格');
    await audit(tx, {
      actorUserId: p.actorUserId,
      action: 'grid.create',
      targetType: 'grid',
      targetId: g.id,
      villageId: p.villageId,
      requestId: p.requestId,
    });
    return Ok({ id: g.id });
  });
}

export async function updateGrid(
  deps: Deps,
  p: {
    villageId: string;
    gridId: string;
    actorUserId: string;
    requestId: string;
    input: z.infer<typeof ZUpdateGridSchema>;
  },
): Promise<Outcome<{ id: string }>> {
  return deps.db.transaction(async (tx) => {
    const [grid] = await tx
      .select()
      .from(grids)
      .where(and(eq(grids.id, p.gridId), eq(grids.villageId, p.villageId)))
      .for('update');
    if (!grid) return Err('NOT_FOUND');
    const { workerUserId, name } = p.input;
    if (workerUserId) {
      const [member] = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.userId, workerUserId), eq(memberships.villageId, p.villageId)))
        .limit(1);
      if (!member) return Err('NOT_FOUND', '网格员必须是本村的人');
    }
    if (name && name !== grid.name) {
      const [clash] = await tx
        .select({ id: grids.id })
        .from(grids)
        .where(and(eq(grids.villageId, p.villageId), eq(grids.name, name)));
      if (clash) return Err('CONFLICT', '已经有同名的网格');
    }
    await tx.update(grids).set(p.input).where(eq(grids.id, grid.id));
    if (workerUserId !== undefined && workerUserId !== grid.workerUserId) {
      if (grid.workerUserId) {
        await tx
          .delete(memberships)
          .where(
            and(
              eq(memberships.userId, grid.workerUserId),
              eq(memberships.role, 'grid_worker'),
              eq(memberships.gridId, grid.id),
            ),
          );
      }
      if (workerUserId) {
        // One grid per worker per village: they leave the grid they served before.
        await tx
          .update(grids)
          .set({ workerUserId: null })
          .where(
            and(
              eq(grids.villageId, p.villageId),
              eq(grids.workerUserId, workerUserId),
              ne(grids.id, grid.id),
            ),
          );
        await tx
          .insert(memberships)
          .values({ userId: workerUserId, villageId: p.villageId, role: 'grid_worker', gridId: grid.id })
          .onConflictDoUpdate({
            target: [
              memberships.userId,
              memberships.role,
              memberships.villageId,
              memberships.townId,
              memberships.countyId,
            ],
            set: { gridId: grid.id },
          });
      }
    }
    await audit(tx, {
      actorUserId: p.actorUserId,
      action: 'grid.update',
      targetType: 'grid',
      targetId: grid.id,
      villageId: p.villageId,
      requestId: p.requestId,
      details: { fields: Object.keys(p.input), workerUserId: workerUserId ?? undefined },
    });
    return Ok({ id: grid.id });
  });
}

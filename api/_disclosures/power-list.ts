/**
 * The village's 小微权力清单: adopt the shipped template (idempotent: items already adopted are
 * kept as the village edited them), add and edit items. Reads are public.
 * Outcomes: Ok list / item; NOT_FOUND (no such item in this village).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { POWER_TEMPLATE } from '../../shared/disclosures/power-template';
import type { TPowerItemInput } from '../../shared/disclosures/schemas';
import type { Deps } from '../_app/context';
import type { Db, Tx } from '../_db/client';
import { powerItems } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok } from '../_lib/errors';
import { ensureSchedule } from './schedule';

type Row = typeof powerItems.$inferSelect;
const out = (r: Row) => ({
  id: r.id,
  key: r.key,
  group: r.group,
  title: r.title,
  legalBasis: r.legalBasis,
  responsible: r.responsible,
  steps: r.steps,
  materials: r.materials,
  sortOrder: r.sortOrder,
});

export async function listPowerItems(db: Db, villageId: string) {
  const rows = await db
    .select()
    .from(powerItems)
    .where(eq(powerItems.villageId, villageId))
    .orderBy(asc(powerItems.sortOrder), asc(powerItems.createdAt));
  return { items: rows.map(out), adopted: rows.some((r) => r.key !== null) };
}

/** Inserts the template items the village does not have yet; inside the caller's transaction. */
export async function adoptTemplate(tx: Db | Tx, villageId: string, userId: string | null) {
  const inserted = await tx
    .insert(powerItems)
    .values(
      POWER_TEMPLATE.map((t, i) => ({
        villageId,
        key: t.key,
        group: t.group,
        title: t.title,
        legalBasis: t.legalBasis,
        responsible: t.responsible,
        steps: t.steps,
        materials: t.materials,
        sortOrder: (i + 1) * 10,
        updatedBy: userId,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: powerItems.id });
  return inserted.length;
}

export async function adoptPowerTemplate(
  deps: Pick<Deps, 'db'>,
  p: { villageId: string; userId: string; requestId: string },
) {
  await deps.db.transaction(async (tx) => {
    const added = await adoptTemplate(tx, p.villageId, p.userId);
    await ensureSchedule(tx, p.villageId, new Date());
    await audit(tx, {
      actorUserId: p.userId,
      action: 'power_list.adopt',
      targetType: 'village',
      targetId: p.villageId,
      villageId: p.villageId,
      requestId: p.requestId,
      details: { added },
    });
  });
  return Ok(await listPowerItems(deps.db, p.villageId));
}

export async function savePowerItem(
  deps: Pick<Deps, 'db'>,
  p: { villageId: string; userId: string; requestId: string; itemId?: string; input: TPowerItemInput },
) {
  return deps.db.transaction(async (tx) => {
    let row: Row | undefined;
    if (p.itemId) {
      [row] = await tx
        .update(powerItems)
        .set({ ...p.input, updatedBy: p.userId, updatedAt: new Date() })
        .where(and(eq(powerItems.id, p.itemId), eq(powerItems.villageId, p.villageId)))
        .returning();
      if (!row) return Err('NOT_FOUND');
    } else {
      const [{ max }] = (await tx
        .select({ max: sql<number>`coalesce(max(${powerItems.sortOrder}), 0)`.mapWith(Number) })
        .from(powerItems)
        .where(eq(powerItems.villageId, p.villageId))) as [{ max: number }];
      [row] = await tx
        .insert(powerItems)
        .values({ villageId: p.villageId, ...p.input, sortOrder: max + 10, updatedBy: p.userId })
        .returning();
    }
    await audit(tx, {
      actorUserId: p.userId,
      action: p.itemId ? 'power_list.edit' : 'power_list.add',
      targetType: 'power_item',
      targetId: row!.id,
      villageId: p.villageId,
      requestId: p.requestId,
    });
    return Ok(out(row!));
  });
}

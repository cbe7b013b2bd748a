/**
 * What other capabilities use to show only checked content. A target (a matter, a comment…) is
 * visible to others when it has at least one content check and every check on it passed: text
 * and each image alike. Its author sees it regardless (the caller decides that).
 *
 *   // in a list query of public matters:
 *   .where(and(eq(matters.villageId, v), contentPassed('matter', matters.id)))
 *
 * The base target type matches its '.supervised' variant too (same content, another reviewer).
 */
import { type AnyColumn, type SQL, and, eq, inArray, sql } from 'drizzle-orm';
import { SUPERVISED_SUFFIX, baseTargetType, isVisible } from '../../shared/content/rules';
import type { Db, Tx } from '../_db/client';
import { contentChecks } from '../_db/schema';

export { isVisible };

const typesOf = (targetType: string) => {
  const base = baseTargetType(targetType);
  return [base, `${base}${SUPERVISED_SUFFIX}`];
};

/** SQL condition: the row whose id is `idColumn` has passed every content check. */
export function contentPassed(targetType: string, idColumn: AnyColumn | SQL): SQL {
  const [a, b] = typesOf(targetType);
  return sql`(exists (select 1 from content_checks cc where cc.target_type in (${a}, ${b}) and cc.target_id = ${idColumn}::text)
    and not exists (select 1 from content_checks cc where cc.target_type in (${a}, ${b}) and cc.target_id = ${idColumn}::text and cc.status <> 'pass'))`;
}

/** The subset of `targetIds` visible to others. */
export async function visibleTargetIds(
  db: Db | Tx,
  targetType: string,
  targetIds: readonly string[],
): Promise<Set<string>> {
  if (targetIds.length === 0) return new Set();
  const rows = await db
    .select({ targetId: contentChecks.targetId, status: contentChecks.status })
    .from(contentChecks)
    .where(
      and(
        inArray(contentChecks.targetType, typesOf(targetType)),
        inArray(contentChecks.targetId, [...targetIds]),
      ),
    );
  const seen = new Set<string>();
  const blocked = new Set<string>();
  for (const r of rows) {
    seen.add(r.targetId);
    if (!isVisible(r.status)) blocked.add(r.targetId);
  }
  return new Set([...seen].filter((id) => !blocked.has(id)));
}

/** Forgets a target's checks (the target was deleted). */
export async function dropContentChecks(db: Db | Tx, targetType: string, targetId: string): Promise<void> {
  await db
    .delete(contentChecks)
    .where(and(inArray(contentChecks.targetType, typesOf(targetType)), eq(contentChecks.targetId, targetId)));
}

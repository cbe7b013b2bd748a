/**
 * sweepAbandonedMedia: forgets uploads never attached to anything — a matter, a stage record or a
 * finance disclosure (the villager or cadre gave up on the form, the cadre took a voucher photo off
 * the draft) — after `olderThanMs` (default 7 days). The row goes first, in a compare-and-set that a
 * concurrent attach cannot lose to silently (attach claims only rows still unattached, so one of
 * the two finds nothing and the attach is refused whole); the object after it — if deleting the
 * object fails, it is an orphan without a row, which is harmless.
 * The notify job runs it every time (api/_notices/notify-job.ts). Outcome: how many uploads were forgotten.
 */
import { and, asc, eq, isNull, lt } from 'drizzle-orm';
import type { Deps } from '../_app/context';
import { media } from '../_db/schema';

export const ABANDONED_AFTER_MS = 7 * 24 * 3600 * 1000;

const unattached = and(isNull(media.matterId), isNull(media.proposalStageId), isNull(media.disclosureId));

export async function sweepAbandonedMedia(
  deps: Pick<Deps, 'db' | 'storage' | 'log'>,
  opts: { now?: Date; olderThanMs?: number; limit?: number } = {},
): Promise<{ deleted: number }> {
  const before = new Date((opts.now ?? new Date()).getTime() - (opts.olderThanMs ?? ABANDONED_AFTER_MS));
  const rows = await deps.db
    .select({ id: media.id, storageKey: media.storageKey })
    .from(media)
    .where(and(unattached, lt(media.createdAt, before)))
    .orderBy(asc(media.createdAt))
    .limit(opts.limit ?? 500);
  let deleted = 0;
  for (const r of rows) {
    const gone = await deps.db
      .delete(media)
      .where(and(eq(media.id, r.id), unattached))
      .returning({ id: media.id });
    if (gone.length === 0) continue;
    deleted++;
    await deps.storage.delete(r.storageKey).catch((err: unknown) => {
      deps.log('warn', 'abandoned media object not deleted (orphan left)', {
        key: r.storageKey,
        err: String(err),
      });
    });
  }
  if (deleted > 0) deps.log('info', 'abandoned media swept', { deleted });
  return { deleted };
}

/**
 * Keeps the outbox small: rows that are finished (sent, skipped, failed) and older than
 * OUTBOX_RETENTION_DAYS are deleted, a bounded batch per notify-job run. Pending and digested rows
 * are never touched; the inbox (what a person reads) is not affected. The collapse window and
 * the digest only look back a day, so nothing the dispatcher reads is ever pruned.
 */
import { sql } from 'drizzle-orm';
import { affectedRows } from '../_db/client';
import type { DispatchDeps } from './dispatch';

const DAY_MS = 86_400_000;
export const PRUNE_BATCH = 5000;

export async function pruneOutbox(
  deps: Pick<DispatchDeps, 'db' | 'config'>,
  opts: { now?: Date; batch?: number } = {},
): Promise<{ deleted: number }> {
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - deps.config.notify.outboxRetentionDays * DAY_MS);
  const res = await deps.db.execute(sql`
    delete from outbox where id in (
      select id from outbox
      where status in ('sent', 'skipped', 'failed') and created_at < ${cutoff}
      limit ${opts.batch ?? PRUNE_BATCH}
    )`);
  return { deleted: affectedRows(res) };
}

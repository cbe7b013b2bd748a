/**
 * The clock (DESIGN §2.1 "Escalation by the clock"): every matter whose time limit ran out moves
 * one step as the workflow says (shared/matters/time-limits.ts `overdueEscalation`):
 * - escalate: one level up (grid → village → town), the clock restarts at the new level; an
 *   overdue mediation rung goes to the next rung the same way;
 * - close: nobody appealed or rated in time;
 * - remind: nothing to move (already at the town, or a step someone else owes): the holders are
 *   reminded once and the matter is flagged overdue (`overdue_flagged_at`), never escalated again.
 * Each step appends why to the timeline in plain words and notifies through notify().
 *
 * Exactly once, also when two sweeps run at the same time: a batch of due rows is claimed with
 * `FOR UPDATE SKIP LOCKED` and the due condition is part of the claim, and every step clears or
 * moves `sweep_at`, so the next run (or the concurrent one, after the lock) no longer sees it.
 * The query walks the partial index on `sweep_at` (only matters the clock still has to look at).
 *
 * Outcomes: a summary of what it did; a matter whose step throws is logged, pushed back an hour
 * and does not stop the others.
 */
import { and, asc, eq, isNotNull, lte } from 'drizzle-orm';
import { type TMatterTimeLimits, overdueEscalation, overdueNote } from '../../shared/matters/time-limits';
import { assertTransition } from '../../shared/matters/workflow';
import type { Db, Tx } from '../_db/client';
import { matterEvents, matters } from '../_db/schema';
import type { Logger } from '../_lib/log';
import { type MatterRow, applyMove, holderAudience, notifyMove, workflowMatter } from './moves';
import { villageTimeLimits } from './settings';

export type SweepResult = {
  escalated: number;
  closed: number;
  flagged: number;
  failed: number;
  /** Some due matters were left for the next run (time budget spent). */
  more: boolean;
  ms: number;
};

export type SweepOptions = {
  /** The controllable clock: what counts as overdue, and when the new step starts. */
  now?: Date;
  batchSize?: number;
  /** Stop claiming new batches after this long (a Vercel function has a time limit). */
  budgetMs?: number;
  log?: Logger;
};

const RETRY_AFTER_MS = 3600_000;

type StepResult = 'escalated' | 'closed' | 'flagged' | 'skipped';

async function stepOne(
  tx: Tx,
  m: MatterRow,
  now: Date,
  limits: TMatterTimeLimits,
  requestId: string,
): Promise<StepResult> {
  const step = overdueEscalation(m);
  const note = overdueNote(m.state, limits);
  if (step && step.kind !== 'remind') {
    const r = assertTransition(workflowMatter(m), { roles: [], isSystem: true }, step.action, note);
    if (r.ok) {
      const moved = await applyMove(tx, {
        matter: m,
        action: step.action,
        actorUserId: null,
        to: r.to,
        level: r.level,
        reopenCount: r.reopenCount,
        restartsClock: true,
        note,
        now,
        limits,
        requestId,
        auditDetails: { reason: 'overdue', dueAt: m.dueAt?.toISOString() },
      });
      if (moved.ok) return step.kind === 'escalate' ? 'escalated' : 'closed';
      return 'skipped';
    }
  }
  // Nothing to move: remind whoever holds it (the town when there is no level above) and flag it.
  const notifyLevel = step?.kind === 'remind' ? step.notify : m.level;
  const flagged = await tx
    .update(matters)
    .set({ sweepAt: null, overdueFlaggedAt: now })
    .where(and(eq(matters.id, m.id), eq(matters.state, m.state), eq(matters.level, m.level)))
    .returning({ id: matters.id });
  if (flagged.length === 0) return 'skipped';
  await tx.insert(matterEvents).values({
    matterId: m.id,
    actorUserId: null,
    action: 'overdue',
    fromState: m.state,
    toState: m.state,
    fromLevel: m.level,
    toLevel: m.level,
    note,
    createdAt: now,
  });
  const audience = await holderAudience(tx, m, notifyLevel);
  if (audience) {
    await notifyMove(tx, {
      villageId: m.villageId,
      matterId: m.id,
      audience,
      title: '有事项已超过时限',
      summary: note,
      status: '已超期',
      exclude: [m.authorUserId],
    });
  }
  return 'flagged';
}

export async function sweepOverdueMatters(db: Db, opts: SweepOptions = {}): Promise<SweepResult> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const batchSize = opts.batchSize ?? 100;
  const budgetMs = opts.budgetMs ?? 20_000;
  const requestId = `sweep:${now.toISOString()}`;
  const result: SweepResult = { escalated: 0, closed: 0, flagged: 0, failed: 0, more: false, ms: 0 };
  const limitsByVillage = new Map<string, TMatterTimeLimits>();

  for (;;) {
    if (Date.now() - started > budgetMs) {
      result.more = true;
      break;
    }
    const claimed = await db.transaction(async (tx) => {
      // Claim: only rows still due; rows another sweep holds are skipped, not waited for.
      const batch = await tx
        .select()
        .from(matters)
        .where(and(isNotNull(matters.sweepAt), lte(matters.sweepAt, now)))
        .orderBy(asc(matters.sweepAt))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      for (const m of batch) {
        let limits = limitsByVillage.get(m.villageId);
        if (!limits) {
          limits = await villageTimeLimits(tx, m.villageId);
          limitsByVillage.set(m.villageId, limits);
        }
        try {
          // A savepoint per matter: one that fails does not undo the batch.
          const r = await tx.transaction((sp) => stepOne(sp, m, now, limits, requestId));
          if (r !== 'skipped') result[r]++;
        } catch (e) {
          result.failed++;
          opts.log?.('error', 'matter sweep step failed', { matterId: m.id, err: String(e) });
          await tx
            .update(matters)
            .set({ sweepAt: new Date(now.getTime() + RETRY_AFTER_MS) })
            .where(eq(matters.id, m.id));
        }
      }
      return batch.length;
    });
    if (claimed < batchSize) break;
  }
  result.ms = Date.now() - started;
  if (result.escalated + result.closed + result.flagged + result.failed > 0) {
    opts.log?.('info', 'matter sweep ran', result);
  }
  return result;
}

/** Runs the sweep every `intervalS` seconds until stopped (the Node server's in-process loop). */
export function startSweepLoop(db: Db, log: Logger, intervalS: number): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = sweepOverdueMatters(db, { log })
      .then(
        () => undefined,
        (e: unknown) => log('error', 'matter sweep failed', { err: String(e) }),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalS * 1000);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

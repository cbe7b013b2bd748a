/**
 * One run of the notify job: queue today's digests when it is their time, then drain the outbox
 * until nothing is due or the time budget is spent, then re-ask WeChat about content it could
 * not check before, prune finished outbox rows past their retention and forget uploads never
 * attached. Shared by the cron endpoint, `npm run
 * jobs:notify` and the Node server's optional in-process loop (NOTIFY_JOB_INTERVAL_S).
 */
import { type RecheckSummary, recheckPending } from '../_content/recheck-pending';
import { type DispatchDeps, type DrainCounts, drainOutbox, sendDigests } from './dispatch';
import { pruneOutbox } from './prune';
import { sweepAbandonedMedia } from '../_media/sweep';
import type { Deps } from '../_app/context';

/** The job also tidies: outbox rows past retention, uploads never attached (storage). */
export type NotifyJobDeps = DispatchDeps & Pick<Deps, 'storage'>;

export type NotifyJobResult = DrainCounts & {
  digests: { users: number; rows: number };
  /** Content WeChat could not check earlier, asked again (api/_content/recheck-pending.ts). */
  recheck: RecheckSummary;
  /** Finished outbox rows past their retention, deleted this run. */
  pruned: number;
  /** Uploads never attached to a matter within 7 days, forgotten this run (api/_media/sweep.ts). */
  abandonedMedia: number;
  ms: number;
};

export async function runNotifyJob(
  deps: NotifyJobDeps,
  opts: { budgetMs?: number; now?: Date } = {},
): Promise<NotifyJobResult> {
  const started = Date.now();
  const budgetMs = opts.budgetMs ?? deps.config.notify.drainBudgetMs;
  const digests = await sendDigests(deps, { now: opts.now });
  const counts = await drainOutbox(deps, { now: opts.now, deadline: started + budgetMs });
  const recheck = await recheckPending(deps, { now: opts.now });
  const { deleted: pruned } = await pruneOutbox(deps, { now: opts.now });
  const { deleted: abandonedMedia } = await sweepAbandonedMedia(deps, { now: opts.now });
  const result = { ...counts, digests, recheck, pruned, abandonedMedia, ms: Date.now() - started };
  const moved =
    counts.sent + counts.skipped + counts.deferred + counts.digested + counts.failed + counts.retried;
  if (moved > 0 || digests.users > 0 || recheck.asked > 0 || pruned > 0)
    deps.log('info', 'notify job ran', result);
  return result;
}

/**
 * Runs the job every `intervalS` seconds until stopped; a run that throws (database down) is
 * logged and the next one tries again. Runs never overlap.
 */
export function startNotifyLoop(deps: NotifyJobDeps, intervalS: number): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = runNotifyJob(deps)
      .then(
        () => undefined,
        (e: unknown) => deps.log('error', 'notify job failed', { err: String(e) }),
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

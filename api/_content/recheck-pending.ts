/**
 * recheckPending: the retry sweep. Asks WeChat again about content it could not check before
 * (status 'review', label 'unreachable'), text a crash left 'pending', and images whose verdict
 * push never came (re-submitted with a new trace_id). Run it periodically (the job runner / cron);
 * each row follows the schedule in `recheckDue` and stops after MAX_CHECK_ATTEMPTS — it then
 * stays with the reviewers, who can decide it at any time anyway.
 *
 * Each row is claimed by bumping `attempts` (compare-and-set), so two sweeps never ask twice, and
 * the answer is written only if nobody decided the row meanwhile.
 * Outcomes: counts of rows asked and where they ended.
 */
import { and, asc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import {
  LABEL_UNREACHABLE,
  MAX_CHECK_ATTEMPTS,
  type MediaType,
  recheckDue,
  sceneFor,
} from '../../shared/content/rules';
import { contentChecks } from '../_db/schema';
import { submitImage } from './check-image';
import { askText, authorOpenid } from './check-text';
import { type ContentDeps, secCheckFor } from './deps';

export type RecheckSummary = { asked: number; pass: number; review: number; risky: number; pending: number };

export async function recheckPending(
  deps: ContentDeps,
  opts: { now?: Date; limit?: number } = {},
): Promise<RecheckSummary> {
  const summary: RecheckSummary = { asked: 0, pass: 0, review: 0, risky: 0, pending: 0 };
  const client = secCheckFor(deps);
  if (!client) return summary; // WeChat not configured: asking again cannot help.
  const now = opts.now ?? new Date();
  const rows = await deps.db
    .select()
    .from(contentChecks)
    .where(
      and(
        lt(contentChecks.attempts, MAX_CHECK_ATTEMPTS),
        or(
          eq(contentChecks.status, 'pending'),
          and(eq(contentChecks.status, 'review'), eq(contentChecks.label, LABEL_UNREACHABLE)),
        ),
      ),
    )
    .orderBy(asc(contentChecks.attempts), asc(contentChecks.createdAt))
    .limit(opts.limit ?? 200);

  for (const row of rows) {
    const mediaType = row.mediaType as MediaType;
    if (
      !recheckDue(
        { mediaType, status: row.status, attempts: row.attempts },
        now.getTime() - row.createdAt.getTime(),
      )
    )
      continue;
    const claimed = await deps.db
      .update(contentChecks)
      .set({ attempts: sql`${contentChecks.attempts} + 1` })
      .where(
        and(
          eq(contentChecks.id, row.id),
          eq(contentChecks.attempts, row.attempts),
          eq(contentChecks.status, row.status),
        ),
      )
      .returning({ attempts: contentChecks.attempts });
    if (claimed.length === 0) continue;
    summary.asked++;
    const stillHeld = and(
      eq(contentChecks.id, row.id),
      eq(contentChecks.attempts, claimed[0]!.attempts),
      inArray(contentChecks.status, ['pending', 'review']),
    );
    const openid = await authorOpenid(deps, row.authorUserId);
    const scene = sceneFor(row.targetType);

    if ((mediaType === 'image' || mediaType === 'audio') && row.mediaUrl) {
      const sub = await submitImage(client, { mediaUrl: row.mediaUrl, scene, openid, kind: mediaType });
      if ('traceId' in sub) {
        await deps.db
          .update(contentChecks)
          .set({ status: 'pending', label: null, traceId: sub.traceId })
          .where(stillHeld);
        summary.pending++;
      } else {
        await deps.db.update(contentChecks).set({ status: 'review', label: sub.held }).where(stillHeld);
        summary.review++;
      }
      continue;
    }

    const verdict = await askText(client, { text: row.text ?? '', scene, openid });
    await deps.db
      .update(contentChecks)
      .set({
        status: verdict.status,
        label: verdict.label,
        traceId: verdict.traceId ?? row.traceId,
        decidedAt: verdict.status === 'review' ? null : now,
      })
      .where(stillHeld);
    summary[verdict.status]++;
  }
  if (summary.asked > 0) deps.log('info', 'content recheck', summary);
  return summary;
}

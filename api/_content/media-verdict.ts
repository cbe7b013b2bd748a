/**
 * applyMediaVerdict: records mediaCheckAsync's verdict pushed by WeChat (event wxa_media_check),
 * after the push's signature was verified. Only a row still waiting ('pending') changes, so
 * WeChat's retries of the same push and pushes after a reviewer decided change nothing.
 *
 * Outcomes: 'applied' (status is now pass / review / risky) · 'ignored' (not a media-check event,
 * unknown trace_id, or already decided).
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { TMediaCheckPush } from '../../shared/content/schemas';
import { contentChecks } from '../_db/schema';
import type { ContentDeps } from './deps';

export async function applyMediaVerdict(
  deps: Pick<ContentDeps, 'db' | 'log'>,
  push: TMediaCheckPush,
): Promise<'applied' | 'ignored'> {
  if (push.MsgType !== 'event' || push.Event !== 'wxa_media_check' || !push.trace_id) return 'ignored';
  // errcode ≠ 0 (e.g. -1008: WeChat could not download the image): no verdict, a reviewer decides.
  const failed = push.errcode !== undefined && push.errcode !== 0;
  const status = failed || !push.result ? 'review' : push.result.suggest;
  const label = failed ? `errcode:${push.errcode}` : String(push.result?.label ?? '');
  const updated = await deps.db
    .update(contentChecks)
    .set({ status, label, decidedAt: status === 'review' ? null : new Date() })
    .where(
      and(
        eq(contentChecks.traceId, push.trace_id),
        inArray(contentChecks.mediaType, ['image', 'audio']),
        eq(contentChecks.status, 'pending'),
      ),
    )
    .returning({ id: contentChecks.id });
  if (updated.length === 0) {
    deps.log('info', 'media verdict ignored', { traceId: push.trace_id });
    return 'ignored';
  }
  deps.log('info', 'media verdict applied', { checkId: updated[0]!.id, status, label });
  return 'applied';
}

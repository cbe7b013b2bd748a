/**
 * checkImage: submits an image to WeChat mediaCheckAsync v2 and holds it (status 'pending', not
 * visible) until the verdict arrives at the message-push endpoint (`applyMediaVerdict`). The
 * caller saves the image reference under `targetId` whatever the outcome; visibility follows the
 * check row. One row per image: a target with three photos has three rows.
 *
 * Outcomes: Ok { status: 'pending' } (submitted; WeChat answers within ~30 min) · Ok { status:
 * 'review' } (WeChat could not be asked — 'unreachable', re-submitted by `recheckPending` — or
 * refused the request, e.g. an URL it cannot download; a reviewer decides).
 */
import { eq } from 'drizzle-orm';
import { LABEL_NO_OPENID, LABEL_UNREACHABLE, sceneFor } from '../../shared/content/rules';
import { contentChecks } from '../_db/schema';
import { Err, Ok, type Outcome } from '../_lib/errors';
import type { SecCheckClient } from '../_wechat/sec-check';
import { type CheckResult, openCheck } from './check-text';
import { type ContentDeps, secCheckFor } from './deps';

export type CheckImageInput = {
  villageId: string;
  authorUserId: string;
  openid?: string | null;
  targetType: string;
  targetId: string;
  /** An https URL WeChat can download (not a wx temp path). */
  mediaUrl: string;
  /** What the URL holds: WeChat checks audio too (media_type 1). Default image. */
  kind?: 'image' | 'audio';
  scene?: number;
};

export type ImageSubmission = { traceId: string } | { held: string };

export async function submitImage(
  client: SecCheckClient | undefined,
  p: { mediaUrl: string; scene: number; openid: string | null; kind?: 'image' | 'audio' },
): Promise<ImageSubmission> {
  if (!client) return { held: LABEL_UNREACHABLE };
  if (!p.openid) return { held: LABEL_NO_OPENID };
  const a = await client.mediaCheckAsync({
    mediaUrl: p.mediaUrl,
    scene: p.scene,
    openid: p.openid,
    mediaType: p.kind === 'audio' ? 1 : 2,
  });
  if (a.kind === 'ok') return { traceId: a.traceId };
  return { held: a.kind === 'unreachable' ? LABEL_UNREACHABLE : `errcode:${a.errcode}` };
}

export async function checkImage(deps: ContentDeps, input: CheckImageInput): Promise<Outcome<CheckResult>> {
  if (!/^https?:\/\//.test(input.mediaUrl)) return Err('VALIDATION_FAILED', '图片地址不对');
  const kind = input.kind ?? 'image';
  const { checkId, openid } = await openCheck(deps, input, { mediaType: kind, mediaUrl: input.mediaUrl });
  const sub = await submitImage(secCheckFor(deps), {
    kind,
    mediaUrl: input.mediaUrl,
    scene: input.scene ?? sceneFor(input.targetType),
    openid,
  });
  if ('traceId' in sub) {
    await deps.db
      .update(contentChecks)
      .set({ traceId: sub.traceId, attempts: 1 })
      .where(eq(contentChecks.id, checkId));
    return Ok({ checkId, status: 'pending', visible: false });
  }
  await deps.db
    .update(contentChecks)
    .set({ status: 'review', label: sub.held, attempts: 1 })
    .where(eq(contentChecks.id, checkId));
  deps.log('info', 'image held for review', { checkId, label: sub.held });
  return Ok({ checkId, status: 'review', visible: false });
}

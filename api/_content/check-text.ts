/**
 * checkText: asks WeChat msgSecCheck v2 whether villager-written text may be shown to others,
 * before the caller saves it. Call it outside any transaction (it waits on WeChat, at most
 * WECHAT_TIMEOUT_MS per chunk), then save the content under `targetId` when it returns Ok.
 * One text check per target: pass title and body together; a new check of the same target
 * supersedes the earlier one (an edit is checked afresh).
 *
 * Outcomes:
 * - Ok { status: 'pass' }   → visible.
 * - Ok { status: 'review' } → saved but held for a reviewer: WeChat said review, or WeChat could
 *   not be asked (label 'unreachable'; `recheckPending` asks again later), or the author has no
 *   openid. Never public unchecked.
 * - Err CONTENT_RISKY       → refused; the caller must not save. The check row is removed (the
 *   refused text is not kept); a warn log line records who, which label and WeChat's trace id.
 */
import { and, eq, ne } from 'drizzle-orm';
import {
  type ChunkVerdict,
  type ContentStatus,
  LABEL_NO_OPENID,
  LABEL_UNREACHABLE,
  combineVerdicts,
  labelText,
  sceneFor,
  splitForCheck,
} from '../../shared/content/rules';
import { contentChecks, users } from '../_db/schema';
import { Err, Ok, type Outcome } from '../_lib/errors';
import type { SecCheckClient } from '../_wechat/sec-check';
import { type ContentDeps, secCheckFor } from './deps';

export type CheckTextInput = {
  villageId: string;
  authorUserId: string;
  /** The author's openid; looked up from users when omitted. */
  openid?: string | null;
  targetType: string;
  targetId: string;
  text: string;
  /** msgSecCheck scene (1 资料, 2 评论, 3 论坛, 4 社交日志); default from the target type. */
  scene?: number;
};

export type CheckResult = { checkId: string; status: ContentStatus; visible: boolean };

export async function authorOpenid(deps: ContentDeps, userId: string): Promise<string | null> {
  const [u] = await deps.db.select({ openid: users.openid }).from(users).where(eq(users.id, userId));
  return u?.openid ?? null;
}

/**
 * Saves the pending check first — a crash while WeChat answers leaves a row the re-check sweep
 * picks up — and resolves the author's openid (looked up when the caller did not give it).
 */
export async function openCheck(
  deps: ContentDeps,
  input: Pick<CheckTextInput, 'villageId' | 'authorUserId' | 'targetType' | 'targetId' | 'openid'>,
  media: { mediaType: 'text'; text: string } | { mediaType: 'image' | 'audio'; mediaUrl: string },
): Promise<{ checkId: string; openid: string | null }> {
  const [row] = await deps.db
    .insert(contentChecks)
    .values({
      villageId: input.villageId,
      authorUserId: input.authorUserId,
      targetType: input.targetType,
      targetId: input.targetId,
      ...media,
      status: 'pending',
    })
    .returning({ id: contentChecks.id });
  const openid = input.openid === undefined ? await authorOpenid(deps, input.authorUserId) : input.openid;
  return { checkId: row!.id, openid };
}

/** Asks WeChat about every chunk (stopping at the first risky one) and combines the answers. */
export async function askText(
  client: SecCheckClient | undefined,
  p: { text: string; scene: number; openid: string | null },
) {
  if (!client) return combineVerdicts([{ unchecked: LABEL_UNREACHABLE }]);
  if (!p.openid) return combineVerdicts([{ unchecked: LABEL_NO_OPENID }]);
  const verdicts: ChunkVerdict[] = [];
  for (const content of splitForCheck(p.text)) {
    const a = await client.msgSecCheck({ content, scene: p.scene, openid: p.openid });
    if (a.kind === 'ok') verdicts.push({ suggest: a.suggest, label: a.label, traceId: a.traceId });
    else verdicts.push({ unchecked: a.kind === 'unreachable' ? LABEL_UNREACHABLE : `errcode:${a.errcode}` });
    if (a.kind === 'ok' && a.suggest === 'risky') break;
  }
  return combineVerdicts(verdicts);
}

export async function checkText(deps: ContentDeps, input: CheckTextInput): Promise<Outcome<CheckResult>> {
  if (!input.text.trim()) return Err('VALIDATION_FAILED', '内容不能为空');
  const { checkId, openid } = await openCheck(deps, input, { mediaType: 'text', text: input.text });
  const verdict = await askText(secCheckFor(deps), {
    text: input.text,
    scene: input.scene ?? sceneFor(input.targetType),
    openid,
  });

  if (verdict.status === 'risky') {
    await deps.db.delete(contentChecks).where(eq(contentChecks.id, checkId));
    deps.log('warn', 'content refused as risky', {
      authorUserId: input.authorUserId,
      targetType: input.targetType,
      label: verdict.label,
      traceId: verdict.traceId,
    });
    return Err('CONTENT_RISKY', undefined, { label: verdict.label, reason: labelText(verdict.label) });
  }

  await deps.db.transaction(async (tx) => {
    await tx
      .update(contentChecks)
      .set({
        status: verdict.status,
        label: verdict.label,
        traceId: verdict.traceId ?? null,
        attempts: 1,
        decidedAt: verdict.status === 'pass' ? new Date() : null,
      })
      .where(eq(contentChecks.id, checkId));
    await tx
      .delete(contentChecks)
      .where(
        and(
          eq(contentChecks.targetType, input.targetType),
          eq(contentChecks.targetId, input.targetId),
          eq(contentChecks.mediaType, 'text'),
          ne(contentChecks.id, checkId),
        ),
      );
  });
  if (verdict.status !== 'pass') {
    deps.log('info', 'content held for review', { checkId, label: verdict.label });
  }
  return Ok({ checkId, status: verdict.status, visible: verdict.status === 'pass' });
}

/**
 * Attaching uploads to a matter (its photos and voice when raised; photos taken with a workflow
 * action, e.g. resolve with photos) — and, at the end of this file, to a 四议两公开 stage record.
 * Called from api/_matters/matters.ts in two steps:
 *
 *   const ok = await checkMatterMedia(deps.db, { … });   // before anything is written: a clear error
 *   if (!ok.ok) return ok;
 *   … deps.db.transaction(async (tx) => { …insert…; await attachMatterMedia(tx, { … }); })
 *
 * A media id is attachable when it is a row of the same village, uploaded by the caller (a grid
 * worker raising on a villager's behalf uploads the photos themselves), of the right purpose,
 * not attached anywhere yet, and not refused by the content check. `attachMatterMedia` claims
 * the rows with a compare-and-set in the caller's transaction, so two matters racing for the same
 * photo cannot both get it: the loser's whole transaction rolls back.
 *
 * After the transaction commits, `openMatterMediaChecks` submits each newly attached file to
 * WeChat's content check (images and audio), filed for the supervisors when the matter is about a
 * cadre (that village's cadres must not review it). Until a check passes, only the uploader and
 * those who see the matter in full may fetch the file (access.ts). A crash between the commit and
 * the check leaves the file unchecked, hence never public: the safe side.
 *
 * Outcomes (checkMatterMedia): Ok · VALIDATION_FAILED (the same id twice) · MEDIA_NOT_ATTACHABLE
 * (422, `details.items: [{ id, reason }]`, reason: not_found | not_yours | wrong_purpose |
 * already_attached | refused).
 */
import { and, eq, inArray, isNull, ne } from 'drizzle-orm';
import {
  MEDIA_CHECK_KIND,
  type MatterMediaPurpose,
  type MediaPurpose,
  STAGE_ATTACHMENTS_MAX,
  isPhotoMime,
} from '../../shared/media/rules';
import type { Deps } from '../_app/context';
import { checkImage, supervisedTargetType } from '../_content';
import type { Db, Tx } from '../_db/client';
import { media } from '../_db/schema';
import { ApiError, Err, Ok, type Outcome } from '../_lib/errors';
import { refreshMediaStatus } from './access';
import { signedMediaUrl } from './signed-url';
import { mediaPath } from './upload';

export type MatterMediaRefs = {
  villageId: string;
  /** Who is raising or acting: the uploads must be theirs. */
  userId: string;
  photoIds: readonly string[];
  voiceId?: string | null;
};

type Reason = 'not_found' | 'not_yours' | 'wrong_purpose' | 'already_attached' | 'refused';

const REASON_TEXT: Record<Reason, string> = {
  not_found: '有照片或录音找不到了，请重新上传',
  not_yours: '只能用自己上传的照片或录音',
  wrong_purpose: '照片和录音放错了地方，请重新选择',
  already_attached: '这张照片或录音已经用在别的事项上了，请重新上传',
  refused: '有照片或录音没有通过审核，请换一个',
};

const wanted = (r: MatterMediaRefs): [string, MatterMediaPurpose][] => [
  ...r.photoIds.map((id) => [id, 'matter_photo'] as [string, MatterMediaPurpose]),
  ...(r.voiceId ? [[r.voiceId, 'matter_voice'] as [string, MatterMediaPurpose]] : []),
];

export async function checkMatterMedia(db: Db | Tx, r: MatterMediaRefs): Promise<Outcome<null>> {
  const want = wanted(r);
  if (want.length === 0) return Ok(null);
  if (new Set(want.map(([id]) => id)).size !== want.length) {
    return Err('VALIDATION_FAILED', '同一张照片只能用一次', { field: 'photoIds' });
  }
  const items = await unattachable(db, r, want);
  if (items.length > 0) return Err('MEDIA_NOT_ATTACHABLE', REASON_TEXT[items[0]!.reason], { items });
  return Ok(null);
}

/** Of the wanted uploads, those that cannot be attached, and why (in the order asked). */
async function unattachable(
  db: Db | Tx,
  r: { villageId: string; userId: string },
  want: readonly [string, MediaPurpose][],
): Promise<{ id: string; reason: Reason }[]> {
  const rows = await db
    .select()
    .from(media)
    .where(
      and(
        inArray(
          media.id,
          want.map(([id]) => id),
        ),
        eq(media.villageId, r.villageId),
      ),
    );
  const byId = new Map(rows.map((m) => [m.id, m]));
  const status = await refreshMediaStatus(db, rows);
  const items: { id: string; reason: Reason }[] = [];
  for (const [id, purpose] of want) {
    const m = byId.get(id);
    const reason: Reason | null = !m
      ? 'not_found'
      : m.uploaderUserId !== r.userId
        ? 'not_yours'
        : m.purpose !== purpose
          ? 'wrong_purpose'
          : m.matterId !== null || m.proposalStageId !== null
            ? 'already_attached'
            : status.get(id) === 'risky'
              ? 'refused'
              : null;
    if (reason) items.push({ id, reason });
  }
  return items;
}

/** Claims the uploads for the matter (and the timeline row), or throws so the transaction rolls back. */
export async function attachMatterMedia(
  tx: Tx,
  r: MatterMediaRefs & { matterId: string; matterEventId?: string | null },
): Promise<void> {
  const want = wanted(r);
  if (want.length === 0) return;
  let claimed = 0;
  // One compare-and-set per id (≤ 10): keeps each photo's position and refuses a taken one.
  for (const [position, [id, purpose]] of want.entries()) {
    const rows = await tx
      .update(media)
      .set({ matterId: r.matterId, matterEventId: r.matterEventId ?? null, attachedAt: new Date(), position })
      .where(
        and(
          eq(media.id, id),
          eq(media.villageId, r.villageId),
          eq(media.uploaderUserId, r.userId),
          eq(media.purpose, purpose),
          isNull(media.matterId),
          ne(media.status, 'risky'),
        ),
      )
      .returning({ id: media.id });
    claimed += rows.length;
  }
  if (claimed !== want.length) {
    throw new ApiError('MEDIA_NOT_ATTACHABLE', REASON_TEXT.already_attached);
  }
}

/** Opens the content check of each attached file (in parallel; failures are logged, never thrown). */
export async function openMatterMediaChecks(
  deps: Deps,
  r: MatterMediaRefs & { aboutCadre: boolean },
): Promise<void> {
  const want = wanted(r);
  await Promise.all(
    want.map(async ([id, purpose]) => {
      try {
        await checkImage(deps, {
          villageId: r.villageId,
          authorUserId: r.userId,
          targetType: r.aboutCadre ? supervisedTargetType('media') : 'media',
          targetId: id,
          mediaUrl: signedMediaUrl(deps.config, id),
          kind: MEDIA_CHECK_KIND[purpose],
        });
      } catch (err) {
        deps.log('error', 'media check could not be opened', { mediaId: id, err: String(err) });
      }
    }),
  );
}

/**
 * Of a matter's media ids, those this viewer is shown (as GET /api/media/{id} would serve them):
 * full viewers all but refused ones, others only passed ones.
 */
export async function shownMediaIds(db: Db | Tx, ids: readonly string[], full: boolean): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: media.id, status: media.status })
    .from(media)
    .where(inArray(media.id, [...ids]));
  const status = await refreshMediaStatus(db, rows);
  return ids.filter((id) => (full ? status.get(id) !== 'risky' : status.get(id) === 'ok'));
}

/** Photos taken with each workflow action of a matter, by timeline row. */
export async function eventPhotoIds(
  db: Db | Tx,
  matterId: string,
  opts: { full: boolean },
): Promise<Map<string, string[]>> {
  const rows = await db
    .select({ id: media.id, status: media.status, eventId: media.matterEventId })
    .from(media)
    .where(and(eq(media.matterId, matterId), eq(media.purpose, 'matter_photo')))
    .orderBy(media.position, media.createdAt);
  const status = await refreshMediaStatus(db, rows);
  const out = new Map<string, string[]>();
  for (const r of rows) {
    if (!r.eventId) continue;
    if (opts.full ? status.get(r.id) === 'risky' : status.get(r.id) !== 'ok') continue;
    out.set(r.eventId, [...(out.get(r.eventId) ?? []), r.id]);
  }
  return out;
}

// ─── Stage records (四议两公开) ──────────────────────────────────────────────────────────────
//
// A cadre recording a stage attaches what they uploaded for it (purpose stage_attachment): photos
// of the meeting, the minutes or a tally as a PDF, Word or Excel file. The same two steps as a
// matter: `checkStageMedia` before anything is written, `attachStageMedia` by compare-and-set in
// the stage's transaction. These are the village committee's own records, published under its
// name to the village like a notice or a cadre's answer, so they are not sent to WeChat's content
// check (it does not take documents either): attaching marks them 'ok', and every member who may
// open the proposal may fetch them (access.ts).

const STAGE_REASON_TEXT: Record<Reason, string> = {
  not_found: '有照片或文件找不到了，请重新上传',
  not_yours: '只能用自己上传的照片或文件',
  wrong_purpose: '这个文件不是为会议记录上传的，请重新上传',
  already_attached: '这个照片或文件已经用在别的记录上了，请重新上传',
  refused: '有照片没有通过审核，请换一张',
};

export type StageMediaRefs = { villageId: string; userId: string; ids: readonly string[] };

const stageWanted = (r: StageMediaRefs): [string, MediaPurpose][] =>
  r.ids.map((id) => [id, 'stage_attachment']);

export async function checkStageMedia(db: Db | Tx, r: StageMediaRefs): Promise<Outcome<null>> {
  if (r.ids.length === 0) return Ok(null);
  if (r.ids.length > STAGE_ATTACHMENTS_MAX) {
    return Err('VALIDATION_FAILED', `最多 ${STAGE_ATTACHMENTS_MAX} 个照片或文件`, { field: 'attachmentIds' });
  }
  if (new Set(r.ids).size !== r.ids.length) {
    return Err('VALIDATION_FAILED', '同一个文件只能用一次', { field: 'attachmentIds' });
  }
  const items = await unattachable(db, r, stageWanted(r));
  if (items.length > 0) return Err('MEDIA_NOT_ATTACHABLE', STAGE_REASON_TEXT[items[0]!.reason], { items });
  return Ok(null);
}

/** Claims the uploads for the stage record, or throws so the stage's transaction rolls back. */
export async function attachStageMedia(tx: Tx, r: StageMediaRefs & { stageId: string }): Promise<void> {
  let claimed = 0;
  const now = new Date();
  for (const [position, id] of r.ids.entries()) {
    const rows = await tx
      .update(media)
      .set({ proposalStageId: r.stageId, attachedAt: now, position, status: 'ok' })
      .where(
        and(
          eq(media.id, id),
          eq(media.villageId, r.villageId),
          eq(media.uploaderUserId, r.userId),
          eq(media.purpose, 'stage_attachment'),
          isNull(media.matterId),
          isNull(media.proposalStageId),
          ne(media.status, 'risky'),
        ),
      )
      .returning({ id: media.id });
    claimed += rows.length;
  }
  if (claimed !== r.ids.length) {
    throw new ApiError('MEDIA_NOT_ATTACHABLE', STAGE_REASON_TEXT.already_attached);
  }
}

export type StageAttachment = {
  id: string;
  kind: 'photo' | 'file';
  mime: string;
  name: string | null;
  size: number;
  url: string;
};

/** Each stage record's attachments, in the order they were attached. */
export async function stageAttachments(
  db: Db | Tx,
  stageIds: readonly string[],
): Promise<Map<string, StageAttachment[]>> {
  const out = new Map<string, StageAttachment[]>();
  if (stageIds.length === 0) return out;
  const rows = await db
    .select()
    .from(media)
    .where(and(inArray(media.proposalStageId, [...stageIds]), ne(media.status, 'risky')))
    .orderBy(media.position, media.createdAt);
  for (const m of rows) {
    const list = out.get(m.proposalStageId!) ?? [];
    list.push({
      id: m.id,
      kind: isPhotoMime(m.mime) ? 'photo' : 'file',
      mime: m.mime,
      name: m.fileName,
      size: m.size,
      url: mediaPath(m.id),
    });
    out.set(m.proposalStageId!, list);
  }
  return out;
}

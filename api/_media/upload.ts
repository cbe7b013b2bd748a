/**
 * uploadMedia: keeps one photo, voice recording or (cadres, for a stage record) document a member
 * uploads in their village.
 * The type comes from the bytes (file-type), never from the file name or the client's
 * Content-Type. The object is written to storage BEFORE its row commits: a crash between the two
 * leaves an object nobody points at (harmless), never a row without its object. Until it is
 * attached only its uploader may fetch it; the content check (WeChat mediaCheckAsync) is opened
 * when it is attached (attach.ts), once it is known who reviews it (cadres, or the supervisors
 * for a matter about a cadre) — an abandoned upload never reaches a reviewer.
 *
 * Outcomes: Ok { media, replay } (replay: the same Idempotency-Key was answered before) ·
 * MEDIA_TYPE_NOT_ALLOWED (415) · PAYLOAD_TOO_LARGE (413, over MEDIA_MAX_BYTES) ·
 * IDEMPOTENCY_MISMATCH (422: the key was used for another file).
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import {
  MEDIA_ACCEPT_TEXT,
  MEDIA_MAX_BYTES,
  MEDIA_TOO_LARGE_TEXT,
  type MediaPurpose,
  acceptedMime,
  cleanFileName,
  isPhotoMime,
} from '../../shared/media/rules';
import type { TUploadedMedia } from '../../shared/media/schemas';
import type { Deps } from '../_app/context';
import { media } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';

type MediaRow = typeof media.$inferSelect;

export const mediaPath = (id: string) => `/api/media/${id}`;

export function toUploaded(r: MediaRow): TUploadedMedia {
  return {
    id: r.id,
    purpose: r.purpose,
    mime: r.mime,
    size: r.size,
    status: r.status,
    url: mediaPath(r.id),
    name: r.fileName,
    createdAt: r.createdAt.toISOString(),
  };
}

export type UploadInput = {
  villageId: string;
  userId: string;
  requestId: string;
  purpose: MediaPurpose;
  bytes: Uint8Array;
  idempotencyKey?: string;
  /** The name the uploader's file had (kept for stage attachments, shown beside the file). */
  fileName?: string | null;
};

async function byKey(deps: Pick<Deps, 'db'>, userId: string, key: string) {
  const [row] = await deps.db
    .select()
    .from(media)
    .where(and(eq(media.uploaderUserId, userId), eq(media.idempotencyKey, key)));
  return row ?? null;
}

function replayOf(
  row: MediaRow,
  p: UploadInput,
  sha256: string,
): Outcome<{ media: TUploadedMedia; replay: boolean }> {
  if (row.sha256 !== sha256 || row.purpose !== p.purpose || row.villageId !== p.villageId) {
    return Err('IDEMPOTENCY_MISMATCH');
  }
  return Ok({ media: toUploaded(row), replay: true });
}

export async function uploadMedia(
  deps: Deps,
  p: UploadInput,
): Promise<Outcome<{ media: TUploadedMedia; replay: boolean }>> {
  if (p.bytes.length > MEDIA_MAX_BYTES) {
    return Err('PAYLOAD_TOO_LARGE', MEDIA_TOO_LARGE_TEXT, { maxBytes: MEDIA_MAX_BYTES });
  }
  if (p.bytes.length === 0) return Err('VALIDATION_FAILED', '文件是空的，请重新选择');
  const detected = await fileTypeFromBuffer(p.bytes);
  const mime = acceptedMime(p.purpose, detected?.mime);
  if (!mime) {
    return Err('MEDIA_TYPE_NOT_ALLOWED', MEDIA_ACCEPT_TEXT[p.purpose], {
      purpose: p.purpose,
      detected: detected?.mime ?? null,
    });
  }
  const sha256 = createHash('sha256').update(p.bytes).digest('hex');
  if (p.idempotencyKey) {
    const earlier = await byKey(deps, p.userId, p.idempotencyKey);
    if (earlier) return replayOf(earlier, p, sha256);
  }

  const id = crypto.randomUUID();
  const storageKey = `media/${p.villageId}/${id}`;
  await deps.storage.put(storageKey, p.bytes, mime);

  const inserted = await deps.db.transaction(async (tx) => {
    const rows = await tx
      .insert(media)
      .values({
        id,
        villageId: p.villageId,
        uploaderUserId: p.userId,
        purpose: p.purpose,
        mime,
        size: p.bytes.length,
        sha256,
        storageKey,
        idempotencyKey: p.idempotencyKey ?? null,
        // A document is known by its name ("会议记录.pdf"); a photo by what it shows.
        fileName: p.purpose === 'stage_attachment' && !isPhotoMime(mime) ? cleanFileName(p.fileName) : null,
      })
      .onConflictDoNothing()
      .returning();
    if (rows.length === 0) return null;
    await audit(tx, {
      actorUserId: p.userId,
      action: 'media.upload',
      targetType: 'media',
      targetId: id,
      villageId: p.villageId,
      requestId: p.requestId,
      details: { purpose: p.purpose, mime, size: p.bytes.length },
    });
    return rows[0]!;
  });
  if (!inserted) {
    // A concurrent request with the same key won; its row is the answer (our object is an orphan).
    const winner = p.idempotencyKey ? await byKey(deps, p.userId, p.idempotencyKey) : null;
    if (!winner) throw new Error('media insert conflicted without an idempotency key');
    return replayOf(winner, p, sha256);
  }

  return Ok({ media: toUploaded(inserted), replay: false });
}

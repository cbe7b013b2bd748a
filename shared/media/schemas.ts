/**
 * The media contract. Upload: `POST /api/villages/{villageId}/media`, multipart/form-data with
 * fields `purpose` (MEDIA_PURPOSES), `file` (≤ 10 MB) and, for stage attachments, optionally
 * `fileName` (the name to show; else the file part's own name), optional header `Idempotency-Key`.
 * Answer 201 (200 on an idempotent replay): TUploadedMedia. Serve: `GET /api/media/{id}`.
 */
import { z } from 'zod';
import { ZId } from '../schemas/common';
import { MEDIA_PURPOSES, MEDIA_STATUSES } from './rules';

export const ZMediaPurpose = z.enum(MEDIA_PURPOSES, { error: '请说明上传的是照片还是录音' });

export const ZUploadedMediaSchema = z.object({
  id: ZId,
  purpose: ZMediaPurpose,
  /** The type detected from the content, e.g. image/jpeg, audio/mpeg. */
  mime: z.string(),
  size: z.number().int(),
  /** pending_check until WeChat (or a reviewer) passes it; others see it only once `ok`. */
  status: z.enum(MEDIA_STATUSES),
  /** Where to fetch it (with the Authorization header): /api/media/{id}. */
  url: z.string(),
  /** The file's own name (stage attachments: "村民代表会议记录.pdf"); null for photos and voice. */
  name: z.string().nullable(),
  createdAt: z.string(),
});
export type TUploadedMedia = z.infer<typeof ZUploadedMediaSchema>;

export const ZMediaParams = z.object({ mediaId: ZId });

/**
 * `GET /api/media/{id}/link`: a short-lived signed path (`/api/media/{id}/signed?e&s`) for players
 * that fetch `src` without our Authorization header (InnerAudioContext, <audio>). Prefix the API's
 * origin. Same access as fetching the file.
 */
export const ZMediaLinkSchema = z.object({ url: z.string(), expiresAt: z.string() });
export type TMediaLink = z.infer<typeof ZMediaLinkSchema>;

/**
 * Uploaded media (photos, voice recordings) as data: what each purpose accepts, by the type the
 * file's CONTENT shows (never its name or the client's Content-Type), and the size limit.
 * Shared by the API and the mini-program (which can refuse early, before uploading).
 */

import type { Role } from '../roles';

/**
 * What a file is uploaded for; each purpose accepts its own types and attaches to one place:
 * a matter's photos and voice, or a finance ledger line's voucher photos (凭证照片).
 */
export const MEDIA_PURPOSES = ['matter_photo', 'matter_voice', 'ledger_voucher'] as const;
export type MediaPurpose = (typeof MEDIA_PURPOSES)[number];

/**
 * Who may upload for a purpose (null: any member of the village). Vouchers are the village's
 * accounting records, entered by its cadres (the accountant is one); a villager's photo never
 * becomes a voucher.
 */
export const MEDIA_UPLOADERS: Record<MediaPurpose, readonly Role[] | null> = {
  matter_photo: null,
  matter_voice: null,
  ledger_voucher: ['cadre'],
};

/** pending_check: WeChat (or a reviewer) has not passed it yet; ok: passed; risky: refused. */
export const MEDIA_STATUSES = ['pending_check', 'ok', 'risky'] as const;
export type MediaStatus = (typeof MEDIA_STATUSES)[number];

export const MEDIA_MAX_BYTES = 10 * 1024 * 1024;
/** Room for the multipart envelope (boundaries, part headers, the purpose field) around the file. */
export const MEDIA_ENVELOPE_BYTES = 64 * 1024;

/**
 * Detected type (file-type's mime) → the type we store and serve, per purpose.
 * Photos: what phone cameras and WeChat's chooseMedia give (HEIC from iPhones); no GIF.
 * Voice: WeChat RecorderManager writes mp3 or aac (ADTS or in an m4a box); wav from some
 * recorders; browsers' MediaRecorder gives webm (detected as its container, video/webm) or ogg.
 */
const PHOTO_TYPES: Readonly<Record<string, string>> = {
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/webp': 'image/webp',
  'image/heic': 'image/heic',
  'image/heif': 'image/heif',
};

export const MEDIA_TYPES: Record<MediaPurpose, Readonly<Record<string, string>>> = {
  matter_photo: PHOTO_TYPES,
  ledger_voucher: PHOTO_TYPES,
  matter_voice: {
    'audio/mpeg': 'audio/mpeg',
    'audio/aac': 'audio/aac',
    'audio/x-m4a': 'audio/mp4',
    'audio/mp4': 'audio/mp4',
    'audio/wav': 'audio/wav',
    'audio/webm': 'audio/webm',
    'video/webm': 'audio/webm',
    'audio/ogg': 'audio/ogg',
    'audio/ogg; codecs=opus': 'audio/ogg',
    'audio/opus': 'audio/ogg',
  },
};

/** What the villager is told a purpose accepts. */
export const MEDIA_ACCEPT_TEXT: Record<MediaPurpose, string> = {
  matter_photo: '只能上传照片（jpg、png、webp、heic 格式）',
  matter_voice: '只能上传录音（mp3、aac、m4a、wav 格式）',
  ledger_voucher: '凭证只能上传照片（jpg、png、webp、heic 格式）',
};

export const MEDIA_TOO_LARGE_TEXT = `文件太大了，每个不能超过${MEDIA_MAX_BYTES / 1024 / 1024}MB`;

/** Which WeChat mediaCheckAsync media_type a purpose is checked as. */
export const MEDIA_CHECK_KIND: Record<MediaPurpose, 'image' | 'audio'> = {
  matter_photo: 'image',
  matter_voice: 'audio',
  ledger_voucher: 'image',
};

/** The stored type for a detected one, or null when this purpose does not take it. */
export function acceptedMime(purpose: MediaPurpose, detected: string | undefined): string | null {
  if (!detected) return null;
  return MEDIA_TYPES[purpose][detected] ?? null;
}

/**
 * Uploaded media (photos, voice recordings) as data: what each purpose accepts, by the type the
 * file's CONTENT shows (never its name or the client's Content-Type), and the size limit.
 * Shared by the API and the mini-program (which can refuse early, before uploading).
 */

import type { Role } from '../roles';

/**
 * What a file is uploaded for; each purpose accepts its own types and attaches to one place:
 * a matter's photos and voice, a finance ledger line's voucher photos (凭证照片), or the record
 * of a 四议两公开 stage (photos of the meeting, the minutes as a PDF, Word or Excel file).
 */
export const MEDIA_PURPOSES = ['matter_photo', 'matter_voice', 'ledger_voucher', 'stage_attachment'] as const;
export type MediaPurpose = (typeof MEDIA_PURPOSES)[number];
export type MatterMediaPurpose = Extract<MediaPurpose, 'matter_photo' | 'matter_voice'>;

/** Most files one stage record carries. */
export const STAGE_ATTACHMENTS_MAX = 9;

/**
 * Who may upload for a purpose (null: any member of the village). Vouchers are the village's
 * accounting records, entered by its cadres (the accountant is one); a villager's photo never
 * becomes a voucher. Stage records are kept by the cadres who record the stages. Anyone in the
 * village may add photos and voice to what they raise.
 */
export const MEDIA_UPLOADERS: Record<MediaPurpose, readonly Role[] | null> = {
  matter_photo: null,
  matter_voice: null,
  ledger_voucher: ['cadre'],
  stage_attachment: ['cadre'],
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
const PHOTO_TYPES = {
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/webp': 'image/webp',
  'image/heic': 'image/heic',
  'image/heif': 'image/heif',
} as const;

/** Documents a stage record may carry: what village offices write minutes and tallies in. */
export const DOCUMENT_TYPES = {
  'application/pdf': 'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document':
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet':
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

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
  stage_attachment: { ...PHOTO_TYPES, ...DOCUMENT_TYPES },
};

/** Shown as a picture (thumbnail) rather than as a file to open. */
export const isPhotoMime = (mime: string) => mime.startsWith('image/');

/** File extensions a cadre may pick for a stage record (WeChat's chooseMessageFile, the browser's picker). */
export const STAGE_FILE_EXTENSIONS = ['pdf', 'docx', 'xlsx'] as const;
export type StageFileExtension = (typeof STAGE_FILE_EXTENSIONS)[number];

/** A document's kind in words, and the fileType WeChat's openDocument wants. */
export const DOCUMENT_KINDS: Record<string, { words: string; ext: StageFileExtension }> = {
  'application/pdf': { words: 'PDF 文件', ext: 'pdf' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    words: 'Word 文件',
    ext: 'docx',
  },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { words: 'Excel 表格', ext: 'xlsx' },
};

/** The extension of a picked file's name when a stage record takes it, else null. */
export function stageFileExtension(name: string): StageFileExtension | null {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return (STAGE_FILE_EXTENSIONS as readonly string[]).includes(ext) ? (ext as StageFileExtension) : null;
}

/** What the villager is told a purpose accepts. */
export const MEDIA_ACCEPT_TEXT: Record<MediaPurpose, string> = {
  matter_photo: '只能上传照片（jpg、png、webp、heic 格式）',
  matter_voice: '只能上传录音（mp3、aac、m4a、wav 格式）',
  ledger_voucher: '凭证只能上传照片（jpg、png、webp、heic 格式）',
  stage_attachment: '只能上传照片（jpg、png、heic）或文件（pdf、Word、Excel 的 docx、xlsx）',
};

export const MEDIA_TOO_LARGE_TEXT = `文件太大了，每个不能超过${MEDIA_MAX_BYTES / 1024 / 1024}MB`;

/**
 * Which WeChat mediaCheckAsync media_type a purpose is checked as. Only what villagers raise is
 * sent: ledger vouchers and stage attachments are the village committee's own records, reviewed
 * by the supervision committee (see api/_media/attach.ts and api/_disclosures/vouchers.ts).
 */
export const MEDIA_CHECK_KIND: Record<MatterMediaPurpose, 'image' | 'audio'> = {
  matter_photo: 'image',
  matter_voice: 'audio',
};

/** The stored type for a detected one, or null when this purpose does not take it. */
export function acceptedMime(purpose: MediaPurpose, detected: string | undefined): string | null {
  if (!detected) return null;
  return MEDIA_TYPES[purpose][detected] ?? null;
}

/** A file name as shown to people: no folders, no control characters, at most 80 characters. */
export function cleanFileName(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const base = raw.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = Array.from(base.replace(/[\u0000-\u001f\u007f]/g, '').trim())
    .slice(0, 80)
    .join('');
  return clean || null;
}

/**
 * Photos and voice recordings: upload (multipart) and fetch (with the login header).
 *
 * Upload: `POST /api/villages/{villageId}/media`, fields `purpose` ('matter_photo' |
 * 'matter_voice' | 'stage_attachment'), `file` (≤ 10 MB; the server reads its type from the
 * content) and for documents `fileName`. Answers TUploadedMedia `{ id, purpose, mime, size, status,
 * url, name, createdAt }`; put `id` into `photoIds` / `voice.fileId` when raising a matter or
 * resolving with photos, into `attachmentIds` when recording a 四议两公开 stage.
 * - weapp: Taro.uploadFile (wx.uploadFile) from the temp path chooseMedia / RecorderManager gave.
 * - h5: fetch with FormData, from a Blob (MediaRecorder) or a blob:/http URL (chooseImage).
 * Like every write, an upload carries an Idempotency-Key reused on every retry (network failure,
 * 502/503/504, IDEMPOTENCY_IN_PROGRESS), so a dropped answer never stores the file twice.
 *
 * Fetch: <Image src> cannot send our Authorization header, so `download(id)` fetches the file
 * with it and returns a local path for <Image src> / InnerAudioContext (weapp temp file, h5 blob
 * URL). Files never change (immutable by id): callers may keep the path for the page's life.
 */
import Taro from '@tarojs/taro';
import { ERROR_MESSAGES, type ErrorCode } from '@shared/errors';
import { MEDIA_MAX_BYTES, MEDIA_TOO_LARGE_TEXT, type MediaPurpose } from '@shared/media/rules';
import type { TUploadedMedia } from '@shared/media/schemas';
import { ApiError, NETWORK_MESSAGE, type TokenStore, backoffDelay } from './client';
import { uuidV4 } from '../lib/uuid';

export type { TUploadedMedia } from '@shared/media/schemas';
export type { MediaPurpose } from '@shared/media/rules';

/** What to upload: a local file path (weapp temp path, h5 blob: URL) or, in h5, a Blob. */
export type UploadSource = { filePath: string; blob?: undefined } | { blob: Blob; filePath?: undefined };

export type UploadRequest = {
  url: string;
  header: Record<string, string>;
  purpose: MediaPurpose;
  /** File name sent with the part (WeChat wants one; the server keeps it for stage documents). */
  name: string;
  /** The name to show with a document, sent as the `fileName` field (wx.uploadFile names the part after its temp file). */
  fileName?: string;
  source: UploadSource;
  timeout: number;
};
export type RawResponse = { statusCode: number; data: unknown };
/** Sends one upload. Resolves for any HTTP status; rejects only when no response came. */
export type UploadTransport = (req: UploadRequest) => Promise<RawResponse>;
/** Fetches one file with headers into a local path. */
export type DownloadTransport = (req: {
  url: string;
  header: Record<string, string>;
  timeout: number;
}) => Promise<{ statusCode: number; path: string | null }>;

const RETRY_STATUSES = new Set([502, 503, 504]);
const HTTP_MESSAGE = '服务暂时不可用，请稍后再试';

function parseJson(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

function toError(res: RawResponse): ApiError | null {
  if (res.statusCode >= 200 && res.statusCode < 300) return null;
  const body = parseJson(res.data) as { error?: Record<string, unknown> } | null;
  const e = body?.error;
  if (e && typeof e.code === 'string') {
    const known = (ERROR_MESSAGES as Record<string, string | undefined>)[e.code];
    return new ApiError({
      code: e.code as ErrorCode,
      message: (typeof e.message === 'string' && e.message) || known || HTTP_MESSAGE,
      status: res.statusCode,
      requestId: typeof e.requestId === 'string' ? e.requestId : null,
      details: e.details,
    });
  }
  return new ApiError({ code: 'HTTP_ERROR', message: HTTP_MESSAGE, status: res.statusCode });
}

/** weapp: wx.uploadFile (multipart built by WeChat). Its `data` is the response text. */
export const taroUploadTransport: UploadTransport = async (req) => {
  if (!req.source.filePath) throw new Error('weapp uploads need a file path');
  const res = await Taro.uploadFile({
    url: req.url,
    filePath: req.source.filePath,
    name: 'file',
    fileName: req.name,
    formData: { purpose: req.purpose, ...(req.fileName ? { fileName: req.fileName } : {}) },
    header: req.header,
    timeout: req.timeout,
  } as Taro.uploadFile.Option);
  return { statusCode: res.statusCode, data: res.data };
};

/** h5: fetch + FormData (the browser writes the multipart body and its boundary). */
export const fetchUploadTransport: UploadTransport = async (req) => {
  const blob = req.source.blob ?? (await (await fetch(req.source.filePath!)).blob());
  const form = new FormData();
  form.append('purpose', req.purpose);
  if (req.fileName) form.append('fileName', req.fileName);
  form.append('file', blob, req.fileName ?? req.name);
  const res = await fetch(req.url, {
    method: 'POST',
    headers: req.header,
    body: form,
    signal: AbortSignal.timeout(req.timeout),
  });
  return { statusCode: res.status, data: await res.text() };
};

export const taroDownloadTransport: DownloadTransport = async (req) => {
  const res = await Taro.downloadFile({
    url: req.url,
    header: req.header,
    timeout: req.timeout,
  } as Taro.downloadFile.Option);
  return { statusCode: res.statusCode, path: res.statusCode === 200 ? res.tempFilePath : null };
};

export const fetchDownloadTransport: DownloadTransport = async (req) => {
  const res = await fetch(req.url, { headers: req.header, signal: AbortSignal.timeout(req.timeout) });
  if (res.status !== 200) return { statusCode: res.status, path: null };
  return { statusCode: 200, path: URL.createObjectURL(await res.blob()) };
};

const isWeapp = () => process.env.TARO_ENV === 'weapp';

export type MediaClientOptions = {
  baseUrl: string;
  tokens: TokenStore;
  upload?: UploadTransport;
  download?: DownloadTransport;
  onUnauthorized?: (error: ApiError) => void;
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per attempt; a 10 MB photo on a weak rural signal takes a while. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  newKey?: () => string;
  random?: () => number;
};

export type UploadMediaInput = UploadSource & {
  purpose: MediaPurpose;
  /** Size in bytes when known (chooseMedia's `size`, RecorderManager's `fileSize`): refused early above 10 MB. */
  size?: number;
  /** Reuse across separate calls (the user pressing 上传 again after a failure). */
  idempotencyKey?: string;
  /** A document's own name (stage attachments), shown beside it. */
  fileName?: string;
};

const FILE_NAMES: Record<MediaPurpose, string> = {
  matter_photo: 'photo',
  matter_voice: 'voice',
  ledger_voucher: 'voucher',
  stage_attachment: 'attachment',
};

export function createMediaClient(o: MediaClientOptions) {
  const base = o.baseUrl.replace(/\/$/, '');
  const uploadT = o.upload ?? (isWeapp() ? taroUploadTransport : fetchUploadTransport);
  const downloadT = o.download ?? (isWeapp() ? taroDownloadTransport : fetchDownloadTransport);
  const maxRetries = o.maxRetries ?? 3;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = o.random ?? Math.random;

  function fail(error: ApiError): never {
    if (error.status === 401) {
      o.tokens.clear();
      o.onUnauthorized?.(error);
    }
    throw error;
  }

  const authHeader = (): Record<string, string> => {
    const token = o.tokens.get();
    return token ? { Authorization: `Bearer ${token}` } : {};
  };

  /** Uploads one photo or recording of this village; resolves with the stored media. */
  async function upload(villageId: string, input: UploadMediaInput): Promise<TUploadedMedia> {
    const size = input.size ?? input.blob?.size;
    if (size !== undefined && size > MEDIA_MAX_BYTES) {
      throw new ApiError({ code: 'PAYLOAD_TOO_LARGE', message: MEDIA_TOO_LARGE_TEXT, status: 0 });
    }
    const key = input.idempotencyKey ?? (o.newKey ?? uuidV4)();
    const source: UploadSource = input.blob ? { blob: input.blob } : { filePath: input.filePath! };
    for (let attempt = 0; ; attempt++) {
      let res: RawResponse | null = null;
      try {
        res = await uploadT({
          url: `${base}/villages/${encodeURIComponent(villageId)}/media`,
          header: { Accept: 'application/json', 'Idempotency-Key': key, ...authHeader() },
          purpose: input.purpose,
          name: FILE_NAMES[input.purpose],
          ...(input.fileName ? { fileName: input.fileName } : {}),
          source,
          timeout: o.timeoutMs ?? 60_000,
        });
      } catch {
        res = null;
      }
      const error = res ? toError(res) : null;
      if (res && !error) return parseJson(res.data) as TUploadedMedia;
      const retryable =
        res === null || RETRY_STATUSES.has(res.statusCode) || error?.code === 'IDEMPOTENCY_IN_PROGRESS';
      if (retryable && attempt < maxRetries) {
        await sleep(backoffDelay(attempt, o.baseDelayMs ?? 500, o.maxDelayMs ?? 5000, random));
        continue;
      }
      fail(error ?? new ApiError({ code: 'NETWORK', message: NETWORK_MESSAGE, status: 0 }));
    }
  }

  /** A local path for <Image src> or audio playback of one media file. */
  async function download(mediaId: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      let res: { statusCode: number; path: string | null } | null = null;
      try {
        res = await downloadT({
          url: `${base}/media/${encodeURIComponent(mediaId)}`,
          header: authHeader(),
          timeout: o.timeoutMs ?? 60_000,
        });
      } catch {
        res = null;
      }
      if (res?.path) return res.path;
      const retryable = res === null || RETRY_STATUSES.has(res.statusCode);
      if (retryable && attempt < maxRetries) {
        await sleep(backoffDelay(attempt, o.baseDelayMs ?? 500, o.maxDelayMs ?? 5000, random));
        continue;
      }
      if (!res) fail(new ApiError({ code: 'NETWORK', message: NETWORK_MESSAGE, status: 0 }));
      const code: ErrorCode =
        res.statusCode === 401 ? 'UNAUTHENTICATED' : res.statusCode === 404 ? 'NOT_FOUND' : 'INTERNAL';
      fail(
        new ApiError({
          code: res.statusCode >= 500 ? 'HTTP_ERROR' : code,
          message: res.statusCode >= 500 ? HTTP_MESSAGE : ERROR_MESSAGES[code],
          status: res.statusCode,
        }),
      );
    }
  }

  return { upload, download };
}

export type MediaClient = ReturnType<typeof createMediaClient>;

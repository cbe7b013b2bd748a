/**
 * Media routes: upload (POST /api/villages/{villageId}/media, multipart; a purpose may be limited
 * to some roles, MEDIA_UPLOADERS: vouchers are the cadres'), fetch (GET /api/media/{mediaId}), a
 * short-lived signed link for audio players (GET /api/media/{mediaId}/link) and the signed fetch
 * behind it and behind WeChat's content check (GET /api/media/{mediaId}/signed?e=&s=, byte ranges).
 *
 * The upload route is exempt from the app's 1 MB JSON body limit (app.ts asks `isUploadRequest`)
 * and enforces its own: Content-Length is refused early when too large, and the bytes are counted
 * while reading, so a lying or missing header cannot get more than the limit past. It does not
 * use the generic idempotency middleware (which buffers and hashes the raw body, and a retried
 * multipart upload has a new boundary): the media table keeps the key, and a retry with the same
 * key and the same file answers the same row.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  MEDIA_ENVELOPE_BYTES,
  MEDIA_MAX_BYTES,
  MEDIA_TOO_LARGE_TEXT,
  MEDIA_UPLOADERS,
} from '../../shared/media/rules';
import {
  ZMediaLinkSchema,
  ZMediaParams,
  ZMediaPurpose,
  ZUploadedMediaSchema,
} from '../../shared/media/schemas';
import { VILLAGE_ROLES } from '../../shared/roles';
import { ZErrorSchema, ZVillageParams } from '../../shared/schemas/common';
import type { AppEnv } from '../_app/context';
import { newRouter } from '../_app/router';
import { requireAuthNoProfileChange } from '../_auth/middleware';
import { assertVillageRole } from '../_lib/access';
import { ApiError, Err, Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, reply } from '../_lib/http';
import type { RatelimitPolicyName } from '../_redis';
import { mediaForViewer } from './access';
import { byteRangeResponse } from '../_lib/byte-range';
import { PLAY_URL_TTL_S, signedMediaPath, verifyMediaSignature } from './signed-url';
import { uploadMedia } from './upload';
import { eq } from 'drizzle-orm';
import { media } from '../_db/schema';

const UPLOAD_PATH_RE = /^\/api\/villages\/[^/]+\/media\/?$/;
const IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9_-]{8,100}$/;
const BODY_CAP = MEDIA_MAX_BYTES + MEDIA_ENVELOPE_BYTES;

/** True for the upload route, which sets its own body limit. */
export const isUploadRequest = (method: string, path: string) =>
  method === 'POST' && UPLOAD_PATH_RE.test(path);

const tooLarge = () => new ApiError('PAYLOAD_TOO_LARGE', MEDIA_TOO_LARGE_TEXT, { maxBytes: MEDIA_MAX_BYTES });

/** The request body, refused as soon as it passes `cap` bytes. */
async function readCapped(req: Request, cap: number): Promise<Uint8Array> {
  const reader = req.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function limit(c: Context<AppEnv>, policy: RatelimitPolicyName, identifier: string) {
  const r = await c.get('deps').redis.rateLimit(policy, identifier);
  if (!r.success) {
    c.header('Retry-After', String(r.retryAfterS));
    throw new ApiError('RATE_LIMITED', undefined, { retryAfterS: r.retryAfterS });
  }
}

/** Parses the multipart body into the purpose and the file's bytes, or throws the refusal. */
async function readUpload(c: Context<AppEnv>) {
  const type = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data;\s*boundary=/i.test(type)) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', '请用 multipart/form-data 上传文件');
  }
  const declared = c.req.header('content-length');
  if (declared && Number(declared) > BODY_CAP) throw tooLarge();
  const raw = await readCapped(c.req.raw, BODY_CAP);
  let form: FormData;
  try {
    form = await new Response(raw as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': type },
    }).formData();
  } catch {
    throw new ApiError('VALIDATION_FAILED', '上传的内容格式不对，请重试');
  }
  const purpose = ZMediaPurpose.safeParse(form.get('purpose'));
  if (!purpose.success) {
    throw new ApiError('VALIDATION_FAILED', '请说明上传的是照片还是录音', { field: 'purpose' });
  }
  const file = form.get('file');
  if (!(file instanceof Blob))
    throw new ApiError('VALIDATION_FAILED', '请选择要上传的文件', { field: 'file' });
  if (file.size > MEDIA_MAX_BYTES) throw tooLarge();
  // WeChat's uploadFile names the part after its temp file: the real name comes as a field.
  const named = form.get('fileName');
  const fileName = typeof named === 'string' && named ? named : file instanceof File ? file.name : null;
  return { purpose: purpose.data, bytes: new Uint8Array(await file.arrayBuffer()), fileName };
}

const upload = createRoute({
  method: 'post',
  path: '/villages/{villageId}/media',
  tags: ['media'],
  summary: 'Upload a photo or voice recording (members of the village)',
  description:
    'multipart/form-data with `purpose` (matter_photo | matter_voice; ledger_voucher and stage_attachment — cadres only) and `file` ' +
    '(≤ 10 MB; its type is read from the content); for stage attachments optionally `fileName`, the name to show. ' +
    'Optional `Idempotency-Key`: the same key and file answer the same media (200, Idempotent-Replay: true).',
  security: SECURED,
  middleware: [requireAuthNoProfileChange],
  request: { params: ZVillageParams },
  responses: {
    201: json(ZUploadedMediaSchema, 'Saved; status pending_check until the content check passes'),
    200: json(ZUploadedMediaSchema, 'Idempotent replay of an earlier upload'),
    415: json(ZErrorSchema, 'MEDIA_TYPE_NOT_ALLOWED / UNSUPPORTED_MEDIA_TYPE'),
    ...AUTH_ERRORS,
  },
});

const CACHE_FOREVER = 'private, max-age=31536000, immutable';

const fetchOne = createRoute({
  method: 'get',
  path: '/media/{mediaId}',
  tags: ['media'],
  summary: 'The file: for its uploader and whoever may read the matter or proposal it belongs to',
  security: SECURED,
  middleware: [requireAuthNoProfileChange],
  request: { params: ZMediaParams },
  responses: { 200: { description: 'The bytes, with their detected Content-Type' }, ...AUTH_ERRORS },
});

const link = createRoute({
  method: 'get',
  path: '/media/{mediaId}/link',
  tags: ['media'],
  summary:
    'A short-lived signed link to the file, for audio players that cannot send headers (same access as the file)',
  security: SECURED,
  middleware: [requireAuthNoProfileChange],
  request: { params: ZMediaParams },
  responses: { 200: json(ZMediaLinkSchema), ...AUTH_ERRORS },
});

const fetchSigned = createRoute({
  method: 'get',
  path: '/media/{mediaId}/signed',
  tags: ['media'],
  summary: 'The file by a signed, expiring URL (WeChat’s content check downloads it)',
  request: { params: ZMediaParams, query: z.object({ e: z.string().optional(), s: z.string().optional() }) },
  responses: {
    200: { description: 'The bytes' },
    206: { description: 'A byte range of them' },
    404: AUTH_ERRORS[404],
  },
});

async function sendObject(c: Context<AppEnv>, row: typeof media.$inferSelect, cacheControl: string) {
  const etag = `"${row.sha256}"`;
  const headers = {
    'Cache-Control': cacheControl,
    ETag: etag,
    'X-Content-Type-Options': 'nosniff',
    // A document keeps its name when saved or opened (RFC 6266 / 5987: UTF-8, percent-encoded).
    'Content-Disposition': row.fileName
      ? `inline; filename*=UTF-8''${encodeURIComponent(row.fileName)}`
      : 'inline',
  };
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
  const obj = await c.get('deps').storage.get(row.storageKey);
  // A row is committed only after its object was stored: a missing object is broken storage.
  if (!obj) throw new Error(`media object missing: ${row.storageKey}`);
  return byteRangeResponse(c.req.header('range'), obj.body, { ...headers, 'Content-Type': row.mime });
}

export function mediaRoutes() {
  return newRouter()
    .openapi(upload, async (c) => {
      const { villageId } = c.req.valid('param');
      const auth = c.get('auth');
      const roles = assertVillageRole(auth, villageId, VILLAGE_ROLES);
      const key = c.req.header('idempotency-key');
      if (key !== undefined && !IDEMPOTENCY_KEY_RE.test(key)) {
        return reply(c, Err('VALIDATION_FAILED', 'Idempotency-Key 格式不对', { header: 'Idempotency-Key' }));
      }
      await limit(c, 'media:upload', auth.userId);
      await limit(c, 'media:upload-village', villageId);
      const { purpose, bytes, fileName } = await readUpload(c);
      // Vouchers and stage records are the cadres' (the body has to be read to know the purpose).
      const uploaders = MEDIA_UPLOADERS[purpose];
      if (uploaders && !uploaders.some((r) => roles.has(r))) {
        return reply(
          c,
          Err(
            'FORBIDDEN',
            purpose === 'ledger_voucher' ? '只有村干部可以上传凭证照片' : '只有村干部可以上传会议材料',
          ),
        );
      }
      const out = await uploadMedia(c.get('deps'), {
        villageId,
        userId: auth.userId,
        requestId: c.get('requestId'),
        purpose,
        bytes,
        fileName,
        idempotencyKey: key,
      });
      if (!out.ok) return reply(c, out);
      if (out.value.replay) c.header('Idempotent-Replay', 'true');
      return reply(c, Ok(out.value.media), out.value.replay ? 200 : 201);
    })
    .openapi(fetchOne, async (c) => {
      const { mediaId } = c.req.valid('param');
      const found = await mediaForViewer(c.get('deps'), c.get('auth'), mediaId);
      if (!found.ok) return reply(c, found);
      return (await sendObject(c, found.value, CACHE_FOREVER)) as never;
    })
    .openapi(link, async (c) => {
      const { mediaId } = c.req.valid('param');
      const deps = c.get('deps');
      const found = await mediaForViewer(deps, c.get('auth'), mediaId);
      if (!found.ok) return reply(c, found);
      const { path, expires } = signedMediaPath(deps.config, mediaId, PLAY_URL_TTL_S);
      c.header('Cache-Control', 'private, no-store');
      return reply(c, Ok({ url: path, expiresAt: new Date(expires * 1000).toISOString() }));
    })
    .openapi(fetchSigned, async (c) => {
      const { mediaId } = c.req.valid('param');
      const { e, s } = c.req.valid('query');
      const deps = c.get('deps');
      if (!verifyMediaSignature(deps.config, mediaId, e, s)) return reply(c, Err('NOT_FOUND'));
      const [row] = await deps.db.select().from(media).where(eq(media.id, mediaId));
      if (!row) return reply(c, Err('NOT_FOUND'));
      return (await sendObject(c, row, 'private, no-store')) as never;
    });
}

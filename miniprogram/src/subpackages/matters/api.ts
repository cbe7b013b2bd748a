/**
 * The matters endpoints for the mini-program (raise, list, open, act) and the media upload they
 * need, on the app's typed client. Kept in the subpackage so none of it weighs on the main package.
 *
 * Types: the response shapes are still defined in api/_matters/contract.ts (imported as types
 * only: nothing of the API reaches the bundle); request bodies come from shared/matters/schemas.ts.
 */
import Taro from '@tarojs/taro';
import type { z } from 'zod';
import type { ZRaiseMatterSchema, ZTakeMatterActionSchema } from '@shared/matters/schemas';
import type { TMatterCategory } from '@shared/matters/kinds';
import type {
  ZFollowingSchema,
  ZMatterDetailSchema,
  ZMatterListSchema,
  ZMatterMovedSchema,
  ZMatterPageSchema,
  ZMatterSettingsSchema,
  ZMatterSummarySchema,
  ZRaisedMatterSchema,
  ZSimilarMattersSchema,
} from '../../../../api/_matters/contract';
import { api } from '../../api';
import { ApiError, NETWORK_MESSAGE } from '../../api/client';
import { tokenStore } from '../../lib/storage';
import { uuidV4 } from '../../lib/uuid';

export type TMatterSummary = z.infer<typeof ZMatterSummarySchema>;
export type TMatterDetail = z.infer<typeof ZMatterDetailSchema>;
export type TMatterList = z.infer<typeof ZMatterListSchema>;
export type TMatterEvent = TMatterDetail['timeline'][number];
export type TRaiseMatterBody = z.input<typeof ZRaiseMatterSchema>;
export type TTakeActionBody = z.input<typeof ZTakeMatterActionSchema>;
export type TRaisedMatter = z.infer<typeof ZRaisedMatterSchema>;
export type TMatterMoved = z.infer<typeof ZMatterMovedSchema>;
export type TMatterPage = z.infer<typeof ZMatterPageSchema>;
export type TMatterListItem = TMatterPage['items'][number];
export type TSimilarMatters = z.infer<typeof ZSimilarMattersSchema>;
export type TMatterSettings = z.infer<typeof ZMatterSettingsSchema>;
export type TFollowing = z.infer<typeof ZFollowingSchema>;
export type TInboxQuery = {
  cursor?: string | null;
  state?: TMatterSummary['state'] | null;
  kind?: TMatterSummary['kind'] | null;
  overdue?: boolean;
};
export type { TMatterCategory };

/** What an upload is for (the media endpoint checks type and size by purpose). */
export type MediaPurpose = 'matter_photo' | 'matter_voice';

const v = (id: string) => encodeURIComponent(id);
const client = api.client;
const BASE = (process.env.TARO_APP_API_BASE ?? '/api').replace(/\/$/, '');

export const LIST_PAGE = 20;

export const mattersApi = {
  /** Every matter I may see here, newest first (others' public ones masked); the first 100. */
  list: (villageId: string) => client.get<TMatterList>(`/villages/${v(villageId)}/matters`),
  /** 我的事项: what I raised (or was raised for me), newest first, by keyset pages. */
  mine: (villageId: string, cursor?: string | null) =>
    client.get<TMatterPage>(`/villages/${v(villageId)}/matters/mine`, {
      query: { cursor, limit: LIST_PAGE },
    }),
  /** 待办: open matters I hold, overdue first, by keyset pages. */
  inbox: (villageId: string, q: TInboxQuery = {}) =>
    client.get<TMatterPage>(`/villages/${v(villageId)}/matters/inbox`, {
      query: {
        cursor: q.cursor,
        state: q.state,
        kind: q.kind,
        overdue: q.overdue ? 'true' : undefined,
        limit: LIST_PAGE,
      },
    }),
  /** The town's inbox: open matters escalated to the town from all its villages (town officers). */
  townInbox: (townId: string, q: TInboxQuery = {}) =>
    client.get<TMatterPage>(`/towns/${v(townId)}/matters/inbox`, {
      query: {
        cursor: q.cursor,
        state: q.state,
        kind: q.kind,
        overdue: q.overdue ? 'true' : undefined,
        limit: LIST_PAGE,
      },
    }),
  similar: (villageId: string, category: string, text: string) =>
    client.get<TSimilarMatters>(`/villages/${v(villageId)}/matters/similar`, { query: { category, text } }),
  follow: (villageId: string, matterId: string) =>
    client.post<TFollowing>(`/villages/${v(villageId)}/matters/${v(matterId)}/follow`),
  unfollow: (villageId: string, matterId: string) =>
    client.del<TFollowing>(`/villages/${v(villageId)}/matters/${v(matterId)}/follow`),
  /** The village's categories (and time limits). */
  settings: (villageId: string) => client.get<TMatterSettings>(`/villages/${v(villageId)}/matter-settings`),
  open: (villageId: string, matterId: string) =>
    client.get<TMatterDetail>(`/villages/${v(villageId)}/matters/${v(matterId)}`),
  /** `idempotencyKey`: the form keeps one per content, so pressing 提交 again cannot raise twice. */
  raise: (villageId: string, body: TRaiseMatterBody, idempotencyKey: string) =>
    client.post<TRaisedMatter>(`/villages/${v(villageId)}/matters`, body, { idempotencyKey }),
  act: (villageId: string, matterId: string, body: TTakeActionBody, idempotencyKey: string) =>
    client.post<TMatterMoved>(`/villages/${v(villageId)}/matters/${v(matterId)}/actions`, body, {
      idempotencyKey,
    }),
};

function uploadError(statusCode: number, data: unknown): ApiError {
  let body: { error?: { code?: string; message?: string; requestId?: string } } | null = null;
  try {
    body = typeof data === 'string' ? JSON.parse(data) : (data as typeof body);
  } catch {
    body = null;
  }
  const e = body?.error;
  return new ApiError({
    code: (e?.code as ApiError['code']) ?? 'HTTP_ERROR',
    message: e?.message || '照片没有传上去，请再试一次',
    status: statusCode,
    requestId: e?.requestId ?? null,
  });
}

/**
 * Upload one local file (a chosen photo, a recording) for this village: POST
 * /api/villages/:villageId/media, multipart field `file` plus `purpose`. Resolves with the media id.
 */
export async function uploadMedia(
  villageId: string,
  filePath: string,
  purpose: MediaPurpose,
  idempotencyKey: string = uuidV4(),
): Promise<string> {
  const header: Record<string, string> = { 'Idempotency-Key': idempotencyKey };
  const token = tokenStore.get();
  if (token) header.Authorization = `Bearer ${token}`;
  let res: Taro.uploadFile.SuccessCallbackResult;
  try {
    res = await Taro.uploadFile({
      url: `${BASE}/villages/${v(villageId)}/media`,
      filePath,
      name: 'file',
      formData: { purpose },
      header,
      timeout: 60000,
    });
  } catch {
    throw new ApiError({ code: 'NETWORK', message: NETWORK_MESSAGE, status: 0 });
  }
  if (res.statusCode < 200 || res.statusCode >= 300) throw uploadError(res.statusCode, res.data);
  const parsed = typeof res.data === 'string' ? (JSON.parse(res.data) as { id?: string }) : res.data;
  const id = (parsed as { id?: string } | null)?.id;
  if (!id) throw uploadError(res.statusCode, null);
  return id;
}

/**
 * A local path that shows a stored photo: GET /api/media/:id needs the Authorization header, which
 * an <Image src> cannot send, so the file is downloaded first (a temp file on weapp, a blob URL on h5).
 */
export async function mediaSrc(mediaId: string): Promise<string> {
  const header: Record<string, string> = {};
  const token = tokenStore.get();
  if (token) header.Authorization = `Bearer ${token}`;
  const res = await Taro.downloadFile({ url: `${BASE}/media/${v(mediaId)}`, header });
  if (res.statusCode !== 200)
    throw new ApiError({ code: 'HTTP_ERROR', message: '图片打不开', status: res.statusCode });
  return res.tempFilePath;
}

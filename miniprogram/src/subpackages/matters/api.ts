/**
 * The matters endpoints for the mini-program (raise, list, open, act) and the media upload they
 * need, on the app's typed client. Kept in the subpackage so none of it weighs on the main package.
 *
 * Types: the response shapes are still defined in api/_matters/contract.ts (imported as types
 * only: nothing of the API reaches the bundle); request bodies come from shared/matters/schemas.ts.
 */
import type { z } from 'zod';
import type { ZRaiseMatterSchema, ZTakeMatterActionSchema } from '@shared/matters/schemas';
import type { TMatterCategory } from '@shared/matters/kinds';
import type { TMediaLink } from '@shared/media/schemas';
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
import { api, media } from '../../api';
import type { MediaPurpose } from '../../api/media';
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

const v = (id: string) => encodeURIComponent(id);
const client = api.client;

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
  /** A short-lived signed link to a photo or recording, for players that cannot send the login (audio). */
  mediaLink: (mediaId: string) => client.get<TMediaLink>(`/media/${v(mediaId)}/link`),
  act: (villageId: string, matterId: string, body: TTakeActionBody, idempotencyKey: string) =>
    client.post<TMatterMoved>(`/villages/${v(villageId)}/matters/${v(matterId)}/actions`, body, {
      idempotencyKey,
    }),
};

/**
 * Upload one local file (a chosen photo, a recording) for this village through the app's media
 * client (api/media.ts: multipart, Idempotency-Key kept across retries). Resolves with its id.
 */
export async function uploadMedia(
  villageId: string,
  filePath: string,
  purpose: MediaPurpose,
  idempotencyKey: string = uuidV4(),
  /** Bytes when the picker says (a file over 10 MB is refused before sending). */
  size?: number,
): Promise<string> {
  const uploaded = await media.upload(villageId, { filePath, purpose, idempotencyKey, size });
  return uploaded.id;
}

/** A local path that shows a stored photo or plays a recording (GET /api/media/:id with the login). */
export function mediaSrc(mediaId: string): Promise<string> {
  return media.download(mediaId);
}

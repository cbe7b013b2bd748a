/** The disclosures part of the typed client: board, detail, power list (public) and the admin calls. */
import type { z } from 'zod';
import type {
  ZBoardSchema,
  ZCreateDisclosure,
  ZDisclosureDetail,
  ZDraftListSchema,
  ZDraftSchema,
  ZPowerListSchema,
  ZTownOverdueSchema,
  ZUpdateDraft,
  ZVerifySchema,
} from '@shared/disclosures/schemas';
import type { ApiClient } from './client';

export type TBoard = z.infer<typeof ZBoardSchema>;
export type TBoardItem = TBoard['items'][number];
export type TDisclosureDetail = z.infer<typeof ZDisclosureDetail>;
export type TPublishedVersion = TDisclosureDetail['versions'][number];
export type TPowerList = z.infer<typeof ZPowerListSchema>;
export type TPowerItem = TPowerList['items'][number];
export type TDraft = z.infer<typeof ZDraftSchema>;
export type TDraftList = z.infer<typeof ZDraftListSchema>;
export type TVerify = z.infer<typeof ZVerifySchema>;
export type TTownOverdue = z.infer<typeof ZTownOverdueSchema>;
export type TCreateDisclosureBody = z.input<typeof ZCreateDisclosure>;
export type TUpdateDraftBody = z.input<typeof ZUpdateDraft>;

const v = (id: string) => encodeURIComponent(id);

export function createDisclosureApi(client: ApiClient) {
  const base = (villageId: string) => `/villages/${v(villageId)}/disclosures`;
  return {
    board: (villageId: string) => client.get<TBoard>(`${base(villageId)}/board`),
    detail: (villageId: string, id: string) => client.get<TDisclosureDetail>(`${base(villageId)}/${v(id)}`),
    verify: (villageId: string) => client.get<TVerify>(`${base(villageId)}/verify`),
    read: (villageId: string, id: string) =>
      client.post<{ readHouseholds: number; counted: boolean }>(`${base(villageId)}/${v(id)}/read`),
    question: (villageId: string, id: string, body: { versionNo: number; lineNo: number; text: string }) =>
      client.post<{ id: string; matterId: string }>(`${base(villageId)}/${v(id)}/questions`, body),
    powerList: (villageId: string) => client.get<TPowerList>(`/villages/${v(villageId)}/power-items`),
    drafts: (villageId: string) => client.get<TDraftList>(`${base(villageId)}/drafts`),
    draft: (villageId: string, id: string) => client.get<TDraft>(`${base(villageId)}/${v(id)}/draft`),
    create: (villageId: string, body: TCreateDisclosureBody) => client.post<TDraft>(base(villageId), body),
    update: (villageId: string, id: string, body: TUpdateDraftBody) =>
      client.put<TDraft>(`${base(villageId)}/${v(id)}/draft`, body),
    correct: (villageId: string, id: string, body: TUpdateDraftBody & { reason: string }) =>
      client.post<TDraft>(`${base(villageId)}/${v(id)}/corrections`, body),
    submit: (villageId: string, id: string) => client.post<TDraft>(`${base(villageId)}/${v(id)}/submit`),
    review: (villageId: string, id: string, decision: 'approve' | 'return', comment: string) =>
      client.post<{ status: 'returned' | 'published'; versionNo: number; seq?: number }>(
        `${base(villageId)}/${v(id)}/review`,
        { decision, comment },
      ),
    /** The town's late disclosures (town officers of that town). */
    townOverdue: (townId: string) => client.get<TTownOverdue>(`/towns/${v(townId)}/disclosures/overdue`),
    printUrl: (apiBase: string, villageId: string, id: string, versionNo: number) =>
      `${apiBase}${base(villageId)}/${v(id)}/print?version=${versionNo}`,
    /** A published voucher photo: public, no login, cached forever (an <Image src> loads it by itself). */
    voucherUrl: (apiBase: string, villageId: string, id: string, mediaId: string) =>
      `${apiBase}${base(villageId)}/${v(id)}/vouchers/${v(mediaId)}`,
  };
}

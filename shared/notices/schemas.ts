import { z } from 'zod';
import { ROLES } from '../roles';
import { ZId, ZIsoTime } from '../schemas/common';
import { NOTIFY_KINDS } from './rules';

export const ZNotifyKind = z.enum(NOTIFY_KINDS);

export const ZNoticeAudience = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('village') }),
  z.strictObject({ type: z.literal('grid'), gridId: ZId }),
  z.strictObject({ type: z.literal('role'), role: z.enum(ROLES) }),
]);
export type TNoticeAudience = z.infer<typeof ZNoticeAudience>;

export const ZPublishNoticeSchema = z.strictObject({
  title: z.string().trim().min(1, '请填写标题').max(40, '标题不能超过40个字'),
  body: z.string().trim().min(1, '请填写内容').max(5000, '内容不能超过5000个字'),
  audience: ZNoticeAudience,
  pinned: z.boolean().optional(),
  expiresAt: ZIsoTime.optional(),
});
export type TPublishNotice = z.infer<typeof ZPublishNoticeSchema>;

export const ZNoticeSchema = z.object({
  id: ZId,
  villageId: ZId,
  title: z.string(),
  body: z.string(),
  audience: ZNoticeAudience,
  audienceLabel: z.string(),
  pinned: z.boolean(),
  expiresAt: ZIsoTime.nullable(),
  publishedAt: ZIsoTime,
  publisherName: z.string(),
  read: z.boolean(),
  /** Only for cadres and supervisors: how many of the audience have opened it. */
  readCount: z.number().int().nullable(),
  audienceCount: z.number().int().nullable(),
});
export type TNotice = z.infer<typeof ZNoticeSchema>;
export const ZNoticeListSchema = z.object({ items: z.array(ZNoticeSchema) });
export type TNoticeList = z.infer<typeof ZNoticeListSchema>;
export const ZNoticeParams = z.object({ villageId: ZId, noticeId: ZId });
export const ZNoticeListQuery = z.strictObject({ includeExpired: z.enum(['0', '1']).optional() });

export const ZInboxEntrySchema = z.object({
  id: ZId,
  kind: ZNotifyKind,
  title: z.string(),
  summary: z.string(),
  objectType: z.string(),
  objectId: z.string(),
  villageId: ZId.nullable(),
  createdAt: ZIsoTime,
  read: z.boolean(),
});
export const ZInboxListQuery = z.strictObject({
  before: ZIsoTime.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
export const ZInboxListSchema = z.object({ items: z.array(ZInboxEntrySchema), unread: z.number().int() });
export type TInboxList = z.infer<typeof ZInboxListSchema>;
export const ZUnreadSchema = z.object({ unread: z.number().int() });
export const ZInboxEntryParams = z.object({ entryId: ZId });
export const ZMarkReadSchema = z.strictObject({ all: z.literal(true) });

export const ZNotifySettingsSchema = z.object({
  quietHours: z.boolean(),
  kinds: z.array(z.object({ kind: ZNotifyKind, label: z.string(), push: z.boolean(), digest: z.boolean() })),
});
export type TNotifySettings = z.infer<typeof ZNotifySettingsSchema>;
export const ZUpdateNotifySettingsSchema = z.strictObject({
  quietHours: z.boolean().optional(),
  kinds: z
    .array(z.strictObject({ kind: ZNotifyKind, push: z.boolean(), digest: z.boolean() }))
    .max(NOTIFY_KINDS.length)
    .optional(),
});

/** What wx.requestSubscribeMessage answered, per template id: 'accept' | 'reject' | 'ban' | 'filter'. */
export const ZRecordConsentSchema = z.strictObject({
  results: z.record(z.string().min(1).max(64), z.enum(['accept', 'reject', 'ban', 'filter'])),
});
export const ZSubscribeTemplatesSchema = z.object({
  templates: z.array(z.object({ kind: ZNotifyKind, templateId: z.string(), longTerm: z.boolean() })),
});

/** Answer of GET|POST /api/me/subscribe-consents: what each template may still send. */
export const ZConsentsSchema = z.object({
  consents: z.array(
    z.object({
      templateId: z.string(),
      kind: z.enum(['one_time', 'long_term']),
      /** One-time messages still allowed (0 for long-term: they need none). */
      remaining: z.number().int(),
    }),
  ),
  /** Template ids in the request this deployment does not use. */
  ignored: z.array(z.string()).optional(),
});

import { z } from 'zod';
import { ZId, ZIsoTime } from '../schemas/common';
import { CONTENT_STATUSES, DECISIONS, MEDIA_TYPES } from './rules';

export const ZContentStatus = z.enum(CONTENT_STATUSES);

/** One item in a reviewer's queue: content WeChat held (`review`) or could not check. */
export const ZContentReviewSchema = z.object({
  id: ZId,
  villageId: ZId,
  /** What the content belongs to, e.g. ('matter', id); '.supervised' types go to supervisors. */
  targetType: z.string(),
  targetId: z.string(),
  mediaType: z.enum(MEDIA_TYPES),
  text: z.string().nullable(),
  mediaUrl: z.string().nullable(),
  /** WeChat's label, 'unreachable', 'no_openid' or 'errcode:<n>'. */
  label: z.string().nullable(),
  /** The label in words for the reviewer. */
  reason: z.string(),
  reviewerRole: z.enum(['cadre', 'supervisor']),
  authorUserId: ZId,
  authorName: z.string(),
  createdAt: ZIsoTime,
});
export type TContentReview = z.infer<typeof ZContentReviewSchema>;
export const ZContentReviewListSchema = z.object({ items: z.array(ZContentReviewSchema) });
export type TContentReviewList = z.infer<typeof ZContentReviewListSchema>;

export const ZContentReviewParams = z.object({ villageId: ZId, checkId: ZId });

export const ZDecideContentSchema = z.strictObject({
  decision: z.enum(DECISIONS, { error: '请选择通过或不通过' }),
  note: z.string().trim().max(200, '说明不能超过200个字').optional(),
});
export type TDecideContent = z.infer<typeof ZDecideContentSchema>;

export const ZDecideContentResultSchema = z.object({ id: ZId, status: ZContentStatus });
export type TDecideContentResult = z.infer<typeof ZDecideContentResultSchema>;

/** Query of WeChat's message push (服务器配置): GET verification adds `echostr`. */
export const ZWechatPushQuery = z.object({
  signature: z.string().optional(),
  timestamp: z.string().optional(),
  nonce: z.string().optional(),
  echostr: z.string().optional(),
  encrypt_type: z.string().optional(),
  msg_signature: z.string().optional(),
  openid: z.string().optional(),
});

/** mediaCheckAsync's verdict as pushed in JSON mode (event wxa_media_check). */
export const ZMediaCheckPushSchema = z.object({
  ToUserName: z.string().optional(),
  FromUserName: z.string().optional(),
  CreateTime: z.number().optional(),
  MsgType: z.string(),
  Event: z.string().optional(),
  appid: z.string().optional(),
  trace_id: z.string().optional(),
  version: z.number().optional(),
  errcode: z.number().optional(),
  errmsg: z.string().optional(),
  result: z
    .object({
      suggest: z.enum(['pass', 'review', 'risky']),
      /** WeChat sends it as a number or a string ("100", 20001). */
      label: z.union([z.string(), z.number()]),
    })
    .optional(),
  detail: z.array(z.unknown()).optional(),
});
export type TMediaCheckPush = z.infer<typeof ZMediaCheckPushSchema>;

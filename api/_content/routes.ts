/**
 * /api/wechat/push (WeChat's message push: server verification and mediaCheckAsync verdicts) and
 * /api/villages/{villageId}/content-reviews (the reviewers' queue).
 */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  ZContentReviewListSchema,
  ZContentReviewParams,
  ZDecideContentResultSchema,
  ZDecideContentSchema,
  ZMediaCheckPushSchema,
  ZWechatPushQuery,
} from '../../shared/content/schemas';
import { ZErrorSchema, ZVillageParams } from '../../shared/schemas/common';
import type { Deps } from '../_app/context';
import { newRouter } from '../_app/router';
import { requireAuthNoProfileChange } from '../_auth/middleware';
import { assertVillageRole } from '../_lib/access';
import { Err, Ok, errorBody } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, jsonBody, reply } from '../_lib/http';
import { idempotency } from '../_lib/idempotency';
import { rateLimit } from '../_lib/rate-limit';
import { readPushBody, verifyPush } from '../_wechat/push-signature';
import { applyMediaVerdict } from './media-verdict';
import { decideContentReview, listContentReviews } from './reviews';

const REVIEWERS = ['cadre', 'supervisor'] as const;
const auth = { security: SECURED, middleware: [requireAuthNoProfileChange] };
const write = {
  security: SECURED,
  middleware: [requireAuthNoProfileChange, idempotency, rateLimit('write:default', 'user')],
};

/** Push events we act on, by `Event`; any other event is acknowledged and ignored. */
const PUSH_EVENTS: Record<string, (deps: Deps, body: unknown) => Promise<unknown>> = {
  wxa_media_check: async (deps, body) => {
    const parsed = ZMediaCheckPushSchema.safeParse(body);
    if (!parsed.success) {
      deps.log('warn', 'wxa_media_check push not understood', { issues: parsed.error.issues.length });
      return 'ignored';
    }
    return applyMediaVerdict(deps, parsed.data);
  },
};

const text = (description: string) => ({ description, content: { 'text/plain': { schema: z.string() } } });
const refused = { 401: json(ZErrorSchema, 'UNAUTHENTICATED: missing, wrong or stale signature') };

const verify = createRoute({
  method: 'get',
  path: '/wechat/push',
  tags: ['wechat'],
  summary: "WeChat's server verification of the message-push URL (echoes echostr when signed)",
  request: { query: ZWechatPushQuery },
  responses: { 200: text('echostr'), ...refused },
});
const push = createRoute({
  method: 'post',
  path: '/wechat/push',
  tags: ['wechat'],
  summary: 'WeChat message push (JSON; 明文, 兼容 or 安全模式): mediaCheckAsync verdicts (wxa_media_check)',
  description:
    'The signature (sha1 of sorted WECHAT_PUSH_TOKEN, timestamp, nonce) is checked before the body is read; ' +
    'timestamps more than 5 minutes off are refused. 安全模式/兼容模式 (encrypt_type=aes): the body is read ' +
    'from Encrypt only after msg_signature matched and it decrypted (WECHAT_PUSH_AES_KEY) to our appid.',
  request: { query: ZWechatPushQuery },
  responses: { 200: text('success'), 400: json(ZErrorSchema, 'BAD_JSON'), ...refused },
});
const list = createRoute({
  method: 'get',
  path: '/villages/{villageId}/content-reviews',
  tags: ['content'],
  summary: 'Held content waiting for a decision (cadres; supervisors for supervised content)',
  ...auth,
  request: { params: ZVillageParams },
  responses: { 200: json(ZContentReviewListSchema), ...AUTH_ERRORS },
});
const decide = createRoute({
  method: 'post',
  path: '/villages/{villageId}/content-reviews/{checkId}/decide',
  tags: ['content'],
  summary: 'Pass or reject held content (audit-logged)',
  ...write,
  request: { params: ZContentReviewParams, body: jsonBody(ZDecideContentSchema) },
  responses: { 200: json(ZDecideContentResultSchema), ...AUTH_ERRORS },
});

export function contentRoutes() {
  return newRouter()
    .openapi(verify, (c) => {
      const q = c.req.valid('query');
      const check = verifyPush(c.get('deps').config.wechat.pushToken, q);
      if (!check.ok || q.echostr === undefined) {
        c.get('log')('warn', 'wechat push verification refused', {
          reason: check.ok ? 'no_echostr' : check.reason,
        });
        return reply(
          c,
          Err('UNAUTHENTICATED', '签名无效', { reason: check.ok ? 'no_echostr' : check.reason }),
        );
      }
      return c.text(q.echostr, 200);
    })
    .openapi(push, async (c) => {
      const deps = c.get('deps');
      const check = verifyPush(deps.config.wechat.pushToken, c.req.valid('query'));
      if (!check.ok) {
        c.get('log')('warn', 'wechat push refused', { reason: check.reason });
        return reply(c, Err('UNAUTHENTICATED', '签名无效', { reason: check.reason }));
      }
      const read = readPushBody(
        {
          token: deps.config.wechat.pushToken,
          aesKey: deps.config.wechat.pushAesKey,
          appId: deps.config.wechat.appId,
        },
        c.req.valid('query'),
        await c.req.text(),
      );
      if (!read.ok) {
        c.get('log')('warn', 'wechat push refused', { reason: read.reason });
        if (read.reason === 'bad_json')
          return c.json(errorBody({ code: 'BAD_JSON' }, c.get('requestId')), 400);
        return reply(c, Err('UNAUTHENTICATED', '签名无效', { reason: read.reason }));
      }
      const body = read.body;
      const event = body && typeof body === 'object' ? (body as { Event?: unknown }).Event : undefined;
      const handler = typeof event === 'string' ? PUSH_EVENTS[event] : undefined;
      if (handler) await handler(deps, body);
      else c.get('log')('info', 'wechat push ignored', { event: typeof event === 'string' ? event : null });
      return c.text('success', 200);
    })
    .openapi(list, async (c) => {
      const { villageId } = c.req.valid('param');
      const roles = assertVillageRole(c.get('auth'), villageId, REVIEWERS);
      return reply(c, Ok({ items: await listContentReviews(c.get('deps'), { villageId, roles }) }));
    })
    .openapi(decide, async (c) => {
      const { villageId, checkId } = c.req.valid('param');
      const roles = assertVillageRole(c.get('auth'), villageId, REVIEWERS);
      return reply(
        c,
        await decideContentReview(c.get('deps'), {
          villageId,
          checkId,
          roles,
          actorUserId: c.get('auth').userId,
          requestId: c.get('requestId'),
          input: c.req.valid('json'),
        }),
      );
    });
}

/** GET /api/notify/templates, GET|POST /api/me/subscribe-consents */
import { createRoute } from '@hono/zod-openapi';
import {
  ZConsentsSchema,
  ZRecordConsentSchema,
  ZSubscribeTemplatesSchema,
} from '../../shared/notices/schemas';
import { newRouter } from '../_app/router';
import { requireAuthNoProfileChange } from '../_auth/middleware';
import { Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, jsonBody, reply } from '../_lib/http';
import { idempotency } from '../_lib/idempotency';
import { rateLimit } from '../_lib/rate-limit';
import { listConsents, listTemplates, recordConsents } from './consents';

const templates = createRoute({
  method: 'get',
  path: '/notify/templates',
  tags: ['inbox'],
  summary: 'Subscribe-message templates per kind (which to ask consent for, and whether long-term)',
  security: SECURED,
  middleware: [requireAuthNoProfileChange],
  responses: { 200: json(ZSubscribeTemplatesSchema), ...AUTH_ERRORS },
});

const list = createRoute({
  method: 'get',
  path: '/me/subscribe-consents',
  tags: ['inbox'],
  summary: 'My subscribe-message consents',
  security: SECURED,
  middleware: [requireAuthNoProfileChange],
  responses: { 200: json(ZConsentsSchema), ...AUTH_ERRORS },
});

const record = createRoute({
  method: 'post',
  path: '/me/subscribe-consents',
  tags: ['inbox'],
  summary: 'Record what wx.requestSubscribeMessage answered, per template id',
  security: SECURED,
  middleware: [requireAuthNoProfileChange, idempotency, rateLimit('write:default', 'user')],
  request: { body: jsonBody(ZRecordConsentSchema) },
  responses: { 200: json(ZConsentsSchema), ...AUTH_ERRORS },
});

export function consentRoutes() {
  return newRouter()
    .openapi(templates, async (c) => reply(c, Ok({ templates: listTemplates(c.get('deps')) })))
    .openapi(list, async (c) =>
      reply(c, Ok({ consents: await listConsents(c.get('deps'), c.get('auth').userId) })),
    )
    .openapi(record, async (c) =>
      reply(
        c,
        Ok(
          await recordConsents(c.get('deps'), {
            userId: c.get('auth').userId,
            requestId: c.get('requestId'),
            results: c.req.valid('json').results,
          }),
        ),
      ),
    );
}

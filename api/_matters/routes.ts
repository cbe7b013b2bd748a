/** /api/villages/{villageId}/matters: raise, list, open (timeline + my actions), act. */
import { createRoute } from '@hono/zod-openapi';
import { ZRaiseMatterSchema, ZTakeMatterActionSchema } from '../../shared/matters/schemas';
import { ZVillageParams } from '../../shared/schemas/common';
import { newRouter } from '../_app/router';
import { requireAuth } from '../_auth/middleware';
import { ApiError, Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, jsonBody, reply } from '../_lib/http';
import { idempotency } from '../_lib/idempotency';
import { rateLimit } from '../_lib/rate-limit';
import {
  ZMatterDetailSchema,
  ZMatterListSchema,
  ZMatterMovedSchema,
  ZMatterParams,
  ZRaisedMatterSchema,
} from './contract';
import { actOnMatter, listMatters, openMatter, raiseMatter } from './matters';
import { isMember, viewerFor } from './scope';

const auth = { security: SECURED, middleware: [requireAuth] };
const write = {
  security: SECURED,
  middleware: [requireAuth, idempotency, rateLimit('write:default', 'user')],
};

const raise = createRoute({
  method: 'post',
  path: '/villages/{villageId}/matters',
  tags: ['matters'],
  summary: 'Raise a matter (villagers; a grid worker on behalf of a villager of their grid)',
  security: SECURED,
  // Per user here; per village in the handler, once the caller is known to belong to it.
  middleware: [requireAuth, idempotency, rateLimit('matters:raise', 'user')] as const,
  request: { params: ZVillageParams, body: jsonBody(ZRaiseMatterSchema) },
  responses: { 201: json(ZRaisedMatterSchema), ...AUTH_ERRORS },
});
const list = createRoute({
  method: 'get',
  path: '/villages/{villageId}/matters',
  tags: ['matters'],
  summary: 'Matters I may see here, newest first (others’ public ones with the author masked)',
  ...auth,
  request: { params: ZVillageParams },
  responses: { 200: json(ZMatterListSchema), ...AUTH_ERRORS },
});
const open = createRoute({
  method: 'get',
  path: '/villages/{villageId}/matters/{matterId}',
  tags: ['matters'],
  summary: 'One matter with its timeline in plain words and the actions I may take',
  ...auth,
  request: { params: ZMatterParams },
  responses: { 200: json(ZMatterDetailSchema), ...AUTH_ERRORS },
});
const act = createRoute({
  method: 'post',
  path: '/villages/{villageId}/matters/{matterId}/actions',
  tags: ['matters'],
  summary: 'Take a workflow action (accept, route, resolve, follow up, rate…)',
  ...write,
  request: { params: ZMatterParams, body: jsonBody(ZTakeMatterActionSchema) },
  responses: { 200: json(ZMatterMovedSchema), ...AUTH_ERRORS },
});

export function matterRoutes() {
  return newRouter()
    .openapi(raise, async (c) => {
      const { villageId } = c.req.valid('param');
      const viewer = await viewerFor(c.get('deps'), c.get('auth'), villageId);
      const village = isMember(viewer)
        ? await c.get('deps').redis.rateLimit('matters:raise-village', villageId)
        : { success: true, retryAfterS: 0 };
      if (!village.success) {
        c.header('Retry-After', String(village.retryAfterS));
        throw new ApiError('RATE_LIMITED', undefined, { retryAfterS: village.retryAfterS });
      }
      return reply(
        c,
        await raiseMatter(c.get('deps'), {
          viewer,
          requestId: c.get('requestId'),
          input: c.req.valid('json'),
        }),
        201,
      );
    })
    .openapi(list, async (c) => {
      const { villageId } = c.req.valid('param');
      const viewer = await viewerFor(c.get('deps'), c.get('auth'), villageId);
      return reply(c, Ok({ items: await listMatters(c.get('deps'), viewer) }));
    })
    .openapi(open, async (c) => {
      const { villageId, matterId } = c.req.valid('param');
      const viewer = await viewerFor(c.get('deps'), c.get('auth'), villageId);
      return reply(c, await openMatter(c.get('deps'), viewer, matterId));
    })
    .openapi(act, async (c) => {
      const { villageId, matterId } = c.req.valid('param');
      const viewer = await viewerFor(c.get('deps'), c.get('auth'), villageId);
      return reply(
        c,
        await actOnMatter(c.get('deps'), {
          viewer,
          matterId,
          requestId: c.get('requestId'),
          input: c.req.valid('json'),
        }),
      );
    });
}

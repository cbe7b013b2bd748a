/** /api/villages/{villageId}/matters: raise, list, open (timeline + my actions), act. */
import { createRoute } from '@hono/zod-openapi';
import { ZRaiseMatterSchema, ZTakeMatterActionSchema } from '../../shared/matters/schemas';
import { ZVillageParams } from '../../shared/schemas/common';
import { newRouter } from '../_app/router';
import { requireAuthNoProfileChange } from '../_auth/middleware';
import type { Deps } from '../_app/context';
import { ApiError, Err, Ok } from '../_lib/errors';
import { AUTH_ERRORS, type AnyRouteResponse, SECURED, json, jsonBody, reply } from '../_lib/http';
import { atomicIdempotencyKey, idempotency, isIdempotencyConflict, storedAnswer } from '../_lib/idempotency';
import { rateLimit } from '../_lib/rate-limit';
import {
  ZMatterDetailSchema,
  ZMatterListSchema,
  ZMatterMovedSchema,
  ZMatterParams,
  ZRaisedMatterSchema,
} from './contract';
import { actOnMatter, listMatters, openMatter, raiseMatter } from './matters';
import { type MatterViewer, isMember, viewerFor } from './scope';

const auth = { security: SECURED, middleware: [requireAuthNoProfileChange] };
const write = {
  security: SECURED,
  middleware: [requireAuthNoProfileChange, idempotency, rateLimit('write:default', 'user')],
};

const raise = createRoute({
  method: 'post',
  path: '/villages/{villageId}/matters',
  tags: ['matters'],
  summary: 'Raise a matter (villagers; a grid worker on behalf of a villager of their grid)',
  security: SECURED,
  // Idempotent by its own record, written with the matter; rate limited in the handler, per user
  // and, once the caller is known to belong to the village, per village.
  middleware: [requireAuthNoProfileChange] as const,
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

/**
 * The per-user and (for members of the village) the per-village limit on raising, in one Redis
 * round trip; the refusal, if any. Outsiders never spend the village's tokens.
 */
function raiseLimit(deps: Deps, viewer: MatterViewer) {
  return deps.redis.rateLimitAll([
    { policy: 'matters:raise', identifier: viewer.userId },
    ...(isMember(viewer) ? [{ policy: 'matters:raise-village' as const, identifier: viewer.villageId }] : []),
  ]);
}

export function matterRoutes() {
  return newRouter()
    .openapi(raise, async (c) => {
      const { villageId } = c.req.valid('param');
      const input = c.req.valid('json');
      const key = atomicIdempotencyKey(c, input);
      const deps = c.get('deps');
      const viewer = await viewerFor(deps, c.get('auth'), villageId);
      const limited = await raiseLimit(deps, viewer);
      // A retry is answered from its record, also once the limits are used up.
      const stored = async () =>
        (key ? await storedAnswer(c, key) : undefined) as AnyRouteResponse | undefined;
      if (limited) {
        const answer = await stored();
        if (answer) return answer;
        c.header('Retry-After', String(limited.retryAfterS));
        throw new ApiError('RATE_LIMITED', undefined, { retryAfterS: limited.retryAfterS });
      }
      // A public text is checked with WeChat before it is saved: a retry of an answered raise is
      // answered from its record first, without asking again.
      if (key && input.visibility === 'public' && input.text) {
        const answer = await stored();
        if (answer) return answer;
      }
      let out: Awaited<ReturnType<typeof raiseMatter>>;
      try {
        out = await raiseMatter(deps, { viewer, requestId: c.get('requestId'), input, key });
      } catch (e) {
        if (!key || !isIdempotencyConflict(e)) throw e;
        // Answered already, or being answered by the attempt the insert waited for.
        return (await stored()) ?? reply(c, Err('IDEMPOTENCY_IN_PROGRESS'));
      }
      // Refused now (a category hidden since, say), but answered the first time: that answer stands.
      if (!out.ok) return (await stored()) ?? reply(c, out);
      return reply(c, out, 201);
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

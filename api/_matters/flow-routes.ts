/**
 * /api/villages/{villageId}/matters/{inbox,mine,similar}, follow/unfollow, and the village's matter
 * settings (categories, time limits) and duty roster. Mounted before routes.ts (see app.ts).
 */
import { createRoute } from '@hono/zod-openapi';
import {
  ZDutyRosterSchema,
  ZMatterInboxQuery,
  ZMatterTimeLimitsOverride,
  ZMyMattersQuery,
  ZSimilarMattersQuery,
  ZVillageCategoriesSchema,
} from '../../shared/matters/schemas';
import { ZVillageParams } from '../../shared/schemas/common';
import { newRouter } from '../_app/router';
import { requireAuthNoProfileChange } from '../_auth/middleware';
import { assertVillageRole } from '../_lib/access';
import { Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, jsonBody, reply } from '../_lib/http';
import { idempotency } from '../_lib/idempotency';
import { rateLimit } from '../_lib/rate-limit';
import {
  ZDutyRosterViewSchema,
  ZFollowingSchema,
  ZMatterPageSchema,
  ZMatterParams,
  ZMatterSettingsSchema,
  ZSimilarMattersSchema,
  ZTownParams,
} from './contract';
import { follow, myMatters, responderInbox, similarMatters, townInbox } from './lists';
import { viewerFor } from './scope';
import { dutyRoster, saveCategories, saveDuty, saveTimeLimits, villageSettings } from './settings';

const auth = { security: SECURED, middleware: [requireAuthNoProfileChange] };
const write = {
  security: SECURED,
  middleware: [requireAuthNoProfileChange, idempotency, rateLimit('write:default', 'user')],
};

const inbox = createRoute({
  method: 'get',
  path: '/villages/{villageId}/matters/inbox',
  tags: ['matters'],
  summary:
    'Responder inbox: open matters I hold here, overdue first (grid workers, cadres, supervisors, town)',
  ...auth,
  request: { params: ZVillageParams, query: ZMatterInboxQuery },
  responses: { 200: json(ZMatterPageSchema), ...AUTH_ERRORS },
});
const town = createRoute({
  method: 'get',
  path: '/towns/{townId}/matters/inbox',
  tags: ['matters'],
  summary: 'The town’s inbox: open matters escalated to the town from all its villages, overdue first',
  ...auth,
  request: { params: ZTownParams, query: ZMatterInboxQuery },
  responses: { 200: json(ZMatterPageSchema), ...AUTH_ERRORS },
});
const mine = createRoute({
  method: 'get',
  path: '/villages/{villageId}/matters/mine',
  tags: ['matters'],
  summary: '我的事项: matters I raised here (or were raised for me), newest first',
  ...auth,
  request: { params: ZVillageParams, query: ZMyMattersQuery },
  responses: { 200: json(ZMatterPageSchema), ...AUTH_ERRORS },
});
const similar = createRoute({
  method: 'get',
  path: '/villages/{villageId}/matters/similar',
  tags: ['matters'],
  summary: 'Similar open public matters of this village and category (已有人反映过), while typing',
  ...auth,
  request: { params: ZVillageParams, query: ZSimilarMattersQuery },
  responses: { 200: json(ZSimilarMattersSchema), ...AUTH_ERRORS },
});
const followRoute = (method: 'post' | 'delete') =>
  createRoute({
    method,
    path: '/villages/{villageId}/matters/{matterId}/follow',
    tags: ['matters'],
    summary: method === 'post' ? 'Follow a matter (told when it moves)' : 'Stop following a matter',
    ...(method === 'post' ? write : auth),
    request: { params: ZMatterParams },
    responses: { 200: json(ZFollowingSchema), ...AUTH_ERRORS },
  });
const getSettings = createRoute({
  method: 'get',
  path: '/villages/{villageId}/matter-settings',
  tags: ['matters'],
  summary: 'The village’s matter categories and time limits',
  ...auth,
  request: { params: ZVillageParams },
  responses: { 200: json(ZMatterSettingsSchema), ...AUTH_ERRORS },
});
const putCategories = createRoute({
  method: 'put',
  path: '/villages/{villageId}/matter-settings/categories',
  tags: ['matters'],
  summary: 'Set the village’s matter categories (cadres)',
  ...write,
  request: { params: ZVillageParams, body: jsonBody(ZVillageCategoriesSchema) },
  responses: { 200: json(ZMatterSettingsSchema), ...AUTH_ERRORS },
});
const putTimeLimits = createRoute({
  method: 'put',
  path: '/villages/{villageId}/matter-settings/time-limits',
  tags: ['matters'],
  summary: 'Set the village’s time-limit overrides in hours (cadres); open matters’ deadlines follow',
  ...write,
  request: { params: ZVillageParams, body: jsonBody(ZMatterTimeLimitsOverride) },
  responses: { 200: json(ZMatterSettingsSchema), ...AUTH_ERRORS },
});
const getDuty = createRoute({
  method: 'get',
  path: '/villages/{villageId}/matter-duty',
  tags: ['matters'],
  summary: 'The cadres’ duty roster (值班表): first responder when a grid has no grid worker',
  ...auth,
  request: { params: ZVillageParams },
  responses: { 200: json(ZDutyRosterViewSchema), ...AUTH_ERRORS },
});
const putDuty = createRoute({
  method: 'put',
  path: '/villages/{villageId}/matter-duty',
  tags: ['matters'],
  summary: 'Set the duty roster, one cadre per weekday (cadres)',
  ...write,
  request: { params: ZVillageParams, body: jsonBody(ZDutyRosterSchema) },
  responses: { 200: json(ZDutyRosterViewSchema), ...AUTH_ERRORS },
});

const MEMBER_ROLES = [
  'villager',
  'representative',
  'party_member',
  'grid_worker',
  'cadre',
  'supervisor',
] as const;

export function matterFlowRoutes() {
  return newRouter()
    .openapi(inbox, async (c) => {
      const { villageId } = c.req.valid('param');
      const viewer = await viewerFor(c.get('deps'), c.get('auth'), villageId);
      return reply(c, await responderInbox(c.get('deps'), viewer, c.req.valid('query')));
    })
    .openapi(town, async (c) => {
      const { townId } = c.req.valid('param');
      const officerTownIds = c
        .get('auth')
        .memberships.filter((m) => m.role === 'town_officer' && m.townId)
        .map((m) => m.townId!);
      return reply(c, await townInbox(c.get('deps'), { townId, officerTownIds }, c.req.valid('query')));
    })
    .openapi(mine, async (c) => {
      const { villageId } = c.req.valid('param');
      const viewer = await viewerFor(c.get('deps'), c.get('auth'), villageId);
      return reply(c, await myMatters(c.get('deps'), viewer, c.req.valid('query')));
    })
    .openapi(similar, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, MEMBER_ROLES);
      const viewer = await viewerFor(c.get('deps'), c.get('auth'), villageId);
      return reply(c, await similarMatters(c.get('deps'), viewer, c.req.valid('query')));
    })
    .openapi(followRoute('post'), async (c) => {
      const { villageId, matterId } = c.req.valid('param');
      const viewer = await viewerFor(c.get('deps'), c.get('auth'), villageId);
      return reply(c, await follow(c.get('deps'), viewer, matterId, true));
    })
    .openapi(followRoute('delete'), async (c) => {
      const { villageId, matterId } = c.req.valid('param');
      const viewer = await viewerFor(c.get('deps'), c.get('auth'), villageId);
      return reply(c, await follow(c.get('deps'), viewer, matterId, false));
    })
    .openapi(getSettings, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, MEMBER_ROLES);
      return reply(c, Ok(await villageSettings(c.get('deps').db, villageId)));
    })
    .openapi(putCategories, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, ['cadre']);
      return reply(
        c,
        await saveCategories(c.get('deps').db, {
          villageId,
          userId: c.get('auth').userId,
          requestId: c.get('requestId'),
          categories: c.req.valid('json').categories,
        }),
      );
    })
    .openapi(putTimeLimits, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, ['cadre']);
      return reply(
        c,
        await saveTimeLimits(c.get('deps').db, {
          villageId,
          userId: c.get('auth').userId,
          requestId: c.get('requestId'),
          overrides: c.req.valid('json'),
        }),
      );
    })
    .openapi(getDuty, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, MEMBER_ROLES);
      return reply(c, Ok({ days: await dutyRoster(c.get('deps').db, villageId) }));
    })
    .openapi(putDuty, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, ['cadre']);
      const saved = await saveDuty(c.get('deps').db, {
        villageId,
        userId: c.get('auth').userId,
        requestId: c.get('requestId'),
        days: c.req.valid('json').days,
      });
      return reply(c, saved.ok ? Ok({ days: saved.value }) : saved);
    });
}

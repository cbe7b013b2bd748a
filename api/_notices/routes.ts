/** /api/villages/{villageId}/notices, /api/inbox, /api/me/notify-settings */
import { createRoute } from '@hono/zod-openapi';
import { ZVillageParams } from '../../shared/schemas/common';
import {
  ZInboxEntryParams,
  ZInboxListQuery,
  ZInboxListSchema,
  ZNoticeListQuery,
  ZNoticeListSchema,
  ZNoticeParams,
  ZNoticeSchema,
  ZNotifySettingsSchema,
  ZPublishNoticeSchema,
  ZUnreadSchema,
  ZUpdateNotifySettingsSchema,
} from '../../shared/notices/schemas';
import { z } from 'zod';
import { VILLAGE_ROLES } from '../../shared/roles';
import { newRouter } from '../_app/router';
import { requireAuthNoProfileChange } from '../_auth/middleware';
import { assertVillageRole } from '../_lib/access';
import { Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, jsonBody, reply } from '../_lib/http';
import { idempotency } from '../_lib/idempotency';
import { rateLimit } from '../_lib/rate-limit';
import { getNotifySettings, listInbox, markRead, unreadCount, updateNotifySettings } from './inbox';
import { listNotices, openNotice, publishNotice } from './notices';

const auth = { security: SECURED, middleware: [requireAuthNoProfileChange] };
const write = {
  security: SECURED,
  middleware: [requireAuthNoProfileChange, idempotency, rateLimit('write:default', 'user')],
};

const list = createRoute({
  method: 'get',
  path: '/villages/{villageId}/notices',
  tags: ['notices'],
  summary: 'Notices addressed to me (cadres and supervisors: all, with read counts)',
  ...auth,
  request: { params: ZVillageParams, query: ZNoticeListQuery },
  responses: { 200: json(ZNoticeListSchema), ...AUTH_ERRORS },
});
const publish = createRoute({
  method: 'post',
  path: '/villages/{villageId}/notices',
  tags: ['notices'],
  summary: 'Publish a notice to the village, a grid or a role (cadres)',
  ...write,
  request: { params: ZVillageParams, body: jsonBody(ZPublishNoticeSchema) },
  responses: { 201: json(z.object({ id: z.string().uuid(), recipients: z.number().int() })), ...AUTH_ERRORS },
});
const open = createRoute({
  method: 'get',
  path: '/villages/{villageId}/notices/{noticeId}',
  tags: ['notices'],
  summary: 'Open a notice (records that I read it)',
  ...auth,
  request: { params: ZNoticeParams },
  responses: { 200: json(ZNoticeSchema), ...AUTH_ERRORS },
});
const inbox = createRoute({
  method: 'get',
  path: '/inbox',
  tags: ['inbox'],
  summary: 'My inbox, newest first',
  ...auth,
  request: { query: ZInboxListQuery },
  responses: { 200: json(ZInboxListSchema), ...AUTH_ERRORS },
});
const unread = createRoute({
  method: 'get',
  path: '/inbox/unread',
  tags: ['inbox'],
  summary: 'Unread count for the tab bar badge',
  ...auth,
  responses: { 200: json(ZUnreadSchema), ...AUTH_ERRORS },
});
const readOne = createRoute({
  method: 'post',
  path: '/inbox/{entryId}/read',
  tags: ['inbox'],
  summary: 'Mark one entry read',
  ...write,
  request: { params: ZInboxEntryParams },
  responses: { 200: json(ZUnreadSchema), ...AUTH_ERRORS },
});
const readAll = createRoute({
  method: 'post',
  path: '/inbox/read-all',
  tags: ['inbox'],
  summary: 'Mark every entry read',
  ...write,
  responses: { 200: json(ZUnreadSchema), ...AUTH_ERRORS },
});
const settings = createRoute({
  method: 'get',
  path: '/me/notify-settings',
  tags: ['inbox'],
  summary: 'My notification settings',
  ...auth,
  responses: { 200: json(ZNotifySettingsSchema), ...AUTH_ERRORS },
});
const updateSettings = createRoute({
  method: 'put',
  path: '/me/notify-settings',
  tags: ['inbox'],
  summary: 'Change push, digest and quiet hours',
  ...write,
  request: { body: jsonBody(ZUpdateNotifySettingsSchema) },
  responses: { 200: json(ZNotifySettingsSchema), ...AUTH_ERRORS },
});

export function noticeRoutes() {
  return newRouter()
    .openapi(list, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, VILLAGE_ROLES);
      const items = await listNotices(c.get('deps'), c.get('auth'), villageId, {
        includeExpired: c.req.valid('query').includeExpired === '1',
      });
      return reply(c, Ok({ items }));
    })
    .openapi(publish, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, ['cadre']);
      return reply(
        c,
        await publishNotice(c.get('deps'), {
          villageId,
          actorUserId: c.get('auth').userId,
          requestId: c.get('requestId'),
          input: c.req.valid('json'),
        }),
        201,
      );
    })
    .openapi(open, async (c) => {
      const { villageId, noticeId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, VILLAGE_ROLES);
      return reply(c, await openNotice(c.get('deps'), c.get('auth'), villageId, noticeId));
    })
    .openapi(inbox, async (c) => {
      const { limit, before } = c.req.valid('query');
      return reply(c, Ok(await listInbox(c.get('deps'), c.get('auth').userId, limit, before)));
    })
    .openapi(unread, async (c) =>
      reply(c, Ok({ unread: await unreadCount(c.get('deps'), c.get('auth').userId) })),
    )
    .openapi(readOne, async (c) =>
      reply(c, await markRead(c.get('deps'), c.get('auth').userId, c.req.valid('param').entryId)),
    )
    .openapi(readAll, async (c) => reply(c, await markRead(c.get('deps'), c.get('auth').userId, 'all')))
    .openapi(settings, async (c) =>
      reply(c, Ok(await getNotifySettings(c.get('deps'), c.get('auth').userId))),
    )
    .openapi(updateSettings, async (c) =>
      reply(c, Ok(await updateNotifySettings(c.get('deps'), c.get('auth').userId, c.req.valid('json')))),
    );
}

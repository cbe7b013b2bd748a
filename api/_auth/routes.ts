import { createRoute } from '@hono/zod-openapi';
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import {
  ZDevLoginSchema,
  ZDevUsersSchema,
  ZLoginResultSchema,
  ZWechatLoginSchema,
  type TDevUsers,
} from '../../shared/schemas/auth';
import { ZOkSchema } from '../../shared/schemas/common';
import { newRouter } from '../_app/router';
import { memberships, users, villages } from '../_db/schema';
import { Err, Ok } from '../_lib/errors';
import { AUTH_ERRORS, PUBLIC_ERRORS, SECURED, json, jsonBody, reply } from '../_lib/http';
import { rateLimit } from '../_lib/rate-limit';
import { requireAuth } from './middleware';
import { loginAsDemoUser, loginWithWechat, logout } from './sessions';

const wechatLogin = createRoute({
  method: 'post',
  path: '/wechat',
  tags: ['auth'],
  summary: 'Exchange a wx.login code for a session token',
  middleware: [rateLimit('auth:login', 'ip')],
  request: { body: jsonBody(ZWechatLoginSchema) },
  responses: {
    200: json(ZLoginResultSchema),
    ...PUBLIC_ERRORS,
    503: json(ZLoginResultSchema, 'WECHAT_UNAVAILABLE'),
  },
});

const devUsers = createRoute({
  method: 'get',
  path: '/dev-users',
  tags: ['auth'],
  summary: 'Demo users for the dev login (only when DEV_LOGIN=1 and not production)',
  responses: { 200: json(ZDevUsersSchema), ...PUBLIC_ERRORS },
});

const devLogin = createRoute({
  method: 'post',
  path: '/dev',
  tags: ['auth'],
  summary: 'Log in as a demo user (only when DEV_LOGIN=1 and not production)',
  middleware: [rateLimit('auth:dev', 'ip')],
  request: { body: jsonBody(ZDevLoginSchema) },
  responses: { 200: json(ZLoginResultSchema), ...PUBLIC_ERRORS },
});

const logoutRoute = createRoute({
  method: 'post',
  path: '/logout',
  tags: ['auth'],
  summary: 'Revoke the current session token',
  security: SECURED,
  middleware: [requireAuth],
  responses: { 200: json(ZOkSchema), ...AUTH_ERRORS },
});

export function authRoutes() {
  return newRouter()
    .openapi(wechatLogin, async (c) =>
      reply(c, await loginWithWechat(c.get('deps'), c.req.valid('json').code, c.get('requestId'))),
    )
    .openapi(devUsers, async (c) => {
      const { db, config } = c.get('deps');
      if (!config.devLogin) return reply(c, Err('DEV_LOGIN_DISABLED'));
      const rows = await db
        .select({
          id: users.id,
          displayName: users.displayName,
          role: memberships.role,
          villageName: villages.name,
        })
        .from(users)
        .leftJoin(memberships, eq(memberships.userId, users.id))
        .leftJoin(villages, eq(villages.id, memberships.villageId))
        .where(and(eq(users.isDemo, true), isNotNull(users.demoPick)))
        .orderBy(asc(users.demoPick));
      const byId = new Map<string, TDevUsers['users'][number]>();
      for (const r of rows) {
        const u = byId.get(r.id) ?? { id: r.id, displayName: r.displayName, roles: [] };
        if (r.role) u.roles.push({ role: r.role, villageName: r.villageName });
        byId.set(r.id, u);
      }
      return reply(c, Ok({ users: [...byId.values()] }));
    })
    .openapi(devLogin, async (c) =>
      reply(c, await loginAsDemoUser(c.get('deps'), c.req.valid('json').userId, c.get('requestId'))),
    )
    .openapi(logoutRoute, async (c) => {
      const auth = c.get('auth');
      return reply(c, await logout(c.get('deps'), auth.sessionId, auth.userId, c.get('requestId')));
    });
}

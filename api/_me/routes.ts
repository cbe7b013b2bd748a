import { createRoute } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { ZMeSchema, ZUpdateMeSchema } from '../../shared/schemas/me';
import { newRouter } from '../_app/router';
import { requireAuth } from '../_auth/middleware';
import { users } from '../_db/schema';
import { audit } from '../_lib/audit';
import { ApiError, Err, Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, jsonBody, reply } from '../_lib/http';
import { idempotency } from '../_lib/idempotency';
import { getMe } from './get-me';

const getMeRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['me'],
  summary: 'The signed-in user, their memberships and open join requests',
  security: SECURED,
  middleware: [requireAuth],
  responses: { 200: json(ZMeSchema), ...AUTH_ERRORS },
});

const updateMeRoute = createRoute({
  method: 'patch',
  path: '/',
  tags: ['me'],
  summary: 'Change elder mode or display name',
  security: SECURED,
  middleware: [requireAuth, idempotency],
  request: { body: jsonBody(ZUpdateMeSchema) },
  responses: { 200: json(ZMeSchema), ...AUTH_ERRORS },
});

export function meRoutes() {
  return newRouter()
    .openapi(getMeRoute, async (c) => {
      // Always read fresh: names, roles and join requests as they are now, on every instance.
      const { userId, sessionId } = c.get('auth');
      const me = await getMe(c.get('deps').db, userId, sessionId);
      if (!me) throw new ApiError('TOKEN_INVALID');
      return reply(c, Ok(me));
    })
    .openapi(updateMeRoute, async (c) => {
      const { db } = c.get('deps');
      const { userId } = c.get('auth');
      const patch = c.req.valid('json');
      await db.transaction(async (tx) => {
        await tx.update(users).set(patch).where(eq(users.id, userId));
        await audit(tx, {
          actorUserId: userId,
          action: 'user.update',
          targetType: 'user',
          targetId: userId,
          requestId: c.get('requestId'),
          details: { fields: Object.keys(patch) },
        });
      });
      const me = await getMe(db, userId);
      return reply(c, me ? Ok(me) : Err('TOKEN_INVALID'));
    });
}

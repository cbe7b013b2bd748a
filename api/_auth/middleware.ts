/** requireAuth: Bearer token → live session → c.var.auth (user, memberships, and the full profile). */
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../_app/context';
import { ApiError } from '../_lib/errors';
import { getMe } from '../_me/get-me';
import { verifyToken } from './tokens';

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization');
  const token = header?.match(/^Bearer ([A-Za-z0-9._-]+)$/)?.[1];
  if (!token) throw new ApiError('UNAUTHENTICATED');
  const { db, config } = c.get('deps');
  const verified = verifyToken(config.sessionSecret, token);
  if (!verified.ok) throw new ApiError(verified.code);
  const { sub, sid } = verified.claims;
  const me = await getMe(db, sub, sid);
  if (!me) throw new ApiError('TOKEN_INVALID');
  c.set('auth', {
    userId: me.id,
    sessionId: sid,
    displayName: me.displayName,
    memberships: me.memberships,
    me,
  });
  await next();
});

/** requireAuth: Bearer token → live session → c.var.auth (user + memberships). */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { memberships, sessions, users } from '../_db/schema';
import { ApiError } from '../_lib/errors';
import type { AppEnv } from '../_app/context';
import { verifyToken } from './tokens';

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization');
  const token = header?.match(/^Bearer ([A-Za-z0-9._-]+)$/)?.[1];
  if (!token) throw new ApiError('UNAUTHENTICATED');
  const { db, config } = c.get('deps');
  const verified = await verifyToken(config.sessionSecret, token);
  if (!verified.ok) throw new ApiError(verified.code);
  const { sub, sid } = verified.claims;
  const [row] = await db
    .select({ userId: users.id, displayName: users.displayName })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sid),
        eq(sessions.userId, sub),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, new Date()),
      ),
    )
    .limit(1);
  if (!row) throw new ApiError('TOKEN_INVALID');
  const ms = await db
    .select({
      id: memberships.id,
      role: memberships.role,
      villageId: memberships.villageId,
      townId: memberships.townId,
      countyId: memberships.countyId,
      gridId: memberships.gridId,
    })
    .from(memberships)
    .where(eq(memberships.userId, row.userId));
  c.set('auth', { userId: row.userId, sessionId: sid, displayName: row.displayName, memberships: ms });
  await next();
});

/**
 * requireAuth: Bearer token → live session → c.var.auth (user, memberships; for reads also the
 * full profile GET /api/me answers with).
 *
 * Reads (GET/HEAD) may reuse this instance's copy of the session for AUTH_CACHE_TTL_MS (default
 * 5 s): loading it is the one query every request pays. Writes always load the session fresh from
 * the database (ids and roles only, `sessionAuth`), so every change is authorised against current
 * roles, and a successful write clears the instance's copies (a role given, a logout, elder mode
 * changed are seen at once here). On other instances a revoked session or a changed role can
 * still be read for at most the TTL.
 */
import { createMiddleware } from 'hono/factory';
import type { TMe } from '../../shared/schemas/me';
import type { AppEnv, Deps } from '../_app/context';
import { ApiError } from '../_lib/errors';
import { getMe, sessionAuth } from '../_me/get-me';
import { verifyToken } from './tokens';

type Cached = { me: TMe; at: number };
const MAX_ENTRIES = 10_000;
/** Per app instance (keyed by its deps), so test apps never share sessions. */
const caches = new WeakMap<Deps, Map<string, Cached>>();

function cacheOf(deps: Deps) {
  let cache = caches.get(deps);
  if (!cache) {
    cache = new Map();
    caches.set(deps, cache);
  }
  return cache;
}

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization');
  const token = header?.match(/^Bearer ([A-Za-z0-9._-]+)$/)?.[1];
  if (!token) throw new ApiError('UNAUTHENTICATED');
  const deps = c.get('deps');
  const verified = verifyToken(deps.config.sessionSecret, token);
  if (!verified.ok) throw new ApiError(verified.code);
  const { sub, sid } = verified.claims;
  const read = c.req.method === 'GET' || c.req.method === 'HEAD';
  const ttl = deps.config.authCacheTtlMs;
  const cache = cacheOf(deps);
  const key = `${sid}:${sub}`;
  if (!read) {
    const live = await sessionAuth(deps.db, sub, sid);
    if (!live) {
      cache.delete(key);
      throw new ApiError('TOKEN_INVALID');
    }
    c.set('auth', {
      userId: live.id,
      sessionId: sid,
      displayName: live.displayName,
      memberships: live.memberships,
    });
  } else {
    const hit = ttl > 0 ? cache.get(key) : undefined;
    let me = hit && Date.now() - hit.at < ttl ? hit.me : null;
    if (!me) {
      me = await getMe(deps.db, sub, sid);
      if (!me) {
        cache.delete(key);
        throw new ApiError('TOKEN_INVALID');
      }
      if (ttl > 0) {
        if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
        cache.set(key, { me, at: Date.now() });
      }
    }
    c.set('auth', {
      userId: me.id,
      sessionId: sid,
      displayName: me.displayName,
      memberships: me.memberships,
      me,
    });
  }
  await next();
  if (!read && c.res.status < 400) cache.clear();
});

/**
 * requireAuth: Bearer token → live session → c.var.auth (user; memberships with their ids and
 * roles, `sessionAuth` — the full profile is GET /api/me's own query).
 *
 * Reads (GET/HEAD) may reuse this instance's copy of the session for AUTH_CACHE_TTL_MS (default
 * 5 s): loading it is the one query every request pays. Writes always load the session fresh from
 * the database, so every change is authorised against current roles. On other instances a revoked
 * session or a changed role can still be read for at most the TTL.
 *
 * A successful write through `requireAuth` clears the instance's copies, so a role given, a logout
 * or elder mode changed are seen at once here. Routes whose writes never change what a profile
 * holds (sessions, memberships and roles, name, elder mode, join requests, household
 * representatives — only the auth, me and villages modules write those) use
 * `requireAuthNoProfileChange`: a booking or a raised matter then leaves every other villager's
 * copy in place (before, each one made the next read of everybody on the instance load the
 * profile again).
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Deps } from '../_app/context';
import type { RatelimitPolicyName } from '../_redis';
import { ApiError } from '../_lib/errors';
import { refuseWhenLimited } from '../_lib/rate-limit';
import { type LiveSession, sessionAuth } from '../_me/get-me';
import { BoundedMap } from '../_lib/bounded-map';
import { verifyToken } from './tokens';

type Cached = { live: LiveSession; at: number };
const MAX_ENTRIES = 10_000;
/** Per app instance (keyed by its deps), so test apps never share sessions. */
const caches = new WeakMap<Deps, BoundedMap<string, Cached>>();

function cacheOf(deps: Deps) {
  let cache = caches.get(deps);
  if (!cache) {
    cache = new BoundedMap(MAX_ENTRIES);
    caches.set(deps, cache);
  }
  return cache;
}

/**
 * Work a route starts as soon as the token is verified, instead of waiting for the session check:
 * its `value` is the route's (c.var.early). It may check the session in the same round trip
 * (`session`: the live session, or null when it is not live — the request is then refused as
 * TOKEN_INVALID); when it gives no `session`, or fails, the session is checked as usual.
 */
export type EarlyWork = (
  c: Context<AppEnv>,
  token: { userId: string; sessionId: string },
) => Promise<{ value: unknown; session?: LiveSession | null } | undefined>;

const authMiddleware = (writesMayChangeProfiles: boolean, limit?: RatelimitPolicyName, early?: EarlyWork) =>
  createMiddleware<AppEnv>(async (c, next) => {
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
    // A per-user limit is taken while the session is checked (one wait instead of two); a refused
    // session has then spent one of its user's tokens.
    const limiting = limit ? deps.redis.rateLimit(limit, sub) : undefined;
    limiting?.catch(() => {}); // awaited below; not unhandled if the session check throws first
    const work = early?.(c, { userId: sub, sessionId: sid }).catch(() => undefined);
    if (work)
      c.set(
        'early',
        work.then((w) => w?.value),
      );
    const hit = read && ttl > 0 ? cache.get(key) : undefined;
    let live: LiveSession | null = hit && Date.now() - hit.at < ttl ? hit.live : null;
    if (!live) {
      const checked = work ? (await work)?.session : undefined;
      live = checked !== undefined ? checked : await sessionAuth(deps.db, sub, sid);
      if (!live) {
        cache.delete(key);
        throw new ApiError('TOKEN_INVALID');
      }
      if (read && ttl > 0) {
        cache.set(key, { live, at: Date.now() });
      }
    }
    // The route awaits admit() before it writes; an answer that writes nothing (已约满 from its read,
    // a replayed booking) does not wait for Redis, and its token is spent all the same.
    let admitted: Promise<void> | undefined;
    if (limiting) c.set('admit', () => (admitted ??= limiting.then((r) => refuseWhenLimited(c, r))));
    c.set('auth', {
      userId: live.id,
      sessionId: sid,
      displayName: live.displayName,
      memberships: live.memberships,
    });
    await next();
    if (writesMayChangeProfiles && !read && c.res.status < 400) cache.clear();
  });

/** Authenticates; a successful write clears this instance's session copies (see above). */
export const requireAuth = authMiddleware(true);
/** Authenticates, for routes whose writes never change a profile (see above). */
export const requireAuthNoProfileChange = authMiddleware(false);
/**
 * requireAuthNoProfileChange and rateLimit(policy, 'user') in one step, for a hot write: the Redis
 * call runs while the session is checked and while the route reads; the route awaits
 * `c.var.admit()` before it writes (a 429 then, with nothing written). An answer that writes
 * nothing (已约满 from the route's read) does not wait for Redis. `early` starts work (a read) as
 * soon as the token is verified, and may check the session itself (see EarlyWork); the route may
 * use it (c.var.early) once it is authenticated.
 */
export const requireAuthLimited = (policy: RatelimitPolicyName, early?: EarlyWork) =>
  authMiddleware(false, policy, early);

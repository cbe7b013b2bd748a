/**
 * Idempotency for authenticated writes. A request with an `Idempotency-Key` header is answered
 * once; a retry with the same key and body gets the stored response (header `Idempotent-Replay:
 * true`), a concurrent duplicate gets IDEMPOTENCY_IN_PROGRESS, a different body IDEMPOTENCY_MISMATCH.
 * Postgres decides (idempotency_keys); Redis only caches completed responses. A claim left by a
 * crashed request expires after STALE_MS so a retry can proceed. 5xx responses are not stored.
 */
import { and, eq, isNull, lt } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { idempotencyKeys } from '../_db/schema';
import type { AppEnv } from '../_app/context';
import { errorBody } from './errors';

const KEY_RE = /^[A-Za-z0-9_-]{8,100}$/;
const STALE_MS = 60_000;
const CACHE_TTL_S = 24 * 3600;

type Stored = { status: number; bodyHash: string; body: unknown };

async function sha256(text: string) {
  const buf = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(buf).toString('hex');
}

export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const method = c.req.method;
  const key = c.req.header('idempotency-key');
  if (method === 'GET' || method === 'HEAD' || !key) return next();
  const requestId = c.get('requestId');
  if (!KEY_RE.test(key)) {
    return c.json(
      errorBody(
        {
          code: 'VALIDATION_FAILED',
          message: 'Idempotency-Key 格式不对',
          details: { header: 'Idempotency-Key' },
        },
        requestId,
      ),
      400,
    );
  }
  const { db, redis } = c.get('deps');
  const userId = c.get('auth').userId;
  const raw = await c.req.raw.clone().text();
  const bodyHash = await sha256(`${method} ${c.req.path}\n${raw}`);

  const replay = (s: Stored) => {
    if (s.bodyHash !== bodyHash) return c.json(errorBody({ code: 'IDEMPOTENCY_MISMATCH' }, requestId), 422);
    c.header('Idempotent-Replay', 'true');
    return c.json(s.body as object, s.status as 200);
  };

  const where = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
  const claim = () =>
    db
      .insert(idempotencyKeys)
      .values({ userId, key, method, path: c.req.path, bodyHash })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });

  // The first attempt of a key (the common case) costs one INSERT and no Redis round trip.
  let claimed = await claim();
  if (claimed.length === 0) {
    const cached = await redis.idemGet(userId, key);
    if (cached) return replay(cached);
    const [row] = await db.select().from(idempotencyKeys).where(where);
    if (row && row.status == null) {
      if (row.createdAt.getTime() > Date.now() - STALE_MS) {
        return c.json(errorBody({ code: 'IDEMPOTENCY_IN_PROGRESS' }, requestId), 409);
      }
      // Take over a claim abandoned by a crashed request (still unanswered and older than STALE_MS).
      const stale = new Date(Date.now() - STALE_MS);
      await db
        .delete(idempotencyKeys)
        .where(and(where, isNull(idempotencyKeys.status), lt(idempotencyKeys.createdAt, stale)));
      claimed = await claim();
      if (claimed.length === 0) return c.json(errorBody({ code: 'IDEMPOTENCY_IN_PROGRESS' }, requestId), 409);
    } else if (row) {
      return replay({ status: row.status!, bodyHash: row.bodyHash, body: row.responseBody });
    } else {
      claimed = await claim();
      if (claimed.length === 0) return c.json(errorBody({ code: 'IDEMPOTENCY_IN_PROGRESS' }, requestId), 409);
    }
  }

  try {
    await next();
  } catch (err) {
    await db
      .delete(idempotencyKeys)
      .where(where)
      .catch(() => {});
    throw err;
  }
  const status = c.res.status;
  const isJson = c.res.headers.get('content-type')?.includes('application/json');
  if (status >= 500 || status === 429 || !isJson) {
    await db.delete(idempotencyKeys).where(where);
    return;
  }
  const body = await c.res.clone().json();
  await db.update(idempotencyKeys).set({ status, responseBody: body }).where(where);
  await redis.idemSet(userId, key, { status, bodyHash, body }, CACHE_TTL_S);
});

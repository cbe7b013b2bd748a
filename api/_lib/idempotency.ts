/**
 * Idempotency for authenticated writes. A request with an `Idempotency-Key` header is answered
 * once; a retry with the same key and body gets the stored response (header `Idempotent-Replay:
 * true`), a concurrent duplicate gets IDEMPOTENCY_IN_PROGRESS, a different body IDEMPOTENCY_MISMATCH.
 * Postgres alone keeps the records (idempotency_keys): a first attempt costs one INSERT before the
 * handler and one UPDATE after it. (A Redis copy of each response cost every write a Redis round
 * trip to save a rare retry one indexed read, so there is none.) A claim left by a crashed request
 * expires after STALE_MS so a retry can proceed. 5xx responses are not stored.
 *
 * A route whose change is one statement or one transaction can instead write the record, answer
 * included, inside that change (`atomicIdempotencyKey`, `idempotencyRecord`): no claim, no second
 * write. A retry then fails on the unique index (`isIdempotencyConflict`), waiting first for an
 * attempt still in flight, and is answered from the record (`storedAnswer`).
 */
import { createHash } from 'node:crypto';
import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { isUniqueViolation } from '../_db/errors';
import { idempotencyKeys } from '../_db/schema';
import type { AppEnv } from '../_app/context';
import { ApiError, errorBody } from './errors';

const KEY_RE = /^[A-Za-z0-9_-]{8,100}$/;
const STALE_MS = 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The Idempotency-Key of a route that is idempotent by itself (its table keeps the key under a
 * unique index, as bookings do) and so skips this middleware: undefined without one, and the same
 * VALIDATION_FAILED as the middleware for a malformed one.
 */
export function ownIdempotencyKey(c: Context<AppEnv>): string | undefined {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (!KEY_RE.test(key)) {
    throw new ApiError('VALIDATION_FAILED', 'Idempotency-Key 格式不对', { header: 'Idempotency-Key' });
  }
  return key;
}

/** What a route that records its own answer needs to write and to check the record. */
export type AtomicKey = { userId: string; key: string; method: string; path: string; bodyHash: string };

/**
 * The caller's Idempotency-Key for a route that writes the record with its change, and the hash
 * of the request (method, path and the validated body): undefined without a key, VALIDATION_FAILED
 * for a malformed one.
 */
export function atomicIdempotencyKey(c: Context<AppEnv>, input: unknown): AtomicKey | undefined {
  const key = ownIdempotencyKey(c);
  if (key === undefined) return undefined;
  const method = c.req.method;
  const path = c.req.path;
  const bodyHash = sha256(`${method} ${path}\n${JSON.stringify(input)}`);
  return { userId: c.get('auth').userId, key, method, path, bodyHash };
}

/** The idempotency_keys row for an answered request, to insert in the same statement as the change. */
export const idempotencyRecord = (k: AtomicKey, status: number, body: unknown) => ({
  ...k,
  status,
  responseBody: body,
});

/** The insert of an idempotency record failed: this key was answered, or is being, already. */
export const isIdempotencyConflict = (e: unknown) =>
  isUniqueViolation(e, 'idempotency_keys_user_id_key_index');

/** The answer to a request whose key is already recorded: the stored one, a mismatch, or in progress. */
function answerFromRecord(c: Context<AppEnv>, row: typeof idempotencyKeys.$inferSelect, bodyHash: string) {
  const requestId = c.get('requestId');
  if (row.status == null) return c.json(errorBody({ code: 'IDEMPOTENCY_IN_PROGRESS' }, requestId), 409);
  if (row.bodyHash !== bodyHash) return c.json(errorBody({ code: 'IDEMPOTENCY_MISMATCH' }, requestId), 422);
  c.header('Idempotent-Replay', 'true');
  return c.json(row.responseBody as object, row.status as 200);
}

/** The answer recorded for this key, or undefined when there is none. */
export async function storedAnswer(c: Context<AppEnv>, k: AtomicKey): Promise<Response | undefined> {
  const [row] = await c
    .get('deps')
    .db.select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, k.userId), eq(idempotencyKeys.key, k.key)));
  return row ? answerFromRecord(c, row, k.bodyHash) : undefined;
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
  const { db } = c.get('deps');
  const userId = c.get('auth').userId;
  // c.req.text() keeps the text: the route's validator parses that same copy, no second read.
  const raw = await c.req.text();
  const bodyHash = sha256(`${method} ${c.req.path}\n${raw}`);

  const where = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
  const claim = () =>
    db
      .insert(idempotencyKeys)
      .values({ userId, key, method, path: c.req.path, bodyHash })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });

  // The first attempt of a key (the common case) costs one INSERT.
  let claimed = await claim();
  if (claimed.length === 0) {
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
      return answerFromRecord(c, row, bodyHash);
    } else {
      claimed = await claim();
      if (claimed.length === 0) return c.json(errorBody({ code: 'IDEMPOTENCY_IN_PROGRESS' }, requestId), 409);
    }
  }

  // The body the route answers with, taken as it is handed to c.json (the error handler answers
  // through c.json too), so it need not be read back out of the Response.
  let answered: { body: unknown } | undefined;
  const json = c.json;
  c.json = ((body: unknown, ...rest: unknown[]) => {
    answered = { body };
    return (json as (...a: unknown[]) => Response)(body, ...rest);
  }) as typeof c.json;
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
  const body = answered ? answered.body : await c.res.clone().json();
  await db.update(idempotencyKeys).set({ status, responseBody: body }).where(where);
});

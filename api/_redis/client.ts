/**
 * The Redis port: one object per process that every Redis use goes through. Each call is bounded
 * by a short timeout and guarded by a circuit breaker, and each method has a fallback that is
 * correct without Redis (a memory limiter, a cache miss, a skipped write), so callers never see a
 * Redis failure: not as an exception, not as a slow request.
 *
 * Deadline: `timeoutMs` per call, all round trips included; until the first success the budget is
 * `firstCallTimeoutMs`, since a cold serverless instance pays for its TCP + TLS handshake then.
 *
 * Breaker: state starts 'up' (or 'not_configured'). A failed or timed-out call marks it 'down'
 * (logged once, with the error) and for `breakerMs` every call skips Redis without trying; the
 * first call after that window is the probe — success marks 'up' again (logged once), failure
 * re-arms the window. A reply saying the command itself was wrong (WRONGTYPE, wrong arity…) is a
 * bug, logged at error level, and does not open the breaker.
 */
import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';
import { createMemoryRatelimiter } from './memory-ratelimit';
import {
  RATELIMIT_POLICIES,
  type RatelimitPolicy,
  type RatelimitPolicyName,
  ratelimitKeyPrefix,
} from './ratelimit-policies';
import { NodeRedis } from './requester';
import { withScriptCompat } from './script-compat';
import { BoundedMap } from '../_lib/bounded-map';

export type RedisLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type RedisLog = (level: RedisLogLevel, msg: string, fields?: Record<string, unknown>) => void;

export type RedisPortOptions = {
  /** UPSTASH_REDIS_REST_URL (Upstash, or serverless-redis-http when self-hosted). */
  url?: string;
  /** UPSTASH_REDIS_REST_TOKEN */
  token?: string;
  log: RedisLog;
  /** Budget for one call, all round trips included (REDIS_TIMEOUT_MS). Default 150. */
  timeoutMs?: number;
  /** Budget until the first success: a cold instance opens its connection (TCP + TLS) then.
   *  Default 3 × timeoutMs. */
  firstCallTimeoutMs?: number;
  /** How long Redis is skipped after a failure before the next probe. Default 2000. */
  breakerMs?: number;
  /** Prepended to every key: lets several deployments (or test runs) share one Redis. */
  keyPrefix?: string;
  /** Replaces registry entries, e.g. higher limits for a load test. */
  policies?: Partial<Record<RatelimitPolicyName, RatelimitPolicy>>;
  /** Identifiers the memory limiter keeps (per instance). Default 10,000. */
  memoryMaxKeys?: number;
};

export type RedisState = 'up' | 'down' | 'not_configured';

export type RateLimitResult = {
  success: boolean;
  limit: number;
  remaining: number;
  /** Seconds until a retry may pass (0 when success): the Retry-After header. */
  retryAfterS: number;
  /** Who decided: Redis (shared by all instances) or this instance's memory. */
  source: 'redis' | 'memory';
};

export type RedisPort = {
  state(): { state: RedisState; lastError: string | null };
  /** Asks Redis now, even inside the breaker window; updates the state. false when not configured. */
  ping(): Promise<boolean>;
  /** Takes one token of `policy` for `identifier`. Never throws; falls back to memory. */
  rateLimit(policy: RatelimitPolicyName, identifier: string): Promise<RateLimitResult>;
  /**
   * Several limits in one round trip, each on the same counters as `rateLimit`: checked in order,
   * and only when all allow is a token spent on each. The first refusal (with its policy), else
   * undefined.
   */
  rateLimitAll(
    checks: { policy: RatelimitPolicyName; identifier: string }[],
  ): Promise<(RateLimitResult & { policy: RatelimitPolicyName }) | undefined>;
  /** JSON value under `cache:<key>`; undefined on a miss, a bad value or when Redis is unavailable. */
  cacheGet<T>(key: string): Promise<T | undefined>;
  /** Stores a JSON value for ttlS seconds; false when skipped. Invalidation may be skipped during an
   *  outage too, so only cache what may be stale for ttlS. */
  cacheSet(key: string, value: unknown, ttlS: number): Promise<boolean>;
  /** Deletes cache keys; false when skipped (the entries then expire by their TTL). */
  cacheDel(...keys: string[]): Promise<boolean>;
  /**
   * A short lock shared by all instances (`lock:<name>`, SET NX PX): 'acquired' with a release
   * (deletes the key only while it is still ours), 'held' by another instance, or 'unavailable'
   * (no Redis: the caller goes on alone, as if it held it). It expires by itself after ttlMs.
   */
  lock(name: string, ttlMs: number): Promise<RedisLock>;
  /**
   * Live vote tallies (`tally:<voteId>`, a hash option → count). `tallyIncr` adds ballots (option →
   * how many) only if the tally exists (else the next read rebuilds it from the database); `tallySeed` writes a
   * rebuilt tally only if none exists, with a short TTL so any drift (an increment skipped during
   * an outage, a race with a rebuild) lasts at most ttlS. The database decides; this only shows.
   */
  tallyIncr(voteId: string, counts: Record<string, number>): Promise<boolean>;
  tallyGet(voteId: string): Promise<Record<string, number> | undefined>;
  tallySeed(voteId: string, counts: Record<string, number>, ttlS: number): Promise<boolean>;
  tallyDrop(voteId: string): Promise<boolean>;
};

export type RedisLock =
  | { state: 'acquired'; release(): Promise<void> }
  | { state: 'held' }
  | { state: 'unavailable' };

/**
 * @upstash/ratelimit's sliding window (its single-region script: the previous window's count
 * weighted by how much of it still overlaps, plus the current window's) over several limits at
 * once. KEYS: current and previous window key per limit; ARGV: now, then tokens and window (ms)
 * per limit. Returns {0} when all allowed (one token spent on each), else {i, limit} for the first
 * limit i (1-based) that refused, with nothing spent.
 */
const SLIDING_WINDOWS_SCRIPT = `local now = tonumber(ARGV[1])
local n = #KEYS / 2
for i = 1, n do
  local tokens = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  local current = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local previous = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  previous = math.floor((1 - (now % window) / window) * previous)
  if previous + current >= tokens then return {i, tokens} end
end
for i = 1, n do
  if redis.call('INCRBY', KEYS[2 * i - 1], 1) == 1 then
    redis.call('PEXPIRE', KEYS[2 * i - 1], tonumber(ARGV[2 * i + 1]) * 2 + 1000)
  end
end
return {0}`;

/** Deletes the lock only if it still holds our token (it may have expired and been taken since). */
const UNLOCK_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/** HINCRBY only when the tally exists; a missing tally is rebuilt from the database on read. */
const TALLY_INCR_SCRIPT =
  "if redis.call('exists', KEYS[1]) == 0 then return -1 end for i = 1, #ARGV, 2 do redis.call('hincrby', KEYS[1], ARGV[i], tonumber(ARGV[i + 1])) end return 1";
/** Writes a rebuilt tally (field/value pairs in ARGV after the TTL) unless one appeared meanwhile. */
const TALLY_SEED_SCRIPT =
  "if redis.call('exists', KEYS[1]) == 1 then return 0 end for i = 2, #ARGV, 2 do redis.call('hset', KEYS[1], ARGV[i], ARGV[i + 1]) end redis.call('expire', KEYS[1], tonumber(ARGV[1])) return 1";
/** Marks a tally hash as existing even when nobody has voted yet. */
const TALLY_MARK = '_';

const DEFAULT_TIMEOUT_MS = 150;
const DEFAULT_BREAKER_MS = 2000;
/**
 * Redis answered and refused this command: our bug or bad data, not an outage, so the breaker
 * stays closed. The client words it "<error>, command was: …", or "Command 1 [ get ] failed:
 * <error>" from a pipeline. Any other error — quota exceeded, OOM, LOADING, auth, network — counts
 * as Redis being unavailable.
 */
const BUG_REPLY =
  /(^|failed: )(WRONGTYPE|NOSCRIPT|ERR (wrong number|syntax error|value is not|unknown command|unknown subcommand|Error running script|user_script))/;

class RedisTimeout extends Error {
  constructor(op: string, ms: number) {
    super(`${op}: no answer within ${ms} ms`);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, op: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisTimeout(op, ms)), ms);
    timer.unref?.();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

export function createRedisPort(opts: RedisPortOptions): RedisPort {
  const { log } = opts;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const firstCallTimeoutMs = opts.firstCallTimeoutMs ?? 3 * timeoutMs;
  let warm = false;
  const budget = () => (warm ? timeoutMs : firstCallTimeoutMs);
  const breakerMs = opts.breakerMs ?? DEFAULT_BREAKER_MS;
  const prefix = opts.keyPrefix ?? '';
  const policies: Record<RatelimitPolicyName, RatelimitPolicy> = { ...RATELIMIT_POLICIES, ...opts.policies };
  const memory = createMemoryRatelimiter(opts.memoryMaxKeys ?? 10_000);

  let client: Redis | undefined;
  let state: RedisState = 'not_configured';
  let lastError: string | null = null;
  if (opts.url && opts.token) {
    try {
      client = new NodeRedis({ url: opts.url, token: opts.token, deadline: budget });
      state = 'up';
    } catch (err) {
      state = 'down';
      lastError = message(err);
      log('error', 'redis client not created: check UPSTASH_REDIS_REST_URL', { error: lastError });
    }
  } else if (opts.url || opts.token) {
    log('warn', 'redis not configured: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must both be set');
  }

  // Breaker. `epoch` counts transitions: a call only moves the state if none happened since it
  // started, so a late answer to a request sent before an outage cannot flap the state.
  let epoch = 0;
  let retryAt = 0;
  let probing = false;
  let downSince = 0;

  const markDown = (op: string, err: unknown) => {
    lastError = err instanceof RedisTimeout ? err.message : `${op}: ${message(err)}`;
    retryAt = Date.now() + breakerMs;
    if (state === 'down') return;
    state = 'down';
    epoch++;
    downSince = Date.now();
    log('warn', 'redis down: skipping it (rate limits in memory, caches off)', {
      error: lastError,
      retryInMs: breakerMs,
    });
  };
  const markUp = () => {
    if (state !== 'down') return;
    state = 'up';
    epoch++;
    log('info', 'redis up again', { downForMs: Date.now() - downSince, lastError });
  };

  type Attempt<T> = { ok: true; value: T } | { ok: false };
  const attempt = async <T>(op: string, fn: (r: Redis) => Promise<T>, force = false): Promise<Attempt<T>> => {
    if (!client) return { ok: false };
    let isProbe = false;
    if (state === 'down' && !force) {
      if (probing || Date.now() < retryAt) return { ok: false };
      probing = isProbe = true;
    }
    const started = epoch;
    const ms = budget();
    try {
      const value = await withTimeout(fn(client), ms, op);
      warm = true;
      if (epoch === started) markUp();
      return { ok: true, value };
    } catch (err) {
      if (!(err instanceof RedisTimeout) && BUG_REPLY.test(message(err))) {
        // Redis answered: it is reachable, the command was wrong.
        log('error', 'redis refused a command', { op, error: message(err) });
        warm = true;
        if (epoch === started) markUp();
      } else if (epoch === started) {
        // The client's own abort (same deadline) may win the race against ours: same meaning.
        const aborted = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        markDown(op, aborted ? new RedisTimeout(op, ms) : err);
      }
      return { ok: false };
    } finally {
      if (isProbe) probing = false;
    }
  };

  const scriptRedis = client && withScriptCompat(client, log);
  // EVALSHA, and EVAL once when Redis does not know the script yet.
  const slidingWindows = client?.createScript<number[]>(SLIDING_WINDOWS_SCRIPT);
  const limiters = new Map<RatelimitPolicyName, Ratelimit>();
  const limiterFor = (name: RatelimitPolicyName, redis: Redis) => {
    let rl = limiters.get(name);
    if (!rl) {
      const p = policies[name];
      rl = new Ratelimit({
        redis,
        limiter: Ratelimit.slidingWindow(p.limit, `${p.windowS} s`),
        prefix: `${prefix}${ratelimitKeyPrefix(name)}`,
        timeout: 0, // ours is stricter, and falls back instead of letting everyone through
        analytics: false,
        ephemeralCache: new BoundedMap<string, number>(opts.memoryMaxKeys ?? 10_000),
      });
      limiters.set(name, rl);
    }
    return rl;
  };

  const retryAfter = (success: boolean, reset: number) =>
    success ? 0 : Math.max(1, Math.ceil((reset - Date.now()) / 1000));

  const cacheKey = (key: string) => `${prefix}cache:${key}`;
  const lockKey = (name: string) => `${prefix}lock:${name}`;
  const tallyKey = (voteId: string) => `${prefix}tally:${voteId}`;
  const ttl = (s: number) => Math.max(1, Math.ceil(s));

  const getJson = async (op: string, key: string): Promise<unknown> => {
    const r = await attempt(op, (c) => c.get<string>(key));
    if (!r.ok || r.value == null) return undefined;
    try {
      return JSON.parse(r.value);
    } catch {
      log('warn', 'redis value is not JSON: ignored', { op, key });
      return undefined;
    }
  };
  const setJson = async (op: string, key: string, value: unknown, ttlS: number) => {
    const text = JSON.stringify(value);
    if (text === undefined) return false;
    return (await attempt(op, (c) => c.set(key, text, { ex: ttl(ttlS) }))).ok;
  };

  return {
    state: () => ({ state, lastError }),

    ping: async () => {
      const r = await attempt('ping', (c) => c.ping(), true);
      return r.ok && r.value === 'PONG';
    },

    rateLimit: async (name, identifier) => {
      const p = policies[name];
      const r = await attempt(`rateLimit ${name}`, () => limiterFor(name, scriptRedis!).limit(identifier));
      if (r.ok) {
        const { success, limit, remaining, reset } = r.value;
        return { success, limit, remaining, retryAfterS: retryAfter(success, reset), source: 'redis' };
      }
      const d = memory.limit(`${name}:${identifier}`, p.limit, p.windowS * 1000);
      return {
        success: d.success,
        limit: d.limit,
        remaining: d.remaining,
        retryAfterS: retryAfter(d.success, d.reset),
        source: 'memory',
      };
    },

    rateLimitAll: async (checks) => {
      const now = Date.now();
      const windows = checks.map((c) => {
        const p = policies[c.policy];
        const ms = p.windowS * 1000;
        const window = Math.floor(now / ms);
        // The keys @upstash/ratelimit uses for the same policy: `<prefix>:<identifier>:<window>`.
        const base = `${prefix}${ratelimitKeyPrefix(c.policy)}:${c.identifier}`;
        return {
          ...c,
          limit: p.limit,
          ms,
          keys: [`${base}:${window}`, `${base}:${window - 1}`],
          reset: (window + 1) * ms,
        };
      });
      // (attempt runs this only with a client, so the script exists.)
      const r = await attempt('rateLimitAll', () =>
        slidingWindows!.exec(
          windows.flatMap((w) => w.keys),
          [String(now), ...windows.flatMap((w) => [String(w.limit), String(w.ms)])],
        ),
      );
      if (r.ok) {
        const [refused] = r.value as number[];
        if (!refused) return undefined;
        const w = windows[refused - 1]!;
        return {
          policy: w.policy,
          success: false,
          limit: w.limit,
          remaining: 0,
          retryAfterS: retryAfter(false, w.reset),
          source: 'redis',
        };
      }
      // This instance's memory, in the same order (a refusal stops it; tokens already taken stay).
      for (const w of windows) {
        const d = memory.limit(`${w.policy}:${w.identifier}`, w.limit, w.ms);
        if (!d.success) {
          return {
            policy: w.policy,
            success: false,
            limit: d.limit,
            remaining: 0,
            retryAfterS: retryAfter(false, d.reset),
            source: 'memory',
          };
        }
      }
      return undefined;
    },

    cacheGet: async <T>(key: string) => (await getJson('cacheGet', cacheKey(key))) as T | undefined,
    cacheSet: (key, value, ttlS) => setJson('cacheSet', cacheKey(key), value, ttlS),
    cacheDel: async (...keys) => {
      if (keys.length === 0) return true;
      return (await attempt('cacheDel', (c) => c.del(...keys.map(cacheKey)))).ok;
    },

    lock: async (name, ttlMs) => {
      const key = lockKey(name);
      const token = crypto.randomUUID();
      const r = await attempt('lock', (c) =>
        c.set(key, token, { nx: true, px: Math.max(1, Math.ceil(ttlMs)) }),
      );
      if (!r.ok) return { state: 'unavailable' };
      if (r.value !== 'OK') return { state: 'held' };
      return {
        state: 'acquired',
        release: async () => {
          await attempt('unlock', (c) => c.eval(UNLOCK_SCRIPT, [key], [token]));
        },
      };
    },

    tallyIncr: async (voteId, counts) => {
      const args = Object.entries(counts).flatMap(([k, n]) => [k, String(n)]);
      if (args.length === 0) return true;
      const r = await attempt('tallyIncr', (c) => c.eval(TALLY_INCR_SCRIPT, [tallyKey(voteId)], args));
      return r.ok && Number(r.value) >= 0;
    },
    tallyGet: async (voteId) => {
      const r = await attempt('tallyGet', (c) => c.hgetall<Record<string, string>>(tallyKey(voteId)));
      if (!r.ok || !r.value) return undefined;
      // Without automatic deserialisation the client may hand back the flat [field, value, …] reply.
      const raw: unknown = r.value;
      const fields: Record<string, unknown> = {};
      if (Array.isArray(raw)) for (let i = 0; i + 1 < raw.length; i += 2) fields[String(raw[i])] = raw[i + 1];
      else Object.assign(fields, raw);
      if (!(TALLY_MARK in fields)) return undefined;
      const out: Record<string, number> = {};
      for (const [k, v] of Object.entries(fields)) if (k !== TALLY_MARK) out[k] = Number(v);
      return out;
    },
    tallySeed: async (voteId, counts, ttlS) => {
      const args: (string | number)[] = [ttl(ttlS), TALLY_MARK, 1];
      for (const [k, n] of Object.entries(counts)) args.push(k, n);
      const r = await attempt('tallySeed', (c) =>
        c.eval(TALLY_SEED_SCRIPT, [tallyKey(voteId)], args.map(String)),
      );
      return r.ok && Number(r.value) === 1;
    },
    tallyDrop: async (voteId) => (await attempt('tallyDrop', (c) => c.del(tallyKey(voteId)))).ok,
  };
}

/**
 * Redis — the one module that talks to it. Redis accelerates, never decides.
 *
 * Owns: the client (@upstash/redis over HTTP: Upstash on the Vercel path, serverless-redis-http in
 * front of any Redis when self-hosted; configured by UPSTASH_REDIS_REST_URL and
 * UPSTASH_REDIS_REST_TOKEN, both or neither), the registry of rate-limit policies, rate limiting,
 * JSON caches (`cache:*`), live vote tallies (`tally:*`) and short cross-instance locks
 * (`lock:*`, e.g. one WeChat access-token refresh for all instances). Anything else that wants Redis
 * (live tallies…) is added here, with its fallback, not called from elsewhere.
 *
 * Fallback rules — with Redis absent, down or slow, nothing is lost or wrong:
 * - every call has a short deadline (REDIS_TIMEOUT_MS, default 150 ms) and a circuit breaker: after
 *   a failure Redis is skipped for 2 s, then probed; `state()` says 'up' | 'down' | 'not_configured'
 *   with the last error, and the transitions are logged once each, not per request;
 * - rate limits fall back to a per-instance memory limiter with the same policy (looser across
 *   instances, never absent);
 * - cache reads miss and cache writes are skipped; a skipped invalidation leaves an entry until its
 *   TTL, so cache only what may be that stale;
 * - locks answer 'unavailable' and the caller acts alone (each instance then refreshes its own
 *   WeChat token: more token fetches, nothing wrong).
 * No method throws because of Redis.
 */
export { assertRateLimit } from './assert-rate-limit';
export {
  createRedisPort,
  type RateLimitResult,
  type RedisLog,
  type RedisLogLevel,
  type RedisPort,
  type RedisLock,
  type RedisPortOptions,
  type RedisState,
} from './client';
export { createMemoryRatelimiter, type MemoryRatelimiter } from './memory-ratelimit';
export {
  RATELIMIT_POLICIES,
  type RatelimitPolicy,
  type RatelimitPolicyName,
  ratelimitKeyPrefix,
} from './ratelimit-policies';

/** Route middleware enforcing a policy from the registry (api/_redis/ratelimit-policies.ts). */
import { createMiddleware } from 'hono/factory';
import type { Context } from 'hono';
import type { AppEnv } from '../_app/context';
import type { RatelimitPolicyName } from '../_redis';
import { ApiError } from './errors';

export function clientIp(c: Context<AppEnv>): string {
  const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
  return fwd || c.req.header('x-real-ip') || 'unknown';
}

export function rateLimit(policy: RatelimitPolicyName, by: 'ip' | 'user') {
  return createMiddleware<AppEnv>(async (c, next) => {
    const identifier = by === 'ip' ? clientIp(c) : c.get('auth').userId;
    refuseWhenLimited(c, await c.get('deps').redis.rateLimit(policy, identifier));
    await next();
  });
}

/** A used-up limit: 429 RATE_LIMITED with Retry-After. */
export function refuseWhenLimited(c: Context<AppEnv>, result: { success: boolean; retryAfterS: number }) {
  if (result.success) return;
  c.header('Retry-After', String(result.retryAfterS));
  throw new ApiError('RATE_LIMITED', undefined, { retryAfterS: result.retryAfterS });
}

import { ApiError } from '../_lib/errors';
import type { RateLimitResult, RedisPort } from './client';
import type { RatelimitPolicyName } from './ratelimit-policies';

/**
 * Takes a token or throws RATE_LIMITED (429, details `{ retryAfterS }`). Never throws because of
 * Redis: without it the instance's memory limiter decides. The caller sets `Retry-After`.
 */
export async function assertRateLimit(
  port: RedisPort,
  policy: RatelimitPolicyName,
  identifier: string,
): Promise<RateLimitResult> {
  const result = await port.rateLimit(policy, identifier);
  if (!result.success) throw new ApiError('RATE_LIMITED', undefined, { retryAfterS: result.retryAfterS });
  return result;
}

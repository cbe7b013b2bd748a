/**
 * The per-instance limiter used when Redis is not configured or not answering. Same sliding
 * window approximation as @upstash/ratelimit's script (the previous fixed window's count, weighted
 * by how much of it still overlaps, plus the current window's count), so a policy means the same
 * thing on both paths — except that each instance counts on its own.
 *
 * Memory is bounded: at most `maxKeys` identifiers; past that, the one first counted is forgotten
 * (BoundedMap: a later count does not move an identifier's place).
 */
import { BoundedMap } from '../_lib/bounded-map';

export type LimitDecision = { success: boolean; limit: number; remaining: number; reset: number };

type Bucket = { window: number; current: number; previous: number };

export type MemoryRatelimiter = {
  limit(key: string, limit: number, windowMs: number, now?: number): LimitDecision;
  size(): number;
};

export function createMemoryRatelimiter(maxKeys = 10_000): MemoryRatelimiter {
  const buckets = new BoundedMap<string, Bucket>(maxKeys);
  return {
    limit(key, limit, windowMs, now = Date.now()) {
      const window = Math.floor(now / windowMs);
      let b = buckets.get(key);
      buckets.delete(key); // re-inserted below: Map order is recency order
      if (!b || b.window < window - 1) b = { window, current: 0, previous: 0 };
      else if (b.window === window - 1) b = { window, current: 0, previous: b.current };
      const previous = Math.floor((1 - (now % windowMs) / windowMs) * b.previous);
      const success = previous + b.current < limit;
      if (success) b.current += 1;
      buckets.set(key, b);
      return {
        success,
        limit,
        remaining: success ? Math.max(0, limit - (b.current + previous)) : 0,
        reset: (window + 1) * windowMs,
      };
    },
    size: () => buckets.size,
  };
}

/**
 * Shared pieces of the Redis suites: which Redis the run can reach (skip loudly, or fail with
 * CI=true), a key prefix unique to this file and run (files run in parallel, and other runs may
 * share the server), cleanup of that prefix, and a logger that records what the port says.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RedisLog, RedisLogLevel } from '../../api/_redis';
import { redisServerAvailable } from '../support/redis-server';
import { REDIS_URL, STRICT, serviceAvailable } from '../support/services';

export { REDIS_URL };

/** The shared redis-server (127.0.0.1:6379 unless TEST_REDIS_URL) answers. */
export const sharedRedisUp = await serviceAvailable('redis');

/** The redis-server binary exists, so a test can run a private server and kill it. */
export const privateRedisPossible = (() => {
  if (redisServerAvailable()) return true;
  const msg = 'the redis-server binary is not installed (or REDIS_SERVER_BIN is wrong)';
  if (STRICT) throw new Error(`${msg} — CI=true requires it`);
  console.warn(`\n!!! SKIPPING Redis outage tests: ${msg}. Install redis-server to run them. !!!\n`);
  return false;
})();

export function uniquePrefix(name: string): string {
  return `test:${name}:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix` on the shared server. */
export async function deleteKeys(prefix: string, url = REDIS_URL): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export type LogEntry = { level: RedisLogLevel; msg: string; fields?: Record<string, unknown> };

export function recordingLog(): RedisLog & { entries: LogEntry[]; matching(re: RegExp): LogEntry[] } {
  const entries: LogEntry[] = [];
  const log = ((level, msg, fields) => {
    entries.push({ level, msg, fields });
  }) as RedisLog & { entries: LogEntry[]; matching(re: RegExp): LogEntry[] };
  log.entries = entries;
  log.matching = (re) => entries.filter((e) => re.test(e.msg));
  return log;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Real Redis behind the Upstash REST protocol, for a server under benchmark: a bridge process
 * (bridge-child.ts) in front of redis-server, on a database index of its own (default 13) that
 * is flushed before the run so rate-limit windows and idempotency keys start empty.
 */
import { Redis } from 'ioredis';
import { type Child, spawnChild, waitFor } from './processes';

export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/13';

export type Bridge = { url: string; token: string; child: Child };

async function flushBenchDb(redisUrl: string): Promise<void> {
  const db = Number(new URL(redisUrl).pathname.slice(1) || '0');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw new Error(
      `Redis is not reachable at ${redisUrl} (${e instanceof Error ? e.message : String(e)}). ` +
        'Start it (see README) or set BENCH_REDIS_URL.',
    );
  }
  // Never flush database 0: tests and local runs use it.
  if (db !== 0) await redis.flushdb();
  redis.disconnect();
}

export async function startBridge(redisUrl = BENCH_REDIS_URL): Promise<Bridge> {
  await flushBenchDb(redisUrl);
  const child = spawnChild(
    'upstash-bridge',
    process.execPath,
    ['--import', 'tsx', 'bench/lib/bridge-child.ts'],
    {
      env: { ...process.env, REDIS_URL: redisUrl },
    },
  );
  let ready: { url: string; token: string } | undefined;
  child.onLine((line) => {
    try {
      const msg = JSON.parse(line) as { msg?: string; url?: string; token?: string };
      if (msg.msg === 'bridge' && msg.url && msg.token) ready = { url: msg.url, token: msg.token };
    } catch {
      // not a JSON line
    }
  });
  await waitFor('upstash bridge', async () => ready !== undefined, {
    timeoutMs: 20_000,
    intervalMs: 50,
    abort: child.exited,
    onAbort: () => `the bridge exited:\n${child.tail()}`,
  });
  return { ...ready!, child };
}

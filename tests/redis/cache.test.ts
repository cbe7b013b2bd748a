/**
 * Caches through real Redis, and their no-op behaviour without it.
 */
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisPort, type RedisPort } from '../../api/_redis';
import { startUpstashBridge, type UpstashBridge } from '../support/upstash-bridge';
import { deleteKeys, REDIS_URL, recordingLog, sharedRedisUp, uniquePrefix } from './helpers';

const P = uniquePrefix('cache');

describe('not configured', () => {
  it('caches miss and writes are skipped, without errors or logs', async () => {
    const log = recordingLog();
    const port = createRedisPort({ log });
    expect(await port.cacheSet('k', { a: 1 }, 60)).toBe(false);
    expect(await port.cacheGet('k')).toBeUndefined();
    expect(await port.cacheDel('k')).toBe(false);
    expect(log.entries).toEqual([]);
  });
});

describe.skipIf(!sharedRedisUp)('through Redis (Upstash protocol bridge)', () => {
  let bridge: UpstashBridge;
  let port: RedisPort;
  let io: IORedis;
  const log = recordingLog();

  beforeAll(async () => {
    bridge = await startUpstashBridge({ redisUrl: REDIS_URL });
    port = createRedisPort({ url: bridge.url, token: bridge.token, log, keyPrefix: P });
    io = new IORedis(REDIS_URL);
  });
  afterAll(async () => {
    await bridge?.close();
    io?.disconnect();
    await deleteKeys(P);
  });

  it('round-trips JSON values under cache:<key> with a TTL', async () => {
    const value = {
      village: '东山村',
      households: 12,
      tags: ['民事民提', '👍'],
      nested: { ok: true, n: null },
    };
    expect(await port.cacheSet('village:v1', value, 30)).toBe(true);
    expect(await port.cacheGet<typeof value>('village:v1')).toEqual(value);
    const ttl = await io.ttl(`${P}cache:village:v1`);
    expect(ttl).toBeGreaterThan(25);
    expect(ttl).toBeLessThanOrEqual(30);
    // Scalars, strings that look like numbers, and null survive as written.
    await port.cacheSet('str', '0012', 30);
    expect(await port.cacheGet('str')).toBe('0012');
    await port.cacheSet('null', null, 30);
    expect(await port.cacheGet('null')).toBeNull();
    expect(await port.cacheGet('absent')).toBeUndefined();
  });

  it('cacheDel removes keys; undefined values are not stored', async () => {
    await port.cacheSet('a', 1, 30);
    await port.cacheSet('b', 2, 30);
    expect(await port.cacheDel('a', 'b')).toBe(true);
    expect(await port.cacheGet('a')).toBeUndefined();
    expect(await port.cacheSet('u', undefined, 30)).toBe(false);
    expect(await port.cacheDel()).toBe(true);
  });

  it('a value that is not JSON is a miss (logged), never a crash', async () => {
    await io.set(`${P}cache:corrupt`, '{nope');
    expect(await port.cacheGet('corrupt')).toBeUndefined();
    expect(log.matching(/not JSON/)).toHaveLength(1);
  });

  it('a Redis error reply is logged as a bug and does not open the breaker', async () => {
    await io.rpush(`${P}cache:list`, 'x');
    expect(await port.cacheGet('list')).toBeUndefined();
    expect(log.matching(/refused a command/)).toHaveLength(1);
    expect(port.state().state).toBe('up');
  });
});

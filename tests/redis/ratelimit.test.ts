/**
 * Rate limiting: through real Redis (shared by every instance), and in memory when Redis is not
 * configured (per instance), with the same sliding-window policy on both paths.
 */
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../api/_lib/errors';
import {
  assertRateLimit,
  createMemoryRatelimiter,
  createRedisPort,
  RATELIMIT_POLICIES,
  type RatelimitPolicyName,
} from '../../api/_redis';
import { startUpstashBridge, type UpstashBridge } from '../support/upstash-bridge';
import { deleteKeys, percentile, REDIS_URL, recordingLog, sharedRedisUp, uniquePrefix } from './helpers';

const P = uniquePrefix('ratelimit');
/** Long windows: a window boundary inside a test would shift counts into the weighted previous window. */
const strict = { limit: 3, windowS: 3600, algorithm: 'sliding-window' } as const;

describe('policy registry', () => {
  it('every policy has a positive limit and window, keyed rl:<area>:<action>', () => {
    for (const [name, p] of Object.entries(RATELIMIT_POLICIES)) {
      expect(name).toMatch(/^[a-z]+:[a-z-]+$/);
      expect(p.limit).toBeGreaterThan(0);
      expect(p.windowS).toBeGreaterThan(0);
      expect(p.algorithm).toBe('sliding-window');
    }
    expect(RATELIMIT_POLICIES['auth:login']).toMatchObject({ limit: 10, windowS: 60 });
    expect(RATELIMIT_POLICIES['villages:join']).toMatchObject({ limit: 5, windowS: 600 });
    expect(RATELIMIT_POLICIES['write:default']).toMatchObject({ limit: 60, windowS: 60 });
  });
});

describe('memory limiter', () => {
  it('is a sliding window: the previous window counts by how much of it still overlaps', () => {
    const m = createMemoryRatelimiter();
    const w = 60_000;
    const t0 = 10 * w; // start of a window
    for (let i = 0; i < 10; i++) expect(m.limit('k', 10, w, t0 + i).success).toBe(true);
    expect(m.limit('k', 10, w, t0 + 100)).toMatchObject({ success: false, remaining: 0, reset: t0 + w });
    // A quarter into the next window, 3/4 of the previous 10 still count: 7, so 3 more pass.
    const t1 = t0 + w + w / 4;
    expect([1, 2, 3, 4].map(() => m.limit('k', 10, w, t1).success)).toEqual([true, true, true, false]);
    // Two windows later everything is forgotten.
    expect(m.limit('k', 10, w, t0 + 3 * w)).toMatchObject({ success: true, remaining: 9 });
  });

  it('keeps at most maxKeys identifiers, evicting the least recently used', () => {
    const m = createMemoryRatelimiter(100);
    for (let i = 0; i < 1000; i++) m.limit(`ip-${i}`, 5, 60_000);
    expect(m.size()).toBe(100);
  });
});

describe('not configured: memory, per instance', () => {
  it('enforces the policy without Redis, and says so', async () => {
    const log = recordingLog();
    const port = createRedisPort({ log, policies: { 'villages:join': strict } });
    expect(port.state()).toEqual({ state: 'not_configured', lastError: null });
    const r = [];
    for (let i = 0; i < 4; i++) r.push(await port.rateLimit('villages:join', 'u1'));
    expect(r.map((x) => [x.success, x.remaining, x.source])).toEqual([
      [true, 2, 'memory'],
      [true, 1, 'memory'],
      [true, 0, 'memory'],
      [false, 0, 'memory'],
    ]);
    expect(r[3]!.retryAfterS).toBeGreaterThan(0);
    expect(r[3]!.retryAfterS).toBeLessThanOrEqual(3600);
    expect((await port.rateLimit('villages:join', 'u2')).success).toBe(true);
    expect(await port.ping()).toBe(false);
    expect(log.entries).toEqual([]);
  });

  it('rateLimitAll without Redis: the same limits in memory, in order', async () => {
    const port = createRedisPort({
      log: recordingLog(),
      policies: { 'matters:raise': strict, 'matters:raise-village': { ...strict, limit: 1 } },
    });
    const both = (user: string) =>
      port.rateLimitAll([
        { policy: 'matters:raise', identifier: user },
        { policy: 'matters:raise-village', identifier: 'v' },
      ]);
    expect(await both('a')).toBeUndefined();
    expect(await both('b')).toMatchObject({
      policy: 'matters:raise-village',
      success: false,
      source: 'memory',
    });
    for (let i = 0; i < 3; i++) await port.rateLimit('matters:raise', 'c');
    expect(await both('c')).toMatchObject({ policy: 'matters:raise', source: 'memory' });
  });

  it('two instances count separately (the price of no Redis)', async () => {
    const log = recordingLog();
    const a = createRedisPort({ log, policies: { 'auth:login': strict } });
    const b = createRedisPort({ log, policies: { 'auth:login': strict } });
    for (let i = 0; i < 3; i++) await a.rateLimit('auth:login', '10.0.0.1');
    expect((await a.rateLimit('auth:login', '10.0.0.1')).success).toBe(false);
    expect((await b.rateLimit('auth:login', '10.0.0.1')).success).toBe(true);
  });

  it('warns when only one of URL and token is set', () => {
    const log = recordingLog();
    const port = createRedisPort({ url: 'http://127.0.0.1:1', log });
    expect(port.state().state).toBe('not_configured');
    expect(log.matching(/must both be set/)).toHaveLength(1);
  });
});

describe.skipIf(!sharedRedisUp)('through Redis (Upstash protocol bridge)', () => {
  let bridge: UpstashBridge;
  beforeAll(async () => {
    bridge = await startUpstashBridge({ redisUrl: REDIS_URL });
  });
  afterAll(async () => {
    await bridge?.close();
    await deleteKeys(P);
  });

  const port = (
    policy: RatelimitPolicyName,
    extra: { keyPrefix?: string; limit?: number; windowS?: number } = {},
  ) =>
    createRedisPort({
      url: bridge.url,
      token: bridge.token,
      log: recordingLog(),
      keyPrefix: extra.keyPrefix ?? P,
      policies: {
        [policy]: { ...strict, limit: extra.limit ?? strict.limit, windowS: extra.windowS ?? strict.windowS },
      },
    });

  it('counts in Redis, refuses at the limit with retryAfterS, and shares the count across instances', async () => {
    const a = port('villages:join');
    const b = port('villages:join');
    const r1 = await a.rateLimit('villages:join', 'user-1');
    const r2 = await b.rateLimit('villages:join', 'user-1');
    const r3 = await a.rateLimit('villages:join', 'user-1');
    const r4 = await b.rateLimit('villages:join', 'user-1');
    expect([r1, r2, r3].map((r) => [r.success, r.remaining, r.source])).toEqual([
      [true, 2, 'redis'],
      [true, 1, 'redis'],
      [true, 0, 'redis'],
    ]);
    expect(r4).toMatchObject({ success: false, limit: 3, remaining: 0, source: 'redis' });
    expect(r4.retryAfterS).toBeGreaterThan(0);
    expect(r4.retryAfterS).toBeLessThanOrEqual(3600);
    expect(r1.retryAfterS).toBe(0);
    // Other identifiers have their own budget.
    expect((await a.rateLimit('villages:join', 'user-2')).success).toBe(true);
    expect(a.state()).toEqual({ state: 'up', lastError: null });
  });

  it('rateLimitAll: several limits in one round trip, on the same counters as rateLimit', async () => {
    const small = { limit: 2, windowS: 3600, algorithm: 'sliding-window' } as const;
    const p = createRedisPort({
      url: bridge.url,
      token: bridge.token,
      log: recordingLog(),
      keyPrefix: P,
      policies: { 'matters:raise': strict, 'matters:raise-village': small },
    });
    // The first call loads the script (EVALSHA refused, then EVAL); later ones are one EVALSHA.
    expect(await p.rateLimitAll([{ policy: 'matters:raise', identifier: 'warm-up' }])).toBeUndefined();
    const before = bridge.requests();
    const both = (user: string) =>
      p.rateLimitAll([
        { policy: 'matters:raise', identifier: user },
        { policy: 'matters:raise-village', identifier: 'village-1' },
      ]);
    expect(await both('u1')).toBeUndefined();
    expect(bridge.requests() - before).toBe(1);
    // rateLimit sees (and spends) the same village counter: its budget of 2 is now used up.
    expect((await p.rateLimit('matters:raise-village', 'village-1')).success).toBe(true);
    const refused = await both('u2');
    expect(refused).toMatchObject({
      policy: 'matters:raise-village',
      success: false,
      limit: 2,
      source: 'redis',
    });
    expect(refused!.retryAfterS).toBeGreaterThan(0);
    // A refusal spends nothing: u2 still has all 3 of its own.
    for (let i = 0; i < 3; i++) expect((await p.rateLimit('matters:raise', 'u2')).success).toBe(true);
    expect((await p.rateLimit('matters:raise', 'u2')).success).toBe(false);
    // Checked in order: the first limit that refuses is the one reported.
    expect(await both('u2')).toMatchObject({ policy: 'matters:raise', limit: 3 });
    // Only the first limit: the village is not touched.
    expect(await p.rateLimitAll([{ policy: 'matters:raise', identifier: 'u3' }])).toBeUndefined();
  });

  it('a burst of concurrent calls goes in a few pipelines and still spends exactly the limit', async () => {
    const p = port('write:default', { limit: 20, windowS: 60 });
    await p.rateLimit('write:default', 'warm-up'); // the script is loaded once
    const before = bridge.requests();
    // 200 villagers take a token at the same moment, ten of them twice (two taps).
    const who = Array.from({ length: 200 }, (_, i) => `burst-${i}`);
    const answers = await Promise.all(
      [...who, ...who.slice(0, 10)].map((id) => p.rateLimit('write:default', id)),
    );
    expect(answers.every((a) => a.success && a.source === 'redis')).toBe(true);
    // 32 went out alone (one per socket); the other 178 waited and went in a few pipelines.
    expect(bridge.requests() - before).toBeLessThanOrEqual(32 + 10);
    // One identifier past its limit in the same burst: exactly 20 allowed, every answer from Redis.
    const one = await Promise.all(
      Array.from({ length: 30 }, () => p.rateLimit('write:default', 'burst-one')),
    );
    expect(one.filter((a) => a.success)).toHaveLength(20);
    expect(one.every((a) => a.source === 'redis')).toBe(true);
    expect(p.state().state).toBe('up');
  });

  it('keys live under <prefix>rl:<area>:<action>:<identifier>', async () => {
    const p = port('auth:login');
    await p.rateLimit('auth:login', '203.0.113.9');
    const io = new IORedis(REDIS_URL);
    try {
      const keys = await io.keys(`${P}rl:auth:login:203.0.113.9:*`);
      expect(keys).toHaveLength(1);
      expect(await io.pttl(keys[0]!)).toBeGreaterThan(0);
    } finally {
      io.disconnect();
    }
  });

  it('assertRateLimit returns the result, then throws RATE_LIMITED with retryAfterS', async () => {
    const p = port('write:default');
    for (let i = 0; i < 3; i++) expect((await assertRateLimit(p, 'write:default', 'u9')).success).toBe(true);
    const err = await assertRateLimit(p, 'write:default', 'u9').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterS: expect.any(Number) } });
  });

  it('works against stock Redis behind an SRH-like front (Upstash script flags refused)', async () => {
    const plain = await startUpstashBridge({ redisUrl: REDIS_URL, stripScriptFlags: false });
    try {
      const log = recordingLog();
      const p = createRedisPort({
        url: plain.url,
        token: plain.token,
        log,
        keyPrefix: P,
        policies: { 'roster:import': strict },
      });
      const r = [];
      for (let i = 0; i < 4; i++) r.push(await p.rateLimit('roster:import', 'cadre-1'));
      expect(r.map((x) => [x.success, x.source])).toEqual([
        [true, 'redis'],
        [true, 'redis'],
        [true, 'redis'],
        [false, 'redis'],
      ]);
      expect(p.state().state).toBe('up');
      expect(log.matching(/script flags/)).toHaveLength(1);
      expect(log.entries.filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it('latency through the bridge (reported, not asserted)', async () => {
    const p = port('speech:synthesize', { limit: 1_000_000 });
    await p.rateLimit('speech:synthesize', 'warm-up');
    const ms: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      const r = await p.rateLimit('speech:synthesize', `u${i % 20}`);
      ms.push(performance.now() - t);
      expect(r.source).toBe('redis');
    }
    ms.sort((x, y) => x - y);
    const fmt = (v: number) => v.toFixed(2);
    console.info(
      `rateLimit via bridge, 300 sequential calls: p50 ${fmt(percentile(ms, 50))} ms, ` +
        `p95 ${fmt(percentile(ms, 95))} ms, p99 ${fmt(percentile(ms, 99))} ms, max ${fmt(ms[ms.length - 1]!)} ms`,
    );
  });
});

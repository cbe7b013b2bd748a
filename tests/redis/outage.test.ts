/**
 * Redis accelerates, never decides: a private redis-server killed while calls run, a front that
 * never answers, a server that is not there. Calls keep answering in time without throwing, the
 * state and its log follow the outage once per transition, and Redis is used again once back.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisPort, type RateLimitResult, type RedisPort } from '../../api/_redis';
import { type PrivateRedis, startRedisServer } from '../support/redis-server';
import { startUpstashBridge, type UpstashBridge } from '../support/upstash-bridge';
import { privateRedisPossible, recordingLog, uniquePrefix } from './helpers';

const P = uniquePrefix('outage');
const big = { limit: 100_000, windowS: 3600, algorithm: 'sliding-window' } as const;

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe.skipIf(!privateRedisPossible)('Redis killed while requests run', () => {
  let redis: PrivateRedis;
  let bridge: UpstashBridge;

  beforeAll(async () => {
    redis = await startRedisServer();
    bridge = await startUpstashBridge({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await bridge?.close();
    await redis?.stop();
  });

  it('keeps answering from memory, reports down once, and picks Redis up again', async () => {
    const log = recordingLog();
    const timeoutMs = 300; // roomy: other suites load the CPU, and a slow answer would be an outage
    const port = createRedisPort({
      url: bridge.url,
      token: bridge.token,
      log,
      timeoutMs,
      breakerMs: 300,
      keyPrefix: P,
      policies: { 'write:default': big },
    });

    type Round = { i: number; ms: number; rl: RateLimitResult; cached: unknown };
    const rounds: Round[] = [];
    const round = async (i: number): Promise<Round> => {
      const t = performance.now();
      // Several callers at once, as concurrent requests would be.
      const [rl] = await Promise.all([
        port.rateLimit('write:default', `user-${i % 5}`),
        port.rateLimit('write:default', 'user-x'),
        port.cacheSet(`round:${i}`, { i, text: '第几轮' }, 60),
      ]);
      const cached = await port.cacheGet(`round:${i}`);
      return { i, ms: performance.now() - t, rl, cached };
    };

    for (let i = 0; i < 20; i++) rounds.push(await round(i));
    expect(rounds.every((r) => r.rl.source === 'redis')).toBe(true);
    expect(rounds.every((r) => (r.cached as { i: number } | undefined)?.i === r.i)).toBe(true);

    // Kill Redis mid-run (SIGKILL: a crash) while a round is in flight.
    const inflight = round(20);
    await redis.stop('SIGKILL');
    rounds.push(await inflight);
    for (let i = 21; i < 60; i++) rounds.push(await round(i));

    const after = rounds.slice(22);
    expect(after.every((r) => r.rl.source === 'memory' && r.rl.success)).toBe(true);
    expect(after.every((r) => r.cached === undefined)).toBe(true);
    // Two sequential steps per round, each bounded by the timeout (most are instant: breaker open).
    // A bound that tells "answers in time" from "hangs", not a benchmark (see bench/).
    expect(Math.max(...after.map((r) => r.ms))).toBeLessThan(2 * timeoutMs + 400);
    const st = port.state();
    expect(st.state).toBe('down');
    expect(st.lastError).toBeTruthy();
    expect(await port.ping()).toBe(false);
    expect(log.matching(/redis down/)).toHaveLength(1);
    expect(log.matching(/redis down/)[0]!.level).toBe('warn');

    // Back: the next probe after the breaker window finds it, and the state says so, once.
    await redis.start();
    await waitFor('redis state up', async () => {
      await port.rateLimit('write:default', 'user-probe');
      return port.state().state === 'up';
    });
    expect(port.state()).toEqual({ state: 'up', lastError: expect.any(String) }); // the last error stays visible
    const back = await round(100);
    expect(back.rl.source).toBe('redis');
    expect(back.cached).toEqual({ i: 100, text: '第几轮' });
    expect(log.matching(/redis up again/)).toHaveLength(1);
    expect(log.matching(/redis down/)).toHaveLength(1);
    expect(await port.ping()).toBe(true);
  });

  it('while the breaker is open, calls skip Redis without a request; after it, one probe goes out', async () => {
    const log = recordingLog();
    const port = createRedisPort({
      url: bridge.url,
      token: bridge.token,
      log,
      timeoutMs: 300,
      breakerMs: 1000,
      keyPrefix: P,
    });
    expect(await port.cacheSet('x', 1, 60)).toBe(true);
    await redis.stop();
    expect(await port.cacheGet('x')).toBeUndefined(); // this call fails and opens the breaker
    expect(port.state().state).toBe('down');
    const before = bridge.requests();
    const t = performance.now();
    for (let i = 0; i < 50; i++) {
      await port.cacheGet('x');
      await port.cacheSet('x', i, 60);
      await port.rateLimit('auth:login', '198.51.100.7');
    }
    expect(performance.now() - t).toBeLessThan(300);
    expect(bridge.requests()).toBe(before);

    await sleep(1050);
    await Promise.all(Array.from({ length: 10 }, () => port.cacheGet('x')));
    expect(bridge.requests()).toBe(before + 1); // one probe, the other nine skipped
    await redis.start();
  });
});

describe('timeouts and unreachable fronts', () => {
  let hanging: http.Server | undefined;
  afterEach(async () => {
    hanging?.closeAllConnections();
    await new Promise<void>((r) => (hanging ? hanging.close(() => r()) : r()));
    hanging = undefined;
  });

  it('a front that never answers costs one timeout, then nothing until the next probe', async () => {
    let received = 0;
    hanging = http.createServer(() => {
      received++; // accept, never answer
    });
    await new Promise<void>((r) => hanging!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    const log = recordingLog();
    const timeoutMs = 100;
    const firstCallTimeoutMs = 250; // a cold instance's first call may open a TLS connection
    const port = createRedisPort({ url, token: 't', log, timeoutMs, firstCallTimeoutMs, breakerMs: 5000 });

    let t = performance.now();
    const rl = await port.rateLimit('auth:login', '192.0.2.1');
    const first = performance.now() - t;
    expect(rl).toMatchObject({ success: true, source: 'memory' });
    expect(first).toBeGreaterThanOrEqual(firstCallTimeoutMs - 5);
    expect(first).toBeLessThan(firstCallTimeoutMs + 400);
    expect(port.state()).toEqual({
      state: 'down',
      lastError: expect.stringMatching(/no answer within 250 ms/),
    });

    t = performance.now();
    expect(await port.cacheGet('k')).toBeUndefined();
    expect(await port.cacheSet('k', 1, 10)).toBe(false);
    expect(performance.now() - t).toBeLessThan(100);
    expect(received).toBe(1);

    // ping ignores the breaker window but not the deadline (still the first-call budget: never warm).
    t = performance.now();
    expect(await port.ping()).toBe(false);
    expect(performance.now() - t).toBeLessThan(firstCallTimeoutMs + 400);
    expect(received).toBe(2);
    expect(log.matching(/redis down/)).toHaveLength(1);
  });

  it('the bridge hanging mid-run (fault injection) is a timeout too', async () => {
    if (!privateRedisPossible) return;
    const redis = await startRedisServer();
    const bridge = await startUpstashBridge({ redisUrl: redis.url });
    try {
      const port: RedisPort = createRedisPort({
        url: bridge.url,
        token: bridge.token,
        log: recordingLog(),
        timeoutMs: 250,
        breakerMs: 200,
      });
      expect((await port.rateLimit('auth:dev', 'a')).source).toBe('redis');
      bridge.setHang(true);
      const t = performance.now();
      expect((await port.rateLimit('auth:dev', 'a')).source).toBe('memory');
      expect(performance.now() - t).toBeLessThan(250 + 400);
      expect(port.state().state).toBe('down');
      bridge.setHang(false);
      await waitFor('recovery', async () => (await port.rateLimit('auth:dev', 'a')).source === 'redis');
      expect(port.state().state).toBe('up');
    } finally {
      await bridge.close();
      await redis.stop();
    }
  });

  it('nothing listening: connection refused marks down fast', async () => {
    const log = recordingLog();
    const port = createRedisPort({ url: 'http://127.0.0.1:9', token: 't', log });
    const t = performance.now();
    expect((await port.rateLimit('auth:login', '192.0.2.2')).source).toBe('memory');
    expect(performance.now() - t).toBeLessThan(400);
    expect(port.state().state).toBe('down');
    expect(port.state().lastError).toMatch(/fetch failed|ECONNREFUSED/);
  });

  it('a wrong token is an outage (every call would fail), not a crash', async () => {
    if (!privateRedisPossible) return;
    const redis = await startRedisServer();
    const bridge = await startUpstashBridge({ redisUrl: redis.url });
    try {
      const log = recordingLog();
      const port = createRedisPort({ url: bridge.url, token: 'wrong', log });
      expect(await port.cacheSet('k', 1, 10)).toBe(false);
      expect(port.state()).toEqual({ state: 'down', lastError: expect.stringMatching(/Unauthorized/) });
    } finally {
      await bridge.close();
      await redis.stop();
    }
  });
});

/**
 * The speech cache's Redis index on a real redis-server (through the Upstash bridge): after one
 * synthesis the index answers without touching storage; with Redis stopped the storage port
 * decides and nothing is synthesised again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoragePort } from '../../api/_storage';
import { loadActors, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';
import { startRedisServer } from '../support/redis-server';
import { serviceAvailable } from '../support/services';
import { startUpstashBridge } from '../support/upstash-bridge';
import { countSyntheses } from './speech-support';

const redisOk = await serviceAvailable('redis');

describe.skipIf(DB_UNAVAILABLE || !redisOk)('speech cache index in Redis', () => {
  let t: TestApp;
  let a: Actors;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let bridge: Awaited<ReturnType<typeof startUpstashBridge>>;
  const storageCalls = { get: 0, has: 0 };

  beforeAll(async () => {
    redis = await startRedisServer();
    bridge = await startUpstashBridge({ redisUrl: redis.url });
    t = await createTestApp({ redis: { url: bridge.url, token: bridge.token } });
    a = await loadActors(t.db);
    const inner: StoragePort = t.deps.storage;
    t.deps.storage = {
      ...inner,
      get: (k) => {
        storageCalls.get++;
        return inner.get(k);
      },
      has: (k) => {
        storageCalls.has++;
        return inner.has(k);
      },
      put: inner.put,
      delete: inner.delete,
      kind: inner.kind,
    };
  });
  afterAll(async () => {
    await t?.close();
    await bridge?.close();
    await redis?.stop();
  });

  it('indexes a synthesis in Redis, answers from the index, and falls back to storage when Redis is down', async () => {
    const synth = countSyntheses(t);
    const token = await t.loginAs(a.villager);
    const text = '秋收期间请注意防火，秸秆不要焚烧。';
    const first = await t.request('POST', '/api/speech', { token, body: { text } });
    expect(first.body.cached).toBe(false);
    expect(synth.calls).toBe(1);

    const before = { ...storageCalls };
    const second = await t.request('POST', '/api/speech', { token, body: { text } });
    expect(second.body).toMatchObject({ cached: true, bytes: first.body.bytes });
    expect(storageCalls).toEqual(before); // the Redis index answered

    await redis.stop();
    const third = await t.request('POST', '/api/speech', { token, body: { text } });
    expect(third.status).toBe(200);
    expect(third.body.cached).toBe(true);
    expect(storageCalls.get).toBeGreaterThan(before.get); // storage decided
    expect(synth.calls).toBe(1);
  });
});

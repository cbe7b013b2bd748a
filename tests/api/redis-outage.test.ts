/**
 * Redis accelerates, never decides: the API on a real redis-server (through the Upstash bridge),
 * with Redis killed while requests run. Every request still succeeds, nothing is lost, health
 * shows the outage, and the API picks Redis up again when it is back.
 */
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { households } from '../../api/_db/schema';
import { loadActors, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';
import { startRedisServer } from '../support/redis-server';
import { serviceAvailable } from '../support/services';
import { startUpstashBridge } from '../support/upstash-bridge';

const redisOk = await serviceAvailable('redis');

describe.skipIf(DB_UNAVAILABLE || !redisOk)('Redis outage while requests run', () => {
  let t: TestApp;
  let a: Actors;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let bridge: Awaited<ReturnType<typeof startUpstashBridge>>;

  beforeAll(async () => {
    redis = await startRedisServer();
    bridge = await startUpstashBridge({ redisUrl: redis.url });
    t = await createTestApp({ redis: { url: bridge.url, token: bridge.token } });
    a = await loadActors(t.db);
  });
  afterAll(async () => {
    await t?.close();
    await bridge?.close();
    await redis?.stop();
  });

  it('keeps answering, loses nothing, reports the outage and recovers', async () => {
    const token = await t.loginAs(a.cadre);
    const health = async () => (await t.request('GET', '/api/health')).body;
    expect((await health()).redis.state).toBe('up');

    const path = `/api/villages/${a.village.id}/households`;
    const statuses: number[] = [];
    const keys: string[] = [];
    for (let i = 0; i < 40; i++) {
      if (i === 15) await redis.stop();
      const key = crypto.randomUUID();
      keys.push(key);
      const res = await t.request('POST', path, {
        token,
        body: { number: `R${i}` },
        headers: { 'idempotency-key': key },
      });
      statuses.push(res.status);
      expect((await t.request('GET', '/api/me', { token })).status).toBe(200);
    }
    expect(statuses).toEqual(Array(40).fill(201));
    const h = await health();
    expect(h.redis.state).toBe('down');
    expect(h.redis.lastError).toBeTruthy();
    expect(h.status).toBe('degraded');

    // Every write landed exactly once, and a retry during the outage still replays (Postgres decides).
    const [{ n }] = (await t.db
      .select({ n: count() })
      .from(households)
      .where(eq(households.villageId, a.village.id))) as [{ n: number }];
    expect(Number(n)).toBe(80 + 40);
    const retry = await t.request('POST', path, {
      token,
      body: { number: 'R20' },
      headers: { 'idempotency-key': keys[20]! },
    });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replay')).toBe('true');
    expect(t.logLines.some((l) => l.includes('"level":"warn"') && l.toLowerCase().includes('redis'))).toBe(
      true,
    );

    await redis.start();
    await new Promise((r) => setTimeout(r, 2500));
    await t.request('GET', '/api/me', { token });
    await t.request('POST', path, {
      token,
      body: { number: 'AFTER' },
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    expect((await health()).redis.state).toBe('up');
  });
});

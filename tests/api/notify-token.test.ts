/**
 * WeChat's access token is fetched once for all instances (Redis through the Upstash bridge, on the
 * real redis-server), reused by every send, and refreshed once when WeChat refuses it (40001 /
 * 42001). Without Redis each instance keeps its own. Counted on the fake WeChat server.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainOutbox } from '../../api/_notices/dispatch';
import { notify } from '../../api/_notices/notify';
import { type Actors, loadActors } from '../support/actors';
import { type FakeWechat, startFakeWechat } from '../support/fake-wechat';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';
import { TEMPLATE_KEYS, beijing, consentMany, deliveriesByUser, openidOf } from '../support/notify-rig';
import { REDIS_URL, serviceAvailable } from '../support/services';
import { startUpstashBridge, type UpstashBridge } from '../support/upstash-bridge';

const redisOk = await serviceAvailable('redis');

describe.skipIf(DB_UNAVAILABLE || !redisOk)('WeChat access token: once for all instances', () => {
  // A unique app id keeps this run's token keys apart from other runs sharing the redis-server.
  const appId = `wxtok${randomBytes(6).toString('hex')}`;
  const secret = 'token-test-secret';
  let fake: FakeWechat;
  let bridge: UpstashBridge;
  let one: TestApp;
  let two: TestApp;
  let a: Actors;
  let b: Actors;

  const app = (redis?: UpstashBridge) =>
    createTestApp({
      wechatBase: fake.baseUrl,
      redis: redis && { url: redis.url, token: redis.token },
      env: { WECHAT_APP_ID: appId, WECHAT_APP_SECRET: secret, WECHAT_TIMEOUT_MS: '1500' },
    });
  const queue = (t: TestApp, actors: Actors, userId: string, objectId: string) =>
    t.db.transaction((tx) =>
      notify(tx, {
        kind: 'notice_published',
        villageId: actors.village.id,
        audience: { type: 'users', userIds: [userId] },
        title: '通知',
        summary: '通知',
        objectType: 'notice',
        objectId,
        page: `/pages/home/index?n=${objectId}`,
        fields: { title: '通知' },
      }),
    );

  beforeAll(async () => {
    fake = await startFakeWechat({ appId, secret, subscribeTemplates: TEMPLATE_KEYS });
    bridge = await startUpstashBridge({ redisUrl: REDIS_URL });
    [one, two] = await Promise.all([app(bridge), app(bridge)]);
    [a, b] = await Promise.all([loadActors(one.db), loadActors(two.db)]);
    await consentMany({ t: one, fake, close: async () => {} }, [a.villager], 'notice_published');
    await consentMany({ t: two, fake, close: async () => {} }, [b.villager], 'notice_published');
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await bridge?.close();
    await fake?.close();
    const r = new Redis(REDIS_URL);
    await r.del(`cache:wechat:token:${appId}`, `lock:wechat-token:${appId}`);
    r.disconnect();
  });

  it('two instances asking at once: one fetch, one token, reused by every send', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).deps.wechat.accessToken()),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(fake.state.tokenFetches).toBe(1);
    expect(fake.state.requestsTo('stable_token')).toHaveLength(1);
    expect(fake.state.requestsTo('stable_token')[0]!.json).toMatchObject({
      grant_type: 'client_credential',
      appid: appId,
      secret,
      force_refresh: false,
    });

    await queue(one, a, a.villager, 'n1');
    await queue(two, b, b.villager, 'n2');
    expect(await drainOutbox(one.deps, { now: beijing(10) })).toMatchObject({ sent: 1 });
    expect(await drainOutbox(two.deps, { now: beijing(10) })).toMatchObject({ sent: 1 });
    expect(fake.state.tokenFetches).toBe(1);
    const sends = fake.state.requestsTo('subscribe_send');
    expect(sends.every((s) => s.query.access_token === tokens[0])).toBe(true);
  });

  it('40001 on a send: refreshed once (forced only because WeChat kept the same token), resent once; the other instance picks the new token from Redis', async () => {
    const before = fake.state.tokenFetches;
    fake.state.failNext('subscribe_send', 40001);
    await queue(one, a, a.villager, 'n3');
    expect(await drainOutbox(one.deps, { now: beijing(11) })).toMatchObject({ sent: 1, retried: 0 });
    const fetches = fake.state.requestsTo('stable_token').slice(-2);
    expect(fetches.map((r) => (r.json as { force_refresh: boolean }).force_refresh)).toEqual([false, true]);
    expect(fake.state.tokenFetches).toBe(before + 2);

    // Instance two still holds the old token, which the forced refresh ended (42001): it reads
    // the new one from Redis instead of fetching.
    await queue(two, b, b.villager, 'n4');
    expect(await drainOutbox(two.deps, { now: beijing(11) })).toMatchObject({ sent: 1 });
    expect(fake.state.tokenFetches).toBe(before + 2);
    const last = fake.state.requestsTo('subscribe_send').slice(-2);
    expect(last.map((r) => (r.response as { errcode: number }).errcode)).toEqual([42001, 0]);
    expect(deliveriesByUser(fake, '/pages/home/index?n=n3').get(await openidOf(one, a.villager))).toBe(1);
    expect(deliveriesByUser(fake, '/pages/home/index?n=n4').get(await openidOf(two, b.villager))).toBe(1);
  });

  it('an expired token (42001) is replaced with one normal fetch', async () => {
    const before = fake.state.tokenFetches;
    fake.state.expireTokens();
    await queue(one, a, a.villager, 'n5');
    await queue(two, b, b.villager, 'n6');
    const [c1, c2] = await Promise.all([
      drainOutbox(one.deps, { now: beijing(12) }),
      drainOutbox(two.deps, { now: beijing(12) }),
    ]);
    expect(c1.sent + c2.sent).toBe(2);
    expect(fake.state.tokenFetches).toBe(before + 1);
    expect(fake.state.requestsTo('stable_token').at(-1)!.json).toMatchObject({ force_refresh: false });
  });

  it('without Redis: each instance fetches once for itself and reuses it', async () => {
    const alone = await app(undefined);
    try {
      const before = fake.state.tokenFetches;
      const t1 = await alone.deps.wechat.accessToken();
      const t2 = await alone.deps.wechat.accessToken();
      expect(t1).toBe(t2);
      expect(fake.state.tokenFetches).toBe(before + 1);
    } finally {
      await alone.close();
    }
  });
});

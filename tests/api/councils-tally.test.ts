/**
 * The live tally: in Redis while the vote is open (real redis-server through the Upstash bridge),
 * counted on each cast; with Redis killed the ballots still go in and the tally comes from the
 * database; the published result is always recomputed from the database.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { votes } from '../../api/_db/schema';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';
import { startRedisServer } from '../support/redis-server';
import { serviceAvailable } from '../support/services';
import { startUpstashBridge } from '../support/upstash-bridge';

const redisOk = await serviceAvailable('redis');
const CRON = 'cron-secret-for-councils-tests-0123';

describe.skipIf(DB_UNAVAILABLE || !redisOk)('councils: live tally in Redis', () => {
  let t: TestApp;
  let a: Actors;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let bridge: Awaited<ReturnType<typeof startUpstashBridge>>;
  let base: string;
  let voteId: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    bridge = await startUpstashBridge({ redisUrl: redis.url });
    t = await createTestApp({ redis: { url: bridge.url, token: bridge.token }, env: { CRON_SECRET: CRON } });
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}`;
    const cadre = await t.loginAs(a.cadre);
    const m = await t.request('POST', `${base}/meetings`, {
      token: cadre,
      body: { type: 'villagers_assembly', title: '测试', heldAt: new Date().toISOString() },
    });
    const v = await t.request('POST', `${base}/votes`, {
      token: cadre,
      body: {
        meetingId: m.body.id,
        question: '是否同意？',
        kind: 'yes_no',
        ballotMode: 'secret',
        opensAt: new Date(Date.now() - 1000).toISOString(),
        closesAt: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    voteId = v.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await bridge?.close();
    await redis?.stop();
  });

  const cast = async (userId: string, option: string) =>
    t.request('POST', `${base}/votes/${voteId}/ballots`, {
      token: await t.loginAs(userId),
      body: { option },
    });
  const tally = async () =>
    (await t.request('GET', `${base}/votes/${voteId}`, { token: await t.loginAs(a.villager) })).body.tally;

  it('counts in Redis while open', async () => {
    expect(await tally()).toEqual({
      counts: { yes: 0, no: 0, abstain: 0 },
      participants: 0,
      source: 'redis',
    });
    expect((await cast(a.villager, 'yes')).status).toBe(201);
    expect((await cast(a.representative, 'no')).status).toBe(201);
    // A retry does not count again.
    expect((await cast(a.villager, 'yes')).status).toBe(200);
    expect(await tally()).toEqual({
      counts: { yes: 1, no: 1, abstain: 0 },
      participants: 2,
      source: 'redis',
    });
  });

  it('with Redis down, ballots still go in and the tally comes from the database', async () => {
    await redis.stop();
    expect((await cast(a.party_member, 'yes')).status).toBe(201);
    const live = await tally();
    expect(live.source).toBe('database');
    expect(live.counts).toEqual({ yes: 2, no: 1, abstain: 0 });
  });

  it('the published result is recomputed from the database', async () => {
    const [row] = await t.db.select().from(votes).where(eq(votes.id, voteId));
    const res = await t.request(
      'POST',
      `/api/cron/councils?now=${encodeURIComponent(new Date(row!.closesAt.getTime() + 1000).toISOString())}`,
      {
        headers: { authorization: `Bearer ${CRON}` },
      },
    );
    expect(res.body.closed).toBe(1);
    const view = await t.request('GET', `${base}/votes/${voteId}`, { token: await t.loginAs(a.villager) });
    expect(view.body.result.counts).toEqual({ yes: 2, no: 1, abstain: 0 });
    expect(view.body.tally).toBeNull();
  });
});

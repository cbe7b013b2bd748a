/**
 * The board cache through a real Redis (Upstash bridge): entries live under keys stamped with the
 * chain head, so a publish that skipped invalidation (another instance, a Redis blip) can never
 * leave a superseded board current; with Redis gone the board is built from the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardKey } from '../../api/_disclosures/board';
import { reviewDraft } from '../../api/_disclosures/drafts';
import { type Actors, loadActors } from '../support/actors';
import { disclosureApi, ledgerFor } from '../support/disclosures';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';
import { startRedisServer } from '../support/redis-server';
import { serviceAvailable } from '../support/services';
import { startUpstashBridge } from '../support/upstash-bridge';

const redisOk = await serviceAvailable('redis');

describe.skipIf(DB_UNAVAILABLE || !redisOk)('board cache in Redis', () => {
  let t: TestApp;
  let a: Actors;
  let api: ReturnType<typeof disclosureApi>;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let bridge: Awaited<ReturnType<typeof startUpstashBridge>>;

  beforeAll(async () => {
    redis = await startRedisServer();
    bridge = await startUpstashBridge({ redisUrl: redis.url });
    t = await createTestApp({ redis: { url: bridge.url, token: bridge.token } });
    a = await loadActors(t.db);
    api = disclosureApi(t, a.village.id);
  });
  afterAll(async () => {
    await t?.close();
    await bridge?.close();
    await redis?.stop();
  });

  const publishElsewhere = async (period: string, opening: number) => {
    const cadre = await t.loginAs(a.cadre);
    const c = await api.create(cadre, {
      kind: 'finance',
      period,
      title: `${period} 财务公开`,
      ledger: ledgerFor(period, opening),
    });
    await api.submit(cadre, c.body.disclosureId);
    const out = await reviewDraft(t.deps, {
      viewer: { userId: a.supervisor, villageId: a.village.id, roles: new Set(['supervisor']) },
      requestId: `test-${period}`,
      disclosureId: c.body.disclosureId,
      input: { decision: 'approve', comment: '' },
    });
    expect(out.ok).toBe(true);
    return c.body.disclosureId as string;
  };

  it('caches under the head stamp and never serves a superseded head', async () => {
    const first = await api.board();
    const seq = first.body.head.seq as number;
    const stored = await t.deps.redis.cacheGet<{ value: { head: { seq: number } } }>(
      boardKey(a.village.id, seq),
    );
    expect(stored?.value.head.seq).toBe(seq);
    const id = await publishElsewhere('2025-06', 0);
    // The old entry is still in Redis (nobody invalidated it), and it is never read again.
    expect(await t.deps.redis.cacheGet(boardKey(a.village.id, seq))).toBeDefined();
    const after = await api.board();
    expect(after.body.head.seq).toBe(seq + 1);
    expect(after.body.items[0].id).toBe(id);
    expect(
      (await t.deps.redis.cacheGet<{ value: { head: { seq: number } } }>(boardKey(a.village.id, seq + 1)))
        ?.value.head.seq,
    ).toBe(seq + 1);
  });

  it('with Redis down the board still answers from the database, current', async () => {
    await redis.stop();
    const id = await publishElsewhere('2025-07', 30_000);
    const board = await api.board();
    expect(board.status).toBe(200);
    expect(board.body.items[0].id).toBe(id);
  });
});

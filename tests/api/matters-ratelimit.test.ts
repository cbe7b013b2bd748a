/**
 * Raising matters is rate limited from the registry: per user (matters:raise) and per village
 * (matters:raise-village). Refusals are 429 with Retry-After and write nothing; a retry with the
 * same idempotency key is answered from the record, also once the limit is used up; people outside
 * the village cannot spend its tokens.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matters } from '../../api/_db/schema';
import { RATELIMIT_POLICIES } from '../../api/_redis';
import { type Actors, loadActors, plainVillagerInGridOf } from '../support/actors';
import { DB_UNAVAILABLE, TEST_DB, type TestApp, createTestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)(`matters: raise rate limits (${TEST_DB})`, () => {
  let t: TestApp;
  let a: Actors;
  let author: string;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    author = await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker);
  });
  afterAll(() => t?.close());

  const raise = async (userId: string, text: string, key = crypto.randomUUID(), villageId = a.village.id) =>
    t.request('POST', `/api/villages/${villageId}/matters`, {
      token: await t.loginAs(userId),
      headers: { 'idempotency-key': key },
      body: { kind: 'complaint', category: 'roads', text },
    });
  const count = async (text: string) =>
    (await t.db.select().from(matters).where(eq(matters.text, text))).length;

  it('per user: the 21st matter within the hour is refused with Retry-After; a replay is still answered', async () => {
    const limit = RATELIMIT_POLICIES['matters:raise'].limit;
    expect(limit).toBe(20);
    const key = crypto.randomUUID();
    const first = await raise(author, '限流第1件', key);
    expect(first.status).toBe(201);
    for (let i = 2; i <= limit; i++) expect((await raise(author, `限流第${i}件`)).status).toBe(201);
    const over = await raise(author, '限流多出的一件');
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterS: expect.any(Number) },
    });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await count('限流多出的一件')).toBe(0);
    // The same request retried (same key) is answered from its record, not refused.
    const replay = await raise(author, '限流第1件', key);
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    // Another villager is not affected.
    expect((await raise(a.representative, '别人的事')).status).toBe(201);
  });

  it('per village: once the village’s hour is used up, nobody there can raise; other villages can', async () => {
    const { limit } = RATELIMIT_POLICIES['matters:raise-village'];
    // Outsiders are refused as not found and spend none of the village's tokens.
    for (let i = 0; i < 3; i++) expect((await raise(a.outsider, '外村人')).status).toBe(404);
    // Spend the rest of the village's budget directly (as ~200 members would).
    let used = 0;
    while ((await t.deps.redis.rateLimit('matters:raise-village', a.village.id)).success) used++;
    expect(used).toBeLessThan(limit);
    expect(used).toBeGreaterThan(limit - 30);
    const res = await raise(a.party_member, '村里今天反映太多了');
    expect(res.status).toBe(429);
    expect(await count('村里今天反映太多了')).toBe(0);
    // Another village is unaffected.
    const otherVillager = await t.db.query.memberships.findFirst({
      where: (m, { and, eq }) => and(eq(m.villageId, a.other.id), eq(m.role, 'villager')),
    });
    expect((await raise(otherVillager!.userId, '杨柳村的事', undefined, a.other.id)).status).toBe(201);
  });
});

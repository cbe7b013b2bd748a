/**
 * GET /api/matters/town-villages: a town officer's villages with the matters waiting at the town
 * (open and overdue counts); everyone else is refused.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matters, villages } from '../../api/_db/schema';
import { ALL_ACTOR_KEYS } from '../support/actors';
import { loadActors, plainVillagerInGridOf, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('town villages for town officers', () => {
  let t: TestApp;
  let a: Actors;
  const path = '/api/matters/town-villages';

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
  });
  afterAll(() => t.close());

  it('lists the villages of the officer’s town with open and overdue matters held by the town', async () => {
    const author = await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker);
    const raise = async () =>
      (
        await t.request('POST', `/api/villages/${a.village.id}/matters`, {
          token: await t.loginAs(author),
          body: { kind: 'complaint', category: 'roads', text: '桥面裂了' },
        })
      ).body.id as string;
    const late = await raise();
    const onTime = await raise();
    await raise(); // stays with the grid: not counted
    await t.db
      .update(matters)
      .set({ level: 'town', dueAt: new Date(Date.now() - 3_600_000) })
      .where(eq(matters.id, late));
    await t.db
      .update(matters)
      .set({ level: 'town', dueAt: new Date(Date.now() + 3_600_000) })
      .where(eq(matters.id, onTime));

    const res = await t.request('GET', path, { token: await t.loginAs(a.town_officer) });
    expect(res.status).toBe(200);
    const items = res.body.items as {
      villageId: string;
      villageName: string;
      open: number;
      overdue: number;
    }[];
    const sameTown = await t.db.select().from(villages).where(eq(villages.townId, a.village.townId));
    expect(items.map((i) => i.villageId).sort()).toEqual(sameTown.map((v) => v.id).sort());
    expect(items.find((i) => i.villageId === a.village.id)).toMatchObject({
      villageName: a.village.name,
      open: 2,
      overdue: 1,
    });
    // Another town's village is not listed.
    expect(items.some((i) => i.villageId === a.other.id && a.other.townId !== a.village.townId)).toBe(false);
  });

  it('refuses everyone who is not a town officer, and anonymous callers', async () => {
    for (const key of ALL_ACTOR_KEYS) {
      if (key === 'town_officer') continue;
      const res = await t.request('GET', path, { token: await t.loginAs(a[key]) });
      expect({ key, status: res.status, code: res.body.error?.code }).toEqual({
        key,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    expect((await t.request('GET', path)).status).toBe(401);
  });
});

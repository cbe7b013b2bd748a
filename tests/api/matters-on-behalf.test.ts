/**
 * 代办 support: GET /api/villages/{villageId}/grid-villagers lists the villagers of the caller's grid
 * (grid workers only; every other role refused, another village not found), and a grid worker can
 * raise for one of them with consent recorded.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grids, matters } from '../../api/_db/schema';
import { expectRefusedForAllBut } from '../support/access';
import { loadActors, plainVillagerInGridOf, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('grid villagers for 代办', () => {
  let t: TestApp;
  let a: Actors;
  let path: string;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    path = `/api/villages/${a.village.id}/grid-villagers`;
  });
  afterAll(() => t.close());

  it('lists only the villagers of the grid worker’s own grid, phones masked', async () => {
    const res = await t.request('GET', path, { token: await t.loginAs(a.grid_worker) });
    expect(res.status).toBe(200);
    const items = res.body.items as { userId: string; gridName: string; phoneMasked: string | null }[];
    expect(items.length).toBeGreaterThan(0);
    const [grid] = await t.db.select().from(grids).where(eq(grids.workerUserId, a.grid_worker));
    expect(new Set(items.map((i) => i.gridName))).toEqual(new Set([grid!.name]));
    for (const i of items) if (i.phoneMasked) expect(i.phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/);
    const plain = await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker);
    expect(items.map((i) => i.userId)).toContain(plain);
    // Unique people (a resident row per household membership, one line each).
    expect(new Set(items.map((i) => i.userId)).size).toBe(items.length);
  });

  it('a listed villager can be raised for, with the consent kept on the matter', async () => {
    const res = await t.request('GET', path, { token: await t.loginAs(a.grid_worker) });
    const villagerId = (res.body.items as { userId: string }[])[0]!.userId;
    const raised = await t.request('POST', `/api/villages/${a.village.id}/matters`, {
      token: await t.loginAs(a.grid_worker),
      body: {
        kind: 'errand',
        category: 'social_assistance',
        text: '帮老人问一下低保的事',
        onBehalfOf: { villagerId, consent: { method: 'in_person', at: new Date().toISOString() } },
      },
    });
    expect(raised.status).toBe(201);
    const [m] = await t.db.select().from(matters).where(eq(matters.id, raised.body.id));
    expect(m!.authorUserId).toBe(villagerId);
    expect(m!.onBehalfBy).toBe(a.grid_worker);
    expect(m!.consent).toMatchObject({ method: 'in_person' });
  });

  it('refuses every other role (FORBIDDEN) and everyone outside the village (NOT_FOUND)', async () => {
    await expectRefusedForAllBut(t, a, ['grid_worker'], (token) => t.request('GET', path, { token }));
  });

  it('a malformed village id is a validation error, not a crash', async () => {
    const res = await t.request('GET', '/api/villages/not-a-uuid/grid-villagers', {
      token: await t.loginAs(a.grid_worker),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

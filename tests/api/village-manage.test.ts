/** Households, grids, members and roles, audit log: who may read, who may change, and the audit trail. */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../api/_db/schema';
import { expectRefusedForAllBut } from '../support/access';
import { loadActors, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('village management', () => {
  let t: TestApp;
  let a: Actors;
  let cadre: string;
  let v: string;
  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    cadre = await t.loginAs(a.cadre);
    v = `/api/villages/${a.village.id}`;
  });
  afterAll(() => t.close());

  it('lists households with grid, head and member count; a grid worker sees only their grid', async () => {
    const all = await t.request('GET', `${v}/households`, { token: cadre });
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(80);
    expect(all.body.items[0]).toMatchObject({ number: 'DP001', gridName: '第一网格' });
    expect(all.body.items[0].memberCount).toBeGreaterThan(0);
    const gw = await t.request('GET', `${v}/households`, { token: await t.loginAs(a.grid_worker) });
    expect(gw.status).toBe(200);
    expect(gw.body.items.length).toBe(20);
    expect(new Set(gw.body.items.map((h: { gridId: string }) => h.gridId)).size).toBe(1);
    await expectRefusedForAllBut(t, a, ['cadre', 'supervisor', 'grid_worker'], (tk) =>
      t.request('GET', `${v}/households`, { token: tk }),
    );
  });

  it('creates and edits households; duplicates and foreign grids are refused', async () => {
    const created = await t.request('POST', `${v}/households`, {
      token: cadre,
      body: { number: 'NEW01', address: '新村1号' },
    });
    expect(created.status).toBe(201);
    const dup = await t.request('POST', `${v}/households`, { token: cadre, body: { number: 'NEW01' } });
    expect(dup.status).toBe(409);
    const otherGrids = await t.request('GET', `/api/villages/${a.other.id}/grids`, {
      token: await t.loginAs(a.outsider),
    });
    const foreignGrid = otherGrids.body.items[0].id;
    const moved = await t.request('PATCH', `${v}/households/${created.body.id}`, {
      token: cadre,
      body: { gridId: foreignGrid },
    });
    expect(moved.status).toBe(404);
    await expectRefusedForAllBut(t, a, ['cadre'], (tk) =>
      t.request('POST', `${v}/households`, { token: tk, body: { number: 'X9' } }),
    );
    await expectRefusedForAllBut(t, a, ['cadre'], (tk) =>
      t.request('PATCH', `${v}/households/${created.body.id}`, { token: tk, body: { address: '改' } }),
    );
  });

  it('another village’s household is not found even for a cadre', async () => {
    const otherHh = await t.request('GET', `/api/villages/${a.other.id}/households`, {
      token: await t.loginAs(a.outsider),
    });
    const res = await t.request('PATCH', `${v}/households/${otherHh.body.items[0].id}`, {
      token: cadre,
      body: { address: '偷改' },
    });
    expect(res.status).toBe(404);
  });

  it('grids: create, assign a worker (who gains the grid_worker role), refuse non-members', async () => {
    const g = await t.request('POST', `${v}/grids`, { token: cadre, body: { name: '新网格' } });
    expect(g.status).toBe(201);
    expect((await t.request('POST', `${v}/grids`, { token: cadre, body: { name: '新网格' } })).status).toBe(
      409,
    );
    await expectRefusedForAllBut(t, a, ['cadre', 'supervisor', 'grid_worker'], (tk) =>
      t.request('GET', `${v}/grids`, { token: tk }),
    );
    await expectRefusedForAllBut(t, a, ['cadre'], (tk) =>
      t.request('POST', `${v}/grids`, { token: tk, body: { name: 'x' } }),
    );
    await expectRefusedForAllBut(t, a, ['cadre'], (tk) =>
      t.request('PATCH', `${v}/grids/${g.body.id}`, { token: tk, body: { name: 'y' } }),
    );
    const assign = await t.request('PATCH', `${v}/grids/${g.body.id}`, {
      token: cadre,
      body: { workerUserId: a.villager },
    });
    expect(assign.status).toBe(200);
    const me = await t.request('GET', '/api/me', { token: await t.loginAs(a.villager) });
    expect(me.body.memberships).toEqual(
      expect.arrayContaining([expect.objectContaining({ role: 'grid_worker', gridName: '新网格' })]),
    );
    const stranger = await t.request('PATCH', `${v}/grids/${g.body.id}`, {
      token: cadre,
      body: { workerUserId: a.outsider },
    });
    expect(stranger.status).toBe(404);
    const list = await t.request('GET', `${v}/grids`, { token: cadre });
    expect(list.body.items.find((x: { id: string }) => x.id === g.body.id)).toMatchObject({
      workerUserId: a.villager,
    });
    // Hand the grid back so the actor called "villager" is a plain villager again for later tests.
    expect(
      (await t.request('DELETE', `${v}/members/${a.villager}/roles/grid_worker`, { token: cadre })).status,
    ).toBe(200);
  });

  it('members and roles: assign and remove, with the masks and guards', async () => {
    const list = await t.request('GET', `${v}/members`, { token: cadre });
    expect(list.status).toBe(200);
    const someone = list.body.items.find((m: { userId: string }) => m.userId === a.villager);
    expect(someone.phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/);
    const give = await t.request('POST', `${v}/members/${a.villager}/roles`, {
      token: cadre,
      body: { role: 'representative' },
    });
    expect(give.status).toBe(200);
    const take = await t.request('DELETE', `${v}/members/${a.villager}/roles/representative`, {
      token: cadre,
    });
    expect(take.status).toBe(200);
    expect(
      (await t.request('DELETE', `${v}/members/${a.villager}/roles/representative`, { token: cadre })).status,
    ).toBe(404);
    const self = await t.request('DELETE', `${v}/members/${a.cadre}/roles/cadre`, { token: cadre });
    expect(self.status).toBe(409);
    const outsider = await t.request('POST', `${v}/members/${a.outsider}/roles`, {
      token: cadre,
      body: { role: 'cadre' },
    });
    expect(outsider.status).toBe(404);
    const noTown = await t.request('POST', `${v}/members/${a.villager}/roles`, {
      token: cadre,
      body: { role: 'town_officer' },
    });
    expect(noTown.status).toBe(400);
    await expectRefusedForAllBut(t, a, ['cadre', 'supervisor'], (tk) =>
      t.request('GET', `${v}/members`, { token: tk }),
    );
    await expectRefusedForAllBut(t, a, ['cadre'], (tk) =>
      t.request('POST', `${v}/members/${a.villager}/roles`, { token: tk, body: { role: 'cadre' } }),
    );
  });

  it('every write above is in the audit log, which nobody can rewrite', async () => {
    const res = await t.request('GET', `${v}/audit?limit=200`, { token: await t.loginAs(a.supervisor) });
    expect(res.status).toBe(200);
    const actions = new Set(res.body.items.map((i: { action: string }) => i.action));
    for (const act of [
      'household.create',
      'grid.create',
      'grid.update',
      'member.role.assign',
      'member.role.remove',
    ])
      expect(actions).toContain(act);
    expect(res.body.items[0].requestId).toBeTruthy();
    await expect(
      t.db.update(auditLog).set({ action: 'forged' }).where(eq(auditLog.villageId, a.village.id)),
    ).rejects.toThrow();
    await expect(t.db.delete(auditLog)).rejects.toThrow();
    await expect(t.db.execute(sql`truncate audit_log`)).rejects.toThrow();
    await expectRefusedForAllBut(t, a, ['cadre', 'supervisor'], (tk) =>
      t.request('GET', `${v}/audit`, { token: tk }),
    );
  });
});

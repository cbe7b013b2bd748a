/** /api/me and the idempotency contract every write follows. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinRequests } from '../../api/_db/schema';
import { loadActors, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('me', () => {
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
  });
  afterAll(() => t.close());

  it('returns the profile with masked phone, memberships and household-rep flag', async () => {
    const token = await t.loginAs(a.grid_worker);
    const res = await t.request('GET', '/api/me', { token });
    expect(res.status).toBe(200);
    expect(res.body.phoneMasked).toMatch(/^138\*{4}\d{4}$/);
    expect(JSON.stringify(res.body)).not.toMatch(/138\d{8}/);
    const gw = res.body.memberships.find((m: { role: string }) => m.role === 'grid_worker');
    expect(gw).toMatchObject({ villageName: '东坪村', gridName: expect.stringContaining('网格') });
  });

  it('remembers elder mode per user', async () => {
    const token = await t.loginAs(a.villager);
    const res = await t.request('PATCH', '/api/me', { token, body: { elderMode: true } });
    expect(res.status).toBe(200);
    expect(res.body.elderMode).toBe(true);
    expect((await t.request('GET', '/api/me', { token })).body.elderMode).toBe(true);
    expect((await t.request('GET', '/api/me', { token: await t.loginAs(a.cadre) })).body.elderMode).toBe(
      false,
    );
    expect((await t.request('PATCH', '/api/me', { token, body: {} })).status).toBe(400);
  });

  it('accepts POST with X-HTTP-Method-Override: PATCH (wx.request has no PATCH)', async () => {
    const token = await t.loginAs(a.representative);
    const res = await t.request('POST', '/api/me', {
      token,
      body: { elderMode: true },
      headers: { 'x-http-method-override': 'PATCH' },
    });
    expect(res.status).toBe(200);
    expect(res.body.elderMode).toBe(true);
  });

  it('a town officer sees their town membership', async () => {
    const res = await t.request('GET', '/api/me', { token: await t.loginAs(a.town_officer) });
    expect(res.body.memberships).toEqual([
      expect.objectContaining({ role: 'town_officer', townName: '石桥镇', villageId: null }),
    ]);
  });
});

describe.skipIf(DB_UNAVAILABLE)('idempotency keys', () => {
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
  });
  afterAll(() => t.close());

  it('a retried write with the same key is answered once and replayed', async () => {
    const token = await t.loginAs(a.newcomer);
    const key = crypto.randomUUID();
    const body = { inviteCode: 'XP2026', name: '重试人', phone: '13955556666' };
    const first = await t.request('POST', '/api/villages/join', {
      token,
      body,
      headers: { 'idempotency-key': key },
    });
    const second = await t.request('POST', '/api/villages/join', {
      token,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replay')).toBe('true');
    const rows = await t.db.select().from(joinRequests).where(eq(joinRequests.userId, a.newcomer));
    expect(rows).toHaveLength(1);
  });

  it('concurrent duplicates: one does the work, the other waits or replays — never twice', async () => {
    const token = await t.loginAs(a.cadre);
    const key = crypto.randomUUID();
    const path = `/api/villages/${a.village.id}/households`;
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.request('POST', path, { token, body: { number: 'IDEM1' }, headers: { 'idempotency-key': key } }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    for (const r of results) expect([201, 409]).toContain(r.status);
    const created = results.filter((r) => r.status === 201).map((r) => r.body.id);
    expect(new Set(created).size).toBe(1);
    for (const r of results.filter((x) => x.status === 409))
      expect(r.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
  });

  it('the same key with a different body is refused', async () => {
    const token = await t.loginAs(a.cadre);
    const key = crypto.randomUUID();
    const path = `/api/villages/${a.village.id}/grids`;
    expect(
      (
        await t.request('POST', path, {
          token,
          body: { name: '甲网格' },
          headers: { 'idempotency-key': key },
        })
      ).status,
    ).toBe(201);
    const res = await t.request('POST', path, {
      token,
      body: { name: '乙网格' },
      headers: { 'idempotency-key': key },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
  });

  it('a malformed key is a validation error', async () => {
    const token = await t.loginAs(a.cadre);
    const res = await t.request('PATCH', '/api/me', {
      token,
      body: { elderMode: true },
      headers: { 'idempotency-key': 'bad key!' },
    });
    expect(res.status).toBe(400);
  });

  it('keys are per user: the same key from two users are two requests', async () => {
    const key = crypto.randomUUID();
    const r1 = await t.request('PATCH', '/api/me', {
      token: await t.loginAs(a.villager),
      body: { displayName: '甲' },
      headers: { 'idempotency-key': key },
    });
    const r2 = await t.request('PATCH', '/api/me', {
      token: await t.loginAs(a.supervisor),
      body: { displayName: '甲' },
      headers: { 'idempotency-key': key },
    });
    expect(r1.body.id).not.toBe(r2.body.id);
  });
});

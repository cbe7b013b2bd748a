/**
 * The per-instance session copy: reads may reuse it for AUTH_CACHE_TTL_MS, writes always re-check
 * the database. Two app instances on one database stand for two serverless instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/_app/app';
import { loadActors, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('session copy per instance', () => {
  let t: TestApp;
  let a: Actors;
  let other: ReturnType<typeof createApp>;
  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    const deps = { ...t.deps, config: { ...t.deps.config, authCacheTtlMs: 300 } };
    other = createApp(async () => deps);
  });
  afterAll(() => t.close());

  const call = async (
    app: ReturnType<typeof createApp>,
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return res.status;
  };

  it('a logout is final at once for writes everywhere and for reads after the TTL', async () => {
    const token = (await t.request('POST', '/api/auth/dev', { body: { userId: a.villager } })).body.token;
    expect(await call(other, 'GET', '/api/me', token)).toBe(200);
    expect(await call(t.app, 'POST', '/api/auth/logout', token)).toBe(200);
    expect(await call(t.app, 'GET', '/api/me', token)).toBe(401); // the instance that logged out knows at once
    expect(await call(other, 'PATCH', '/api/me', token, { elderMode: true })).toBe(401); // writes re-check
    await new Promise((r) => setTimeout(r, 350));
    expect(await call(other, 'GET', '/api/me', token)).toBe(401);
  });

  it('a role given on this instance is seen by the next read here', async () => {
    const cadre = await t.loginAs(a.cadre);
    const villager = await t.loginAs(a.party_member);
    const before = await t.request('GET', '/api/me', { token: villager });
    expect(before.body.memberships.some((m: { role: string }) => m.role === 'representative')).toBe(false);
    const give = await t.request('POST', `/api/villages/${a.village.id}/members/${a.party_member}/roles`, {
      token: cadre,
      body: { role: 'representative' },
    });
    expect(give.status).toBe(200);
    const after = await t.request('GET', '/api/me', { token: villager });
    expect(after.body.memberships.some((m: { role: string }) => m.role === 'representative')).toBe(true);
  });
});

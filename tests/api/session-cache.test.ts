/**
 * The per-instance session copy: reads may reuse it for AUTH_CACHE_TTL_MS, writes always re-check
 * the database. Two app instances on one database stand for two serverless instances.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/_app/app';
import { signToken } from '../../api/_auth/tokens';
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
    expect(await call(other, 'GET', '/api/me', token)).toBe(401); // the profile is always read fresh
    await new Promise((r) => setTimeout(r, 350));
    expect(await call(other, 'GET', '/api/me/notify-settings', token)).toBe(401);
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

  it('a write that changes no profile leaves the other copies here; one that may change a profile clears them', async () => {
    const watcher = (await t.request('POST', '/api/auth/dev', { body: { userId: a.villager } })).body.token;
    expect(await call(t.app, 'GET', '/api/me/notify-settings', watcher)).toBe(200); // copied on this instance
    // Revoked behind this instance's back (as another instance's logout would).
    await t.db.execute(
      sql`update sessions set revoked_at = now() where user_id = ${a.villager} and revoked_at is null`,
    );
    // Someone else's notification settings (the notices module never changes a profile).
    const other = await t.loginAs(a.party_member);
    const put = await t.request('PUT', '/api/me/notify-settings', {
      token: other,
      body: { quietHours: false },
    });
    expect(put.status).toBe(200);
    expect(await call(t.app, 'GET', '/api/me/notify-settings', watcher)).toBe(200); // the copy, within the TTL
    // A profile change (elder mode, through the me module) clears every copy on this instance.
    expect(await call(t.app, 'PATCH', '/api/me', other, { elderMode: true })).toBe(200);
    expect(await call(t.app, 'GET', '/api/me/notify-settings', watcher)).toBe(401);
  });

  it('sessions checked together in one lookup are each answered for themselves', async () => {
    const login = async (userId: string) =>
      (await t.request('POST', '/api/auth/dev', { body: { userId } })).body.token as string;
    const [one, two, revoked] = [await login(a.villager), await login(a.party_member), await login(a.cadre)];
    await t.request('POST', '/api/auth/logout', { token: revoked });
    // A token for one person naming another person's live session (as if the secret had leaked).
    const { sid } = JSON.parse(Buffer.from(two.split('.')[1]!, 'base64url').toString());
    const crossed = await signToken(
      t.deps.config.sessionSecret,
      a.villager,
      sid,
      new Date(Date.now() + 3_600_000),
    );
    const notUuid = await signToken(
      t.deps.config.sessionSecret,
      a.villager,
      'x',
      new Date(Date.now() + 3_600_000),
    );
    // Writes (never from a copy), all at once: each gets its own answer.
    const statuses = await Promise.all(
      [one, two, revoked, crossed, notUuid, one].map((tk) =>
        call(t.app, 'PUT', '/api/me/notify-settings', tk, { quietHours: true }),
      ),
    );
    expect(statuses).toEqual([200, 200, 401, 401, 401, 200]);
  });
});

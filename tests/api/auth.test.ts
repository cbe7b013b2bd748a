/** Login: WeChat code2Session against the fake WeChat server, dev login, logout. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberships, sessions } from '../../api/_db/schema';
import { loadActors, type Actors } from '../support/actors';
import { startFakeWechat } from '../support/fake-wechat';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('auth', () => {
  let t: TestApp;
  let a: Actors;
  let wx: Awaited<ReturnType<typeof startFakeWechat>>;
  const seenBodies: string[] = [];

  beforeAll(async () => {
    wx = await startFakeWechat({ appId: 'wx-test-app', secret: 'test-secret' });
    t = await createTestApp({ wechatBase: wx.baseUrl });
    a = await loadActors(t.db);
  });
  afterAll(async () => {
    await t.close();
    await wx.close();
  });

  const login = async (code: string) => {
    const res = await t.request('POST', '/api/auth/wechat', {
      body: { code },
      headers: { 'x-forwarded-for': `10.0.0.${Math.floor(Math.random() * 250)}` },
    });
    seenBodies.push(JSON.stringify(res.body) + JSON.stringify([...res.headers]));
    return res;
  };

  it('exchanges a code for our own token; a new user has no village yet', async () => {
    const code = wx.state.issueCode('openid-new-1', { unionid: 'union-1' });
    const res = await login(code);
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(res.body.user).toMatchObject({ displayName: '微信用户', memberships: [], elderMode: false });
    const req = wx.state.requests.find((r) => r.path === '/sns/jscode2session');
    expect(req?.query).toMatchObject({
      appid: 'wx-test-app',
      secret: 'test-secret',
      js_code: code,
      grant_type: 'authorization_code',
    });
    const me = await t.request('GET', '/api/me', { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(res.body.user.id);
  });

  it('the same WeChat user logging in again is the same user', async () => {
    const first = await login(wx.state.issueCode('openid-same'));
    const second = await login(wx.state.issueCode('openid-same'));
    expect(second.body.user.id).toBe(first.body.user.id);
    expect(second.body.token).not.toBe(first.body.token);
  });

  it('an invalid or used code → WECHAT_CODE_INVALID (40029)', async () => {
    const bad = await login('never-issued');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('WECHAT_CODE_INVALID');
    const code = wx.state.issueCode('openid-once');
    expect((await login(code)).status).toBe(200);
    expect((await login(code)).body.error.code).toBe('WECHAT_CODE_INVALID');
  });

  it('WeChat rate limit (45011) → WECHAT_UNAVAILABLE 503', async () => {
    wx.state.failNext('jscode2session', 45011);
    const res = await login(wx.state.issueCode('openid-busy'));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('WECHAT_UNAVAILABLE');
  });

  it('an empty or missing code is a validation error', async () => {
    expect((await login('')).body.error.code).toBe('VALIDATION_FAILED');
    const res = await t.request('POST', '/api/auth/wechat', { body: {} });
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('session_key never leaves the server', async () => {
    const issued = wx.state.sessionKeys;
    expect(issued.length).toBeGreaterThan(0);
    for (const body of seenBodies) for (const key of issued) expect(body).not.toContain(key);
    for (const line of t.logLines) for (const key of issued) expect(line).not.toContain(key);
  });

  it('a write is checked against the live session and the roles as they are now, not the read cache', async () => {
    const res = await login(wx.state.issueCode('openid-live-check'));
    const { token } = res.body;
    const userId = res.body.user?.id ?? (await t.request('GET', '/api/me', { token })).body.id;
    await t.db.insert(memberships).values({ userId, role: 'villager', villageId: a.village.id });
    const raise = () =>
      t.request('POST', `/api/villages/${a.village.id}/matters`, {
        token,
        body: { kind: 'suggestion', category: 'roads', text: '路边可以种些树' },
      });
    expect((await t.request('GET', '/api/me', { token })).body.memberships).toHaveLength(1);
    expect((await raise()).status).toBe(201);
    // The membership removed (by another instance, say): the next write is refused at once.
    await t.db.delete(memberships).where(eq(memberships.userId, userId));
    expect((await raise()).status).toBe(404);
    // The session revoked elsewhere: writes are refused at once.
    await t.db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.userId, userId));
    const write = await t.request('PATCH', '/api/me', { token, body: { elderMode: true } });
    expect(write.status).toBe(401);
    expect(write.body.error.code).toBe('TOKEN_INVALID');
  });

  it('logout revokes the token', async () => {
    const token = (await login(wx.state.issueCode('openid-logout'))).body.token;
    expect((await t.request('POST', '/api/auth/logout', { token })).status).toBe(200);
    const after = await t.request('GET', '/api/me', { token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('TOKEN_INVALID');
  });

  it('dev login lists showcase users covering every role and logs in as one', async () => {
    const list = await t.request('GET', '/api/auth/dev-users');
    expect(list.status).toBe(200);
    const roles = new Set(
      list.body.users.flatMap((u: { roles: { role: string }[] }) => u.roles.map((r) => r.role)),
    );
    for (const r of [
      'villager',
      'representative',
      'party_member',
      'grid_worker',
      'cadre',
      'supervisor',
      'town_officer',
      'county_officer',
    ]) {
      expect(roles).toContain(r);
    }
    const res = await t.request('POST', '/api/auth/dev', { body: { userId: a.cadre } });
    expect(res.status).toBe(200);
    expect(res.body.user.memberships.some((m: { role: string }) => m.role === 'cadre')).toBe(true);
  });

  it('dev login cannot pick a real (non-demo) user', async () => {
    const real = (await login(wx.state.issueCode('openid-real'))).body.user.id;
    const res = await t.request('POST', '/api/auth/dev', { body: { userId: real } });
    expect(res.status).toBe(404);
  });
});

describe.skipIf(DB_UNAVAILABLE)('dev login is off unless enabled, and always off in production', () => {
  it('is refused when not enabled', async () => {
    const t = await createTestApp({ env: { DEV_LOGIN: '0' } });
    try {
      const a = await loadActors(t.db);
      expect((await t.request('GET', '/api/auth/dev-users')).body.error.code).toBe('DEV_LOGIN_DISABLED');
      const res = await t.request('POST', '/api/auth/dev', { body: { userId: a.cadre } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('DEV_LOGIN_DISABLED');
    } finally {
      await t.close();
    }
  });

  it('is refused with NODE_ENV=production even when DEV_LOGIN=1', async () => {
    const t = await createTestApp({
      env: { NODE_ENV: 'production', DEV_LOGIN: '1', SESSION_SECRET: 'p'.repeat(40) },
    });
    try {
      const a = await loadActors(t.db);
      expect(t.deps.config.devLogin).toBe(false);
      const res = await t.request('POST', '/api/auth/dev', { body: { userId: a.cadre } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('DEV_LOGIN_DISABLED');
    } finally {
      await t.close();
    }
  });
});

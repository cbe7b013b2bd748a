/**
 * Tests of the fake WeChat server itself: that it answers in WeChat's real shapes and errcodes,
 * so tests of our API that use it mean something.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeWechat, fakeOpenid, startFakeWechat } from '../support/fake-wechat';

let wx: FakeWechat;

beforeEach(async () => {
  wx = await startFakeWechat();
});
afterEach(async () => {
  await wx.close();
});

function code2SessionUrl(code: string, over: Record<string, string | undefined> = {}): string {
  const q: Record<string, string | undefined> = {
    appid: wx.state.appId,
    secret: wx.state.secret,
    js_code: code,
    grant_type: 'authorization_code',
    ...over,
  };
  const u = new URL('/sns/jscode2session', wx.baseUrl);
  for (const [k, v] of Object.entries(q)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

async function get(url: string) {
  const res = await fetch(url);
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.json() };
}

async function stableToken(body: unknown) {
  const res = await fetch(`${wx.baseUrl}/cgi-bin/stable_token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('jscode2session', () => {
  it('exchanges an issued code for openid and session_key, as text/plain JSON', async () => {
    const openid = fakeOpenid();
    const code = wx.state.issueCode(openid);
    const r = await get(code2SessionUrl(code));
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/^text\/plain/);
    expect(r.body).toEqual({ openid, session_key: wx.state.sessionKeys[0] });
    expect(r.body).not.toHaveProperty('errcode');
    expect(r.body).not.toHaveProperty('unionid');
  });

  it('returns unionid when the user has one', async () => {
    const code = wx.state.issueCode('o_with_union', { unionid: 'u_123' });
    const r = await get(code2SessionUrl(code));
    expect(r.body).toMatchObject({ openid: 'o_with_union', unionid: 'u_123' });
  });

  it('uses a code once: 40029 for an unknown code, 40163 on reuse, both HTTP 200', async () => {
    const unknown = await get(code2SessionUrl('never-issued'));
    expect(unknown.status).toBe(200);
    expect(unknown.body.errcode).toBe(40029);
    expect(unknown.body.errmsg).toMatch(/^invalid code, rid: [0-9a-f-]+$/);

    const code = wx.state.issueCode('o_once');
    expect((await get(code2SessionUrl(code))).body.openid).toBe('o_once');
    const again = await get(code2SessionUrl(code));
    expect(again.body).toMatchObject({ errcode: 40163 });
    expect(again.body).not.toHaveProperty('openid');
  });

  it('expires codes after 5 minutes (40029)', async () => {
    const code = wx.state.issueCode('o_late');
    wx.state.advanceClock(5 * 60_000 + 1);
    expect((await get(code2SessionUrl(code))).body.errcode).toBe(40029);
  });

  it('checks appid and secret: 40013 invalid appid, 40125 invalid appsecret, 41002/41004/41008 missing', async () => {
    const code = wx.state.issueCode('o_cred');
    expect((await get(code2SessionUrl(code, { appid: 'wx_wrong' }))).body.errcode).toBe(40013);
    expect((await get(code2SessionUrl(code, { secret: 'wrong' }))).body.errcode).toBe(40125);
    expect((await get(code2SessionUrl(code, { appid: undefined }))).body.errcode).toBe(41002);
    expect((await get(code2SessionUrl(code, { secret: undefined }))).body.errcode).toBe(41004);
    expect((await get(code2SessionUrl(code, { js_code: undefined }))).body.errcode).toBe(41008);
    expect((await get(code2SessionUrl(code, { grant_type: 'client_credential' }))).body.errcode).toBe(40002);
    // A rejected call does not burn the code.
    expect((await get(code2SessionUrl(code))).body.openid).toBe('o_cred');
  });

  it('answers 45011 past the per-minute quota, and again after a minute', async () => {
    await wx.close();
    wx = await startFakeWechat({ code2SessionPerMinute: 2 });
    const codes = [1, 2, 3].map((i) => wx.state.issueCode(`o_q${i}`));
    expect((await get(code2SessionUrl(codes[0]!))).body.openid).toBe('o_q1');
    expect((await get(code2SessionUrl(codes[1]!))).body.openid).toBe('o_q2');
    const limited = await get(code2SessionUrl(codes[2]!));
    expect(limited.body.errcode).toBe(45011);
    expect(limited.body.errmsg).toMatch(/^api minute-quota reach limit mustslower retry next minute/);
    wx.state.advanceClock(60_001);
    expect((await get(code2SessionUrl(codes[2]!))).body.openid).toBe('o_q3');
  });

  it('fails on demand: forced errcodes, then back to normal', async () => {
    wx.state.failNext('jscode2session', 45011);
    wx.state.failNext('jscode2session', -1);
    const code = wx.state.issueCode('o_forced');
    expect((await get(code2SessionUrl(code))).body.errcode).toBe(45011);
    const busy = await get(code2SessionUrl(code));
    expect(busy.body).toMatchObject({ errcode: -1, errmsg: expect.stringMatching(/^system error/) });
    expect((await get(code2SessionUrl(code))).body.openid).toBe('o_forced');
  });

  it('fails on demand at the HTTP level, and can hang until the client gives up', async () => {
    wx.state.failNext('jscode2session', { status: 502, body: '<html>Bad Gateway</html>' });
    const res = await fetch(code2SessionUrl('x'));
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('Bad Gateway');

    wx.state.failNext('jscode2session', 'hang');
    await expect(fetch(code2SessionUrl('x'), { signal: AbortSignal.timeout(100) })).rejects.toThrow();
  });

  it('answers a wrong method with 43001 (require GET) and an unknown path with 404', async () => {
    const post = await fetch(code2SessionUrl('x'), { method: 'POST' });
    expect(post.status).toBe(200);
    expect((await post.json()).errcode).toBe(43001);
    expect((await fetch(`${wx.baseUrl}/nope`)).status).toBe(404);
  });
});

describe('access tokens', () => {
  const tokenUrl = (over: Record<string, string> = {}) => {
    const u = new URL('/cgi-bin/token', wx.baseUrl);
    const q = { grant_type: 'client_credential', appid: wx.state.appId, secret: wx.state.secret, ...over };
    for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
    return u.toString();
  };

  it('getAccessToken returns { access_token, expires_in } and counts fetches', async () => {
    const r = await get(tokenUrl());
    expect(r.body).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    expect(r.contentType).toMatch(/^application\/json/);
    await get(tokenUrl());
    expect(wx.state.tokenFetches).toBe(2);
    expect((await get(tokenUrl({ secret: 'bad' }))).body.errcode).toBe(40125);
    expect((await get(tokenUrl({ appid: 'bad' }))).body.errcode).toBe(40013);
    expect((await get(tokenUrl({ grant_type: 'x' }))).body.errcode).toBe(40002);
    expect(wx.state.tokenFetches).toBe(2);
  });

  it('stable_token is stable until force_refresh, which invalidates the old one', async () => {
    const creds = { grant_type: 'client_credential', appid: wx.state.appId, secret: wx.state.secret };
    const a = await stableToken(creds);
    const b = await stableToken({ ...creds, force_refresh: false });
    expect(a.body.access_token).toBe(b.body.access_token);
    expect(a.body.expires_in).toBe(7200);
    const c = await stableToken({ ...creds, force_refresh: true });
    expect(c.body.access_token).not.toBe(a.body.access_token);
    expect(wx.state.checkToken(a.body.access_token)).toBe(42001);
    expect(wx.state.checkToken(c.body.access_token)).toBe(0);
    expect(wx.state.tokenFetches).toBe(3);
  });

  it('stable_token wants a POST JSON body', async () => {
    expect((await stableToken('')).body.errcode).toBe(44002);
    expect((await stableToken('not json')).body.errcode).toBe(47001);
    expect((await stableToken({ appid: wx.state.appId })).body.errcode).toBe(40002);
    expect((await get(`${wx.baseUrl}/cgi-bin/stable_token`)).body.errcode).toBe(43002);
    const req = wx.state.requestsTo('stable_token')[0]!;
    expect(req.method).toBe('POST');
  });

  it('uses the configured expiry; a refreshed plain token leaves the old one valid for 5 minutes', async () => {
    await wx.close();
    wx = await startFakeWechat({ tokenExpiresIn: 600 });
    const first = (await get(tokenUrl())).body;
    expect(first.expires_in).toBe(600);
    const second = (await get(tokenUrl())).body;
    expect(wx.state.checkToken(first.access_token)).toBe(0);
    wx.state.advanceClock(5 * 60_000 + 1);
    expect(wx.state.checkToken(first.access_token)).toBe(42001);
    expect(wx.state.checkToken(second.access_token)).toBe(0);
    wx.state.advanceClock(5 * 60_000);
    expect(wx.state.checkToken(second.access_token)).toBe(42001);
  });
});

describe('route table', () => {
  it('takes extra routes; requireAccessToken gives 41001 / 40001 / 42001 like WeChat', async () => {
    await wx.close();
    wx = await startFakeWechat({
      routes: [
        {
          name: 'echo',
          method: 'POST',
          path: '/wxa/echo',
          handle: (ctx) => ctx.requireAccessToken() ?? { body: { errcode: 0, errmsg: 'ok', got: ctx.json } },
        },
      ],
    });
    const call = async (token?: string) => {
      const u = new URL('/wxa/echo', wx.baseUrl);
      if (token) u.searchParams.set('access_token', token);
      const res = await fetch(u, { method: 'POST', body: JSON.stringify({ hi: 1 }) });
      return res.json();
    };
    expect((await call()).errcode).toBe(41001);
    expect((await call('forged')).errcode).toBe(40001);
    const { access_token: token } = wx.state.issueToken('stable');
    expect(await call(token)).toEqual({ errcode: 0, errmsg: 'ok', got: { hi: 1 } });
    wx.state.expireTokens();
    expect((await call(token)).errcode).toBe(42001);

    wx.state.failNext('echo', 45011);
    expect((await call(token)).errcode).toBe(45011);
  });
});

describe('request log', () => {
  it('records what the caller sent, including the secret and the reply', async () => {
    const code = wx.state.issueCode('o_log');
    await fetch(code2SessionUrl(code), { headers: { 'X-Test': 'yes' } });
    const [req] = wx.state.requestsTo('jscode2session');
    expect(req).toMatchObject({
      method: 'GET',
      path: '/sns/jscode2session',
      route: 'jscode2session',
      status: 200,
      query: {
        appid: wx.state.appId,
        secret: wx.state.secret,
        js_code: code,
        grant_type: 'authorization_code',
      },
      response: { openid: 'o_log' },
    });
    expect(req!.headers['x-test']).toBe('yes');
    wx.state.reset();
    expect(wx.state.requests).toHaveLength(0);
  });

  it('openids look like WeChat openids', () => {
    expect(fakeOpenid()).toMatch(/^o[0-9a-f]{27}$/);
  });
});

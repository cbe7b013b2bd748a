/**
 * The fake's content security (msgSecCheck v2, mediaCheckAsync v2, the signed verdict push): real
 * shapes and errcodes, so the API's tests against it mean something.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTENT_MARKERS } from '../support/fake-wechat-content';
import { type FakeWechat, fakeOpenid, startFakeWechat } from '../support/fake-wechat';

let wx: FakeWechat;
let token: string;

beforeEach(async () => {
  wx = await startFakeWechat();
  token = wx.state.issueToken('stable').access_token;
});
afterEach(async () => {
  await wx.close();
});

const post = async (path: string, body: unknown, accessToken: string | null = token) => {
  const q = accessToken === null ? '' : `?access_token=${encodeURIComponent(accessToken)}`;
  const res = await fetch(`${wx.baseUrl}${path}${q}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
const msg = (over: Record<string, unknown> = {}) => ({
  content: '村里要修路了',
  version: 2,
  scene: 3,
  openid: fakeOpenid(),
  ...over,
});

describe('msg_sec_check', () => {
  it('answers pass / review / risky in WeChat’s shape', async () => {
    const pass = await post('/wxa/msg_sec_check', msg());
    expect(pass.status).toBe(200);
    expect(pass.body).toMatchObject({
      errcode: 0,
      errmsg: 'ok',
      result: { suggest: 'pass', label: 100 },
      detail: expect.arrayContaining([
        expect.objectContaining({ strategy: 'content_model', suggest: 'pass' }),
      ]),
    });
    expect(pass.body.trace_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
    const review = await post('/wxa/msg_sec_check', msg({ content: `看看${CONTENT_MARKERS.review}` }));
    expect(review.body.result).toEqual({ suggest: 'review', label: 20001 });
    const risky = await post('/wxa/msg_sec_check', msg({ content: `看看${CONTENT_MARKERS.risky}` }));
    expect(risky.body.result).toEqual({ suggest: 'risky', label: 20006 });
    expect(risky.body.detail).toContainEqual(
      expect.objectContaining({ strategy: 'keyword', keyword: CONTENT_MARKERS.risky }),
    );
  });

  it('rules are configurable from a test', async () => {
    wx.state.content.textRules.push({ marker: '赌博', suggest: 'risky', label: 20006 });
    expect((await post('/wxa/msg_sec_check', msg({ content: '网上赌博' }))).body.result.suggest).toBe(
      'risky',
    );
  });

  it('refuses what WeChat refuses', async () => {
    expect((await post('/wxa/msg_sec_check', msg(), null)).body.errcode).toBe(41001);
    expect((await post('/wxa/msg_sec_check', msg(), 'nope')).body.errcode).toBe(40001);
    expect((await post('/wxa/msg_sec_check', '')).body.errcode).toBe(44002);
    expect((await post('/wxa/msg_sec_check', msg({ openid: '' }))).body.errcode).toBe(40003);
    expect((await post('/wxa/msg_sec_check', msg({ scene: 9 }))).body.errcode).toBe(40129);
    expect((await post('/wxa/msg_sec_check', msg({ version: undefined }))).body.errcode).toBe(47001);
    const long = await post('/wxa/msg_sec_check', msg({ content: '字'.repeat(2501) }));
    expect(long.body.errcode).toBe(47001);
    expect((await post('/wxa/msg_sec_check', msg({ content: '字'.repeat(2500) }))).body.errcode).toBe(0);
    wx.state.expireTokens();
    expect((await post('/wxa/msg_sec_check', msg())).body.errcode).toBe(42001);
  });

  it('forced failures: errcode, HTTP status', async () => {
    wx.state.failNext('msg_sec_check', -1);
    expect((await post('/wxa/msg_sec_check', msg())).body.errcode).toBe(-1);
    wx.state.failNext('msg_sec_check', { status: 503 });
    const res = await fetch(`${wx.baseUrl}/wxa/msg_sec_check?access_token=${token}`, {
      method: 'POST',
      body: JSON.stringify(msg()),
    });
    expect(res.status).toBe(503);
  });
});

describe('media_check_async and the verdict push', () => {
  it('accepts an image, returns a trace_id, and pushes a correctly signed verdict', async () => {
    const openid = fakeOpenid();
    const sub = await post('/wxa/media_check_async', {
      media_url: 'https://img.example.cn/a.jpg',
      media_type: 2,
      version: 2,
      scene: 3,
      openid,
    });
    expect(sub.body).toMatchObject({ errcode: 0, errmsg: 'ok', trace_id: expect.any(String) });
    const traceId = sub.body.trace_id as string;
    expect(wx.state.content.submissions.get(traceId)).toMatchObject({ mediaType: 2, openid });

    const received: { url: string; body: any }[] = [];
    wx.state.content.configurePush({
      token: 'TOKEN1',
      deliver: async (url, init) => {
        received.push({ url, body: JSON.parse(String(init.body)) });
        return new Response('success');
      },
    });
    const rec = await wx.state.content.pushMediaVerdict(traceId, 'risky', { label: 20002 });
    expect(rec).toMatchObject({ status: 200, text: 'success' });
    const [push] = received;
    const q = new URL(push!.url, 'http://x').searchParams;
    const expected = createHash('sha1')
      .update([q.get('timestamp')!, q.get('nonce')!, 'TOKEN1'].sort().join(''))
      .digest('hex');
    expect(q.get('signature')).toBe(expected);
    expect(Math.abs(Number(q.get('timestamp')) - Date.now() / 1000)).toBeLessThan(5);
    expect(push!.body).toMatchObject({
      MsgType: 'event',
      Event: 'wxa_media_check',
      appid: wx.state.appId,
      trace_id: traceId,
      version: 2,
      FromUserName: openid,
      errcode: 0,
      result: { suggest: 'risky', label: '20002' },
    });
  });

  it('pushes by itself after a delay when asked to', async () => {
    const received: string[] = [];
    wx.state.content.configurePush({
      token: 'T',
      deliver: async (_url, init) => {
        received.push(JSON.parse(String(init.body)).result.suggest);
        return new Response('success');
      },
    });
    wx.state.content.autoPushAfterMs = 10;
    const base = { media_type: 2, version: 2, scene: 1, openid: fakeOpenid() };
    await post('/wxa/media_check_async', { ...base, media_url: 'https://img.example.cn/ok.jpg' });
    await post('/wxa/media_check_async', { ...base, media_url: 'https://img.example.cn/review-me.jpg' });
    await wx.state.content.settled();
    expect(received.sort()).toEqual(['pass', 'review']);
  });

  it('refuses a bad media_type and a missing url', async () => {
    const base = { version: 2, scene: 3, openid: fakeOpenid() };
    expect(
      (await post('/wxa/media_check_async', { ...base, media_url: 'https://x/a.jpg', media_type: 3 })).body
        .errcode,
    ).toBe(47001);
    expect((await post('/wxa/media_check_async', { ...base, media_type: 2 })).body.errcode).toBe(44002);
  });
});

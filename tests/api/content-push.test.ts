/**
 * Content safety, images: mediaCheckAsync holds an image until WeChat's verdict arrives at
 * /api/wechat/push, and only a correctly signed, fresh push is believed. Also WeChat's GET
 * verification of the push URL, and the re-check sweep for images.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkImage, recheckPending, visibleTargetIds } from '../../api/_content';
import { contentChecks, users } from '../../api/_db/schema';
import { createApp } from '../../api/_app/app';
import { decryptPush, msgSignature } from '../../api/_wechat/push-crypto';
import { pushSignature } from '../../api/_wechat/push-signature';
import { loadActors, type Actors } from '../support/actors';
import { encryptPush, signPush } from '../support/fake-wechat-content';
import { type FakeWechat, startFakeWechat } from '../support/fake-wechat';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

const TOKEN = 'push-token-0123456789';

describe('push signature', () => {
  it('matches WeChat’s documented example (Token AAAAA)', () => {
    // developers.weixin.qq.com …/push/encryption.md, 明文模式 example.
    expect(pushSignature('AAAAA', '1714037059', '486452656')).toBe(
      '899cf89e464efb63f54ddac96b0a0a235f53aa78',
    );
    expect(signPush('AAAAA', '1714037059', '486452656')).toBe('899cf89e464efb63f54ddac96b0a0a235f53aa78');
  });
});

describe('push encryption (安全模式)', () => {
  // Known vectors used by the wechatpy / wechat-rust SDK tests of WeChat's scheme.
  const KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
  it('decrypts and signs like WeChat', () => {
    expect(decryptPush(KEY, '9s4gMv99m88kKTh/H8IdkNiFGeG9pd7vNWl50fGRWXY=')).toEqual({
      message: 'test',
      appId: 'rust',
    });
    const echo = '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==';
    expect(msgSignature('123456', '1411443780', '437374425', echo)).toBe(
      'dd6b9c95b495b3f7e2901bfbc76c664930ffdb96',
    );
    expect(decryptPush(KEY, echo)?.appId).toBe('wx49f0ab532d5d035a');
    // Another key does not yield the message (its padding or appid comes out wrong).
    expect(decryptPush('A'.repeat(43), echo)?.appId).not.toBe('wx49f0ab532d5d035a');
  });
  it('the fake encrypts like WeChat', () => {
    expect(encryptPush(KEY, 'test', 'rust', Buffer.from('1234567890123456'))).toBe(
      '9s4gMv99m88kKTh/H8IdkNiFGeG9pd7vNWl50fGRWXY=',
    );
  });
});

describe.skipIf(DB_UNAVAILABLE)('content safety: images and the message push', () => {
  let wx: FakeWechat;
  let t: TestApp;
  let a: Actors;
  let openid: string;

  beforeAll(async () => {
    wx = await startFakeWechat({ appId: 'wx-test-app', secret: 'test-secret' });
    t = await createTestApp({
      wechatBase: wx.baseUrl,
      env: { WECHAT_TIMEOUT_MS: '400', WECHAT_PUSH_TOKEN: TOKEN },
    });
    a = await loadActors(t.db);
    const [u] = await t.db.select({ openid: users.openid }).from(users).where(eq(users.id, a.villager));
    openid = u!.openid!;
    wx.state.content.configurePush({ token: TOKEN, deliver: async (p, init) => t.app.request(p, init) });
  });
  afterAll(async () => {
    await t.close();
    await wx.close();
  });
  beforeEach(() => {
    wx.state.reset();
    wx.state.down = false;
    wx.state.content.autoPushAfterMs = undefined;
  });

  const submit = async (mediaUrl = `https://img.example.cn/${randomUUID()}.jpg`) => {
    const targetId = randomUUID();
    const r = await checkImage(t.deps, {
      villageId: a.village.id,
      authorUserId: a.villager,
      targetType: 'matter',
      targetId,
      mediaUrl,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const [row] = await t.db.select().from(contentChecks).where(eq(contentChecks.id, r.value.checkId));
    return { targetId, checkId: r.value.checkId, status: r.value.status, row: row! };
  };
  const rowOf = async (checkId: string) =>
    (await t.db.select().from(contentChecks).where(eq(contentChecks.id, checkId)))[0]!;
  const visible = async (targetId: string) =>
    (await visibleTargetIds(t.db, 'matter', [targetId])).has(targetId);
  const post = (query: Record<string, string>, body: unknown, raw?: string) =>
    t.request('POST', `/api/wechat/push?${new URLSearchParams(query)}`, {
      raw: raw ?? JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });

  it('an image is held (pending, not visible) until a signed pass verdict arrives', async () => {
    const img = await submit();
    expect(img.status).toBe('pending');
    expect(img.row.traceId).toBeTruthy();
    expect(await visible(img.targetId)).toBe(false);
    const [call] = wx.state.requestsTo('media_check_async');
    expect(call!.json).toEqual({ media_url: img.row.mediaUrl, media_type: 2, version: 2, scene: 3, openid });

    const res = await wx.state.content.pushMediaVerdict(img.row.traceId!, 'pass');
    expect(res).toMatchObject({ status: 200, text: 'success' });
    expect(await rowOf(img.checkId)).toMatchObject({ status: 'pass', label: '100' });
    expect(await visible(img.targetId)).toBe(true);
  });

  it('a risky verdict keeps it hidden for good: a later pass push for the same trace changes nothing', async () => {
    const img = await submit();
    await wx.state.content.pushMediaVerdict(img.row.traceId!, 'risky', { label: 20002 });
    expect(await rowOf(img.checkId)).toMatchObject({ status: 'risky', label: '20002' });
    const again = await wx.state.content.pushMediaVerdict(img.row.traceId!, 'pass');
    expect(again).toMatchObject({ status: 200, text: 'success' });
    expect((await rowOf(img.checkId)).status).toBe('risky');
    expect(await visible(img.targetId)).toBe(false);
  });

  it('review holds it for a reviewer; a download failure (errcode -1008) too', async () => {
    const r = await submit();
    await wx.state.content.pushMediaVerdict(r.row.traceId!, 'review');
    expect(await rowOf(r.checkId)).toMatchObject({ status: 'review', label: '20002' });
    const f = await submit();
    await wx.state.content.pushMediaVerdict(f.row.traceId!, undefined, { errcode: -1008 });
    expect(await rowOf(f.checkId)).toMatchObject({ status: 'review', label: 'errcode:-1008' });
    expect(await visible(f.targetId)).toBe(false);
  });

  describe('forged pushes are refused before anything is read, and change nothing', () => {
    const forge = async (tamper: (q: Record<string, string>) => Record<string, string>, ts?: number) => {
      const img = await submit();
      const req = wx.state.content.buildPush(img.row.traceId!, { suggest: 'pass', timestampS: ts });
      const res = await post(tamper(req.query), req.body);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'UNAUTHENTICATED', requestId: expect.any(String) });
      expect(await rowOf(img.checkId)).toMatchObject({ status: 'pending', label: null });
      expect(await visible(img.targetId)).toBe(false);
      // The genuine push still works afterwards.
      await wx.state.content.pushMediaVerdict(img.row.traceId!, 'pass');
      expect((await rowOf(img.checkId)).status).toBe('pass');
      return res.body.error.details?.reason;
    };
    const now = () => Math.floor(Date.now() / 1000);

    it('unsigned', async () => {
      expect(await forge(() => ({}))).toBe('unsigned');
    });
    it('signed with another token', async () => {
      expect(
        await forge((q) => ({ ...q, signature: signPush('not-the-token', q.timestamp!, q.nonce!) })),
      ).toBe('bad_signature');
    });
    it('signature of other parameters (nonce changed)', async () => {
      expect(await forge((q) => ({ ...q, nonce: `${q.nonce}1` }))).toBe('bad_signature');
    });
    it('correctly signed but 10 minutes old (a replay)', async () => {
      expect(await forge((q) => q, now() - 600)).toBe('stale');
    });
    it('correctly signed but 10 minutes in the future', async () => {
      expect(await forge((q) => q, now() + 600)).toBe('stale');
    });
    it('encrypted (安全模式) while no WECHAT_PUSH_AES_KEY is configured', async () => {
      expect(await forge((q) => ({ ...q, encrypt_type: 'aes', msg_signature: 'x' }))).toBe(
        'encrypted_not_configured',
      );
    });
  });

  it('a push is refused outright when WECHAT_PUSH_TOKEN is not configured', async () => {
    const t2 = await createTestApp({ wechatBase: wx.baseUrl });
    try {
      const ts = String(Math.floor(Date.now() / 1000));
      const res = await t2.request(
        'POST',
        `/api/wechat/push?signature=${signPush('', ts, '1')}&timestamp=${ts}&nonce=1`,
        {
          body: { MsgType: 'event', Event: 'wxa_media_check', trace_id: 'x' },
        },
      );
      expect(res.status).toBe(401);
      expect(res.body.error.details.reason).toBe('not_configured');
    } finally {
      await t2.close();
    }
  });

  it('an unknown trace_id, another event, or a duplicate is acknowledged with "success" and ignored', async () => {
    const img = await submit();
    const unknown = wx.state.content.buildPush('00000000-00000000-00000000', { suggest: 'risky' });
    const r1 = await post(unknown.query, unknown.body);
    expect([r1.status, r1.body]).toEqual([200, 'success']);
    const other = wx.state.content.buildPush(img.row.traceId!, { suggest: 'risky' });
    const r2 = await post(other.query, { ...other.body, Event: 'user_enter_tempsession' });
    expect([r2.status, r2.body]).toEqual([200, 'success']);
    expect((await rowOf(img.checkId)).status).toBe('pending');
  });

  it('a signed push whose body is not JSON is BAD_JSON', async () => {
    const img = await submit();
    const req = wx.state.content.buildPush(img.row.traceId!, { suggest: 'pass' });
    const res = await post(req.query, null, '<xml>not json</xml>');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_JSON');
  });

  it('WeChat’s GET verification: echoes echostr when signed, else 401 in the one error shape', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const ok = await t.request(
      'GET',
      `/api/wechat/push?signature=${signPush(TOKEN, ts, '42')}&timestamp=${ts}&nonce=42&echostr=hello123`,
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(ok.body).toBe('hello123');
    const bad = await t.request(
      'GET',
      `/api/wechat/push?signature=${signPush('wrong', ts, '42')}&timestamp=${ts}&nonce=42&echostr=hello123`,
    );
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('UNAUTHENTICATED');
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    const old = await t.request(
      'GET',
      `/api/wechat/push?signature=${signPush(TOKEN, stale, '42')}&timestamp=${stale}&nonce=42&echostr=hello123`,
    );
    expect(old.status).toBe(401);
  });

  it('end to end over HTTP: the fake pushes the verdict by itself to the running server', async () => {
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    const { port } = server.address() as AddressInfo;
    try {
      wx.state.content.configurePush({ token: TOKEN, url: `http://127.0.0.1:${port}/api/wechat/push` });
      wx.state.content.autoPushAfterMs = 20;
      const clean = await submit('https://img.example.cn/clean.jpg');
      const risky = await submit('https://img.example.cn/risky-photo.jpg');
      await wx.state.content.settled();
      expect(wx.state.content.pushes.slice(-2).map((p) => [p.status, p.text])).toEqual([
        [200, 'success'],
        [200, 'success'],
      ]);
      expect((await rowOf(clean.checkId)).status).toBe('pass');
      expect((await rowOf(risky.checkId)).status).toBe('risky');
    } finally {
      wx.state.content.configurePush({ token: TOKEN, deliver: async (p, init) => t.app.request(p, init) });
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('WeChat unreachable on submit → held as unreachable; the sweep re-submits once it is back', async () => {
    wx.state.failNext('media_check_async', { status: 502 });
    const img = await submit();
    expect(img.status).toBe('review');
    expect(img.row).toMatchObject({ status: 'review', label: 'unreachable', traceId: null });
    await recheckPending(t.deps, { now: new Date(Date.now() + 5 * 60_000) });
    const row = await rowOf(img.checkId);
    expect(row).toMatchObject({ status: 'pending', label: null, attempts: 2 });
    await wx.state.content.pushMediaVerdict(row.traceId!, 'pass');
    expect((await rowOf(img.checkId)).status).toBe('pass');
  });

  it('a verdict that never comes: re-submitted after 35 minutes; the old trace is then ignored', async () => {
    const img = await submit();
    const first = img.row.traceId!;
    await recheckPending(t.deps, { now: new Date(Date.now() + 10 * 60_000) });
    expect((await rowOf(img.checkId)).traceId).toBe(first);
    await recheckPending(t.deps, { now: new Date(Date.now() + 36 * 60_000) });
    const row = await rowOf(img.checkId);
    expect(row.traceId).not.toBe(first);
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    await wx.state.content.pushMediaVerdict(first, 'pass');
    expect((await rowOf(img.checkId)).status).toBe('pending');
    await wx.state.content.pushMediaVerdict(row.traceId!, 'pass');
    expect((await rowOf(img.checkId)).status).toBe('pass');
  });
  describe('安全模式 / 兼容模式 with WECHAT_PUSH_AES_KEY', () => {
    const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const secure = () => {
      const deps = {
        ...t.deps,
        config: { ...t.deps.config, wechat: { ...t.deps.config.wechat, pushAesKey: AES_KEY } },
      };
      return createApp(async () => deps);
    };
    const pushIn = (mode: 'safe' | 'compat', app = secure()) =>
      wx.state.content.configurePush({
        token: TOKEN,
        aesKey: AES_KEY,
        mode,
        deliver: async (p, i) => app.request(p, i),
      });
    const restore = () =>
      wx.state.content.configurePush({ token: TOKEN, deliver: async (p, init) => t.app.request(p, init) });

    it('an encrypted verdict is decrypted and applied (safe and compat mode)', async () => {
      try {
        pushIn('safe');
        const a1 = await submit();
        const req = wx.state.content.buildPush(a1.row.traceId!, { suggest: 'pass' });
        expect(Object.keys(req.body).sort()).toEqual(['Encrypt', 'ToUserName']);
        expect(await wx.state.content.send(a1.row.traceId!, req)).toMatchObject({
          status: 200,
          text: 'success',
        });
        expect((await rowOf(a1.checkId)).status).toBe('pass');
        pushIn('compat');
        const a2 = await submit();
        expect(await wx.state.content.pushMediaVerdict(a2.row.traceId!, 'review')).toMatchObject({
          status: 200,
        });
        expect((await rowOf(a2.checkId)).status).toBe('review');
      } finally {
        restore();
      }
    });

    it('compat mode: forged plaintext fields beside a genuine Encrypt are ignored', async () => {
      try {
        pushIn('compat');
        const img = await submit();
        const req = wx.state.content.buildPush(img.row.traceId!, { suggest: 'risky' });
        const res = await wx.state.content.send(img.row.traceId!, {
          query: req.query,
          body: { ...req.body, result: { suggest: 'pass', label: '100' } },
        });
        expect(res.status).toBe(200);
        expect((await rowOf(img.checkId)).status).toBe('risky');
      } finally {
        restore();
      }
    });

    it('a tampered Encrypt, a wrong msg_signature or another appid is refused and changes nothing', async () => {
      const app = secure();
      try {
        pushIn('safe', app);
        const img = await submit();
        const req = wx.state.content.buildPush(img.row.traceId!, { suggest: 'pass' });
        const enc = req.body.Encrypt as string;
        const flipped = `${enc.slice(0, 20)}${enc[20] === 'A' ? 'B' : 'A'}${enc.slice(21)}`;
        const tampered = await wx.state.content.send('x', {
          query: req.query,
          body: { ...req.body, Encrypt: flipped },
        });
        expect([tampered.status, JSON.parse(tampered.text).error.details.reason]).toEqual([
          401,
          'bad_msg_signature',
        ]);
        // (Whoever knows the Token could re-sign a tampered Encrypt: AES-CBC has no integrity of its
        // own, so the Token is what authenticates pushes in every mode; the key keeps them private.)
        const other = encryptPush(
          AES_KEY,
          JSON.stringify({
            MsgType: 'event',
            Event: 'wxa_media_check',
            trace_id: img.row.traceId,
            result: { suggest: 'pass', label: '100' },
          }),
          'wx-another-app',
        );
        const r3 = await wx.state.content.send('x', {
          query: {
            ...req.query,
            msg_signature: signPush(TOKEN, req.query.timestamp!, req.query.nonce!, other),
          },
          body: { ToUserName: 'gh', Encrypt: other },
        });
        expect([r3.status, JSON.parse(r3.text).error.details.reason]).toEqual([401, 'wrong_appid']);
        expect((await rowOf(img.checkId)).status).toBe('pending');
      } finally {
        restore();
      }
    });
  });
});

/**
 * The fake WeChat server's content security (内容安全): msgSecCheck v2 and mediaCheckAsync v2,
 * with the verdict of an async check pushed, correctly signed, to the app's message-push URL.
 *
 * Sources (developers.weixin.qq.com …/sec-center/sec-check/msgSecCheck.html, mediaCheckAsync.html,
 * …/framework/server-ability/message-push.html):
 * - POST /wxa/msg_sec_check?access_token= { content, version: 2, scene (1–4), openid, title?, … }
 *   → { errcode: 0, errmsg: 'ok', result: { suggest, label }, detail: [{ strategy, errcode,
 *   suggest, label, prob, keyword? }], trace_id }. 40003 openid invalid, 40129 scene, 44002 empty,
 *   47001 format, -1 busy. Content is limited to 2,500 characters: the fake answers 47001 above it.
 * - POST /wxa/media_check_async?access_token= { media_url, media_type (1 audio, 2 image),
 *   version: 2, scene, openid } → { errcode: 0, errmsg: 'ok', trace_id }; within 30 min WeChat POSTs
 *   { ToUserName, FromUserName, CreateTime, MsgType: 'event', Event: 'wxa_media_check', appid,
 *   trace_id, version: 2, detail, errcode, errmsg, result: { suggest, label } } to the push URL
 *   with ?signature=sha1(sort(token, timestamp, nonce))&timestamp&nonce (明文模式, JSON).
 * - 安全模式 / 兼容模式 (…/push/encryption.md): the body becomes { ToUserName, Encrypt } (兼容: the
 *   plaintext fields too), Encrypt = base64 AES-256-CBC(random16 ‖ len (BE u32) ‖ json ‖ appid),
 *   key = base64(EncodingAESKey + '='), IV = key[0..16], PKCS#7 to 32 bytes; the query adds
 *   encrypt_type=aes&msg_signature=sha1(sort(token, timestamp, nonce, Encrypt)).
 *
 * Test control: text/URL markers choose the verdict (`textRules`, `mediaRules`); `configurePush`
 * says where and how pushes go (a URL, or a function such as `app.request`); `pushMediaVerdict`
 * pushes one now; `autoPushAfterMs` pushes by itself after a delay; `buildPush` gives the signed
 * request without sending it, for tests that tamper with it.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import type { FakeRoute, FakeWechatState, RouteContext } from './fake-wechat';

export type FakeSuggest = 'pass' | 'review' | 'risky';
export type FakeRule = { marker: string; suggest: FakeSuggest; label: number };

/** Markers for tests: text (or a media URL) containing one gets that verdict. */
export const CONTENT_MARKERS = {
  risky: '〔违规〕',
  review: '〔待审〕',
} as const;

export const MSG_SEC_CHECK_LIMIT = 2500;

export type PushDelivery = (pathAndQuery: string, init: RequestInit) => Promise<Response>;

export type PushConfig = {
  /** The Token configured for the message push (WECHAT_PUSH_TOKEN on our side). */
  token: string;
  /** Full URL of the push endpoint, e.g. http://127.0.0.1:3000/api/wechat/push … */
  url?: string;
  /** … or a function given '/api/wechat/push?signature=…' (e.g. `(p, i) => app.request(p, i)`). */
  deliver?: PushDelivery;
  /** Path used with `deliver`. Default '/api/wechat/push'. */
  path?: string;
  /** The mini-program's original id (gh_…), ToUserName of pushes. */
  username?: string;
  /** 明文模式 (default), 兼容模式 or 安全模式; the last two need `aesKey` (the EncodingAESKey). */
  mode?: 'plain' | 'compat' | 'safe';
  aesKey?: string;
};

export type Submission = {
  traceId: string;
  mediaUrl: string;
  mediaType: number;
  openid: string;
  scene: number;
  at: number;
};
export type PushRecord = { traceId: string; status: number; text: string; body: unknown };

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
/** Written here, independently of the API's code, so the fake checks the API rather than echoing it. */
export function signPush(token: string, timestamp: string, nonce: string, encrypt?: string): string {
  return sha1([token, timestamp, nonce, ...(encrypt === undefined ? [] : [encrypt])].sort().join(''));
}

/** WeChat's message encryption; `random` is fixed only by tests of known vectors. */
export function encryptPush(
  aesKey: string,
  message: string,
  appId: string,
  random = randomBytes(16),
): string {
  const key = Buffer.from(`${aesKey}=`, 'base64');
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const plain = Buffer.concat([random, len, msg, Buffer.from(appId, 'utf8')]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64');
}

function traceId(): string {
  const h = randomBytes(12).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 16)}-${h.slice(16, 24)}`;
}

export class FakeContentSecurity {
  /** First matching marker wins; no match: pass (label 100). */
  textRules: FakeRule[] = [
    { marker: CONTENT_MARKERS.risky, suggest: 'risky', label: 20006 },
    { marker: CONTENT_MARKERS.review, suggest: 'review', label: 20001 },
  ];
  mediaRules: FakeRule[] = [
    { marker: 'risky', suggest: 'risky', label: 20002 },
    { marker: 'review', suggest: 'review', label: 20002 },
  ];
  /** Push each verdict by itself this long after media_check_async (undefined: only on demand). */
  autoPushAfterMs?: number;
  /** Every media_check_async accepted, by trace_id. */
  readonly submissions = new Map<string, Submission>();
  /** Every push sent and what the app answered. */
  readonly pushes: PushRecord[] = [];
  private push?: PushConfig;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly state: FakeWechatState) {}

  configurePush(cfg: PushConfig): void {
    this.push = cfg;
  }

  verdictFor(rules: readonly FakeRule[], text: string): { suggest: FakeSuggest; label: number } {
    const r = rules.find((x) => text.includes(x.marker));
    return r ? { suggest: r.suggest, label: r.label } : { suggest: 'pass', label: 100 };
  }

  /** The signed push request for a trace id, not sent. `suggest` defaults from `mediaRules`. */
  buildPush(
    id: string,
    o: { suggest?: FakeSuggest; label?: number; errcode?: number; timestampS?: number; token?: string } = {},
  ): { query: Record<string, string>; body: Record<string, unknown> } {
    const cfg = this.push;
    if (!cfg) throw new Error('fake-wechat: configurePush first');
    const sub = this.submissions.get(id);
    const v = o.suggest
      ? { suggest: o.suggest, label: o.label ?? (o.suggest === 'pass' ? 100 : 20002) }
      : this.verdictFor(this.mediaRules, sub?.mediaUrl ?? '');
    const timestamp = String(o.timestampS ?? Math.floor(this.state.now() / 1000));
    const nonce = String(randomBytes(4).readUInt32BE(0));
    const errcode = o.errcode ?? 0;
    const body: Record<string, unknown> = {
      ToUserName: cfg.username ?? 'gh_fake00000000',
      FromUserName: sub?.openid ?? 'ofake',
      CreateTime: Number(timestamp),
      MsgType: 'event',
      Event: 'wxa_media_check',
      appid: this.state.appId,
      trace_id: id,
      version: 2,
      detail:
        errcode === 0
          ? [{ strategy: 'content_model', errcode: 0, suggest: v.suggest, label: String(v.label), prob: 90 }]
          : [],
      errcode,
      errmsg: errcode === 0 ? 'ok' : '下载错误,请检查媒体链接是否有效',
    };
    if (errcode === 0) body.result = { suggest: v.suggest, label: String(v.label) };
    const token = o.token ?? cfg.token;
    const query: Record<string, string> = { signature: signPush(token, timestamp, nonce), timestamp, nonce };
    if (!cfg.mode || cfg.mode === 'plain') return { query, body };
    if (!cfg.aesKey) throw new Error('fake-wechat: 安全模式/兼容模式 need aesKey');
    const encrypt = encryptPush(cfg.aesKey, JSON.stringify(body), this.state.appId);
    query.encrypt_type = 'aes';
    query.msg_signature = signPush(token, timestamp, nonce, encrypt);
    const envelope =
      cfg.mode === 'safe' ? { ToUserName: body.ToUserName, Encrypt: encrypt } : { ...body, Encrypt: encrypt };
    return { query, body: envelope };
  }

  /** Sends a (possibly tampered) push as WeChat would: POST, JSON body, query string signature. */
  async send(id: string, req: { query: Record<string, string>; body: unknown }): Promise<PushRecord> {
    const cfg = this.push;
    if (!cfg) throw new Error('fake-wechat: configurePush first');
    const qs = new URLSearchParams(req.query).toString();
    const init: RequestInit = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(req.body),
    };
    const res = cfg.deliver
      ? await cfg.deliver(`${cfg.path ?? '/api/wechat/push'}?${qs}`, init)
      : await fetch(`${cfg.url}${cfg.url?.includes('?') ? '&' : '?'}${qs}`, init);
    const rec = { traceId: id, status: res.status, text: await res.text(), body: req.body };
    this.pushes.push(rec);
    return rec;
  }

  /** Pushes the verdict of one media check now (signed with the configured token). */
  pushMediaVerdict(
    id: string,
    suggest?: FakeSuggest,
    o: { label?: number; errcode?: number; timestampS?: number } = {},
  ): Promise<PushRecord> {
    return this.track(this.send(id, this.buildPush(id, { suggest, ...o })));
  }

  /** Resolves when every push started so far (automatic ones included) has been answered. */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    p.finally(() => this.inflight.delete(p)).catch(() => {});
    return p;
  }

  /** Called by the route: records the submission and schedules the automatic push. */
  accept(sub: Submission): void {
    this.submissions.set(sub.traceId, sub);
    const delay = this.autoPushAfterMs;
    if (delay === undefined || !this.push) return;
    this.track(
      new Promise<void>((resolve) => {
        setTimeout(() => {
          this.send(sub.traceId, this.buildPush(sub.traceId))
            .catch(() => undefined)
            .finally(() => resolve());
        }, delay);
      }),
    );
  }
}

type Body = Record<string, unknown>;

/** Shared checks of both APIs' bodies: the errcode reply, or the parsed body. */
function secCheckBody(ctx: RouteContext): { error: ReturnType<RouteContext['error']> } | { b: Body } {
  const denied = ctx.requireAccessToken();
  if (denied) return { error: denied };
  if (!ctx.body) return { error: ctx.error(44002) };
  if (!ctx.json || typeof ctx.json !== 'object') return { error: ctx.error(47001) };
  const b = ctx.json as Body;
  if (b.version !== 2) return { error: ctx.error(47001, 'fake-wechat: only version 2 is faked') };
  if (typeof b.openid !== 'string' || !b.openid) return { error: ctx.error(40003) };
  if (![1, 2, 3, 4].includes(b.scene as number)) return { error: ctx.error(40129, 'invalid scene') };
  return { b };
}

export const CONTENT_ROUTES: FakeRoute[] = [
  {
    name: 'msg_sec_check',
    method: 'POST',
    path: '/wxa/msg_sec_check',
    handle(ctx) {
      const r = secCheckBody(ctx);
      if ('error' in r) return r.error;
      const content = r.b.content;
      if (typeof content !== 'string' || !content) return ctx.error(44002);
      if (Array.from(content).length > MSG_SEC_CHECK_LIMIT) {
        return ctx.error(47001, `fake-wechat: content longer than ${MSG_SEC_CHECK_LIMIT} characters`);
      }
      const v = ctx.state.content.verdictFor(ctx.state.content.textRules, content);
      const keyword = ctx.state.content.textRules.find((x) => content.includes(x.marker))?.marker;
      return {
        body: {
          errcode: 0,
          errmsg: 'ok',
          detail: [
            { strategy: 'content_model', errcode: 0, suggest: v.suggest, label: v.label, prob: 90 },
            keyword
              ? { strategy: 'keyword', errcode: 0, suggest: v.suggest, label: v.label, level: 90, keyword }
              : { strategy: 'keyword', errcode: 0 },
          ],
          trace_id: traceId(),
          result: { suggest: v.suggest, label: v.label },
        },
      };
    },
  },
  {
    name: 'media_check_async',
    method: 'POST',
    path: '/wxa/media_check_async',
    handle(ctx) {
      const r = secCheckBody(ctx);
      if ('error' in r) return r.error;
      const { media_url: mediaUrl, media_type: mediaType } = r.b;
      if (typeof mediaUrl !== 'string' || !mediaUrl) return ctx.error(44002);
      if (mediaType !== 1 && mediaType !== 2) return ctx.error(47001);
      const id = traceId();
      ctx.state.content.accept({
        traceId: id,
        mediaUrl,
        mediaType,
        openid: r.b.openid as string,
        scene: r.b.scene as number,
        at: ctx.now(),
      });
      return { body: { errcode: 0, errmsg: 'ok', trace_id: id } };
    },
  },
];

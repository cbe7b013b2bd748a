/**
 * A fake of WeChat's server API (api.weixin.qq.com) on loopback, for tests. It speaks the real
 * endpoints' shapes — paths, query/body fields, reply fields, errcodes, HTTP 200 even for errors,
 * `text/plain` on jscode2session — so the API's WeChat client is tested against what WeChat does,
 * not against what we hoped it does.
 *
 * Sources (developers.weixin.qq.com):
 * - code2Session: GET /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code
 *   → { openid, session_key, unionid? } | { errcode, errmsg }; 40029 invalid code, 40163 code been
 *   used, 45011 minute quota, 40226 code blocked, -1 system error. A code is valid once, for 5 min.
 * - getAccessToken: GET /cgi-bin/token?grant_type=client_credential&appid&secret
 *   → { access_token, expires_in }. Each call issues a new token; the previous one keeps working
 *   for 5 more minutes.
 * - getStableAccessToken: POST /cgi-bin/stable_token { grant_type, appid, secret, force_refresh? }
 *   → same shape; isolated from getAccessToken; returns the same token while it is valid unless
 *   force_refresh, which invalidates the previous one.
 * - Any API taking ?access_token=: 41001 missing, 40001 invalid/not latest, 42001 expired.
 *
 * - subscribeMessage.send: see fake-wechat-subscribe.ts (consents, value rules, 43101/47003…).
 * - msgSecCheck, mediaCheckAsync and the signed verdict push: see fake-wechat-content.ts.
 *
 * Adding an endpoint = one entry in `ROUTES`
 * (or `opts.routes` from a test); use `ctx.requireAccessToken()` for authenticated ones.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeSubscribeOptions, FakeSubscriptions, SUBSCRIBE_ROUTES } from './fake-wechat-subscribe';
import { CONTENT_ROUTES, FakeContentSecurity } from './fake-wechat-content';

/** WeChat's errmsg texts (before the ", rid: …" suffix). */
export const WECHAT_ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40125: 'invalid appsecret',
  40163: 'code been used',
  40226: 'code blocked',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  41030: 'invalid page',
  42001: 'access_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  43101: 'user refuse to accept the msg',
  44002: 'empty post data',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  47001: 'data format error',
  47003: 'argument invalid!',
};

export type RecordedRequest = {
  /** Name of the route that handled it (undefined for unknown paths). */
  route?: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** Raw body text ('' when none). */
  body: string;
  /** Body parsed as JSON when it was JSON. */
  json?: unknown;
  status: number;
  response: unknown;
  at: number;
};

/** A forced failure: a WeChat errcode (HTTP 200), a bare HTTP status, or no answer at all. */
export type Failure = number | { status: number; body?: string } | 'hang';

export type RouteContext = {
  query: Record<string, string>;
  /** Parsed JSON body, or undefined when absent or not JSON. */
  json: unknown;
  body: string;
  headers: http.IncomingHttpHeaders;
  state: FakeWechatState;
  /** The fake's clock (ms); tests move it with `state.advanceClock`. */
  now(): number;
  /** The errcode reply WeChat would give, e.g. `return ctx.error(40029)`. */
  error(errcode: number, errmsg?: string): Reply;
  /** Checks `?access_token=`: undefined when valid, else the errcode reply to return. */
  requireAccessToken(): Reply | undefined;
};

export type Reply = { status?: number; body: unknown };

export type FakeRoute = {
  /** Name used by `failNext` and in `state.requests[].route`. */
  name: string;
  method: 'GET' | 'POST';
  path: string;
  /** WeChat answers jscode2session with text/plain; most cgi-bin APIs with JSON. */
  contentType?: string;
  handle(ctx: RouteContext): Reply | Promise<Reply>;
};

export type FakeWechatOptions = FakeSubscribeOptions & {
  appId?: string;
  secret?: string;
  /** expires_in (s) of issued access tokens. Default 7200. */
  tokenExpiresIn?: number;
  /**
   * code2Session calls allowed per minute before 45011, counted across all users (WeChat's own
   * limit is 100 per user per minute; a global count is simpler to drive from a test).
   * Default: unlimited.
   */
  code2SessionPerMinute?: number;
  /** Delay before every answer (ms). Default 0. */
  latencyMs?: number;
  /** Extra routes, or replacements (same method + path) for the built-in ones. */
  routes?: FakeRoute[];
};

type IssuedCode = { openid: string; unionid?: string; sessionKey: string; issuedAt: number; used: boolean };
type IssuedToken = { kind: 'token' | 'stable'; expiresAt: number };

const CODE_TTL_MS = 5 * 60_000;
const OLD_TOKEN_GRACE_MS = 5 * 60_000;

function rid(): string {
  const b = randomBytes(10).toString('hex');
  return `${b.slice(0, 8)}-${b.slice(8, 16)}-${b.slice(16, 20)}`;
}

function errReply(errcode: number, errmsg?: string): Reply {
  return { body: { errcode, errmsg: `${errmsg ?? WECHAT_ERRMSG[errcode] ?? 'error'}, rid: ${rid()}` } };
}

export class FakeWechatState {
  readonly appId: string;
  readonly secret: string;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[] = [];
  /** Subscribe messages: consents and what was delivered (fake-wechat-subscribe.ts). */
  readonly subscriptions: FakeSubscriptions;
  /** msgSecCheck / mediaCheckAsync verdicts and signed verdict pushes (fake-wechat-content.ts). */
  readonly content: FakeContentSecurity = new FakeContentSecurity(this);
  /** While true the server drops every connection unanswered (an outage: clients see a network error). */
  down = false;
  tokenExpiresIn: number;
  code2SessionPerMinute: number;
  latencyMs: number;

  private clockOffset = 0;
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly sessionKeysIssued: string[] = [];
  private readonly failures = new Map<string, Failure[]>();
  private code2SessionCalls: number[] = [];
  private currentStable?: string;
  private currentToken?: string;
  private fetches = 0;

  constructor(opts: FakeWechatOptions) {
    this.appId = opts.appId ?? 'wxfake0000000000';
    this.secret = opts.secret ?? 'fake-secret-0123456789abcdef';
    this.tokenExpiresIn = opts.tokenExpiresIn ?? 7200;
    this.code2SessionPerMinute = opts.code2SessionPerMinute ?? Number.POSITIVE_INFINITY;
    this.latencyMs = opts.latencyMs ?? 0;
    this.subscriptions = new FakeSubscriptions(opts);
  }

  now(): number {
    return Date.now() + this.clockOffset;
  }

  /** Moves the fake's clock forward (expires codes and tokens, resets the minute quota). */
  advanceClock(ms: number): void {
    this.clockOffset += ms;
  }

  /** What wx.login would hand the mini-program for this user: a one-time code. */
  issueCode(openid: string, opts: { unionid?: string; sessionKey?: string } = {}): string {
    const code = randomBytes(16).toString('hex');
    const sessionKey = opts.sessionKey ?? randomBytes(16).toString('base64');
    this.codes.set(code, { openid, unionid: opts.unionid, sessionKey, issuedAt: this.now(), used: false });
    return code;
  }

  /** Every session_key this fake has handed out (to check none of them leaves our API). */
  get sessionKeys(): readonly string[] {
    return this.sessionKeysIssued;
  }

  /** Number of successful access-token fetches (/cgi-bin/token and /cgi-bin/stable_token). */
  get tokenFetches(): number {
    return this.fetches;
  }

  /** The next `times` calls to route `name` fail this way. */
  failNext(name: string, failure: Failure, times = 1): void {
    const queue = this.failures.get(name) ?? [];
    for (let i = 0; i < times; i++) queue.push(failure);
    this.failures.set(name, queue);
  }

  /** Invalidates every access token issued so far (as if they had all expired). */
  expireTokens(): void {
    const t = this.now();
    for (const tok of this.tokens.values()) tok.expiresAt = Math.min(tok.expiresAt, t);
  }

  /** Requests to one route, e.g. `requestsTo('jscode2session')`. */
  requestsTo(name: string): RecordedRequest[] {
    return this.requests.filter((r) => r.route === name);
  }

  /** Forgets requests, pending failures and quota usage (issued codes and tokens stay). */
  reset(): void {
    this.requests.length = 0;
    this.failures.clear();
    this.code2SessionCalls = [];
  }

  // ---- used by the routes ----

  takeFailure(name: string): Failure | undefined {
    const queue = this.failures.get(name);
    const f = queue?.shift();
    if (queue && queue.length === 0) this.failures.delete(name);
    return f;
  }

  /** Counts one code2Session call; false when the per-minute quota is used up. */
  takeCode2SessionQuota(): boolean {
    const t = this.now();
    this.code2SessionCalls = this.code2SessionCalls.filter((at) => at > t - 60_000);
    if (this.code2SessionCalls.length >= this.code2SessionPerMinute) return false;
    this.code2SessionCalls.push(t);
    return true;
  }

  redeemCode(code: string): { ok: true; issued: IssuedCode } | { ok: false; errcode: number } {
    const issued = this.codes.get(code);
    if (!issued || this.now() - issued.issuedAt > CODE_TTL_MS) return { ok: false, errcode: 40029 };
    if (issued.used) return { ok: false, errcode: 40163 };
    issued.used = true;
    this.sessionKeysIssued.push(issued.sessionKey);
    return { ok: true, issued };
  }

  issueToken(kind: 'token' | 'stable', forceRefresh = false): { access_token: string; expires_in: number } {
    const t = this.now();
    this.fetches++;
    if (kind === 'stable') {
      const cur = this.currentStable ? this.tokens.get(this.currentStable) : undefined;
      if (cur && cur.expiresAt > t && !forceRefresh && this.currentStable) {
        return { access_token: this.currentStable, expires_in: Math.floor((cur.expiresAt - t) / 1000) };
      }
      if (cur) cur.expiresAt = Math.min(cur.expiresAt, t);
    } else {
      const prev = this.currentToken ? this.tokens.get(this.currentToken) : undefined;
      if (prev) prev.expiresAt = Math.min(prev.expiresAt, t + OLD_TOKEN_GRACE_MS);
    }
    const token = `${kind === 'stable' ? 'STABLE' : 'ACCESS'}_${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { kind, expiresAt: t + this.tokenExpiresIn * 1000 });
    if (kind === 'stable') this.currentStable = token;
    else this.currentToken = token;
    return { access_token: token, expires_in: this.tokenExpiresIn };
  }

  /** 0 when valid, else the errcode WeChat gives for it. */
  checkToken(token: string | undefined): number {
    if (!token) return 41001;
    const tok = this.tokens.get(token);
    if (!tok) return 40001;
    if (tok.expiresAt <= this.now()) return 42001;
    return 0;
  }
}

function credentialsError(state: FakeWechatState, appid: unknown, secret: unknown): number {
  if (!appid) return 41002;
  if (appid !== state.appId) return 40013;
  if (!secret) return 41004;
  if (secret !== state.secret) return 40125;
  return 0;
}

const ROUTES: FakeRoute[] = [
  {
    name: 'jscode2session',
    method: 'GET',
    path: '/sns/jscode2session',
    contentType: 'text/plain',
    handle(ctx) {
      const { appid, secret, js_code: code, grant_type: grantType } = ctx.query;
      const cred = credentialsError(ctx.state, appid, secret);
      if (cred) return ctx.error(cred);
      if (!code) return ctx.error(41008);
      if (grantType !== 'authorization_code') return ctx.error(40002);
      if (!ctx.state.takeCode2SessionQuota()) return ctx.error(45011);
      const r = ctx.state.redeemCode(code);
      if (!r.ok) return ctx.error(r.errcode);
      const { openid, unionid, sessionKey } = r.issued;
      return {
        body: unionid ? { session_key: sessionKey, openid, unionid } : { session_key: sessionKey, openid },
      };
    },
  },
  {
    name: 'token',
    method: 'GET',
    path: '/cgi-bin/token',
    handle(ctx) {
      const { grant_type: grantType, appid, secret } = ctx.query;
      if (grantType !== 'client_credential') return ctx.error(40002);
      const cred = credentialsError(ctx.state, appid, secret);
      if (cred) return ctx.error(cred);
      return { body: ctx.state.issueToken('token') };
    },
  },
  {
    name: 'stable_token',
    method: 'POST',
    path: '/cgi-bin/stable_token',
    handle(ctx) {
      if (!ctx.body) return ctx.error(44002);
      const b = ctx.json;
      if (!b || typeof b !== 'object') return ctx.error(47001);
      const { grant_type: grantType, appid, secret, force_refresh: force } = b as Record<string, unknown>;
      if (grantType !== 'client_credential') return ctx.error(40002);
      const cred = credentialsError(ctx.state, appid, secret);
      if (cred) return ctx.error(cred);
      return { body: ctx.state.issueToken('stable', force === true) };
    },
  },
];

export type FakeWechat = {
  /** e.g. http://127.0.0.1:41234 — pass as WECHAT_API_BASE. */
  baseUrl: string;
  state: FakeWechatState;
  close(): Promise<void>;
};

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeWechat(opts: FakeWechatOptions = {}): Promise<FakeWechat> {
  const state = new FakeWechatState(opts);
  const table = new Map<string, FakeRoute>();
  for (const r of [...ROUTES, ...SUBSCRIBE_ROUTES, ...CONTENT_ROUTES, ...(opts.routes ?? [])])
    table.set(`${r.method} ${r.path}`, r);
  const paths = new Set([...table.values()].map((r) => r.path));

  const server = http.createServer(async (req, res) => {
    if (state.down) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://fake-wechat');
    const method = req.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams);
    const body = await readBody(req).catch(() => '');
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query,
      headers: req.headers,
      body,
      json,
      status: 0,
      response: undefined,
      at: state.now(),
    };
    state.requests.push(record);

    const send = (status: number, payload: unknown, contentType: string) => {
      record.status = status;
      record.response = payload;
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };

    const route = table.get(`${method} ${url.pathname}`);
    if (state.latencyMs > 0) await new Promise((r) => setTimeout(r, state.latencyMs));

    if (!route) {
      if (paths.has(url.pathname)) {
        // WeChat answers a wrong method with an errcode, HTTP 200.
        const e = errReply(method === 'GET' ? 43002 : 43001);
        return send(200, e.body, 'application/json; encoding=utf-8');
      }
      return send(
        404,
        { errcode: 404, errmsg: `fake-wechat: no route ${method} ${url.pathname}` },
        'application/json',
      );
    }
    record.route = route.name;
    const contentType = route.contentType ?? 'application/json; encoding=utf-8';

    const failure = state.takeFailure(route.name);
    if (failure === 'hang') return; // never answers; the client's timeout must fire
    if (typeof failure === 'object') return send(failure.status, failure.body ?? '', 'text/html');
    if (typeof failure === 'number') return send(200, errReply(failure).body, contentType);

    const ctx: RouteContext = {
      query,
      json,
      body,
      headers: req.headers,
      state,
      now: () => state.now(),
      error: errReply,
      requireAccessToken() {
        const code = state.checkToken(query.access_token);
        return code ? errReply(code) : undefined;
      },
    };
    try {
      const reply = await route.handle(ctx);
      send(reply.status ?? 200, reply.body, contentType);
    } catch (e) {
      send(
        500,
        { errcode: -1, errmsg: `fake-wechat route ${route.name} threw: ${String(e)}` },
        'application/json',
      );
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fresh random openid in WeChat's shape (28 characters, starting with "o"). */
export function fakeOpenid(): string {
  return `o${randomUUID().replace(/-/g, '').slice(0, 27)}`;
}

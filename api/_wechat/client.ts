/**
 * WeChat server API client: code2Session, the shared access token (access-token.ts) and
 * subscribe-message send. The base URL is configurable so tests talk to the fake WeChat server on
 * loopback (tests/support/fake-wechat.ts).
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
 */
import type { Outcome } from '../_lib/errors';
import { Err, Ok } from '../_lib/errors';
import type { Logger } from '../_lib/log';
import type { RedisPort } from '../_redis';
import { createAccessTokenSource } from './access-token';
import { postJson } from './post-json';

export type WechatSession = { openid: string; unionid?: string; sessionKey: string };

/** POST /cgi-bin/message/subscribe/send, in our names. */
export type SubscribeMessage = {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
  miniprogramState: 'formal' | 'trial' | 'developer';
};

/**
 * What a send came to. `refused`: 43101, the user declined or spent their consent. `permanent`:
 * WeChat will never take this message as it is (40003 openid, 40037 template, 41030 page, 47003
 * data). `transient`: asking again later may work (-1, 45011 quota, HTTP ≠ 200, network, timeout,
 * a token WeChat keeps refusing) — including when WeChat may have received it but never answered.
 */
export type SubscribeSendResult =
  | { ok: true }
  | { ok: false; outcome: 'refused' | 'permanent' | 'transient'; errcode?: number; error: string };

export type WechatClient = {
  code2Session(code: string): Promise<Outcome<WechatSession>>;
  /** The shared access token; `forceRefresh` after WeChat refused the last one. Throws when unobtainable. */
  accessToken(opts?: { forceRefresh?: boolean }): Promise<string>;
  sendSubscribeMessage(msg: SubscribeMessage): Promise<SubscribeSendResult>;
};

const PERMANENT = new Set([40003, 40037, 41030, 47003]);
const TOKEN_REFUSED = new Set([40001, 42001]);

type Code2SessionReply = {
  openid?: string;
  session_key?: string;
  unionid?: string;
  errcode?: number;
  errmsg?: string;
};

/** errcodes that mean the code itself is bad (user should log in again), not that WeChat is down. */
const BAD_CODE = new Set([40029, 40163, 40226]);

export function createWechatClient(
  cfg: {
    appId: string;
    secret: string;
    apiBase: string;
    timeoutMs: number;
  },
  opts: { redis?: RedisPort; log?: Logger } = {},
): WechatClient {
  const tokens = createAccessTokenSource({ ...cfg, redis: opts.redis, log: opts.log });
  let lastToken: string | undefined;

  const postSend = async (
    token: string,
    msg: SubscribeMessage,
  ): Promise<{ errcode: number; errmsg?: string } | { failed: string }> => {
    const r = await postJson(
      `${cfg.apiBase}/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`,
      {
        touser: msg.touser,
        template_id: msg.templateId,
        page: msg.page,
        data: msg.data,
        miniprogram_state: msg.miniprogramState,
        lang: 'zh_CN',
      },
      cfg.timeoutMs,
    );
    if (!r.ok) return { failed: r.error };
    if (r.status !== 200) return { failed: `HTTP ${r.status}` };
    try {
      const body = JSON.parse(r.text) as { errcode?: number; errmsg?: string };
      return { errcode: body.errcode ?? 0, errmsg: body.errmsg };
    } catch {
      return { failed: 'reply is not JSON' };
    }
  };

  return {
    async accessToken(o) {
      const r = o?.forceRefresh && lastToken ? await tokens.refresh(lastToken) : await tokens.get();
      if (!r.ok) throw new Error(r.error.message ?? 'WeChat access token unavailable');
      lastToken = r.value;
      return r.value;
    },

    async sendSubscribeMessage(msg) {
      let token = await tokens.get();
      if (!token.ok)
        return { ok: false, outcome: 'transient', error: token.error.message ?? 'no access token' };
      let r = await postSend(token.value, msg);
      if ('errcode' in r && TOKEN_REFUSED.has(r.errcode)) {
        token = await tokens.refresh(token.value);
        if (!token.ok)
          return { ok: false, outcome: 'transient', error: token.error.message ?? 'no access token' };
        r = await postSend(token.value, msg);
      }
      if ('failed' in r) return { ok: false, outcome: 'transient', error: r.failed };
      if (r.errcode === 0) return { ok: true };
      const error = `${r.errcode} ${r.errmsg ?? ''}`.trim().slice(0, 200);
      if (r.errcode === 43101) return { ok: false, outcome: 'refused', errcode: r.errcode, error };
      if (PERMANENT.has(r.errcode)) return { ok: false, outcome: 'permanent', errcode: r.errcode, error };
      return { ok: false, outcome: 'transient', errcode: r.errcode, error };
    },

    async code2Session(code) {
      const url = new URL(`${cfg.apiBase}/sns/jscode2session`);
      url.searchParams.set('appid', cfg.appId);
      url.searchParams.set('secret', cfg.secret);
      url.searchParams.set('js_code', code);
      url.searchParams.set('grant_type', 'authorization_code');
      let body: Code2SessionReply;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(cfg.timeoutMs) });
        if (!res.ok) return Err('WECHAT_UNAVAILABLE', undefined, { httpStatus: res.status });
        body = (await res.json()) as Code2SessionReply;
      } catch {
        return Err('WECHAT_UNAVAILABLE');
      }
      if (body.errcode) {
        if (BAD_CODE.has(body.errcode))
          return Err('WECHAT_CODE_INVALID', undefined, { errcode: body.errcode });
        return Err('WECHAT_UNAVAILABLE', undefined, { errcode: body.errcode });
      }
      if (!body.openid || !body.session_key) return Err('WECHAT_UNAVAILABLE');
      return Ok({ openid: body.openid, unionid: body.unionid, sessionKey: body.session_key });
    },
  };
}

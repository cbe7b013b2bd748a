/**
 * WeChat server API client. Only code2Session for now; the base URL is configurable so tests
 * talk to the fake WeChat server on loopback (tests/support/fake-wechat.ts).
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
 */
import type { Outcome } from '../_lib/errors';
import { Err, Ok } from '../_lib/errors';

export type WechatSession = { openid: string; unionid?: string; sessionKey: string };

export type WechatClient = {
  code2Session(code: string): Promise<Outcome<WechatSession>>;
};

type Code2SessionReply = {
  openid?: string;
  session_key?: string;
  unionid?: string;
  errcode?: number;
  errmsg?: string;
};

/** errcodes that mean the code itself is bad (user should log in again), not that WeChat is down. */
const BAD_CODE = new Set([40029, 40163, 40226]);

export function createWechatClient(cfg: {
  appId: string;
  secret: string;
  apiBase: string;
  timeoutMs: number;
}): WechatClient {
  return {
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

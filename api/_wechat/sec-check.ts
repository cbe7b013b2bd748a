/**
 * WeChat content security (内容安全) calls: msgSecCheck v2 (synchronous, text) and
 * mediaCheckAsync v2 (asynchronous, images; the verdict arrives later at the message-push
 * endpoint). Each call needs an access token, obtained through `accessToken()` (shared, cached
 * per deployment — api/_wechat/client.ts); a token WeChat calls invalid is refreshed once.
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/mediaCheckAsync.html
 *
 * Answers are values: a verdict, `unreachable` (network, timeout, HTTP ≠ 200, errcode -1 or a
 * quota — asking again later may work) or `rejected` (WeChat refused the request itself, e.g.
 * 40003 bad openid, 61010 user not seen lately: asking again will not help).
 */
import type { Suggest } from '../../shared/content/rules';
import type { Logger } from '../_lib/log';

export type AccessTokenFn = (opts?: { forceRefresh?: boolean }) => Promise<string>;

export type SecCheckAnswer<T> =
  | ({ kind: 'ok' } & T)
  | { kind: 'unreachable'; reason: string }
  | { kind: 'rejected'; errcode: number; errmsg?: string };

export type MsgSecCheckVerdict = { suggest: Suggest; label: string; traceId?: string };

export type SecCheckClient = {
  msgSecCheck(p: {
    content: string;
    scene: number;
    openid: string;
  }): Promise<SecCheckAnswer<MsgSecCheckVerdict>>;
  mediaCheckAsync(p: {
    mediaUrl: string;
    scene: number;
    openid: string;
    /** 2 image (default), 1 audio. */
    mediaType?: 1 | 2;
  }): Promise<SecCheckAnswer<{ traceId: string }>>;
};

/** errcodes after which asking again later may succeed. */
const TRANSIENT = new Set([-1, 45009, 45011]);
/** errcodes meaning our access token is bad: refresh it once and retry. */
const TOKEN_ERRORS = new Set([40001, 40014, 41001, 42001]);

type Reply = {
  errcode?: number;
  errmsg?: string;
  trace_id?: string;
  result?: { suggest?: string; label?: string | number };
};

/** A pooled connection the server closed just as we reused it: nothing was processed, send again. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

async function post(
  url: string,
  body: object,
  timeoutMs: number,
): Promise<{ reply: Reply } | { failed: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) return { failed: `http ${res.status}` };
      return { reply: (await res.json()) as Reply };
    } catch (err) {
      const code = err instanceof Error ? (err.cause as { code?: string } | undefined)?.code : undefined;
      if (attempt === 0 && code && RESET_CODES.has(code)) continue;
      return { failed: code ?? (err instanceof Error ? err.name : String(err)) };
    }
  }
}

export function createSecCheckClient(cfg: {
  apiBase: string;
  timeoutMs: number;
  accessToken: AccessTokenFn;
  log?: Logger;
}): SecCheckClient {
  async function call(path: string, body: object): Promise<SecCheckAnswer<{ reply: Reply }>> {
    const r = await ask(path, body);
    if (r.kind !== 'ok') cfg.log?.('warn', 'wechat content check failed', { path, ...r });
    return r;
  }

  async function ask(path: string, body: object): Promise<SecCheckAnswer<{ reply: Reply }>> {
    for (let attempt = 0; attempt < 2; attempt++) {
      let token: string;
      try {
        token = await cfg.accessToken({ forceRefresh: attempt > 0 });
      } catch (err) {
        return { kind: 'unreachable', reason: `access token: ${String(err)}` };
      }
      const sent = await post(
        `${cfg.apiBase}${path}?access_token=${encodeURIComponent(token)}`,
        body,
        cfg.timeoutMs,
      );
      if ('failed' in sent) return { kind: 'unreachable', reason: sent.failed };
      const reply = sent.reply;
      const errcode = reply.errcode ?? 0;
      if (errcode === 0) return { kind: 'ok', reply };
      if (TOKEN_ERRORS.has(errcode) && attempt === 0) continue;
      if (TRANSIENT.has(errcode) || TOKEN_ERRORS.has(errcode)) {
        return { kind: 'unreachable', reason: `errcode ${errcode}` };
      }
      return { kind: 'rejected', errcode, errmsg: reply.errmsg };
    }
    return { kind: 'unreachable', reason: 'access token refused twice' };
  }

  return {
    async msgSecCheck({ content, scene, openid }) {
      const r = await call('/wxa/msg_sec_check', { content, version: 2, scene, openid });
      if (r.kind !== 'ok') return r;
      const suggest = r.reply.result?.suggest;
      if (suggest !== 'pass' && suggest !== 'review' && suggest !== 'risky') {
        return { kind: 'unreachable', reason: 'reply without result.suggest' };
      }
      return {
        kind: 'ok',
        suggest,
        label: String(r.reply.result?.label ?? ''),
        traceId: r.reply.trace_id,
      };
    },
    async mediaCheckAsync({ mediaUrl, scene, openid, mediaType = 2 }) {
      const r = await call('/wxa/media_check_async', {
        media_url: mediaUrl,
        media_type: mediaType,
        version: 2,
        scene,
        openid,
      });
      if (r.kind !== 'ok') return r;
      if (!r.reply.trace_id) return { kind: 'unreachable', reason: 'reply without trace_id' };
      return { kind: 'ok', traceId: r.reply.trace_id };
    },
  };
}

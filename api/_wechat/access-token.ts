/**
 * WeChat's access token (接口调用凭证), fetched with getStableAccessToken
 * (POST /cgi-bin/stable_token { grant_type: 'client_credential', appid, secret, force_refresh }).
 *
 * One token for all instances: it is cached in Redis (`cache:wechat:token:<appid>`) until a margin
 * before it expires, and only the instance holding the short lock `lock:wechat-token:<appid>`
 * fetches a new one; the others wait briefly and read what it wrote. Each instance also keeps it in
 * memory, so a warm instance asks neither Redis nor WeChat per message. Without Redis (absent or
 * down) each instance fetches and caches its own — more fetches, still correct: the stable token
 * API returns the same token while it is valid.
 *
 * When an API call answers 40001 (invalid / not latest) or 42001 (expired), the caller hands the
 * refused token to `refresh`: if another instance already replaced it, that one is used; otherwise
 * a normal fetch, and only if WeChat still returns the refused token, a forced refresh (which
 * invalidates the token for everyone, so it is done once, under the lock).
 */
import type { Logger } from '../_lib/log';
import { Err, Ok, type Outcome } from '../_lib/errors';
import type { RedisPort } from '../_redis';

export type AccessTokenSource = {
  get(): Promise<Outcome<string>>;
  /** `stale` was refused by WeChat (40001/42001): a newer token, obtained once for all instances. */
  refresh(stale: string): Promise<Outcome<string>>;
};

type Cached = { token: string; expiresAt: number };
type StableTokenReply = { access_token?: string; expires_in?: number; errcode?: number; errmsg?: string };

/** Stop using a token this long before WeChat's expiry (or a quarter of its life, if shorter). */
const MARGIN_MS = 5 * 60_000;
const WAIT_STEP_MS = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createAccessTokenSource(cfg: {
  appId: string;
  secret: string;
  apiBase: string;
  timeoutMs: number;
  redis?: RedisPort;
  log?: Logger;
}): AccessTokenSource {
  const cacheKey = `wechat:token:${cfg.appId}`;
  const lockName = `wechat-token:${cfg.appId}`;
  // The lock outlives a slow fetch (one timeout) with room to spare, and expires if we crash.
  const lockMs = cfg.timeoutMs * 2 + 1000;
  let memory: Cached | undefined;
  const inflight = new Map<string, Promise<Outcome<string>>>();

  const usable = (c: Cached | undefined, stale?: string): boolean =>
    !!c && typeof c.token === 'string' && c.token !== stale && c.expiresAt > Date.now();

  const readShared = async (stale?: string): Promise<Cached | undefined> => {
    if (!cfg.redis) return undefined;
    const c = await cfg.redis.cacheGet<Cached>(cacheKey);
    return c && usable(c, stale) ? c : undefined;
  };

  const fetchStable = async (force: boolean): Promise<Outcome<Cached>> => {
    let body: StableTokenReply;
    try {
      const res = await fetch(`${cfg.apiBase}/cgi-bin/stable_token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credential',
          appid: cfg.appId,
          secret: cfg.secret,
          force_refresh: force,
        }),
        signal: AbortSignal.timeout(cfg.timeoutMs),
      });
      if (!res.ok) return Err('WECHAT_UNAVAILABLE', `stable_token: HTTP ${res.status}`);
      body = (await res.json()) as StableTokenReply;
    } catch (e) {
      return Err('WECHAT_UNAVAILABLE', `stable_token: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (body.errcode || !body.access_token || !body.expires_in) {
      cfg.log?.('error', 'wechat access token refused', { errcode: body.errcode, errmsg: body.errmsg });
      return Err('WECHAT_UNAVAILABLE', `stable_token: errcode ${body.errcode}`, { errcode: body.errcode });
    }
    const lifeMs = body.expires_in * 1000;
    const expiresAt = Date.now() + lifeMs - Math.min(MARGIN_MS, lifeMs / 4);
    cfg.log?.('info', 'wechat access token fetched', { force, expiresInS: body.expires_in });
    return Ok({ token: body.access_token, expiresAt });
  };

  const fetchAndShare = async (stale?: string): Promise<Outcome<string>> => {
    let got = await fetchStable(false);
    if (got.ok && stale && got.value.token === stale) got = await fetchStable(true);
    if (!got.ok) return got;
    memory = got.value;
    if (cfg.redis) {
      const ttlS = Math.floor((got.value.expiresAt - Date.now()) / 1000);
      if (ttlS > 0) await cfg.redis.cacheSet(cacheKey, got.value, ttlS);
    }
    return Ok(got.value.token);
  };

  const load = async (stale?: string): Promise<Outcome<string>> => {
    const shared = await readShared(stale);
    if (shared) {
      memory = shared;
      return Ok(shared.token);
    }
    const lock = cfg.redis ? await cfg.redis.lock(lockName, lockMs) : ({ state: 'unavailable' } as const);
    if (lock.state === 'held') {
      // Another instance is fetching: read what it writes rather than fetch a second time.
      const until = Date.now() + lockMs;
      while (Date.now() < until) {
        await sleep(WAIT_STEP_MS);
        const c = await readShared(stale);
        if (c) {
          memory = c;
          return Ok(c.token);
        }
      }
      cfg.log?.('warn', 'wechat access token: the instance holding the lock never wrote one; fetching');
      return fetchAndShare(stale);
    }
    try {
      if (lock.state === 'acquired') {
        const c = await readShared(stale); // written between our read and our lock
        if (c) {
          memory = c;
          return Ok(c.token);
        }
      }
      return await fetchAndShare(stale);
    } finally {
      if (lock.state === 'acquired') await lock.release();
    }
  };

  /** One load at a time per instance and purpose: concurrent senders share it. */
  const once = (stale?: string) => {
    const k = stale ?? '';
    let p = inflight.get(k);
    if (!p) {
      p = load(stale).finally(() => inflight.delete(k));
      inflight.set(k, p);
    }
    return p;
  };

  return {
    async get() {
      if (memory && usable(memory)) return Ok(memory.token);
      return once();
    },
    async refresh(stale) {
      if (memory && usable(memory, stale)) return Ok(memory.token);
      if (memory?.token === stale) memory = undefined;
      return once(stale);
    },
  };
}

/**
 * What content operations need, and the one place the WeChat content-security client is wired.
 * `secCheck` is undefined when WeChat is not configured (WECHAT_APP_ID empty, e.g. local dev):
 * then every check is treated as "WeChat unreachable" and the content waits for a reviewer,
 * so nothing goes public unchecked even in a demo.
 */
import type { Deps } from '../_app/context';
import { createSecCheckClient, type AccessTokenFn, type SecCheckClient } from '../_wechat/sec-check';

export type ContentDeps = Pick<Deps, 'db' | 'config' | 'log'> & {
  wechat: Deps['wechat'];
  /** Overrides the client built from config (tests, scripts). */
  secCheck?: SecCheckClient | null;
};

const clients = new WeakMap<object, SecCheckClient>();

export function secCheckFor(deps: ContentDeps): SecCheckClient | undefined {
  if (deps.secCheck !== undefined) return deps.secCheck ?? undefined;
  if (!deps.config.wechat.appId) return undefined;
  let client = clients.get(deps.wechat);
  if (!client) {
    client = createSecCheckClient({
      apiBase: deps.config.wechat.apiBase,
      timeoutMs: deps.config.wechat.timeoutMs,
      accessToken: accessTokenOf(deps),
      log: deps.log,
    });
    clients.set(deps.wechat, client);
  }
  return client;
}

function accessTokenOf(deps: ContentDeps): AccessTokenFn {
  return (opts) => deps.wechat.accessToken(opts);
}

/**
 * Lets @upstash/ratelimit run on stock Redis behind serverless-redis-http (the self-hosted path).
 *
 * Since 2.1 the library's Lua scripts start with `#!lua flags=allow-key-locking`, a flag only
 * Upstash knows; Redis 7 answers "ERR Unexpected flag in script shebang" (Redis 6: a syntax error
 * near '#'). This wrapper passes scripts through untouched until the server rejects one that way,
 * then switches for good to sending them without the shebang line, mapping the SHA1 the library
 * computed over the original text to the SHA1 of what Redis actually holds, so EVALSHA still saves
 * the script upload. On Upstash the first branch is the only one ever taken.
 */
import { createHash } from 'node:crypto';
import type { Redis } from '@upstash/redis';

type Log = (level: 'info', msg: string, fields?: Record<string, unknown>) => void;

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const SHEBANG_REJECTED = /shebang|near '#'/i;

export function dropShebang(script: string): string {
  return script.startsWith('#!') ? script.slice(script.indexOf('\n') + 1 || script.length) : script;
}

export function withScriptCompat(redis: Redis, log: Log): Redis {
  let stripped = false;
  /** library's SHA1 (of the original) → SHA1 of the stripped script */
  const shas = new Map<string, string>();

  const evalStripped = (script: string, keys: string[], args: unknown[]) => {
    const body = dropShebang(script);
    shas.set(sha1(script), sha1(body));
    return redis.eval(body, keys, args);
  };

  const compatEval = async (script: string, keys: string[], args: unknown[]) => {
    if (!stripped) {
      try {
        return await redis.eval(script, keys, args);
      } catch (err) {
        if (!SHEBANG_REJECTED.test(String(err))) throw err;
        stripped = true;
        log('info', 'redis rejects Upstash script flags: running rate-limit scripts without them', {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    return evalStripped(script, keys, args);
  };

  const compatEvalsha = async (hash: string, keys: string[], args: unknown[]) => {
    if (!stripped) return redis.evalsha(hash, keys, args);
    const mapped = shas.get(hash);
    // The library answers NOSCRIPT by sending the script itself, which fills the map.
    if (!mapped) throw new Error('NOSCRIPT script not loaded yet (script-compat)');
    return redis.evalsha(mapped, keys, args);
  };

  return new Proxy(redis, {
    get(target, prop, receiver) {
      if (prop === 'eval') return compatEval;
      if (prop === 'evalsha') return compatEvalsha;
      return Reflect.get(target, prop, receiver);
    },
  });
}

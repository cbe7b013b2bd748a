/**
 * The Upstash Redis REST protocol on loopback, in front of a real redis-server (via ioredis), so
 * tests and benchmarks run the real @upstash/redis and @upstash/ratelimit clients unchanged.
 * Not for production: self-hosted deployments use serverless-redis-http (README).
 *
 * What it speaks (as @upstash/redis 1.x sends and expects it):
 * - `POST /` with a JSON array `["SET","k","v"]` → `{"result": …}`, or 400 `{"error": "ERR …"}`.
 * - `POST /pipeline` with an array of arrays → 200 and one `{result}|{error}` per command.
 * - `POST /multi-exec` likewise, run as MULTI … EXEC (atomic); a command refused while queueing
 *   discards the whole transaction → 400 `{"error": "EXECABORT …"}`.
 * - Path style, as Upstash's REST API documents: `GET|POST /set/k/v` (a POST body is the last arg).
 * - `Authorization: Bearer <token>` (or `?_token=`), else 401 `{"error": "Unauthorized"}`.
 * - `Upstash-Encoding: base64`: every string in the result base64 (UTF-8 bytes), integers as JSON
 *   numbers, nil as null, arrays recursively. Without the header strings are plain JSON strings.
 * - Redis unreachable → 500 `{"error": …}` (the client throws; nothing pretends to succeed).
 *
 * What differs from stock Redis, and why:
 * - @upstash/ratelimit ≥ 2.1 starts its scripts with `#!lua flags=allow-key-locking`, a flag only
 *   Upstash knows; stock Redis rejects it ("Unexpected flag in script shebang"). The bridge drops
 *   that flag (the line, when it was the only one) and maps the SHA1 the library computed over the
 *   original text to the stripped script's, so EVALSHA works. `stripScriptFlags: false` turns this
 *   off to behave like serverless-redis-http in front of stock Redis.
 * - Commands are sent upper-case with Buffer replies: ioredis reshapes lower-case `hgetall` and
 *   friends into objects, and Buffers keep UTF-8 intact through the base64 round trip.
 * - ioredis 5 speaks RESP2 only (it has no `protocol` option), which is what the encoding assumes.
 * - Connection-state commands (SELECT, SUBSCRIBE, MULTI as a single command, WATCH…) are refused
 *   like Upstash does: the bridge shares one connection. Blocking commands (BLPOP…) get a
 *   connection of their own so they do not stall everyone else.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis, ReplyError } from 'ioredis';

export type UpstashBridgeOptions = {
  /** redis://host:port[/db] of the real server; default redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Bearer token clients must send; random when omitted. */
  token?: string;
  /** Drop Upstash-only script flags (default true). false = what SRH + stock Redis do. */
  stripScriptFlags?: boolean;
  /** Sees every command as received (before any rewriting), e.g. to assert EVALSHA was used. */
  onCommand?: (args: string[]) => void;
};

export type UpstashBridge = {
  /** http://127.0.0.1:<port> — use as UPSTASH_REDIS_REST_URL. */
  url: string;
  token: string;
  close(): Promise<void>;
  /** HTTP requests received so far (answered or not). */
  requests(): number;
  /** While on, requests are accepted and never answered (a network black hole). */
  setHang(on: boolean): void;
};

type Arg = string | Buffer;
type Reply = Buffer | string | number | null | Reply[] | Error;
type Outcome = { result: unknown } | { error: string };

/** Commands that change or depend on connection state, which one shared connection cannot offer. */
const REFUSED = new Set([
  'SELECT',
  'SUBSCRIBE',
  'PSUBSCRIBE',
  'SSUBSCRIBE',
  'UNSUBSCRIBE',
  'PUNSUBSCRIBE',
  'SUNSUBSCRIBE',
  'MONITOR',
  'MULTI',
  'EXEC',
  'DISCARD',
  'WATCH',
  'UNWATCH',
  'QUIT',
  'RESET',
  'HELLO',
  'AUTH',
  'CLIENT',
  'SYNC',
  'PSYNC',
  'REPLICAOF',
  'SLAVEOF',
  'SHUTDOWN',
]);
const BLOCKING = new Set([
  'BLPOP',
  'BRPOP',
  'BRPOPLPUSH',
  'BLMOVE',
  'BLMPOP',
  'BZPOPMIN',
  'BZPOPMAX',
  'BZMPOP',
]);

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** Removes `allow-key-locking` from a `#!lua flags=…` first line; drops the line if no flag is left. */
function stripUpstashFlags(script: string): string {
  const m = /^#!lua([^\n]*)(\n|$)/.exec(script);
  if (!m?.[1]?.includes('allow-key-locking')) return script;
  const rest = script.slice(m[0].length);
  const parts = m[1].trim().split(/\s+/);
  const kept = parts
    .map((p) => {
      if (!p.startsWith('flags=')) return p;
      const flags = p
        .slice(6)
        .split(',')
        .filter((f) => f && f !== 'allow-key-locking');
      return flags.length ? `flags=${flags.join(',')}` : '';
    })
    .filter(Boolean);
  return kept.length ? `#!lua ${kept.join(' ')}\n${rest}` : rest;
}

class BadRequest extends Error {}

function toArgs(cmd: unknown): Arg[] {
  if (!Array.isArray(cmd) || cmd.length === 0)
    throw new BadRequest('ERR invalid command: expected a non-empty array');
  return cmd.map((a) => {
    if (typeof a === 'string') return a;
    if (typeof a === 'number' || typeof a === 'boolean') return String(a);
    throw new BadRequest(`ERR invalid argument type: ${a === null ? 'null' : typeof a}`);
  });
}

function encode(reply: Reply, base64: boolean): unknown {
  if (reply === null || typeof reply === 'number') return reply;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString('base64') : reply.toString('utf8');
  if (typeof reply === 'string') return base64 ? Buffer.from(reply, 'utf8').toString('base64') : reply;
  if (reply instanceof Error) return reply.message;
  return reply.map((r) => encode(r, base64));
}

const isReplyError = (e: unknown): e is Error => e instanceof ReplyError;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function startUpstashBridge(opts: UpstashBridgeOptions = {}): Promise<UpstashBridge> {
  const redisUrl = opts.redisUrl ?? 'redis://127.0.0.1:6379';
  const token = opts.token ?? randomBytes(18).toString('base64url');
  const strip = opts.stripScriptFlags ?? true;
  const connOpts = {
    lazyConnect: true,
    // Fail fast while Redis is away instead of queueing: clients see 500 and fall back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(times * 50, 500),
    connectionName: 'upstash-bridge',
  };
  const redis = new Redis(redisUrl, connOpts);
  redis.on('error', () => {}); // reported per request; ioredis would print every reconnect failure
  await redis.connect();

  /** SHA1 of a script as the client wrote it → SHA1 of the script Redis actually holds. */
  const shaMap = new Map<string, string>();
  const rewrite = (args: Arg[]): Arg[] => {
    if (!strip) return args;
    const name = String(args[0]).toUpperCase();
    const mapScript = (i: number) => {
      const script = String(args[i]);
      const stripped = stripUpstashFlags(script);
      if (stripped !== script) shaMap.set(sha1(script), sha1(stripped));
      const out = args.slice();
      out[i] = stripped;
      return out;
    };
    if (name === 'EVAL' || name === 'EVAL_RO') return mapScript(1);
    if (name === 'EVALSHA' || name === 'EVALSHA_RO') {
      const mapped = shaMap.get(String(args[1]).toLowerCase());
      if (!mapped) return args;
      const out = args.slice();
      out[1] = mapped;
      return out;
    }
    if (name === 'SCRIPT' && String(args[1]).toUpperCase() === 'LOAD') return mapScript(2);
    if (name === 'SCRIPT' && String(args[1]).toUpperCase() === 'EXISTS') {
      return args.map((a, i) => (i >= 2 ? (shaMap.get(String(a).toLowerCase()) ?? a) : a));
    }
    return args;
  };

  const send = (conn: Redis, args: Arg[]): Promise<Reply> => {
    const [name, ...rest] = args;
    return conn.callBuffer(String(name).toUpperCase(), ...rest) as Promise<Reply>;
  };

  const blockingConns = new Set<Redis>();
  const exec = async (raw: Arg[]): Promise<Reply> => {
    opts.onCommand?.(raw.map(String));
    const name = String(raw[0]).toUpperCase();
    if (REFUSED.has(name)) throw new ReplyError(`ERR Command is not available: '${name}'`);
    const args = rewrite(raw);
    let reply: Reply;
    if (BLOCKING.has(name)) {
      const conn = new Redis(redisUrl, { ...connOpts, connectionName: 'upstash-bridge-blocking' });
      conn.on('error', () => {});
      blockingConns.add(conn);
      try {
        await conn.connect();
        reply = await send(conn, args);
      } finally {
        blockingConns.delete(conn);
        conn.disconnect();
      }
    } else {
      reply = await send(redis, args);
    }
    // SCRIPT LOAD answers the SHA1 the client computed, as Upstash would.
    if (strip && name === 'SCRIPT' && String(raw[1]).toUpperCase() === 'LOAD') {
      const original = sha1(String(raw[2]));
      if (shaMap.has(original)) return original;
    }
    return reply;
  };

  /** MULTI, the commands and EXEC go out in one tick on the shared connection: nothing interleaves. */
  const multiExec = async (cmds: Arg[][]): Promise<Reply[]> => {
    for (const c of cmds) {
      opts.onCommand?.(c.map(String));
      const name = String(c[0]).toUpperCase();
      if (REFUSED.has(name) || BLOCKING.has(name))
        throw new ReplyError(`ERR Command is not available: '${name}'`);
    }
    const multi = send(redis, ['MULTI']);
    const queued = cmds.map((c) => send(redis, rewrite(c)));
    const execP = send(redis, ['EXEC']);
    const settled = await Promise.allSettled([multi, ...queued, execP]);
    const exe = settled[settled.length - 1]!;
    if (exe.status === 'rejected') {
      const queueError = settled.slice(1, -1).find((s) => s.status === 'rejected');
      const e =
        queueError?.status === 'rejected' && isReplyError(queueError.reason) ? queueError.reason : exe.reason;
      throw isReplyError(exe.reason)
        ? new ReplyError(`${errorText(exe.reason)} (${errorText(e)})`)
        : exe.reason;
    }
    const replies = exe.value;
    if (!Array.isArray(replies)) throw new Error('EXEC returned no array (transaction aborted)');
    return replies;
  };

  let count = 0;
  let hang = false;

  const server = http.createServer((req, res) => {
    count++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (hang) return; // keep the socket open, never answer
      void handle(req, Buffer.concat(chunks).toString('utf8')).then(
        ({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: errorText(err) }));
        },
      );
    });
  });

  async function handle(req: http.IncomingMessage, text: string): Promise<{ status: number; body: unknown }> {
    const url = new URL(req.url ?? '/', 'http://bridge');
    const auth = req.headers.authorization ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice(7) : (url.searchParams.get('_token') ?? '');
    if (given !== token) return { status: 401, body: { error: 'Unauthorized' } };
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';

    const one = async (cmd: Arg[]): Promise<Outcome> => {
      try {
        return { result: encode(await exec(cmd), base64) };
      } catch (e) {
        if (isReplyError(e)) return { error: e.message };
        throw e;
      }
    };

    let body: unknown;
    try {
      if (url.pathname === '/pipeline' || url.pathname === '/multi-exec') {
        body = JSON.parse(text);
        if (!Array.isArray(body) || body.length === 0) {
          return { status: 400, body: { error: 'ERR expected a non-empty array of commands' } };
        }
        const cmds = body.map(toArgs);
        if (url.pathname === '/pipeline') {
          // Non-atomic, in order; Redis-level errors are per command, a lost connection fails all.
          return { status: 200, body: await Promise.all(cmds.map(one)) };
        }
        try {
          const replies = await multiExec(cmds);
          return {
            status: 200,
            body: replies.map((r) =>
              r instanceof Error ? { error: r.message } : { result: encode(r, base64) },
            ),
          };
        } catch (e) {
          if (isReplyError(e)) return { status: 400, body: { error: e.message } };
          throw e;
        }
      }
      let cmd: Arg[];
      if (url.pathname === '/' || url.pathname === '') {
        cmd = toArgs(JSON.parse(text));
      } else {
        cmd = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
        if (text) cmd.push(text);
      }
      const out = await one(cmd);
      return { status: 'error' in out ? 400 : 200, body: out };
    } catch (e) {
      if (e instanceof BadRequest || e instanceof SyntaxError)
        return { status: 400, body: { error: errorText(e) } };
      return { status: 500, body: { error: `redis unavailable: ${errorText(e)}` } };
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests: () => count,
    setHang: (on) => {
      hang = on;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of blockingConns) c.disconnect();
      redis.disconnect();
    },
  };
}

/**
 * The HTTP transport under @upstash/redis: the Upstash REST protocol over node:http / node:https
 * with a keep-alive agent, in place of the client's own fetch.
 *
 * Why: every rate-limited request makes one Redis call, and through fetch (with the per-call
 * AbortSignal our deadline needs) one call cost ≈ 0.6 ms of CPU on the bench machine, against
 * ≈ 0.1 ms this way (bench/README.md, "Redis transport"). The protocol is the one the library
 * speaks, so commands, scripts and @upstash/ratelimit run unchanged:
 * - POST <url>/<path…> with the command (or a pipeline's commands) as a JSON body, Bearer token;
 * - 200 → `{ result }` (a pipeline: an array of `{ result } | { error }`); otherwise `{ error }`,
 *   thrown as UpstashError worded "<error>, command was: <command>" as the library does;
 * - replies as plain JSON strings (no Upstash-Encoding: base64; every value we store is UTF-8);
 * - read-your-writes: the `upstash-sync-token` a reply carries goes with the next request.
 * A call has `deadline()` ms, all of it, then the socket is dropped. A request that fails before
 * any reply on a reused keep-alive socket (closed by the server meanwhile) is sent once more.
 */
import http from 'node:http';
import https from 'node:https';
import { Redis, errors } from '@upstash/redis';

type UpstashRequest = { path?: string[]; body?: unknown; headers?: Record<string, string> };
type UpstashResponse<T> = { result?: T; error?: string };

export class RedisTimeoutError extends Error {
  override name = 'TimeoutError';
}

export type NodeRequesterOptions = {
  url: string;
  token: string;
  /** Milliseconds one call may take, evaluated per call. */
  deadline: () => number;
  /** Sockets kept per instance (default 32). */
  maxSockets?: number;
};

export function nodeRequester(opts: NodeRequesterOptions) {
  const base = new URL(opts.url);
  const secure = base.protocol === 'https:';
  const transport = secure ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 32 });
  const prefix = base.pathname.replace(/\/$/, '');
  const authorization = `Bearer ${opts.token}`;
  let syncToken = '';

  const once = (path: string, body: string, deadlineMs: number) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      let replied = false;
      const headers: Record<string, string | number> = {
        authorization,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      };
      if (syncToken) headers['upstash-sync-token'] = syncToken;
      const req = transport.request(
        {
          agent,
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          method: 'POST',
          path,
          headers,
        },
        (res) => {
          replied = true;
          const token = res.headers['upstash-sync-token'];
          if (typeof token === 'string') syncToken = token;
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, text });
          });
          res.on('error', (e) => {
            clearTimeout(timer);
            reject(e);
          });
        },
      );
      const timer = setTimeout(
        () => req.destroy(new RedisTimeoutError(`no answer within ${deadlineMs} ms`)),
        deadlineMs,
      );
      req.on('error', (e: Error & { reusedSocket?: boolean }) => {
        clearTimeout(timer);
        reject(Object.assign(e, { reusedSocket: req.reusedSocket && !replied }));
      });
      req.end(body);
    });

  return {
    async request<T>(r: UpstashRequest): Promise<UpstashResponse<T>> {
      const path = [prefix, ...(r.path ?? [])].join('/') || '/';
      const body = JSON.stringify(r.body);
      const started = Date.now();
      const deadline = opts.deadline();
      let res: { status: number; text: string };
      try {
        res = await once(path, body, deadline);
      } catch (e) {
        const stale = (e as { reusedSocket?: boolean }).reusedSocket && !(e instanceof RedisTimeoutError);
        const left = deadline - (Date.now() - started);
        if (!stale || left <= 0) throw e;
        res = await once(path, body, left);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(res.text);
      } catch (cause) {
        throw new errors.UpstashJSONParseError(res.text, { cause });
      }
      if (res.status < 200 || res.status >= 300) {
        const message = (parsed as { error?: string })?.error ?? `HTTP ${res.status}`;
        throw new errors.UpstashError(`${message}, command was: ${body}`);
      }
      return parsed as UpstashResponse<T>;
    },
  };
}

/** @upstash/redis over nodeRequester, replies left as strings (we parse our JSON ourselves). */
export class NodeRedis extends Redis {
  constructor(opts: NodeRequesterOptions) {
    super(nodeRequester(opts));
    this.opts = { automaticDeserialization: false };
    this.enableTelemetry = false;
    this.enableAutoPipelining = false;
  }
}

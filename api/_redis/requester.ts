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
 *
 * Single commands sent while `maxInFlight` requests (one per socket) are already out wait, and go
 * together as one `/pipeline` request when one of those comes back. An Upstash pipeline is not atomic: each
 * command runs on its own, in order, and has its own reply or error — the same as sending them one
 * by one. So a burst of N calls (200 bookings at 8:00, each taking a rate-limit token) costs a
 * handful of round trips instead of N, and a call alone goes out at once as before.
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
  /**
   * Requests out at once before single commands wait to go together in a pipeline (default: as
   * many as there are sockets, past which they would queue for one anyway).
   */
  maxInFlight?: number;
};

/** A single command waiting for the next pipeline. */
type Waiter = {
  command: unknown;
  until: number;
  resolve: (r: UpstashResponse<unknown>) => void;
  reject: (e: unknown) => void;
  done: boolean;
  /** Only while it waits for a pipeline; once sent, the request's own deadline applies. */
  timer?: ReturnType<typeof setTimeout>;
};
/** Commands in one pipeline at most; more wait for the next. */
const MAX_PIPELINE = 500;

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

  /** One POST, with the deadline and the one resend on a stale keep-alive socket. */
  const post = async (path: string, body: string, deadline: number) => {
    const started = Date.now();
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
    return parsed;
  };

  const maxInFlight = opts.maxInFlight ?? opts.maxSockets ?? 32;
  let inFlight = 0;
  let waiting: Waiter[] = [];
  const root = prefix || '/';

  const settle = (w: Waiter, ok: boolean, value: unknown) => {
    if (w.done) return;
    w.done = true;
    clearTimeout(w.timer);
    if (ok) w.resolve(value as UpstashResponse<unknown>);
    else w.reject(value);
  };

  /** Sends the waiting commands as one pipeline (a lone one as itself) while a request may go. */
  const flush = () => {
    while (inFlight < maxInFlight) {
      const now = Date.now();
      const live = waiting.filter((w) => !w.done);
      const batch = live.slice(0, MAX_PIPELINE);
      waiting = live.slice(MAX_PIPELINE);
      if (batch.length === 0) return;
      const deadline = Math.max(...batch.map((w) => w.until)) - now;
      inFlight++;
      const sent =
        batch.length === 1
          ? post(root, JSON.stringify(batch[0]!.command), deadline).then((r) => [r])
          : post(`${prefix}/pipeline`, JSON.stringify(batch.map((w) => w.command)), deadline);
      sent
        .then(
          (replies) => {
            batch.forEach((w, i) => {
              const r = (replies as UpstashResponse<unknown>[])[i];
              if (r && r.error === undefined) settle(w, true, r);
              else {
                const message = r?.error ?? 'no reply for this command in the pipeline';
                settle(
                  w,
                  false,
                  new errors.UpstashError(`${message}, command was: ${JSON.stringify(w.command)}`),
                );
              }
            });
          },
          (e) => {
            for (const w of batch) settle(w, false, e);
          },
        )
        .finally(() => {
          inFlight--;
          flush();
        });
    }
  };

  return {
    async request<T>(r: UpstashRequest): Promise<UpstashResponse<T>> {
      const deadline = opts.deadline();
      if (r.path?.length) {
        // A pipeline or a transaction of the caller's own goes as it is.
        inFlight++;
        try {
          return (await post(
            [prefix, ...r.path].join('/'),
            JSON.stringify(r.body),
            deadline,
          )) as UpstashResponse<T>;
        } finally {
          inFlight--;
          flush();
        }
      }
      return new Promise<UpstashResponse<T>>((resolve, reject) => {
        const w: Waiter = {
          command: r.body,
          until: Date.now() + deadline,
          resolve: resolve as Waiter['resolve'],
          reject,
          done: false,
        };
        waiting.push(w);
        flush();
        if (waiting.includes(w)) {
          w.timer = setTimeout(
            () => settle(w, false, new RedisTimeoutError(`no answer within ${deadline} ms`)),
            deadline,
          );
        }
      });
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

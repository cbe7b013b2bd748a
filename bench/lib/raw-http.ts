/**
 * A lean HTTP/1.1 client for load generators: keep-alive sockets from node:net, requests written
 * as one string, answers cut by Content-Length. It does only what the bench needs (no chunked
 * bodies, no redirects, no TLS) and costs a fraction of node:http's CPU per request.
 *
 * Why it exists: the load generators share this 2-core machine with the server under test. Through
 * node:http, the booking racers (≈700 requests in one second) took 0.35–0.45 CPU-seconds and the
 * browsing load another ≈0.2 a second — CPU the server then measured as its own latency. Phones
 * and browsers do not share the server's cores.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export type RawResponse = {
  status: number;
  body: string;
  /**
   * performance.now() when the whole answer had been read from the socket, before this process did
   * anything with it or with the other answers read at the same moment (see Connection.read).
   */
  at: number;
};

type Pending = {
  head: string;
  body: string;
  resolve: (r: RawResponse) => void;
  reject: (e: Error) => void;
};

/** One keep-alive connection answering its requests in order (no pipelining: one at a time). */
class Connection {
  readonly socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private current: Pending | undefined;
  closed = false;

  constructor(
    host: string,
    port: number,
    private onIdle: (c: Connection) => void,
    onGone: () => void,
  ) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    const fail = (e: Error) => {
      if (!this.closed) onGone();
      this.closed = true;
      const p = this.current;
      this.current = undefined;
      p?.reject(e);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed')));
  }

  send(p: Pending) {
    this.current = p;
    this.socket.write(p.body ? p.head + p.body : p.head);
  }

  private read(chunk: Buffer) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.toString('latin1', 0, end);
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!m) {
      this.socket.destroy(new Error(`no Content-Length in answer: ${head.slice(0, 200)}`));
      return;
    }
    const total = end + 4 + Number(m[1]);
    if (this.buf.length < total) return;
    const at = performance.now();
    const status = Number(head.slice(9, 12));
    const body = this.buf.toString('utf8', end + 4, total);
    this.buf = this.buf.subarray(total);
    const p = this.current!;
    this.current = undefined;
    // Answered after every socket read in this turn of the event loop: 200 answers arriving
    // together are all stamped (`at`) as they are read, and only then does the caller's work on
    // each run (parse, the next request). Resolved here, the k-th answer's stamp would include the
    // caller's work on the k-1 before it — the load generator's own queue, which no phone has.
    setImmediate(() => {
      p.resolve({ status, body, at });
      this.onIdle(this);
    });
  }
}

/**
 * A pool of at most `connections` keep-alive connections to one origin; a request sent while all
 * are busy waits for the first to come free.
 */
export class RawClient {
  private idle: Connection[] = [];
  private queue: Pending[] = [];
  private open = 0;
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;

  constructor(
    origin: string,
    private readonly connections = Number.POSITIVE_INFINITY,
  ) {
    const u = new URL(origin);
    if (u.protocol !== 'http:') throw new Error('RawClient speaks plain http only');
    this.host = u.hostname;
    this.port = Number(u.port || 80);
    this.hostHeader = u.host;
  }

  /** Sends `method path` with these headers (and a body, sent as JSON) and resolves to the answer. */
  request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<RawResponse> {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\nConnection: keep-alive\r\n`;
    for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
    if (body !== undefined) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
    head += '\r\n';
    return new Promise((resolve, reject) => {
      const p: Pending = { head, body: body ?? '', resolve, reject };
      const c = this.take();
      if (c) c.send(p);
      else this.queue.push(p);
    });
  }

  private take(): Connection | undefined {
    while (this.idle.length) {
      const c = this.idle.pop()!;
      if (!c.closed) return c;
    }
    if (this.open >= this.connections) return undefined;
    return this.connect();
  }

  private connect(): Connection {
    this.open++;
    return new Connection(
      this.host,
      this.port,
      (c) => this.release(c),
      () => {
        // A lost connection frees its place; a waiting request gets a new one.
        this.open--;
        const next = this.queue.length ? this.take() : undefined;
        if (next) next.send(this.queue.shift()!);
      },
    );
  }

  private release(c: Connection) {
    const next = this.queue.shift();
    if (next) c.send(next);
    else this.idle.push(c);
  }

  /**
   * Opens `n` connections and sends `path` once on each, so they are set up and accepted by the
   * server before they are needed; they then wait in the pool.
   */
  async preconnect(n: number, path: string): Promise<void> {
    // One after another, as phones opening the app would; each joins the idle pool when answered.
    for (let i = 0; i < n; i++) {
      const c = this.connect();
      await new Promise<RawResponse>((resolve, reject) =>
        c.send({
          head: `GET ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n\r\n`,
          body: '',
          resolve,
          reject,
        }),
      );
    }
  }

  /** Closes every connection. */
  close() {
    for (const c of this.idle) c.socket.destroy();
    this.idle = [];
  }
}

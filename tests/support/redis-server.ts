/**
 * A private redis-server for one test file, on a free loopback port, with no persistence, so a
 * test can kill Redis mid-run (an outage) and start it again without touching the shared server.
 * `redisServerAvailable()` tells whether the binary exists (REDIS_SERVER_BIN overrides the path).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server';

export type PrivateRedis = {
  port: number;
  /** redis://127.0.0.1:<port> */
  url: string;
  /** Kills the server (SIGKILL by default: a crash, not a clean shutdown) and waits for it to exit. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts it again on the same port (empty: nothing was persisted). */
  start(): Promise<void>;
  running(): boolean;
};

export function redisServerAvailable(): boolean {
  const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
  return r.status === 0 && /Redis server/i.test(r.stdout);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.write('PING\r\n');
    });
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    s.once('error', () => resolve(false));
  });
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export async function startRedisServer(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    if (child) return;
    output = '';
    const c = spawn(
      BIN,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = c;
    live.add(c);
    c.stdout?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    });
    c.stderr?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    });
    c.once('exit', () => {
      live.delete(c);
      if (child === c) child = undefined;
    });
    const deadline = Date.now() + 5000;
    while (!(await accepts(port))) {
      if (!child) throw new Error(`redis-server exited on start (port ${port}):\n${output}`);
      if (Date.now() > deadline)
        throw new Error(`redis-server did not answer on port ${port} within 5 s:\n${output}`);
      await sleep(20);
    }
  };

  const stop = async (signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL') => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill(signal);
    await exited;
  };

  await start();
  return { port, url: `redis://127.0.0.1:${port}`, start, stop, running: () => child !== undefined };
}

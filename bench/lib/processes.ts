/**
 * Child processes for benchmarks, and the cleanup that must happen however the run ends:
 * normal return, thrown error, Ctrl-C, SIGTERM. Every child started here is killed on exit;
 * every registered cleanup (drop the temp database…) runs once, newest first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

type Cleanup = { name: string; fn: () => void | Promise<void> };

const cleanups: Cleanup[] = [];
const children = new Set<ChildProcess>();
let cleaning: Promise<void> | undefined;

/** Registers work to do at the end of the run; returns a function that unregisters it. */
export function onCleanup(name: string, fn: () => void | Promise<void>): () => void {
  const entry = { name, fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/** Runs every registered cleanup (newest first, each bounded to 15 s); concurrent calls share one run. */
export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const c = cleanups.pop()!;
      try {
        await Promise.race([
          c.fn(),
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error('timed out after 15 s')), 15_000).unref(),
          ),
        ]);
      } catch (e) {
        console.error(`[bench] cleanup "${c.name}" failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    for (const c of children) c.kill('SIGKILL');
  })().finally(() => {
    cleaning = undefined;
  });
  return cleaning;
}

let handlersInstalled = false;

/** Ctrl-C, SIGTERM or a crash still kills the children and runs the cleanups. */
export function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Last resort, synchronous: whatever is still running dies with us.
  process.on('exit', () => {
    for (const c of children) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  // `on`, not `once`: npm and tsx each relay Ctrl-C, so the same signal arrives two or three
  // times, and a signal with no listener left would kill us before the database is dropped.
  let signalled = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (signalled) return;
      signalled = true;
      console.error(`\n[bench] ${sig}: stopping children and cleaning up…`);
      void runCleanups().finally(() => process.exit(130));
    });
  }
  const crash = (e: unknown) => {
    console.error('[bench] crashed:', e);
    void runCleanups().finally(() => process.exit(1));
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

export type Child = {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** Last lines of stdout+stderr, for diagnostics. */
  tail(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** Calls fn for each stdout line. */
  onLine(fn: (line: string) => void): void;
  /** SIGTERM, then SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>;
};

/** Spawns a tracked child (killed at exit) that keeps the last 200 lines of its output. */
export function spawnChild(
  name: string,
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Child {
  const proc = spawn(command, args, {
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`could not start ${name}: ${command} ${args.join(' ')}`);
  children.add(proc);
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  const keep = (stream: NodeJS.ReadableStream | null, isStdout: boolean) => {
    let buf = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buf += chunk;
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (lines.length > 200) lines.shift();
        if (isStdout) for (const l of listeners) l(line);
        nl = buf.indexOf('\n');
      }
    });
  };
  keep(proc.stdout, true);
  keep(proc.stderr, false);
  const exited = new Promise<number | string>((resolve) => {
    proc.once('exit', (code, signal) => {
      children.delete(proc);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const child: Child = {
    name,
    proc,
    pid: proc.pid,
    tail: () => lines.slice(-40).join('\n'),
    exited,
    onLine: (fn) => listeners.push(fn),
    async stop(graceMs = 3000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const unregister = onCleanup(`stop ${name}`, () => child.stop());
  void exited.then(unregister);
  return child;
}

/** Runs a command to completion with inherited output (builds); throws on a non-zero exit. */
export async function runCommand(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) {
  const proc = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: opts.env ?? process.env,
  });
  children.add(proc);
  const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
  children.delete(proc);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until `check` resolves true, polling every intervalMs; throws after timeoutMs or when `abort` settles. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; abort?: Promise<unknown>; onAbort?: () => string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let aborted = false;
  void opts.abort?.then(() => {
    aborted = true;
  });
  while (Date.now() < deadline) {
    if (aborted) throw new Error(`${what}: gave up — ${opts.onAbort?.() ?? 'aborted'}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
  throw new Error(`${what}: not ready after ${opts.timeoutMs} ms`);
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); undefined elsewhere. */
export function cpuSeconds(pid: number): Promise<number | undefined> {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU-seconds of a process's main thread (its event loop) alone, from /proc (Linux). */
export function mainThreadCpuSeconds(pid: number): Promise<number | undefined> {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
}

/** utime + stime of a /proc stat file (a process's or one thread's). */
async function statCpuSeconds(path: string): Promise<number | undefined> {
  try {
    const { readFile } = await import('node:fs/promises');
    const stat = await readFile(path, 'utf8');
    // Fields after the command name (which may contain spaces, hence the lastIndexOf).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in MB, from /proc (Linux); undefined elsewhere. */
export async function rssMb(pid: number): Promise<number | undefined> {
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by every process with this command name (e.g. all `postgres` backends). */
export async function cpuSecondsByName(comm: string): Promise<number | undefined> {
  try {
    const { readdir, readFile } = await import('node:fs/promises');
    let total = 0;
    for (const pid of await readdir('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const name = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
      if (name.trim() !== comm) continue;
      total += (await cpuSeconds(Number(pid))) ?? 0;
    }
    return total;
  } catch {
    return undefined;
  }
}

/** CPU-seconds the whole machine has been busy (all cores, from /proc/stat); 0 elsewhere. */
export async function machineBusyS(): Promise<number> {
  try {
    const { readFile } = await import('node:fs/promises');
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
    const t = line.split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    return (t[0]! + t[1]! + t[2]! + t[5]! + t[6]! + t[7]!) / 100;
  } catch {
    return 0;
  }
}

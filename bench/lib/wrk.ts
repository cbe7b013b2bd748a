/**
 * Load generation with wrk (Debian package `wrk`, C, epoll) for scenarios whose responses are
 * large: autocannon parses every body in JavaScript and tops out near 70 MB/s on this machine,
 * so with 100+ KB responses it measures itself, not the server. wrk runs as its own process;
 * a Lua `done` hook prints its figures as JSON. Its latency histogram has microsecond buckets,
 * so the percentiles are exact to the microsecond. Same figures as runLoad (./load.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import type { LoadFigures } from './load';

export function wrkAvailable(bin = process.env.BENCH_WRK ?? 'wrk'): boolean {
  return spawnSync(bin, ['--version'], { stdio: 'ignore' }).error === undefined;
}

// No \`response\` hook: defining one makes wrk hand every body to Lua, which is the cost we avoid.
const REPORT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write("WRK_JSON ", string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50":%d,"p95":%d,"p99":%d,"p999":%d,"max":%d,"mean":%f}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
`;

type WrkOut = {
  requests: number;
  duration_us: number;
  bytes: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
};

function once(url: string, connections: number, durationS: number, threads: number, script: string) {
  const bin = process.env.BENCH_WRK ?? 'wrk';
  const args = [`-t${threads}`, `-c${connections}`, `-d${durationS}s`, '--timeout', '10s', '-s', script, url];
  return new Promise<WrkOut>((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
      if (code !== 0 || !line) return reject(new Error(`wrk exited ${code}:\n${out.slice(-2000)}`));
      resolve(JSON.parse(line.slice('WRK_JSON '.length)) as WrkOut);
    });
  });
}

const ms = (us: number) => Math.round(us / 10) / 100;

/** GET `url` at `connections` for `durationS` after an unrecorded warm-up; wrk's figures. */
export async function runWrk(opts: {
  url: string;
  connections: number;
  durationS: number;
  warmupS?: number;
  /**
   * wrk threads (event loops); default one per core, as wrk advises (BENCH_WRK_THREADS overrides).
   * With one thread for 100 connections at 600+ MB/s, wrk itself made the tail (p99 290 ms vs 41).
   */
  threads?: number;
  beforeMeasure?: () => void | Promise<void>;
}): Promise<LoadFigures & { bytes: number; load_tool: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-wrk-'));
  const script = path.join(dir, 'report.lua');
  writeFileSync(script, REPORT);
  try {
    const threads = opts.threads ?? Number(process.env.BENCH_WRK_THREADS ?? availableParallelism());
    const warmupS = opts.warmupS ?? 2;
    if (warmupS > 0) await once(opts.url, opts.connections, warmupS, threads, script);
    await opts.beforeMeasure?.();
    const r = await once(opts.url, opts.connections, opts.durationS, threads, script);
    const elapsedS = r.duration_us / 1e6;
    return {
      connections: opts.connections,
      duration_s: Math.round(elapsedS * 100) / 100,
      requests: r.requests,
      rps: Math.round((r.requests / elapsedS) * 10) / 10,
      p50_ms: ms(r.p50),
      p95_ms: ms(r.p95),
      p99_ms: ms(r.p99),
      p999_ms: ms(r.p999),
      max_ms: ms(r.max),
      mean_ms: ms(r.mean),
      errors: r.connect + r.read + r.write + r.timeout,
      timeouts: r.timeout,
      non_2xx: r.status,
      // wrk counts non-2xx/3xx answers but not by code.
      status_codes: {},
      warmup_s: warmupS,
      bytes: r.bytes,
      load_tool: `wrk -t${threads}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

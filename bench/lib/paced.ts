/**
 * An open, evenly paced load: request i is due at t0 + i / rate, spread over the second, and its
 * latency is counted from when it was due — a request that waited for a free connection waited
 * like a person would (no coordinated omission).
 *
 * Why not autocannon's `connectionRate`: autocannon lets each connection send its whole quota for
 * the second back to back the moment its one-second timer resets, and the 50 connections' timers
 * start together — so "10 requests a second on each of 50 connections" arrives as a burst of 500
 * requests at the top of every second and then silence (seen in a server profile: ~30 % busy for
 * 250 ms, then ~5 %). That is not how people browse.
 * It speaks through the lean client of raw-http.ts (a fraction of node:http's CPU per request).
 */
import { performance } from 'node:perf_hooks';
import { type LoadFigures, loadFigures } from './load';
import { RawClient } from './raw-http';

export type PacedOptions = {
  url: string;
  headers?: Record<string, string>;
  /** Requests per second, evenly spaced. */
  rate: number;
  /** Keep-alive connections at most (a request due while all are busy waits for one). */
  connections: number;
  durationS: number;
  warmupS?: number;
  timeoutS?: number;
  /** Called after the warm-up, right before the measured run. */
  beforeMeasure?: () => void | Promise<void>;
};

type Tally = { times: number[]; errors: number; timeouts: number; codes: Record<string, number> };

function phase(opts: PacedOptions, client: RawClient, durationS: number, tally?: Tally): Promise<number> {
  const url = new URL(opts.url);
  const path = url.pathname + url.search;
  const headers = opts.headers ?? {};
  const timeoutMs = (opts.timeoutS ?? 10) * 1000;
  return new Promise((resolve) => {
    const t0 = performance.now();
    const total = Math.round(opts.rate * durationS);
    const interval = 1000 / opts.rate;
    let sent = 0;
    let done = 0;
    const finish = () => {
      if (++done === total) resolve((performance.now() - t0) / 1000);
    };
    const fire = (due: number) => {
      client.request('GET', path, headers).then(
        (res) => {
          if (tally) {
            const ms = res.at - due;
            if (ms > timeoutMs) tally.timeouts++;
            else {
              tally.times.push(ms);
              const k = String(res.status);
              tally.codes[k] = (tally.codes[k] ?? 0) + 1;
            }
          }
          finish();
        },
        () => {
          if (tally) tally.errors++;
          finish();
        },
      );
    };
    // A 1 ms tick sends everything that has fallen due (timers are not exact; the due time is).
    const tick = setInterval(() => {
      const now = performance.now();
      while (sent < total && t0 + sent * interval <= now) fire(t0 + sent++ * interval);
      if (sent === total) clearInterval(tick);
    }, 1);
    if (total === 0) resolve(0);
  });
}

/** Runs the paced load (warm-up, then the measured run) and reports the standard figures. */
export async function runPaced(opts: PacedOptions): Promise<LoadFigures> {
  const client = new RawClient(new URL(opts.url).origin, opts.connections);
  try {
    const warmupS = opts.warmupS ?? 2;
    if (warmupS > 0) await phase(opts, client, warmupS);
    await opts.beforeMeasure?.();
    const tally: Tally = { times: [], errors: 0, timeouts: 0, codes: {} };
    const elapsedS = await phase(opts, client, opts.durationS, tally);
    const non2xx = Object.entries(tally.codes)
      .filter(([k]) => !k.startsWith('2'))
      .reduce((a, [, v]) => a + v, 0);
    return loadFigures(Float64Array.from(tally.times), {
      connections: opts.connections,
      elapsedS,
      errors: tally.errors,
      timeouts: tally.timeouts,
      non2xx,
      statusCodes: tally.codes,
      warmupS,
    });
  } finally {
    client.close();
  }
}

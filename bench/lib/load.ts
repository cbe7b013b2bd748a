/**
 * Load generation with autocannon, in this (the bench) process — the server runs in its own.
 * Latency percentiles are computed exactly from every response's time (autocannon's own
 * histogram has no p95); a warm-up phase, not recorded, lets the server's JIT settle first.
 */
import autocannon, { type RequestParams, type Result } from 'autocannon';

export type LoadOptions = {
  url: string;
  connections: number;
  durationS: number;
  warmupS?: number;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** Per-request timeout (s). Default 10. */
  timeoutS?: number;
  /**
   * Shapes each request (path, headers, body) — e.g. a different user's token and a fresh
   * Idempotency-Key per request. Absent: every request is the same.
   */
  setupRequest?: (req: RequestParams) => RequestParams;
  /**
   * Requests per second per connection (autocannon's connectionRate): an open pace, like people
   * browsing, instead of each connection sending its next request the moment an answer arrives.
   */
  ratePerConnection?: number;
  /** Called after the warm-up, right before the measured run (to snapshot CPU counters…). */
  beforeMeasure?: () => void | Promise<void>;
};

/** The standard figures every load scenario reports (names as in bench/results/*.json). */
export type LoadFigures = {
  connections: number;
  duration_s: number;
  requests: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  p999_ms: number;
  max_ms: number;
  mean_ms: number;
  errors: number;
  timeouts: number;
  non_2xx: number;
  status_codes: Record<string, number>;
  warmup_s: number;
};

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function run(opts: LoadOptions, durationS: number, onResponse?: (ms: number) => void): Promise<Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        duration: durationS,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        body: opts.body,
        timeout: opts.timeoutS ?? 10,
        ...(opts.ratePerConnection ? { connectionRate: opts.ratePerConnection } : {}),
        ...(opts.setupRequest ? { requests: [{ setupRequest: opts.setupRequest }] } : {}),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    if (onResponse) instance.on('response', (_client, _status, _bytes, ms) => onResponse(ms));
  });
}

export async function runLoad(opts: LoadOptions): Promise<LoadFigures> {
  const warmupS = opts.warmupS ?? 2;
  if (warmupS > 0) await run(opts, warmupS);
  await opts.beforeMeasure?.();

  let times = new Float64Array(1 << 16);
  let n = 0;
  const result = await run(opts, opts.durationS, (ms) => {
    if (n === times.length) {
      const bigger = new Float64Array(times.length * 2);
      bigger.set(times);
      times = bigger;
    }
    times[n++] = ms;
  });
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count]),
  );
  const elapsedS = (result.finish.getTime() - result.start.getTime()) / 1000 || result.duration;
  return loadFigures(times.slice(0, n), {
    connections: opts.connections,
    elapsedS,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    warmupS,
  });
}

/** The standard figures from every measured response time (ms, any order) and the run's counts. */
export function loadFigures(
  times: Float64Array,
  run: {
    connections: number;
    elapsedS: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodes: Record<string, number>;
    warmupS: number;
  },
): LoadFigures {
  const sorted = times.sort();
  const n = sorted.length;
  let sum = 0;
  for (const t of sorted) sum += t;
  return {
    connections: run.connections,
    duration_s: round(run.elapsedS),
    requests: n,
    rps: round(n / run.elapsedS, 1),
    p50_ms: round(percentile(sorted, 50)),
    p95_ms: round(percentile(sorted, 95)),
    p99_ms: round(percentile(sorted, 99)),
    p999_ms: round(percentile(sorted, 99.9)),
    max_ms: round(n ? sorted[n - 1]! : Number.NaN),
    mean_ms: round(n ? sum / n : Number.NaN),
    errors: run.errors,
    timeouts: run.timeouts,
    non_2xx: run.non2xx,
    status_codes: run.statusCodes,
    warmup_s: run.warmupS,
  };
}

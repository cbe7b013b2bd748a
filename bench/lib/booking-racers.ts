/**
 * The booking racers of `bench -- booking`, run in a child process of their own: the bench
 * process's main thread is busy driving the browsing load, and timing the racers' requests on that same
 * event loop measured the client's queue, not the server. Each racer does what the app does:
 * read the calendar, tap a random free slot, and after 已约满 read the calendar again — until
 * booked or nothing is free.
 *
 * They speak through the lean keep-alive client of raw-http.ts: 200 clients in one process took,
 * per request, about 1.8 ms of CPU through fetch and about 0.6 ms through node:http — up to a
 * third of this 2-core machine during the race, which the server then measured as its own
 * latency. Phones do not share its cores.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RawClient } from './raw-http';

/** One request: its status and parsed JSON body. */
async function call(
  client: RawClient,
  path: string,
  opts: { method?: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; body: unknown; at: number; queuedMs: number }> {
  const res = await client.request(opts.method ?? 'GET', path, opts.headers, opts.body);
  // How long the answer waited, once read, for this process to get to it (the racers share one
  // event loop; a phone does not).
  const queuedMs = performance.now() - res.at;
  return { status: res.status, body: JSON.parse(res.body), at: res.at, queuedMs };
}

export type RaceInput = { base: string; tokens: string[]; starts: string[] };
export type RaceOutput = {
  /** From sending the request to reading the whole answer from the socket (raw-http's `at`). */
  bookingMs: number[];
  readMs: number[];
  /** How long answers, once read, waited for the racers' process to take them up. */
  queuedMs: number[];
  /** Bookings timed as before raw-http's `at`: when the racers' process took the answer up. */
  bookingTakenMs: number[];
  answers: Record<string, number>;
  booked: number;
  raceMs: number;
  /** CPU seconds the racers' own process spent during the race (its client work). */
  clientCpuS: number;
  /** Whether the racers' connections were open before the race (the default) or opened in it. */
  connections: string;
};

/**
 * `ready` is awaited once every connection is made, just before the race starts (the scenario
 * reads the processes' CPU counters then, so the race's figures do not include this process's
 * start-up).
 */
export async function race(
  { base, tokens, starts }: RaceInput,
  ready: () => Promise<void> = async () => {},
): Promise<RaceOutput> {
  const bookingMs: number[] = [];
  const readMs: number[] = [];
  const queuedMs: number[] = [];
  const bookingTakenMs: number[] = [];
  const answers: Record<string, number> = {};
  let booked = 0;
  const url = new URL(base);
  const client = new RawClient(url.origin);
  const prefix = url.pathname;
  // Each racer's phone has the service page open: its connection is already made (wx.request keeps
  // connections to the server alive), so the race measures the requests, not 200 TCP connections
  // opened in the same millisecond — Node accepts new connections between the requests it is
  // serving, and half of them then waited 300–600 ms to be accepted. BENCH_RACE_COLD=1 races on
  // new connections instead.
  const warm = process.env.BENCH_RACE_COLD !== '1';
  if (warm) await client.preconnect(tokens.length, '/api/health');
  await ready();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const trace: unknown[][] | undefined = process.env.BENCH_RACE_TRACE ? [] : undefined;
  await Promise.all(
    tokens.map(async (token) => {
      const headers = { Authorization: `Bearer ${token}` };
      for (let round = 0; round < starts.length; round++) {
        const t1 = performance.now();
        const cal = await call(client, `${prefix}/slots?days=3`, { headers });
        const { items } = cal.body as { items: { startsAt: string; status: string }[] };
        readMs.push(cal.at - t1);
        queuedMs.push(cal.queuedMs);
        trace?.push(['read', round, t1 - t0, cal.at - t1]);
        if (cal.status !== 200) {
          answers[`slots ${cal.status}`] = (answers[`slots ${cal.status}`] ?? 0) + 1;
          return;
        }
        const open = items.filter((x) => x.status === 'open' && starts.includes(x.startsAt));
        if (open.length === 0) return;
        const startsAt = open[Math.floor(Math.random() * open.length)]!.startsAt;
        const t2 = performance.now();
        const res = await call(client, `${prefix}/bookings`, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
          body: JSON.stringify({ startsAt }),
        });
        const body = res.body as { error?: { code: string } };
        bookingMs.push(res.at - t2);
        bookingTakenMs.push(res.at + res.queuedMs - t2);
        queuedMs.push(res.queuedMs);
        trace?.push(['book', round, t2 - t0, res.at - t2, res.status]);
        const k = res.status === 201 ? 'booked' : `${res.status} ${body.error?.code}`;
        answers[k] = (answers[k] ?? 0) + 1;
        if (res.status === 201) {
          booked++;
          return;
        }
        if (body.error?.code !== 'SLOT_FULL') return;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  client.close();
  if (trace) (await import('node:fs')).writeFileSync(process.env.BENCH_RACE_TRACE!, JSON.stringify(trace));
  return {
    bookingMs,
    readMs,
    queuedMs,
    bookingTakenMs,
    answers,
    booked,
    raceMs: performance.now() - t0,
    clientCpuS: (cpu.user + cpu.system) / 1e6,
    connections: warm ? 'open before the race' : 'opened in the race',
  };
}

// Forked by the scenario: the input comes as the first IPC message, the answer goes back likewise.
if (process.send && process.env.BENCH_RACERS_CHILD === '1') {
  process.once('message', (input: RaceInput) => {
    const ready = () =>
      new Promise<void>((go) => {
        process.once('message', () => go());
        process.send!({ ready: true });
      });
    race(input, ready).then(
      (out) => process.send!({ ok: true, out }, () => process.exit(0)),
      (err) => process.send!({ ok: false, err: String(err?.stack ?? err) }, () => process.exit(1)),
    );
  });
}

/**
 * The booking racers of `bench -- booking`, run in a child process of their own: the bench
 * process's main thread is busy driving autocannon, and timing the racers' requests on that same
 * event loop measured the client's queue, not the server. Each racer does what the app does:
 * read the calendar, tap a random free slot, and after 已约满 read the calendar again — until
 * booked or nothing is free.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export type RaceInput = { base: string; tokens: string[]; starts: string[] };
export type RaceOutput = {
  bookingMs: number[];
  readMs: number[];
  answers: Record<string, number>;
  booked: number;
  raceMs: number;
};

export async function race({ base, tokens, starts }: RaceInput): Promise<RaceOutput> {
  const bookingMs: number[] = [];
  const readMs: number[] = [];
  const answers: Record<string, number> = {};
  let booked = 0;
  const t0 = performance.now();
  await Promise.all(
    tokens.map(async (token) => {
      const headers = { Authorization: `Bearer ${token}` };
      for (let round = 0; round < starts.length; round++) {
        const t1 = performance.now();
        const cal = await fetch(`${base}/slots?days=3`, { headers });
        const { items } = (await cal.json()) as { items: { startsAt: string; status: string }[] };
        readMs.push(performance.now() - t1);
        if (cal.status !== 200) {
          answers[`slots ${cal.status}`] = (answers[`slots ${cal.status}`] ?? 0) + 1;
          return;
        }
        const open = items.filter((x) => x.status === 'open' && starts.includes(x.startsAt));
        if (open.length === 0) return;
        const startsAt = open[Math.floor(Math.random() * open.length)]!.startsAt;
        const t2 = performance.now();
        const res = await fetch(`${base}/bookings`, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
          body: JSON.stringify({ startsAt }),
        });
        const body = (await res.json()) as { error?: { code: string } };
        bookingMs.push(performance.now() - t2);
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
  return { bookingMs, readMs, answers, booked, raceMs: performance.now() - t0 };
}

// Forked by the scenario: the input comes as the first IPC message, the answer goes back likewise.
if (process.send && process.env.BENCH_RACERS_CHILD === '1') {
  process.once('message', (input: RaceInput) => {
    race(input).then(
      (out) => process.send!({ ok: true, out }, () => process.exit(0)),
      (err) => process.send!({ ok: false, err: String(err?.stack ?? err) }, () => process.exit(1)),
    );
  });
}

/**
 * `booking`: 200 villagers race for the 20 places of one service (20 half-hour slots of one
 * place each, two days ahead) while others browse the slot calendar at 50 connections.
 * - Each racer is its own client doing what the app does: read the calendar, tap a random free
 *   slot, and after 已约满 (SLOT_FULL) read the calendar again, until booked or nothing is free.
 * - Browsing: GET …/services/:id/slots?days=7 with a villager's token, 500 requests/s evenly
 *   spaced over at most 50 keep-alive connections (bench/lib/paced.ts) — people browsing, not a
 *   flood; each latency counted from when the request was due — --duration s after a warm-up;
 *   the race starts in the measured run, once the racers' process has started and connected.
 * - race_*_cpu_s: CPU-seconds each process spent from the race's start to its end (browsing goes
 *   on meanwhile): the server, PostgreSQL, the Redis bridge, the racers, this process (the
 *   browsing client); race_machine_busy_s is the whole machine's (2 cores: at most 2 per second).
 * - overbooked: counted from the database after the run — active bookings beyond each slot's
 *   capacity, plus any slot whose counter exceeds it (both must be 0).
 * - p99_ms: the worst of the browsing, racers' calendar and booking-request p99s (each reported).
 * The built server runs on real PostgreSQL (+ Redis through the bridge unless --no-redis).
 * Budget (issue 7): overbooked = 0, p99_ms ≤ 150, no errors other than 已约满.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { addDays, beijingDate, beijingInstant, generateSlots, weekdayOf } from '../../shared/services/rules';
import type { RaceOutput } from '../lib/booking-racers';
import { runPaced } from '../lib/paced';
import { createTempDatabase } from '../lib/pg';
import {
  cpuSeconds,
  cpuSecondsByName,
  machineBusyS,
  mainThreadCpuSeconds,
  onCleanup,
} from '../lib/processes';
import { startBridge } from '../lib/redis';
import { type Scenario, fmt } from '../lib/scenario';
import { SERVER_ENTRY, apiEnv, buildApi, startServer } from '../lib/server';

const RACERS = 200;
const BROWSE_RATE_PER_CONNECTION = Number(process.env.BENCH_BROWSE_RATE ?? 10);
const SLOT_MINUTES = 30;

function p(sorted: number[], q: number) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1))]!;
}
const round = (n: number) => Math.round(n * 100) / 100;

/** A service of 20 half-hour slots of one place each (08:00–18:00), open on `date`'s weekday only. */
async function raceService(c: pg.Client, villageId: string, name: string, date: string) {
  const weekday = weekdayOf(date);
  const { rows: s } = await c.query<{ id: string }>(
    `insert into services (village_id, name, icon, materials, slot_minutes, cutoff_minutes)
     values ($1, $2, 'doc', '["身份证"]'::jsonb, $3, 60) returning id`,
    [villageId, name, SLOT_MINUTES],
  );
  const serviceId = s[0]!.id;
  await c.query(
    `insert into service_hours (service_id, weekday, start, "end", capacity) values ($1, $2, '08:00', '18:00', 1)`,
    [serviceId, weekday],
  );
  const starts = generateSlots({
    hours: [{ weekday, start: '08:00', end: '18:00', capacity: 1 }],
    exceptions: [],
    slotMinutes: SLOT_MINUTES,
    fromDate: date,
    days: 1,
  }).map((x) => x.startsAt.toISOString());
  if (starts.length !== 20 || starts[0] !== beijingInstant(date, 8 * 60).toISOString()) {
    throw new Error(`expected 20 slots on ${date}, got ${starts.length}`);
  }
  return { serviceId, starts };
}

/**
 * The measured race's service (two days ahead), the rehearsal's (tomorrow; the racers read three
 * days of slots), and 2 × 200 racers plus a browser.
 */
export async function setup(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  onCleanup('close setup client', () => c.end());
  const { rows: v } = await c.query<{ id: string }>(`select id from villages where invite_code = 'DP2026'`);
  const villageId = v[0]!.id;
  const date = addDays(beijingDate(new Date()), 2);
  await c.query('begin');
  const measured = await raceService(c, villageId, '压测办事', date);
  const rehearsal = await raceService(c, villageId, '压测预演', addDays(date, -1));
  const { rows: people } = await c.query<{ id: string }>(
    `insert into users (display_name, is_demo, quiet_hours)
     select '压测村民' || g, true, false from generate_series(1, $1::int) g returning id`,
    [2 * RACERS + 1],
  );
  await c.query(
    `insert into memberships (user_id, role, village_id) select unnest($1::uuid[]), 'villager', $2`,
    [people.map((r) => r.id), villageId],
  );
  await c.query('commit');
  return { client: c, villageId, measured, rehearsal, userIds: people.map((r) => r.id) };
}

export async function login(base: string, userId: string, i: number): Promise<string> {
  const res = await fetch(`${base}/api/auth/dev`, {
    method: 'POST',
    // One address per person: the dev login is rate-limited per IP.
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `10.77.${i >> 8}.${i & 255}` },
    body: JSON.stringify({ userId }),
  });
  if (res.status !== 200) throw new Error(`dev login ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return ((await res.json()) as { token: string }).token;
}

export const booking: Scenario = {
  name: 'booking',
  description: '200 villagers race for 20 slots while 50 connections browse slots; PostgreSQL + Redis',
  budgets: [
    { metric: 'overbooked', op: '==', limit: 0 },
    { metric: 'p99_ms', op: '<=', limit: 150, unit: 'ms' },
    { metric: 'booking_errors', op: '==', limit: 0 },
    { metric: 'errors', op: '==', limit: 0 },
    { metric: 'non_2xx', op: '==', limit: 0 },
  ],
  async run(args) {
    await buildApi({ build: args.build !== false, need: [SERVER_ENTRY] });
    const db = await createTempDatabase();
    const bridge = args.redis === false ? undefined : await startBridge();
    const server = await startServer({ env: apiEnv(db, bridge, { DEV_LOGIN: '1', SEED_DEMO: '1' }) });
    const { client, villageId, measured, rehearsal, userIds } = await setup(db.url);
    const { serviceId, starts } = measured;
    const serviceBase = (id: string) => `${server.url}/api/villages/${villageId}/services/${id}`;
    const base = serviceBase(serviceId);

    const tokens: string[] = [];
    for (let i = 0; i < userIds.length; i += 20) {
      tokens.push(
        ...(await Promise.all(userIds.slice(i, i + 20).map((id, j) => login(server.url, id, i + j)))),
      );
    }
    const browser = tokens.pop()!;
    // Other people rehearse (their sessions are not the racers'): the same race on another service.
    const rehearsers = tokens.splice(RACERS);
    const probe = await fetch(`${base}/slots?days=7`, { headers: { Authorization: `Bearer ${browser}` } });
    if (probe.status !== 200)
      throw new Error(`slots answered ${probe.status}: ${(await probe.text()).slice(0, 300)}`);

    // The racers run in a child process (bench/lib/booking-racers.ts) so their timings are not
    // queued behind the browsing load on this process's event loop.
    const selfCpu = () => {
      const self = process.cpuUsage();
      return (self.user + self.system) / 1e6;
    };
    /**
     * CPU-seconds so far of each process in the race. This process's own is read after the others
     * at the start and before them at the end: reading them (a scan of /proc) is not the race.
     */
    const cpuNow = async (at: 'start' | 'end') => {
      const bench = at === 'end' ? selfCpu() : undefined;
      const others = {
        machine: await machineBusyS(),
        server: await cpuSeconds(server.child.pid!),
        serverMain: await mainThreadCpuSeconds(server.child.pid!),
        pg: await cpuSecondsByName('postgres'),
        bridge: bridge ? await cpuSeconds(bridge.child.pid!) : undefined,
      };
      return { ...others, bench: bench ?? selfCpu() };
    };
    type Cpu = Awaited<ReturnType<typeof cpuNow>>;
    /** Each process's CPU from the start of the race to its end (browsing goes on meanwhile). */
    const race = (input: { base: string; tokens: string[]; starts: string[] }) =>
      new Promise<RaceOutput & { cpu: { [K in keyof Cpu]: number | null } }>((resolve, reject) => {
        let before: Cpu;
        const child = fork(fileURLToPath(new URL('../lib/booking-racers.ts', import.meta.url)), {
          execArgv: ['--import', 'tsx'],
          env: { ...process.env, BENCH_RACERS_CHILD: '1' },
        });
        child.on('message', async (m: { ready?: true; ok: boolean; out?: RaceOutput; err?: string }) => {
          if (m.ready) {
            before = await cpuNow('start');
            child.send('go');
            return;
          }
          const after = await cpuNow('end');
          const cpu = Object.fromEntries(
            Object.entries(after).map(([k, v]) => {
              const b = before[k as keyof Cpu];
              return [k, v === undefined || b === undefined ? null : round(v - b)];
            }),
          ) as { [K in keyof Cpu]: number | null };
          if (m.ok) resolve({ ...m.out!, cpu });
          else reject(new Error(`racers failed: ${m.err}`));
        });
        child.once('error', reject);
        child.once('exit', (code) => {
          if (code !== 0) reject(new Error(`racers exited with ${code}`));
        });
        child.send(input);
      });

    let racing: ReturnType<typeof race> | undefined;
    let measuredFrom: number | undefined; // the server's CPU when the measured run started
    const connections = args.connections ?? 50;
    // The rehearsal: the same race once before, on its own service by other people, so the race
    // measures a server that has served bookings before (its booking code compiled by V8), as an
    // instance has by the time a popular slot opens — not a first run of that code. Measured
    // cold, V8's compiler threads took 0.15 CPU-s of the race's 2 cores.
    const rehearsed = await race({
      base: serviceBase(rehearsal.serviceId),
      tokens: rehearsers,
      starts: rehearsal.starts,
    });
    const load = await runPaced({
      url: `${base}/slots?days=7`,
      headers: { Authorization: `Bearer ${browser}` },
      connections,
      // "Normal browsing": 10 calendar reads a second for each of the 50 connections (500 reads/s,
      // far more than a village makes), evenly spaced (bench/lib/paced.ts: autocannon's per-
      // connection rate sent them as one burst of 500 at the top of every second).
      rate: connections * BROWSE_RATE_PER_CONNECTION,
      durationS: args.durationS ?? 10,
      warmupS: args.warmupS ?? 2,
      beforeMeasure: async () => {
        measuredFrom = await cpuSeconds(server.child.pid!);
        racing = race({ base, tokens, starts });
      },
    });
    const {
      bookingMs,
      readMs,
      queuedMs,
      bookingTakenMs,
      answers,
      booked,
      raceMs,
      clientCpuS,
      connections: raceConnections,
      cpu: raceCpu,
    } = await racing!;
    const serverCpu = await cpuSeconds(server.child.pid);

    // Counted from the database, not from the answers.
    const { rows: over } = await client.query<{
      slots: number;
      bookings: number;
      beyond: number;
      counter_beyond: number;
    }>(
      `select count(*)::int as slots,
              coalesce(sum(n), 0)::int as bookings,
              coalesce(sum(greatest(n - capacity, 0)), 0)::int as beyond,
              coalesce(sum(greatest(booked + held - capacity, 0)), 0)::int as counter_beyond
       from (select s.id, s.capacity, s.booked, s.held,
                    (select count(*) from service_bookings b
                      where b.slot_id = s.id and b.status in ('booked', 'checked_in'))::int as n
             from service_slots s where s.service_id = $1) x`,
      [serviceId],
    );
    const o = over[0]!;
    const sorted = [...bookingMs].sort((a, b) => a - b);
    const bookingP99 = round(p(sorted, 99));
    const readP99 = round(
      p(
        [...readMs].sort((a, b) => a - b),
        99,
      ),
    );
    const bookingErrors = Object.entries(answers)
      .filter(([k]) => k !== 'booked' && k !== '409 SLOT_FULL')
      .reduce((n, [, v]) => n + v, 0);
    return {
      ...load,
      p99_ms: Math.max(load.p99_ms, bookingP99, readP99),
      browse_p99_ms: load.p99_ms,
      racer_calendar_p99_ms: readP99,
      racer_calendar_reads: readMs.length,
      browse_rps: load.rps,
      booking_p50_ms: round(p(sorted, 50)),
      booking_p99_ms: bookingP99,
      booking_requests: bookingMs.length,
      // Not in the latencies above: how long answers, once read, waited for the racers' process.
      racer_queue_p99_ms: round(
        p(
          [...queuedMs].sort((a, b) => a - b),
          99,
        ),
      ),
      racer_queue_max_ms: round(Math.max(0, ...queuedMs)),
      // The booking p99 as it was timed before (when the racers' process took each answer up).
      booking_p99_taken_ms: round(
        p(
          [...bookingTakenMs].sort((a, b) => a - b),
          99,
        ),
      ),
      booking_answers: answers,
      booking_errors: bookingErrors,
      race_ms: Math.round(raceMs),
      race_server_cpu_s: raceCpu.server,
      race_server_main_thread_cpu_s: raceCpu.serverMain,
      race_postgres_cpu_s: raceCpu.pg,
      race_client_cpu_s: round(clientCpuS),
      race_bridge_cpu_s: raceCpu.bridge,
      race_bench_cpu_s: raceCpu.bench,
      race_machine_busy_s: raceCpu.machine,
      race_connections: raceConnections,
      rehearsal_race_ms: Math.round(rehearsed.raceMs),
      rehearsal_booked: rehearsed.booked,
      racers: tokens.length,
      places: starts.length,
      booked_answers: booked,
      bookings_in_db: o.bookings,
      overbooked: o.beyond + o.counter_beyond,
      unfilled_places: starts.length - o.bookings,
      redis: bridge ? 'redis-server via upstash bridge' : 'none (--no-redis)',
      server_cpu_s:
        serverCpu !== undefined && measuredFrom !== undefined ? round(serverCpu - measuredFrom) : null,
    };
  },
  summary: (r) =>
    `overbooked ${r.overbooked} (${r.bookings_in_db} bookings for ${r.places} places, ${r.racers} racers, ` +
    `race ${fmt(r.race_ms, 0)} ms); p99 ${fmt(r.p99_ms)} ms (browse ${fmt(r.browse_p99_ms)}, book ${fmt(r.booking_p99_ms)}); ` +
    `${fmt(r.browse_rps, 0)} browse req/s; ${r.booking_errors} booking errors, ${r.errors} errors, ${r.non_2xx} non-2xx`,
};

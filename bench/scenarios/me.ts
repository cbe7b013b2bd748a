/**
 * `me`: GET /api/me with a signed-in user's token, at 50 connections for 10 s, against the
 * built server on real PostgreSQL + Redis (through the Upstash bridge), each in its own process.
 * Budget (issue 2): p99 ≤ 50 ms, no errors.
 */
import { runLoad } from '../lib/load';
import { createTempDatabase } from '../lib/pg';
import { cpuSeconds, cpuSecondsByName, rssMb } from '../lib/processes';
import { startBridge } from '../lib/redis';
import { SERVER_ENTRY, apiEnv, buildApi, devLogin, startServer } from '../lib/server';
import { type Scenario, fmt } from '../lib/scenario';

export const me: Scenario = {
  name: 'me',
  description: 'authenticated GET /api/me, 50 connections, 10 s, PostgreSQL + Redis',
  budgets: [
    { metric: 'p99_ms', op: '<=', limit: 50, unit: 'ms' },
    { metric: 'errors', op: '==', limit: 0 },
    { metric: 'non_2xx', op: '==', limit: 0 },
  ],
  async run(args) {
    await buildApi({ build: args.build !== false, need: [SERVER_ENTRY] });
    const db = await createTempDatabase();
    const bridge = args.redis === false ? undefined : await startBridge();
    const t0 = Date.now();
    const server = await startServer({ env: apiEnv(db, bridge, { DEV_LOGIN: '1', SEED_DEMO: '1' }) });
    const startupMs = Date.now() - t0;
    const { token, user } = await devLogin(server.url);

    const headers = { Authorization: `Bearer ${token}` };
    const probe = await fetch(`${server.url}/api/me`, { headers });
    const probeBody = await probe.text();
    if (probe.status !== 200)
      throw new Error(`GET /api/me answered ${probe.status}: ${probeBody.slice(0, 500)}`);

    type Counters = { server?: number; pg?: number; bridge?: number; loadgen: NodeJS.CpuUsage };
    const counters = async (): Promise<Counters> => ({
      server: await cpuSeconds(server.child.pid),
      pg: await cpuSecondsByName('postgres'),
      bridge: bridge && (await cpuSeconds(bridge.child.pid)),
      loadgen: process.cpuUsage(),
    });
    let before: Counters | undefined;
    const load = await runLoad({
      url: `${server.url}/api/me`,
      headers,
      connections: args.connections ?? 50,
      durationS: args.durationS ?? 10,
      warmupS: args.warmupS ?? 2,
      beforeMeasure: async () => {
        before = await counters();
      },
    });
    const after = await counters();
    const used = (k: 'server' | 'pg' | 'bridge') => {
      const a = after[k];
      const b = before?.[k];
      return a !== undefined && b !== undefined ? Math.round((a - b) * 100) / 100 : null;
    };
    const loadgenUs =
      after.loadgen.user + after.loadgen.system - (before ? before.loadgen.user + before.loadgen.system : 0);
    const serverCpu = used('server');
    return {
      ...load,
      redis: bridge ? 'redis-server via upstash bridge' : 'none (--no-redis)',
      user: { id: user.id, roles: user.roles },
      response_bytes: Buffer.byteLength(probeBody),
      server_startup_ms: startupMs,
      server_rss_mb: (await rssMb(server.child.pid)) ?? null,
      // CPU seconds during the measured run, per process: where the machine's cores went.
      server_cpu_s: serverCpu,
      postgres_cpu_s: used('pg'),
      bridge_cpu_s: used('bridge'),
      loadgen_cpu_s: Math.round(loadgenUs / 1e4) / 100,
      server_cpu_ms_per_request:
        serverCpu !== null && load.requests ? Math.round((serverCpu * 1e5) / load.requests) / 100 : null,
    };
  },
  summary: (r) =>
    `p99 ${fmt(r.p99_ms)} ms, p95 ${fmt(r.p95_ms)} ms, p50 ${fmt(r.p50_ms)} ms; ${fmt(r.rps, 0)} req/s; ` +
    `${r.errors} errors, ${r.non_2xx} non-2xx (${r.connections} conns, ${r.duration_s} s` +
    `${String(r.redis).startsWith('none') ? ', NO REDIS' : ''})`,
};

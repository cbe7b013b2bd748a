/**
 * `board`: the public disclosure board of one village (GET /api/villages/{id}/disclosures/board)
 * at 200 connections, served from the head-stamped cache, against the built server on real
 * PostgreSQL + Redis (through the Upstash bridge). Then publish-then-read consistency under the
 * same load: a cadre drafts and a supervisor co-signs a disclosure, and the moment the approval
 * answers, a burst of reads must all show the new chain head and the new item (`stale_reads`).
 * Budget (issue 6): p99 ≤ 50 ms from cache, no errors, no stale reads.
 */
import { runLoad } from '../lib/load';
import { createTempDatabase } from '../lib/pg';
import { cpuSeconds } from '../lib/processes';
import { startBridge } from '../lib/redis';
import { type Scenario, fmt } from '../lib/scenario';
import { SERVER_ENTRY, apiEnv, buildApi, devLogin, startServer } from '../lib/server';

type DevUser = { id: string; displayName: string; roles: { role: string; villageName: string | null }[] };
const VILLAGE = '东坪村';
const PUBLISHES = 8;
const READS_PER_PUBLISH = 40;

async function call(url: string, init: RequestInit & { token?: string } = {}) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'idempotency-key': crypto.randomUUID(),
  };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, { ...init, headers });
  const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body as Record<string, any>;
}

export const board: Scenario = {
  name: 'board',
  description:
    'public disclosure board, 200 connections, 10 s, from cache; publish-then-read consistency under load',
  budgets: [
    { metric: 'p99_ms', op: '<=', limit: 50, unit: 'ms' },
    { metric: 'errors', op: '==', limit: 0 },
    { metric: 'non_2xx', op: '==', limit: 0 },
    { metric: 'stale_reads', op: '==', limit: 0 },
  ],
  async run(args) {
    await buildApi({ build: args.build !== false, need: [SERVER_ENTRY] });
    const db = await createTempDatabase();
    const bridge = args.redis === false ? undefined : await startBridge();
    const server = await startServer({ env: apiEnv(db, bridge, { DEV_LOGIN: '1', SEED_DEMO: '1' }) });
    const inVillage = (role: string) => (users: unknown[]) =>
      (users as DevUser[]).find((u) =>
        u.roles.some((r) => r.role === role && r.villageName === VILLAGE),
      ) as never;
    const cadre = await devLogin(server.url, inVillage('cadre'));
    const supervisor = await devLogin(server.url, inVillage('supervisor'));
    const me = await call(`${server.url}/api/me`, { token: cadre.token });
    const villageId = (me.memberships as { villageId: string; villageName: string }[]).find(
      (m) => m.villageName === VILLAGE,
    )!.villageId;
    const boardUrl = `${server.url}/api/villages/${villageId}/disclosures/board`;
    const probe = await fetch(boardUrl);
    const probeBody = await probe.text();
    if (probe.status !== 200)
      throw new Error(`GET board answered ${probe.status}: ${probeBody.slice(0, 300)}`);

    const before = await cpuSeconds(server.child.pid);
    const load = await runLoad({
      url: boardUrl,
      connections: args.connections ?? 200,
      durationS: args.durationS ?? 10,
      warmupS: args.warmupS ?? 2,
    });
    const serverCpu = (await cpuSeconds(server.child.pid)) ?? 0;

    // Consistency: publish while 200 connections keep reading; every read after the approval
    // answered must show the new head and the new item as current.
    let stale = 0;
    let checked = 0;
    const base = `${server.url}/api/villages/${villageId}/disclosures`;
    const background = runLoad({
      url: boardUrl,
      connections: args.connections ?? 200,
      durationS: 8,
      warmupS: 0,
    });
    const publishMs: number[] = [];
    for (let i = 0; i < PUBLISHES; i++) {
      const draft = await call(base, {
        method: 'POST',
        token: cadre.token,
        body: JSON.stringify({
          kind: 'major',
          title: `重大事项公开 ${i + 1}`,
          body: '压力测试中发布的重大事项。',
        }),
      });
      const id = draft.disclosureId as string;
      await call(`${base}/${id}/submit`, { method: 'POST', token: cadre.token });
      const t0 = performance.now();
      const approved = await call(`${base}/${id}/review`, {
        method: 'POST',
        token: supervisor.token,
        body: JSON.stringify({ decision: 'approve', comment: '' }),
      });
      publishMs.push(performance.now() - t0);
      const reads = await Promise.all(
        Array.from({ length: READS_PER_PUBLISH }, () =>
          fetch(boardUrl).then((r) => r.json() as Promise<any>),
        ),
      );
      for (const b of reads) {
        checked++;
        const current = (b.items as { id: string }[] | undefined)?.some((x) => x.id === id);
        if (b.head?.seq < approved.seq || !current) stale++;
      }
    }
    const during = await background;
    publishMs.sort((a, b) => a - b);
    return {
      ...load,
      redis: bridge ? 'redis-server via upstash bridge' : 'none (--no-redis)',
      village_id: villageId,
      response_bytes: Buffer.byteLength(probeBody),
      server_cpu_s: before === undefined ? null : Math.round((serverCpu - before) * 100) / 100,
      stale_reads: stale,
      consistency_reads: checked,
      consistency_publishes: PUBLISHES,
      publish_p50_ms: Math.round(publishMs[Math.floor(publishMs.length / 2)]! * 100) / 100,
      under_publish_p99_ms: during.p99_ms,
      under_publish_errors: during.errors + during.non_2xx,
    };
  },
  summary: (r) =>
    `p99 ${fmt(r.p99_ms)} ms, p95 ${fmt(r.p95_ms)} ms, p50 ${fmt(r.p50_ms)} ms; ${fmt(r.rps, 0)} req/s; ` +
    `${r.errors} errors, ${r.non_2xx} non-2xx; stale reads ${r.stale_reads}/${r.consistency_reads} ` +
    `(${r.connections} conns, ${r.duration_s} s${String(r.redis).startsWith('none') ? ', NO REDIS' : ''})`,
};

/**
 * `notify`: a notice to a 2,000-person village.
 * - fanout_ms: the publish request (POST /api/villages/:id/notices, audience = the village) as the
 *   cadre sees it, which writes the notice, 2,000 inbox entries and 2,000 outbox rows in one
 *   transaction; the slowest of `--runs` publishes (default 3), after one warm-up publish.
 * - sends_per_s: the outbox drained by the notify job inside the server process (through
 *   /api/cron/notify, as Vercel cron calls it) into the fake WeChat server (in this process, on
 *   loopback), from the first cron call until nothing is pending.
 * The built server runs on real PostgreSQL (+ Redis through the bridge unless --no-redis). The
 * 2,000 villagers are inserted with SQL, each with an openid, a long-term consent (in our table
 * and in the fake) and quiet hours off, so the hour of the run does not matter.
 * Checks: every villager got exactly one inbox entry and exactly one message per notice.
 * Budget (issue 3): fanout_ms ≤ 2000, sends_per_s ≥ 200.
 * --connections N sets NOTIFY_SEND_CONCURRENCY (default 16).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DEFAULT_SUBSCRIBE_TEMPLATES } from '../../api/_wechat/subscribe-templates';
import { startFakeWechat } from '../../tests/support/fake-wechat';
import { createTempDatabase } from '../lib/pg';
import { cpuSeconds, cpuSecondsByName, onCleanup } from '../lib/processes';
import { startBridge } from '../lib/redis';
import { NO_LOAD } from '../lib/results';
import { type Scenario, fmt } from '../lib/scenario';
import { SERVER_ENTRY, apiEnv, buildApi, startServer } from '../lib/server';

const PEOPLE = 2000;
const APP_ID = 'wx-bench-notify';
const APP_SECRET = 'bench-notify-secret';
const CRON_SECRET = randomUUID();

const TEMPLATE = DEFAULT_SUBSCRIBE_TEMPLATES.notice_published!;

async function seedVillage(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('begin');
    const { rows: v } = await c.query<{ id: string }>(
      `insert into villages (town_id, name, code, invite_code)
       select id, '压测村', 'BENCH-NOTIFY', 'BN2000' from towns order by code limit 1 returning id`,
    );
    const villageId = v[0]!.id;
    await c.query(
      `insert into users (display_name, openid, quiet_hours, is_demo)
       select '村民' || g, 'bench-openid-' || lpad(g::text, 6, '0'), false, false
       from generate_series(1, $1::int) g`,
      [PEOPLE],
    );
    await c.query(
      `insert into memberships (user_id, role, village_id)
       select id, 'villager', $1 from users where openid like 'bench-openid-%'`,
      [villageId],
    );
    await c.query(
      `insert into subscribe_consents (user_id, template_id, kind, remaining)
       select id, $1, 'long_term', 0 from users where openid like 'bench-openid-%'`,
      [TEMPLATE.id],
    );
    const { rows: cadre } = await c.query<{ id: string }>(
      `insert into users (display_name, openid, quiet_hours, is_demo) values ('压测村干部', 'bench-cadre', false, true)
       returning id`,
    );
    await c.query(`insert into memberships (user_id, role, village_id) values ($1, 'cadre', $2)`, [
      cadre[0]!.id,
      villageId,
    ]);
    const { rows: openids } = await c.query<{ openid: string }>(
      `select openid from users where openid like 'bench-openid-%'`,
    );
    await c.query('commit');
    return { villageId, cadreId: cadre[0]!.id, openids: openids.map((r) => r.openid) };
  } finally {
    await c.end();
  }
}

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

export const notify: Scenario = {
  name: 'notify',
  description: 'notice to a 2,000-person village: publish fan-out time, outbox drain rate to fake WeChat',
  budgets: [
    { metric: 'fanout_ms', op: '<=', limit: 2000, unit: 'ms' },
    { metric: 'sends_per_s', op: '>=', limit: 200, unit: '/s' },
    { metric: 'lost', op: '==', limit: 0 },
    { metric: 'duplicates', op: '==', limit: 0 },
  ],
  async run(args) {
    await buildApi({ build: args.build !== false, need: [SERVER_ENTRY] });
    const db = await createTempDatabase();
    const bridge = args.redis === false ? undefined : await startBridge();
    const fake = await startFakeWechat({
      appId: APP_ID,
      secret: APP_SECRET,
      subscribeTemplates: Object.fromEntries(
        Object.values(DEFAULT_SUBSCRIBE_TEMPLATES).map((t) => [t.id, Object.values(t.fields)]),
      ),
    });
    onCleanup('stop fake wechat', () => fake.close());
    const concurrency = args.connections ?? 16;
    const server = await startServer({
      env: apiEnv(db, bridge, {
        DEV_LOGIN: '1',
        SEED_DEMO: '1',
        WECHAT_API_BASE: fake.baseUrl,
        WECHAT_APP_ID: APP_ID,
        WECHAT_APP_SECRET: APP_SECRET,
        CRON_SECRET,
        NOTIFY_SEND_CONCURRENCY: String(concurrency),
      }),
    });

    const { villageId, cadreId, openids } = await seedVillage(db.url);
    for (const o of openids) fake.state.subscriptions.consent(o, TEMPLATE.id, 'accept', 'long_term');
    const { token } = await json<{ token: string }>(
      await fetch(`${server.url}/api/auth/dev`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
        body: JSON.stringify({ userId: cadreId }),
      }),
      'POST /api/auth/dev',
    );

    const publish = async (title: string, audience: unknown) => {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/villages/${villageId}/notices`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': randomUUID(),
        },
        body: JSON.stringify({ title, body: `${title}：请全体村民周日上午九点到村委会参加会议。`, audience }),
      });
      const body = await json<{ id: string; recipients: number }>(res, 'publish');
      return { ms: performance.now() - t0, ...body };
    };

    // Warm-up (connections, JIT), to the cadres only: one recipient-less notice.
    await publish('预热', { type: 'role', role: 'cadre' });
    const runs = args.runs ?? 3;
    const fanouts: { ms: number; id: string; recipients: number }[] = [];
    for (let i = 0; i < runs; i++) fanouts.push(await publish(`全村通知${i + 1}`, { type: 'village' }));
    for (const f of fanouts) {
      if (f.recipients !== PEOPLE)
        throw new Error(`notice reached ${f.recipients} people, expected ${PEOPLE}`);
    }

    const check = new pg.Client({ connectionString: db.url });
    await check.connect();
    onCleanup('close check client', () => check.end());
    const one = async (q: string, p: unknown[] = []) => Number((await check.query(q, p)).rows[0]?.n ?? 0);
    const inbox = await one(
      `select count(*)::int as n from inbox_entries where object_id = any($1::text[])`,
      [fanouts.map((f) => f.id)],
    );
    const inboxDistinct = await one(
      `select count(distinct (event_id, user_id))::int as n from inbox_entries where object_id = any($1::text[])`,
      [fanouts.map((f) => f.id)],
    );
    const expected = PEOPLE * runs;
    const queued = await one(`select count(*)::int as n from outbox where status = 'pending'`);

    // Drain through the cron endpoint until nothing is pending.
    const cpuBefore = await cpuSeconds(server.child.pid);
    const pgBefore = await cpuSecondsByName('postgres');
    const t0 = performance.now();
    let sent = 0;
    let cronCalls = 0;
    let other = 0;
    while (cronCalls < 50) {
      const r = await json<Record<string, number>>(
        await fetch(`${server.url}/api/cron/notify`, { headers: { Authorization: `Bearer ${CRON_SECRET}` } }),
        'GET /api/cron/notify',
      );
      cronCalls++;
      sent += r.sent ?? 0;
      other += (r.skipped ?? 0) + (r.failed ?? 0) + (r.retried ?? 0) + (r.deferred ?? 0) + (r.digested ?? 0);
      if ((await one(`select count(*)::int as n from outbox where status = 'pending'`)) === 0) break;
    }
    const drainMs = performance.now() - t0;
    const cpuAfter = await cpuSeconds(server.child.pid);
    const pgAfter = await cpuSecondsByName('postgres');

    const pages = new Set(fanouts.map((f) => `/pages/notice/index?villageId=${villageId}&id=${f.id}`));
    const perMessage = new Map<string, number>();
    for (const d of fake.state.subscriptions.delivered) {
      if (!pages.has(d.page)) continue;
      const k = `${d.touser}|${d.page}`;
      perMessage.set(k, (perMessage.get(k) ?? 0) + 1);
    }
    const duplicates = [...perMessage.values()].filter((n) => n > 1).length;
    const lost = expected - perMessage.size;
    const fanoutMs = Math.max(...fanouts.map((f) => f.ms));
    return {
      ...NO_LOAD,
      redis: bridge ? 'redis-server via upstash bridge' : 'none (--no-redis)',
      people: PEOPLE,
      notices: runs,
      fanout_ms: Math.round(fanoutMs),
      fanout_runs_ms: fanouts.map((f) => Math.round(f.ms)),
      inbox_entries: inbox,
      inbox_entries_distinct: inboxDistinct,
      outbox_queued: queued,
      sends: sent,
      other_outcomes: other,
      drain_ms: Math.round(drainMs),
      sends_per_s: Math.round((sent / (drainMs / 1000)) * 10) / 10,
      cron_calls: cronCalls,
      send_concurrency: concurrency,
      delivered: perMessage.size,
      lost,
      duplicates,
      wechat_requests: fake.state.requestsTo('subscribe_send').length,
      token_fetches: fake.state.tokenFetches,
      server_cpu_s_drain:
        cpuAfter !== undefined && cpuBefore !== undefined
          ? Math.round((cpuAfter - cpuBefore) * 100) / 100
          : null,
      postgres_cpu_s_drain:
        pgAfter !== undefined && pgBefore !== undefined ? Math.round((pgAfter - pgBefore) * 100) / 100 : null,
    };
  },
  summary: (r) =>
    `fan-out to ${fmt(r.people, 0)} people ${fmt(r.fanout_ms, 0)} ms (slowest of ${r.notices}); ` +
    `drain ${fmt(r.sends_per_s, 0)} sends/s (${fmt(r.sends, 0)} in ${fmt(r.drain_ms, 0)} ms, ` +
    `${r.send_concurrency} in flight); ${r.lost} lost, ${r.duplicates} duplicated` +
    `${String(r.redis).startsWith('none') ? ', NO REDIS' : ''}`,
};

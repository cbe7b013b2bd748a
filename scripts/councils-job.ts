/**
 * `npm run jobs:councils` — the councils clock for self-hosting (the same sweep as the Vercel cron
 * /api/cron/councils): opens due votes, warns electors 2 h before the close, closes due votes,
 * escalates overdue petitions. Idempotent: run it every minute from cron or a systemd timer.
 *
 *   npm run jobs:councils                          # one sweep now
 *   npm run jobs:councils -- --now 2026-12-03T12:00:00Z   # a drill at a given time (not in production)
 */
import { parseArgs } from 'node:util';
import { createDeps } from '../api/_app/deps';
import { runCouncilSweep } from '../api/_councils/votes';
import { loadConfig } from '../api/_lib/config';

const { values } = parseArgs({ options: { now: { type: 'string' } } });
const config = { ...loadConfig(), seedDemo: false };
if (values.now && (config.production || Number.isNaN(Date.parse(values.now)))) {
  console.error('--now needs an ISO time and is refused in production');
  process.exit(2);
}
const deps = await createDeps(config);
try {
  const r = await runCouncilSweep(deps, values.now ? new Date(values.now) : new Date());
  console.log(JSON.stringify({ level: 'info', msg: 'councils sweep done', ...r }));
  await deps.database.close();
} catch (e) {
  deps.log('error', 'councils sweep failed', { err: String(e) });
  await deps.database.close().catch(() => {});
  process.exit(1);
}

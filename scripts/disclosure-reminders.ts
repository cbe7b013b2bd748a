/**
 * `npm run jobs:disclosures` — flags overdue disclosure periods and reminds cadres once per period
 * (the same job as GET /api/cron/disclosures). Run it daily from a system cron / systemd timer;
 * `-- --now 2026-12-11T09:00:00+08:00` runs it as of another time. Same configuration as the server.
 */
import { parseArgs } from 'node:util';
import { createDeps } from '../api/_app/deps';
import { runDisclosureReminders } from '../api/_disclosures/schedule';
import { loadConfig } from '../api/_lib/config';

const { values } = parseArgs({ options: { now: { type: 'string' } } });
const now = values.now ? new Date(values.now) : new Date();
if (Number.isNaN(now.getTime())) {
  console.error(`--now wants an ISO time, got ${values.now}`);
  process.exit(2);
}
const deps = await createDeps({ ...loadConfig(), seedDemo: false });
try {
  const r = await runDisclosureReminders(deps, now);
  console.log(
    JSON.stringify({ level: 'info', msg: 'disclosure reminders done', at: now.toISOString(), ...r }),
  );
  await deps.database.close();
  process.exit(0);
} catch (e) {
  console.error(JSON.stringify({ level: 'error', msg: 'disclosure reminders failed', err: String(e) }));
  process.exit(1);
}

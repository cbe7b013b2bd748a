/**
 * `npm run jobs:matters` — the matters clock sweep for self-hosting: escalates, closes or flags
 * overdue matters every N seconds (default 60) until stopped; `--once` runs it one time and exits
 * (for a system cron / systemd timer). Same configuration as the server (DATABASE_URL…).
 *
 *   npm run jobs:matters                     # loop every 60 s
 *   npm run jobs:matters -- --interval 300   # loop every 5 min
 *   npm run jobs:matters -- --once           # one run; exit code 1 if it failed
 *
 * With PGlite (no DATABASE_URL) the server's data folder is locked by the running server: set
 * MATTERS_SWEEP_INTERVAL_S on the server instead (npm run dev does), which runs the same sweep.
 */
import { parseArgs } from 'node:util';
import { createDeps } from '../api/_app/deps';
import { loadConfig } from '../api/_lib/config';
import { startSweepLoop, sweepOverdueMatters } from '../api/_matters/sweep';

const { values } = parseArgs({
  options: { once: { type: 'boolean' }, interval: { type: 'string' } },
});
const intervalS = Number(values.interval ?? 60);
if (!Number.isFinite(intervalS) || intervalS <= 0) {
  console.error(`--interval wants a positive number of seconds, got ${values.interval}`);
  process.exit(2);
}

const config = { ...loadConfig(), seedDemo: false };
const deps = await createDeps(config).catch((e: unknown) => {
  console.error(JSON.stringify({ level: 'error', msg: 'matters job could not start', err: String(e) }));
  process.exit(1);
});

if (values.once) {
  try {
    const r = await sweepOverdueMatters(deps.db, { log: deps.log, budgetMs: config.matters.sweepBudgetMs });
    console.log(JSON.stringify({ level: 'info', msg: 'matters sweep done', ...r }));
    await deps.database.close();
    process.exit(0);
  } catch (e) {
    deps.log('error', 'matters sweep failed', { err: String(e) });
    await deps.database.close().catch(() => {});
    process.exit(1);
  }
} else {
  deps.log('info', 'matters sweep loop started', { intervalS });
  const loop = startSweepLoop(deps.db, deps.log, intervalS);
  const stop = () => {
    deps.log('info', 'matters sweep loop stopping');
    loop
      .stop()
      .then(() => deps.database.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

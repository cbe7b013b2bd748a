/**
 * `npm run jobs:notify` — the notify job for self-hosting: drains the outbox into WeChat subscribe
 * messages every N seconds (default 10) until stopped; `--once` runs it one time and exits (for a
 * system cron / systemd timer). Same configuration as the server (DATABASE_URL, Redis, WeChat).
 *
 *   npm run jobs:notify                     # loop every 10 s
 *   npm run jobs:notify -- --interval 30    # loop every 30 s
 *   npm run jobs:notify -- --once           # one run; exit code 1 if it failed
 *
 * With PGlite (no DATABASE_URL) the server's data folder is locked by the running server: set
 * NOTIFY_JOB_INTERVAL_S on the server instead, which runs the same job in-process.
 */
import { parseArgs } from 'node:util';
import { createDeps } from '../api/_app/deps';
import { loadConfig } from '../api/_lib/config';
import { runNotifyJob, startNotifyLoop } from '../api/_notices/notify-job';

const { values } = parseArgs({
  options: { once: { type: 'boolean' }, interval: { type: 'string' } },
});
const intervalS = Number(values.interval ?? 10);
if (!Number.isFinite(intervalS) || intervalS <= 0) {
  console.error(`--interval wants a positive number of seconds, got ${values.interval}`);
  process.exit(2);
}

const config = { ...loadConfig(), seedDemo: false };
const deps = await createDeps(config).catch((e: unknown) => {
  console.error(JSON.stringify({ level: 'error', msg: 'notify job could not start', err: String(e) }));
  process.exit(1);
});

if (values.once) {
  try {
    const r = await runNotifyJob(deps);
    console.log(JSON.stringify({ level: 'info', msg: 'notify job done', ...r }));
    await deps.database.close();
    process.exit(0);
  } catch (e) {
    deps.log('error', 'notify job failed', { err: String(e) });
    await deps.database.close().catch(() => {});
    process.exit(1);
  }
} else {
  deps.log('info', 'notify job loop started', { intervalS });
  const loop = startNotifyLoop(deps, intervalS);
  const stop = () => {
    deps.log('info', 'notify job loop stopping');
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

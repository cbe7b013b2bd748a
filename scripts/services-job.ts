/**
 * `npm run jobs:services` — the services job for self-hosting: booking reminders (the day before,
 * two hours before) and lapsed waitlist offers, every N seconds (default 60) until stopped;
 * `--once` runs it one time and exits (for a system cron / systemd timer). Idempotent: running
 * it twice, or alongside the cron endpoint, sends each reminder once.
 *
 *   npm run jobs:services                     # loop every 60 s
 *   npm run jobs:services -- --interval 120
 *   npm run jobs:services -- --once
 */
import { parseArgs } from 'node:util';
import { createDeps } from '../api/_app/deps';
import { loadConfig } from '../api/_lib/config';
import { runServicesJob } from '../api/_services/jobs';

const { values } = parseArgs({ options: { once: { type: 'boolean' }, interval: { type: 'string' } } });
const intervalS = Number(values.interval ?? 60);
if (!Number.isFinite(intervalS) || intervalS <= 0) {
  console.error(`--interval wants a positive number of seconds, got ${values.interval}`);
  process.exit(2);
}

const deps = await createDeps({ ...loadConfig(), seedDemo: false }).catch((e: unknown) => {
  console.error(JSON.stringify({ level: 'error', msg: 'services job could not start', err: String(e) }));
  process.exit(1);
});

const once = async () => {
  const r = await runServicesJob(deps);
  deps.log('info', 'services job done', r);
};

if (values.once) {
  try {
    await once();
    await deps.database.close();
    process.exit(0);
  } catch (e) {
    deps.log('error', 'services job failed', { err: String(e) });
    await deps.database.close().catch(() => {});
    process.exit(1);
  }
} else {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    once()
      .catch((e: unknown) => deps.log('error', 'services job failed', { err: String(e) }))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalS * 1000);
      });
  };
  tick();
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    deps.database.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

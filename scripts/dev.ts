/**
 * `npm run dev`: the whole product on its embedded defaults — PGlite under .data/, demo county
 * seeded, dev login on, the h5 build served at / and the API at /api. Environment variables
 * still win, so the same command runs against Postgres/Redis when they are set.
 */
import { existsSync } from 'node:fs';

process.env.DEV_LOGIN ??= '1';
process.env.SEED_DEMO ??= '1';
process.env.STATIC_DIR ??= 'miniprogram/dist/h5';
process.env.PORT ??= '3000';
process.env.LOG_LEVEL ??= 'info';
// PGlite has one connection and no cron: drain notifications in-process.
process.env.NOTIFY_JOB_INTERVAL_S ??= '15';
// …and run the matters clock sweep (escalate overdue matters) every minute.
process.env.MATTERS_SWEEP_INTERVAL_S ??= '60';

if (!existsSync(`${process.env.STATIC_DIR}/index.html`)) {
  console.warn(
    `h5 build missing at ${process.env.STATIC_DIR}: run npm run build:h5 (npm run dev does it for you)`,
  );
}
const { startServer } = await import('../api/_app/server');
const { port, close } = await startServer();
console.log(
  `\n  村民参与 is running: http://localhost:${port}/  (API: http://localhost:${port}/api/health)\n`,
);
const stop = () =>
  close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

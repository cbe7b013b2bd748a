/**
 * Plain Node server: local runs (PGlite by default) and self-hosting (Postgres + Redis).
 * Serves the API at /api and, when STATIC_DIR is set, the h5 build at /.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { loadConfig } from '../_lib/config';
import { createApp } from './app';
import { createDeps } from './deps';
import { startNotifyLoop } from '../_notices/notify-job';
import { startSweepLoop } from '../_matters/sweep';
import { startCouncilSweepLoop } from '../_councils/votes';
import { serveCachedAudio } from '../_speech/fast-audio';

export async function startServer(opts: { port?: number; env?: Record<string, string | undefined> } = {}) {
  const config = loadConfig(opts.env ?? process.env);
  const deps = await createDeps(config);
  const api = createApp(async () => deps);
  // The h5 build, when served, is a Hono app of its own beside the API: mounting the API in it
  // (root.route) would wrap each of its handlers in one more error-handling layer, run by every
  // request (about a tenth of a calendar read's server CPU).
  let site: Hono | undefined;
  if (config.staticDir) {
    site = new Hono();
    const dir = path.resolve(config.staticDir);
    const index = await readFile(path.join(dir, 'index.html'), 'utf8').catch(() => null);
    site.use('/*', serveStatic({ root: path.relative(process.cwd(), dir) || '.' }));
    if (index) site.get('*', (c) => c.html(index));
  }
  const port = opts.port ?? Number(process.env.PORT ?? 3000);
  // Cached speech audio goes out like a static file (api/_speech/fast-audio.ts); everything
  // else, and every audio request it does not serve, through the app.
  const apiListener = getRequestListener(api.fetch);
  const siteListener = site ? getRequestListener(site.fetch) : undefined;
  const server = createServer((req, res) => {
    if (serveCachedAudio(deps, req, res)) return;
    const url = req.url ?? '/';
    const toApi = !siteListener || url.startsWith('/api/') || url === '/api' || url.startsWith('/api?');
    void (toApi ? apiListener : siteListener)(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, process.env.HOST ?? '0.0.0.0', resolve));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  deps.log('info', 'listening', {
    port: actualPort,
    database: deps.database.kind,
    static: config.staticDir ?? null,
  });
  // Self-hosting on PGlite (one process owns the data folder): the notify job runs in here.
  const notifyLoop =
    config.notify.jobIntervalS > 0 ? startNotifyLoop(deps, config.notify.jobIntervalS) : undefined;
  // The matters clock, likewise, when no cron or jobs:matters runs it.
  const sweepLoop =
    config.matters.sweepIntervalS > 0
      ? startSweepLoop(deps.db, deps.log, config.matters.sweepIntervalS)
      : undefined;
  const councilsLoop =
    config.councils.sweepIntervalS > 0
      ? startCouncilSweepLoop(deps, config.councils.sweepIntervalS)
      : undefined;
  const close = async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await notifyLoop?.stop();
    await sweepLoop?.stop();
    await councilsLoop?.stop();
    await deps.database.close();
  };
  return { port: actualPort, deps, close };
}

const isMain = process.argv[1] && /server\.(ts|mjs|js)$/.test(process.argv[1]);
if (isMain) {
  startServer()
    .then(({ close, deps }) => {
      const stop = () => {
        deps.log('info', 'shutting down');
        close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((err) => {
      console.error(
        JSON.stringify({ level: 'error', msg: 'server failed to start', err: String(err?.stack ?? err) }),
      );
      process.exit(1);
    });
}

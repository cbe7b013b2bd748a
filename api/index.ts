/**
 * The single Vercel function: vercel.json rewrites /api/(.*) here. @vercel/node serves the Hono
 * app given as the default export (TOOLCHAIN.md: `export default app` — not app.fetch).
 * Needs DATABASE_URL (Postgres): PGlite is never part of this bundle.
 */
import { createApp } from './_app/app';
import { createDeps, lazyDeps } from './_app/deps';
import { loadConfig } from './_lib/config';

const app = createApp(lazyDeps(() => createDeps(loadConfig())));

export default app;

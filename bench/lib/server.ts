/**
 * The API under benchmark: built with `npm run build:api`, started as its own Node process on
 * real PostgreSQL + Redis, ready when GET /api/health answers 200.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Bridge } from './redis';
import { type Child, freePort, runCommand, spawnChild, waitFor } from './processes';

/** The plain Node server; BENCH_SERVER_ENTRY measures another build. */
export const SERVER_ENTRY = process.env.BENCH_SERVER_ENTRY ?? 'api-dist/server.mjs';

/** Builds the API bundles (server.mjs, the Vercel bundle, cold.mjs) unless told not to. */
export async function buildApi(opts: { build: boolean; need: string[] }): Promise<void> {
  if (opts.build) {
    console.error('[bench] npm run build:api');
    await runCommand('npm', ['run', '--silent', 'build:api']);
  }
  for (const f of opts.need) {
    if (!existsSync(f)) throw new Error(`${f} is missing — does \`npm run build:api\` produce it?`);
  }
}

/** Environment for the API on the benchmark's database and Redis bridge. */
export function apiEnv(db: { url: string }, bridge: Bridge | undefined, extra: Record<string, string> = {}) {
  return {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: db.url,
    AUTO_MIGRATE: '1',
    UPSTASH_REDIS_REST_URL: bridge?.url ?? '',
    UPSTASH_REDIS_REST_TOKEN: bridge?.token ?? '',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    ...extra,
  };
}

export type RunningServer = { url: string; port: number; child: Child };

/** Extra node flags for the server, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

export async function startServer(opts: {
  env: NodeJS.ProcessEnv;
  entry?: string;
  timeoutMs?: number;
}): Promise<RunningServer> {
  const port = await freePort();
  const entry = opts.entry ?? SERVER_ENTRY;
  const child = spawnChild('api', process.execPath, [...NODE_ARGS, entry], {
    env: { ...opts.env, PORT: String(port) },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `API server (${entry})`,
    async () => (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) })).status === 200,
    {
      timeoutMs: opts.timeoutMs ?? 120_000,
      intervalMs: 200,
      abort: child.exited,
      onAbort: () => `the server exited:\n${child.tail()}`,
    },
  );
  return { url, port, child };
}

export type DevUser = { id: string; displayName: string; roles: unknown[] };

async function json<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Signs in as a demo user through the dev login; `pick` chooses among GET /api/auth/dev-users. */
export async function devLogin(
  baseUrl: string,
  pick: (users: DevUser[]) => DevUser | undefined = (users) =>
    users.find((u) => u.roles.length > 0) ?? users[0],
): Promise<{ token: string; user: DevUser }> {
  const { users } = await json<{ users: DevUser[] }>(
    await fetch(`${baseUrl}/api/auth/dev-users`),
    'GET /api/auth/dev-users',
  );
  const user = pick(users);
  if (!user) throw new Error('GET /api/auth/dev-users returned no users — was the demo data seeded?');
  const { token } = await json<{ token: string }>(
    await fetch(`${baseUrl}/api/auth/dev`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
      body: JSON.stringify({ userId: user.id }),
    }),
    'POST /api/auth/dev',
  );
  return { token, user };
}

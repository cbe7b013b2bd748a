/**
 * One harness for API integration tests: a fresh database (PGlite in memory, or a new real
 * PostgreSQL database cloned from a migrated + seeded template), migrated and seeded with the demo
 * county, the app wired to it, and helpers to sign in as any role.
 * TEST_DB=pglite|postgres picks the database (vitest projects run the suite on both).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { createApp } from '../../api/_app/app';
import type { Deps } from '../../api/_app/context';
import { openDatabase, type Database } from '../../api/_db/client';
import { seedDemo } from '../../api/_db/seed';
import { loadConfig } from '../../api/_lib/config';
import { createLogger } from '../../api/_lib/log';
import { createRedisPort } from '../../api/_redis';
import { createSpeechProvider } from '../../api/_speech';
import { createStorage } from '../../api/_storage';
import { createWechatClient } from '../../api/_wechat/client';
import { PG_URL } from './services';

export type DbKind = 'pglite' | 'postgres';
export const TEST_DB: DbKind = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
/** Postgres suites skip (loudly, in global setup) when the server is down outside strict mode. */
export const DB_UNAVAILABLE = TEST_DB === 'postgres' && !inject('pgTemplate');

function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A new Postgres database cloned from the template made by tests/support/global-setup.ts. */
async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const template = inject('pgTemplate');
  if (!template) throw new Error('no Postgres template database: run through vitest with TEST_DB=postgres');
  const name = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  return {
    url: withDatabase(PG_URL, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The PGlite template, read once per test worker (a Blob is immutable: every app may load it). */
let templateBlob: Blob | undefined;

export type TestAppOptions = {
  db?: DbKind;
  env?: Record<string, string>;
  redis?: { url: string; token: string };
  wechatBase?: string;
  /**
   * PostgreSQL only: another instance of the API on this app's database (its own pool, its own
   * in-process state), as a second serverless instance would be.
   */
  sameDatabaseAs?: { databaseUrl?: string };
};

export async function createTestApp(opts: TestAppOptions = {}) {
  const kind = opts.db ?? TEST_DB;
  const logLines: string[] = [];
  const storageDir = mkdtempSync(path.join(tmpdir(), 'cmcy-storage-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DEV_LOGIN: '1',
    LOG_LEVEL: 'debug',
    WECHAT_APP_ID: 'wx-test-app',
    WECHAT_APP_SECRET: 'test-secret',
    WECHAT_API_BASE: opts.wechatBase ?? 'http://127.0.0.1:9',
    STORAGE_DIR: storageDir,
    ...(opts.redis
      ? { UPSTASH_REDIS_REST_URL: opts.redis.url, UPSTASH_REDIS_REST_TOKEN: opts.redis.token }
      : {}),
    ...opts.env,
  });
  let database: Database;
  let drop = async () => {};
  let databaseUrl: string | undefined;
  if (kind === 'postgres' && opts.sameDatabaseAs) {
    databaseUrl = opts.sameDatabaseAs.databaseUrl;
    if (!databaseUrl) throw new Error('sameDatabaseAs: that app has no PostgreSQL database');
    database = await openDatabase({ url: databaseUrl, poolSize: 5 });
  } else if (kind === 'postgres') {
    const fresh = await freshPostgres();
    drop = fresh.drop;
    databaseUrl = fresh.url;
    database = await openDatabase({ url: fresh.url, poolSize: 5 });
  } else {
    const template = inject('pgliteTemplate');
    if (template) {
      // Migrated and seeded once per run (tests/support/global-setup.ts); each file loads a copy.
      templateBlob ??= new Blob([readFileSync(template)]);
      database = await openDatabase({ dataDir: 'memory://', loadDataDir: templateBlob });
    } else {
      database = await openDatabase({ dataDir: 'memory://' });
      await database.migrate();
      await seedDemo(database.db);
    }
  }
  const log = createLogger('debug', { service: 'api-test' }, (l) => logLines.push(l));
  const redis = createRedisPort({ url: config.redis.url, token: config.redis.token, timeoutMs: 300, log });
  const deps: Deps = {
    config,
    database,
    db: database.db,
    redis,
    wechat: createWechatClient(config.wechat, { redis, log }),
    storage: createStorage(config.storage),
    speech: createSpeechProvider(config.speech),
    log,
  };
  const app = createApp(async () => deps);

  const request = async (
    method: string,
    path: string,
    o: { token?: string; body?: unknown; raw?: BodyInit; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: BodyInit | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, body: json as any };
  };

  const tokens = new Map<string, string>();
  const loginAs = async (userId: string) => {
    const cached = tokens.get(userId);
    if (cached) return cached;
    const res = await request('POST', '/api/auth/dev', { body: { userId } });
    if (res.status !== 200) throw new Error(`dev login failed: ${res.status} ${JSON.stringify(res.body)}`);
    tokens.set(userId, res.body.token);
    return res.body.token as string;
  };

  return {
    app,
    deps,
    db: database.db,
    databaseUrl,
    request,
    loginAs,
    logLines,
    close: async () => {
      await database.close();
      await drop();
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/**
 * Opens the database: real PostgreSQL when DATABASE_URL is a postgres:// URL, otherwise PGlite
 * persisted under a data folder. PGlite has no cross-process lock, so this module takes one
 * (proper-lockfile) and refuses to open a folder another live process holds.
 * PGlite is imported dynamically so the Vercel bundle never carries it.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle has the same query surface as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbKind = 'pglite' | 'postgres';

/** Rows a raw `execute` wrote: node-postgres says rowCount, PGlite affectedRows. */
export function affectedRows(result: unknown): number {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return r.rowCount ?? r.affectedRows ?? 0;
}

export type Database = {
  db: Db;
  kind: DbKind;
  migrate(): Promise<void>;
  /** PGlite only: the whole data folder as a tarball (tests build one migrated, seeded template). */
  dump?(): Promise<Blob>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
};

export class DataDirLockedError extends Error {
  constructor(dir: string) {
    super(`PGlite data folder ${dir} is already open in another process; stop it or set PGLITE_DIR`);
  }
}

export function migrationsFolder(): string {
  return process.env.MIGRATIONS_DIR ?? path.resolve(process.cwd(), 'api/_db/migrations');
}

export async function openDatabase(opts: {
  url?: string;
  /** PGlite data folder; 'memory://' for an in-memory database (tests). */
  dataDir?: string;
  poolSize?: number;
  /** Name repeated queries so PostgreSQL parses and plans them once per connection (default on;
   *  off behind a transaction-mode pooler that cannot keep prepared statements). */
  prepare?: boolean;
  /** PGlite: start from this dumped data folder (Database.dump) instead of an empty one. */
  loadDataDir?: Blob;
}): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.poolSize ?? 10, opts.prepare ?? true);
  return openPglite(opts.dataDir ?? '.data/pglite', opts.loadDataDir);
}

async function openPostgres(url: string, poolSize: number, prepare: boolean): Promise<Database> {
  const { default: pg } = await import('pg');
  const { autoPrepareClient, statementNames } = await import('./auto-prepare');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    ...(prepare ? { Client: autoPrepareClient(statementNames()) } : {}),
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  const db = drizzle({ client: pool, schema, casing: 'snake_case' });
  return {
    db: db as unknown as Db,
    kind: 'postgres',
    migrate: () => migrate(db, { migrationsFolder: migrationsFolder() }),
    ping: async () => {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  let release: (() => Promise<void>) | undefined;
  if (!dataDir.startsWith('memory://')) {
    const dir = path.resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    const lockfile = await import('proper-lockfile');
    try {
      release = await lockfile.lock(dir, { stale: 15_000, update: 5_000, realpath: false });
    } catch {
      throw new DataDirLockedError(dir);
    }
  }
  // Contrib modules the migrations need: pg_trgm (similar matters), btree_gist (services' overlap constraint).
  const [{ pg_trgm }, { btree_gist }] = await Promise.all([
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/btree_gist'),
  ]);
  const client = new PGlite(dataDir, { extensions: { pg_trgm, btree_gist }, loadDataDir });
  await client.waitReady;
  const db = drizzle({ client, schema, casing: 'snake_case' });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    migrate: () => migrate(db, { migrationsFolder: migrationsFolder() }),
    dump: () => client.dumpDataDir('none'),
    ping: async () => {
      try {
        await client.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      await client.close();
      await release?.();
    },
  };
}

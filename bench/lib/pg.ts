/**
 * A fresh PostgreSQL database per benchmark run (`bench_<pid>`), dropped at the end — and any
 * left behind by a run that was killed outright (its pid no longer alive) is dropped at the
 * next start.
 */
import pg from 'pg';
import { onCleanup } from './processes';

export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_ADMIN_URL} (${e instanceof Error ? e.message : String(e)}). ` +
        'Start it (see README) or set BENCH_PG_URL.',
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const NAME = /^bench_(\d+)(_\d+)?$/;
let created = 0;

export type TempDatabase = { name: string; url: string; drop(): Promise<void> };

export async function createTempDatabase(): Promise<TempDatabase> {
  const name = created === 0 ? `bench_${process.pid}` : `bench_${process.pid}_${created}`;
  created++;
  await withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%'",
    );
    for (const { datname } of rows) {
      const m = NAME.exec(datname);
      if (m && !alive(Number(m[1]))) {
        console.error(`[bench] dropping stale database ${datname} (its run is gone)`);
        await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    }
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
    // BENCH_PG_LOG=1: PostgreSQL logs every statement the run sends (its server log), to count
    // the round trips a request makes; BENCH_PG_LOG=durations: every statement with its duration.
    if (process.env.BENCH_PG_LOG === '1') await c.query(`ALTER DATABASE "${name}" SET log_statement = 'all'`);
    if (process.env.BENCH_PG_LOG === 'durations') {
      await c.query(`ALTER DATABASE "${name}" SET log_min_duration_statement = 0`);
    }
  });
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };
  onCleanup(`drop database ${name}`, drop);
  return { name, url: url.toString(), drop };
}

/**
 * Vitest global setup for the API suites: when TEST_DB=postgres, build one migrated + seeded
 * template database that each test file clones (CREATE DATABASE … TEMPLATE), then drop it.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../api/_db/client';
import { seedDemo } from '../../api/_db/seed';
import { PG_URL, serviceAvailable } from './services';

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  project.provide('pgTemplate', null);
  if (project.config.env?.TEST_DB !== 'postgres') return;
  if (!(await serviceAvailable('postgres'))) return;
  const name = `tmpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString(), poolSize: 2 });
  await database.migrate();
  await seedDemo(database.db);
  await database.close();
  project.provide('pgTemplate', name);
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}

/**
 * Vitest global setup for the API suites: one migrated + seeded template that each test file
 * starts from. TEST_DB=postgres: a template database each file clones (CREATE DATABASE …
 * TEMPLATE), dropped at the end. TEST_DB=pglite: a dumped PGlite data folder (a tarball in the
 * temp folder) each file loads, instead of running every migration and the seed again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../api/_db/client';
import { seedDemo } from '../../api/_db/seed';
import { PG_URL, serviceAvailable } from './services';

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string | null;
    pgliteTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  project.provide('pgTemplate', null);
  project.provide('pgliteTemplate', null);
  if (project.config.env?.TEST_DB === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://' });
    await database.migrate();
    await seedDemo(database.db);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cmcy-pglite-')), 'template.tar');
    writeFileSync(file, Buffer.from(await (await database.dump!()).arrayBuffer()));
    await database.close();
    project.provide('pgliteTemplate', file);
    return () => rmSync(path.dirname(file), { recursive: true, force: true });
  }
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

/** The embedded database: PGlite persisted in a folder, guarded against a second process, seeded idempotently. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, DataDirLockedError, openDatabase } from '../../api/_db/client';
import { users } from '../../api/_db/schema';
import { seedDemo } from '../../api/_db/seed';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('PGlite data folder', () => {
  let dir: string;
  let db: Database;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pglite-test-'));
    db = await openDatabase({ dataDir: dir });
    await db.migrate();
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second process while the first holds the folder', () => {
    const script = `import('./api/_db/client.ts').then(m => m.openDatabase({ dataDir: ${JSON.stringify(dir)} }))
      .then(() => { console.log('OPENED'); process.exit(0); }, (e) => { console.log(e.name === 'Error' ? e.message : e.name + ': ' + e.message); process.exit(3); });`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stdout).not.toContain('OPENED');
    expect(r.stdout).toContain('already open in another process');
    expect(r.status).toBe(3);
  });

  it('refuses a second open in the same process too', async () => {
    await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
  });

  it('seeds the demo county once, however often it runs', async () => {
    expect((await seedDemo(db.db)).seeded).toBe(true);
    const [first] = await db.db.select({ n: count() }).from(users);
    expect((await seedDemo(db.db)).seeded).toBe(false);
    const [second] = await db.db.select({ n: count() }).from(users);
    expect(second!.n).toBe(first!.n);
    expect(first!.n).toBeGreaterThan(300);
  }, 60_000);

  it('keeps its data across a restart, and the folder is free once closed', async () => {
    await db.close();
    db = await openDatabase({ dataDir: dir });
    await db.migrate();
    const [row] = await db.db.select({ n: count() }).from(users);
    expect(row!.n).toBeGreaterThan(300);
  }, 60_000);
});

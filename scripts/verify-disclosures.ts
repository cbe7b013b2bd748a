/**
 * `npm run verify:disclosures -- <village id | village code> [--url http://host:port]` — recomputes
 * a village's disclosure hash chain and reports exactly which published version broke.
 *
 * With --url it reads only the public chain over HTTP (anyone can run it against a deployment;
 * the village id is on the board). Without --url it reads the database the server uses
 * (DATABASE_URL, or the PGlite folder — stop the dev server first: PGlite has one process) and
 * checks the recorded chain head as well. Exit code 0: intact; 1: broken; 2: usage or I/O error.
 */
import { parseArgs } from 'node:util';
import { eq, or } from 'drizzle-orm';
import { describeReport, fetchChain, verifyLinks } from './verify-disclosures-lib';

const { values, positionals } = parseArgs({ options: { url: { type: 'string' } }, allowPositionals: true });
const village = positionals[0];
if (!village) {
  console.error('usage: npm run verify:disclosures -- <village id | code> [--url http://localhost:3000]');
  process.exit(2);
}
const UUID_RE = /^[0-9a-f-]{36}$/i;

try {
  if (values.url) {
    if (!UUID_RE.test(village)) throw new Error('with --url give the village id (shown on the board)');
    const r = verifyLinks(await fetchChain(values.url, village));
    console.log(describeReport(village, r));
    process.exit(r.ok ? 0 : 1);
  }
  const { openDatabase } = await import('../api/_db/client');
  const { loadConfig } = await import('../api/_lib/config');
  const { villages } = await import('../api/_db/schema');
  const { verifyVillageChain } = await import('../api/_disclosures/chain');
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.pgliteDir });
  const [v] = await database.db
    .select({ id: villages.id, name: villages.name })
    .from(villages)
    .where(
      UUID_RE.test(village)
        ? or(eq(villages.id, village), eq(villages.code, village))
        : eq(villages.code, village),
    );
  if (!v) throw new Error(`no village ${village}`);
  const r = await verifyVillageChain(database.db, v.id);
  console.log(`${v.name}: ${describeReport(v.id, r)}`);
  await database.close();
  process.exit(r.ok ? 0 : 1);
} catch (e) {
  console.error(`verify-disclosures: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}

/**
 * `npm run verify:disclosures -- <village id | village code> [--url http://host:port]` — recomputes
 * a village's disclosure hash chain and reports exactly which published version broke, then
 * hashes every voucher photo the chain commits to and names a line whose photo was swapped.
 *
 * With --url it reads only the public chain and the public voucher photos over HTTP (anyone can
 * run it against a deployment; the village id is on the board). Without --url it reads the
 * database and storage the server uses (DATABASE_URL or the PGlite folder — stop the dev server
 * first: PGlite has one process — and STORAGE_DIR or the bucket) and checks the recorded chain
 * head and the voucher records as well. `--no-vouchers` skips the photos. Exit code 0: intact;
 * 1: broken; 2: usage or I/O error.
 */
import { parseArgs } from 'node:util';
import { eq, or } from 'drizzle-orm';
import {
  describeReport,
  fetchChain,
  publicVoucherHash,
  sha256OfBytes,
  verifyLinks,
  verifyWithVouchers,
} from './verify-disclosures-lib';

const { values, positionals } = parseArgs({
  options: { url: { type: 'string' }, 'no-vouchers': { type: 'boolean' } },
  allowPositionals: true,
});
const withVouchers = !values['no-vouchers'];
const village = positionals[0];
if (!village) {
  console.error('usage: npm run verify:disclosures -- <village id | code> [--url http://localhost:3000]');
  process.exit(2);
}
const UUID_RE = /^[0-9a-f-]{36}$/i;

try {
  if (values.url) {
    if (!UUID_RE.test(village)) throw new Error('with --url give the village id (shown on the board)');
    const links = await fetchChain(values.url, village);
    const r = withVouchers
      ? await verifyWithVouchers(links, publicVoucherHash(values.url, village))
      : verifyLinks(links);
    console.log(describeReport(village, r));
    process.exit(r.ok ? 0 : 1);
  }
  const { openDatabase } = await import('../api/_db/client');
  const { loadConfig } = await import('../api/_lib/config');
  const { villages } = await import('../api/_db/schema');
  const { chainLinks, verifyVillageChain } = await import('../api/_disclosures/chain');
  const { createStorage } = await import('../api/_storage');
  const { media } = await import('../api/_db/schema');
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
  let r = await verifyVillageChain(database.db, v.id);
  if (r.ok && withVouchers) {
    // The photos' bytes, from the storage the server writes to.
    const storage = createStorage(config.storage);
    r = await verifyWithVouchers(await chainLinks(database.db, v.id), async ({ id }) => {
      const [row] = await database.db.select().from(media).where(eq(media.id, id));
      const obj = row ? await storage.get(row.storageKey) : null;
      return obj ? sha256OfBytes(obj.body) : null;
    });
  }
  console.log(`${v.name}: ${describeReport(v.id, r)}`);
  await database.close();
  process.exit(r.ok ? 0 : 1);
} catch (e) {
  console.error(`verify-disclosures: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}

/** `npm run db:migrate` — applies committed migrations to DATABASE_URL (or the PGlite folder). `--seed` adds demo data. */
import { loadConfig } from '../_lib/config';
import { openDatabase } from './client';
import { seedDemo } from './seed';

const config = loadConfig();
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.pgliteDir });
try {
  await database.migrate();
  console.log(JSON.stringify({ level: 'info', msg: 'migrated', database: database.kind }));
  if (process.argv.includes('--seed')) {
    const { seeded } = await seedDemo(database.db);
    console.log(
      JSON.stringify({ level: 'info', msg: seeded ? 'demo data seeded' : 'demo data already present' }),
    );
  }
} finally {
  await database.close();
}

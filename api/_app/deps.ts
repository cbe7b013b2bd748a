/**
 * Builds the process-wide dependencies once: database (migrated, and seeded when asked), Redis
 * port, WeChat client, logger. A Vercel instance builds them on its first request.
 */
import { openDatabase } from '../_db/client';
import { seedDemo } from '../_db/seed';
import type { Config } from '../_lib/config';
import { createLogger } from '../_lib/log';
import { createRedisPort } from '../_redis';
import { createSpeechProvider } from '../_speech';
import { createStorage } from '../_storage';
import { createWechatClient } from '../_wechat/client';
import type { Deps } from './context';

export async function createDeps(config: Config): Promise<Deps> {
  const log = createLogger(config.logLevel, { service: 'api', version: config.version });
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.pgliteDir,
    poolSize: config.databasePoolSize,
    prepare: config.databasePrepare,
  });
  if (config.autoMigrate) await database.migrate();
  if (config.seedDemo) {
    const { seeded } = await seedDemo(database.db);
    log('info', seeded ? 'demo data seeded' : 'demo data already present');
  }
  const redis = createRedisPort({
    url: config.redis.url,
    token: config.redis.token,
    timeoutMs: config.redis.timeoutMs,
    log,
  });
  if (redis.state().state === 'not_configured')
    log('warn', 'redis not configured: rate limits are per instance, caches off');
  const wechat = createWechatClient(config.wechat, { redis, log });
  log('info', 'ready', { database: database.kind, redis: redis.state().state, devLogin: config.devLogin });
  return {
    config,
    database,
    db: database.db,
    redis,
    wechat,
    storage: createStorage(config.storage),
    speech: createSpeechProvider(config.speech),
    log,
  };
}

/** Memoises deps so concurrent first requests share one start-up; a failed start is retried next time. */
export function lazyDeps(build: () => Promise<Deps>): () => Promise<Deps> {
  let pending: Promise<Deps> | undefined;
  return () => {
    pending ??= build().catch((err) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

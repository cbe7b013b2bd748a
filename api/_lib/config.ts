/**
 * Every configuration variable the API reads, in one place (documented in README.md).
 * Configuration, not code, chooses between the Vercel path and the self-hosted path.
 */
import { z } from 'zod';
import type { S3StorageConfig } from '../_storage/s3';
import {
  DEFAULT_SUBSCRIBE_TEMPLATES,
  type SubscribeTemplates,
  parseSubscribeTemplates,
} from '../_wechat/subscribe-templates';

const bool = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true');

const ZEnv = z.object({
  NODE_ENV: z.string().optional().default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Connections this instance keeps to Postgres (a long-running server may want more than a function). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).optional().default(10),
  /** Named prepared statements for repeated queries (api/_db/auto-prepare.ts). Set 0 behind a
   *  transaction-mode pooler (PgBouncer before 1.21) that cannot keep them. */
  DATABASE_PREPARE: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .default('1')
    .transform((v) => v === '1' || v === 'true'),
  PGLITE_DIR: z.string().optional().default('.data/pglite'),
  /** Apply migrations at start (always on for PGlite). For Postgres, deploys run `npm run db:migrate`. */
  AUTO_MIGRATE: bool,
  SEED_DEMO: bool,
  UPSTASH_REDIS_REST_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  REDIS_TIMEOUT_MS: z.coerce.number().int().positive().optional().default(150),
  AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).optional().default(5000),
  SESSION_SECRET: z.string().optional(),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .optional()
    .default(24 * 30),
  DEV_LOGIN: bool,
  WECHAT_APP_ID: z.string().optional().default(''),
  WECHAT_APP_SECRET: z.string().optional().default(''),
  WECHAT_API_BASE: z.string().url().optional().default('https://api.weixin.qq.com'),
  WECHAT_TIMEOUT_MS: z.coerce.number().int().positive().optional().default(5000),
  /** JSON: { "<kind>": { "id", "longTerm", "fields": { "<semantic>": "<key>" } } } (api/_wechat/subscribe-templates.ts). */
  WECHAT_SUBSCRIBE_TEMPLATES: z.string().optional(),
  /** Which version a subscribe message opens: formal (default in production) | trial | developer. */
  WECHAT_MINIPROGRAM_STATE: z.enum(['formal', 'trial', 'developer', '']).optional(),
  /** Bearer secret of /api/cron/* (Vercel sends it as `Authorization: Bearer …`). Unset: cron refused. */
  CRON_SECRET: z.string().optional(),
  /** How long one cron call may drain the outbox (Vercel functions here may run 30 s). */
  NOTIFY_DRAIN_BUDGET_MS: z.coerce.number().int().positive().optional().default(20_000),
  /** Subscribe messages in flight at once per drainer. */
  NOTIFY_SEND_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional().default(8),
  /** Plain Node server only: drain the outbox in-process every N seconds (0 = off; use cron or jobs:notify). */
  NOTIFY_JOB_INTERVAL_S: z.coerce.number().min(0).optional().default(0),
  /** Sent, skipped and failed outbox rows are deleted after this many days (the inbox keeps its own). */
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).optional().default(30),
  /** Plain Node server only: run the matters clock sweep in-process every N seconds (0 = off; use cron or jobs:matters). */
  MATTERS_SWEEP_INTERVAL_S: z.coerce.number().min(0).optional().default(0),
  /** How long one sweep run may claim overdue matters before leaving the rest for the next run. */
  MATTERS_SWEEP_BUDGET_MS: z.coerce.number().int().positive().optional().default(20_000),
  COUNCILS_SWEEP_INTERVAL_S: z.coerce.number().min(0).optional().default(0),
  /** Token of the mini-program's message push (消息推送, JSON): verifies WeChat's pushes. */
  WECHAT_PUSH_TOKEN: z.string().optional().default(''),
  /** EncodingAESKey of the message push (43 characters), for 安全模式/兼容模式; empty: 明文模式 only. */
  WECHAT_PUSH_AES_KEY: z
    .string()
    .regex(/^([A-Za-z0-9]{43})?$/, 'WECHAT_PUSH_AES_KEY must be the 43-character EncodingAESKey')
    .optional()
    .default(''),
  /** Local folder for uploaded media and speech audio (embedded default). */
  STORAGE_DIR: z.string().optional().default('.data/storage'),
  /** S3-compatible object storage (Tencent COS, MinIO, AWS): used instead of STORAGE_DIR when the bucket is set. */
  STORAGE_S3_BUCKET: z.string().optional().default(''),
  STORAGE_S3_ENDPOINT: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  STORAGE_S3_REGION: z.string().optional().default(''),
  STORAGE_S3_ACCESS_KEY_ID: z.string().optional().default(''),
  STORAGE_S3_SECRET_ACCESS_KEY: z.string().optional().default(''),
  STORAGE_S3_FORCE_PATH_STYLE: bool,
  STORAGE_S3_PREFIX: z.string().optional().default(''),
  STORAGE_S3_TIMEOUT_MS: z.coerce.number().int().positive().optional().default(10_000),
  /** Public https origin of the API (e.g. https://cmcy.example.cn): WeChat downloads uploads from it to check them. */
  PUBLIC_BASE_URL: z.string().url().optional().default('http://localhost:3000'),
  /** Server speech (read-aloud fallback): espeak (local, default) | tencent (Tencent Cloud TTS) | off. */
  SPEECH_PROVIDER: z.enum(['espeak', 'tencent', 'off']).optional().default('espeak'),
  SPEECH_ESPEAK_BIN: z.string().optional().default('espeak-ng'),
  SPEECH_ESPEAK_VOICE: z
    .string()
    .regex(/^[a-z0-9+-]+$/)
    .optional()
    .default('cmn'),
  SPEECH_ESPEAK_RATE: z.coerce.number().int().min(80).max(400).optional().default(150),
  /** Resample espeak's WAV to this rate with sox (0: keep 22,050 Hz). */
  SPEECH_SAMPLE_RATE: z.coerce.number().int().min(0).max(48000).optional().default(16000),
  SPEECH_SOX_BIN: z.string().optional().default('sox'),
  /** espeak output: auto (MP3 when lame is installed, else WAV) | wav | mp3. */
  SPEECH_ENCODE: z.enum(['auto', 'wav', 'mp3']).optional().default('auto'),
  SPEECH_LAME_BIN: z.string().optional().default('lame'),
  /** 16 kb/s mono at 16 kHz: the band of AMR-WB "HD voice" (lowpass ≈ 5.5 kHz), half the data of 32. */
  SPEECH_MP3_KBPS: z.coerce.number().int().min(8).max(128).optional().default(16),
  SPEECH_TIMEOUT_MS: z.coerce.number().int().positive().optional().default(15_000),
  /** How long a signed audio URL stays valid (seconds). */
  SPEECH_URL_TTL_S: z.coerce.number().int().min(60).max(86_400).optional().default(900),
  TENCENT_SECRET_ID: z.string().optional().default(''),
  TENCENT_SECRET_KEY: z.string().optional().default(''),
  TENCENT_TTS_REGION: z.string().optional().default('ap-guangzhou'),
  TENCENT_TTS_ENDPOINT: z.string().url().optional().default('https://tts.tencentcloudapi.com'),
  TENCENT_TTS_VOICE_TYPE: z.coerce.number().int().min(0).optional().default(0),
  TENCENT_TTS_SPEED: z.coerce.number().min(-2).max(6).optional().default(-1),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional().default('info'),
  STATIC_DIR: z.string().optional(),
  APP_VERSION: z.string().optional(),
});

export type Config = {
  nodeEnv: string;
  production: boolean;
  databaseUrl?: string;
  databasePoolSize: number;
  databasePrepare: boolean;
  pgliteDir: string;
  autoMigrate: boolean;
  seedDemo: boolean;
  redis: { url?: string; token?: string; timeoutMs: number };
  /** How long a GET may reuse this instance's copy of a session (0: never). Writes always re-check. */
  authCacheTtlMs: number;
  sessionSecret: string;
  sessionTtlS: number;
  /** Dev login is on only when asked for AND not in production. */
  devLogin: boolean;
  wechat: {
    appId: string;
    secret: string;
    apiBase: string;
    timeoutMs: number;
    pushToken: string;
    pushAesKey: string;
    /** Subscribe-message templates by notification kind; a kind without one gets no push. */
    subscribeTemplates: SubscribeTemplates;
    miniprogramState: 'formal' | 'trial' | 'developer';
  };
  notify: {
    /** undefined: /api/cron/notify refuses every call. */
    cronSecret?: string;
    drainBudgetMs: number;
    sendConcurrency: number;
    /** 0 = the Node server does not drain in-process. */
    jobIntervalS: number;
    outboxRetentionDays: number;
  };
  matters: {
    /** 0 = the Node server does not run the clock sweep in-process. */
    sweepIntervalS: number;
    sweepBudgetMs: number;
  };
  councils: {
    /** 0 = the Node server does not run the councils clock in-process (cron or jobs:councils does). */
    sweepIntervalS: number;
  };
  storage: {
    /** Local folder used when no object storage is configured. */
    dir: string;
    /** S3-compatible object storage; set when STORAGE_S3_BUCKET is. */
    s3?: S3StorageConfig;
  };
  speech: {
    provider: 'espeak' | 'tencent' | 'off';
    timeoutMs: number;
    urlTtlS: number;
    espeak: {
      bin: string;
      voice: string;
      rate: number;
      sampleRate: number;
      soxBin: string;
      encode: 'auto' | 'wav' | 'mp3';
      lameBin: string;
      mp3Kbps: number;
    };
    tencent: {
      secretId: string;
      secretKey: string;
      region: string;
      endpoint: string;
      voiceType: number;
      speed: number;
    };
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Origin WeChat can reach (signed media URLs for content checks). */
  publicBaseUrl: string;
  staticDir?: string;
  version: string;
};

function s3Config(e: z.infer<typeof ZEnv>): S3StorageConfig | undefined {
  if (!e.STORAGE_S3_BUCKET) return undefined;
  const missing = (
    [
      ['STORAGE_S3_REGION', e.STORAGE_S3_REGION],
      ['STORAGE_S3_ACCESS_KEY_ID', e.STORAGE_S3_ACCESS_KEY_ID],
      ['STORAGE_S3_SECRET_ACCESS_KEY', e.STORAGE_S3_SECRET_ACCESS_KEY],
    ] as const
  ).filter(([, v]) => !v);
  if (missing.length > 0) {
    throw new Error(`STORAGE_S3_BUCKET is set but ${missing.map(([k]) => k).join(', ')} is not`);
  }
  return {
    bucket: e.STORAGE_S3_BUCKET,
    // AWS's own endpoint when none is given; COS: https://cos.<region>.myqcloud.com.
    endpoint: e.STORAGE_S3_ENDPOINT ?? `https://s3.${e.STORAGE_S3_REGION}.amazonaws.com`,
    region: e.STORAGE_S3_REGION,
    accessKeyId: e.STORAGE_S3_ACCESS_KEY_ID,
    secretAccessKey: e.STORAGE_S3_SECRET_ACCESS_KEY,
    forcePathStyle: e.STORAGE_S3_FORCE_PATH_STYLE,
    prefix: e.STORAGE_S3_PREFIX,
    timeoutMs: e.STORAGE_S3_TIMEOUT_MS,
  };
}

const DEV_SECRET = 'dev-only-secret-do-not-use-in-production-0123456789';

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = ZEnv.parse(env);
  const production = e.NODE_ENV === 'production';
  if (production && (!e.SESSION_SECRET || e.SESSION_SECRET.length < 32)) {
    throw new Error('SESSION_SECRET (≥ 32 characters) is required when NODE_ENV=production');
  }
  if (e.SPEECH_PROVIDER === 'tencent' && !(e.TENCENT_SECRET_ID && e.TENCENT_SECRET_KEY)) {
    throw new Error('SPEECH_PROVIDER=tencent needs TENCENT_SECRET_ID and TENCENT_SECRET_KEY');
  }
  return {
    nodeEnv: e.NODE_ENV,
    production,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databasePrepare: e.DATABASE_PREPARE,
    pgliteDir: e.PGLITE_DIR,
    autoMigrate: e.AUTO_MIGRATE || !e.DATABASE_URL,
    seedDemo: e.SEED_DEMO,
    authCacheTtlMs: e.AUTH_CACHE_TTL_MS,
    redis: {
      url: e.UPSTASH_REDIS_REST_URL,
      token: e.UPSTASH_REDIS_REST_TOKEN,
      timeoutMs: e.REDIS_TIMEOUT_MS,
    },
    sessionSecret: e.SESSION_SECRET ?? DEV_SECRET,
    sessionTtlS: Math.round(e.SESSION_TTL_HOURS * 3600),
    devLogin: e.DEV_LOGIN && !production,
    wechat: {
      appId: e.WECHAT_APP_ID,
      secret: e.WECHAT_APP_SECRET,
      apiBase: e.WECHAT_API_BASE.replace(/\/$/, ''),
      timeoutMs: e.WECHAT_TIMEOUT_MS,
      pushToken: e.WECHAT_PUSH_TOKEN,
      pushAesKey: e.WECHAT_PUSH_AES_KEY,
      subscribeTemplates: e.WECHAT_SUBSCRIBE_TEMPLATES
        ? parseSubscribeTemplates(e.WECHAT_SUBSCRIBE_TEMPLATES)
        : production
          ? {}
          : DEFAULT_SUBSCRIBE_TEMPLATES,
      miniprogramState: e.WECHAT_MINIPROGRAM_STATE || (production ? 'formal' : 'developer'),
    },
    notify: {
      cronSecret: e.CRON_SECRET || undefined,
      drainBudgetMs: e.NOTIFY_DRAIN_BUDGET_MS,
      sendConcurrency: e.NOTIFY_SEND_CONCURRENCY,
      jobIntervalS: e.NOTIFY_JOB_INTERVAL_S,
      outboxRetentionDays: e.OUTBOX_RETENTION_DAYS,
    },
    storage: { dir: e.STORAGE_DIR, s3: s3Config(e) },
    matters: { sweepIntervalS: e.MATTERS_SWEEP_INTERVAL_S, sweepBudgetMs: e.MATTERS_SWEEP_BUDGET_MS },
    speech: {
      provider: e.SPEECH_PROVIDER,
      timeoutMs: e.SPEECH_TIMEOUT_MS,
      urlTtlS: e.SPEECH_URL_TTL_S,
      espeak: {
        bin: e.SPEECH_ESPEAK_BIN,
        voice: e.SPEECH_ESPEAK_VOICE,
        rate: e.SPEECH_ESPEAK_RATE,
        sampleRate: e.SPEECH_SAMPLE_RATE,
        soxBin: e.SPEECH_SOX_BIN,
        encode: e.SPEECH_ENCODE,
        lameBin: e.SPEECH_LAME_BIN,
        mp3Kbps: e.SPEECH_MP3_KBPS,
      },
      tencent: {
        secretId: e.TENCENT_SECRET_ID,
        secretKey: e.TENCENT_SECRET_KEY,
        region: e.TENCENT_TTS_REGION,
        endpoint: e.TENCENT_TTS_ENDPOINT,
        voiceType: e.TENCENT_TTS_VOICE_TYPE,
        speed: e.TENCENT_TTS_SPEED,
      },
    },
    councils: { sweepIntervalS: e.COUNCILS_SWEEP_INTERVAL_S },
    logLevel: e.LOG_LEVEL,
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/$/, ''),
    staticDir: e.STATIC_DIR,
    version: e.APP_VERSION ?? process.env.npm_package_version ?? '0.1.0',
  };
}

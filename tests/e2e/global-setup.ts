/**
 * Browser-test setup: make sure the h5 build exists (build it when missing or older than its
 * sources), start the real Node server on a free port with a fresh PGlite folder, demo data and
 * dev login, and hand its URL to the tests. CI=true: a missing Chromium fails instead of skipping.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { STRICT } from '../support/services';

declare module 'vitest' {
  export interface ProvidedContext {
    e2eBaseUrl: string | null;
  }
}

const ROOT = path.resolve(import.meta.dirname, '../..');
const H5 = path.join(ROOT, 'miniprogram/dist/h5/index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return newest;
}

export default async function setup(project: TestProject) {
  project.provide('e2eBaseUrl', process.env.E2E_BASE_URL ?? null);
  if (process.env.E2E_BASE_URL) return;
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    if (STRICT) throw new Error(`no Chromium at ${chromium} — CI=true requires the browser tests to run`);
    return;
  }
  const stale = !existsSync(H5) || newestMtime(path.join(ROOT, 'miniprogram/src')) > statSync(H5).mtimeMs;
  if (stale) {
    console.log('[e2e] building the h5 app…');
    // vitest sets NODE_ENV=test, which babel-preset-taro reads as "development" (react-refresh).
    const r = spawnSync('npm', ['run', 'build:h5'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (r.status !== 0) throw new Error('h5 build failed');
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'e2e-pglite-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'api/_app/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      PGLITE_DIR: dataDir,
      DATABASE_URL: '',
      SEED_DEMO: '1',
      DEV_LOGIN: '1',
      LOG_LEVEL: 'info',
      STATIC_DIR: 'miniprogram/dist/h5',
      UPSTASH_REDIS_REST_URL: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 120 s')), 120_000);
    let buf = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (const line of buf.split('\n')) {
        if (!line.includes('"listening"')) continue;
        clearTimeout(timer);
        resolve(JSON.parse(line).port);
      }
      buf = buf.slice(buf.lastIndexOf('\n') + 1);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  project.provide('e2eBaseUrl', `http://127.0.0.1:${port}`);
  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  };
}

/**
 * The plain Node server (api/_app/server.ts) with the h5 build beside the API: /api goes to the
 * API (its JSON errors, never the app's page), everything else to the files, and a path that is
 * no file to index.html (the h5 router's deep links).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../api/_app/server';

describe('the Node server: API and h5 build side by side', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'server-test-'));
  const site = path.join(dir, 'h5');
  let base = '';
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    mkdirSync(path.join(site, 'js'), { recursive: true });
    writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>村民参与</title>');
    writeFileSync(path.join(site, 'js', 'app.js'), 'console.log(1)');
    const s = await startServer({
      port: 0,
      env: {
        PGLITE_DIR: path.join(dir, 'data'),
        STATIC_DIR: site,
        LOG_LEVEL: 'warn',
      },
    });
    base = `http://127.0.0.1:${s.port}`;
    close = s.close;
  }, 120_000);
  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API under /api, with its JSON errors', async () => {
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { database: { kind: string } }).database.kind).toBe('pglite');
    for (const p of ['/api/no-such-thing', '/api', '/api?x=1']) {
      const res = await fetch(`${base}${p}`);
      expect({ p, status: res.status, type: res.headers.get('content-type') }).toEqual({
        p,
        status: 404,
        type: expect.stringContaining('application/json'),
      });
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
  });

  it('serves the h5 files, and index.html for any other path', async () => {
    const js = await fetch(`${base}/js/app.js`);
    expect([js.status, await js.text()]).toEqual([200, 'console.log(1)']);
    for (const p of ['/', '/pages/services/index', '/apiary']) {
      const res = await fetch(`${base}${p}`);
      expect({ p, status: res.status }).toEqual({ p, status: 200 });
      expect(await res.text()).toContain('<title>村民参与</title>');
    }
  });
});

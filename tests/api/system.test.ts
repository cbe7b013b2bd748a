import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DB_UNAVAILABLE, TEST_DB, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('health and OpenAPI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('health reports database kind, Redis state and version', async () => {
    const res = await t.request('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      database: { kind: TEST_DB, ok: true },
      redis: { state: 'not_configured', lastError: null },
    });
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('serves an OpenAPI 3.1 document generated from the shared schemas', async () => {
    const res = await t.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    for (const p of [
      '/api/health',
      '/api/auth/wechat',
      '/api/me',
      '/api/villages/join',
      '/api/villages/{villageId}/roster/import',
    ]) {
      expect(paths).toContain(p);
    }
    const join = res.body.paths['/api/villages/join'].post;
    expect(join.requestBody.content['application/json'].schema.properties).toHaveProperty('inviteCode');
    expect(join.responses).toHaveProperty('401');
  });
});

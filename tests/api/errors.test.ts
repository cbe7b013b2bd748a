/** The one error shape, for every kind of bad input: documented code and status, never a 500. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from 'hono/jwt';
import { ERROR_CODES, ERROR_STATUS } from '../../shared/errors';
import { loadActors, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('error shape', () => {
  let t: TestApp;
  let a: Actors;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    token = await t.loginAs(a.villager);
  });
  afterAll(() => t.close());

  const expectError = (
    res: { status: number; body: any; headers: Headers },
    code: string,
    status: number,
  ) => {
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(res.body.error.requestId).toBe(res.headers.get('x-request-id'));
  };

  it('maps every code to one status', () => {
    for (const code of ERROR_CODES) expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
  });

  it('malformed JSON → BAD_JSON 400', async () => {
    const res = await t.request('PATCH', '/api/me', {
      token,
      raw: '{"elderMode": tru',
      headers: { 'content-type': 'application/json' },
    });
    expectError(res, 'BAD_JSON', 400);
  });

  it('wrong type → VALIDATION_FAILED 400 with the field named', async () => {
    const res = await t.request('PATCH', '/api/me', { token, body: { elderMode: 'yes' } });
    expectError(res, 'VALIDATION_FAILED', 400);
    expect(res.body.error.details.issues[0].path).toBe('elderMode');
  });

  it('unknown field → VALIDATION_FAILED 400', async () => {
    const res = await t.request('PATCH', '/api/me', { token, body: { elderMode: true, isAdmin: true } });
    expectError(res, 'VALIDATION_FAILED', 400);
  });

  it('a Chinese rule message reaches the user', async () => {
    const res = await t.request('POST', '/api/villages/join', {
      token,
      body: { inviteCode: 'DP2026', name: '王五', phone: '12345' },
    });
    expectError(res, 'VALIDATION_FAILED', 400);
    expect(res.body.error.message).toContain('手机号');
  });

  it('body over 1 MB → PAYLOAD_TOO_LARGE 413', async () => {
    const big = JSON.stringify({ displayName: 'x'.repeat(1024 * 1024 + 10) });
    const res = await t.request('PATCH', '/api/me', {
      token,
      raw: big,
      headers: { 'content-type': 'application/json' },
    });
    expectError(res, 'PAYLOAD_TOO_LARGE', 413);
  });

  it('declared Content-Length over 1 MB → PAYLOAD_TOO_LARGE 413; a small declared body passes', async () => {
    const big = JSON.stringify({ displayName: 'x'.repeat(1024 * 1024 + 10) });
    const res = await t.request('PATCH', '/api/me', {
      token,
      raw: big,
      headers: { 'content-type': 'application/json', 'content-length': String(big.length) },
    });
    expectError(res, 'PAYLOAD_TOO_LARGE', 413);
    const small = JSON.stringify({ elderMode: true });
    const ok = await t.request('PATCH', '/api/me', {
      token,
      raw: small,
      headers: { 'content-type': 'application/json', 'content-length': String(small.length) },
    });
    expect(ok.status).toBe(200);
  });

  it('wrong content type → UNSUPPORTED_MEDIA_TYPE 415', async () => {
    const res = await t.request('PATCH', '/api/me', {
      token,
      raw: 'elderMode=true',
      headers: { 'content-type': 'text/plain' },
    });
    expectError(res, 'UNSUPPORTED_MEDIA_TYPE', 415);
  });

  it('unknown route → NOT_FOUND 404', async () => {
    expectError(await t.request('GET', '/api/nope'), 'NOT_FOUND', 404);
    expectError(await t.request('DELETE', '/api/health'), 'NOT_FOUND', 404);
  });

  it('missing token → UNAUTHENTICATED 401', async () => {
    expectError(await t.request('GET', '/api/me'), 'UNAUTHENTICATED', 401);
    expectError(
      await t.request('GET', '/api/me', { headers: { authorization: 'Basic abc' } }),
      'UNAUTHENTICATED',
      401,
    );
  });

  it('expired token → TOKEN_EXPIRED 401', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const expired = await sign(
      { sub: a.villager, sid: crypto.randomUUID(), iat: past - 10, exp: past },
      t.deps.config.sessionSecret,
      'HS256',
    );
    expectError(await t.request('GET', '/api/me', { token: expired }), 'TOKEN_EXPIRED', 401);
  });

  it('forged token → TOKEN_INVALID 401', async () => {
    const future = Math.floor(Date.now() / 1000) + 3600;
    const forged = await sign(
      { sub: a.cadre, sid: crypto.randomUUID(), iat: future - 10, exp: future },
      'not-the-secret',
      'HS256',
    );
    expectError(await t.request('GET', '/api/me', { token: forged }), 'TOKEN_INVALID', 401);
    // A correctly signed token naming a session that does not exist is also refused.
    const noSession = await sign(
      { sub: a.cadre, sid: crypto.randomUUID(), iat: future - 10, exp: future },
      t.deps.config.sessionSecret,
      'HS256',
    );
    expectError(await t.request('GET', '/api/me', { token: noSession }), 'TOKEN_INVALID', 401);
    expectError(await t.request('GET', '/api/me', { token: 'abc.def.ghi' }), 'TOKEN_INVALID', 401);
  });

  it('bad path parameter → VALIDATION_FAILED, not 500', async () => {
    const cadre = await t.loginAs(a.cadre);
    expectError(
      await t.request('GET', '/api/villages/not-a-uuid/grids', { token: cadre }),
      'VALIDATION_FAILED',
      400,
    );
  });

  it('honours a sane incoming X-Request-Id and logs it', async () => {
    const res = await t.request('GET', '/api/health', { headers: { 'x-request-id': 'trace-12345678' } });
    expect(res.headers.get('x-request-id')).toBe('trace-12345678');
    const line = t.logLines
      .map((l) => JSON.parse(l))
      .find((l) => l.requestId === 'trace-12345678' && l.msg === 'request');
    expect(line).toMatchObject({ level: 'info', method: 'GET', path: '/api/health', status: 200 });
  });
});

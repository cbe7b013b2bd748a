import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import {
  ApiError,
  backoffDelay,
  buildQuery,
  createApi,
  createApiClient,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from '../../miniprogram/src/api/client';
import { ok, request, resetTaro } from './taro-mock';

const KEY_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function memoryTokens(initial: string | null = 'tok-1') {
  let token = initial;
  return {
    get: () => token,
    set: (t: string) => {
      token = t;
    },
    clear: vi.fn(() => {
      token = null;
    }),
  };
}

/** A transport that plays a script: each step is a response or 'drop' (no response arrives). */
function scripted(...steps: (TransportResponse | 'drop')[]) {
  const calls: TransportRequest[] = [];
  const transport: Transport = async (req) => {
    calls.push(req);
    const step = steps.shift() ?? 'drop';
    if (step === 'drop')
      throw Object.assign(new Error('request:fail timeout'), { errMsg: 'request:fail timeout' });
    return step;
  };
  return { transport, calls };
}

function setup(
  steps: (TransportResponse | 'drop')[],
  opts: { token?: string | null; overridePatch?: boolean } = {},
) {
  const { transport, calls } = scripted(...steps);
  const sleeps: number[] = [];
  const tokens = memoryTokens(opts.token === undefined ? 'tok-1' : opts.token);
  const onUnauthorized = vi.fn();
  const client = createApiClient({
    baseUrl: '/api',
    tokens,
    transport,
    onUnauthorized,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    overridePatch: opts.overridePatch,
  });
  return { client, calls, sleeps, tokens, onUnauthorized };
}

const errorBody = (code: string, message: string, requestId = 'req-abc') => ({
  error: { code, message, requestId },
});

beforeEach(() => resetTaro());

describe('idempotency keys', () => {
  it('puts one random UUID key on a write and reuses it on every retry', async () => {
    const { client, calls } = setup(['drop', 'drop', { statusCode: 200, data: { request: { id: 'r1' } } }]);
    const res = await client.post<{ request: { id: string } }>('/villages/join', { name: '李新民' });
    expect(res.request.id).toBe('r1');
    expect(calls).toHaveLength(3);
    const keys = calls.map((c) => c.header['Idempotency-Key']);
    expect(keys[0]).toMatch(KEY_RE);
    expect(new Set(keys).size).toBe(1);
    expect(calls.every((c) => c.method === 'POST' && c.data !== undefined)).toBe(true);
  });

  it('gives each separate write its own key', async () => {
    const { client, calls } = setup([ok({}), ok({})]);
    await client.post('/a', {});
    await client.del('/b');
    expect(calls[0]!.header['Idempotency-Key']).not.toBe(calls[1]!.header['Idempotency-Key']);
    expect(calls[1]!.header['Idempotency-Key']).toMatch(KEY_RE);
  });

  it('uses the key the caller passes (the user pressing 提交 again)', async () => {
    const { client, calls } = setup([ok({})]);
    await client.post('/villages/join', {}, { idempotencyKey: 'fixed-key' });
    expect(calls[0]!.header['Idempotency-Key']).toBe('fixed-key');
  });

  it('puts no key on a read', async () => {
    const { client, calls } = setup([ok({})]);
    await client.get('/me');
    expect(calls[0]!.header['Idempotency-Key']).toBeUndefined();
  });
});

describe('retries', () => {
  it('backs off exponentially between attempts after network failures', async () => {
    const { client, calls, sleeps } = setup(['drop', 'drop', 'drop', ok({ fine: true })]);
    await expect(client.get('/me')).resolves.toEqual({ fine: true });
    expect(calls).toHaveLength(4);
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('caps the delay and adds jitter', () => {
    expect(backoffDelay(10, 500, 5000, () => 0.5)).toBe(5000);
    expect(backoffDelay(0, 500, 5000, () => 0)).toBe(375);
    expect(backoffDelay(0, 500, 5000, () => 1)).toBe(625);
  });

  it('gives up after the last retry with a plain Chinese network message', async () => {
    const { client, calls } = setup(['drop', 'drop', 'drop', 'drop', 'drop']);
    const err = await client.post('/villages/join', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'NETWORK', status: 0, message: '网络不好，请检查网络后再试' });
    expect(calls).toHaveLength(4);
  });

  it('retries 502/503/504 with the same key', async () => {
    const { client, calls } = setup([
      { statusCode: 503, data: errorBody('INTERNAL', '系统出错了') },
      { statusCode: 502, data: null },
      ok({ done: 1 }),
    ]);
    await expect(client.post('/x', {})).resolves.toEqual({ done: 1 });
    expect(new Set(calls.map((c) => c.header['Idempotency-Key'])).size).toBe(1);
  });

  it('retries a write whose earlier attempt is still being processed (409 IDEMPOTENCY_IN_PROGRESS)', async () => {
    const { client, calls } = setup([
      { statusCode: 409, data: errorBody('IDEMPOTENCY_IN_PROGRESS', '正在处理，请稍候') },
      ok({ ok: true }),
    ]);
    await expect(client.post('/x', {})).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(2);
  });

  it.each([
    [400, 'VALIDATION_FAILED', '填写的内容有误，请检查后再提交'],
    [403, 'FORBIDDEN', '您没有权限做这件事'],
    [404, 'INVITE_CODE_INVALID', '邀请码不对，请向村干部核实'],
    [409, 'CONFLICT', '情况有变化，请刷新后再试'],
    [422, 'ROSTER_INVALID', '花名册有错误，请改正后重新上传'],
    [429, 'RATE_LIMITED', '操作太频繁，请稍后再试'],
  ])('does not retry a %i and surfaces the error shape', async (status, code, message) => {
    const { client, calls, sleeps } = setup([
      {
        statusCode: status,
        data: { error: { code, message, requestId: 'req-9', details: { field: 'phone' } } },
      },
    ]);
    const err = (await client.post('/x', {}).catch((e: unknown) => e)) as ApiError;
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code, message, status, requestId: 'req-9', details: { field: 'phone' } });
  });

  it('does not retry a 500', async () => {
    const { client, calls } = setup([
      { statusCode: 500, data: errorBody('INTERNAL', '系统出错了，请稍后再试') },
    ]);
    await expect(client.get('/me')).rejects.toMatchObject({ code: 'INTERNAL', status: 500 });
    expect(calls).toHaveLength(1);
  });

  it('uses the default message of a known code when the server sent none, and a generic one for a non-JSON error', async () => {
    const a = setup([{ statusCode: 403, data: { error: { code: 'FORBIDDEN', requestId: 'r' } } }]);
    await expect(a.client.get('/x')).rejects.toMatchObject({ message: '您没有权限做这件事' });
    const b = setup([{ statusCode: 418, data: '<html>teapot</html>', header: { 'X-Request-Id': 'rid-7' } }]);
    await expect(b.client.get('/x')).rejects.toMatchObject({
      code: 'HTTP_ERROR',
      requestId: 'rid-7',
      message: '服务暂时不可用，请稍后再试',
    });
  });
});

describe('authentication', () => {
  it('attaches the bearer token when there is one', async () => {
    const a = setup([ok({})], { token: 'tok-xyz' });
    await a.client.get('/me');
    expect(a.calls[0]!.header.Authorization).toBe('Bearer tok-xyz');
    const b = setup([ok({})], { token: null });
    await b.client.get('/auth/dev-users');
    expect(b.calls[0]!.header.Authorization).toBeUndefined();
  });

  it('on 401 clears the token, tells the app, and does not retry', async () => {
    const { client, calls, tokens, onUnauthorized } = setup([
      { statusCode: 401, data: errorBody('TOKEN_EXPIRED', '登录已过期，请重新登录') },
    ]);
    const err = await client.get('/me').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TOKEN_EXPIRED', status: 401, message: '登录已过期，请重新登录' });
    expect(calls).toHaveLength(1);
    expect(tokens.clear).toHaveBeenCalledOnce();
    expect(tokens.get()).toBeNull();
    expect(onUnauthorized).toHaveBeenCalledWith(err);
  });

  it('does not clear the token on 403', async () => {
    const { client, tokens, onUnauthorized } = setup([
      { statusCode: 403, data: errorBody('FORBIDDEN', '您没有权限做这件事') },
    ]);
    await client.get('/x').catch(() => undefined);
    expect(tokens.clear).not.toHaveBeenCalled();
    expect(onUnauthorized).not.toHaveBeenCalled();
  });
});

describe('requests', () => {
  it('builds query strings, skipping empty values', () => {
    expect(buildQuery({ code: 'AB 12', dryRun: 1, status: undefined, x: null })).toBe(
      '?code=AB%2012&dryRun=1',
    );
    expect(buildQuery({})).toBe('');
  });

  it('sends JSON bodies, or raw bytes with their content type', async () => {
    const { client, calls } = setup([ok({}), ok({})]);
    await client.post('/a', { b: 1 });
    expect(calls[0]!.header['Content-Type']).toBe('application/json');
    const bytes = new TextEncoder().encode('户号,姓名\n1,王').buffer;
    await client.request('POST', '/villages/v1/roster/import', {
      body: bytes,
      contentType: 'text/csv',
      query: { dryRun: 1 },
    });
    expect(calls[1]!.url).toBe('/api/villages/v1/roster/import?dryRun=1');
    expect(calls[1]!.header['Content-Type']).toBe('text/csv');
    expect(calls[1]!.data).toBe(bytes);
  });

  it('sends PATCH as POST + X-HTTP-Method-Override where wx.request has no PATCH', async () => {
    const weapp = setup([ok({})], { overridePatch: true });
    await weapp.client.patch('/me', { elderMode: true });
    expect(weapp.calls[0]).toMatchObject({ method: 'POST', header: { 'X-HTTP-Method-Override': 'PATCH' } });
    const h5 = setup([ok({})]);
    await h5.client.patch('/me', { elderMode: true });
    expect(h5.calls[0]!.method).toBe('PATCH');
    expect(h5.calls[0]!.header['X-HTTP-Method-Override']).toBeUndefined();
  });
});

describe('typed endpoints over Taro.request', () => {
  it('maps each call to the contract path', async () => {
    request.mockResolvedValue(ok({ items: [] }));
    const api = createApi(createApiClient({ baseUrl: '/api', tokens: memoryTokens('t') }));
    await api.villages.lookup('dp2026');
    await api.villages.joinRequests('v 1', 'pending');
    await api.villages.approveJoin('v1', 'r1');
    await api.villages.rejectJoin('v1', 'r1', '不是本村村民');
    await api.villages.removeRole('v1', 'u1', 'grid_worker');
    await api.villages.addRole('v1', 'u1', 'grid_worker', 'g1');
    await api.me.update({ elderMode: true });
    const seen = request.mock.calls.map(([o]) => `${o.method} ${o.url}`);
    expect(seen).toEqual([
      'GET /api/villages/lookup?code=dp2026',
      'GET /api/villages/v%201/join-requests?status=pending',
      'POST /api/villages/v1/join-requests/r1/approve',
      'POST /api/villages/v1/join-requests/r1/reject',
      'DELETE /api/villages/v1/members/u1/roles/grid_worker',
      'POST /api/villages/v1/members/u1/roles',
      'PATCH /api/me',
    ]);
    expect(request.mock.calls[3]![0].data).toEqual({ reason: '不是本村村民' });
    expect(request.mock.calls[5]![0].data).toEqual({ role: 'grid_worker', gridId: 'g1' });
    expect(request.mock.calls[0]![0].header).toMatchObject({ Authorization: 'Bearer t' });
  });
});

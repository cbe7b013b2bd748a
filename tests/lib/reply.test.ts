/** reply (api/_lib/http.ts): a value marked shared is made into JSON once for every request it answers. */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../api/_app/context';
import { Err, Ok } from '../../api/_lib/errors';
import { reply, shared } from '../../api/_lib/http';

describe('reply', () => {
  it('sends a shared value as the same JSON to every request, serialised once', async () => {
    let serialised = 0;
    const value = shared({
      toJSON: () => {
        serialised++;
        return { items: [{ free: 1 }] };
      },
    });
    let own = 0;
    const app = new Hono<AppEnv>();
    app.use('*', async (c, next) => {
      c.set('requestId', 'req-1');
      await next();
    });
    app.get('/shared', (c) => reply(c, Ok(value)));
    const counted = {
      toJSON: () => {
        own++;
        return { n: own };
      },
    };
    app.get('/own', (c) => reply(c, Ok(counted), 201));
    app.get('/refused', (c) => reply(c, Err('SLOT_FULL')));
    for (let i = 0; i < 3; i++) {
      const res = await app.request('/shared');
      expect([res.status, res.headers.get('content-type'), await res.json()]).toEqual([
        200,
        'application/json',
        { items: [{ free: 1 }] },
      ]);
    }
    expect(serialised).toBe(1);
    // Values not marked are serialised per request, with the status asked for.
    for (let i = 1; i <= 2; i++) {
      const res = await app.request('/own');
      expect([res.status, await res.json()]).toEqual([201, { n: i }]);
    }
    const refused = await app.request('/refused');
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('SLOT_FULL');
  });
});

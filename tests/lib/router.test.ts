/**
 * CachedTrieRouter (api/_app/router.ts): the app's router keeps its latest matches by method and
 * path. What it answers must be what Hono's TrieRouter answers, for every path, the first time
 * and from its copy; adding a route forgets the copies; the copies are bounded.
 */
import { Hono } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';
import { describe, expect, it } from 'vitest';
import { CachedTrieRouter } from '../../api/_app/router';

const ROUTES: [string, string][] = [
  ['ALL', '/api/*'],
  ['GET', '/api/villages/lookup'],
  ['POST', '/api/villages/join'],
  ['GET', '/api/villages/:villageId/services'],
  ['GET', '/api/villages/:villageId/services/:serviceId/slots'],
  ['POST', '/api/villages/:villageId/services/:serviceId/bookings'],
  ['GET', '/api/villages/:villageId/matters/:matterId'],
  ['GET', '/api/villages/:villageId/matters/inbox'],
  ['GET', '/api/files/:name{.+\\.png}'],
];
const PATHS: [string, string][] = [
  ['GET', '/api/villages/lookup'],
  ['GET', '/api/villages/v1/services'],
  ['GET', '/api/villages/v2/services/s9/slots'],
  ['POST', '/api/villages/v2/services/s9/bookings'],
  ['GET', '/api/villages/v2/services/s9/bookings'],
  ['GET', '/api/villages/v1/matters/inbox'],
  ['GET', '/api/villages/v1/matters/m7'],
  ['GET', '/api/files/a/b.png'],
  ['GET', '/api/nothing'],
  ['DELETE', '/elsewhere'],
];

function both() {
  const plain = new TrieRouter<string>();
  const cached = new CachedTrieRouter<string>(4);
  ROUTES.forEach(([m, p], i) => {
    plain.add(m, p, `h${i}`);
    cached.add(m, p, `h${i}`);
  });
  return { plain, cached };
}

describe('CachedTrieRouter', () => {
  it('matches as TrieRouter does, first and from its copies (more paths than it keeps)', () => {
    const { plain, cached } = both();
    for (let round = 0; round < 3; round++) {
      for (const [m, p] of [...PATHS, ...PATHS.slice(0, 3)]) {
        expect({ m, p, r: cached.match(m, p) }).toEqual({ m, p, r: plain.match(m, p) });
      }
    }
  });

  it('answers a repeated path from its copy, and a params object is never changed by a later match', () => {
    const { cached } = both();
    const first = cached.match('GET', '/api/villages/v2/services/s9/slots');
    const params = JSON.stringify(first);
    cached.match('GET', '/api/villages/v3/services/s8/slots');
    expect(cached.match('GET', '/api/villages/v2/services/s9/slots')).toBe(first);
    expect(JSON.stringify(first)).toBe(params);
  });

  it('forgets its copies when a route is added', () => {
    const { cached } = both();
    const before = cached.match('GET', '/api/villages/v1/extra');
    expect(before[0].map(([h]) => h)).toEqual(['h0']);
    cached.add('GET', '/api/villages/:villageId/extra', 'new');
    expect(cached.match('GET', '/api/villages/v1/extra')[0].map(([h]) => h)).toEqual(['h0', 'new']);
  });

  it('serves a Hono app: params, methods and 404s as with the default router', async () => {
    const make = (router?: CachedTrieRouter<never>) => {
      const app = new Hono(router ? { router } : {});
      app.get('/v/lookup', (c) => c.text('lookup'));
      app.get('/v/:id/s/:sid', (c) => c.json(c.req.param()));
      app.post('/v/:id/s/:sid', (c) => c.text(`post ${c.req.param('sid')}`));
      return app;
    };
    const ours = make(new CachedTrieRouter());
    const theirs = make();
    for (let i = 0; i < 2; i++) {
      for (const [method, p] of [
        ['GET', '/v/lookup'],
        ['GET', '/v/a/s/b'],
        ['GET', '/v/c/s/d'],
        ['POST', '/v/a/s/b'],
        ['PUT', '/v/a/s/b'],
        ['GET', '/v/%E6%9D%91/s/x'],
      ] as const) {
        const a = await ours.request(p, { method });
        const b = await theirs.request(p, { method });
        expect({ p, method, status: a.status, body: await a.text() }).toEqual({
          p,
          method,
          status: b.status,
          body: await b.text(),
        });
      }
    }
  });
});

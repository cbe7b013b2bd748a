/**
 * The node:http transport under @upstash/redis (api/_redis/requester.ts), against a small HTTP
 * server on loopback that speaks the Upstash REST protocol's edges: error replies, the
 * read-your-writes sync token, a server that closes idle keep-alive sockets, one that never answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRedis, nodeRequester } from '../../api/_redis/requester';

type Seen = { path: string; auth?: string; sync?: string; body: unknown };

describe('nodeRequester', () => {
  const seen: Seen[] = [];
  let mode: 'ok' | 'error' | 'hang' | 'close-after' | 'slow' = 'ok';
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c) => {
        text += c;
      });
      req.on('end', () => {
        seen.push({
          path: req.url ?? '',
          auth: req.headers.authorization,
          sync: req.headers['upstash-sync-token'] as string | undefined,
          body: JSON.parse(text),
        });
        if (mode === 'hang') return;
        res.setHeader('upstash-sync-token', `sync-${seen.length}`);
        if (mode === 'error') {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ error: 'WRONGTYPE Operation against a key holding the wrong kind of value' }),
          );
          return;
        }
        if (mode === 'close-after') res.setHeader('connection', 'close');
        res.writeHead(200, { 'content-type': 'application/json' });
        if (req.url?.endsWith('/pipeline')) {
          // One reply per command, in order; a command named 'bad' fails on its own.
          const replies = (JSON.parse(text) as string[][]).map((c) =>
            c[0] === 'bad' ? { error: 'ERR unknown command' } : { result: `回:${c[1]}` },
          );
          setTimeout(() => res.end(JSON.stringify(replies)), 5);
          return;
        }
        if (mode === 'slow') return void setTimeout(() => res.end(JSON.stringify({ result: '你好' })), 20);
        res.end(JSON.stringify({ result: '你好' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('posts the command with the token and returns the plain reply; the sync token goes with the next call', async () => {
    mode = 'ok';
    seen.length = 0;
    const redis = new NodeRedis({ url, token: 'tok', deadline: () => 1000 });
    expect(await redis.get('k')).toBe('你好');
    await redis.get('k');
    expect(seen[0]).toMatchObject({ path: '/base', auth: 'Bearer tok', body: ['get', 'k'] });
    expect(seen[0]!.sync).toBeUndefined();
    expect(seen[1]!.sync).toBe('sync-1');
  });

  it('an error reply is thrown worded as the library words it', async () => {
    mode = 'error';
    const redis = new NodeRedis({ url, token: 'tok', deadline: () => 1000 });
    await expect(redis.get('k')).rejects.toThrow(/^WRONGTYPE .*, command was: \["get","k"\]$/);
  });

  it('a socket the server closed is not a failure: each call gets a fresh one', async () => {
    mode = 'close-after';
    const redis = new NodeRedis({ url, token: 'tok', deadline: () => 1000 });
    for (let i = 0; i < 5; i++) expect(await redis.get('k')).toBe('你好');
  });

  it('no answer within the deadline → TimeoutError, and the call is not sent twice', async () => {
    mode = 'hang';
    seen.length = 0;
    const r = nodeRequester({ url, token: 'tok', deadline: () => 150 });
    const t = performance.now();
    await expect(r.request({ body: ['get', 'k'] })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - t).toBeLessThan(1000);
    expect(seen).toHaveLength(1);
    mode = 'ok';
  });

  it('commands sent while requests are out go together as one pipeline, each with its own reply or error', async () => {
    mode = 'slow';
    seen.length = 0;
    const r = nodeRequester({ url, token: 'tok', deadline: () => 2000, maxInFlight: 1 });
    const calls = ['a', 'b', 'c', 'd', 'e'].map((k) => r.request({ body: [k === 'c' ? 'bad' : 'get', k] }));
    const settled = await Promise.allSettled(calls);
    // The first went alone; the four sent while it was out went as one pipeline after it.
    expect(seen.map((x) => x.path)).toEqual(['/base', '/base/pipeline']);
    expect(seen[1]!.body).toEqual([
      ['get', 'b'],
      ['bad', 'c'],
      ['get', 'd'],
      ['get', 'e'],
    ]);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: { result: '你好' } });
    expect(settled[1]).toEqual({ status: 'fulfilled', value: { result: '回:b' } });
    expect(settled[2]).toMatchObject({
      status: 'rejected',
      reason: { message: 'ERR unknown command, command was: ["bad","c"]' },
    });
    expect(settled[3]).toEqual({ status: 'fulfilled', value: { result: '回:d' } });
    expect(settled[4]).toEqual({ status: 'fulfilled', value: { result: '回:e' } });
    // A call alone goes out at once, as itself.
    seen.length = 0;
    mode = 'ok';
    expect(await r.request({ body: ['get', 'k'] })).toEqual({ result: '你好' });
    expect(seen.map((x) => x.path)).toEqual(['/base']);
  });

  it('a command still waiting when its deadline passes is refused with TimeoutError, the others answered', async () => {
    mode = 'slow';
    seen.length = 0;
    let budget = 2000;
    const r = nodeRequester({ url, token: 'tok', deadline: () => budget, maxInFlight: 1 });
    const first = r.request({ body: ['get', 'a'] });
    budget = 5;
    const late = r.request({ body: ['get', 'b'] });
    budget = 2000;
    const other = r.request({ body: ['get', 'c'] });
    await expect(late).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(await first).toEqual({ result: '你好' });
    // b's time ran out while it waited: only c went in the next request.
    expect(await other).toEqual({ result: '你好' });
    expect(seen.map((x) => x.body)).toEqual([
      ['get', 'a'],
      ['get', 'c'],
    ]);
    mode = 'ok';
  });
});

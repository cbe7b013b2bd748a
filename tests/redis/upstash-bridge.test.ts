/**
 * The bridge speaks the Upstash REST protocol as @upstash/redis and @upstash/ratelimit expect it,
 * in front of the real shared redis-server: raw HTTP shapes first, then the real clients.
 */
import { createHash } from 'node:crypto';
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstashBridge, type UpstashBridge } from '../support/upstash-bridge';
import { REDIS_URL, deleteKeys, sharedRedisUp, uniquePrefix } from './helpers';

const P = uniquePrefix('bridge');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe.skipIf(!sharedRedisUp)('upstash bridge: protocol fidelity', () => {
  let bridge: UpstashBridge;
  let redis: Redis;
  const seen: string[][] = [];

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${bridge.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as unknown };
  };
  const base64 = { 'upstash-encoding': 'base64' };

  beforeAll(async () => {
    bridge = await startUpstashBridge({ redisUrl: REDIS_URL, onCommand: (c) => seen.push(c) });
    redis = new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false });
  });
  afterAll(async () => {
    await bridge?.close();
    await deleteKeys(P);
  });

  describe('raw HTTP', () => {
    it('single command: strings base64 with Upstash-Encoding, plain without; integers numbers; nil null', async () => {
      expect(await post('/', ['SET', `${P}s`, '村民 ✓'], base64)).toEqual({
        status: 200,
        json: { result: b64('OK') },
      });
      expect(await post('/', ['GET', `${P}s`], base64)).toEqual({
        status: 200,
        json: { result: b64('村民 ✓') },
      });
      expect(await post('/', ['GET', `${P}s`])).toEqual({ status: 200, json: { result: '村民 ✓' } });
      expect(await post('/', ['INCRBY', `${P}n`, 41], base64)).toEqual({ status: 200, json: { result: 41 } });
      expect(await post('/', ['GET', `${P}missing`], base64)).toEqual({
        status: 200,
        json: { result: null },
      });
    });

    it('lower-case command names work and replies keep Redis shapes (HGETALL is a flat array)', async () => {
      await post('/', ['hset', `${P}h`, 'name', '王小二', 'n', '3']);
      const r = await post('/', ['hgetall', `${P}h`], base64);
      expect(r).toEqual({ status: 200, json: { result: [b64('name'), b64('王小二'), b64('n'), b64('3')] } });
    });

    it('nested arrays are encoded recursively', async () => {
      const r = await post('/', ['EVAL', 'return {1, "a", {2, "乙", false}}', '0'], base64);
      expect(r).toEqual({ status: 200, json: { result: [1, b64('a'), [2, b64('乙'), null]] } });
    });

    it('a Redis error is a 400 {error} for a single command', async () => {
      await post('/', ['SET', `${P}str`, 'x']);
      const r = await post('/', ['LPUSH', `${P}str`, 'y']);
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ error: expect.stringMatching(/^WRONGTYPE/) });
      const arity = await post('/', ['GET']);
      expect(arity).toEqual({
        status: 400,
        json: { error: expect.stringMatching(/^ERR wrong number of arguments/) },
      });
    });

    it('pipeline: 200 with one {result}|{error} per command, in order, not atomic', async () => {
      const r = await post(
        '/pipeline',
        [
          ['SET', `${P}p`, 'v'],
          ['LPUSH', `${P}p`, 'x'],
          ['INCR', `${P}pn`],
          ['GET', `${P}p`],
        ],
        base64,
      );
      expect(r.status).toBe(200);
      expect(r.json).toEqual([
        { result: b64('OK') },
        { error: expect.stringMatching(/^WRONGTYPE/) },
        { result: 1 },
        { result: b64('v') },
      ]);
    });

    it('multi-exec: runs atomically; runtime errors per command; a queueing error aborts all (400)', async () => {
      const ok = await post('/multi-exec', [
        ['SET', `${P}m`, '1'],
        ['INCR', `${P}m`],
        ['LPUSH', `${P}m`, 'x'],
        ['GET', `${P}m`],
      ]);
      expect(ok.status).toBe(200);
      expect(ok.json).toEqual([
        { result: 'OK' },
        { result: 2 },
        { error: expect.stringMatching(/^WRONGTYPE/) },
        { result: '2' },
      ]);
      const aborted = await post('/multi-exec', [['INCR', `${P}m`], ['SET']]);
      expect(aborted.status).toBe(400);
      expect(aborted.json).toEqual({ error: expect.stringMatching(/^EXECABORT/) });
      expect(await post('/', ['GET', `${P}m`])).toEqual({ status: 200, json: { result: '2' } });
    });

    it('refuses without the token: 401 {error: "Unauthorized"}', async () => {
      const none = await fetch(`${bridge.url}/`, { method: 'POST', body: '["PING"]' });
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({ error: 'Unauthorized' });
      const wrong = await post('/', ['PING'], { authorization: 'Bearer nope' });
      expect(wrong).toEqual({ status: 401, json: { error: 'Unauthorized' } });
    });

    it('path-style commands and ?_token= work as in Upstash REST', async () => {
      await post('/', ['SET', `${P}path`, '路径']);
      const res = await fetch(`${bridge.url}/get/${encodeURIComponent(`${P}path`)}?_token=${bridge.token}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ result: '路径' });
    });

    it('rejects malformed bodies and connection-state commands with 400', async () => {
      expect((await post('/', '{not json')).status).toBe(400);
      expect((await post('/', { cmd: 'GET' })).status).toBe(400);
      expect(await post('/', ['SELECT', '1'])).toEqual({
        status: 400,
        json: { error: "ERR Command is not available: 'SELECT'" },
      });
    });

    it('runs blocking commands on their own connection', async () => {
      const [blocked, other] = await Promise.all([
        post('/', ['BLPOP', `${P}queue`, '0.3']),
        (async () => {
          const t = performance.now();
          await post('/', ['PING']);
          return performance.now() - t;
        })(),
      ]);
      expect(blocked).toEqual({ status: 200, json: { result: null } });
      expect(other).toBeLessThan(250);
    });
  });

  describe('@upstash/redis unchanged', () => {
    it('round-trips Unicode and emoji strings', async () => {
      const text = '村民参与：民事民提、民事民议 👍🏽 — “quoted” \\ / \n end';
      await redis.set(`${P}u`, text);
      expect(await redis.get(`${P}u`)).toBe(text);
    });

    it('set options, counters, hashes, lists, sorted sets', async () => {
      expect(await redis.set(`${P}ex`, 'v', { ex: 60 })).toBe('OK');
      const ttl = await redis.ttl(`${P}ex`);
      expect(ttl).toBeGreaterThan(55);
      expect(await redis.incr(`${P}c`)).toBe(1);
      await redis.hset(`${P}hash`, { village: '东山村', households: '12' });
      expect(await redis.hgetall(`${P}hash`)).toEqual({ village: '东山村', households: 12 });
      await redis.rpush(`${P}list`, 'a', '乙', 'c');
      expect(await redis.lrange(`${P}list`, 0, -1)).toEqual(['a', '乙', 'c']);
      await redis.zadd(`${P}z`, { score: 2, member: '二' }, { score: 1, member: '一' });
      expect(await redis.zrange(`${P}z`, 0, -1, { withScores: true })).toEqual(['一', 1, '二', 2]);
      expect(await redis.get(`${P}absent`)).toBeNull();
    });

    it('explicit pipeline and multi, and the auto-pipeline', async () => {
      const p = redis.pipeline();
      p.set(`${P}pp`, '1');
      p.incr(`${P}pp`);
      p.get(`${P}pp`);
      expect(await p.exec()).toEqual(['OK', 2, 2]);
      const m = redis.multi();
      m.incr(`${P}mm`);
      m.incr(`${P}mm`);
      expect(await m.exec()).toEqual([1, 2]);
      const [a, c] = await Promise.all([redis.incr(`${P}ap`), redis.incr(`${P}ap`)]);
      expect([a, c].sort()).toEqual([1, 2]);
    });

    it('surfaces Redis errors as UpstashError', async () => {
      await redis.set(`${P}wt`, 'x');
      await expect(redis.lpush(`${P}wt`, 'y')).rejects.toThrow(/WRONGTYPE/);
    });

    it('a wrong token fails every call', async () => {
      const bad = new Redis({ url: bridge.url, token: 'wrong', enableTelemetry: false, retry: false });
      await expect(bad.get(`${P}u`)).rejects.toThrow(/Unauthorized/);
    });
  });

  describe('@upstash/ratelimit unchanged', () => {
    it('limits through EVAL then EVALSHA, with its Upstash-only script flag stripped', async () => {
      seen.length = 0;
      const rl = new Ratelimit({
        redis,
        limiter: Ratelimit.slidingWindow(3, '1 h'),
        prefix: `${P}rl`,
        ephemeralCache: false,
      });
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await rl.limit('villager-1'));
      expect(results.map((r) => r.success)).toEqual([true, true, true, false]);
      expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);

      const names = seen.map((c) => c[0]!.toUpperCase());
      // EVALSHA (unknown to this bridge: NOSCRIPT), EVAL (upload), then EVALSHA only.
      expect(names.filter((n) => n === 'EVALSHA').length).toBe(4);
      const evals = seen.filter((c) => c[0]!.toUpperCase() === 'EVAL');
      expect(evals.length).toBe(1);
      const script = evals[0]![1]!;
      expect(script).toMatch(/^#!lua flags=allow-key-locking\n/);

      const io = new IORedis(REDIS_URL);
      try {
        // Redis holds the script without its first line.
        const stripped = script.slice(script.indexOf('\n') + 1);
        const sha = createHash('sha1').update(stripped).digest('hex');
        expect(await io.script('EXISTS', sha)).toEqual([1]);
        const keys = await io.keys(`${P}rl:villager-1:*`);
        expect(keys.length).toBe(1);
        expect(await io.get(keys[0]!)).toBe('3');
      } finally {
        io.disconnect();
      }
    });

    it('stripScriptFlags: false behaves like stock Redis behind SRH (the flag is refused)', async () => {
      const plain = await startUpstashBridge({ redisUrl: REDIS_URL, stripScriptFlags: false });
      try {
        const r = new Redis({ url: plain.url, token: plain.token, enableTelemetry: false });
        const rl = new Ratelimit({
          redis: r,
          limiter: Ratelimit.slidingWindow(3, '1 h'),
          prefix: `${P}rl-plain`,
          ephemeralCache: false,
          timeout: 0,
        });
        await expect(rl.limit('x')).rejects.toThrow(/Unexpected flag in script shebang/);
      } finally {
        await plain.close();
      }
    });
  });
});

/**
 * Tests of the benchmark library (not of the product): results file and table, budgets, weapp
 * sizing, the load wrapper, temp databases. Quick: the load test runs 1 s against a toy server.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceAvailable } from '../../tests/support/services';
import { measureWeapp } from '../scenarios/size';
import { runLoad } from './load';
import { runPaced } from './paced';
import { RawClient } from './raw-http';
import { createTempDatabase } from './pg';
import { runCleanups } from './processes';
import { type ResultFile, checkBudgets, machine, updateResultsMd } from './results';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-lib-'));

function result(scenario: string, over: Partial<ResultFile> = {}): ResultFile {
  return {
    scenario,
    connections: null,
    duration_s: null,
    requests: null,
    rps: null,
    p50_ms: null,
    p95_ms: null,
    p99_ms: null,
    errors: null,
    non_2xx: null,
    at: '2025-01-02T03:04:05.000Z',
    machine: machine(),
    git: { commit: 'abc1234', dirty: false },
    budget: [],
    pass: true,
    ...over,
  };
}

describe('budgets', () => {
  it('checks ≤, ≥ and =, and fails a missing figure', () => {
    const checks = checkBudgets({ p99_ms: 51, errors: 0, rps: 10 }, [
      { metric: 'p99_ms', op: '<=', limit: 50 },
      { metric: 'errors', op: '==', limit: 0 },
      { metric: 'rps', op: '>=', limit: 5 },
      { metric: 'missing', op: '<=', limit: 1 },
    ]);
    expect(checks.map((c) => c.pass)).toEqual([false, true, true, false]);
    expect(checks[3]!.value).toBeNull();
  });

  it('shows a missed aim without failing the verdict', () => {
    const r = {
      ...result('vote-storm'),
      budget: checkBudgets({ p99_ms: 40, floor_ratio: 0.1 }, [
        { metric: 'p99_ms', op: '<=', limit: 50 },
        { metric: 'floor_ratio', op: '>=', limit: 0.5, aim: true },
      ]),
      pass: true,
    };
    const file = path.join(tmp, 'AIM.md');
    updateResultsMd(r, 'cast p99 40 ms', file);
    const row = readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => l.includes('`vote-storm`'))!;
    expect(row).toContain('floor_ratio ≥ 0.5 (aim)');
    expect(row).toContain('✅ pass; aim missed: floor_ratio');
  });
});

describe('RESULTS.md', () => {
  it('keeps one row per scenario, sorted, and replaces a scenario row in place', () => {
    const file = path.join(tmp, 'RESULTS.md');
    updateResultsMd(result('size'), 'main 1 KB', file);
    updateResultsMd(result('me'), 'p99 1 ms', file);
    updateResultsMd(
      result('cold-start', {
        pass: false,
        budget: [{ metric: 'median_ms', op: '<=', limit: 300, value: 400, pass: false }],
      }),
      'median 400 ms',
      file,
    );
    updateResultsMd(result('me'), 'p99 2 ms | piped', file);
    const rows = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('| `'));
    expect(rows.map((r) => /^\| `([^`]+)`/.exec(r)?.[1])).toEqual(['cold-start', 'me', 'size']);
    expect(rows[1]).toContain('p99 2 ms \\| piped');
    expect(rows[1]).toContain('[me.json](results/me.json)');
    expect(rows[0]).toContain('❌ over: median_ms');
    expect(rows[0]).toContain('median_ms ≤ 300');
  });

  it('keeps text a person added around the table', () => {
    const file = path.join(tmp, 'RESULTS-notes.md');
    updateResultsMd(result('me'), 'first', file);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n## Notes\nkeep me\n`);
    updateResultsMd(result('size'), 'second', file);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('## Notes\nkeep me');
    expect(text.indexOf('| `size`')).toBeLessThan(text.indexOf('## Notes'));
  });
});

describe('weapp size', () => {
  it('splits main package and subpackages by the roots in app.json', () => {
    const dir = path.join(tmp, 'weapp');
    const put = (f: string, bytes: number) => {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), 'x'.repeat(bytes));
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'app.json'),
      JSON.stringify({
        pages: ['pages/index/index'],
        subPackages: [{ root: 'packages/admin/', pages: ['a'] }],
      }),
    );
    const appJson = readFileSync(path.join(dir, 'app.json')).length;
    put('app.js', 1000);
    put('pages/index/index.js', 500);
    put('packages/admin/a.js', 300);
    put('packages/admin-other/b.js', 7); // not under "packages/admin/": main
    put('taro.js.map', 40);
    const m = measureWeapp(dir);
    expect(m.subpackages).toEqual({ 'packages/admin': 300 });
    expect(m.main_bytes).toBe(appJson + 1000 + 500 + 7 + 40);
    expect(m.total_bytes).toBe(m.main_bytes + 300);
    expect(m.map_bytes).toBe(40);
    expect(m.main_largest[0]).toEqual({ file: 'app.js', bytes: 1000 });
  });
});

describe('load', () => {
  it('reports requests, exact percentiles and non-2xx from a run', async () => {
    let n = 0;
    const server = http.createServer((_req, res) => {
      n++;
      res.statusCode = n % 10 === 0 ? 503 : 200;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const f = await runLoad({ url: `http://127.0.0.1:${port}/`, connections: 2, durationS: 1, warmupS: 0 });
      expect(f.requests).toBeGreaterThan(50);
      expect(f.non_2xx).toBeGreaterThan(0);
      expect(f.status_codes['503']).toBe(f.non_2xx);
      expect(f.errors).toBe(0);
      expect(f.p50_ms).toBeLessThanOrEqual(f.p95_ms);
      expect(f.p95_ms).toBeLessThanOrEqual(f.p99_ms);
      expect(f.p99_ms).toBeLessThanOrEqual(f.max_ms);
      expect(f.rps).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });
});

describe('paced load and the raw client', () => {
  it('sends at an even pace, never more connections than allowed, and counts statuses', async () => {
    const arrivals: number[] = [];
    const sockets = new Set<unknown>();
    const server = http.createServer((req, res) => {
      arrivals.push(performance.now());
      sockets.add(req.socket);
      res.statusCode = arrivals.length % 4 === 0 ? 404 : 200;
      res.end(JSON.stringify({ n: arrivals.length, text: '已约满' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const f = await runPaced({
        url: `http://127.0.0.1:${port}/x?y=1`,
        rate: 200,
        connections: 3,
        durationS: 1,
        warmupS: 0,
      });
      expect(f.requests).toBe(200);
      expect(f.status_codes['404']).toBe(50);
      expect(f.non_2xx).toBe(50);
      expect(f.errors).toBe(0);
      expect(sockets.size).toBeLessThanOrEqual(3);
      // Even: no 100 ms of the second holds more than a third of the requests (a burst would).
      const t0 = arrivals[0]!;
      const perTenth = new Array(11).fill(0);
      for (const t of arrivals) perTenth[Math.min(10, Math.floor((t - t0) / 100))]++;
      expect(Math.max(...perTenth)).toBeLessThan(67);
    } finally {
      server.close();
    }
  });

  it('RawClient: keep-alive reuse, bodies cut by Content-Length (UTF-8), requests queued for a free connection', async () => {
    const sockets = new Set<unknown>();
    const server = http.createServer((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, url: req.url, body, auth: req.headers.authorization }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const client = new RawClient(`http://127.0.0.1:${port}`, 2);
    try {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          client.request(
            'POST',
            `/p/${i}`,
            { Authorization: 'Bearer t' },
            JSON.stringify({ 名: `村民${i}` }),
          ),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(new Array(10).fill(200));
      expect(JSON.parse(answers[7]!.body)).toEqual({
        method: 'POST',
        url: '/p/7',
        body: JSON.stringify({ 名: '村民7' }),
        auth: 'Bearer t',
      });
      expect(sockets.size).toBe(2);
      await client.preconnect(1, '/warm');
      expect(sockets.size).toBe(3);
    } finally {
      client.close();
      server.close();
    }
  });

  it('RawClient stamps answers read together before the caller works on any of them', async () => {
    const server = http.createServer((_req, res) => res.end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const client = new RawClient(`http://127.0.0.1:${port}`);
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until) {}
    };
    try {
      await client.preconnect(5, '/warm');
      const taken: number[] = [];
      const all = Promise.all(
        Array.from({ length: 5 }, () =>
          client.request('GET', '/x', {}).then((res) => {
            taken.push(performance.now());
            busy(10); // the caller's work on this answer
            return res;
          }),
        ),
      );
      busy(100); // this process is busy while the server answers: all five are read in one turn
      const stamps = (await all).map((a) => a.at);
      expect(Math.max(...stamps) - Math.min(...stamps)).toBeLessThan(5);
      expect(Math.max(...taken) - Math.min(...taken)).toBeGreaterThanOrEqual(40);
    } finally {
      client.close();
      server.close();
    }
  });
});

describe('temp database', async () => {
  const hasPg = await serviceAvailable('postgres');
  afterAll(() => runCleanups());

  it.skipIf(!hasPg)('creates bench_<pid>, usable, and drops it', async () => {
    const db = await createTempDatabase();
    expect(db.name).toMatch(/^bench_\d+(_\d+)?$/);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    expect((await c.query('select current_database() as d')).rows[0].d).toBe(db.name);
    await c.end();
    await db.drop();
    const admin = new pg.Client({ connectionString: db.url.replace(db.name, 'postgres') });
    await admin.connect();
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [db.name]);
    await admin.end();
    expect(rowCount).toBe(0);
  });
});

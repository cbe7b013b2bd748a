// Serves the h5 build (miniprogram/dist/h5) for looking at the UI in a browser.
//   node miniprogram/scripts/preview-server.mjs [port]
// With API_PROXY=http://127.0.0.1:3000 it forwards /api to the real API. Without it, /api is a
// small in-memory stand-in that follows the contract in shared/schemas, enough to click through
// login, joining a village and elder mode. It is a preview tool, not a test double for the API.
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'h5');
const PORT = Number(process.argv[2] ?? process.env.PORT ?? 10087);
const API_PROXY = process.env.API_PROXY;
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

// ---- in-memory stand-in for the API ----
const id = () => randomUUID();
// Names and codes mirror the demo seed (api/_db/seed.ts) so the same steps work on both.
const county = { id: id(), name: '清源县' };
const town = { id: id(), name: '石桥镇' };
const village = { id: id(), name: '东坪村', code: 'DP2026' };
const grid = { id: id(), name: '第一网格' };
const roster = [{ name: '李新民', phone: '13900000001', householdNo: '12' }];
const users = [
  { id: id(), displayName: '新用户（未加入村）', phone: null, elderMode: false, roles: [] },
  {
    id: id(),
    displayName: '李建国',
    phone: '13900001111',
    elderMode: false,
    roles: ['villager', 'grid_worker'],
  },
  { id: id(), displayName: '张伟', phone: '13900002222', elderMode: false, roles: ['villager', 'cadre'] },
  {
    id: id(),
    displayName: '赵敏',
    phone: '13900003333',
    elderMode: false,
    roles: ['villager', 'supervisor'],
  },
  { id: id(), displayName: '刘强', phone: '13900004444', elderMode: false, roles: ['town_officer'] },
];
const joins = [];
const sessions = new Map();
const mask = (p) => (p ? `${p.slice(0, 3)}****${p.slice(-4)}` : null);

function me(u) {
  return {
    id: u.id,
    displayName: u.displayName,
    phoneMasked: mask(u.phone),
    elderMode: u.elderMode,
    memberships: u.roles.map((role) => ({
      id: `${u.id}-${role}`,
      role,
      villageId: role === 'town_officer' ? null : village.id,
      villageName: role === 'town_officer' ? null : village.name,
      townId: town.id,
      townName: town.name,
      countyId: county.id,
      gridId: role === 'grid_worker' ? grid.id : null,
      gridName: role === 'grid_worker' ? grid.name : null,
      isHouseholdRep: false,
    })),
    pendingJoins: joins
      .filter((j) => j.userId === u.id && j.status === 'pending')
      .map((j) => ({ id: j.id, villageId: village.id, villageName: village.name, status: j.status })),
  };
}

const fail = (status, code, message) => ({ status, body: { error: { code, message, requestId: id() } } });

function mockApi(method, path, query, body, auth) {
  const user = sessions.get((auth ?? '').replace(/^Bearer /, ''));
  if (method === 'GET' && path === '/auth/dev-users') {
    return {
      status: 200,
      body: {
        users: users.map((u) => ({
          id: u.id,
          displayName: u.displayName,
          roles: u.roles.map((role) => ({
            role,
            villageName: role === 'town_officer' ? null : village.name,
          })),
        })),
      },
    };
  }
  if (method === 'POST' && path === '/auth/dev') {
    const u = users.find((x) => x.id === body?.userId);
    if (!u) return fail(404, 'NOT_FOUND', '没有找到');
    const token = id();
    sessions.set(token, u);
    return {
      status: 200,
      body: { token, expiresAt: new Date(Date.now() + 864e5).toISOString(), user: me(u) },
    };
  }
  if (!user) return fail(401, 'UNAUTHENTICATED', '请先登录');
  if (method === 'POST' && path === '/auth/logout') return { status: 200, body: { ok: true } };
  if (method === 'GET' && path === '/me') return { status: 200, body: me(user) };
  if (method === 'PATCH' && path === '/me') {
    if (typeof body?.elderMode === 'boolean') user.elderMode = body.elderMode;
    return { status: 200, body: me(user) };
  }
  if (method === 'GET' && path === '/villages/lookup') {
    if ((query.get('code') ?? '').toUpperCase() !== village.code)
      return fail(404, 'INVITE_CODE_INVALID', '邀请码不对，请向村干部核实');
    return {
      status: 200,
      body: { village: { id: village.id, name: village.name, townName: town.name, countyName: county.name } },
    };
  }
  if (method === 'POST' && path === '/villages/join') {
    if (body?.inviteCode !== village.code)
      return fail(404, 'INVITE_CODE_INVALID', '邀请码不对，请向村干部核实');
    const matched = roster.some((r) => r.name === body.name && r.phone === body.phone);
    const j = {
      id: id(),
      userId: user.id,
      name: body.name,
      phone: body.phone,
      householdNo: body.householdNo ?? null,
      status: matched ? 'approved' : 'pending',
      createdAt: new Date().toISOString(),
      matched,
    };
    joins.push(j);
    if (matched) {
      user.roles = ['villager'];
      user.phone = body.phone;
    }
    return {
      status: 200,
      body: { request: { id: j.id, status: j.status, villageId: village.id, villageName: village.name } },
    };
  }
  const m = /^\/villages\/([^/]+)\/(.+)$/.exec(path);
  if (m && m[1] === village.id) {
    const rest = m[2];
    if (method === 'GET' && rest === 'join-requests') {
      const items = joins
        .filter((j) => j.status === (query.get('status') ?? j.status))
        .map((j) => ({
          id: j.id,
          name: j.name,
          phoneMasked: mask(j.phone),
          householdNo: j.householdNo,
          status: j.status,
          matchedResident: j.matched,
          createdAt: j.createdAt,
        }));
      return { status: 200, body: { items } };
    }
    if (method === 'GET' && rest === 'households') {
      return {
        status: 200,
        body: {
          items: [
            {
              id: id(),
              number: '12',
              address: '东坪村东头 3 号',
              gridId: grid.id,
              gridName: grid.name,
              headName: '李大山',
              memberCount: 3,
            },
          ],
        },
      };
    }
    if (method === 'GET' && rest === 'grids') {
      return {
        status: 200,
        body: {
          items: [
            {
              id: grid.id,
              name: grid.name,
              workerUserId: users[1].id,
              workerName: users[1].displayName,
              householdCount: 1,
            },
          ],
        },
      };
    }
    if (method === 'GET' && rest === 'members') {
      return {
        status: 200,
        body: {
          items: users
            .filter((u) => u.roles.includes('villager'))
            .map((u) => ({
              userId: u.id,
              displayName: u.displayName,
              phoneMasked: mask(u.phone),
              roles: u.roles,
            })),
        },
      };
    }
    if (method === 'GET' && rest === 'audit') return { status: 200, body: { items: [] } };
  }
  return fail(404, 'NOT_FOUND', '没有找到');
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname.startsWith('/api/')) {
    if (API_PROXY) {
      const target = new URL(url.pathname + url.search, API_PROXY);
      const up = httpRequest(
        target,
        { method: req.method, headers: { ...req.headers, host: target.host } },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(up);
      return;
    }
    const raw = await readBody(req);
    let body = null;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : null;
    } catch {
      body = null;
    }
    const method = (req.headers['x-http-method-override'] ?? req.method ?? 'GET').toString().toUpperCase();
    const out = mockApi(method, url.pathname.slice(4), url.searchParams, body, req.headers.authorization);
    res.writeHead(out.status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(out.body));
    return;
  }
  let file = normalize(join(ROOT, decodeURIComponent(url.pathname)));
  if (!file.startsWith(ROOT) || !existsSync(file) || statSync(file).isDirectory())
    file = join(ROOT, 'index.html');
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}).listen(PORT, '127.0.0.1', () => {
  console.log(`h5 preview: http://127.0.0.1:${PORT}/  (api: ${API_PROXY ?? 'in-memory stand-in'})`);
});

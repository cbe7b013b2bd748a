import { createRoute } from '@hono/zod-openapi';
import { ZHealthSchema } from '../../shared/schemas/health';
import { json } from '../_lib/http';
import { newRouter } from './router';

const route = createRoute({
  method: 'get',
  path: '/health',
  tags: ['system'],
  summary: 'Database kind, Redis state and version',
  responses: { 200: json(ZHealthSchema), 503: json(ZHealthSchema, 'database unreachable') },
});

export function healthRoutes() {
  return newRouter().openapi(route, async (c) => {
    const { database, redis, config } = c.get('deps');
    const dbOk = await database.ping();
    const r = redis.state();
    const body = {
      status: dbOk && r.state !== 'down' ? ('ok' as const) : ('degraded' as const),
      version: config.version,
      database: { kind: database.kind, ok: dbOk },
      redis: { state: r.state, lastError: r.lastError },
    };
    c.header('Cache-Control', 'no-store');
    return c.json(body, dbOk ? 200 : 503);
  });
}

/**
 * GET|POST /api/cron/notify — the notify job as a Vercel cron target (vercel.json "crons").
 * Vercel sends `Authorization: Bearer <CRON_SECRET>`. Refusals: no CRON_SECRET configured →
 * FORBIDDEN (nobody may run it; logged); header missing or wrong → UNAUTHENTICATED.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../_app/context';
import { newRouter } from '../_app/router';
import { Err, Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, reply } from '../_lib/http';
import { runNotifyJob } from './notify-job';

const ZNotifyJobResult = z.object({
  sent: z.number().int(),
  skipped: z.number().int(),
  deferred: z.number().int(),
  digested: z.number().int(),
  failed: z.number().int(),
  retried: z.number().int(),
  digests: z.object({ users: z.number().int(), rows: z.number().int() }),
  ms: z.number().int(),
});

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Shared by every /api/cron/* route. */
export function secretMatches(header: string | undefined, secret: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice(7)), digest(secret));
}

const route = (method: 'get' | 'post') =>
  createRoute({
    method,
    path: '/cron/notify',
    tags: ['system'],
    summary: 'Run the notify job: queue digests when due, drain the outbox (cron; Bearer CRON_SECRET)',
    security: SECURED,
    responses: { 200: json(ZNotifyJobResult), 401: AUTH_ERRORS[401], 403: AUTH_ERRORS[403] },
  });

async function handle(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const secret = deps.config.notify.cronSecret;
  if (!secret) {
    c.get('log')('error', 'cron called but CRON_SECRET is not configured: refused');
    return reply(c, Err('FORBIDDEN', 'CRON_SECRET 未配置'));
  }
  if (!secretMatches(c.req.header('authorization'), secret)) return reply(c, Err('UNAUTHENTICATED'));
  return reply(c, Ok(await runNotifyJob(deps)));
}

export function cronRoutes() {
  return newRouter()
    .openapi(route('get'), (c) => handle(c))
    .openapi(route('post'), (c) => handle(c));
}

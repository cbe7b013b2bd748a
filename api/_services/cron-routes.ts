/**
 * GET|POST /api/cron/services — the services job (reminders, lapsed waitlist offers) as a Vercel
 * cron target. Same secret and refusals as /api/cron/notify: no CRON_SECRET configured →
 * FORBIDDEN; header missing or wrong → UNAUTHENTICATED.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../_app/context';
import { newRouter } from '../_app/router';
import { Err, Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, reply } from '../_lib/http';
import { runServicesJob } from './jobs';

const ZServicesJobResult = z.object({
  dayBefore: z.number().int(),
  near: z.number().int(),
  offersExpired: z.number().int(),
  ms: z.number().int(),
});

const digest = (s: string) => createHash('sha256').update(s).digest();

const route = (method: 'get' | 'post') =>
  createRoute({
    method,
    path: '/cron/services',
    tags: ['system'],
    summary: 'Run the services job: booking reminders, lapsed waitlist offers (cron; Bearer CRON_SECRET)',
    security: SECURED,
    responses: { 200: json(ZServicesJobResult), 401: AUTH_ERRORS[401], 403: AUTH_ERRORS[403] },
  });

async function handle(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const secret = deps.config.notify.cronSecret;
  if (!secret) {
    c.get('log')('error', 'cron called but CRON_SECRET is not configured: refused');
    return reply(c, Err('FORBIDDEN', 'CRON_SECRET 未配置'));
  }
  const header = c.req.header('authorization');
  if (!header?.startsWith('Bearer ') || !timingSafeEqual(digest(header.slice(7)), digest(secret))) {
    return reply(c, Err('UNAUTHENTICATED'));
  }
  const result = await runServicesJob(deps);
  if (result.dayBefore + result.near + result.offersExpired > 0) deps.log('info', 'services job ran', result);
  return reply(c, Ok(result));
}

export function servicesCronRoutes() {
  return newRouter()
    .openapi(route('get'), (c) => handle(c))
    .openapi(route('post'), (c) => handle(c));
}

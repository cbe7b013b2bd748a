/**
 * GET|POST /api/cron/matters — the matters clock sweep as a Vercel cron target (vercel.json
 * "crons"), behind the same `Authorization: Bearer <CRON_SECRET>` as /api/cron/notify.
 * Refusals: no CRON_SECRET configured → FORBIDDEN; header missing or wrong → UNAUTHENTICATED.
 */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../_app/context';
import { newRouter } from '../_app/router';
import { Err, Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, reply } from '../_lib/http';
import { secretMatches } from '../_notices/cron-routes';
import { sweepOverdueMatters } from './sweep';

const ZSweepResult = z.object({
  escalated: z.number().int(),
  closed: z.number().int(),
  flagged: z.number().int(),
  failed: z.number().int(),
  more: z.boolean(),
  ms: z.number().int(),
});

const route = (method: 'get' | 'post') =>
  createRoute({
    method,
    path: '/cron/matters',
    tags: ['system'],
    summary: 'Run the matters clock: escalate, close or flag overdue matters (cron; Bearer CRON_SECRET)',
    security: SECURED,
    responses: { 200: json(ZSweepResult), 401: AUTH_ERRORS[401], 403: AUTH_ERRORS[403] },
  });

async function handle(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const secret = deps.config.notify.cronSecret;
  if (!secret) {
    c.get('log')('error', 'cron called but CRON_SECRET is not configured: refused');
    return reply(c, Err('FORBIDDEN', 'CRON_SECRET 未配置'));
  }
  if (!secretMatches(c.req.header('authorization'), secret)) return reply(c, Err('UNAUTHENTICATED'));
  return reply(
    c,
    Ok(await sweepOverdueMatters(deps.db, { log: deps.log, budgetMs: deps.config.matters.sweepBudgetMs })),
  );
}

export function matterCronRoutes() {
  return newRouter()
    .openapi(route('get'), (c) => handle(c))
    .openapi(route('post'), (c) => handle(c));
}

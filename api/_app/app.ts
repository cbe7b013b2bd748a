/**
 * The one Hono app, on basePath('/api'). Served by api/index.ts (Vercel) and api/_app/server.ts
 * (plain Node). Middleware order: request id + access log → deps → body limit → routes
 * (each route group adds auth, idempotency and rate limits as it needs).
 */
import { bodyLimit } from 'hono/body-limit';
import { methodOverride } from 'hono/method-override';
import { HTTPException } from 'hono/http-exception';
import { ApiError, errorBody, statusOf } from '../_lib/errors';
import type { ErrorCode } from '../../shared/errors';
import { authRoutes } from '../_auth/routes';
import { healthRoutes } from './health';
import { meRoutes } from '../_me/routes';
import { villageRoutes } from '../_villages/routes';
import { matterRoutes } from '../_matters/routes';
import { onBehalfRoutes } from '../_matters/on-behalf';
import { townRoutes } from '../_matters/town';
import { matterFlowRoutes } from '../_matters/flow-routes';
import { matterCronRoutes } from '../_matters/cron-routes';
import { disclosureRoutes } from '../_disclosures/routes';
import { noticeRoutes } from '../_notices/routes';
import { consentRoutes } from '../_notices/consent-routes';
import { cronRoutes } from '../_notices/cron-routes';
import { contentRoutes } from '../_content/routes';
import { isUploadRequest, mediaRoutes } from '../_media/routes';
import { serviceRoutes } from '../_services/routes';
import { councilRoutes } from '../_councils/routes';
import { speechRoutes } from '../_speech/routes';
import type { Context } from 'hono';
import type { AppEnv, Deps } from './context';
import { newRouter } from './router';

export const JSON_BODY_LIMIT = 1024 * 1024;
const REQUEST_ID_RE = /^[A-Za-z0-9._-]{8,64}$/;

export function createApp(getDeps: () => Promise<Deps>) {
  const app = newRouter().basePath('/api');

  // wx.request has no PATCH: the mini-program sends POST + X-HTTP-Method-Override: PATCH, and
  // this re-dispatches it through the app as the real method.
  app.use('*', methodOverride({ app, header: 'X-HTTP-Method-Override' }));

  app.use('*', async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID_RE.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    c.header('X-Request-Id', requestId);
    let deps: Deps;
    try {
      deps = await getDeps();
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', msg: 'startup failed', requestId, err: String(err) }));
      return c.json(errorBody({ code: 'INTERNAL' }, requestId), 500);
    }
    const log = deps.log.child({ requestId });
    c.set('deps', deps);
    c.set('log', log);
    await next();
    const auth = c.get('auth');
    log('info', 'request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      userId: auth?.userId,
    });
  });

  const tooLarge = (c: Context<AppEnv>) =>
    c.json(errorBody({ code: 'PAYLOAD_TOO_LARGE' }, c.get('requestId')), 413);
  const jsonLimit = bodyLimit({ maxSize: JSON_BODY_LIMIT, onError: tooLarge });
  // Uploads (multipart, ≤ 10 MB a file) enforce their own limit while reading (api/_media/routes.ts).
  // GET/HEAD carry no body, and a declared Content-Length is enforced by Node's parser, so those
  // are decided without touching the body stream (which would build a full web Request each time).
  app.use('*', async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    if (isUploadRequest(method, c.req.path)) return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined && /^\d+$/.test(length)) {
      return Number(length) > JSON_BODY_LIMIT ? tooLarge(c) : next();
    }
    return jsonLimit(c, next);
  });

  app.route('/', healthRoutes());
  app.route('/auth', authRoutes());
  app.route('/me', meRoutes());
  app.route('/villages', villageRoutes());
  app.route('/', noticeRoutes());
  app.route('/', consentRoutes());
  app.route('/', cronRoutes());
  app.route('/', contentRoutes());
  // Before matterRoutes: its /matters/{matterId} would otherwise catch /matters/similar, /inbox, /mine.
  app.route('/', matterFlowRoutes());
  app.route('/', matterRoutes());
  app.route('/', mediaRoutes());
  app.route('/', matterCronRoutes());
  app.route('/', serviceRoutes());
  app.route('/', disclosureRoutes());
  app.route('/', councilRoutes());
  app.route('/', speechRoutes());
  app.route('/', onBehalfRoutes());
  app.route('/', townRoutes());

  app.doc31('/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: {
      title: '村民参与 API',
      version: c.get('deps').config.version,
      description:
        'Errors: { error: { code, message, requestId, details? } }; codes and their statuses: shared/errors.ts',
    },
  }));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  app.notFound((c) => c.json(errorBody({ code: 'NOT_FOUND' }, c.get('requestId') ?? 'none'), 404));

  app.onError((err, c) => {
    const requestId = c.get('requestId') ?? 'none';
    if (err instanceof ApiError) {
      return c.json(
        errorBody({ code: err.code, message: err.message, details: err.details }, requestId),
        statusOf(err.code),
      );
    }
    if (err instanceof HTTPException) {
      const code: ErrorCode =
        err.status === 400
          ? 'BAD_JSON'
          : err.status === 415
            ? 'UNSUPPORTED_MEDIA_TYPE'
            : err.status === 413
              ? 'PAYLOAD_TOO_LARGE'
              : 'INTERNAL';
      if (code !== 'INTERNAL') return c.json(errorBody({ code }, requestId), statusOf(code));
    }
    const log = c.get('log');
    const fields = { err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) };
    if (log) log('error', 'unhandled error', fields);
    else console.error(JSON.stringify({ level: 'error', msg: 'unhandled error', requestId, ...fields }));
    return c.json(errorBody({ code: 'INTERNAL' }, requestId), 500);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;

/**
 * Disclosure boards. Public reads (no sign-in: what is published is public, like the physical
 * 公示栏): the board, one disclosure with its versions and the voucher photos they list, the chain
 * and its verification, the printable page, the power list. Signed-in: cadres draft, correct and submit; supervisors review;
 * members record a read; villagers question a line; the schedule; the town's overdue view; the
 * reminder cron.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import {
  ZBoardSchema,
  ZChainSchema,
  ZCorrection,
  ZCreateDisclosure,
  ZDisclosureDetail,
  ZDraftListSchema,
  ZDraftSchema,
  ZPowerItemInput,
  ZPowerItemSchema,
  ZPowerListSchema,
  ZQuestion,
  ZReview,
  ZSchedule,
  ZTownOverdueSchema,
  ZUpdateDraft,
  ZVerifySchema,
} from '../../shared/disclosures/schemas';
import { ZId, ZVillageParams } from '../../shared/schemas/common';
import type { AppEnv } from '../_app/context';
import { newRouter } from '../_app/router';
import { requireAuthNoProfileChange } from '../_auth/middleware';
import { assertVillageRole } from '../_lib/access';
import { ApiError, Err, Ok } from '../_lib/errors';
import { byteRangeResponse } from '../_lib/byte-range';
import { AUTH_ERRORS, PUBLIC_ERRORS, SECURED, json, jsonBody, reply } from '../_lib/http';
import { idempotency } from '../_lib/idempotency';
import { rateLimit } from '../_lib/rate-limit';
import { getBoard, getDetail, headStamp, invalidateBoard, recordRead, villageExists } from './board';
import { chainLinks, verifyVillageChain } from './chain';
import {
  type DisclosureViewer,
  correctDisclosure,
  createDisclosure,
  getDraft,
  listDrafts,
  reviewDraft,
  submitDraft,
  updateDraft,
} from './drafts';
import { adoptPowerTemplate, listPowerItems, savePowerItem } from './power-list';
import { publishedVoucher } from './vouchers';
import { renderPrint } from './print';
import { askQuestion } from './questions';
import { getSchedule, runDisclosureReminders, setSchedule, townOverdue } from './schedule';

const ZDisclosureParams = z.object({ villageId: ZId, disclosureId: ZId });
const ZVoucherParams = z.object({ villageId: ZId, disclosureId: ZId, mediaId: ZId });
const ZPowerItemParams = z.object({ villageId: ZId, itemId: ZId });
const ZTownParams = z.object({ townId: ZId });

const auth = { security: SECURED, middleware: [requireAuthNoProfileChange] };
const write = {
  security: SECURED,
  middleware: [requireAuthNoProfileChange, idempotency, rateLimit('write:default', 'user')],
};
const tags = ['disclosures'];

function viewer(
  c: Context<AppEnv>,
  villageId: string,
  allowed: Parameters<typeof assertVillageRole>[2],
): DisclosureViewer {
  const a = c.get('auth');
  return { userId: a.userId, villageId, roles: assertVillageRole(a, villageId, allowed) };
}

/** Public reads are revalidated every time (ETag), never served stale by a browser or proxy. */
function cacheHeaders(c: Context<AppEnv>, etag: string) {
  c.header('Cache-Control', 'public, no-cache');
  c.header('ETag', etag);
  return c.req.header('if-none-match') === etag;
}

const r = {
  board: createRoute({
    method: 'get',
    path: '/villages/{villageId}/disclosures/board',
    tags,
    summary:
      'The village’s board: published disclosures (current versions), reads, chain head, overdue periods (public, cached)',
    request: { params: ZVillageParams },
    responses: { 200: json(ZBoardSchema), 304: { description: 'Not modified' }, ...PUBLIC_ERRORS },
  }),
  verify: createRoute({
    method: 'get',
    path: '/villages/{villageId}/disclosures/verify',
    tags,
    summary:
      'Recompute the village’s hash chain from its published versions and name the first broken one (public)',
    request: { params: ZVillageParams },
    responses: { 200: json(ZVerifySchema), ...PUBLIC_ERRORS },
  }),
  chain: createRoute({
    method: 'get',
    path: '/villages/{villageId}/disclosures/chain',
    tags,
    summary:
      'Every published version as a chain link (content, prevHash, hash) for independent verification (public)',
    request: { params: ZVillageParams },
    responses: { 200: json(ZChainSchema), ...PUBLIC_ERRORS },
  }),
  drafts: createRoute({
    method: 'get',
    path: '/villages/{villageId}/disclosures/drafts',
    tags,
    summary:
      'Unpublished versions (draft, submitted, returned) with the caller’s actions (cadres, supervisors)',
    ...auth,
    request: { params: ZVillageParams },
    responses: { 200: json(ZDraftListSchema), ...AUTH_ERRORS },
  }),
  schedule: createRoute({
    method: 'get',
    path: '/villages/{villageId}/disclosures/schedule',
    tags,
    summary: 'The publishing schedule (cadres, supervisors)',
    ...auth,
    request: { params: ZVillageParams },
    responses: { 200: json(z.object({ schedule: ZSchedule, since: z.string() }).nullable()), ...AUTH_ERRORS },
  }),
  setSchedule: createRoute({
    method: 'put',
    path: '/villages/{villageId}/disclosures/schedule',
    tags,
    summary: 'Set the publishing schedule: finance monthly or quarterly, affairs and party affairs (cadres)',
    ...write,
    request: { params: ZVillageParams, body: jsonBody(ZSchedule) },
    responses: { 200: json(z.object({ schedule: ZSchedule, since: z.string() })), ...AUTH_ERRORS },
  }),
  create: createRoute({
    method: 'post',
    path: '/villages/{villageId}/disclosures',
    tags,
    summary: 'Draft a disclosure for a period (cadres); a finance one carries its ledger in 分',
    ...write,
    request: { params: ZVillageParams, body: jsonBody(ZCreateDisclosure) },
    responses: { 201: json(ZDraftSchema), ...AUTH_ERRORS },
  }),
  detail: createRoute({
    method: 'get',
    path: '/villages/{villageId}/disclosures/{disclosureId}',
    tags,
    summary:
      'One disclosure: every published version, what changed, questions and answers per line (public, cached)',
    request: { params: ZDisclosureParams },
    responses: { 200: json(ZDisclosureDetail), 304: { description: 'Not modified' }, ...PUBLIC_ERRORS },
  }),
  print: createRoute({
    method: 'get',
    path: '/villages/{villageId}/disclosures/{disclosureId}/print',
    tags,
    summary: 'A printable A4 page of a published version, with its version and chain position (public, HTML)',
    request: {
      params: ZDisclosureParams,
      query: z.object({ version: z.coerce.number().int().min(1).optional() }),
    },
    responses: {
      200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } },
      ...PUBLIC_ERRORS,
    },
  }),
  voucher: createRoute({
    method: 'get',
    path: '/villages/{villageId}/disclosures/{disclosureId}/vouchers/{mediaId}',
    tags,
    summary:
      'A voucher photo a published version lists (public, cached forever: its ETag is the sha256 the chain commits to)',
    request: { params: ZVoucherParams },
    responses: {
      200: { description: 'The photo, with its detected Content-Type' },
      206: { description: 'A byte range of it' },
      304: { description: 'Not modified' },
      409: json(z.object({}), 'VOUCHER_ALTERED: the stored photo no longer matches the chain; not served'),
      ...PUBLIC_ERRORS,
    },
  }),
  getDraft: createRoute({
    method: 'get',
    path: '/villages/{villageId}/disclosures/{disclosureId}/draft',
    tags,
    summary: 'The open (unpublished) version with reviews and reconciliation issues (cadres, supervisors)',
    ...auth,
    request: { params: ZDisclosureParams },
    responses: { 200: json(ZDraftSchema), ...AUTH_ERRORS },
  }),
  putDraft: createRoute({
    method: 'put',
    path: '/villages/{villageId}/disclosures/{disclosureId}/draft',
    tags,
    summary: 'Edit the open draft (cadres); a published version never changes',
    ...write,
    request: { params: ZDisclosureParams, body: jsonBody(ZUpdateDraft) },
    responses: { 200: json(ZDraftSchema), ...AUTH_ERRORS },
  }),
  correct: createRoute({
    method: 'post',
    path: '/villages/{villageId}/disclosures/{disclosureId}/corrections',
    tags,
    summary: 'Start a correction of a published disclosure: a new version with a reason (cadres)',
    ...write,
    request: { params: ZDisclosureParams, body: jsonBody(ZCorrection) },
    responses: { 201: json(ZDraftSchema), ...AUTH_ERRORS },
  }),
  submit: createRoute({
    method: 'post',
    path: '/villages/{villageId}/disclosures/{disclosureId}/submit',
    tags,
    summary: 'Submit the draft for the supervision committee’s review (cadres); a ledger must reconcile',
    ...write,
    request: { params: ZDisclosureParams },
    responses: { 200: json(ZDraftSchema), ...AUTH_ERRORS },
  }),
  review: createRoute({
    method: 'post',
    path: '/villages/{villageId}/disclosures/{disclosureId}/review',
    tags,
    summary:
      'Approve (co-sign and publish into the chain) or return with comments (supervisors, never their own draft)',
    ...write,
    request: { params: ZDisclosureParams, body: jsonBody(ZReview) },
    responses: {
      200: json(
        z.object({
          status: z.enum(['returned', 'published']),
          versionNo: z.number().int(),
          seq: z.number().int().optional(),
          hash: z.string().optional(),
        }),
      ),
      ...AUTH_ERRORS,
    },
  }),
  read: createRoute({
    method: 'post',
    path: '/villages/{villageId}/disclosures/{disclosureId}/read',
    tags,
    summary: 'Record that the caller’s household opened the disclosure (members)',
    ...auth,
    request: { params: ZDisclosureParams },
    responses: {
      200: json(z.object({ readHouseholds: z.number().int(), counted: z.boolean() })),
      ...AUTH_ERRORS,
    },
  }),
  question: createRoute({
    method: 'post',
    path: '/villages/{villageId}/disclosures/{disclosureId}/questions',
    tags,
    summary: 'Question (质询) one line: becomes a matter for the supervision committee (villagers)',
    ...write,
    request: { params: ZDisclosureParams, body: jsonBody(ZQuestion) },
    responses: { 201: json(z.object({ id: ZId, matterId: ZId })), ...AUTH_ERRORS },
  }),
  powerList: createRoute({
    method: 'get',
    path: '/villages/{villageId}/power-items',
    tags,
    summary: 'The village’s 小微权力清单 with steps for the flow diagrams (public)',
    request: { params: ZVillageParams },
    responses: { 200: json(ZPowerListSchema), ...PUBLIC_ERRORS },
  }),
  adopt: createRoute({
    method: 'post',
    path: '/villages/{villageId}/power-items/adopt',
    tags,
    summary: 'Adopt the default template (adds the items the village lacks; edits are kept) (cadres)',
    ...write,
    request: { params: ZVillageParams },
    responses: { 200: json(ZPowerListSchema), ...AUTH_ERRORS },
  }),
  addItem: createRoute({
    method: 'post',
    path: '/villages/{villageId}/power-items',
    tags,
    summary: 'Add a power item (cadres)',
    ...write,
    request: { params: ZVillageParams, body: jsonBody(ZPowerItemInput) },
    responses: { 201: json(ZPowerItemSchema), ...AUTH_ERRORS },
  }),
  editItem: createRoute({
    method: 'put',
    path: '/villages/{villageId}/power-items/{itemId}',
    tags,
    summary: 'Edit a power item (cadres)',
    ...write,
    request: { params: ZPowerItemParams, body: jsonBody(ZPowerItemInput) },
    responses: { 200: json(ZPowerItemSchema), ...AUTH_ERRORS },
  }),
  townOverdue: createRoute({
    method: 'get',
    path: '/towns/{townId}/disclosures/overdue',
    tags,
    summary:
      'Overdue disclosure periods of every village in the town, with days late, most overdue villages first (town officers of that town)',
    ...auth,
    request: { params: ZTownParams },
    responses: {
      200: json(ZTownOverdueSchema),
      ...AUTH_ERRORS,
    },
  }),
};

const cronRoute = (method: 'get' | 'post') =>
  createRoute({
    method,
    path: '/cron/disclosures',
    tags: ['system'],
    summary: 'Remind cadres of due and overdue disclosure periods (cron; Bearer CRON_SECRET)',
    security: SECURED,
    responses: {
      200: json(
        z.object({ villages: z.number().int(), overdue: z.number().int(), reminded: z.number().int() }),
      ),
      401: AUTH_ERRORS[401],
      403: AUTH_ERRORS[403],
    },
  });

const digest = (s: string) => createHash('sha256').update(s).digest();
const sha256OfBytes = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function cron(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const secret = deps.config.notify.cronSecret;
  if (!secret) return reply(c, Err('FORBIDDEN', 'CRON_SECRET 未配置'));
  const h = c.req.header('authorization');
  if (!h?.startsWith('Bearer ') || !timingSafeEqual(digest(h.slice(7)), digest(secret))) {
    return reply(c, Err('UNAUTHENTICATED'));
  }
  return reply(c, Ok(await runDisclosureReminders(deps)));
}

export function disclosureRoutes() {
  return newRouter()
    .openapi(r.board, async (c) => {
      const { villageId } = c.req.valid('param');
      const board = await getBoard(c.get('deps'), villageId);
      if (!board) return reply(c, Err('NOT_FOUND'));
      if (cacheHeaders(c, board.etag)) return c.body(null, 304) as never;
      // The JSON serialised once when cached: the same bytes as reply(c, Ok(board.value)).
      return c.body(board.body, 200, { 'Content-Type': 'application/json' }) as never;
    })
    .openapi(r.verify, async (c) => {
      const { villageId } = c.req.valid('param');
      if (!(await villageExists(c.get('deps').db, villageId))) return reply(c, Err('NOT_FOUND'));
      c.header('Cache-Control', 'no-store');
      return reply(c, Ok(await verifyVillageChain(c.get('deps').db, villageId)));
    })
    .openapi(r.chain, async (c) => {
      const { villageId } = c.req.valid('param');
      if (!(await villageExists(c.get('deps').db, villageId))) return reply(c, Err('NOT_FOUND'));
      c.header('Cache-Control', 'no-store');
      return reply(c, Ok({ villageId, links: await chainLinks(c.get('deps').db, villageId) }));
    })
    .openapi(r.drafts, async (c) => {
      const { villageId } = c.req.valid('param');
      const v = viewer(c, villageId, ['cadre', 'supervisor']);
      return reply(c, Ok(await listDrafts(c.get('deps'), v)));
    })
    .openapi(r.schedule, async (c) => {
      const { villageId } = c.req.valid('param');
      viewer(c, villageId, ['cadre', 'supervisor']);
      return reply(c, Ok(await getSchedule(c.get('deps').db, villageId)));
    })
    .openapi(r.setSchedule, async (c) => {
      const { villageId } = c.req.valid('param');
      const v = viewer(c, villageId, ['cadre']);
      return reply(
        c,
        await setSchedule(c.get('deps'), {
          villageId,
          userId: v.userId,
          requestId: c.get('requestId'),
          input: c.req.valid('json'),
        }),
      );
    })
    .openapi(r.create, async (c) => {
      const { villageId } = c.req.valid('param');
      const v = viewer(c, villageId, ['cadre']);
      return reply(
        c,
        await createDisclosure(c.get('deps'), {
          viewer: v,
          requestId: c.get('requestId'),
          input: c.req.valid('json'),
        }),
        201,
      );
    })
    .openapi(r.detail, async (c) => {
      const { villageId, disclosureId } = c.req.valid('param');
      const d = await getDetail(c.get('deps'), villageId, disclosureId);
      if (!d) return reply(c, Err('NOT_FOUND'));
      if (cacheHeaders(c, d.etag)) return c.body(null, 304) as never;
      return reply(c, Ok(d.value));
    })
    .openapi(r.print, async (c) => {
      const { villageId, disclosureId } = c.req.valid('param');
      const deps = c.get('deps');
      const d = await getDetail(deps, villageId, disclosureId);
      const head = await headStamp(deps.db, villageId);
      const html =
        d && head ? renderPrint(head.name, d.value, c.req.valid('query').version ?? d.value.current) : null;
      if (!html) return reply(c, Err('NOT_FOUND'));
      c.header('Cache-Control', 'public, no-cache');
      return c.html(html) as never;
    })
    .openapi(r.voucher, async (c) => {
      const p = c.req.valid('param');
      const deps = c.get('deps');
      const found = await publishedVoucher(deps.db, p);
      if (!found) return reply(c, Err('NOT_FOUND'));
      const etag = `"${found.sha256}"`;
      const headers = {
        'Cache-Control': 'public, max-age=31536000, immutable',
        ETag: etag,
        'X-Content-Type-Options': 'nosniff',
        'Content-Disposition': 'inline',
      };
      if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers) as never;
      const obj = await deps.storage.get(found.row.storageKey);
      if (!obj) throw new Error(`voucher object missing: ${found.row.storageKey}`);
      // Never show a photo other than the one the supervisors co-signed and the chain covers.
      const actual = sha256OfBytes(obj.body);
      if (actual !== found.sha256) {
        deps.log('error', 'published voucher altered in storage', {
          mediaId: p.mediaId,
          expected: found.sha256,
          actual,
        });
        return reply(c, Err('VOUCHER_ALTERED'));
      }
      return byteRangeResponse(c.req.header('range'), obj.body, {
        ...headers,
        'Content-Type': found.row.mime,
      }) as never;
    })
    .openapi(r.getDraft, async (c) => {
      const { villageId, disclosureId } = c.req.valid('param');
      const v = viewer(c, villageId, ['cadre', 'supervisor']);
      return reply(c, await getDraft(c.get('deps'), v, disclosureId));
    })
    .openapi(r.putDraft, async (c) => {
      const { villageId, disclosureId } = c.req.valid('param');
      const v = viewer(c, villageId, ['cadre']);
      return reply(
        c,
        await updateDraft(c.get('deps'), {
          viewer: v,
          requestId: c.get('requestId'),
          disclosureId,
          input: c.req.valid('json'),
        }),
      );
    })
    .openapi(r.correct, async (c) => {
      const { villageId, disclosureId } = c.req.valid('param');
      const v = viewer(c, villageId, ['cadre']);
      return reply(
        c,
        await correctDisclosure(c.get('deps'), {
          viewer: v,
          requestId: c.get('requestId'),
          disclosureId,
          input: c.req.valid('json'),
        }),
        201,
      );
    })
    .openapi(r.submit, async (c) => {
      const { villageId, disclosureId } = c.req.valid('param');
      const v = viewer(c, villageId, ['cadre']);
      return reply(
        c,
        await submitDraft(c.get('deps'), { viewer: v, requestId: c.get('requestId'), disclosureId }),
      );
    })
    .openapi(r.review, async (c) => {
      const { villageId, disclosureId } = c.req.valid('param');
      const v = viewer(c, villageId, ['supervisor']);
      const deps = c.get('deps');
      const out = await reviewDraft(deps, {
        viewer: v,
        requestId: c.get('requestId'),
        disclosureId,
        input: c.req.valid('json'),
      });
      if (out.ok && out.value.seq) await invalidateBoard(deps, villageId, out.value.seq - 1);
      return reply(c, out);
    })
    .openapi(r.read, async (c) => {
      const { villageId, disclosureId } = c.req.valid('param');
      const v = viewer(c, villageId, [
        'villager',
        'representative',
        'party_member',
        'grid_worker',
        'cadre',
        'supervisor',
      ]);
      const out = await recordRead(c.get('deps').db, { villageId, userId: v.userId, disclosureId });
      return reply(c, out ? Ok(out) : Err('NOT_FOUND'));
    })
    .openapi(r.question, async (c) => {
      const { villageId, disclosureId } = c.req.valid('param');
      viewer(c, villageId, ['villager']);
      return reply(
        c,
        await askQuestion(c.get('deps'), {
          auth: c.get('auth'),
          villageId,
          disclosureId,
          requestId: c.get('requestId'),
          input: c.req.valid('json'),
        }),
        201,
      );
    })
    .openapi(r.powerList, async (c) => {
      const { villageId } = c.req.valid('param');
      if (!(await villageExists(c.get('deps').db, villageId))) return reply(c, Err('NOT_FOUND'));
      return reply(c, Ok(await listPowerItems(c.get('deps').db, villageId)));
    })
    .openapi(r.adopt, async (c) => {
      const { villageId } = c.req.valid('param');
      const v = viewer(c, villageId, ['cadre']);
      return reply(
        c,
        await adoptPowerTemplate(c.get('deps'), {
          villageId,
          userId: v.userId,
          requestId: c.get('requestId'),
        }),
      );
    })
    .openapi(r.addItem, async (c) => {
      const { villageId } = c.req.valid('param');
      const v = viewer(c, villageId, ['cadre']);
      return reply(
        c,
        await savePowerItem(c.get('deps'), {
          villageId,
          userId: v.userId,
          requestId: c.get('requestId'),
          input: c.req.valid('json'),
        }),
        201,
      );
    })
    .openapi(r.editItem, async (c) => {
      const { villageId, itemId } = c.req.valid('param');
      const v = viewer(c, villageId, ['cadre']);
      return reply(
        c,
        await savePowerItem(c.get('deps'), {
          villageId,
          itemId,
          userId: v.userId,
          requestId: c.get('requestId'),
          input: c.req.valid('json'),
        }),
      );
    })
    .openapi(r.townOverdue, async (c) => {
      const { townId } = c.req.valid('param');
      const a = c.get('auth');
      const mine = a.memberships.some((m) => m.role === 'town_officer' && m.townId === townId);
      if (!mine) throw new ApiError('NOT_FOUND');
      return reply(c, Ok(await townOverdue(c.get('deps').db, townId, new Date())));
    })
    .openapi(cronRoute('get'), (c) => cron(c))
    .openapi(cronRoute('post'), (c) => cron(c));
}

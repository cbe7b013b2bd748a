/**
 * /api/villages/{villageId}/… councils routes: proposals (四议两公开), comments, petitions,
 * meetings, votes, ballots, receipts, paper ballots; /api/cron/councils (the clock).
 * Handlers are thin: parse, find the caller's roles in the village, call one operation.
 * Casting a ballot carries no Idempotency-Key middleware: it is idempotent by nature (one ballot
 * per elector, enforced by the database; a retry returns the same receipt).
 */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import {
  ZBallotList,
  ZCastSchema,
  ZCommentModerated,
  ZCommentSchema,
  ZCosignSchema,
  ZCouncilCronResult,
  ZCreateMeetingSchema,
  ZCreatePetitionSchema,
  ZCreateProposalSchema,
  ZCreateVoteSchema,
  ZElectorList,
  ZHideCommentSchema,
  ZMeeting,
  ZPaperBallot,
  ZPaperBallotSchema,
  ZPetitionStarted,
  ZPetitionView,
  ZProposalDetail,
  ZProposalList,
  ZProposalSummary,
  ZRateSchema,
  ZReceipt,
  ZReceiptCheck,
  ZRecordStageSchema,
  ZReportCommentSchema,
  ZReportedCommentList,
  ZVoteList,
  ZVoteView,
} from '../../shared/councils/schemas';
import { ZId, ZVillageParams } from '../../shared/schemas/common';
import type { AppEnv } from '../_app/context';
import { newRouter } from '../_app/router';
import { requireAuthNoProfileChange } from '../_auth/middleware';
import { secretMatches } from './cron-auth';
import { Err, Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, jsonBody, reply } from '../_lib/http';
import { idempotency } from '../_lib/idempotency';
import { rateLimit } from '../_lib/rate-limit';
import {
  addComment,
  backPetition,
  createPetition,
  createProposal,
  listProposals,
  openProposal,
  rateProposal,
  recordStage,
} from './proposals';
import { hideComment, keepComment, listReportedComments, reportComment } from './moderation';
import { councilViewer } from './viewer';
import {
  ballotList,
  castBallot,
  checkReceipt,
  cosignPaperBallot,
  createMeeting,
  createVote,
  enterPaperBallot,
  listElectors,
  listMeetings,
  listPaperBallots,
  listVotes,
  openVoteView,
  runCouncilSweep,
} from './votes';

const auth = { security: SECURED, middleware: [requireAuthNoProfileChange] };
const write = {
  security: SECURED,
  middleware: [requireAuthNoProfileChange, idempotency, rateLimit('write:default', 'user')],
};
const cast = {
  security: SECURED,
  middleware: [requireAuthNoProfileChange, rateLimit('councils:cast', 'user')],
};

const ZProposalParams = ZVillageParams.extend({ proposalId: ZId });
const ZVoteParams = ZVillageParams.extend({ voteId: ZId });
const ZCommentParams = ZVillageParams.extend({ commentId: ZId });
const ZReceiptParams = ZVoteParams.extend({ receipt: z.string().min(4).max(40) });
const ZPaperParams = ZVoteParams.extend({ ballotId: z.coerce.number().int().positive() });
const ok = (schema: z.ZodType) => ({ 200: json(schema), ...AUTH_ERRORS });
const created = (schema: z.ZodType) => ({ 201: json(schema), ...AUTH_ERRORS });
const tags = ['councils'];

const r = {
  listProposals: createRoute({
    method: 'get',
    path: '/villages/{villageId}/proposals',
    tags,
    summary: 'Proposals with their stage progress',
    ...auth,
    request: { params: ZVillageParams },
    responses: ok(ZProposalList),
  }),
  createProposal: createRoute({
    method: 'post',
    path: '/villages/{villageId}/proposals',
    tags,
    summary: 'Draft a proposal (cadres)',
    ...write,
    request: { params: ZVillageParams, body: jsonBody(ZCreateProposalSchema) },
    responses: created(ZProposalSummary),
  }),
  openProposal: createRoute({
    method: 'get',
    path: '/villages/{villageId}/proposals/{proposalId}',
    tags,
    summary: 'A proposal: stage timeline, comments, petition, votes, 民评',
    ...auth,
    request: { params: ZProposalParams },
    responses: ok(ZProposalDetail),
  }),
  recordStage: createRoute({
    method: 'post',
    path: '/villages/{villageId}/proposals/{proposalId}/stages',
    tags,
    summary: 'Record the next 四议两公开 stage (by the role that owns it)',
    ...write,
    request: { params: ZProposalParams, body: jsonBody(ZRecordStageSchema) },
    responses: ok(ZProposalDetail),
  }),
  rate: createRoute({
    method: 'post',
    path: '/villages/{villageId}/proposals/{proposalId}/ratings',
    tags,
    summary: '民评: rate the implementation (villagers)',
    ...write,
    request: { params: ZProposalParams, body: jsonBody(ZRateSchema) },
    responses: ok(z.object({ rating: z.string() })),
  }),
  comment: createRoute({
    method: 'post',
    path: '/villages/{villageId}/proposals/{proposalId}/comments',
    tags,
    summary: 'Comment or ask (anyone in the village); answer (cadres)',
    ...write,
    request: { params: ZProposalParams, body: jsonBody(ZCommentSchema) },
    responses: created(z.object({ id: ZId, visible: z.boolean() })),
  }),
  hide: createRoute({
    method: 'post',
    path: '/villages/{villageId}/comments/{commentId}/hide',
    tags,
    summary: 'Hide a comment with a reason its author sees (cadres, supervisors)',
    ...write,
    request: { params: ZCommentParams, body: jsonBody(ZHideCommentSchema) },
    responses: ok(ZCommentModerated),
  }),
  keep: createRoute({
    method: 'post',
    path: '/villages/{villageId}/comments/{commentId}/keep',
    tags,
    summary: 'Keep a reported comment: its open reports are settled (cadres, supervisors; not their own)',
    ...write,
    request: { params: ZCommentParams },
    responses: ok(ZCommentModerated),
  }),
  reported: createRoute({
    method: 'get',
    path: '/villages/{villageId}/comment-reports',
    tags,
    summary: 'Comments with open reports, most reported first (cadres, supervisors)',
    ...auth,
    request: { params: ZVillageParams },
    responses: ok(ZReportedCommentList),
  }),
  report: createRoute({
    method: 'post',
    path: '/villages/{villageId}/comments/{commentId}/reports',
    tags,
    summary: 'Report a comment (anyone in the village, once)',
    ...write,
    request: { params: ZCommentParams, body: jsonBody(ZReportCommentSchema) },
    responses: ok(z.object({ id: ZId, reports: z.number() })),
  }),
  createPetition: createRoute({
    method: 'post',
    path: '/villages/{villageId}/petitions',
    tags,
    summary: '联名提议: start one (18+ villagers or representatives, by kind)',
    ...write,
    request: { params: ZVillageParams, body: jsonBody(ZCreatePetitionSchema) },
    responses: created(ZPetitionStarted),
  }),
  back: createRoute({
    method: 'post',
    path: '/villages/{villageId}/proposals/{proposalId}/backings',
    tags,
    summary: 'Back a petition (once per person)',
    ...write,
    request: { params: ZProposalParams },
    responses: ok(ZPetitionView),
  }),
  listMeetings: createRoute({
    method: 'get',
    path: '/villages/{villageId}/meetings',
    tags,
    summary: 'Meetings',
    ...auth,
    request: { params: ZVillageParams },
    responses: ok(z.object({ items: z.array(ZMeeting) })),
  }),
  createMeeting: createRoute({
    method: 'post',
    path: '/villages/{villageId}/meetings',
    tags,
    summary: 'Convene a meeting (cadres)',
    ...write,
    request: { params: ZVillageParams, body: jsonBody(ZCreateMeetingSchema) },
    responses: created(ZMeeting),
  }),
  listVotes: createRoute({
    method: 'get',
    path: '/villages/{villageId}/votes',
    tags,
    summary: 'Votes, newest first',
    ...auth,
    request: { params: ZVillageParams },
    responses: ok(ZVoteList),
  }),
  createVote: createRoute({
    method: 'post',
    path: '/villages/{villageId}/votes',
    tags,
    summary: 'Create a vote in a meeting (cadres)',
    ...write,
    request: { params: ZVillageParams, body: jsonBody(ZCreateVoteSchema) },
    responses: created(z.object({ id: ZId })),
  }),
  openVote: createRoute({
    method: 'get',
    path: '/villages/{villageId}/votes/{voteId}',
    tags,
    summary: 'A vote: my ballot, the live tally (if shown), the result once closed',
    ...auth,
    request: { params: ZVoteParams },
    responses: ok(ZVoteView),
  }),
  cast: createRoute({
    method: 'post',
    path: '/villages/{villageId}/votes/{voteId}/ballots',
    tags,
    summary: 'Cast my ballot (final); a retry returns the same receipt',
    ...cast,
    request: { params: ZVoteParams, body: jsonBody(ZCastSchema) },
    responses: { ...created(ZReceipt), 200: json(ZReceipt, 'A retry: the ballot already cast') },
  }),
  ballots: createRoute({
    method: 'get',
    path: '/villages/{villageId}/votes/{voteId}/ballots',
    tags,
    summary: 'The ballot list after close (secret: receipts and choices; open: names too), to recompute',
    ...auth,
    request: { params: ZVoteParams },
    responses: ok(ZBallotList),
  }),
  receipt: createRoute({
    method: 'get',
    path: '/villages/{villageId}/votes/{voteId}/receipts/{receipt}',
    tags,
    summary: 'Is this receipt counted?',
    ...auth,
    request: { params: ZReceiptParams },
    responses: ok(ZReceiptCheck),
  }),
  electors: createRoute({
    method: 'get',
    path: '/villages/{villageId}/votes/{voteId}/electors',
    tags,
    summary: 'The frozen electorate, for paper entry (cadres, supervisors)',
    ...auth,
    request: { params: ZVoteParams },
    responses: ok(ZElectorList),
  }),
  paperList: createRoute({
    method: 'get',
    path: '/villages/{villageId}/votes/{voteId}/paper-ballots',
    tags,
    summary: 'Paper ballots and their co-signatures (cadres, supervisors)',
    ...auth,
    request: { params: ZVoteParams },
    responses: ok(z.object({ items: z.array(ZPaperBallot) })),
  }),
  paperEnter: createRoute({
    method: 'post',
    path: '/villages/{villageId}/votes/{voteId}/paper-ballots',
    tags,
    summary: 'Enter a paper ballot (cadres); counts once a supervisor co-signs',
    ...write,
    request: { params: ZVoteParams, body: jsonBody(ZPaperBallotSchema) },
    responses: created(ZPaperBallot),
  }),
  cosign: createRoute({
    method: 'post',
    path: '/villages/{villageId}/votes/{voteId}/paper-ballots/{ballotId}/cosign',
    tags,
    summary: 'Co-sign (count) or reject a paper ballot (supervisors, not the one who entered it)',
    ...write,
    request: { params: ZPaperParams, body: jsonBody(ZCosignSchema) },
    responses: ok(z.object({ id: z.number(), status: z.string() })),
  }),
};

const cronRoute = (method: 'get' | 'post') =>
  createRoute({
    method,
    path: '/cron/councils',
    tags: ['system'],
    summary:
      'The councils clock: open due votes, warn 2 h before close, close, escalate petitions (Bearer CRON_SECRET)',
    security: SECURED,
    request: { query: z.object({ now: z.string().datetime({ offset: true }).optional() }) },
    responses: { 200: json(ZCouncilCronResult), 401: AUTH_ERRORS[401], 403: AUTH_ERRORS[403] },
  });

async function cron(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const secret = deps.config.notify.cronSecret;
  if (!secret) return reply(c, Err('FORBIDDEN', 'CRON_SECRET 未配置'));
  if (!secretMatches(c.req.header('authorization'), secret)) return reply(c, Err('UNAUTHENTICATED'));
  // A controllable clock for tests and drills; production always runs on the real one.
  const asked = c.req.query('now');
  const now = asked && !deps.config.production ? new Date(asked) : new Date();
  return reply(c, Ok(await runCouncilSweep(deps, now)));
}

const viewer = (c: Context<AppEnv>, villageId: string) => councilViewer(c.get('auth'), villageId);

export function councilRoutes() {
  return newRouter()
    .openapi(r.listProposals, async (c) => {
      const { villageId } = c.req.valid('param');
      return reply(c, await listProposals(c.get('deps'), viewer(c, villageId)));
    })
    .openapi(r.createProposal, async (c) => {
      const { villageId } = c.req.valid('param');
      return reply(
        c,
        await createProposal(c.get('deps'), viewer(c, villageId), c.req.valid('json'), c.get('requestId')),
        201,
      );
    })
    .openapi(r.openProposal, async (c) => {
      const { villageId, proposalId } = c.req.valid('param');
      return reply(c, await openProposal(c.get('deps'), viewer(c, villageId), proposalId, new Date()));
    })
    .openapi(r.recordStage, async (c) => {
      const { villageId, proposalId } = c.req.valid('param');
      return reply(
        c,
        await recordStage(
          c.get('deps'),
          viewer(c, villageId),
          proposalId,
          c.req.valid('json'),
          c.get('requestId'),
          new Date(),
        ),
      );
    })
    .openapi(r.rate, async (c) => {
      const { villageId, proposalId } = c.req.valid('param');
      return reply(
        c,
        await rateProposal(c.get('deps'), viewer(c, villageId), proposalId, c.req.valid('json')),
      );
    })
    .openapi(r.comment, async (c) => {
      const { villageId, proposalId } = c.req.valid('param');
      return reply(
        c,
        await addComment(
          c.get('deps'),
          viewer(c, villageId),
          proposalId,
          c.req.valid('json'),
          c.get('requestId'),
        ),
        201,
      );
    })
    .openapi(r.hide, async (c) => {
      const { villageId, commentId } = c.req.valid('param');
      return reply(
        c,
        await hideComment(
          c.get('deps'),
          viewer(c, villageId),
          commentId,
          c.req.valid('json').reason,
          c.get('requestId'),
        ),
      );
    })
    .openapi(r.keep, async (c) => {
      const { villageId, commentId } = c.req.valid('param');
      return reply(c, await keepComment(c.get('deps'), viewer(c, villageId), commentId, c.get('requestId')));
    })
    .openapi(r.reported, async (c) => {
      const { villageId } = c.req.valid('param');
      return reply(c, await listReportedComments(c.get('deps'), viewer(c, villageId)));
    })
    .openapi(r.report, async (c) => {
      const { villageId, commentId } = c.req.valid('param');
      return reply(
        c,
        await reportComment(
          c.get('deps'),
          viewer(c, villageId),
          commentId,
          c.req.valid('json').reason,
          c.get('requestId'),
        ),
      );
    })
    .openapi(r.createPetition, async (c) => {
      const { villageId } = c.req.valid('param');
      return reply(
        c,
        await createPetition(
          c.get('deps'),
          viewer(c, villageId),
          c.req.valid('json'),
          c.get('requestId'),
          new Date(),
        ),
        201,
      );
    })
    .openapi(r.back, async (c) => {
      const { villageId, proposalId } = c.req.valid('param');
      return reply(
        c,
        await backPetition(c.get('deps'), viewer(c, villageId), proposalId, c.get('requestId'), new Date()),
      );
    })
    .openapi(r.listMeetings, async (c) => {
      const { villageId } = c.req.valid('param');
      return reply(c, await listMeetings(c.get('deps'), viewer(c, villageId)));
    })
    .openapi(r.createMeeting, async (c) => {
      const { villageId } = c.req.valid('param');
      return reply(
        c,
        await createMeeting(c.get('deps'), viewer(c, villageId), c.req.valid('json'), c.get('requestId')),
        201,
      );
    })
    .openapi(r.listVotes, async (c) => {
      const { villageId } = c.req.valid('param');
      return reply(c, await listVotes(c.get('deps'), viewer(c, villageId), new Date()));
    })
    .openapi(r.createVote, async (c) => {
      const { villageId } = c.req.valid('param');
      return reply(
        c,
        await createVote(
          c.get('deps'),
          viewer(c, villageId),
          c.req.valid('json'),
          c.get('requestId'),
          new Date(),
        ),
        201,
      );
    })
    .openapi(r.openVote, async (c) => {
      const { villageId, voteId } = c.req.valid('param');
      return reply(c, await openVoteView(c.get('deps'), viewer(c, villageId), voteId, new Date()));
    })
    .openapi(r.cast, async (c) => {
      const { villageId, voteId } = c.req.valid('param');
      const out = await castBallot(
        c.get('deps'),
        viewer(c, villageId),
        voteId,
        c.req.valid('json').option,
        new Date(),
      );
      if (!out.ok) return reply(c, out);
      const { replay, ...receipt } = out.value;
      if (replay) c.header('Idempotent-Replay', 'true');
      return reply(c, Ok(receipt), replay ? 200 : 201);
    })
    .openapi(r.ballots, async (c) => {
      const { villageId, voteId } = c.req.valid('param');
      return reply(c, await ballotList(c.get('deps'), viewer(c, villageId), voteId, new Date()));
    })
    .openapi(r.receipt, async (c) => {
      const { villageId, voteId, receipt } = c.req.valid('param');
      return reply(c, await checkReceipt(c.get('deps'), viewer(c, villageId), voteId, receipt));
    })
    .openapi(r.electors, async (c) => {
      const { villageId, voteId } = c.req.valid('param');
      return reply(c, await listElectors(c.get('deps'), viewer(c, villageId), voteId));
    })
    .openapi(r.paperList, async (c) => {
      const { villageId, voteId } = c.req.valid('param');
      return reply(c, await listPaperBallots(c.get('deps'), viewer(c, villageId), voteId));
    })
    .openapi(r.paperEnter, async (c) => {
      const { villageId, voteId } = c.req.valid('param');
      return reply(
        c,
        await enterPaperBallot(
          c.get('deps'),
          viewer(c, villageId),
          voteId,
          c.req.valid('json'),
          c.get('requestId'),
          new Date(),
        ),
        201,
      );
    })
    .openapi(r.cosign, async (c) => {
      const { villageId, voteId, ballotId } = c.req.valid('param');
      return reply(
        c,
        await cosignPaperBallot(
          c.get('deps'),
          viewer(c, villageId),
          voteId,
          ballotId,
          c.req.valid('json').approve,
          c.get('requestId'),
          new Date(),
        ),
      );
    })
    .openapi(cronRoute('get'), (c) => cron(c))
    .openapi(cronRoute('post'), (c) => cron(c));
}

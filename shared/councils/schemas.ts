/** The councils contract: request and response schemas the API validates with and the mini-program types from. */
import { z } from 'zod';
import { STAGE_ATTACHMENTS_MAX } from '../media/rules';
import { ZId, ZIsoTime } from '../schemas/common';
import { MEETING_TYPES, PETITION_KINDS } from './quorum';
import { PROPOSAL_STATUSES, RATINGS, STAGES } from './stages';

const ZText = (max: number) => z.string().trim().min(1, '请填写内容').max(max, `最多 ${max} 个字`);
const ZDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 2026-01-31');

export const ZCreateProposalSchema = z.strictObject({ title: ZText(60), text: ZText(2000) });
export type TCreateProposal = z.infer<typeof ZCreateProposalSchema>;

export const ZRecordStageSchema = z.strictObject({
  stage: z.enum(STAGES),
  heldOn: ZDate,
  participants: z.array(ZText(40)).max(200).default([]),
  attendance: z.number().int().min(0).max(100_000).optional(),
  minutes: z.string().trim().max(5000).default(''),
  /**
   * Photos and files of this stage (meeting photos, minutes as PDF/Word/Excel), uploaded by the
   * recorder with purpose stage_attachment; each is attached to this record only.
   */
  attachmentIds: z
    .array(ZId)
    .max(STAGE_ATTACHMENTS_MAX, `最多 ${STAGE_ATTACHMENTS_MAX} 个照片或文件`)
    .default([]),
  outcome: z.enum(['passed', 'rejected']).default('passed'),
  outcomeNote: z.string().trim().max(500).optional(),
  /** The closed vote that carried this stage: its published outcome decides. */
  voteId: ZId.optional(),
});
export type TRecordStage = z.infer<typeof ZRecordStageSchema>;

export const ZStageAttachment = z.object({
  id: ZId,
  /** photo: shown as a thumbnail; file: a document opened by tapping. */
  kind: z.enum(['photo', 'file']),
  mime: z.string(),
  /** The document's own name (photos: null). */
  name: z.string().nullable(),
  size: z.number().int(),
  /** GET with the Authorization header (/api/media/{id}). */
  url: z.string(),
});
export type TStageAttachment = z.infer<typeof ZStageAttachment>;

export const ZStageRecord = z.object({
  stage: z.enum(STAGES),
  heldOn: z.string(),
  participants: z.array(z.string()),
  attendance: z.number().nullable(),
  minutes: z.string(),
  attachments: z.array(ZStageAttachment),
  outcome: z.enum(['passed', 'rejected']),
  outcomeNote: z.string().nullable(),
  voteId: z.string().nullable(),
  publishedAt: z.string().nullable(),
  recordedAt: z.string(),
});

export const ZProposalSummary = z.object({
  id: ZId,
  title: z.string(),
  source: z.enum(['cadre', 'matter', 'petition']),
  status: z.enum(PROPOSAL_STATUSES),
  doneStages: z.number().int(),
  nextStage: z.enum(STAGES).nullable(),
  createdAt: z.string(),
  /** A petition whose text waits for the content check: only its author and the moderators see it. */
  pendingCheck: z.boolean(),
});
export const ZProposalList = z.object({ items: z.array(ZProposalSummary) });

export const ZComment = z.object({
  id: ZId,
  kind: z.enum(['comment', 'question', 'answer']),
  answersId: z.string().nullable(),
  authorName: z.string(),
  mine: z.boolean(),
  text: z.string(),
  /** Hidden by a moderator: others do not see it; its author sees the reason. */
  hidden: z.boolean(),
  hiddenReason: z.string().nullable(),
  /** Waiting for the content check (only its author sees it meanwhile). */
  pendingCheck: z.boolean(),
  createdAt: z.string(),
});

export const ZPetitionView = z.object({
  id: ZId,
  kind: z.enum(PETITION_KINDS),
  label: z.string(),
  backers: z.number().int(),
  base: z.number().int(),
  required: z.number().int(),
  reached: z.boolean(),
  backedByMe: z.boolean(),
  canBack: z.boolean(),
  deadlineAt: z.string().nullable(),
  convenedAt: z.string().nullable(),
  escalatedAt: z.string().nullable(),
});

export const ZProposalDetail = ZProposalSummary.extend({
  text: z.string(),
  matterId: z.string().nullable(),
  stages: z.array(ZStageRecord),
  /** May the caller record the next stage (the role that owns it). */
  canRecordNext: z.boolean(),
  comments: z.array(ZComment),
  petition: ZPetitionView.nullable(),
  votes: z.array(
    z.object({ id: ZId, question: z.string(), status: z.enum(['scheduled', 'open', 'closed']) }),
  ),
  ratings: z.object({
    satisfied: z.number(),
    basic: z.number(),
    unsatisfied: z.number(),
    mine: z.enum(RATINGS).nullable(),
  }),
  canRate: z.boolean(),
});
export type TProposalDetail = z.infer<typeof ZProposalDetail>;

export const ZRateSchema = z.strictObject({
  rating: z.enum(RATINGS),
  comment: z.string().trim().max(500).optional(),
});
export const ZCommentSchema = z.strictObject({
  kind: z.enum(['comment', 'question', 'answer']).default('comment'),
  answersId: ZId.optional(),
  text: ZText(1000),
});
export const ZHideCommentSchema = z.strictObject({ reason: ZText(200) });
export const ZReportCommentSchema = z.strictObject({ reason: ZText(200) });

/** A comment with open reports, as the moderators (cadres, supervisors) review it. */
export const ZReportedComment = z.object({
  commentId: ZId,
  proposalId: ZId,
  proposalTitle: z.string(),
  kind: z.enum(['comment', 'question', 'answer']),
  text: z.string(),
  /** Masked (王**): the decision is about what was said. */
  authorName: z.string(),
  /** The moderator's own comment: someone else decides it. */
  mine: z.boolean(),
  /** Still waiting for the content check. */
  pendingCheck: z.boolean(),
  createdAt: z.string(),
  /** Open reports (not yet settled by hiding or keeping). */
  reports: z.number().int(),
  reasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  firstReportedAt: z.string(),
});
export type TReportedComment = z.infer<typeof ZReportedComment>;
export const ZReportedCommentList = z.object({ items: z.array(ZReportedComment) });
export const ZCommentModerated = z.object({
  id: ZId,
  hidden: z.boolean(),
  /** Open reports this decision settled. */
  settled: z.number().int(),
});
export const ZCreatePetitionSchema = z.strictObject({
  kind: z.enum(PETITION_KINDS),
  title: ZText(60),
  text: ZText(2000),
});
export const ZPetitionStarted = z.object({
  proposalId: ZId,
  /** False while the text waits for the content check: others can see and back it once it passes. */
  visible: z.boolean(),
  petition: ZPetitionView,
});
export type TPetitionStarted = z.infer<typeof ZPetitionStarted>;

export const ZCreateMeetingSchema = z.strictObject({
  type: z.enum(MEETING_TYPES),
  title: ZText(60),
  heldAt: ZIsoTime,
  place: z.string().trim().max(100).optional(),
  proposalId: ZId.optional(),
});
export const ZMeeting = z.object({
  id: ZId,
  type: z.enum(MEETING_TYPES),
  title: z.string(),
  heldAt: z.string(),
  place: z.string().nullable(),
  proposalId: z.string().nullable(),
});

/** Limits of a custom single-choice vote (the cadre writes the choices). */
export const VOTE_OPTIONS_MIN = 2;
export const VOTE_OPTIONS_MAX = 10;
export const VOTE_OPTION_LABEL_MAX = 30;

export const ZOption = z.object({
  key: z.string().regex(/^[a-z0-9_]{1,20}$/, '选项编号只能用小写字母、数字和下划线'),
  label: z
    .string()
    .trim()
    .min(1, '选项不能是空的')
    .max(VOTE_OPTION_LABEL_MAX, `每个选项最多 ${VOTE_OPTION_LABEL_MAX} 个字`),
});
/** Two labels that read the same (spaces and letter case aside) are the same choice. */
export const optionLabelKey = (label: string) => label.replace(/\s+/g, '').toLowerCase();

export const ZCreateVoteSchema = z
  .strictObject({
    meetingId: ZId,
    question: ZText(200),
    kind: z.enum(['yes_no', 'single']),
    /** Custom single choice only (2–10 distinct choices); yes_no votes get 同意/反对/弃权. */
    options: z
      .array(ZOption)
      .min(VOTE_OPTIONS_MIN, `至少要有 ${VOTE_OPTIONS_MIN} 个选项`)
      .max(VOTE_OPTIONS_MAX, `最多 ${VOTE_OPTIONS_MAX} 个选项`)
      .optional(),
    ballotMode: z.enum(['open', 'secret']),
    liveTally: z.boolean().default(true),
    opensAt: ZIsoTime,
    closesAt: ZIsoTime,
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'yes_no') {
      if (v.options) {
        ctx.addIssue({
          code: 'custom',
          message: '“同意/反对/弃权”的投票不用填写选项',
          path: ['options'],
        });
      }
      return;
    }
    if (!v.options) {
      ctx.addIssue({ code: 'custom', message: '请填写选项', path: ['options'] });
      return;
    }
    if (new Set(v.options.map((o) => o.key)).size !== v.options.length) {
      ctx.addIssue({ code: 'custom', message: '选项编号不能重复', path: ['options'] });
    }
    if (new Set(v.options.map((o) => optionLabelKey(o.label))).size !== v.options.length) {
      ctx.addIssue({ code: 'custom', message: '选项不能重复', path: ['options'] });
    }
  })
  .refine((v) => Date.parse(v.closesAt) > Date.parse(v.opensAt), {
    message: '结束时间要晚于开始时间',
    path: ['closesAt'],
  });
export type TCreateVote = z.infer<typeof ZCreateVoteSchema>;

export const ZTally = z.object({
  counts: z.record(z.string(), z.number().int()),
  participants: z.number().int(),
  /** 'redis' while open (live), 'database' when Redis is unavailable or the vote is closed. */
  source: z.enum(['redis', 'database']),
});

export const ZResult = z.object({
  counts: z.record(z.string(), z.number().int()),
  electors: z.number().int(),
  households: z.number().int(),
  householdsTakingPart: z.number().int(),
  participants: z.number().int(),
  quorumMet: z.boolean(),
  quorumRequired: z.number().int().nullable(),
  majorityRequired: z.number().int(),
  winner: z.string().nullable(),
  outcome: z.string(),
  outcomeLabel: z.string(),
  online: z.number().int(),
  paper: z.number().int(),
  uncosignedPaper: z.number().int(),
  chainHead: z.string(),
  closedAt: z.string(),
  basis: z.string(),
});
export type TResult = z.infer<typeof ZResult>;

export const ZVoteView = z.object({
  id: ZId,
  meetingId: ZId,
  meetingType: z.enum(MEETING_TYPES),
  meetingTitle: z.string(),
  proposalId: z.string().nullable(),
  question: z.string(),
  kind: z.enum(['yes_no', 'single']),
  options: z.array(z.object({ key: z.string(), label: z.string() })),
  ballotMode: z.enum(['open', 'secret']),
  liveTally: z.boolean(),
  opensAt: z.string(),
  closesAt: z.string(),
  status: z.enum(['scheduled', 'open', 'closed']),
  electors: z.number().int().nullable(),
  /** Is the caller on the frozen electorate (null before opening). */
  eligible: z.boolean().nullable(),
  myBallot: z.object({ receipt: z.string(), option: z.string(), castAt: z.string() }).nullable(),
  tally: ZTally.nullable(),
  result: ZResult.nullable(),
});
export type TVoteView = z.infer<typeof ZVoteView>;
export const ZVoteList = z.object({ items: z.array(ZVoteView.omit({ tally: true })) });

export const ZCastSchema = z.strictObject({ option: z.string().min(1).max(20) });
export const ZReceipt = z.object({
  voteId: ZId,
  receipt: z.string(),
  option: z.string(),
  castAt: z.string(),
});
export type TReceipt = z.infer<typeof ZReceipt>;

export const ZReceiptCheck = z.object({
  included: z.boolean(),
  /** Counted (in the tally) or waiting for a supervisor's co-signature (paper). */
  status: z.enum(['counted', 'pending_cosign']).nullable(),
  option: z.string().nullable(),
  seq: z.number().int().nullable(),
  chainHash: z.string().nullable(),
});
export type TReceiptCheck = z.infer<typeof ZReceiptCheck>;

export const ZPaperBallotSchema = z.strictObject({ electorId: ZId, option: z.string().min(1).max(20) });
export const ZCosignSchema = z.strictObject({ approve: z.boolean() });
export const ZPaperBallot = z.object({
  id: z.number().int(),
  electorId: ZId,
  name: z.string(),
  option: z.string(),
  status: z.enum(['counted', 'pending_cosign']),
  enteredBy: z.string().nullable(),
  cosignedBy: z.string().nullable(),
  receipt: z.string(),
});
export const ZElectorList = z.object({
  items: z.array(z.object({ id: ZId, name: z.string(), online: z.boolean(), voted: z.boolean() })),
});

/** The downloadable ballot list: enough to recompute the tally and the chain (npm run verify:ballots). */
export const ZBallotList = z.object({
  format: z.literal('cmcy-ballots-v1'),
  voteId: ZId,
  question: z.string(),
  ballotMode: z.enum(['open', 'secret']),
  options: z.array(z.object({ key: z.string(), label: z.string() })),
  ballots: z.array(
    z.object({
      seq: z.number().int(),
      receipt: z.string(),
      option: z.string(),
      /** Open ballots only. */
      name: z.string().nullable(),
      source: z.enum(['online', 'paper']),
      hash: z.string(),
    }),
  ),
  result: ZResult,
});
export type TBallotList = z.infer<typeof ZBallotList>;

export const ZCouncilCronResult = z.object({
  opened: z.number().int(),
  closingNotified: z.number().int(),
  closed: z.number().int(),
  petitionsEscalated: z.number().int(),
});

/**
 * The disclosures contract: what cadres send to draft, correct and submit a disclosure, what
 * supervisors send to review it, what villagers send to question a line, and what the board
 * answers. Messages are Chinese, for the person filling the form.
 */
import { z } from 'zod';
import { ZId } from '../schemas/common';
import { DISCLOSURE_ACTIONS, DISCLOSURE_KINDS, DRAFTABLE_KINDS, VERSION_STATUSES } from './kinds';
import { PERIOD_RE } from './periods';

const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const ZDate = z.string({ error: '请填日期' }).regex(DATE_RE, '日期格式是 2026-11-05');
export const ZPeriod = z.string({ error: '请选择期间' }).regex(PERIOD_RE, '期间格式是 2026-11 或 2026-Q4');

const fen = (label: string) =>
  z
    .number({ error: `${label}要填数字（单位：分）` })
    .int(`${label}要填整数（单位：分），不能有小数`)
    .min(0, `${label}不能是负数`)
    .max(1e12, `${label}太大了`);

export const ZLedgerEntry = z
  .strictObject({
    date: ZDate,
    category: z.string().trim().min(1, '请填科目').max(20, '科目不超过20个字'),
    item: z.string().trim().min(1, '请填摘要').max(100, '摘要不超过100个字'),
    incomeFen: fen('收入'),
    expenseFen: fen('支出'),
    counterpart: z.string().trim().max(50, '对方单位不超过50个字').default(''),
    /** Voucher photos: media ids uploaded with purpose ledger_voucher (by a cadre of the village). */
    voucherIds: z
      .array(ZId, { error: '凭证照片不对，请重新上传' })
      .max(9, '每一笔凭证照片最多9张')
      .default([]),
  })
  .refine((e) => e.incomeFen > 0 !== e.expenseFen > 0, {
    message: '每一笔要么是收入，要么是支出，只填一边',
    path: ['incomeFen'],
  });
export type TLedgerEntry = z.infer<typeof ZLedgerEntry>;

const balance = (label: string) =>
  z
    .number({ error: `${label}要填数字（单位：分）` })
    .int(`${label}要填整数（单位：分），不能有小数`)
    .min(-1e12)
    .max(1e12);

export const ZLedgerInput = z.strictObject({
  openingFen: balance('期初余额'),
  declaredClosingFen: balance('期末余额'),
  entries: z.array(ZLedgerEntry).max(500, '一期最多500笔'),
});
export type TLedgerInput = z.infer<typeof ZLedgerInput>;

export const ZSectionLine = z.strictObject({
  heading: z.string().trim().min(1, '请填小标题').max(50, '小标题不超过50个字'),
  text: z.string().trim().min(1, '请填内容').max(2000, '内容不超过2000个字'),
});

const content = {
  title: z.string({ error: '请填标题' }).trim().min(2, '标题至少2个字').max(80, '标题不超过80个字'),
  body: z.string().trim().max(5000, '正文不超过5000个字').default(''),
  ledger: ZLedgerInput.optional(),
  sections: z.array(ZSectionLine).max(100).optional(),
};

export const ZCreateDisclosure = z
  .strictObject({
    kind: z.enum(DRAFTABLE_KINDS, { error: '请选择公开类别' }),
    period: ZPeriod.optional(),
    ...content,
  })
  .superRefine((v, ctx) => {
    if (v.kind !== 'major' && !v.period)
      ctx.addIssue({ code: 'custom', path: ['period'], message: '请选择期间' });
    if (v.kind === 'finance' && !v.ledger)
      ctx.addIssue({ code: 'custom', path: ['ledger'], message: '财务公开要录入账目' });
    if (v.kind !== 'finance' && v.ledger)
      ctx.addIssue({ code: 'custom', path: ['ledger'], message: '只有财务公开有账目' });
  });
export type TCreateDisclosure = z.infer<typeof ZCreateDisclosure>;

export const ZUpdateDraft = z.strictObject(content);
export type TUpdateDraft = z.infer<typeof ZUpdateDraft>;

export const ZCorrection = z.strictObject({
  ...content,
  reason: z.string({ error: '请写明更正原因' }).trim().min(2, '请写明更正原因').max(500, '原因不超过500个字'),
});
export type TCorrection = z.infer<typeof ZCorrection>;

export const ZReview = z
  .strictObject({
    decision: z.enum(['approve', 'return'], { error: '请选择同意或退回' }),
    comment: z.string().trim().max(1000, '意见不超过1000个字').default(''),
  })
  .refine((r) => r.decision === 'approve' || r.comment.length >= 2, {
    message: '退回时请写明要改什么',
    path: ['comment'],
  });
export type TReview = z.infer<typeof ZReview>;

export const ZQuestion = z.strictObject({
  versionNo: z.number().int().min(1),
  lineNo: z.number({ error: '请选择要质询的那一行' }).int().min(1),
  text: z.string({ error: '请写下您的疑问' }).trim().min(2, '请写下您的疑问').max(500, '不超过500个字'),
});
export type TQuestion = z.infer<typeof ZQuestion>;

const ZCycle = z.enum(['month', 'quarter'], { error: '请选择按月或按季度' });
export const ZSchedule = z.strictObject({
  finance: ZCycle,
  affairs: ZCycle,
  party: ZCycle,
});
export type TSchedule = z.infer<typeof ZSchedule>;

export const ZPowerStep = z.strictObject({
  title: z.string().trim().min(1, '请填步骤').max(60, '步骤不超过60个字'),
  actor: z.string().trim().min(1, '请填谁来办').max(40, '不超过40个字'),
  limitDays: z.number().int('时限填整数天').min(0).max(365).nullable(),
});
export const ZPowerItemInput = z.strictObject({
  group: z.enum(['collective', 'service'], { error: '请选择类别' }),
  title: z.string().trim().min(2, '请填名称').max(60, '名称不超过60个字'),
  legalBasis: z.string().trim().min(2, '请填依据').max(300, '依据不超过300个字'),
  responsible: z.string().trim().min(2, '请填责任人').max(60, '不超过60个字'),
  steps: z.array(ZPowerStep).min(1, '至少一个步骤').max(15, '最多15个步骤'),
  materials: z.array(z.string().trim().min(1).max(60)).max(20).default([]),
});
export type TPowerItemInput = z.infer<typeof ZPowerItemInput>;

// ─── Responses ──────────────────────────────────────────────────────────────────────────────

const ZLedgerOut = z.object({
  openingFen: z.number().int(),
  declaredClosingFen: z.number().int(),
  entries: z.array(
    z.object({
      date: z.string(),
      category: z.string(),
      item: z.string(),
      incomeFen: z.number().int(),
      expenseFen: z.number().int(),
      counterpart: z.string(),
      voucherIds: z.array(z.string()).optional(),
      /** Published versions only: each voucher photo and the sha256 the chain commits to. */
      vouchers: z.array(z.object({ id: z.string(), sha256: z.string() })).optional(),
    }),
  ),
});
const ZTotals = z.object({
  incomeFen: z.number().int(),
  expenseFen: z.number().int(),
  closingFen: z.number().int(),
});

export const ZPowerItemSchema = ZPowerItemInput.extend({
  id: ZId,
  key: z.string().nullable(),
  sortOrder: z.number(),
});
export const ZPowerListSchema = z.object({ items: z.array(ZPowerItemSchema), adopted: z.boolean() });

export const ZBoardItem = z.object({
  id: ZId,
  kind: z.enum(DISCLOSURE_KINDS),
  kindLabel: z.string(),
  period: z.string().nullable(),
  periodLabel: z.string(),
  title: z.string(),
  versionNo: z.number().int(),
  versions: z.number().int(),
  publishedAt: z.string(),
  seq: z.number().int(),
  totals: ZTotals.nullable(),
  proposalId: z.string().nullable(),
});
export const ZBoardSchema = z.object({
  villageId: ZId,
  villageName: z.string(),
  head: z.object({ seq: z.number().int(), hash: z.string() }),
  items: z.array(ZBoardItem),
  reads: z.record(z.string(), z.number().int()),
  overdue: z.array(
    z.object({ kind: z.string(), period: z.string(), periodLabel: z.string(), due: z.string() }),
  ),
  generatedAt: z.string(),
});
export type TBoard = z.infer<typeof ZBoardSchema>;

export const ZLineQuestion = z.object({
  id: ZId,
  versionNo: z.number().int(),
  lineNo: z.number().int(),
  text: z.string(),
  state: z.string(),
  answer: z.string().nullable(),
  askedAt: z.string(),
});

export const ZPublishedVersion = z.object({
  id: ZId,
  versionNo: z.number().int(),
  seq: z.number().int(),
  title: z.string(),
  body: z.string(),
  reason: z.string().nullable(),
  ledger: ZLedgerOut.nullable(),
  totals: ZTotals.nullable(),
  sections: z.array(z.object({ heading: z.string(), text: z.string() })).nullable(),
  publishedAt: z.string(),
  cosignedBy: z.string(),
  prevHash: z.string(),
  hash: z.string(),
  /** The lines that differ from the previous version (empty for the first). */
  changes: z.array(z.object({ op: z.enum(['same', 'added', 'removed']), text: z.string() })),
});
export const ZDisclosureDetail = z.object({
  id: ZId,
  villageId: ZId,
  kind: z.enum(DISCLOSURE_KINDS),
  kindLabel: z.string(),
  period: z.string().nullable(),
  periodLabel: z.string(),
  proposalId: z.string().nullable(),
  current: z.number().int(),
  versions: z.array(ZPublishedVersion),
  questions: z.array(ZLineQuestion),
  readHouseholds: z.number().int(),
});
export type TDisclosureDetail = z.infer<typeof ZDisclosureDetail>;

export const ZDraftSchema = z.object({
  id: ZId,
  disclosureId: ZId,
  kind: z.enum(DISCLOSURE_KINDS),
  period: z.string().nullable(),
  periodLabel: z.string(),
  versionNo: z.number().int(),
  status: z.enum(VERSION_STATUSES),
  statusLabel: z.string(),
  title: z.string(),
  body: z.string(),
  reason: z.string().nullable(),
  ledger: ZLedgerOut.nullable(),
  totals: ZTotals.nullable(),
  sections: z.array(z.object({ heading: z.string(), text: z.string() })).nullable(),
  draftedBy: z.string(),
  reviews: z.array(
    z.object({
      decision: z.enum(['approve', 'return']),
      comment: z.string(),
      by: z.string(),
      at: z.string(),
    }),
  ),
  /** Reconciliation issues for a finance draft ([] when it reconciles). */
  issues: z.array(z.object({ code: z.string(), message: z.string() })),
  actions: z.array(z.enum(DISCLOSURE_ACTIONS)),
  updatedAt: z.string(),
});
export type TDraft = z.infer<typeof ZDraftSchema>;
export const ZDraftListSchema = z.object({ items: z.array(ZDraftSchema) });

export const ZVerifySchema = z.object({
  ok: z.boolean(),
  length: z.number().int(),
  head: z.string(),
  broken: z
    .object({
      seq: z.number().int(),
      disclosureId: z.string(),
      versionNo: z.number().int(),
      reason: z.string(),
      message: z.string(),
      expected: z.string(),
      actual: z.string(),
    })
    .optional(),
});
export const ZChainSchema = z.object({
  villageId: ZId,
  links: z.array(
    z.object({ content: z.record(z.string(), z.unknown()), prevHash: z.string(), hash: z.string() }),
  ),
});

/**
 * The town's view of late disclosures (GET /api/towns/{townId}/disclosures/overdue): every village
 * of the town, the ones with the most overdue periods first, each period with how many days
 * past its due date it is (Beijing calendar days).
 */
export const ZTownOverdueSchema = z.object({
  townId: ZId,
  townName: z.string(),
  today: z.string(),
  villages: z.array(
    z.object({
      villageId: ZId,
      villageName: z.string(),
      overdue: z.array(
        z.object({
          kind: z.enum(['finance', 'affairs', 'party']),
          kindLabel: z.string(),
          period: z.string(),
          periodLabel: z.string(),
          due: z.string(),
          daysLate: z.number().int(),
        }),
      ),
    }),
  ),
});
export type TTownOverdue = z.infer<typeof ZTownOverdueSchema>;

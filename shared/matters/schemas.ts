/**
 * The matters contract: what a villager (or a grid worker on their behalf) sends to raise a
 * matter, what a responder sends to take an action, and a village's time-limit overrides.
 * Messages are Chinese, for the person filling the form.
 */
import { z } from 'zod';
import { ZId, ZIsoTime } from '../schemas/common';
import { CATEGORY_KEY_RE, DEFAULT_CATEGORIES, MATTER_KINDS } from './kinds';
import { TIME_LIMIT_KEYS, TIME_LIMIT_MAX_HOURS, TIME_LIMIT_MIN_HOURS } from './time-limits';
import { MATTER_ACTIONS, MATTER_LEVELS, MATTER_STATES } from './workflow';

export const MATTER_TEXT_MAX = 2000;
export const MATTER_PHOTOS_MAX = 9;
export const MATTER_VOICE_MAX_S = 60;
export const ACTION_NOTE_MAX = 1000;

export const ZMatterKind = z.enum(MATTER_KINDS, { error: '请选择事项类型' });

export const ZMatterLocation = z.strictObject({
  lat: z.number({ error: '位置不对' }).min(-90, '位置不对').max(90, '位置不对'),
  lng: z.number({ error: '位置不对' }).min(-180, '位置不对').max(180, '位置不对'),
  address: z.string().trim().max(200, '地址不能超过200个字').optional(),
});

export const ZMatterVoice = z.strictObject({
  fileId: ZId,
  durationS: z
    .number({ error: '语音时长不对' })
    .positive('语音时长不对')
    .max(MATTER_VOICE_MAX_S, `语音不能超过${MATTER_VOICE_MAX_S}秒`),
});

/** How the villager agreed to a grid worker raising the matter for them (代办). */
export const CONSENT_METHODS = ['in_person', 'phone', 'written'] as const;
export const CONSENT_METHOD_LABELS: Record<(typeof CONSENT_METHODS)[number], string> = {
  in_person: '当面同意',
  phone: '电话同意',
  written: '书面签字',
};

export const ZOnBehalfOf = z.strictObject({
  villagerId: ZId,
  consent: z.strictObject({
    method: z.enum(CONSENT_METHODS, { error: '请选择村民同意的方式' }),
    at: ZIsoTime,
  }),
});

const raiseFields = {
  kind: ZMatterKind,
  category: z.string({ error: '请选择事项类别' }).regex(CATEGORY_KEY_RE, '请选择事项类别'),
  text: z.string().trim().max(MATTER_TEXT_MAX, `文字不能超过${MATTER_TEXT_MAX}个字`).default(''),
  photoIds: z.array(ZId).max(MATTER_PHOTOS_MAX, `照片最多${MATTER_PHOTOS_MAX}张`).default([]),
  voice: ZMatterVoice.optional(),
  location: ZMatterLocation.optional(),
  aboutCadre: z.boolean().default(false),
  /** Private by default: only the author and the responders see it. */
  visibility: z.enum(['public', 'private'], { error: '请选择是否公开' }).default('private'),
  onBehalfOf: ZOnBehalfOf.optional(),
};

type TRaiseDraft = {
  text: string;
  voice?: unknown;
  aboutCadre: boolean;
  visibility: 'public' | 'private';
};

function checkRaise(v: TRaiseDraft, ctx: z.RefinementCtx): void {
  if (!v.text && !v.voice) {
    ctx.addIssue({ code: 'custom', path: ['text'], message: '请写几句话，或者录一段语音' });
  }
  // Cadres of the village cannot read a matter about a cadre; a public one would reach them anyway.
  if (v.aboutCadre && v.visibility === 'public') {
    ctx.addIssue({ code: 'custom', path: ['visibility'], message: '反映村干部的事项不能公开' });
  }
}

/**
 * Raising a matter, with any category key. The API must still check the key against the
 * village's categories — or use `raiseMatterSchemaFor(keys)`, which does.
 */
export const ZRaiseMatterSchema = z.strictObject(raiseFields).superRefine(checkRaise);
export type TRaiseMatter = z.infer<typeof ZRaiseMatterSchema>;

/** The same schema with the category limited to one village's keys (an unknown one is refused). */
export function raiseMatterSchemaFor(
  categoryKeys: readonly string[] = DEFAULT_CATEGORIES.map((c) => c.key),
): typeof ZRaiseMatterSchema {
  const known = new Set(categoryKeys);
  return z
    .strictObject({
      ...raiseFields,
      category: raiseFields.category.refine((k) => known.has(k), '没有这个事项类别，请重新选择'),
    })
    .superRefine(checkRaise);
}

export const ZMatterAction = z.enum(MATTER_ACTIONS, { error: '没有这个操作' });

export const MEDIATION_OUTCOMES = ['agreed', 'partly_agreed', 'not_agreed', 'adjourned'] as const;
export type MediationOutcome = (typeof MEDIATION_OUTCOMES)[number];
export const MEDIATION_OUTCOME_LABELS: Record<MediationOutcome, string> = {
  agreed: '双方达成一致',
  partly_agreed: '部分达成一致',
  not_agreed: '没有达成一致',
  adjourned: '改日再调',
};

/** One mediation session (调解记录): when, where, who took part, what was said, how it ended. */
export const ZMediationSession = z.strictObject({
  heldOn: z.iso.date({ error: '请填写调解日期' }),
  place: z.string().trim().min(1, '请填写调解地点').max(100, '地点不能超过100个字'),
  participants: z
    .array(z.string().trim().min(1, '参加人姓名不能为空').max(50, '姓名太长'))
    .min(1, '请填写参加调解的人')
    .max(30, '参加人最多30位'),
  said: z
    .string()
    .trim()
    .min(1, '请简要记录调解经过')
    .max(ACTION_NOTE_MAX, `经过不能超过${ACTION_NOTE_MAX}个字`),
  outcome: z.enum(MEDIATION_OUTCOMES, { error: '请选择调解结果' }),
});
export type TMediationSession = z.infer<typeof ZMediationSession>;

/**
 * A responder's (or the author's) action on a matter. Whether a note is needed is the workflow's
 * call; `record_session` carries the session, `merge` the matter that carries on.
 */
export const ZTakeMatterActionSchema = z
  .strictObject({
    action: ZMatterAction,
    note: z.string().trim().max(ACTION_NOTE_MAX, `说明不能超过${ACTION_NOTE_MAX}个字`).optional(),
    photoIds: z.array(ZId).max(MATTER_PHOTOS_MAX, `照片最多${MATTER_PHOTOS_MAX}张`).optional(),
    session: ZMediationSession.optional(),
    mergeInto: ZId.optional(),
    /** decision_returned entered by a cadre (the council met on paper): was it adopted? */
    decisionOutcome: z.enum(['adopted', 'rejected'], { error: '请选择表决结果' }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.action === 'record_session' && !v.session) {
      ctx.addIssue({ code: 'custom', path: ['session'], message: '请填写调解记录' });
    }
    if (v.action === 'merge' && !v.mergeInto) {
      ctx.addIssue({ code: 'custom', path: ['mergeInto'], message: '请选择要合并到的事项' });
    }
    if (v.session && v.action !== 'record_session') {
      ctx.addIssue({ code: 'custom', path: ['session'], message: '只有记录调解时才填调解记录' });
    }
    if (v.action === 'decision_returned' && !v.decisionOutcome) {
      ctx.addIssue({ code: 'custom', path: ['decisionOutcome'], message: '请选择表决结果' });
    }
    if (v.decisionOutcome && v.action !== 'decision_returned') {
      ctx.addIssue({ code: 'custom', path: ['decisionOutcome'], message: '只有录入议事结果时才选表决结果' });
    }
    if (v.mergeInto && v.action !== 'merge') {
      ctx.addIssue({ code: 'custom', path: ['mergeInto'], message: '只有合并时才选事项' });
    }
  });
export type TTakeMatterAction = z.infer<typeof ZTakeMatterActionSchema>;

const ZLimitHours = z
  .number({ error: '时限要填小时数' })
  .int('时限要填整数小时')
  .min(TIME_LIMIT_MIN_HOURS, `时限不能少于${TIME_LIMIT_MIN_HOURS}小时`)
  .max(TIME_LIMIT_MAX_HOURS, `时限不能超过${TIME_LIMIT_MAX_HOURS / 24}天`);

/** A village's overrides of the default time limits, in hours; absent keys keep the default. */
export const ZMatterTimeLimitsOverride = z.strictObject(
  Object.fromEntries(TIME_LIMIT_KEYS.map((k) => [k, ZLimitHours.optional()])) as Record<
    (typeof TIME_LIMIT_KEYS)[number],
    z.ZodOptional<typeof ZLimitHours>
  >,
);
export type TMatterTimeLimitsOverride = z.infer<typeof ZMatterTimeLimitsOverride>;

// ---------------------------------------------------------------------------------------------
// Lists, duplicates, settings

export const INBOX_PAGE_MAX = 50;

const ZBoolParam = z
  .enum(['true', 'false'], { error: '只能是 true 或 false' })
  .transform((v) => v === 'true');
const ZCursor = z
  .string()
  .max(200, '翻页标记不对')
  .regex(/^[A-Za-z0-9_-]+$/, '翻页标记不对');
const ZPageLimit = z.coerce.number().int().min(1).max(INBOX_PAGE_MAX).default(20);

/** The responder's inbox (待办): open matters they hold, overdue first, with filters. */
export const ZMatterInboxQuery = z.strictObject({
  cursor: ZCursor.optional(),
  limit: ZPageLimit,
  state: z.enum(MATTER_STATES, { error: '没有这个状态' }).optional(),
  kind: ZMatterKind.optional(),
  category: z.string().regex(CATEGORY_KEY_RE, '没有这个类别').optional(),
  level: z.enum(MATTER_LEVELS, { error: '没有这个层级' }).optional(),
  overdue: ZBoolParam.optional(),
});
export type TMatterInboxQuery = z.infer<typeof ZMatterInboxQuery>;

/** 我的事项: the author's matters, newest first. */
export const ZMyMattersQuery = z.strictObject({ cursor: ZCursor.optional(), limit: ZPageLimit });

/** While a villager types: similar open public matters of the village in the same category. */
export const ZSimilarMattersQuery = z.strictObject({
  category: z.string({ error: '请选择事项类别' }).regex(CATEGORY_KEY_RE, '请选择事项类别'),
  text: z.string().trim().max(MATTER_TEXT_MAX, `文字不能超过${MATTER_TEXT_MAX}个字`),
});

export const ZVillageCategory = z.strictObject({
  key: z.string().regex(CATEGORY_KEY_RE, '类别代码只能用小写字母、数字和下划线'),
  label: z.string().trim().min(1, '请填写类别名称').max(12, '类别名称不能超过12个字'),
  /** Hidden: kept for old matters, not offered for new ones. */
  hidden: z.boolean().optional(),
});
export const ZVillageCategoriesSchema = z.strictObject({
  categories: z.array(ZVillageCategory).min(1, '至少要有一个类别').max(30, '类别最多30个'),
});

/** 值班表: one cadre per weekday (0 = 周日 … 6 = 周六); days left out have nobody on the roster. */
export const ZDutyRosterSchema = z.strictObject({
  days: z
    .array(
      z.strictObject({
        weekday: z.number({ error: '请选择星期几' }).int().min(0, '请选择星期几').max(6, '请选择星期几'),
        userId: ZId,
      }),
    )
    .max(7, '一周只有7天'),
});

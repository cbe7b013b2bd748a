/**
 * Time limits per state (DESIGN §2.1 "Escalation by the clock") and what the sweep does when one
 * runs out. Limits are whole hours, village-configurable; the defaults are the (accept
 * 24 h, handle 7 days, each mediation rung 15 days, follow-up within 3 days of resolution) plus
 * the ones every other open state needs so nothing waits forever.
 *
 * Beijing time has no daylight saving, so "7 days" is exactly 168 hours of wall-clock time.
 */
import { MATTER_LEVELS, type MatterAction, type MatterLevel, type MatterState } from './workflow';

export const TIME_LIMIT_KEYS = [
  'accept',
  'route',
  'handle',
  'mediate',
  'decide',
  'followUp',
  'rate',
  'appeal',
  'appealReview',
] as const;
export type TimeLimitKey = (typeof TIME_LIMIT_KEYS)[number];

/** Hours per limit. */
export type TMatterTimeLimits = Record<TimeLimitKey, number>;

export const DEFAULT_TIME_LIMITS: TMatterTimeLimits = {
  /** submitted: the holder accepts within 24 h. */
  accept: 24,
  /** accepted / reopened: routed to a track within 24 h. */
  route: 24,
  /** in_progress: handled within 7 days. */
  handle: 7 * 24,
  /** mediating: each rung 15 days (the clock restarts on the next rung). */
  mediate: 15 * 24,
  /** deciding: the councils' procedure has its own stage deadlines; this only reminds. */
  decide: 60 * 24,
  /** resolved: follow-up visit within 3 days. */
  followUp: 3 * 24,
  /** followed_up: the author rates within 7 days, or the matter closes unrated. */
  rate: 7 * 24,
  /** declined: the author may appeal within 15 days, then it closes. */
  appeal: 15 * 24,
  /** appealed: the town reviews within 15 days. */
  appealReview: 15 * 24,
};

/** Bounds a village override must respect: 1 hour to 90 days. */
export const TIME_LIMIT_MIN_HOURS = 1;
export const TIME_LIMIT_MAX_HOURS = 90 * 24;

export const TIME_LIMIT_LABELS: Record<TimeLimitKey, string> = {
  accept: '受理时限',
  route: '分派时限',
  handle: '办理时限',
  mediate: '每级调解时限',
  decide: '议事提醒时限',
  followUp: '回访时限',
  rate: '评价时限',
  appeal: '申诉期限',
  appealReview: '申诉复核时限',
};

/** The defaults with a village's overrides on top (validated by `ZMatterTimeLimitsOverride`). */
export function resolveTimeLimits(villageOverrides?: Partial<TMatterTimeLimits> | null): TMatterTimeLimits {
  const limits = { ...DEFAULT_TIME_LIMITS };
  for (const key of TIME_LIMIT_KEYS) {
    const v = villageOverrides?.[key];
    if (v !== undefined) limits[key] = v;
  }
  return limits;
}

/** Which limit runs in each state; null for terminal states. */
export const STATE_TIME_LIMIT: Record<MatterState, TimeLimitKey | null> = {
  submitted: 'accept',
  accepted: 'route',
  reopened: 'route',
  in_progress: 'handle',
  mediating: 'mediate',
  deciding: 'decide',
  resolved: 'followUp',
  followed_up: 'rate',
  declined: 'appeal',
  appealed: 'appealReview',
  closed: null,
  withdrawn: null,
  merged: null,
};

const HOUR_MS = 3_600_000;

/** When the state entered at `enteredAt` runs out; null when the state has no clock. */
export function deadlineFor(state: MatterState, enteredAt: Date, limits: TMatterTimeLimits): Date | null {
  const key = STATE_TIME_LIMIT[state];
  if (key === null) return null;
  return new Date(enteredAt.getTime() + limits[key] * HOUR_MS);
}

export function isOverdue(
  matter: { state: MatterState; enteredAt: Date },
  now: Date,
  limits: TMatterTimeLimits,
): boolean {
  const d = deadlineFor(matter.state, matter.enteredAt, limits);
  return d !== null && now.getTime() >= d.getTime();
}

/**
 * What the clock sweep does with an overdue matter:
 * - `escalate`: take `escalate` as `system`; the matter moves to `toLevel` (grid → village → town;
 *   an unaccepted matter goes to the village cadres).
 * - `close`: take `close` as `system` (no appeal or no rating came in time).
 * - `remind`: no transition; notify the holders at `notify` and show it overdue on the dashboard
 *   (already at the town, or a stage another party owns). The sweep must remind once per deadline.
 */
export type TOverdueStep =
  | { kind: 'escalate'; action: Extract<MatterAction, 'escalate'>; toLevel: MatterLevel }
  | { kind: 'close'; action: Extract<MatterAction, 'close'> }
  | { kind: 'remind'; notify: MatterLevel };

const OVERDUE_BY_STATE: Record<MatterState, 'escalate' | 'close' | MatterLevel | null> = {
  submitted: 'escalate',
  accepted: 'escalate',
  reopened: 'escalate',
  in_progress: 'escalate',
  mediating: 'escalate',
  /** The proposal's own stage deadlines escalate within councils; remind the village. */
  deciding: 'village',
  /** The grid worker owes the visit; remind the village cadres. */
  resolved: 'village',
  followed_up: 'close',
  declined: 'close',
  appealed: 'town',
  closed: null,
  withdrawn: null,
  merged: null,
};

export function overdueEscalation(matter: { state: MatterState; level: MatterLevel }): TOverdueStep | null {
  const rule = OVERDUE_BY_STATE[matter.state];
  if (rule === null) return null;
  if (rule === 'close') return { kind: 'close', action: 'close' };
  if (rule === 'escalate') {
    const up = MATTER_LEVELS[MATTER_LEVELS.indexOf(matter.level) + 1];
    return up ? { kind: 'escalate', action: 'escalate', toLevel: up } : { kind: 'remind', notify: 'town' };
  }
  return { kind: 'remind', notify: rule };
}

/** The sweep's timeline note: why it acted, in plain words. */
export function overdueNote(state: MatterState, limits: TMatterTimeLimits): string {
  const key = STATE_TIME_LIMIT[state];
  if (key === null) return '';
  const h = limits[key];
  const span = h % 24 === 0 ? `${h / 24}天` : `${h}小时`;
  return `超过${TIME_LIMIT_LABELS[key]}（${span}），系统自动处理`;
}

/**
 * The matter workflow (DESIGN §2.1) as data: states, actions, who may take which action in which
 * state, and where it leads. The API enforces it with `assertTransition`; the mini-program shows
 * exactly `availableActions`. Pure, no I/O, no zod (the mini-program bundles this file).
 *
 * Two things besides the state say who acts:
 * - `level` — who holds the matter now: the grid, the village or the town. Escalation (by a person
 *   or by the clock) moves it one level up; for a mediation the level is the rung of the ladder.
 * - `aboutCadre` — a matter about a cadre uses the variant in `ABOUT_CADRE_VARIANT`: whatever the
 *   table grants to cadres goes to the supervision committee and the town, and a holder of the
 *   cadre role may act only as the matter's author.
 */
import type { Role } from '../roles';
import { type MatterKind, type MatterTrack, kindAllowsTrack } from './kinds';

export const MATTER_STATES = [
  /** Raised; waiting for the holder (first responder, then village, then town) to accept. */
  'submitted',
  /** Accepted; waiting to be routed to a track. */
  'accepted',
  /** Handle track: being fixed. */
  'in_progress',
  /** Mediate track: on the rung named by `level` (grid → village mediation committee → town). */
  'mediating',
  /** Decide track: handed to the councils as a proposal; waiting for its outcome. */
  'deciding',
  /** Declined with a reason; the author may appeal to the town. */
  'declined',
  /** The author appealed a decline; the town upholds it or reopens the matter. */
  'appealed',
  /** Resolved; waiting for the follow-up visit (跟踪回访). */
  'resolved',
  /** Followed up; waiting for the author's rating (民评). */
  'followed_up',
  /** Rated 不满意 the first time; back with the holder to route again. */
  'reopened',
  /** Terminal: rated, decline upheld or not appealed, left unrated, or referred to court/arbitration. */
  'closed',
  /** Terminal: the author withdrew it. */
  'withdrawn',
  /** Terminal: merged into a duplicate, which carries on. */
  'merged',
] as const;
export type MatterState = (typeof MATTER_STATES)[number];

export const MATTER_LEVELS = ['grid', 'village', 'town'] as const;
export type MatterLevel = (typeof MATTER_LEVELS)[number];

export const MATTER_ACTIONS = [
  'accept',
  'route_handle',
  'route_mediate',
  'route_decide',
  'decline',
  'resolve',
  'record_session',
  'mediation_succeeded',
  'mediation_failed',
  'refer_out',
  'decision_returned',
  'escalate',
  'appeal',
  'uphold_decline',
  'reopen_by_town',
  'follow_up',
  'rate_satisfied',
  'rate_basically_satisfied',
  'rate_unsatisfied',
  'merge',
  'withdraw',
  'close',
] as const;
export type MatterAction = (typeof MATTER_ACTIONS)[number];

/**
 * Who may act: a role (held in the matter's village, or its town for `town_officer`) or a relation
 * to this matter. `system` is the clock sweep and the councils callback, never a person.
 */
export type ActorKey = Role | 'author' | 'first_responder' | 'assigned' | 'system';

/** How many times 不满意 reopens a matter before the next 不满意 sends it to the town. */
export const MAX_REOPENS = 1;

type LevelEffect = 'up' | MatterLevel;

export type TTransition = {
  readonly actors: readonly ActorKey[];
  readonly to: MatterState;
  readonly note: 'required' | 'optional';
  /** Where `level` goes; absent = unchanged. 'up' is not available at the top (town). */
  readonly level?: LevelEffect;
  /**
   * 'holder' (default): an actor key counts only if it holds the matter at its current level
   * (`HOLDERS`). 'any': the listed keys count at every level (follow-up is the grid's job even for
   * a matter the town resolved).
   */
  readonly gate?: 'holder' | 'any';
  /** A routing action: allowed only for kinds that may take this track (`KIND_TRACKS`). */
  readonly track?: MatterTrack;
  /** Only at these levels. */
  readonly onlyAt?: readonly MatterLevel[];
  /** Taking it adds one to `reopenCount`. */
  readonly reopens?: true;
  /** Used instead of `to`/`level` once `reopenCount >= MAX_REOPENS`. */
  readonly whenReopened?: { readonly to: MatterState; readonly level?: LevelEffect };
};

/** Actor keys that are free of the holder gate: they act as themselves, at any level. */
const UNGATED: readonly ActorKey[] = ['author', 'system'];

/** Who holds a matter at each level (before the about-cadre substitution). */
export const HOLDERS: Record<MatterLevel, readonly ActorKey[]> = {
  grid: ['first_responder', 'assigned', 'cadre'],
  village: ['assigned', 'cadre'],
  town: ['assigned', 'town_officer'],
};

/** The variant for a matter about a cadre (DESIGN §2.1, §5). */
export const ABOUT_CADRE_VARIANT = {
  /** Every grant to these keys goes to the listed keys instead. */
  substitute: {
    cadre: ['supervisor', 'town_officer'],
    first_responder: ['supervisor'],
  } as Partial<Record<ActorKey, readonly ActorKey[]>>,
  /** Holders of these roles may act only as the author. */
  barredRoles: ['cadre'] as readonly Role[],
  /** It skips the grid: the supervision committee (village level) receives it. */
  initialLevel: 'village' as MatterLevel,
};

export function initialLevel(aboutCadre: boolean): MatterLevel {
  return aboutCadre ? ABOUT_CADRE_VARIANT.initialLevel : 'grid';
}

const ESCALATORS: readonly ActorKey[] = ['system', 'first_responder', 'assigned', 'cadre'];
const ROUTERS: readonly ActorKey[] = ['first_responder', 'assigned', 'cadre', 'town_officer'];
/** The author may withdraw until the matter is resolved or handed to a village vote. */
const WITHDRAW: TTransition = { actors: ['author'], to: 'withdrawn', note: 'optional' };
const ESCALATE_SAME_STATE = (to: MatterState): TTransition => ({
  actors: ESCALATORS,
  to,
  note: 'required',
  level: 'up',
});
const MERGE: TTransition = { actors: ['cadre', 'town_officer'], to: 'merged', note: 'required' };

const ROUTING: Partial<Record<MatterAction, TTransition>> = {
  route_handle: { actors: ROUTERS, to: 'in_progress', note: 'optional', track: 'handle' },
  route_mediate: { actors: ROUTERS, to: 'mediating', note: 'optional', track: 'mediate' },
  route_decide: { actors: ['cadre'], to: 'deciding', note: 'optional', track: 'decide' },
  decline: { actors: ['cadre', 'town_officer'], to: 'declined', note: 'required', track: 'decline' },
};

/** The table. A (state, action) pair absent here is not allowed. Terminal states have no entries. */
export const WORKFLOW: Record<MatterState, Partial<Record<MatterAction, TTransition>>> = {
  submitted: {
    accept: { actors: ROUTERS, to: 'accepted', note: 'optional' },
    escalate: ESCALATE_SAME_STATE('submitted'),
    merge: MERGE,
    withdraw: WITHDRAW,
  },
  accepted: {
    ...ROUTING,
    escalate: ESCALATE_SAME_STATE('accepted'),
    merge: MERGE,
    withdraw: WITHDRAW,
  },
  reopened: {
    ...ROUTING,
    escalate: ESCALATE_SAME_STATE('reopened'),
    withdraw: WITHDRAW,
  },
  in_progress: {
    resolve: { actors: ROUTERS, to: 'resolved', note: 'required' },
    escalate: ESCALATE_SAME_STATE('in_progress'),
    withdraw: WITHDRAW,
  },
  mediating: {
    record_session: { actors: ROUTERS, to: 'mediating', note: 'required' },
    mediation_succeeded: { actors: ROUTERS, to: 'resolved', note: 'required' },
    /** A failed rung goes one rung up; at the town there is no rung left (see refer_out). */
    mediation_failed: { actors: ROUTERS, to: 'mediating', note: 'required', level: 'up' },
    /** Town mediation failed: the parties are told to go to court or arbitration (诉讼/仲裁). */
    refer_out: { actors: ROUTERS, to: 'closed', note: 'required', onlyAt: ['town'] },
    escalate: ESCALATE_SAME_STATE('mediating'),
    withdraw: WITHDRAW,
  },
  deciding: {
    /** The councils capability reports the proposal's outcome (as `system`), or a cadre enters it. */
    decision_returned: { actors: ['system', 'cadre'], to: 'resolved', note: 'required', gate: 'any' },
  },
  declined: {
    appeal: { actors: ['author'], to: 'appealed', note: 'required', level: 'town' },
    /** Nobody appealed in time. */
    close: { actors: ['system'], to: 'closed', note: 'optional' },
  },
  appealed: {
    uphold_decline: { actors: ['town_officer'], to: 'closed', note: 'required' },
    /** The town sends it back to the village to route again. */
    reopen_by_town: { actors: ['town_officer'], to: 'accepted', note: 'required', level: 'village' },
    withdraw: WITHDRAW,
  },
  resolved: {
    follow_up: {
      actors: ['first_responder', 'assigned', 'cadre'],
      to: 'followed_up',
      note: 'required',
      gate: 'any',
    },
  },
  followed_up: {
    rate_satisfied: { actors: ['author'], to: 'closed', note: 'optional' },
    rate_basically_satisfied: { actors: ['author'], to: 'closed', note: 'optional' },
    rate_unsatisfied: {
      actors: ['author'],
      to: 'reopened',
      note: 'required',
      reopens: true,
      whenReopened: { to: 'accepted', level: 'town' },
    },
    /** Nobody rated in time. */
    close: { actors: ['system'], to: 'closed', note: 'optional' },
  },
  closed: {},
  withdrawn: {},
  merged: {},
};

export function isTerminal(state: MatterState): boolean {
  return Object.keys(WORKFLOW[state]).length === 0;
}

export const MATTER_STATE_LABELS: Record<MatterState, string> = {
  submitted: '待受理',
  accepted: '已受理',
  in_progress: '办理中',
  mediating: '调解中',
  deciding: '村民议事中',
  declined: '不予受理',
  appealed: '申诉中',
  resolved: '已办结',
  followed_up: '已回访',
  reopened: '重新办理',
  closed: '已结束',
  withdrawn: '已撤回',
  merged: '已合并',
};

export const MATTER_LEVEL_LABELS: Record<MatterLevel, string> = {
  grid: '网格',
  village: '村',
  town: '镇（街道）',
};

// ---------------------------------------------------------------------------------------------
// Deciding who may act

/** The matter as the workflow sees it. */
export type TWorkflowMatter = {
  readonly state: MatterState;
  readonly level: MatterLevel;
  readonly kind: MatterKind;
  readonly aboutCadre: boolean;
  readonly reopenCount: number;
};

/**
 * The person (or the system) asking. `roles` must be the roles held in the matter's village —
 * plus `town_officer` only for the matter's own town; roles elsewhere must not be passed.
 */
export type TWorkflowActor = {
  readonly roles: readonly Role[];
  readonly isAuthor?: boolean;
  readonly isFirstResponder?: boolean;
  readonly isAssigned?: boolean;
  readonly isSystem?: boolean;
};

function substitute(keys: readonly ActorKey[], aboutCadre: boolean): readonly ActorKey[] {
  if (!aboutCadre) return keys;
  return keys.flatMap((k) => ABOUT_CADRE_VARIANT.substitute[k] ?? [k]);
}

/** The actor keys this actor holds on this matter, after the about-cadre variant. */
export function actorKeys(matter: Pick<TWorkflowMatter, 'aboutCadre'>, actor: TWorkflowActor): ActorKey[] {
  if (actor.isSystem) return ['system'];
  const barred = matter.aboutCadre && actor.roles.some((r) => ABOUT_CADRE_VARIANT.barredRoles.includes(r));
  const keys: ActorKey[] = [];
  if (actor.isAuthor) keys.push('author');
  if (barred) return keys;
  if (actor.isFirstResponder) keys.push('first_responder');
  if (actor.isAssigned) keys.push('assigned');
  keys.push(...actor.roles);
  return keys;
}

function nextLevel(level: MatterLevel, effect: LevelEffect | undefined): MatterLevel | null {
  if (effect === undefined) return level;
  if (effect !== 'up') return effect;
  const i = MATTER_LEVELS.indexOf(level);
  return MATTER_LEVELS[i + 1] ?? null;
}

/** Where the transition leads for this matter, or null when it cannot apply (no level above). */
function outcome(
  t: TTransition,
  matter: TWorkflowMatter,
): { to: MatterState; level: MatterLevel; reopenCount: number } | null {
  const useReopened = t.whenReopened !== undefined && matter.reopenCount >= MAX_REOPENS;
  const to = useReopened ? t.whenReopened!.to : t.to;
  const level = nextLevel(matter.level, useReopened ? t.whenReopened!.level : t.level);
  if (level === null) return null;
  const reopenCount = t.reopens && !useReopened ? matter.reopenCount + 1 : matter.reopenCount;
  return { to, level, reopenCount };
}

/** Does the state, level and kind admit this action at all (whoever asks)? */
function applies(t: TTransition, matter: TWorkflowMatter): boolean {
  if (t.track && !kindAllowsTrack(matter.kind, t.track)) return false;
  if (t.onlyAt && !t.onlyAt.includes(matter.level)) return false;
  return outcome(t, matter) !== null;
}

function permits(t: TTransition, matter: TWorkflowMatter, keys: readonly ActorKey[]): boolean {
  const granted = substitute(t.actors, matter.aboutCadre);
  const holders = t.gate === 'any' ? granted : substitute(HOLDERS[matter.level], matter.aboutCadre);
  return keys.some((k) => granted.includes(k) && (UNGATED.includes(k) || holders.includes(k)));
}

/** The actions this actor may take on this matter now, in table order. */
export function availableActions(matter: TWorkflowMatter, actor: TWorkflowActor): MatterAction[] {
  const keys = actorKeys(matter, actor);
  const row = WORKFLOW[matter.state];
  return MATTER_ACTIONS.filter((a) => {
    const t = row[a];
    return t !== undefined && applies(t, matter) && permits(t, matter, keys);
  });
}

/**
 * Why a transition was refused. Stable values; suggested HTTP mapping for the API:
 * - `TRANSITION_NOT_ALLOWED` — the action does not exist in this state, level or kind → 409 CONFLICT
 *   (the matter moved on; the client should refresh).
 * - `ACTOR_NOT_ALLOWED` — the action exists but this person may not take it → 403 FORBIDDEN.
 * - `NOTE_REQUIRED` — the action needs a note (a reason, the session's outcome…) → 400.
 */
export const TRANSITION_ERROR_CODES = [
  'TRANSITION_NOT_ALLOWED',
  'ACTOR_NOT_ALLOWED',
  'NOTE_REQUIRED',
] as const;
export type TransitionErrorCode = (typeof TRANSITION_ERROR_CODES)[number];

export type TTransitionResult =
  | {
      ok: true;
      from: MatterState;
      to: MatterState;
      level: MatterLevel;
      reopenCount: number;
      /** The state or level changed: the API sets `enteredAt = now`, so the new time limit starts. */
      restartsClock: boolean;
    }
  | { ok: false; code: TransitionErrorCode };

/** Check one transition and say where it leads. The API calls this before writing anything. */
export function assertTransition(
  matter: TWorkflowMatter,
  actor: TWorkflowActor,
  action: MatterAction,
  note?: string | null,
): TTransitionResult {
  const t = WORKFLOW[matter.state][action];
  if (!t || !applies(t, matter)) return { ok: false, code: 'TRANSITION_NOT_ALLOWED' };
  if (!permits(t, matter, actorKeys(matter, actor))) return { ok: false, code: 'ACTOR_NOT_ALLOWED' };
  if (t.note === 'required' && !note?.trim()) return { ok: false, code: 'NOTE_REQUIRED' };
  const o = outcome(t, matter)!;
  return {
    ok: true,
    from: matter.state,
    ...o,
    restartsClock: o.to !== matter.state || o.level !== matter.level,
  };
}

/** Whether the action needs a note, for the mini-program's forms. */
export function noteRequired(state: MatterState, action: MatterAction): boolean {
  return WORKFLOW[state][action]?.note === 'required';
}

// ---------------------------------------------------------------------------------------------
// Plain words for the villager's timeline

/** The holder at each level, in words; a matter about a cadre goes to the supervision committee. */
function holderWords(level: MatterLevel, aboutCadre: boolean): string {
  if (level === 'grid') return '网格员';
  if (level === 'village') return aboutCadre ? '村务监督委员会' : '村两委';
  return '镇（街道）';
}

const MEDIATOR_WORDS: Record<MatterLevel, string> = {
  grid: '网格调解员',
  village: '村调解委员会',
  town: '镇（街道）调解委员会',
};

/**
 * The timeline line for an action, in plain Chinese. `level` is the matter's level after the
 * action (the rung for mediation, who received it for an escalation).
 */
export function timelineLabel(
  action: MatterAction,
  ctx: { level?: MatterLevel; aboutCadre?: boolean } = {},
): string {
  const level = ctx.level ?? 'grid';
  const who = holderWords(level, ctx.aboutCadre ?? false);
  switch (action) {
    case 'accept':
      return `${who}已受理`;
    case 'route_handle':
      return '已安排专人办理';
    case 'route_mediate':
      return `已转${MEDIATOR_WORDS[level]}调解`;
    case 'route_decide':
      return '已提交村民议事，等待表决结果';
    case 'decline':
      return '不予受理（原因见说明）';
    case 'resolve':
      return '已办结';
    case 'record_session':
      return '已进行一次调解';
    case 'mediation_succeeded':
      return '调解成功';
    case 'mediation_failed':
      return `调解未成，已转${MEDIATOR_WORDS[level]}调解`;
    case 'refer_out':
      return '调解未成，已告知通过诉讼或仲裁解决';
    case 'decision_returned':
      return '村民议事已有结果';
    case 'escalate':
      return `已转${who}处理`;
    case 'appeal':
      return '您已向镇（街道）申诉';
    case 'uphold_decline':
      return '镇（街道）维持不予受理';
    case 'reopen_by_town':
      return '镇（街道）要求村里重新办理';
    case 'follow_up':
      return '已回访';
    case 'rate_satisfied':
      return '您评价：满意';
    case 'rate_basically_satisfied':
      return '您评价：基本满意';
    case 'rate_unsatisfied':
      return '您评价：不满意';
    case 'merge':
      return '与相同的事项合并办理';
    case 'withdraw':
      return '您已撤回';
    case 'close':
      return '事项已结束';
  }
}

/** Button text for an action, for the responder's action sheet. */
export const MATTER_ACTION_LABELS: Record<MatterAction, string> = {
  accept: '受理',
  route_handle: '直接办理',
  route_mediate: '调解',
  route_decide: '提交村民议事',
  decline: '不予受理',
  resolve: '办结',
  record_session: '记录调解',
  mediation_succeeded: '调解成功',
  mediation_failed: '调解未成，上转',
  refer_out: '调解未成，告知诉讼仲裁',
  decision_returned: '录入议事结果',
  escalate: '上报',
  appeal: '申诉',
  uphold_decline: '维持不予受理',
  reopen_by_town: '退回重新办理',
  follow_up: '记录回访',
  rate_satisfied: '满意',
  rate_basically_satisfied: '基本满意',
  rate_unsatisfied: '不满意',
  merge: '合并',
  withdraw: '撤回',
  close: '结束',
};

/**
 * Writing one move of a matter — by a person (actOnMatter), by the clock (sweep.ts) or by the
 * councils' callback (decision.ts) — in the caller's transaction: the compare-and-set update
 * (state and level must still be what the caller saw), the clock columns, the timeline row, the
 * audit row and the notifications (author, followers, and the new holders on an escalation).
 *
 * Outcomes: applyMove → Ok {eventId}; TRANSITION_NOT_ALLOWED when the matter moved meanwhile.
 */
import { and, eq } from 'drizzle-orm';
import type { TMatterTimeLimits } from '../../shared/matters/time-limits';
import {
  type MatterAction,
  type MatterLevel,
  type MatterState,
  type TWorkflowMatter,
  timelineLabel,
} from '../../shared/matters/workflow';
import type { Tx } from '../_db/client';
import { matterEvents, matterFollowers, matters, memberships, villages } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { type Audience, type NotifyEvent, notify } from '../_notices/notify';
import { clockFor } from './settings';

export type MatterRow = typeof matters.$inferSelect;

export const MATTER_PAGE = '/subpackages/matters/detail/index';

export const workflowMatter = (m: MatterRow): TWorkflowMatter => ({
  state: m.state,
  level: m.level,
  kind: m.kind,
  aboutCadre: m.aboutCadre,
  reopenCount: m.reopenCount,
});

/**
 * Timeline rows that are not workflow actions: 'raise' (first row), 'overdue' (the clock flagged
 * it with no level left to escalate to, or reminded whoever owes the next step), 'merge_in' (a
 * duplicate was merged into this one).
 */
export function eventLabel(
  e: { action: string; toLevel: MatterLevel; toState?: MatterState | null },
  ctx: { aboutCadre: boolean; onBehalf: boolean },
): string {
  // An escalated mediation goes to the next rung's mediators, not to "the village" in general.
  if (e.action === 'escalate' && e.toState === 'mediating') {
    return timelineLabel('route_mediate', { level: e.toLevel, aboutCadre: ctx.aboutCadre });
  }
  switch (e.action) {
    case 'raise':
      return ctx.onBehalf ? '网格员已代您提交' : '已提交';
    case 'overdue':
      return '已超过办理时限，已提醒加快办理';
    case 'merge_in':
      return '有相同的事项合并到这里一起办理';
    default:
      return timelineLabel(e.action as MatterAction, { level: e.toLevel, aboutCadre: ctx.aboutCadre });
  }
}

/** Who holds a matter at a level: the grid's first responder, the village (supervisors for one about a cadre), or the town. */
export async function holderAudience(tx: Tx, m: MatterRow, level: MatterLevel): Promise<Audience | null> {
  if (level === 'grid') {
    return m.firstResponderUserId ? { type: 'users', userIds: [m.firstResponderUserId] } : null;
  }
  if (level === 'village') {
    return { type: 'role', villageId: m.villageId, role: m.aboutCadre ? 'supervisor' : 'cadre' };
  }
  const officers = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(villages, eq(villages.townId, memberships.townId))
    .where(and(eq(villages.id, m.villageId), eq(memberships.role, 'town_officer')));
  return { type: 'users', userIds: officers.map((o) => o.userId) };
}

export type MoveNotice = {
  villageId: string;
  matterId: string;
  audience: Audience;
  title: string;
  summary: string;
  status: string;
  exclude: string[];
};

/** The notification of a matter's move (kind matter_moved, opening the matter's page). */
export function moveEvent(e: MoveNotice): NotifyEvent {
  return {
    kind: 'matter_moved',
    villageId: e.villageId,
    audience: e.audience,
    title: e.title,
    summary: e.summary,
    objectType: 'matter',
    objectId: e.matterId,
    page: `${MATTER_PAGE}?villageId=${e.villageId}&id=${e.matterId}`,
    fields: { title: e.title, status: e.status, note: e.summary },
    exclude: e.exclude,
  };
}

export async function notifyMove(tx: Tx, e: MoveNotice) {
  await notify(tx, moveEvent(e));
}

export async function followerIds(tx: Tx, matterId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: matterFollowers.userId })
    .from(matterFollowers)
    .where(eq(matterFollowers.matterId, matterId));
  return rows.map((r) => r.userId);
}

export type Move = {
  /** The matter as the caller read it: the update only lands if state and level are unchanged. */
  matter: MatterRow;
  action: MatterAction;
  /** null: the system (clock sweep, councils callback). */
  actorUserId: string | null;
  to: MatterState;
  level: MatterLevel;
  reopenCount: number;
  restartsClock: boolean;
  note: string | null;
  now: Date;
  limits: TMatterTimeLimits;
  requestId: string;
  assignedUserId?: string | null;
  /** Extra columns (e.g. mergedIntoId). */
  set?: Partial<Pick<MatterRow, 'mergedIntoId'>>;
  /** Timeline wording to use for notifications instead of the action's label. */
  label?: string;
  auditDetails?: Record<string, unknown>;
};

export async function applyMove(tx: Tx, mv: Move): Promise<Outcome<{ eventId: string }>> {
  const m = mv.matter;
  const escalated = mv.level !== m.level;
  const assigned = mv.assignedUserId !== undefined ? mv.assignedUserId : escalated ? null : m.assignedUserId;
  const updated = await tx
    .update(matters)
    .set({
      state: mv.to,
      level: mv.level,
      reopenCount: mv.reopenCount,
      assignedUserId: assigned,
      ...(mv.restartsClock ? clockFor(mv.to, mv.now, mv.limits) : {}),
      ...mv.set,
    })
    .where(and(eq(matters.id, m.id), eq(matters.state, m.state), eq(matters.level, m.level)))
    .returning({ id: matters.id });
  if (updated.length === 0) return Err('TRANSITION_NOT_ALLOWED');
  const [event] = await tx
    .insert(matterEvents)
    .values({
      matterId: m.id,
      actorUserId: mv.actorUserId,
      action: mv.action,
      fromState: m.state,
      toState: mv.to,
      fromLevel: m.level,
      toLevel: mv.level,
      note: mv.note,
      createdAt: mv.now,
    })
    .returning({ id: matterEvents.id });
  await audit(tx, {
    actorUserId: mv.actorUserId,
    action: `matter.${mv.action}`,
    targetType: 'matter',
    targetId: m.id,
    villageId: m.villageId,
    requestId: mv.requestId,
    details: { from: m.state, to: mv.to, fromLevel: m.level, toLevel: mv.level, ...mv.auditDetails },
  });

  const label =
    mv.label ??
    eventLabel(
      { action: mv.action, toLevel: mv.level, toState: mv.to },
      { aboutCadre: m.aboutCadre, onBehalf: false },
    );
  const actor = mv.actorUserId ? [mv.actorUserId] : [];
  await notifyMove(tx, {
    villageId: m.villageId,
    matterId: m.id,
    audience: { type: 'users', userIds: [m.authorUserId] },
    title: '我反映的事有进展',
    summary: label,
    status: label,
    exclude: actor,
  });
  const followers = (await followerIds(tx, m.id)).filter((u) => u !== m.authorUserId);
  if (followers.length > 0) {
    await notifyMove(tx, {
      villageId: m.villageId,
      matterId: m.id,
      audience: { type: 'users', userIds: followers },
      title: '您关注的事项有进展',
      summary: label,
      status: label,
      exclude: actor,
    });
  }
  // It lands with someone new (escalation, appeal, sent back), or the author moved it (不满意,
  // withdraw): the holder is told too.
  const holder = m.assignedUserId ?? m.firstResponderUserId;
  if (!escalated && mv.actorUserId === m.authorUserId && holder) {
    await notifyMove(tx, {
      villageId: m.villageId,
      matterId: m.id,
      audience: { type: 'users', userIds: [holder] },
      title: '您经办的事项有变化',
      summary: label,
      status: label,
      exclude: actor,
    });
  }
  if (escalated) {
    const audience = await holderAudience(tx, m, mv.level);
    if (audience) {
      await notifyMove(tx, {
        villageId: m.villageId,
        matterId: m.id,
        audience,
        title: '有事项转到您这里',
        summary: m.text.slice(0, 60) || label,
        status: label,
        exclude: [...actor, m.authorUserId],
      });
    }
  }
  return Ok({ eventId: event!.id });
}

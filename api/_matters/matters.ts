/**
 * Matter operations (DESIGN §2.1): raise, list, open with timeline and available actions, act.
 * Each write lands with its timeline row, its audit row and its notifications in one transaction;
 * outcomes are values. Who may see what is scope.ts; who may do what is shared/matters/workflow.ts.
 *
 * Outcomes:
 * - raiseMatter: Ok {id,state,level}; FORBIDDEN (not a villager here; 代办 by someone who is not
 *   the villager's grid worker); VALIDATION_FAILED (代办 for someone who is not a villager here);
 *   CONTENT_RISKY (public text refused; nothing saved).
 * - openMatter: Ok detail; NOT_FOUND (not in this village or not visible to the caller).
 * - actOnMatter: Ok {id,state,level}; NOT_FOUND; TRANSITION_NOT_ALLOWED (409: not in this state,
 *   level or kind, or the matter moved meanwhile); FORBIDDEN (not this caller's action);
 *   NOTE_REQUIRED (400).
 */
import { and, asc, desc, eq, or, sql } from 'drizzle-orm';
import { maskName } from '../../shared/format';
import type { TRaiseMatter, TTakeMatterAction } from '../../shared/matters/schemas';
import {
  type MatterLevel,
  type MatterState,
  type TWorkflowMatter,
  assertTransition,
  availableActions,
  timelineLabel,
} from '../../shared/matters/workflow';
import type { Deps } from '../_app/context';
import { checkText } from '../_content';
import {
  attachMatterMedia,
  checkMatterMedia,
  eventPhotoIds,
  openMatterMediaChecks,
  shownMediaIds,
} from '../_media/attach';
import type { Tx } from '../_db/client';
import {
  grids,
  households,
  matterEvents,
  matters,
  memberships,
  residents,
  users,
  villages,
} from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { type Audience, notify } from '../_notices/notify';
import { type MatterViewer, fullAccess, publicAccess } from './scope';

type MatterRow = typeof matters.$inferSelect;

const PAGE = '/pages/matters/detail';
const LIST_LIMIT = 100;

// ---------------------------------------------------------------------------------------------
// Raise

/** The grid of the villager's household and its grid worker, if any. */
async function householdGrid(deps: Pick<Deps, 'db'>, villageId: string, userId: string) {
  const [row] = await deps.db
    .select({ gridId: households.gridId, workerUserId: grids.workerUserId })
    .from(residents)
    .innerJoin(households, eq(households.id, residents.householdId))
    .leftJoin(grids, eq(grids.id, households.gridId))
    .where(and(eq(residents.villageId, villageId), eq(residents.userId, userId)));
  return { gridId: row?.gridId ?? null, workerUserId: row?.workerUserId ?? null };
}

/** The first member holding this role in the village (the cadre on duty until duty rosters exist). */
async function firstWithRole(deps: Pick<Deps, 'db'>, villageId: string, role: 'cadre' | 'supervisor') {
  const [m] = await deps.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.villageId, villageId), eq(memberships.role, role)))
    .orderBy(asc(memberships.createdAt), asc(memberships.id))
    .limit(1);
  return m?.userId ?? null;
}

export type RaiseInput = {
  viewer: MatterViewer;
  requestId: string;
  input: TRaiseMatter;
};

export async function raiseMatter(
  deps: Deps,
  p: RaiseInput,
): Promise<Outcome<{ id: string; state: MatterState; level: MatterLevel }>> {
  const { viewer: v, input } = p;
  let authorUserId = v.userId;
  let onBehalfBy: string | null = null;
  const onBehalf = input.onBehalfOf;
  if (onBehalf) {
    if (!v.roles.has('grid_worker')) return Err('FORBIDDEN', '只有网格员可以代村民反映');
    const [member] = await deps.db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(
        and(
          eq(memberships.villageId, v.villageId),
          eq(memberships.userId, onBehalf.villagerId),
          eq(memberships.role, 'villager'),
        ),
      );
    if (!member) return Err('VALIDATION_FAILED', '没有找到这位村民');
    authorUserId = onBehalf.villagerId;
    onBehalfBy = v.userId;
  } else if (!v.roles.has('villager')) {
    return Err('FORBIDDEN');
  }

  const { gridId, workerUserId } = await householdGrid(deps, v.villageId, authorUserId);
  if (onBehalfBy && (!gridId || !v.gridIds.includes(gridId))) {
    return Err('FORBIDDEN', '只能代本网格的村民反映');
  }
  const level: MatterLevel = input.aboutCadre ? 'village' : 'grid';
  const firstResponder = input.aboutCadre
    ? await firstWithRole(deps, v.villageId, 'supervisor')
    : (workerUserId ?? (await firstWithRole(deps, v.villageId, 'cadre')));

  const mediaRefs = {
    villageId: v.villageId,
    userId: v.userId,
    photoIds: input.photoIds,
    voiceId: input.voice?.fileId,
  };
  const mediaOk = await checkMatterMedia(deps.db, mediaRefs);
  if (!mediaOk.ok) return mediaOk;

  const id = crypto.randomUUID();
  const isPublic = input.visibility === 'public';
  if (isPublic && input.text) {
    // Checked before saving; a 'review' verdict saves it but keeps it from others until passed.
    const checked = await checkText(deps, {
      villageId: v.villageId,
      authorUserId,
      targetType: 'matter',
      targetId: id,
      text: input.text,
    });
    if (!checked.ok) return checked;
  }

  const raised = await deps.db.transaction(async (tx) => {
    await tx.insert(matters).values({
      id,
      villageId: v.villageId,
      authorUserId,
      onBehalfBy,
      consent: onBehalf ? onBehalf.consent : null,
      kind: input.kind,
      category: input.category,
      text: input.text,
      voice: input.voice ?? null,
      photoIds: input.photoIds,
      location: input.location ?? null,
      aboutCadre: input.aboutCadre,
      isPublic,
      state: 'submitted',
      level,
      gridId,
      firstResponderUserId: firstResponder,
    });
    await attachMatterMedia(tx, { ...mediaRefs, matterId: id });
    await tx.insert(matterEvents).values({
      matterId: id,
      actorUserId: v.userId,
      action: 'raise',
      toState: 'submitted',
      toLevel: level,
    });
    await audit(tx, {
      actorUserId: v.userId,
      action: 'matter.raise',
      targetType: 'matter',
      targetId: id,
      villageId: v.villageId,
      requestId: p.requestId,
      details: {
        kind: input.kind,
        aboutCadre: input.aboutCadre,
        onBehalfOf: onBehalfBy ? authorUserId : undefined,
      },
    });
    if (firstResponder) {
      await notifyMove(tx, {
        villageId: v.villageId,
        matterId: id,
        audience: { type: 'users', userIds: [firstResponder] },
        title: '有新的事项待受理',
        summary: input.text.slice(0, 60) || '村民录了一段语音',
        status: '待受理',
        exclude: [v.userId],
      });
    }
    return Ok({ id, state: 'submitted' as MatterState, level });
  });
  await openMatterMediaChecks(deps, { ...mediaRefs, aboutCadre: input.aboutCadre });
  return raised;
}

// ---------------------------------------------------------------------------------------------
// Read

const summaryCols = {
  id: matters.id,
  kind: matters.kind,
  category: matters.category,
  text: matters.text,
  state: matters.state,
  level: matters.level,
  aboutCadre: matters.aboutCadre,
  isPublic: matters.isPublic,
  createdAt: matters.createdAt,
  authorName: users.displayName,
};

function summary(r: {
  id: string;
  kind: MatterRow['kind'];
  category: string;
  text: string;
  state: MatterState;
  level: MatterLevel;
  aboutCadre: boolean;
  isPublic: boolean;
  createdAt: Date;
  authorName: string;
  full: boolean;
}) {
  const { full, ...rest } = r;
  return {
    ...rest,
    authorName: full ? r.authorName : maskName(r.authorName),
    masked: !full,
    createdAt: r.createdAt.toISOString(),
  };
}

export async function listMatters(deps: Pick<Deps, 'db'>, v: MatterViewer) {
  const full = fullAccess(v);
  const rows = await deps.db
    .select({ ...summaryCols, full: sql<boolean>`(${full})`.mapWith(Boolean) })
    .from(matters)
    .innerJoin(users, eq(users.id, matters.authorUserId))
    .where(and(eq(matters.villageId, v.villageId), or(full, publicAccess(v))))
    .orderBy(desc(matters.createdAt), desc(matters.id))
    .limit(LIST_LIMIT);
  return rows.map(summary);
}

function workflowActor(v: MatterViewer, m: MatterRow) {
  return {
    roles: [...v.roles],
    isAuthor: m.authorUserId === v.userId,
    isFirstResponder: m.firstResponderUserId === v.userId,
    isAssigned: m.assignedUserId === v.userId,
  };
}

const workflowMatter = (m: MatterRow): TWorkflowMatter => ({
  state: m.state,
  level: m.level,
  kind: m.kind,
  aboutCadre: m.aboutCadre,
  reopenCount: m.reopenCount,
});

/** The matter if the caller may see it: `full` says in full, else only as a public matter. */
async function visibleMatter(deps: Pick<Deps, 'db'>, v: MatterViewer, matterId: string) {
  const full = fullAccess(v);
  const [row] = await deps.db
    .select({ m: matters, authorName: users.displayName, full: sql<boolean>`(${full})`.mapWith(Boolean) })
    .from(matters)
    .innerJoin(users, eq(users.id, matters.authorUserId))
    .where(and(eq(matters.id, matterId), eq(matters.villageId, v.villageId), or(full, publicAccess(v))));
  return row ?? null;
}

function eventLabel(e: { action: string; toLevel: MatterLevel }, aboutCadre: boolean, onBehalf: boolean) {
  if (e.action === 'raise') return onBehalf ? '网格员已代您提交' : '已提交';
  return timelineLabel(e.action as Parameters<typeof timelineLabel>[0], { level: e.toLevel, aboutCadre });
}

export async function openMatter(deps: Pick<Deps, 'db'>, v: MatterViewer, matterId: string) {
  const row = await visibleMatter(deps, v, matterId);
  if (!row) return Err('NOT_FOUND');
  const { m, full } = row;
  const events = await deps.db
    .select()
    .from(matterEvents)
    .where(eq(matterEvents.matterId, m.id))
    .orderBy(asc(matterEvents.createdAt), asc(matterEvents.id));
  const onBehalf = m.onBehalfBy !== null;
  const eventPhotos = await eventPhotoIds(deps.db, m.id, { full });
  return Ok({
    ...summary({ ...m, authorName: row.authorName, full }),
    // Others see only photos whose content check passed; a voice identifies its speaker: full viewers only.
    photoIds: await shownMediaIds(deps.db, m.photoIds, full),
    voice: full ? (m.voice ?? null) : null,
    location: full ? (m.location ?? null) : null,
    reopenCount: m.reopenCount,
    enteredAt: m.enteredAt.toISOString(),
    raisedOnBehalf: full && onBehalf,
    timeline: events.map((e) => ({
      action: e.action,
      label: eventLabel(e, m.aboutCadre, onBehalf),
      note: full ? e.note : null,
      photoIds: eventPhotos.get(e.id) ?? [],
      at: e.createdAt.toISOString(),
    })),
    actions: full ? availableActions(workflowMatter(m), workflowActor(v, m)) : [],
  });
}

// ---------------------------------------------------------------------------------------------
// Act

/** Who holds a matter at a level: the village cadres (the supervisors for one about a cadre), or the town. */
async function holderAudience(tx: Tx, m: MatterRow, level: MatterLevel): Promise<Audience | null> {
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

async function notifyMove(
  tx: Tx,
  e: {
    villageId: string;
    matterId: string;
    audience: Audience;
    title: string;
    summary: string;
    status: string;
    exclude: string[];
  },
) {
  await notify(tx, {
    kind: 'matter_moved',
    villageId: e.villageId,
    audience: e.audience,
    title: e.title,
    summary: e.summary,
    objectType: 'matter',
    objectId: e.matterId,
    page: `${PAGE}?id=${e.matterId}`,
    fields: { title: e.title, status: e.status, note: e.summary },
    exclude: e.exclude,
  });
}

export type ActInput = {
  viewer: MatterViewer;
  requestId: string;
  matterId: string;
  input: TTakeMatterAction;
};

export async function actOnMatter(
  deps: Deps,
  p: ActInput,
): Promise<Outcome<{ id: string; state: MatterState; level: MatterLevel }>> {
  const { viewer: v, input } = p;
  const row = await visibleMatter(deps, v, p.matterId);
  if (!row) return Err('NOT_FOUND');
  const m = row.m;
  const note = input.note?.trim() || null;
  const r = assertTransition(
    workflowMatter(m),
    row.full ? workflowActor(v, m) : { roles: [] },
    input.action,
    note,
  );
  if (!r.ok) {
    if (r.code === 'ACTOR_NOT_ALLOWED') return Err('FORBIDDEN');
    return Err(r.code);
  }
  const escalated = r.level !== m.level;
  let assigned = escalated ? null : m.assignedUserId;
  if (input.action === 'accept' && !escalated) assigned = v.userId;
  const mediaRefs = { villageId: m.villageId, userId: v.userId, photoIds: input.photoIds ?? [] };
  const mediaOk = await checkMatterMedia(deps.db, mediaRefs);
  if (!mediaOk.ok) return mediaOk;

  const moved = await deps.db.transaction(async (tx) => {
    // Compare-and-set on state and level: a concurrent move wins and this one is refused.
    const updated = await tx
      .update(matters)
      .set({
        state: r.to,
        level: r.level,
        reopenCount: r.reopenCount,
        assignedUserId: assigned,
        ...(r.restartsClock ? { enteredAt: new Date() } : {}),
      })
      .where(and(eq(matters.id, m.id), eq(matters.state, m.state), eq(matters.level, m.level)))
      .returning({ id: matters.id });
    if (updated.length === 0) return Err('TRANSITION_NOT_ALLOWED');
    const eventId = crypto.randomUUID();
    await tx.insert(matterEvents).values({
      id: eventId,
      matterId: m.id,
      actorUserId: v.userId,
      action: input.action,
      fromState: m.state,
      toState: r.to,
      fromLevel: m.level,
      toLevel: r.level,
      note,
    });
    await attachMatterMedia(tx, { ...mediaRefs, matterId: m.id, matterEventId: eventId });
    await audit(tx, {
      actorUserId: v.userId,
      action: `matter.${input.action}`,
      targetType: 'matter',
      targetId: m.id,
      villageId: m.villageId,
      requestId: p.requestId,
      details: { from: m.state, to: r.to, fromLevel: m.level, toLevel: r.level },
    });
    const label = timelineLabel(input.action, { level: r.level, aboutCadre: m.aboutCadre });
    await notifyMove(tx, {
      villageId: m.villageId,
      matterId: m.id,
      audience: { type: 'users', userIds: [m.authorUserId] },
      title: '我反映的事有进展',
      summary: label,
      status: label,
      exclude: [v.userId],
    });
    // It lands with someone new (escalation, appeal, sent back), or the author moved it (不满意,
    // withdraw): the holder is told too.
    const holder = m.assignedUserId ?? m.firstResponderUserId;
    if (!escalated && v.userId === m.authorUserId && holder) {
      await notifyMove(tx, {
        villageId: m.villageId,
        matterId: m.id,
        audience: { type: 'users', userIds: [holder] },
        title: '您经办的事项有变化',
        summary: label,
        status: label,
        exclude: [v.userId],
      });
    }
    if (escalated) {
      const audience = await holderAudience(tx, m, r.level);
      if (audience) {
        await notifyMove(tx, {
          villageId: m.villageId,
          matterId: m.id,
          audience,
          title: '有事项转到您这里',
          summary: m.text.slice(0, 60) || label,
          status: label,
          exclude: [v.userId, m.authorUserId],
        });
      }
    }
    return Ok({ id: m.id, state: r.to, level: r.level });
  });
  if (moved.ok) await openMatterMediaChecks(deps, { ...mediaRefs, aboutCadre: m.aboutCadre });
  return moved;
}

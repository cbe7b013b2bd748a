/**
 * Matter operations (DESIGN §2.1): raise, list, open with timeline and available actions, act.
 * Each write lands with its timeline row, its audit row and its notifications in one transaction;
 * outcomes are values. Who may see what is scope.ts; who may do what is shared/matters/workflow.ts.
 *
 * Outcomes:
 * - raiseMatter: Ok {id,state,level}; FORBIDDEN (not a villager here; 代办 by someone who is not
 *   the villager's grid worker); VALIDATION_FAILED (代办 for someone who is not a villager here; a
 *   category the village does not offer); CONTENT_RISKY (public text refused; nothing saved).
 * - openMatter: Ok detail; NOT_FOUND (not in this village or not visible to the caller).
 * - actOnMatter: Ok {id,state,level}; NOT_FOUND; TRANSITION_NOT_ALLOWED (409: not in this state,
 *   level or kind, or the matter moved meanwhile); FORBIDDEN (not this caller's action);
 *   NOTE_REQUIRED (400); VALIDATION_FAILED (merge into itself, a closed matter, another kind of
 *   visibility, or one the caller cannot see).
 */
import { and, asc, desc, eq, or, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { maskName } from '../../shared/format';
import { categoryLabel } from '../../shared/matters/kinds';
import {
  MEDIATION_OUTCOME_LABELS,
  type TRaiseMatter,
  type TTakeMatterAction,
} from '../../shared/matters/schemas';
import {
  type MatterLevel,
  type MatterState,
  assertTransition,
  availableActions,
  isTerminal,
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
import { preparedSql, rowTemplate, rowValues } from '../_db/prepared';
import {
  auditLog,
  contentChecks,
  idempotencyKeys,
  matterDecisions,
  matterEvents,
  matterFollowers,
  matters,
  mediationSessions,
  memberships,
  users,
} from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { type AtomicKey, idempotencyRecord } from '../_lib/idempotency';
import { requestCouncilProposal } from './decision';
import { type MatterRow, applyMove, eventLabel, moveEvent, notifyMove, workflowMatter } from './moves';
import { notify, notifyCtesTemplate, notifyTemplateValues } from '../_notices/notify';
import { type MatterViewer, fullAccess, publicAccess } from './scope';
import { type TVillageCategory, beijingWeekday, clockFor, settingsFrom, villageSettings } from './settings';

const LIST_LIMIT = 100;

// ---------------------------------------------------------------------------------------------
// Raise

/**
 * Everything raising a matter needs to know before it writes, in one round trip: the village's
 * settings (categories, time limits), the author's grid and its grid worker, and the people who
 * answer when the grid has none — the cadre on duty today, else the first cadre — or, for a
 * matter about a cadre, the first supervisor.
 */
async function raiseContext(db: Deps['db'], villageId: string, authorUserId: string, now: Date) {
  const result = await db.execute(sql`
    select
      (select json_build_object('categories', s.categories, 'timeLimits', s.time_limits)
         from village_matter_settings s where s.village_id = ${villageId}) as settings,
      home.grid_id, home.worker_user_id,
      (select d.user_id from matter_duty d
         join memberships m on m.user_id = d.user_id and m.village_id = d.village_id and m.role = 'cadre'
         where d.village_id = ${villageId} and d.weekday = ${beijingWeekday(now)} limit 1) as duty_cadre,
      (select m.user_id from memberships m where m.village_id = ${villageId} and m.role = 'cadre'
         order by m.created_at, m.id limit 1) as first_cadre,
      (select m.user_id from memberships m where m.village_id = ${villageId} and m.role = 'supervisor'
         order by m.created_at, m.id limit 1) as first_supervisor
    from (select 1) one
    left join lateral (
      select h.grid_id, g.worker_user_id from residents r
        join households h on h.id = r.household_id
        left join grids g on g.id = h.grid_id
        where r.village_id = ${villageId} and r.user_id = ${authorUserId}
        limit 1) home on true`);
  const row = (
    result as unknown as {
      rows: {
        settings:
          | { categories: TVillageCategory[] | null; timeLimits: Record<string, number> }
          | string
          | null;
        grid_id: string | null;
        worker_user_id: string | null;
        duty_cadre: string | null;
        first_cadre: string | null;
        first_supervisor: string | null;
      }[];
    }
  ).rows[0]!;
  const settings = typeof row.settings === 'string' ? JSON.parse(row.settings) : row.settings;
  return {
    settings: settingsFrom(settings),
    gridId: row.grid_id,
    workerUserId: row.worker_user_id,
    dutyCadre: row.duty_cadre,
    firstCadre: row.first_cadre,
    firstSupervisor: row.first_supervisor,
  };
}

type RaiseRows = {
  matter: typeof matters.$inferInsert;
  event: typeof matterEvents.$inferInsert;
  audit: typeof auditLog.$inferInsert;
  key: typeof idempotencyKeys.$inferInsert | undefined;
};
const raiseStatements = new Map<string, ReturnType<typeof preparedSql>>();

/**
 * The raise as one statement, built once per shape (whom the notification names, whether an
 * idempotency record goes with it) from the first rows' keys, then only filled in.
 */
function raiseStatement(notice: { users: number; excluded: number } | undefined, sample: RaiseRows) {
  const name = `${notice ? `${notice.users}/${notice.excluded}` : '-'} ${sample.key ? 'key' : '-'}`;
  let statement = raiseStatements.get(name);
  if (!statement) {
    // (.getSQL(): an embedded builder would be parenthesised as a subquery, which WITH refuses.)
    statement = preparedSql((db) => {
      const insert = <T extends PgTable>(table: T, prefix: string, row: Record<string, unknown>) =>
        db
          .insert(table)
          .values(rowTemplate(prefix, row) as never)
          .getSQL();
      return sql`with raise_matter as (${insert(matters, 'm_', sample.matter)}),
      raise_event as (${insert(matterEvents, 'e_', sample.event)}),
      raise_audit as (${insert(auditLog, 'a_', sample.audit)})${
        notice ? sql`, ${notifyCtesTemplate('n_', notice)}` : sql``
      }${sample.key ? sql`, raise_key as (${insert(idempotencyKeys, 'k_', sample.key)})` : sql``}
      select 1`;
    });
    raiseStatements.set(name, statement);
  }
  return statement;
}

export type RaiseInput = {
  viewer: MatterViewer;
  requestId: string;
  input: TRaiseMatter;
  /** The request's Idempotency-Key: its record (the route's 201 answer) is written with the matter. */
  key?: AtomicKey;
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

  const now = new Date();
  const context = await raiseContext(deps.db, v.villageId, authorUserId, now);
  const { settings, gridId, workerUserId } = context;
  const categories = settings.categories.filter((c) => !c.hidden).map((c) => c.key);
  if (!categories.includes(input.category)) {
    return Err('VALIDATION_FAILED', '没有这个事项类别，请重新选择', {
      issues: [{ path: 'category', message: '没有这个事项类别，请重新选择' }],
    });
  }

  if (onBehalfBy && (!gridId || !v.gridIds.includes(gridId))) {
    return Err('FORBIDDEN', '只能代本网格的村民反映');
  }
  const level: MatterLevel = input.aboutCadre ? 'village' : 'grid';
  const firstResponder = input.aboutCadre
    ? context.firstSupervisor
    : (workerUserId ?? context.dutyCadre ?? context.firstCadre);
  const { timeLimits } = settings;

  const mediaRefs = {
    villageId: v.villageId,
    userId: v.userId,
    photoIds: input.photoIds,
    voiceId: input.voice?.fileId,
  };
  const mediaOk = await checkMatterMedia(deps.db, mediaRefs);
  if (!mediaOk.ok) return mediaOk;

  const id = crypto.randomUUID();
  const raised = { id, state: 'submitted' as MatterState, level };
  const keyRow = p.key ? idempotencyRecord(p.key, 201, raised) : undefined;
  const isPublic = input.visibility === 'public';
  const textChecked = isPublic && !!input.text;
  if (textChecked) {
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

  const matterRow = {
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
    state: 'submitted' as const,
    level,
    gridId,
    firstResponderUserId: firstResponder,
    ...clockFor('submitted', now, timeLimits),
    createdAt: now,
  };
  const eventRow = {
    matterId: id,
    actorUserId: v.userId,
    action: 'raise' as const,
    toState: 'submitted' as const,
    toLevel: level,
  };
  const auditRow = {
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
  };
  const notice = firstResponder
    ? moveEvent({
        villageId: v.villageId,
        matterId: id,
        audience: { type: 'users', userIds: [firstResponder] },
        title: '有新的事项待受理',
        summary: input.text.slice(0, 60) || '村民录了一段语音',
        status: '待受理',
        exclude: [v.userId],
      })
    : undefined;

  const raiseInOneStatement = async () => {
    // The common case, in one statement (atomic on its own, one round trip): the matter, its
    // first timeline event, the audit entry, the first responder's notification and the answer
    // recorded under the request's idempotency key (a retry fails on it, and nothing is written).
    const n = notice ? notifyTemplateValues('n_', notice) : undefined;
    const rows = { matter: matterRow, event: eventRow, audit: auditRow, key: keyRow };
    const shape = {
      users: notice?.audience.type === 'users' ? notice.audience.userIds.length : 0,
      excluded: notice?.exclude?.length ?? 0,
    };
    await raiseStatement(n ? shape : undefined, rows)(deps.db, {
      ...rowValues(matters, 'm_', matterRow),
      ...rowValues(matterEvents, 'e_', eventRow),
      ...rowValues(auditLog, 'a_', auditRow),
      ...(keyRow ? rowValues(idempotencyKeys, 'k_', keyRow) : {}),
      ...n?.values,
    });
  };
  // The content check was recorded for this matter id before the matter exists: if the matter is
  // not written after all (a retry that lost to its first attempt, a failure), it goes too.
  const dropCheck = async () => {
    if (!textChecked) return;
    await deps.db
      .delete(contentChecks)
      .where(and(eq(contentChecks.targetType, 'matter'), eq(contentChecks.targetId, id)))
      .catch(() => {});
  };
  try {
    if (mediaRefs.photoIds.length === 0 && !mediaRefs.voiceId) {
      await raiseInOneStatement();
      return Ok(raised);
    }
    // With photos or a voice recording: each is attached by compare-and-set, in one transaction.
    await deps.db.transaction(async (tx) => {
      if (keyRow) await tx.insert(idempotencyKeys).values(keyRow);
      await tx.insert(matters).values(matterRow);
      await attachMatterMedia(tx, { ...mediaRefs, matterId: id });
      await tx.insert(matterEvents).values(eventRow);
      await audit(tx, auditRow);
      if (notice) await notify(tx, notice);
    });
  } catch (e) {
    await dropCheck();
    throw e;
  }
  await openMatterMediaChecks(deps, { ...mediaRefs, aboutCadre: input.aboutCadre });
  return Ok(raised);
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

/** The matter if the caller may see it: `full` says in full, else only as a public matter. */
export async function visibleMatter(deps: Pick<Deps, 'db'>, v: MatterViewer, matterId: string) {
  const full = fullAccess(v);
  const [row] = await deps.db
    .select({ m: matters, authorName: users.displayName, full: sql<boolean>`(${full})`.mapWith(Boolean) })
    .from(matters)
    .innerJoin(users, eq(users.id, matters.authorUserId))
    .where(and(eq(matters.id, matterId), eq(matters.villageId, v.villageId), or(full, publicAccess(v))));
  return row ?? null;
}

export async function openMatter(deps: Pick<Deps, 'db'>, v: MatterViewer, matterId: string) {
  const row = await visibleMatter(deps, v, matterId);
  if (!row) return Err('NOT_FOUND');
  const { m, full } = row;
  const [events, sessions, following, decisions] = await Promise.all([
    deps.db
      .select()
      .from(matterEvents)
      .where(eq(matterEvents.matterId, m.id))
      .orderBy(asc(matterEvents.createdAt), asc(matterEvents.id)),
    full
      ? deps.db.select().from(mediationSessions).where(eq(mediationSessions.matterId, m.id))
      : Promise.resolve([]),
    deps.db
      .select({ userId: matterFollowers.userId })
      .from(matterFollowers)
      .where(and(eq(matterFollowers.matterId, m.id), eq(matterFollowers.userId, v.userId))),
    deps.db
      .select({
        status: matterDecisions.status,
        proposalId: matterDecisions.proposalId,
        summary: matterDecisions.summary,
        decidedAt: matterDecisions.decidedAt,
      })
      .from(matterDecisions)
      .where(eq(matterDecisions.matterId, m.id))
      .orderBy(desc(matterDecisions.createdAt))
      .limit(1),
  ]);
  const decision = decisions[0];
  const sessionByEvent = new Map(sessions.map((s) => [s.eventId, s]));
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
    dueAt: m.dueAt?.toISOString() ?? null,
    overdue: m.dueAt !== null && m.dueAt.getTime() <= Date.now(),
    mergedIntoId: m.mergedIntoId,
    following: following.length > 0,
    /** The decide track's hand-off to the councils, latest first: pending until the outcome returns. */
    decision: decision
      ? {
          status: decision.status,
          proposalId: decision.proposalId,
          summary: decision.summary,
          decidedAt: decision.decidedAt?.toISOString() ?? null,
        }
      : null,
    raisedOnBehalf: full && onBehalf,
    timeline: events.map((e) => {
      const s = sessionByEvent.get(e.id);
      return {
        action: e.action,
        label: eventLabel(e, { aboutCadre: m.aboutCadre, onBehalf }),
        note: full ? e.note : null,
        photoIds: eventPhotos.get(e.id) ?? [],
        at: e.createdAt.toISOString(),
        ...(s
          ? {
              session: {
                rung: s.rung,
                heldOn: s.heldOn,
                place: s.place,
                participants: s.participants,
                said: s.said,
                outcome: s.outcome,
                outcomeLabel: MEDIATION_OUTCOME_LABELS[s.outcome],
              },
            }
          : {}),
      };
    }),
    actions: full ? availableActions(workflowMatter(m), workflowActor(v, m)) : [],
  });
}

// ---------------------------------------------------------------------------------------------
// Act

export type ActInput = {
  viewer: MatterViewer;
  requestId: string;
  matterId: string;
  input: TTakeMatterAction;
};

/** The timeline note of a mediation session when the recorder wrote none. */
function sessionNote(s: NonNullable<TTakeMatterAction['session']>): string {
  return `${s.heldOn} 在${s.place}调解，${MEDIATION_OUTCOME_LABELS[s.outcome]}`;
}

/**
 * Merge checks: the survivor is another open matter of the same village, on the same side of the
 * cadre wall, that the caller may see in full. Returns the survivor or a refusal.
 */
async function mergeTarget(tx: Tx, v: MatterViewer, m: MatterRow, targetId: string) {
  if (targetId === m.id) return Err('VALIDATION_FAILED', '不能合并到它自己');
  const [t] = await tx
    .select()
    .from(matters)
    .where(and(eq(matters.id, targetId), eq(matters.villageId, m.villageId), fullAccess(v)))
    .for('update');
  if (!t) return Err('VALIDATION_FAILED', '没有找到要合并到的事项');
  if (isTerminal(t.state)) return Err('VALIDATION_FAILED', '要合并到的事项已经结束了');
  if (t.aboutCadre !== m.aboutCadre) return Err('VALIDATION_FAILED', '这两件事不能合并');
  return Ok(t);
}

export async function actOnMatter(
  deps: Deps,
  p: ActInput,
): Promise<Outcome<{ id: string; state: MatterState; level: MatterLevel }>> {
  const { viewer: v, input } = p;
  const row = await visibleMatter(deps, v, p.matterId);
  if (!row) return Err('NOT_FOUND');
  const m = row.m;
  const session = input.action === 'record_session' ? input.session : undefined;
  const note = input.note?.trim() || (session ? sessionNote(session) : null);
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
  const now = new Date();
  const { timeLimits } = await villageSettings(deps.db, m.villageId);
  const mediaRefs = { villageId: m.villageId, userId: v.userId, photoIds: input.photoIds ?? [] };
  const mediaOk = await checkMatterMedia(deps.db, mediaRefs);
  if (!mediaOk.ok) return mediaOk;

  const done = await deps.db.transaction(async (tx) => {
    let survivor: MatterRow | undefined;
    if (input.action === 'merge') {
      const t = await mergeTarget(tx, v, m, input.mergeInto!);
      if (!t.ok) return t;
      survivor = t.value;
    }
    const moved = await applyMove(tx, {
      matter: m,
      action: input.action,
      actorUserId: v.userId,
      to: r.to,
      level: r.level,
      reopenCount: r.reopenCount,
      restartsClock: r.restartsClock,
      note,
      now,
      limits: timeLimits,
      requestId: p.requestId,
      ...(input.action === 'accept' && !escalated ? { assignedUserId: v.userId } : {}),
      ...(survivor ? { set: { mergedIntoId: survivor.id }, auditDetails: { mergedInto: survivor.id } } : {}),
    });
    if (!moved.ok) return moved;
    await attachMatterMedia(tx, { ...mediaRefs, matterId: m.id, matterEventId: moved.value.eventId });

    if (session) {
      await tx.insert(mediationSessions).values({
        matterId: m.id,
        eventId: moved.value.eventId,
        rung: m.level,
        recordedBy: v.userId,
        ...session,
      });
    }
    if (input.action === 'route_decide') {
      const label = categoryLabel(m.category) ?? '村民议事';
      const handed = await requestCouncilProposal(tx, {
        matterId: m.id,
        villageId: m.villageId,
        title: `${label}：${m.text.slice(0, 30) || '村民反映的事项'}`,
        text: [m.text, note].filter(Boolean).join('\n\n'),
        requestedBy: v.userId,
      });
      if (!handed.ok) return handed;
    }
    if (input.action === 'decision_returned' && input.decisionOutcome) {
      // A cadre entered the outcome by hand: the hand-off is answered, so a later callback is refused.
      await tx
        .update(matterDecisions)
        .set({ status: input.decisionOutcome, summary: note, decidedAt: now })
        .where(and(eq(matterDecisions.matterId, m.id), eq(matterDecisions.status, 'pending')));
    }
    if (survivor) await absorbDuplicate(tx, { merged: m, survivor, actorUserId: v.userId, now });
    return Ok({ id: m.id, state: r.to, level: r.level });
  });
  if (done.ok) await openMatterMediaChecks(deps, { ...mediaRefs, aboutCadre: m.aboutCadre });
  return done;
}

/**
 * After a merge: the merged matter's author and followers follow the survivor, and the survivor's
 * timeline says a duplicate joined it (its holder is told).
 */
async function absorbDuplicate(
  tx: Tx,
  p: { merged: MatterRow; survivor: MatterRow; actorUserId: string; now: Date },
) {
  const { merged, survivor } = p;
  await tx.execute(sql`
    insert into matter_followers (matter_id, user_id)
    select ${survivor.id}::uuid, u.user_id from (
      select user_id from matter_followers where matter_id = ${merged.id}::uuid
      union select ${merged.authorUserId}::uuid
    ) u
    where u.user_id <> ${survivor.authorUserId}::uuid
    on conflict do nothing`);
  await tx.insert(matterEvents).values({
    matterId: survivor.id,
    actorUserId: p.actorUserId,
    action: 'merge_in',
    fromState: survivor.state,
    toState: survivor.state,
    fromLevel: survivor.level,
    toLevel: survivor.level,
    note: `合并了事项 ${merged.id}`,
    createdAt: p.now,
  });
  const holder = survivor.assignedUserId ?? survivor.firstResponderUserId;
  if (holder) {
    await notifyMove(tx, {
      villageId: survivor.villageId,
      matterId: survivor.id,
      audience: { type: 'users', userIds: [holder] },
      title: '您经办的事项合并了一件相同的事',
      summary: merged.text.slice(0, 60) || '相同的事项',
      status: '已合并',
      exclude: [p.actorUserId],
    });
  }
}

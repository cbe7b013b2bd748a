/**
 * Proposals through 四议两公开 (DESIGN §2.2), deliberation (民事民议), 民评 and petitions (联名提议).
 * The stage table is data in shared/councils/stages.ts; this file only applies it.
 *
 * Outcomes:
 * - createProposal: Ok {id}; FORBIDDEN (not a cadre).
 * - recordStage: Ok detail; NOT_FOUND; STAGE_NOT_ALLOWED (409: not the next stage, or the
 *   proposal moved meanwhile); FORBIDDEN (not the owner's role); VOTE_NOT_CLOSED / VALIDATION_FAILED
 *   (the vote named does not fit this stage); MEDIA_NOT_ATTACHABLE (422: an attachment is not the
 *   recorder's own stage_attachment upload of this village, or is used elsewhere — nothing written).
 * - rate: Ok; FORBIDDEN (not a villager); STAGE_NOT_ALLOWED (implementation not published yet).
 * - addComment: Ok {id, visible}; CONTENT_RISKY; FORBIDDEN (answers are for cadres).
 * - Moderation (hide, report, the reported list, keep): moderation.ts.
 * - createPetition / backPetition: Ok progress; FORBIDDEN (not among who may back it: 18+ villagers
 *   on the roster, or representatives); CONTENT_RISKY (createPetition: refused text). A petition's
 *   text is the villagers' own: until its content check passes only its author and the moderators
 *   (cadres, supervisors) see it — for everyone else it is NOT_FOUND, so they cannot back it yet.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { maskName } from '../../shared/format';
import {
  MEETING_RULES,
  PETITION_CONVENE_DAYS,
  PETITION_RULES,
  type PetitionKind,
  petitionProgress,
} from '../../shared/councils/quorum';
import { adultBornOnOrBefore } from '../../shared/councils/electorate';
import type { TProposalDetail, TRecordStage } from '../../shared/councils/schemas';
import {
  type Rating,
  STAGES,
  STAGE_RULES,
  type Stage,
  canRecord,
  nextStage,
  statusAfter,
} from '../../shared/councils/stages';
import { clip } from '../../shared/notices/rules';
import type { Deps } from '../_app/context';
import { checkText, visibleTargetIds } from '../_content';
import type { Db, Tx } from '../_db/client';
import {
  meetings,
  petitionBackings,
  petitions,
  proposalComments,
  proposalRatings,
  proposalStages,
  proposals,
  users,
  votes,
} from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { notify } from '../_notices/notify';
import { publishToBoard } from './board';
import { attachStageMedia, checkStageMedia, stageAttachments } from '../_media/attach';
import { onDecision } from './from-matter';
import { type CouncilViewer, rowsOf } from './viewer';
import { isModerator, proposalVisible } from './visibility';

type ProposalRow = typeof proposals.$inferSelect;
const PAGE = '/subpackages/council/proposal/index';

const summary = (p: ProposalRow, pendingCheck = false) => ({
  id: p.id,
  title: p.title,
  source: p.source,
  status: p.status,
  doneStages: p.doneStages,
  nextStage: nextStage(p.doneStages, p.status),
  createdAt: p.createdAt.toISOString(),
  pendingCheck,
});

/** Ids of the petitions among `rows` whose text has not passed the check yet. */
async function uncheckedPetitions(db: Db | Tx, rows: readonly ProposalRow[]): Promise<Set<string>> {
  const ids = rows.filter((p) => p.source === 'petition').map((p) => p.id);
  const passed = await visibleTargetIds(db, 'petition', ids);
  return new Set(ids.filter((id) => !passed.has(id)));
}

export async function createProposal(
  deps: Deps,
  v: CouncilViewer,
  input: { title: string; text: string },
  requestId: string,
) {
  if (!v.roles.has('cadre')) return Err('FORBIDDEN');
  return deps.db.transaction(async (tx) => {
    const [p] = await tx
      .insert(proposals)
      .values({
        villageId: v.villageId,
        title: input.title,
        text: input.text,
        source: 'cadre',
        createdBy: v.userId,
      })
      .returning();
    await audit(tx, {
      actorUserId: v.userId,
      action: 'proposal.create',
      targetType: 'proposal',
      targetId: p!.id,
      villageId: v.villageId,
      requestId,
    });
    return Ok(summary(p!));
  });
}

export async function listProposals(deps: Deps, v: CouncilViewer) {
  const rows = await deps.db
    .select()
    .from(proposals)
    .where(and(eq(proposals.villageId, v.villageId), proposalVisible(v)))
    .orderBy(desc(proposals.updatedAt))
    .limit(100);
  const unchecked = await uncheckedPetitions(deps.db, rows);
  return Ok({ items: rows.map((p) => summary(p, unchecked.has(p.id))) });
}

async function findProposal(db: Db | Tx, v: CouncilViewer, id: string) {
  const [p] = await db
    .select()
    .from(proposals)
    .where(and(eq(proposals.id, id), eq(proposals.villageId, v.villageId), proposalVisible(v)));
  return p;
}

// ─── Petition figures from the roster ───────────────────────────────────────────────────────

async function petitionBase(db: Db | Tx, villageId: string, kind: PetitionKind, now: Date): Promise<number> {
  if (PETITION_RULES[kind].backers === 'adult_villagers') {
    const [r] = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from residents
        where village_id = ${villageId} and (birth_date is null or birth_date <= ${adultBornOnOrBefore(now)}::date)`),
    );
    return r!.n;
  }
  const [r] = rowsOf<{ n: number }>(
    await db.execute(sql`select count(distinct user_id)::int as n from memberships
      where village_id = ${villageId} and role = 'representative'`),
  );
  return r!.n;
}

async function mayBack(db: Db | Tx, v: CouncilViewer, kind: PetitionKind, now: Date): Promise<boolean> {
  if (PETITION_RULES[kind].backers === 'representatives') return v.roles.has('representative');
  const [r] = rowsOf<{ ok: boolean }>(
    await db.execute(sql`select exists (select 1 from residents where village_id = ${v.villageId} and user_id = ${v.userId}
      and (birth_date is null or birth_date <= ${adultBornOnOrBefore(now)}::date)) as ok`),
  );
  return Boolean(r?.ok);
}

async function petitionView(db: Db | Tx, v: CouncilViewer, proposalId: string, now: Date) {
  const [p] = await db.select().from(petitions).where(eq(petitions.proposalId, proposalId));
  if (!p) return null;
  const [c] = rowsOf<{ n: number; mine: boolean }>(
    await db.execute(sql`select count(*)::int as n, coalesce(bool_or(user_id = ${v.userId}), false) as mine
      from petition_backings where petition_id = ${p.id}`),
  );
  const base = await petitionBase(db, v.villageId, p.kind, now);
  const prog = petitionProgress(p.kind, c!.n, base);
  return {
    id: p.id,
    kind: p.kind,
    label: PETITION_RULES[p.kind].label,
    ...prog,
    reached: prog.reached || p.reachedAt !== null,
    backedByMe: c!.mine,
    canBack: !c!.mine && (await mayBack(db, v, p.kind, now)),
    deadlineAt: p.deadlineAt?.toISOString() ?? null,
    convenedAt: p.convenedAt?.toISOString() ?? null,
    escalatedAt: p.escalatedAt?.toISOString() ?? null,
  };
}

// ─── Detail ──────────────────────────────────────────────────────────────────────────────────

export async function openProposal(
  deps: Deps,
  v: CouncilViewer,
  id: string,
  now: Date,
): Promise<Outcome<TProposalDetail>> {
  const p = await findProposal(deps.db, v, id);
  if (!p) return Err('NOT_FOUND');
  const stageRows = await deps.db
    .select()
    .from(proposalStages)
    .where(eq(proposalStages.proposalId, id))
    .orderBy(asc(proposalStages.createdAt));
  stageRows.sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
  const commentRows = await deps.db
    .select({ c: proposalComments, name: users.displayName })
    .from(proposalComments)
    .innerJoin(users, eq(users.id, proposalComments.authorUserId))
    .where(eq(proposalComments.proposalId, id))
    .orderBy(asc(proposalComments.createdAt))
    .limit(500);
  const passed = await visibleTargetIds(
    deps.db,
    'comment',
    commentRows.map((r) => r.c.id),
  );
  const moderator = isModerator(v);
  const comments = commentRows
    .filter((r) => {
      const mine = r.c.authorUserId === v.userId;
      if (mine) return true;
      if (r.c.hiddenAt) return false;
      return passed.has(r.c.id) || r.c.kind === 'answer' || moderator;
    })
    .map((r) => {
      const mine = r.c.authorUserId === v.userId;
      return {
        id: r.c.id,
        kind: r.c.kind,
        answersId: r.c.answersId,
        authorName: r.c.kind === 'answer' || mine ? r.name : maskName(r.name),
        mine,
        text: r.c.text,
        hidden: r.c.hiddenAt !== null,
        hiddenReason: mine ? r.c.hiddenReason : null,
        pendingCheck: r.c.kind !== 'answer' && !passed.has(r.c.id),
        createdAt: r.c.createdAt.toISOString(),
      };
    });
  const voteRows = await deps.db
    .select({ id: votes.id, question: votes.question, status: votes.status })
    .from(votes)
    .where(eq(votes.proposalId, id))
    .orderBy(asc(votes.opensAt));
  const [r] = rowsOf<{ satisfied: number; basic: number; unsatisfied: number; mine: Rating | null }>(
    await deps.db.execute(sql`select
      count(*) filter (where rating = 'satisfied')::int as satisfied,
      count(*) filter (where rating = 'basic')::int as basic,
      count(*) filter (where rating = 'unsatisfied')::int as unsatisfied,
      max(case when user_id = ${v.userId} then rating::text end) as mine
      from proposal_ratings where proposal_id = ${id}`),
  );
  const next = nextStage(p.doneStages, p.status);
  const attached = await stageAttachments(
    deps.db,
    stageRows.map((s) => s.id),
  );
  return Ok({
    ...summary(p, (await uncheckedPetitions(deps.db, [p])).has(p.id)),
    text: p.text,
    matterId: p.matterId,
    stages: stageRows.map((s) => ({
      stage: s.stage,
      heldOn: s.heldOn,
      participants: s.participants,
      attendance: s.attendance,
      minutes: s.minutes,
      attachments: attached.get(s.id) ?? [],
      outcome: s.outcome,
      outcomeNote: s.outcomeNote,
      voteId: s.voteId,
      publishedAt: s.publishedAt?.toISOString() ?? null,
      recordedAt: s.createdAt.toISOString(),
    })),
    canRecordNext: next !== null && canRecord(next, v.roles),
    comments,
    petition: await petitionView(deps.db, v, id, now),
    votes: voteRows,
    ratings: { satisfied: r!.satisfied, basic: r!.basic, unsatisfied: r!.unsatisfied, mine: r!.mine },
    canRate: p.status === 'done' && v.roles.has('villager'),
  });
}

// ─── Stages ──────────────────────────────────────────────────────────────────────────────────

async function insertStage(
  tx: Tx,
  p: ProposalRow,
  stage: Stage,
  row: Omit<typeof proposalStages.$inferInsert, 'proposalId' | 'stage'>,
  now: Date,
  requestId: string,
) {
  const [s] = await tx
    .insert(proposalStages)
    .values({ ...row, proposalId: p.id, stage })
    .returning();
  const rule = STAGE_RULES[stage];
  if (rule.publishes) {
    await publishToBoard(tx, {
      villageId: p.villageId,
      proposalId: p.id,
      stageId: s!.id,
      stage: stage as 'publish_resolution' | 'publish_result',
      title: `${rule.label}：${p.title}`,
      body: row.minutes || row.outcomeNote || p.text,
      publishedBy: row.recordedBy ?? null,
      at: now,
      requestId,
    });
  }
  return s!;
}

export async function recordStage(
  deps: Deps,
  v: CouncilViewer,
  proposalId: string,
  input: TRecordStage,
  requestId: string,
  now: Date,
): Promise<Outcome<TProposalDetail>> {
  const p = await findProposal(deps.db, v, proposalId);
  if (!p) return Err('NOT_FOUND');
  const next = nextStage(p.doneStages, p.status);
  if (next !== input.stage)
    return Err('STAGE_NOT_ALLOWED', next ? `下一步应是“${STAGE_RULES[next].label}”` : '这个议题已经结束');
  const rule = STAGE_RULES[input.stage];
  if (!canRecord(input.stage, v.roles)) return Err('FORBIDDEN', `这一步由${rule.owner}记录`);
  let outcome = input.outcome;
  let outcomeNote = input.outcomeNote ?? null;
  let attendance = input.attendance ?? null;
  if (input.voteId) {
    if (rule.meetings.length === 0) return Err('VALIDATION_FAILED', '这一步不需要投票');
    const [row] = await deps.db
      .select({ vote: votes, type: meetings.type })
      .from(votes)
      .innerJoin(meetings, eq(meetings.id, votes.meetingId))
      .where(and(eq(votes.id, input.voteId), eq(votes.villageId, v.villageId)));
    if (!row) return Err('NOT_FOUND', '没有找到这次投票');
    if (!rule.meetings.includes(row.type)) return Err('VALIDATION_FAILED', '这次投票的会议类型不对');
    if (row.vote.status !== 'closed' || !row.vote.result) return Err('VOTE_NOT_CLOSED');
    // The published result decides, not what the recorder typed.
    outcome = row.vote.result.outcome === 'adopted' ? 'passed' : 'rejected';
    attendance = row.vote.result.participants;
    outcomeNote ??= `投票结果：${row.vote.result.outcome}，${row.vote.result.participants}/${row.vote.result.electors} 人参加（${MEETING_RULES[row.type].basis}）`;
  }
  // Photos and files the recorder uploaded for this stage: a clear refusal before anything is written.
  const uploads = { villageId: v.villageId, userId: v.userId, ids: input.attachmentIds };
  const attachable = await checkStageMedia(deps.db, uploads);
  if (!attachable.ok) return attachable;
  const status = statusAfter(input.stage, outcome);
  return deps.db
    .transaction(async (tx) => {
      const [moved] = await tx
        .update(proposals)
        .set({ doneStages: p.doneStages + 1, status, updatedAt: now })
        .where(
          and(eq(proposals.id, p.id), eq(proposals.doneStages, p.doneStages), eq(proposals.status, p.status)),
        )
        .returning();
      if (!moved) return Err('STAGE_NOT_ALLOWED', '议题的进度已经变了，请刷新');
      const stageRow = await insertStage(
        tx,
        p,
        input.stage,
        {
          heldOn: input.heldOn,
          participants: input.participants,
          attendance,
          minutes: input.minutes,
          outcome,
          outcomeNote,
          voteId: input.voteId ?? null,
          recordedBy: v.userId,
        },
        now,
        requestId,
      );
      // Taken by compare-and-set: a file raced onto another record rolls this one back.
      await attachStageMedia(tx, { ...uploads, stageId: stageRow.id });
      if (rule.decides) {
        await onDecision(tx, p, {
          outcome: outcome === 'passed' ? 'adopted' : 'rejected',
          summary: outcomeNote ?? input.minutes.slice(0, 200),
          decidedAt: now,
        });
        if (outcome === 'passed') {
          // 决议公开 follows the resolution automatically (DESIGN §2.2, stage 5).
          await insertStage(
            tx,
            p,
            'publish_resolution',
            {
              heldOn: input.heldOn,
              participants: [],
              minutes: input.minutes,
              outcome: 'passed',
              outcomeNote,
              recordedBy: v.userId,
            },
            now,
            requestId,
          );
          await tx
            .update(proposals)
            .set({ doneStages: p.doneStages + 2 })
            .where(eq(proposals.id, p.id));
        }
      }
      await audit(tx, {
        actorUserId: v.userId,
        action: 'proposal.stage',
        targetType: 'proposal',
        targetId: p.id,
        villageId: v.villageId,
        requestId,
        details: { stage: input.stage, outcome, voteId: input.voteId },
      });
      return Ok(null);
    })
    .then(async (r) => (r.ok ? openProposal(deps, v, proposalId, now) : r));
}

export async function rateProposal(
  deps: Deps,
  v: CouncilViewer,
  proposalId: string,
  input: { rating: Rating; comment?: string },
) {
  if (!v.roles.has('villager')) return Err('FORBIDDEN');
  const p = await findProposal(deps.db, v, proposalId);
  if (!p) return Err('NOT_FOUND');
  if (p.status !== 'done') return Err('STAGE_NOT_ALLOWED', '实施结果公开后才能评价');
  await deps.db
    .insert(proposalRatings)
    .values({ proposalId, userId: v.userId, rating: input.rating, comment: input.comment ?? null })
    .onConflictDoUpdate({
      target: [proposalRatings.proposalId, proposalRatings.userId],
      set: { rating: input.rating, comment: input.comment ?? null, createdAt: new Date() },
    });
  return Ok({ rating: input.rating });
}

// ─── Deliberation ────────────────────────────────────────────────────────────────────────────

export async function addComment(
  deps: Deps,
  v: CouncilViewer,
  proposalId: string,
  input: { kind: 'comment' | 'question' | 'answer'; answersId?: string; text: string },
  requestId: string,
) {
  const p = await findProposal(deps.db, v, proposalId);
  if (!p) return Err('NOT_FOUND');
  if (input.kind === 'answer') {
    if (!v.roles.has('cadre')) return Err('FORBIDDEN', '由村干部回答');
    if (!input.answersId) return Err('VALIDATION_FAILED', '请选择要回答的问题');
    const [q] = await deps.db
      .select({ id: proposalComments.id })
      .from(proposalComments)
      .where(
        and(
          eq(proposalComments.id, input.answersId),
          eq(proposalComments.proposalId, proposalId),
          eq(proposalComments.kind, 'question'),
        ),
      );
    if (!q) return Err('NOT_FOUND', '没有找到这个问题');
  }
  const id = crypto.randomUUID();
  let visible = true;
  if (input.kind !== 'answer') {
    // Villager text goes through content security before others see it.
    const checked = await checkText(deps, {
      villageId: v.villageId,
      authorUserId: v.userId,
      targetType: 'comment',
      targetId: id,
      text: input.text,
    });
    if (!checked.ok) return checked;
    visible = checked.value.visible;
  }
  await deps.db.transaction(async (tx) => {
    await tx.insert(proposalComments).values({
      id,
      proposalId,
      villageId: v.villageId,
      authorUserId: v.userId,
      kind: input.kind,
      answersId: input.kind === 'answer' ? (input.answersId ?? null) : null,
      text: input.text,
    });
    await audit(tx, {
      actorUserId: v.userId,
      action: 'proposal.comment',
      targetType: 'comment',
      targetId: id,
      villageId: v.villageId,
      requestId,
      details: { proposalId, kind: input.kind },
    });
  });
  return Ok({ id, visible });
}

// ─── Petitions ───────────────────────────────────────────────────────────────────────────────

export async function createPetition(
  deps: Deps,
  v: CouncilViewer,
  input: { kind: PetitionKind; title: string; text: string },
  requestId: string,
  now: Date,
) {
  if (!(await mayBack(deps.db, v, input.kind, now))) {
    return Err(
      'FORBIDDEN',
      PETITION_RULES[input.kind].backers === 'representatives'
        ? '只有村民代表可以发起'
        : '只有本村年满十八周岁的村民可以发起',
    );
  }
  // The proposal's id is known before the check, so the check is filed under it: others see the
  // petition once it passes (visibleTo), and a reviewer's decision applies to it.
  const proposalId = crypto.randomUUID();
  const checked = await checkText(deps, {
    villageId: v.villageId,
    authorUserId: v.userId,
    targetType: 'petition',
    targetId: proposalId,
    text: `${input.title}\n${input.text}`,
  });
  if (!checked.ok) return checked;
  await deps.db.transaction(async (tx) => {
    await tx.insert(proposals).values({
      id: proposalId,
      villageId: v.villageId,
      title: input.title,
      text: input.text,
      source: 'petition',
      createdBy: v.userId,
    });
    await tx.insert(petitions).values({ proposalId, villageId: v.villageId, kind: input.kind });
    await audit(tx, {
      actorUserId: v.userId,
      action: 'petition.create',
      targetType: 'proposal',
      targetId: proposalId,
      villageId: v.villageId,
      requestId,
      details: { kind: input.kind },
    });
  });
  const backed = await backPetition(deps, v, proposalId, requestId, now);
  if (!backed.ok) return backed;
  return Ok({ proposalId, visible: checked.value.visible, petition: backed.value });
}

export async function backPetition(
  deps: Deps,
  v: CouncilViewer,
  proposalId: string,
  requestId: string,
  now: Date,
) {
  const p = await findProposal(deps.db, v, proposalId);
  if (!p) return Err('NOT_FOUND');
  const [pet] = await deps.db.select().from(petitions).where(eq(petitions.proposalId, proposalId));
  if (!pet) return Err('NOT_FOUND', '这个议题没有联名');
  if (!(await mayBack(deps.db, v, pet.kind, now))) return Err('FORBIDDEN');
  await deps.db.transaction(async (tx) => {
    const [b] = await tx
      .insert(petitionBackings)
      .values({ petitionId: pet.id, userId: v.userId })
      .onConflictDoNothing()
      .returning();
    if (!b) return;
    await audit(tx, {
      actorUserId: v.userId,
      action: 'petition.back',
      targetType: 'proposal',
      targetId: proposalId,
      villageId: v.villageId,
      requestId,
    });
    const [c] = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(*)::int as n from petition_backings where petition_id = ${pet.id}`),
    );
    const base = await petitionBase(tx, v.villageId, pet.kind, now);
    if (!petitionProgress(pet.kind, c!.n, base).reached) return;
    const deadline = new Date(now.getTime() + PETITION_CONVENE_DAYS * 86_400_000);
    const [reached] = await tx
      .update(petitions)
      .set({ reachedAt: now, deadlineAt: deadline })
      .where(and(eq(petitions.id, pet.id), sql`${petitions.reachedAt} is null`))
      .returning();
    if (!reached) return;
    await notify(tx, {
      kind: 'petition_reached',
      villageId: v.villageId,
      audience: { type: 'role', villageId: v.villageId, role: 'cadre' },
      title: `联名提议达到法定人数：${clip(p.title, 24)}`,
      summary: `请在 ${PETITION_CONVENE_DAYS} 天内召开${PETITION_RULES[pet.kind].meeting === 'villagers_assembly' ? '村民会议' : '村民代表会议'}，逾期将报镇里`,
      objectType: 'proposal',
      objectId: proposalId,
      page: `${PAGE}?villageId=${v.villageId}&id=${proposalId}`,
      fields: {
        title: clip(p.title),
        time: deadline.toISOString().slice(0, 10),
        note: '村民联名提议待召开会议',
      },
    });
  });
  return Ok((await petitionView(deps.db, v, proposalId, now))!);
}

/**
 * Meetings and votes (DESIGN §2.2): create, open (freeze the electorate), cast, close (recount
 * from the database, build the chain, publish), read with the live tally, check a receipt,
 * download the ballot list.
 *
 * Concurrency: a cast holds a SHARED advisory lock on its vote for its short transaction, the
 * close an EXCLUSIVE one, so casts run in parallel with each other and the close waits for the
 * casts in flight and is never overtaken by one (a cast re-reads the status after taking the lock).
 * The chain is built at close in ballot order, so no cast waits on another.
 * Transitions are compare-and-set on `votes.status` and idempotent: the cron, a lazy read after
 * the close time and a retried request may race; exactly one of them opens or closes.
 *
 * Outcomes:
 * - createMeeting / createVote: Ok; FORBIDDEN (not a cadre); NOT_FOUND (meeting/proposal elsewhere);
 *   VALIDATION_FAILED (times, options).
 * - castBallot: Ok {receipt…, replay}; NOT_FOUND; NOT_ELECTOR (403: not on the frozen electorate);
 *   VOTE_NOT_OPEN / VOTE_CLOSED (409); ALREADY_VOTED (409: a different choice after a ballot —
 *   a ballot is final); VALIDATION_FAILED (no such option).
 * - checkReceipt: Ok {included:false} for an unknown (forged) receipt — never who cast it.
 * - ballotList: Ok list; VOTE_NOT_CLOSED (409) before the close.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { buildChain, newReceipt, normaliseReceipt } from '../../shared/councils/chain';
import { adultBornOnOrBefore } from '../../shared/councils/electorate';
import {
  MEETING_RULES,
  MEETING_TYPE_LABELS,
  OUTCOME_LABELS,
  type MeetingType,
  decide,
} from '../../shared/councils/quorum';
import type {
  TBallotList,
  TCreateVote,
  TReceipt,
  TReceiptCheck,
  TResult,
  TVoteView,
} from '../../shared/councils/schemas';
import { clip } from '../../shared/notices/rules';
import type { Deps } from '../_app/context';
import type { Db, Tx } from '../_db/client';
import {
  type PublishedResult,
  type VoteOption,
  ballots,
  meetings,
  petitions,
  proposals,
  voteElectors,
  votes,
} from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { notify } from '../_notices/notify';
import { type CouncilViewer, rowsOf } from './viewer';

type VoteRow = typeof votes.$inferSelect;
const LOCK_NS = 52_210; // advisory lock namespace of votes
const PAGE = '/subpackages/council/vote/index';
const TALLY_TTL_S = 30;
export const YES_NO: VoteOption[] = [
  { key: 'yes', label: '同意' },
  { key: 'no', label: '反对' },
  { key: 'abstain', label: '弃权' },
];

const beijing = (d: Date) =>
  new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

// ─── Meetings ────────────────────────────────────────────────────────────────────────────────

export async function createMeeting(
  deps: Deps,
  v: CouncilViewer,
  input: { type: MeetingType; title: string; heldAt: string; place?: string; proposalId?: string },
  requestId: string,
) {
  if (!v.roles.has('cadre')) return Err('FORBIDDEN');
  return deps.db.transaction(async (tx) => {
    if (input.proposalId) {
      const [p] = await tx
        .select({ id: proposals.id })
        .from(proposals)
        .where(and(eq(proposals.id, input.proposalId), eq(proposals.villageId, v.villageId)));
      if (!p) return Err('NOT_FOUND', '没有找到这个议题');
      // Convening the meeting a petition asked for meets its deadline.
      await tx.execute(sql`update petitions p set convened_at = now()
        where p.proposal_id = ${input.proposalId} and p.reached_at is not null and p.convened_at is null
          and ${input.type} = case when p.kind = 'representatives_meeting' then 'representatives_meeting' else 'villagers_assembly' end`);
    }
    const [m] = await tx
      .insert(meetings)
      .values({
        villageId: v.villageId,
        type: input.type,
        title: input.title,
        heldAt: new Date(input.heldAt),
        place: input.place ?? null,
        proposalId: input.proposalId ?? null,
        createdBy: v.userId,
      })
      .returning();
    await audit(tx, {
      actorUserId: v.userId,
      action: 'meeting.create',
      targetType: 'meeting',
      targetId: m!.id,
      villageId: v.villageId,
      requestId,
      details: { type: input.type },
    });
    return Ok(meetingView(m!));
  });
}

const meetingView = (m: typeof meetings.$inferSelect) => ({
  id: m.id,
  type: m.type,
  title: m.title,
  heldAt: m.heldAt.toISOString(),
  place: m.place,
  proposalId: m.proposalId,
});

export async function listMeetings(deps: Deps, v: CouncilViewer) {
  const rows = await deps.db
    .select()
    .from(meetings)
    .where(eq(meetings.villageId, v.villageId))
    .orderBy(desc(meetings.heldAt))
    .limit(100);
  return Ok({ items: rows.map(meetingView) });
}

// ─── Create, open ────────────────────────────────────────────────────────────────────────────

export async function createVote(
  deps: Deps,
  v: CouncilViewer,
  input: TCreateVote,
  requestId: string,
  now: Date,
) {
  if (!v.roles.has('cadre')) return Err('FORBIDDEN');
  if (Date.parse(input.closesAt) <= now.getTime()) return Err('VALIDATION_FAILED', '结束时间已经过了');
  const [meeting] = await deps.db
    .select()
    .from(meetings)
    .where(and(eq(meetings.id, input.meetingId), eq(meetings.villageId, v.villageId)));
  if (!meeting) return Err('NOT_FOUND', '没有找到这次会议');
  const options = input.kind === 'yes_no' ? YES_NO : input.options!;
  const id = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(votes)
      .values({
        villageId: v.villageId,
        meetingId: meeting.id,
        proposalId: meeting.proposalId,
        question: input.question,
        kind: input.kind,
        options,
        ballotMode: input.ballotMode,
        liveTally: input.liveTally,
        opensAt: new Date(input.opensAt),
        closesAt: new Date(input.closesAt),
        createdBy: v.userId,
      })
      .returning();
    await audit(tx, {
      actorUserId: v.userId,
      action: 'vote.create',
      targetType: 'vote',
      targetId: row!.id,
      villageId: v.villageId,
      requestId,
      details: { meetingType: meeting.type, ballotMode: input.ballotMode },
    });
    return row!.id;
  });
  // Opens now when its time has come (else the cron or the first read after opensAt does).
  await advance(deps, id, now);
  return Ok({ id });
}

/** The electorate of a meeting type as SQL rows (user_id, resident_id, household_id, is_household_rep, name). */
function electorateQuery(villageId: string, type: MeetingType, at: Date) {
  const rule = MEETING_RULES[type];
  if (rule.electorate === 'adult_villagers') {
    const cutoff = adultBornOnOrBefore(at);
    return sql`select r.user_id, r.id as resident_id, r.household_id, r.is_household_rep, r.name
      from residents r where r.village_id = ${villageId}
        and (r.birth_date is null or r.birth_date <= ${cutoff}::date)`;
  }
  const roles =
    rule.electorate === 'representatives_and_committee'
      ? ['representative', 'cadre']
      : rule.electorate === 'party_members'
        ? ['party_member']
        : rule.electorate === 'cadres'
          ? ['cadre']
          : ['villager'];
  return sql`select distinct on (m.user_id) m.user_id, r.id as resident_id, r.household_id,
      coalesce(r.is_household_rep, false) as is_household_rep, coalesce(r.name, u.display_name) as name
    from memberships m join users u on u.id = m.user_id
    left join residents r on r.user_id = m.user_id and r.village_id = m.village_id
    where m.village_id = ${villageId} and m.role::text in (${sql.join(
      roles.map((r) => sql`${r}`),
      sql`, `,
    )})
    order by m.user_id`;
}

/** scheduled → open: freeze the electorate, tell them. Idempotent (compare-and-set). */
export async function openVote(tx: Tx, vote: VoteRow, type: MeetingType, now: Date): Promise<boolean> {
  const [opened] = await tx
    .update(votes)
    .set({ status: 'open', openedAt: now })
    .where(and(eq(votes.id, vote.id), eq(votes.status, 'scheduled')))
    .returning({ id: votes.id });
  if (!opened) return false;
  await tx.execute(sql`insert into vote_electors (vote_id, user_id, resident_id, household_id, is_household_rep, name)
    select ${vote.id}::uuid, e.user_id, e.resident_id, e.household_id, e.is_household_rep, e.name
    from (${electorateQuery(vote.villageId, type, now)}) e`);
  const [counts] = rowsOf<{ electors: number; households: number }>(
    await tx.execute(sql`select count(*)::int as electors, count(distinct household_id)::int as households
      from vote_electors where vote_id = ${vote.id}`),
  );
  await tx
    .update(votes)
    .set({ electors: counts!.electors, households: counts!.households })
    .where(eq(votes.id, vote.id));
  const userIds = rowsOf<{ user_id: string }>(
    await tx.execute(
      sql`select user_id from vote_electors where vote_id = ${vote.id} and user_id is not null`,
    ),
  ).map((r) => r.user_id);
  await notify(tx, {
    kind: 'vote_opened',
    villageId: vote.villageId,
    audience: { type: 'users', userIds },
    title: `投票开始：${clip(vote.question, 30)}`,
    summary: `${MEETING_TYPE_LABELS[type]}投票，${beijing(vote.closesAt)} 结束`,
    objectType: 'vote',
    objectId: vote.id,
    page: `${PAGE}?villageId=${vote.villageId}&id=${vote.id}`,
    fields: { title: clip(vote.question), time: beijing(vote.closesAt), note: '请在结束前投票' },
  });
  return true;
}

/** open → closed: recount from the database, build the chain, publish, tell the village. Idempotent. */
async function closeVote(deps: Pick<Deps, 'db' | 'redis'>, voteId: string, now: Date): Promise<boolean> {
  const closed = await deps.db.transaction((tx) => closeVoteTx(tx, voteId, now));
  if (closed) await deps.redis.tallyDrop(voteId);
  return closed;
}

/** The close inside the caller's transaction (the seed uses it directly). */
export async function closeVoteTx(tx: Tx, voteId: string, now: Date): Promise<boolean> {
  // Waits for every cast in flight; later casts see the vote closed.
  await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_NS}, hashtext(${voteId}::uuid::text))`);
  const [vote] = await tx
    .update(votes)
    .set({ status: 'closed', closedAt: now })
    .where(and(eq(votes.id, voteId), eq(votes.status, 'open')))
    .returning();
  if (!vote) return false;
  const [meeting] = await tx.select().from(meetings).where(eq(meetings.id, vote.meetingId));
  const result = await computeResult(tx, vote, meeting!.type, now);
  await tx.update(votes).set({ result }).where(eq(votes.id, vote.id));
  const label = resultView(meeting!.type, result, vote).outcomeLabel;
  const phrase = OUTCOME_LABELS[result.outcome as keyof typeof OUTCOME_LABELS];
  await notify(tx, {
    kind: 'result_out',
    villageId: vote.villageId,
    audience: { type: 'village', villageId: vote.villageId },
    title: `投票结果：${clip(vote.question, 30)}`,
    summary: `${label}，${result.participants} 人参加`,
    objectType: 'vote',
    objectId: vote.id,
    page: `${PAGE}?villageId=${vote.villageId}&id=${vote.id}`,
    fields: { title: clip(vote.question), status: clip(phrase, 5), time: beijing(now) },
  });
  await audit(tx, {
    actorUserId: null,
    action: 'vote.close',
    targetType: 'vote',
    targetId: vote.id,
    villageId: vote.villageId,
    requestId: 'system',
    details: { outcome: result.outcome, participants: result.participants, chainHead: result.chainHead },
  });
  return true;
}

type CountedBallot = {
  id: number;
  receipt: string;
  option: string;
  source: 'online' | 'paper';
  name: string;
  household_id: string | null;
  is_household_rep: boolean;
};

async function countedBallots(db: Db | Tx, voteId: string): Promise<CountedBallot[]> {
  return rowsOf<CountedBallot>(
    await db.execute(sql`select b.id::int as id, b.receipt, b.option, b.source, e.name, e.household_id, e.is_household_rep
      from ballots b join vote_electors e on e.id = b.elector_id
      where b.vote_id = ${voteId} and b.status = 'counted' order by b.id`),
  );
}

async function computeResult(tx: Tx, vote: VoteRow, type: MeetingType, now: Date): Promise<PublishedResult> {
  const counted = await countedBallots(tx, vote.id);
  const [pending] = rowsOf<{ n: number }>(
    await tx.execute(
      sql`select count(*)::int as n from ballots where vote_id = ${vote.id} and status = 'pending_cosign'`,
    ),
  );
  const counts: Record<string, number> = Object.fromEntries(vote.options.map((o) => [o.key, 0]));
  const repHouseholds = new Set<string>();
  for (const b of counted) {
    counts[b.option] = (counts[b.option] ?? 0) + 1;
    if (b.is_household_rep && b.household_id) repHouseholds.add(b.household_id);
  }
  const r = decide(MEETING_RULES[type], {
    electors: vote.electors ?? 0,
    households: vote.households ?? 0,
    householdsTakingPart: repHouseholds.size,
    counts,
    approveKey: vote.kind === 'yes_no' ? 'yes' : undefined,
  });
  const chain = buildChain(vote.id, chainInput(vote, counted));
  return {
    counts,
    electors: vote.electors ?? 0,
    households: vote.households ?? 0,
    householdsTakingPart: repHouseholds.size,
    participants: r.participants,
    quorumMet: r.quorumMet,
    quorumRequired: r.quorumRequired,
    majorityRequired: r.majorityRequired,
    winner: r.winner,
    outcome: r.outcome,
    online: counted.filter((b) => b.source === 'online').length,
    paper: counted.filter((b) => b.source === 'paper').length,
    uncosignedPaper: pending!.n,
    chainHead: chain.head,
    closedAt: now.toISOString(),
  };
}

const chainInput = (vote: Pick<VoteRow, 'ballotMode'>, counted: CountedBallot[]) =>
  counted.map((b, i) => ({
    seq: i + 1,
    receipt: b.receipt,
    option: b.option,
    name: vote.ballotMode === 'open' ? b.name : null,
  }));

/**
 * Moves a vote along the clock: opens it at opensAt, closes it at closesAt. Called by the cron, by
 * every read and every cast (lazily), and after creation. Returns the current row.
 */
export async function advance(
  deps: Pick<Deps, 'db' | 'redis'>,
  voteId: string,
  now: Date,
): Promise<VoteRow | undefined> {
  let [vote] = await deps.db.select().from(votes).where(eq(votes.id, voteId));
  if (!vote) return undefined;
  if (vote.status === 'scheduled' && vote.opensAt <= now) {
    const [meeting] = await deps.db
      .select({ type: meetings.type })
      .from(meetings)
      .where(eq(meetings.id, vote.meetingId));
    await deps.db.transaction((tx) => openVote(tx, vote!, meeting!.type, now));
    [vote] = await deps.db.select().from(votes).where(eq(votes.id, voteId));
  }
  if (vote!.status === 'open' && vote!.closesAt <= now) {
    await closeVote(deps, voteId, now);
    [vote] = await deps.db.select().from(votes).where(eq(votes.id, voteId));
  }
  return vote;
}

// ─── Cast ────────────────────────────────────────────────────────────────────────────────────

/**
 * The open vote's shape, cached in this process for a second: a storm of casts does not re-read
 * the vote row each time. Only used while it says open and the close time is ahead; the database
 * function re-checks the status under the lock anyway.
 */
const openVotes = new Map<string, { at: number; vote: VoteRow }>();
const OPEN_CACHE_MS = 1000;

async function voteForCast(deps: Pick<Deps, 'db' | 'redis'>, voteId: string, now: Date) {
  const hit = openVotes.get(voteId);
  if (hit && now.getTime() - hit.at < OPEN_CACHE_MS && hit.vote.closesAt > now) return hit.vote;
  const vote = await advance(deps, voteId, now);
  if (vote?.status === 'open') {
    if (openVotes.size > 1000) openVotes.clear();
    openVotes.set(voteId, { at: now.getTime(), vote });
  } else openVotes.delete(voteId);
  return vote;
}

export async function castBallot(
  deps: Deps,
  v: CouncilViewer,
  voteId: string,
  option: string,
  now: Date,
): Promise<Outcome<TReceipt & { replay: boolean }>> {
  const vote = await voteForCast(deps, voteId, now);
  if (!vote || vote.villageId !== v.villageId) return Err('NOT_FOUND');
  if (!vote.options.some((o) => o.key === option)) return Err('VALIDATION_FAILED', '没有这个选项');
  if (vote.status === 'scheduled') return Err('VOTE_NOT_OPEN');
  // One round trip: lock, status check, insert or the ballot already cast (migration councils_extras).
  const [row] = rowsOf<{
    receipt: string | null;
    option: string | null;
    cast_at: string | Date | null;
    inserted: boolean;
    vote_status: string;
    is_elector: boolean;
  }>(
    await deps.db.execute(
      sql`select * from councils_cast_ballot(${voteId}::uuid, ${v.userId}::uuid, ${option}, ${newReceipt(randomBytes)})`,
    ),
  );
  if (!row) return Err('NOT_FOUND');
  if (!row.is_elector) return row.vote_status === 'closed' ? Err('VOTE_CLOSED') : Err('NOT_ELECTOR');
  if (row.inserted) {
    queueTally(deps.redis, voteId, option);
    return Ok({
      voteId,
      receipt: row.receipt!,
      option,
      castAt: new Date(row.cast_at!).toISOString(),
      replay: false,
    });
  }
  if (row.receipt) {
    // A retry (same choice) gets the same receipt; a ballot is final, so another choice is refused.
    if (row.option === option) {
      return Ok({
        voteId,
        receipt: row.receipt,
        option,
        castAt: new Date(row.cast_at!).toISOString(),
        replay: true,
      });
    }
    return Err('ALREADY_VOTED', undefined, { receipt: row.receipt });
  }
  if (row.vote_status !== 'open') {
    openVotes.delete(voteId);
    return Err('VOTE_CLOSED');
  }
  return Err('CONFLICT');
}

// ─── Read ────────────────────────────────────────────────────────────────────────────────────

/** Counts from the database (the source of truth). */
async function dbTally(db: Db | Tx, voteId: string, options: VoteOption[]) {
  const counts: Record<string, number> = Object.fromEntries(options.map((o) => [o.key, 0]));
  const rows = rowsOf<{ option: string; n: number }>(
    await db.execute(sql`select option, count(*)::int as n from ballots
      where vote_id = ${voteId} and status = 'counted' group by option`),
  );
  for (const r of rows) counts[r.option] = r.n;
  return counts;
}

/**
 * Live-tally increments are batched per vote and sent every TALLY_FLUSH_MS (one Redis call per
 * vote and interval instead of one per ballot). A batch lost with its instance only makes the live
 * tally lag until its TTL rebuilds it from the database; nothing that counts depends on it.
 */
const TALLY_FLUSH_MS = 200;
const pendingTally = new Map<string, Record<string, number>>();
let flushTimer: ReturnType<typeof setTimeout> | undefined;

function queueTally(redis: Deps['redis'], voteId: string, option: string) {
  const counts = pendingTally.get(voteId) ?? {};
  counts[option] = (counts[option] ?? 0) + 1;
  pendingTally.set(voteId, counts);
  if (!flushTimer) {
    flushTimer = setTimeout(() => void flushTallies(redis), TALLY_FLUSH_MS);
    flushTimer.unref?.();
  }
}

async function flushTallies(redis: Deps['redis'], only?: string) {
  const ids = only ? [only] : [...pendingTally.keys()];
  if (!only) flushTimer = undefined;
  await Promise.all(
    ids.map(async (id) => {
      const counts = pendingTally.get(id);
      if (!counts) return;
      pendingTally.delete(id);
      await redis.tallyIncr(id, counts);
    }),
  );
}

/** The live tally: Redis while it answers (rebuilt from the database when missing), else the database. */
export async function liveTally(deps: Pick<Deps, 'db' | 'redis'>, vote: VoteRow) {
  await flushTallies(deps.redis, vote.id); // this instance's own recent ballots first
  const cached = await deps.redis.tallyGet(vote.id);
  let counts: Record<string, number>;
  let source: 'redis' | 'database' = 'redis';
  if (cached) {
    counts = Object.fromEntries(vote.options.map((o) => [o.key, cached[o.key] ?? 0]));
  } else {
    counts = await dbTally(deps.db, vote.id, vote.options);
    source = (await deps.redis.tallySeed(vote.id, counts, TALLY_TTL_S)) ? 'redis' : 'database';
  }
  return { counts, participants: Object.values(counts).reduce((a, b) => a + b, 0), source };
}

export function resultView(
  type: MeetingType,
  r: PublishedResult,
  vote: Pick<VoteRow, 'kind' | 'options'>,
): TResult {
  // A custom single choice is decided by the option more than half chose: name it.
  const chosen =
    vote.kind === 'single' && r.outcome === 'adopted'
      ? vote.options.find((o) => o.key === r.winner)?.label
      : undefined;
  return {
    ...r,
    outcomeLabel: chosen
      ? `通过：${chosen}`
      : (OUTCOME_LABELS[r.outcome as keyof typeof OUTCOME_LABELS] ?? r.outcome),
    basis: MEETING_RULES[type].basis,
  };
}

async function viewOf(
  deps: Deps,
  v: CouncilViewer,
  vote: VoteRow,
  meeting: typeof meetings.$inferSelect,
  withTally: boolean,
): Promise<TVoteView> {
  const [mine] =
    vote.status === 'scheduled'
      ? []
      : rowsOf<{ receipt: string | null; option: string | null; cast_at: string | null }>(
          await deps.db.execute(sql`select b.receipt, b.option, b.cast_at from vote_electors e
            left join ballots b on b.vote_id = e.vote_id and b.elector_id = e.id
            where e.vote_id = ${vote.id} and e.user_id = ${v.userId}`),
        );
  const showTally = withTally && vote.status === 'open' && (vote.liveTally || v.roles.has('cadre'));
  return {
    id: vote.id,
    meetingId: meeting.id,
    meetingType: meeting.type,
    meetingTitle: meeting.title,
    proposalId: vote.proposalId,
    question: vote.question,
    kind: vote.kind,
    options: vote.options,
    ballotMode: vote.ballotMode,
    liveTally: vote.liveTally,
    opensAt: vote.opensAt.toISOString(),
    closesAt: vote.closesAt.toISOString(),
    status: vote.status,
    electors: vote.electors,
    eligible: vote.status === 'scheduled' ? null : Boolean(mine),
    myBallot:
      mine?.receipt && mine.option
        ? { receipt: mine.receipt, option: mine.option, castAt: new Date(mine.cast_at!).toISOString() }
        : null,
    tally: showTally ? await liveTally(deps, vote) : null,
    result: vote.result ? resultView(meeting.type, vote.result, vote) : null,
  };
}

export async function openVoteView(
  deps: Deps,
  v: CouncilViewer,
  voteId: string,
  now: Date,
): Promise<Outcome<TVoteView>> {
  const vote = await advance(deps, voteId, now);
  if (!vote || vote.villageId !== v.villageId) return Err('NOT_FOUND');
  const [meeting] = await deps.db.select().from(meetings).where(eq(meetings.id, vote.meetingId));
  return Ok(await viewOf(deps, v, vote, meeting!, true));
}

export async function listVotes(deps: Deps, v: CouncilViewer, now: Date) {
  const due = await deps.db
    .select({ id: votes.id })
    .from(votes)
    .where(
      and(
        eq(votes.villageId, v.villageId),
        sql`((${votes.status} = 'scheduled' and ${votes.opensAt} <= ${now}) or (${votes.status} = 'open' and ${votes.closesAt} <= ${now}))`,
      ),
    );
  for (const d of due) await advance(deps, d.id, now);
  const rows = await deps.db
    .select({ vote: votes, meeting: meetings })
    .from(votes)
    .innerJoin(meetings, eq(meetings.id, votes.meetingId))
    .where(eq(votes.villageId, v.villageId))
    .orderBy(desc(votes.opensAt))
    .limit(100);
  const items = [];
  for (const r of rows) {
    const { tally: _t, ...rest } = await viewOf(deps, v, r.vote, r.meeting, false);
    items.push(rest);
  }
  return Ok({ items });
}

export async function checkReceipt(
  deps: Deps,
  v: CouncilViewer,
  voteId: string,
  code: string,
): Promise<Outcome<TReceiptCheck>> {
  const [vote] = await deps.db
    .select()
    .from(votes)
    .where(and(eq(votes.id, voteId), eq(votes.villageId, v.villageId)));
  if (!vote) return Err('NOT_FOUND');
  const receipt = normaliseReceipt(code);
  const [b] = await deps.db
    .select({ id: ballots.id, option: ballots.option, status: ballots.status })
    .from(ballots)
    .where(and(eq(ballots.voteId, voteId), eq(ballots.receipt, receipt)));
  if (!b) return Ok({ included: false, status: null, option: null, seq: null, chainHash: null });
  let seq: number | null = null;
  let chainHash: string | null = null;
  if (vote.status === 'closed' && b.status === 'counted') {
    const counted = await countedBallots(deps.db, voteId);
    const chain = buildChain(vote.id, chainInput(vote, counted));
    const i = counted.findIndex((c) => c.receipt === receipt);
    seq = i + 1;
    chainHash = chain.hashes[i] ?? null;
  }
  return Ok({ included: true, status: b.status, option: b.option, seq, chainHash });
}

export async function ballotList(
  deps: Deps,
  v: CouncilViewer,
  voteId: string,
  now: Date,
): Promise<Outcome<TBallotList>> {
  const vote = await advance(deps, voteId, now);
  if (!vote || vote.villageId !== v.villageId) return Err('NOT_FOUND');
  if (vote.status !== 'closed' || !vote.result) return Err('VOTE_NOT_CLOSED');
  const [meeting] = await deps.db.select().from(meetings).where(eq(meetings.id, vote.meetingId));
  const counted = await countedBallots(deps.db, voteId);
  const input = chainInput(vote, counted);
  const chain = buildChain(vote.id, input);
  return Ok({
    format: 'cmcy-ballots-v1' as const,
    voteId: vote.id,
    question: vote.question,
    ballotMode: vote.ballotMode,
    options: vote.options,
    ballots: input.map((b, i) => ({
      seq: b.seq,
      receipt: b.receipt,
      option: b.option,
      name: b.name ?? null,
      source: counted[i]!.source,
      hash: chain.hashes[i]!,
    })),
    result: resultView(meeting!.type, vote.result, vote),
  });
}

// ─── Paper ballots ───────────────────────────────────────────────────────────────────────────

export async function listElectors(deps: Deps, v: CouncilViewer, voteId: string) {
  if (!v.roles.has('cadre') && !v.roles.has('supervisor')) return Err('FORBIDDEN');
  const [vote] = await deps.db
    .select()
    .from(votes)
    .where(and(eq(votes.id, voteId), eq(votes.villageId, v.villageId)));
  if (!vote) return Err('NOT_FOUND');
  const rows = rowsOf<{ id: string; name: string; online: boolean; voted: boolean }>(
    await deps.db.execute(sql`select e.id, e.name, e.user_id is not null as online, b.id is not null as voted
      from vote_electors e left join ballots b on b.vote_id = e.vote_id and b.elector_id = e.id
      where e.vote_id = ${voteId} order by e.name`),
  );
  return Ok({ items: rows });
}

/** A cadre enters a paper ballot cast at the meeting; it counts once a supervisor co-signs it. */
export async function enterPaperBallot(
  deps: Deps,
  v: CouncilViewer,
  voteId: string,
  input: { electorId: string; option: string },
  requestId: string,
  now: Date,
) {
  if (!v.roles.has('cadre')) return Err('FORBIDDEN');
  const vote = await advance(deps, voteId, now);
  if (!vote || vote.villageId !== v.villageId) return Err('NOT_FOUND');
  if (!vote.options.some((o) => o.key === input.option)) return Err('VALIDATION_FAILED', '没有这个选项');
  if (vote.status === 'scheduled') return Err('VOTE_NOT_OPEN');
  const receipt = newReceipt(randomBytes);
  return deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock_shared(${LOCK_NS}, hashtext(${voteId}::uuid::text))`);
    const [state] = await tx.select({ status: votes.status }).from(votes).where(eq(votes.id, voteId));
    if (state!.status !== 'open') return Err('VOTE_CLOSED');
    const [elector] = await tx
      .select()
      .from(voteElectors)
      .where(and(eq(voteElectors.id, input.electorId), eq(voteElectors.voteId, voteId)));
    if (!elector) return Err('NOT_ELECTOR');
    const [b] = await tx
      .insert(ballots)
      .values({
        voteId,
        electorId: elector.id,
        option: input.option,
        receipt,
        source: 'paper',
        status: 'pending_cosign',
        enteredBy: v.userId,
      })
      .onConflictDoNothing()
      .returning();
    // The same unique constraint as online ballots: a person counts once, online or on paper.
    if (!b) return Err('ALREADY_VOTED', '这位村民已经投过票（网上或纸质）');
    await audit(tx, {
      actorUserId: v.userId,
      action: 'ballot.paper.enter',
      targetType: 'vote',
      targetId: voteId,
      villageId: v.villageId,
      requestId,
      details: { electorId: elector.id, ballotId: b.id },
    });
    return Ok({
      id: b.id,
      electorId: elector.id,
      name: elector.name,
      option: b.option,
      status: b.status,
      enteredBy: v.userId,
      cosignedBy: null,
      receipt,
    });
  });
}

export async function listPaperBallots(deps: Deps, v: CouncilViewer, voteId: string) {
  if (!v.roles.has('cadre') && !v.roles.has('supervisor')) return Err('FORBIDDEN');
  const [vote] = await deps.db
    .select()
    .from(votes)
    .where(and(eq(votes.id, voteId), eq(votes.villageId, v.villageId)));
  if (!vote) return Err('NOT_FOUND');
  const rows = await deps.db
    .select({ b: ballots, name: voteElectors.name })
    .from(ballots)
    .innerJoin(voteElectors, eq(voteElectors.id, ballots.electorId))
    .where(and(eq(ballots.voteId, voteId), eq(ballots.source, 'paper')))
    .orderBy(asc(ballots.id));
  return Ok({
    items: rows.map((r) => ({
      id: r.b.id,
      electorId: r.b.electorId,
      name: r.name,
      option: r.b.option,
      status: r.b.status,
      enteredBy: r.b.enteredBy,
      cosignedBy: r.b.cosignedBy,
      receipt: r.b.receipt,
    })),
  });
}

/**
 * A supervisor co-signs (counts) or rejects (removes, freeing the person to vote again) a paper
 * ballot; not one they entered themselves. Only while the vote is open.
 */
export async function cosignPaperBallot(
  deps: Deps,
  v: CouncilViewer,
  voteId: string,
  ballotId: number,
  approve: boolean,
  requestId: string,
  now: Date,
) {
  if (!v.roles.has('supervisor')) return Err('FORBIDDEN');
  const vote = await advance(deps, voteId, now);
  if (!vote || vote.villageId !== v.villageId) return Err('NOT_FOUND');
  return deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock_shared(${LOCK_NS}, hashtext(${voteId}::uuid::text))`);
    const [state] = await tx.select({ status: votes.status }).from(votes).where(eq(votes.id, voteId));
    if (state!.status !== 'open') return Err('VOTE_CLOSED');
    const [b] = await tx
      .select()
      .from(ballots)
      .where(and(eq(ballots.id, ballotId), eq(ballots.voteId, voteId), eq(ballots.source, 'paper')));
    if (!b) return Err('NOT_FOUND');
    if (b.status !== 'pending_cosign') return Err('CONFLICT', '这张选票已经会签过了');
    if (b.enteredBy === v.userId) return Err('FORBIDDEN', '录入人不能自己会签');
    if (approve) {
      await tx
        .update(ballots)
        .set({ status: 'counted', cosignedBy: v.userId, cosignedAt: now })
        .where(and(eq(ballots.id, b.id), eq(ballots.status, 'pending_cosign')));
      await deps.redis.tallyDrop(voteId); // rebuilt from the database on the next read
    } else {
      await tx.delete(ballots).where(and(eq(ballots.id, b.id), eq(ballots.status, 'pending_cosign')));
    }
    await audit(tx, {
      actorUserId: v.userId,
      action: approve ? 'ballot.paper.cosign' : 'ballot.paper.reject',
      targetType: 'vote',
      targetId: voteId,
      villageId: v.villageId,
      requestId,
      details: { ballotId: b.id, electorId: b.electorId, enteredBy: b.enteredBy },
    });
    return Ok({ id: b.id, status: approve ? ('counted' as const) : ('rejected' as const) });
  });
}

// ─── Clock ───────────────────────────────────────────────────────────────────────────────────

/**
 * The councils sweep (cron or `npm run jobs:councils`): opens due votes, warns electors who have
 * not voted 2 hours before the close, closes due votes, escalates petitions whose deadline passed.
 * Every step is compare-and-set, so overlapping runs do each thing once.
 */
export async function runCouncilSweep(deps: Pick<Deps, 'db' | 'redis'>, now: Date) {
  let opened = 0;
  let closed = 0;
  const toOpen = await deps.db
    .select({ id: votes.id })
    .from(votes)
    .where(and(eq(votes.status, 'scheduled'), sql`${votes.opensAt} <= ${now}`));
  for (const r of toOpen) if ((await advance(deps, r.id, now))?.status !== 'scheduled') opened++;

  let closingNotified = 0;
  const soon = new Date(now.getTime() + 2 * 3600_000);
  const toWarn = await deps.db
    .select()
    .from(votes)
    .where(
      and(
        eq(votes.status, 'open'),
        sql`${votes.closingNotifiedAt} is null and ${votes.closesAt} <= ${soon} and ${votes.closesAt} > ${now}`,
      ),
    );
  for (const vote of toWarn) {
    const did = await deps.db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(votes)
        .set({ closingNotifiedAt: now })
        .where(and(eq(votes.id, vote.id), sql`${votes.closingNotifiedAt} is null`))
        .returning({ id: votes.id });
      if (!claimed) return false;
      const userIds = rowsOf<{ user_id: string }>(
        await tx.execute(sql`select e.user_id from vote_electors e
          where e.vote_id = ${vote.id} and e.user_id is not null
            and not exists (select 1 from ballots b where b.vote_id = e.vote_id and b.elector_id = e.id)`),
      ).map((r) => r.user_id);
      await notify(tx, {
        kind: 'vote_closing',
        villageId: vote.villageId,
        audience: { type: 'users', userIds },
        title: `投票快结束了：${clip(vote.question, 30)}`,
        summary: `${beijing(vote.closesAt)} 结束，您还没有投票`,
        objectType: 'vote',
        objectId: vote.id,
        page: `${PAGE}?villageId=${vote.villageId}&id=${vote.id}`,
        fields: { title: clip(vote.question), time: beijing(vote.closesAt), note: '您还没有投票' },
        urgent: true,
      });
      return true;
    });
    if (did) closingNotified++;
  }

  const toClose = await deps.db
    .select({ id: votes.id })
    .from(votes)
    .where(and(eq(votes.status, 'open'), sql`${votes.closesAt} <= ${now}`));
  for (const r of toClose) if (await closeVote(deps, r.id, now)) closed++;

  const petitionsEscalated = await escalateOverduePetitions(deps, now);
  return { opened, closingNotified, closed, petitionsEscalated };
}

/** The sweep every `intervalS` seconds in this process (PGlite deployments); runs never overlap. */
export function startCouncilSweepLoop(deps: Deps, intervalS: number): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = runCouncilSweep(deps, new Date())
      .then(
        () => undefined,
        (e: unknown) => deps.log('error', 'councils sweep failed', { err: String(e) }),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalS * 1000);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

async function escalateOverduePetitions(deps: Pick<Deps, 'db'>, now: Date): Promise<number> {
  const due = await deps.db
    .select({ p: petitions, title: proposals.title })
    .from(petitions)
    .innerJoin(proposals, eq(proposals.id, petitions.proposalId))
    .where(
      sql`${petitions.deadlineAt} <= ${now} and ${petitions.convenedAt} is null and ${petitions.escalatedAt} is null`,
    );
  let n = 0;
  for (const { p, title } of due) {
    const did = await deps.db.transaction(async (tx) => {
      const [claimed] = await tx
        .update(petitions)
        .set({ escalatedAt: now })
        .where(
          and(
            eq(petitions.id, p.id),
            sql`${petitions.escalatedAt} is null and ${petitions.convenedAt} is null`,
          ),
        )
        .returning({ id: petitions.id });
      if (!claimed) return false;
      const officers = rowsOf<{ user_id: string }>(
        await tx.execute(sql`select m.user_id from memberships m join villages v on v.town_id = m.town_id
          where v.id = ${p.villageId} and m.role = 'town_officer'`),
      ).map((r) => r.user_id);
      await notify(tx, {
        kind: 'petition_overdue',
        villageId: p.villageId,
        audience: { type: 'users', userIds: officers },
        title: `联名提议逾期未召开会议：${clip(title, 24)}`,
        summary: '村民联名提议已达到法定人数，村委会未在期限内召开会议',
        objectType: 'proposal',
        objectId: p.proposalId,
        page: `/subpackages/council/proposal/index?villageId=${p.villageId}&id=${p.proposalId}`,
        fields: { title: clip(title), time: beijing(now), note: '请督促村委会召开会议' },
      });
      await audit(tx, {
        actorUserId: null,
        action: 'petition.escalate',
        targetType: 'proposal',
        targetId: p.proposalId,
        villageId: p.villageId,
        requestId: 'system',
        details: { petitionId: p.id, deadlineAt: p.deadlineAt?.toISOString() },
      });
      return true;
    });
    if (did) n++;
  }
  return n;
}

/**
 * Demo councils data for one village (called from api/_db/seed.ts inside its transaction): a
 * proposal half-way through 四议两公开 with comments, an open 村民会议 vote, a closed 村民代表会议
 * vote with its published result (and the proposal it decided), and a petition collecting backers.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { newReceipt } from '../../shared/councils/chain';
import type { Tx } from '../_db/client';
import {
  ballots,
  contentChecks,
  meetings,
  memberships,
  petitionBackings,
  petitions,
  proposalComments,
  proposalStages,
  proposals,
  voteElectors,
  votes,
} from '../_db/schema';
import { closeVoteTx, openVote, YES_NO } from './votes';

const day = 86_400_000;

export async function seedCouncils(tx: Tx, villageId: string, now = new Date()) {
  const members = await tx
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.villageId, villageId));
  const cadre = members.find((m) => m.role === 'cadre')!.userId;
  const reps = [...new Set(members.filter((m) => m.role === 'representative').map((m) => m.userId))];
  const villagers = members.filter((m) => m.role === 'villager').map((m) => m.userId);
  const ymd = (d: Date) => d.toISOString().slice(0, 10);

  // 1. A proposal in progress: 提议, 商议 and 审议 recorded; its 决议 is the open 村民会议 vote.
  const [road] = await tx
    .insert(proposals)
    .values({
      villageId,
      title: '硬化村北机耕路',
      text: '村北机耕路雨天泥泞，拟用村集体资金 18 万元硬化 1.2 公里，不足部分申请镇里项目资金。',
      source: 'cadre',
      createdBy: cadre,
      doneStages: 3,
    })
    .returning();
  await tx.insert(proposalStages).values([
    {
      proposalId: road!.id,
      stage: 'propose',
      heldOn: ymd(new Date(now.getTime() - 10 * day)),
      participants: ['村党支部委员'],
      attendance: 5,
      minutes: '支部委员会研究，提出硬化村北机耕路的初步方案。',
      outcome: 'passed',
      recordedBy: cadre,
    },
    {
      proposalId: road!.id,
      stage: 'deliberate',
      heldOn: ymd(new Date(now.getTime() - 6 * day)),
      participants: ['村党支部委员', '村委会委员'],
      attendance: 8,
      minutes: '两委联席会议商议，同意方案，预算 18 万元。',
      outcome: 'passed',
      recordedBy: cadre,
    },
    {
      proposalId: road!.id,
      stage: 'review',
      heldOn: ymd(new Date(now.getTime() - 3 * day)),
      participants: ['全体党员'],
      attendance: 21,
      minutes: '党员大会审议通过，提交村民会议表决。',
      outcome: 'passed',
      recordedBy: cadre,
    },
  ]);
  const comments = await tx
    .insert(proposalComments)
    .values([
      {
        proposalId: road!.id,
        villageId,
        authorUserId: villagers[30]!,
        kind: 'question',
        text: '路修多宽？会不会占地？',
      },
      {
        proposalId: road!.id,
        villageId,
        authorUserId: villagers[31]!,
        kind: 'comment',
        text: '早该修了，下雨天拖拉机都开不进去。',
      },
    ])
    .returning();
  await tx.insert(proposalComments).values({
    proposalId: road!.id,
    villageId,
    authorUserId: cadre,
    kind: 'answer',
    answersId: comments[0]!.id,
    text: '路面宽 4 米，走原有机耕路，不占农田。',
  });
  // Demo comments count as already checked by content security.
  await tx.insert(contentChecks).values(
    comments.map((c) => ({
      villageId,
      authorUserId: c.authorUserId,
      targetType: 'comment',
      targetId: c.id,
      mediaType: 'text',
      text: c.text,
      status: 'pass' as const,
      decidedAt: now,
    })),
  );
  const [assembly] = await tx
    .insert(meetings)
    .values({
      villageId,
      type: 'villagers_assembly',
      title: '村民会议：机耕路硬化',
      heldAt: new Date(now.getTime() + 2 * day),
      place: '村委会大院',
      proposalId: road!.id,
      createdBy: cadre,
    })
    .returning();
  const [open] = await tx
    .insert(votes)
    .values({
      villageId,
      meetingId: assembly!.id,
      proposalId: road!.id,
      question: '是否同意用村集体资金硬化村北机耕路？',
      kind: 'yes_no',
      options: YES_NO,
      ballotMode: 'secret',
      liveTally: true,
      opensAt: new Date(now.getTime() - day),
      closesAt: new Date(now.getTime() + 7 * day),
      createdBy: cadre,
    })
    .returning();
  await openVote(tx, open!, 'villagers_assembly', open!.opensAt);

  // 2. A decided proposal: a closed 村民代表会议 vote with its published result.
  const [well] = await tx
    .insert(proposals)
    .values({
      villageId,
      title: '更换村西水井水泵',
      text: '村西水井水泵老化，拟更换新泵，费用 2.6 万元。',
      source: 'cadre',
      createdBy: cadre,
      doneStages: 3,
    })
    .returning();
  await tx.insert(proposalStages).values(
    (['propose', 'deliberate', 'review'] as const).map((stage, i) => ({
      proposalId: well!.id,
      stage,
      heldOn: ymd(new Date(now.getTime() - (20 - i * 3) * day)),
      participants: i === 2 ? ['全体党员'] : ['村两委委员'],
      minutes: ['支部提议更换水泵。', '两委商议同意。', '党员大会审议通过。'][i]!,
      outcome: 'passed' as const,
      recordedBy: cadre,
    })),
  );
  const [repMeeting] = await tx
    .insert(meetings)
    .values({
      villageId,
      type: 'representatives_meeting',
      title: '村民代表会议：更换水泵',
      heldAt: new Date(now.getTime() - 3 * day),
      place: '村委会会议室',
      proposalId: well!.id,
      createdBy: cadre,
    })
    .returning();
  const [closed] = await tx
    .insert(votes)
    .values({
      villageId,
      meetingId: repMeeting!.id,
      proposalId: well!.id,
      question: '是否同意更换村西水井水泵（2.6 万元）？',
      kind: 'yes_no',
      options: YES_NO,
      ballotMode: 'open',
      liveTally: true,
      opensAt: new Date(now.getTime() - 4 * day),
      closesAt: new Date(now.getTime() - 3 * day),
      createdBy: cadre,
    })
    .returning();
  await openVote(tx, closed!, 'representatives_meeting', closed!.opensAt);
  const electors = await tx.select().from(voteElectors).where(eq(voteElectors.voteId, closed!.id));
  const cast = electors.slice(0, Math.ceil((electors.length * 5) / 6));
  await tx.insert(ballots).values(
    cast.map((e, i) => ({
      voteId: closed!.id,
      electorId: e.id,
      option: i % 7 === 3 ? 'no' : i % 9 === 5 ? 'abstain' : 'yes',
      receipt: newReceipt(randomBytes),
      castAt: new Date(closed!.opensAt.getTime() + (i + 1) * 60_000),
    })),
  );
  await closeVoteTx(tx, closed!.id, closed!.closesAt);
  const [res] = await tx.select({ result: votes.result }).from(votes).where(eq(votes.id, closed!.id));
  const adopted = res!.result!.outcome === 'adopted';
  await tx.insert(proposalStages).values({
    proposalId: well!.id,
    stage: 'resolve',
    heldOn: ymd(closed!.closesAt),
    participants: ['村民代表', '村委会委员'],
    attendance: res!.result!.participants,
    minutes: '村民代表会议表决。',
    outcome: adopted ? 'passed' : 'rejected',
    voteId: closed!.id,
    recordedBy: cadre,
  });
  if (adopted) {
    // 决议公开 follows an adopted resolution automatically, as recordStage does.
    await tx.insert(proposalStages).values({
      proposalId: well!.id,
      stage: 'publish_resolution',
      heldOn: ymd(closed!.closesAt),
      minutes: '决议已在村务公开栏公布。',
      outcome: 'passed',
      recordedBy: cadre,
      publishedAt: closed!.closesAt,
      publication: {
        board: 'pending-disclosures',
        stage: 'publish_resolution',
        title: `决议公开：${well!.title}`,
      },
    });
  }
  await tx
    .update(proposals)
    .set({ doneStages: adopted ? 5 : 4, status: adopted ? 'adopted' : 'rejected' })
    .where(and(eq(proposals.id, well!.id)));

  // Demo data is history, not news: no inbox entries or pushes about it, no audit rows from the seed.
  await tx.execute(
    sql`delete from outbox where event_id in (select event_id from inbox_entries where object_type = 'vote' and village_id = ${villageId})`,
  );
  await tx.execute(sql`delete from inbox_entries where object_type = 'vote' and village_id = ${villageId}`);

  // 3. A petition collecting backers (representatives asking for a 村民代表会议).
  if (reps.length > 5) {
    const [ask] = await tx
      .insert(proposals)
      .values({
        villageId,
        title: '增加垃圾清运次数',
        text: '夏天垃圾一周只清运一次，气味大，请召开村民代表会议讨论增加清运次数。',
        source: 'petition',
        createdBy: reps[0]!,
      })
      .returning();
    const [pet] = await tx
      .insert(petitions)
      .values({ proposalId: ask!.id, villageId, kind: 'representatives_meeting' })
      .returning();
    await tx.insert(petitionBackings).values({ petitionId: pet!.id, userId: reps[0]! });
    // Like the demo comments, its text counts as already checked (others see a petition once passed).
    await tx.insert(contentChecks).values({
      villageId,
      authorUserId: reps[0]!,
      targetType: 'petition',
      targetId: ask!.id,
      mediaType: 'text',
      text: `${ask!.title}\n${ask!.text}`,
      status: 'pass' as const,
      decidedAt: now,
    });
  }
}

/**
 * Councils and votes (DESIGN §2.2): proposals through 四议两公开, deliberation, petitions,
 * meetings, votes with a frozen electorate and ballots. Rules: shared/councils.
 *
 * One person, one ballot: `ballots` is UNIQUE (vote_id, elector_id), and an elector is one row of
 * the electorate frozen when the vote opened (`vote_electors`, itself unique per person), so an
 * online ballot and a paper ballot for the same person collide in the database, not in code.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns';
import { MEETING_TYPES, PETITION_KINDS } from '../../shared/councils/quorum';
import { PROPOSAL_STATUSES, RATINGS, STAGES } from '../../shared/councils/stages';
import { households, matters, residents, users, villages } from './schema';

export const meetingTypeEnum = pgEnum('meeting_type', MEETING_TYPES);
export const proposalStageEnum = pgEnum('proposal_stage', STAGES);
export const proposalStatusEnum = pgEnum('proposal_status', PROPOSAL_STATUSES);
export const petitionKindEnum = pgEnum('petition_kind', PETITION_KINDS);
export const voteStatusEnum = pgEnum('vote_status', ['scheduled', 'open', 'closed']);
export const ballotModeEnum = pgEnum('ballot_mode', ['open', 'secret']);
export const ballotSourceEnum = pgEnum('ballot_source', ['online', 'paper']);
export const ballotStatusEnum = pgEnum('ballot_status', ['counted', 'pending_cosign']);
export const ratingEnum = pgEnum('proposal_rating', RATINGS);

export const proposals = pgTable(
  'proposals',
  {
    id: id(),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    title: text().notNull(),
    text: text().notNull(),
    /** cadre: drafted by a cadre; matter: handed over by matters (route → decide); petition: 联名提议. */
    source: text().$type<'cadre' | 'matter' | 'petition'>().notNull(),
    matterId: uuid().references(() => matters.id),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    /** How many of the six stages are recorded (0…6); the next one is STAGES[doneStages]. */
    doneStages: integer().notNull().default(0),
    status: proposalStatusEnum().notNull().default('active'),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [
    index().on(t.villageId, t.createdAt),
    uniqueIndex().on(t.matterId).where(sql`${t.matterId} is not null`),
  ],
);

export const proposalStages = pgTable(
  'proposal_stages',
  {
    id: id(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    stage: proposalStageEnum().notNull(),
    heldOn: date({ mode: 'string' }).notNull(),
    /** Who took part (names or groups) and how many attended. */
    participants: jsonb().$type<string[]>().notNull().default([]),
    attendance: integer(),
    minutes: text().notNull().default(''),
    // Attachments (photos, minutes as files) are media rows pointing here (media.proposal_stage_id).
    outcome: text().$type<'passed' | 'rejected'>().notNull(),
    outcomeNote: text(),
    voteId: uuid(),
    /** Set when the stage went to the disclosure board (publishToBoard). */
    publishedAt: timestamp({ withTimezone: true }),
    publication: jsonb().$type<Record<string, unknown>>(),
    recordedBy: uuid().references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex().on(t.proposalId, t.stage)],
);

/** 民评 of the implementation: one per villager per proposal (a new rating replaces it). */
export const proposalRatings = pgTable(
  'proposal_ratings',
  {
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    rating: ratingEnum().notNull(),
    comment: text(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex().on(t.proposalId, t.userId)],
);

/** 民事民议: comments and questions; a cadre's answer names the question it answers. */
export const proposalComments = pgTable(
  'proposal_comments',
  {
    id: id(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    authorUserId: uuid()
      .notNull()
      .references(() => users.id),
    kind: text().$type<'comment' | 'question' | 'answer'>().notNull(),
    answersId: uuid(),
    text: text().notNull(),
    hiddenAt: timestamp({ withTimezone: true }),
    hiddenBy: uuid().references(() => users.id),
    /** Shown to the author when a moderator hides the comment. */
    hiddenReason: text(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.proposalId, t.createdAt)],
);

/**
 * A member's report of a comment (once per person). A moderator settles the open reports of a
 * comment by hiding it or keeping it; a later report by someone else opens it again.
 */
export const commentReports = pgTable(
  'comment_reports',
  {
    commentId: uuid()
      .notNull()
      .references(() => proposalComments.id),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    reason: text().notNull(),
    createdAt: createdAt(),
    resolvedAt: timestamp({ withTimezone: true }),
    resolvedBy: uuid().references(() => users.id),
    resolution: text().$type<'hidden' | 'kept'>(),
  },
  (t) => [
    uniqueIndex().on(t.commentId, t.userId),
    // The moderators' list reads only open reports.
    index().on(t.commentId).where(sql`${t.resolvedAt} is null`),
  ],
);

/** 联名提议 on a proposal: backings are counted against the roster (shared/councils PETITION_RULES). */
export const petitions = pgTable(
  'petitions',
  {
    id: id(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id)
      .unique(),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    kind: petitionKindEnum().notNull(),
    reachedAt: timestamp({ withTimezone: true }),
    /** Reached → the committee must convene the meeting by then, or the town is told. */
    deadlineAt: timestamp({ withTimezone: true }),
    convenedAt: timestamp({ withTimezone: true }),
    escalatedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.deadlineAt).where(sql`${t.convenedAt} is null and ${t.escalatedAt} is null`)],
);

export const petitionBackings = pgTable(
  'petition_backings',
  {
    petitionId: uuid()
      .notNull()
      .references(() => petitions.id),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex().on(t.petitionId, t.userId)],
);

export const meetings = pgTable(
  'meetings',
  {
    id: id(),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    type: meetingTypeEnum().notNull(),
    title: text().notNull(),
    heldAt: timestamp({ withTimezone: true }).notNull(),
    place: text(),
    proposalId: uuid().references(() => proposals.id),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.villageId, t.heldAt)],
);

export type VoteOption = { key: string; label: string };
export type PublishedResult = {
  counts: Record<string, number>;
  electors: number;
  households: number;
  householdsTakingPart: number;
  participants: number;
  quorumMet: boolean;
  quorumRequired: number | null;
  majorityRequired: number;
  winner: string | null;
  outcome: string;
  /** Counted ballots by source, and paper ballots left without a supervisor's co-signature. */
  online: number;
  paper: number;
  uncosignedPaper: number;
  chainHead: string;
  closedAt: string;
};

export const votes = pgTable(
  'votes',
  {
    id: id(),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    meetingId: uuid()
      .notNull()
      .references(() => meetings.id),
    proposalId: uuid().references(() => proposals.id),
    question: text().notNull(),
    /** yes_no: 同意/反对/弃权 (key 'yes' adopts); single: a custom single choice. */
    kind: text().$type<'yes_no' | 'single'>().notNull(),
    options: jsonb().$type<VoteOption[]>().notNull(),
    ballotMode: ballotModeEnum().notNull(),
    /** Live tally visible while open; false: hidden until close. */
    liveTally: boolean().notNull().default(true),
    opensAt: timestamp({ withTimezone: true }).notNull(),
    closesAt: timestamp({ withTimezone: true }).notNull(),
    status: voteStatusEnum().notNull().default('scheduled'),
    openedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
    closingNotifiedAt: timestamp({ withTimezone: true }),
    /** Size of the frozen electorate and its households (set at opening). */
    electors: integer(),
    households: integer(),
    result: jsonb().$type<PublishedResult>(),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index().on(t.villageId, t.createdAt),
    index().on(t.status, t.closesAt),
    index().on(t.status, t.opensAt),
  ],
);

/** The electorate, frozen when the vote opens. A person appears once (by user and by roster entry). */
export const voteElectors = pgTable(
  'vote_electors',
  {
    id: id(),
    voteId: uuid()
      .notNull()
      .references(() => votes.id),
    userId: uuid().references(() => users.id),
    residentId: uuid().references(() => residents.id),
    householdId: uuid().references(() => households.id),
    isHouseholdRep: boolean().notNull().default(false),
    name: text().notNull(),
  },
  (t) => [
    uniqueIndex().on(t.voteId, t.userId).where(sql`${t.userId} is not null`),
    uniqueIndex().on(t.voteId, t.residentId).where(sql`${t.residentId} is not null`),
  ],
);

export const ballots = pgTable(
  'ballots',
  {
    /** Ballot order: the chain runs over counted ballots by this id. */
    id: bigserial({ mode: 'number' }).primaryKey(),
    voteId: uuid()
      .notNull()
      .references(() => votes.id),
    electorId: uuid()
      .notNull()
      .references(() => voteElectors.id),
    option: text().notNull(),
    receipt: text().notNull(),
    source: ballotSourceEnum().notNull().default('online'),
    status: ballotStatusEnum().notNull().default('counted'),
    /** Paper ballots: the cadre who entered it and the supervisor who co-signed it. */
    enteredBy: uuid().references(() => users.id),
    cosignedBy: uuid().references(() => users.id),
    cosignedAt: timestamp({ withTimezone: true }),
    castAt: createdAt(),
  },
  (t) => [uniqueIndex().on(t.voteId, t.electorId), uniqueIndex().on(t.voteId, t.receipt)],
);

/**
 * Matters beyond raise-and-act (DESIGN §2.1): a village's categories and time limits, the cadres'
 * duty roster, mediation sessions, the hand-off to the councils, and followers of a matter.
 */
import { sql } from 'drizzle-orm';
import {
  date,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { MATTER_LEVELS } from '../../shared/matters/workflow';
import { matterEvents, matters, users, villages } from './schema';

/** One row per village that changed a default: its categories and its time-limit overrides (hours). */
export const villageMatterSettings = pgTable('village_matter_settings', {
  villageId: uuid()
    .primaryKey()
    .references(() => villages.id),
  /** null: the defaults (DEFAULT_CATEGORIES). Hidden ones stay for old matters but cannot be chosen. */
  categories: jsonb().$type<{ key: string; label: string; hidden?: boolean }[]>(),
  timeLimits: jsonb().$type<Record<string, number>>().notNull().default({}),
  updatedBy: uuid().references(() => users.id),
  updatedAt: createdAt(),
});

/** 值班表: which cadre is on duty each weekday (0 = Sunday … 6 = Saturday, Beijing time). */
export const matterDuty = pgTable(
  'matter_duty',
  {
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    weekday: smallint().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    updatedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.villageId, t.weekday] })],
);

export const mediationOutcomeEnum = pgEnum('mediation_outcome', [
  'agreed',
  'partly_agreed',
  'not_agreed',
  'adjourned',
]);
export const mediationRungEnum = pgEnum('mediation_rung', MATTER_LEVELS);

/** One mediation session (调解记录) on a rung of the ladder; its timeline row is `eventId`. */
export const mediationSessions = pgTable(
  'mediation_sessions',
  {
    id: uuid().primaryKey().defaultRandom(),
    matterId: uuid()
      .notNull()
      .references(() => matters.id),
    eventId: uuid()
      .notNull()
      .references(() => matterEvents.id),
    rung: mediationRungEnum().notNull(),
    heldOn: date({ mode: 'string' }).notNull(),
    place: text().notNull(),
    participants: jsonb().$type<string[]>().notNull(),
    said: text().notNull(),
    outcome: mediationOutcomeEnum().notNull(),
    recordedBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.matterId, t.createdAt)],
);

export const matterDecisionStatusEnum = pgEnum('matter_decision_status', ['pending', 'adopted', 'rejected']);

/**
 * A matter handed to the councils as a proposal (the decide track). The councils module fills
 * `proposalId` when it creates the proposal and calls back `returnDecision` with the outcome.
 */
export const matterDecisions = pgTable(
  'matter_decisions',
  {
    id: uuid().primaryKey().defaultRandom(),
    matterId: uuid()
      .notNull()
      .references(() => matters.id),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    title: text().notNull(),
    text: text().notNull(),
    requestedBy: uuid()
      .notNull()
      .references(() => users.id),
    proposalId: uuid(),
    status: matterDecisionStatusEnum().notNull().default('pending'),
    summary: text(),
    decidedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    // A matter waits for at most one proposal at a time (it may be decided again after a reopen).
    uniqueIndex('matter_decisions_pending_unique').on(t.matterId).where(sql`${t.status} = 'pending'`),
    index().on(t.proposalId),
  ],
);

/** People who follow a matter (关注): told when it moves. */
export const matterFollowers = pgTable(
  'matter_followers',
  {
    matterId: uuid()
      .notNull()
      .references(() => matters.id),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.matterId, t.userId] }), index().on(t.userId)],
);

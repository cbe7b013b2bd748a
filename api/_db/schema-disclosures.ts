/**
 * Disclosure boards (DESIGN §2.3): the 小微权力清单, periodic and event disclosures with their
 * versions (published ones are immutable: a trigger refuses UPDATE/DELETE, see the
 * disclosures_extras migration), supervisor reviews, the per-village chain head, household read
 * receipts, questions on lines (each a matter), the schedule and the reminders sent.
 */
import { sql } from 'drizzle-orm';
import {
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import type { TextLine } from '../../shared/disclosures/chain';
import { DISCLOSURE_KINDS, VERSION_STATUSES } from '../../shared/disclosures/kinds';
import type { LedgerEntry } from '../../shared/disclosures/ledger';
import type { PowerStep } from '../../shared/disclosures/power-template';
import { households, matters, users, villages } from './schema';

export const powerGroupEnum = pgEnum('power_group', ['collective', 'service']);
export const disclosureKindEnum = pgEnum('disclosure_kind', DISCLOSURE_KINDS);
export const versionStatusEnum = pgEnum('disclosure_version_status', VERSION_STATUSES);
export const reviewDecisionEnum = pgEnum('disclosure_review_decision', ['approve', 'return']);

/** One small power of a village; `key` names the template item it was adopted from. */
export const powerItems = pgTable(
  'power_items',
  {
    id: uuid().primaryKey().defaultRandom(),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    key: text(),
    group: powerGroupEnum().notNull(),
    title: text().notNull(),
    legalBasis: text().notNull(),
    responsible: text().notNull(),
    steps: jsonb().$type<PowerStep[]>().notNull(),
    materials: jsonb().$type<string[]>().notNull().default([]),
    sortOrder: integer().notNull().default(0),
    updatedBy: uuid().references(() => users.id),
    updatedAt: createdAt(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex().on(t.villageId, t.key), index().on(t.villageId, t.sortOrder)],
);

/** The thing disclosed: one per village × kind × period (or per event / resolution). */
export const disclosures = pgTable(
  'disclosures',
  {
    id: uuid().primaryKey().defaultRandom(),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    kind: disclosureKindEnum().notNull(),
    /** `2026-11` or `2026-Q4`; null for event kinds. */
    period: text(),
    periodStart: date(),
    periodEnd: date(),
    /** The council proposal a resolution / implementation result belongs to. */
    proposalId: text(),
    /** The published version shown as current (0 until the first is published). */
    currentVersionNo: integer().notNull().default(0),
    createdBy: uuid().references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.villageId, t.kind, t.periodStart)],
);

export const disclosureVersions = pgTable(
  'disclosure_versions',
  {
    id: uuid().primaryKey().defaultRandom(),
    disclosureId: uuid()
      .notNull()
      .references(() => disclosures.id),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    versionNo: integer().notNull(),
    status: versionStatusEnum().notNull().default('draft'),
    title: text().notNull(),
    body: text().notNull().default(''),
    ledger: jsonb().$type<{ openingFen: number; declaredClosingFen: number; entries: LedgerEntry[] }>(),
    sections: jsonb().$type<TextLine[]>(),
    /** Why this correction was made (versions after the first). */
    reason: text(),
    draftedBy: uuid().references(() => users.id),
    submittedBy: uuid().references(() => users.id),
    submittedAt: timestamp({ withTimezone: true }),
    // Set once, when published (the row is frozen from then on):
    cosignedBy: uuid().references(() => users.id),
    cosignerName: text(),
    publishedAt: timestamp({ withTimezone: true }),
    seq: integer(),
    prevHash: text(),
    hash: text(),
    updatedAt: createdAt(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex().on(t.disclosureId, t.versionNo),
    uniqueIndex().on(t.villageId, t.seq),
    // At most one open (unpublished) version per disclosure.
    uniqueIndex('disclosure_versions_one_open').on(t.disclosureId).where(sql`status <> 'published'`),
    index().on(t.villageId, t.status),
  ],
);

/** Each supervisor decision on a submitted version: the co-signature, or a return with comments. */
export const disclosureReviews = pgTable(
  'disclosure_reviews',
  {
    id: uuid().primaryKey().defaultRandom(),
    versionId: uuid()
      .notNull()
      .references(() => disclosureVersions.id),
    reviewerId: uuid()
      .notNull()
      .references(() => users.id),
    decision: reviewDecisionEnum().notNull(),
    comment: text().notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.versionId)],
);

/** The village's chain head: the version stamp of every cached board read. */
export const disclosureHeads = pgTable('disclosure_heads', {
  villageId: uuid()
    .primaryKey()
    .references(() => villages.id),
  seq: integer().notNull(),
  hash: text().notNull(),
  updatedAt: createdAt(),
});

/** Distinct households that opened a disclosure. */
export const disclosureReads = pgTable(
  'disclosure_reads',
  {
    disclosureId: uuid()
      .notNull()
      .references(() => disclosures.id),
    householdId: uuid()
      .notNull()
      .references(() => households.id),
    firstUserId: uuid().references(() => users.id),
    at: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.disclosureId, t.householdId] })],
);

/** A villager's 质询 on one line of a published version; the matter carries it to the supervisors. */
export const disclosureQuestions = pgTable(
  'disclosure_questions',
  {
    id: uuid().primaryKey().defaultRandom(),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    disclosureId: uuid()
      .notNull()
      .references(() => disclosures.id),
    versionNo: integer().notNull(),
    lineNo: integer().notNull(),
    matterId: uuid()
      .notNull()
      .references(() => matters.id),
    askedBy: uuid()
      .notNull()
      .references(() => users.id),
    text: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.disclosureId)],
);

export const disclosureSchedules = pgTable('disclosure_schedules', {
  villageId: uuid()
    .primaryKey()
    .references(() => villages.id),
  finance: text().notNull().default('month'),
  affairs: text().notNull().default('quarter'),
  party: text().notNull().default('quarter'),
  /** Periods ending before this date are not flagged (when the village started the board). */
  since: date().notNull(),
  updatedAt: createdAt(),
});

/** One reminder per village × kind × period × state, so the cron may run as often as it likes. */
export const disclosureReminders = pgTable(
  'disclosure_reminders',
  {
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    kind: disclosureKindEnum().notNull(),
    period: text().notNull(),
    state: text().notNull(),
    at: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.villageId, t.kind, t.period, t.state] })],
);

/**
 * Uploaded media (photos, voice, ledger vouchers, stage documents). The object lives in storage
 * (`storageKey`) and is written BEFORE its row commits: an object without a row is harmless garbage,
 * a row without an object never happens. A row is attached to at most one place: one matter (and,
 * for action photos, one event), one 四议两公开 stage record, or — a voucher — one finance
 * disclosure, whose versions may each list it. Once a published version lists a voucher
 * (`voucherPublishedAt`), a trigger freezes what identifies its bytes (migration
 * media_vouchers_frozen): the chain commits to its sha256.
 */
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { MEDIA_PURPOSES, MEDIA_STATUSES } from '../../shared/media/rules';
import { proposalStages } from './schema-councils';
import { matterEvents, matters, users, villages } from './schema';
import { disclosures } from './schema-disclosures';

export const mediaPurposeEnum = pgEnum('media_purpose', MEDIA_PURPOSES);
export const mediaStatusEnum = pgEnum('media_status', MEDIA_STATUSES);

export const media = pgTable(
  'media',
  {
    id: uuid().primaryKey().defaultRandom(),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    uploaderUserId: uuid()
      .notNull()
      .references(() => users.id),
    purpose: mediaPurposeEnum().notNull(),
    /** Detected from the content (file-type), never taken from the client. */
    mime: text().notNull(),
    size: integer().notNull(),
    sha256: text().notNull(),
    storageKey: text().notNull(),
    /**
     * Mirrors the content checks on ('media', id) — they decide; this is refreshed from them. A
     * stage attachment is the committee's own record, not checked: 'ok' once attached.
     */
    status: mediaStatusEnum().notNull().default('pending_check'),
    /** The uploader's Idempotency-Key: a retried upload returns the same row. */
    idempotencyKey: text(),
    matterId: uuid().references(() => matters.id),
    /** For photos taken with a workflow action (resolve with photos): that timeline row. */
    matterEventId: uuid().references(() => matterEvents.id),
    /** A voucher photo: the finance disclosure whose ledger lists it (any of its versions). */
    disclosureId: uuid().references(() => disclosures.id),
    /** When a published version first listed this voucher; from then on it is public and frozen. */
    voucherPublishedAt: timestamp({ withTimezone: true }),
    attachedAt: timestamp({ withTimezone: true }),
    /** Order among the photos it was attached with (as the villager arranged them). */
    position: integer(),
    /** The 四议两公开 stage record it belongs to (purpose stage_attachment). */
    proposalStageId: uuid().references(() => proposalStages.id),
    /** The file's own name, shown with a document (stage attachments only). */
    fileName: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex().on(t.uploaderUserId, t.idempotencyKey),
    uniqueIndex().on(t.storageKey),
    index().on(t.matterId),
    index().on(t.disclosureId),
    index().on(t.proposalStageId),
    index().on(t.villageId, t.createdAt),
  ],
);

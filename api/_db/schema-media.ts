/**
 * Uploaded media (photos, voice, stage documents). The object lives in storage (`storageKey`) and
 * is written BEFORE its row commits: an object without a row is harmless garbage, a row without an
 * object never happens. A row is attached to at most one place: one matter (and, for action
 * photos, one event), or one 四议两公开 stage record.
 */
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { MEDIA_PURPOSES, MEDIA_STATUSES } from '../../shared/media/rules';
import { proposalStages } from './schema-councils';
import { matterEvents, matters, users, villages } from './schema';

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
    index().on(t.proposalStageId),
    index().on(t.villageId, t.createdAt),
  ],
);

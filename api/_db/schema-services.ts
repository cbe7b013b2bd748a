/**
 * Village services (一门式办理): the catalogue, weekly hours, dated exceptions, slots (one row per
 * service × start, created when first booked or cancelled), bookings and the waitlist.
 *
 * Guarantees held by the database itself (see migration services_extras):
 * - a slot's `booked + held` never exceeds its `capacity` (CHECK; bookings take a place with a
 *   conditional UPDATE … WHERE booked + held < capacity);
 * - one person never holds two active bookings whose times overlap (EXCLUDE USING gist on
 *   user × tstzrange, needs btree_gist);
 * - a retried booking request is one booking (unique user × request key);
 * - a booking code is unique within its village;
 * - a service's name is unique among the village's active services.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns';
import { BOOKING_STATUSES, SERVICE_ICONS } from '../../shared/services/schemas';
import { users, villages } from './schema';

export const serviceIconEnum = pgEnum('service_icon', SERVICE_ICONS);
export const bookingStatusEnum = pgEnum('booking_status', BOOKING_STATUSES);
export const waitlistStatusEnum = pgEnum('waitlist_status', [
  'waiting',
  'offered',
  'accepted',
  'expired',
  'left',
]);
export const serviceExceptionKindEnum = pgEnum('service_exception_kind', ['closed', 'extra']);

export const services = pgTable(
  'services',
  {
    id: id(),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    name: text().notNull(),
    icon: serviceIconEnum().notNull().default('other'),
    summary: text().notNull().default(''),
    /** What to bring (带齐材料). */
    materials: jsonb().$type<string[]>().notNull().default([]),
    /** How long the service takes at the desk. */
    durationMinutes: integer().notNull().default(15),
    /** Who serves it, e.g. "法律明白人 王德明". */
    servedBy: text().notNull().default(''),
    bookable: boolean().notNull().default(true),
    /** Can be requested as an errand (代办): it becomes a matter of kind 代办请求. */
    errand: boolean().notNull().default(false),
    slotMinutes: integer().notNull().default(30),
    cutoffMinutes: integer().notNull().default(60),
    /** false once retired: gone from the catalogue, its future bookings cancelled by the village. */
    active: boolean().notNull().default(true),
    retiredAt: timestamp({ withTimezone: true }),
    retiredReason: text(),
    sortOrder: integer().notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    // Names are unique among the services on offer: a retired name can be used again.
    uniqueIndex().on(t.villageId, t.name).where(sql`${t.active}`),
    check('services_slot_minutes', sql`${t.slotMinutes} > 0`),
  ],
);

export const serviceHours = pgTable(
  'service_hours',
  {
    id: id(),
    serviceId: uuid()
      .notNull()
      .references(() => services.id),
    /** Monday = 1 … Sunday = 7. */
    weekday: smallint().notNull(),
    /** 'HH:MM' Beijing time. */
    start: text().notNull(),
    end: text().notNull(),
    capacity: integer().notNull(),
  },
  (t) => [index().on(t.serviceId)],
);

export const serviceExceptions = pgTable(
  'service_exceptions',
  {
    id: id(),
    serviceId: uuid()
      .notNull()
      .references(() => services.id),
    /** Beijing calendar date. */
    date: text().notNull(),
    kind: serviceExceptionKindEnum().notNull(),
    start: text(),
    end: text(),
    capacity: integer(),
    reason: text().notNull(),
    createdBy: uuid().references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.serviceId, t.date)],
);

export const serviceSlots = pgTable(
  'service_slots',
  {
    id: id(),
    serviceId: uuid()
      .notNull()
      .references(() => services.id),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    capacity: integer().notNull(),
    /** Places taken by active bookings. */
    booked: integer().notNull().default(0),
    /** Places held for a waitlisted person who was offered one. */
    held: integer().notNull().default(0),
    cancelled: boolean().notNull().default(false),
    cancelReason: text(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex().on(t.serviceId, t.startsAt),
    index().on(t.villageId, t.startsAt),
    check(
      'service_slots_places',
      sql`${t.booked} >= 0 and ${t.held} >= 0 and ${t.booked} + ${t.held} <= ${t.capacity}`,
    ),
  ],
);

export const serviceBookings = pgTable(
  'service_bookings',
  {
    id: id(),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    serviceId: uuid()
      .notNull()
      .references(() => services.id),
    slotId: uuid()
      .notNull()
      .references(() => serviceSlots.id),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    /** Copied from the slot so the overlap constraint can see them. */
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    code: text().notNull(),
    status: bookingStatusEnum().notNull().default('booked'),
    note: text().notNull().default(''),
    materialsChecked: jsonb().$type<string[]>().notNull().default([]),
    /** The Idempotency-Key of the request that made it (a retry finds it). */
    requestKey: text(),
    remindedDayAt: timestamp({ withTimezone: true }),
    remindedNearAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
    cancelledBy: uuid().references(() => users.id),
    cancelReason: text(),
    checkedInAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    deskUserId: uuid().references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex().on(t.villageId, t.code),
    uniqueIndex().on(t.userId, t.requestKey),
    index().on(t.slotId),
    index().on(t.userId, t.startsAt),
    index().on(t.villageId, t.startsAt),
  ],
);

export const serviceWaitlist = pgTable(
  'service_waitlist',
  {
    id: id(),
    villageId: uuid()
      .notNull()
      .references(() => villages.id),
    slotId: uuid()
      .notNull()
      .references(() => serviceSlots.id),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    status: waitlistStatusEnum().notNull().default('waiting'),
    offeredAt: timestamp({ withTimezone: true }),
    offerExpiresAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex().on(t.slotId, t.userId).where(sql`${t.status} in ('waiting', 'offered')`),
    index().on(t.slotId, t.createdAt),
    index().on(t.status, t.offerExpiresAt),
  ],
);

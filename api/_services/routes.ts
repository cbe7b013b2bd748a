/**
 * /api/villages/{villageId}/services…, /bookings…, /waitlist…, /service-desk…
 * Reading the catalogue and slots: any member. Booking, waitlist, errands: villagers (their own
 * bookings only; someone else's booking id is NOT_FOUND). New services, edits, retiring, hours,
 * exceptions, slot cancel and the desk: cadres. Another village: NOT_FOUND.
 */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { VILLAGE_ROLES, type Role } from '../../shared/roles';
import { ZId, ZVillageParams } from '../../shared/schemas/common';
import {
  ZAddExceptionSchema,
  ZBookSchema,
  ZBookingSchema,
  ZCancelSlotSchema,
  ZCancelledSlotSchema,
  ZCheckInByCodeSchema,
  ZCreateServiceSchema,
  ZDeskActionSchema,
  ZDeskDaySchema,
  ZDeskEntrySchema,
  ZDeskQuery,
  ZErrandRaisedSchema,
  ZErrandSchema,
  ZMyBookingsSchema,
  ZRescheduleSchema,
  ZRetireServiceSchema,
  ZRetiredServiceSchema,
  ZServiceDetailSchema,
  ZServiceListSchema,
  ZSetHoursSchema,
  ZSlotListSchema,
  ZSlotQuery,
  ZSlotRefSchema,
  ZUpdateServiceSchema,
  ZWaitlistEntrySchema,
} from '../../shared/services/schemas';
import type { AppEnv } from '../_app/context';
import { newRouter } from '../_app/router';
import { requireAuthLimited, requireAuthNoProfileChange } from '../_auth/middleware';
import { assertVillageRole } from '../_lib/access';
import { Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, jsonBody, reply } from '../_lib/http';
import { idempotency, ownIdempotencyKey } from '../_lib/idempotency';
import { rateLimit } from '../_lib/rate-limit';
import {
  acceptOffer,
  book,
  cancelBooking,
  joinWaitlist,
  leaveWaitlist,
  myBookings,
  type PrefetchedRead,
  prefetchBookingRead,
  reschedule,
} from './bookings';
import {
  addException,
  createService,
  listServices,
  removeException,
  retireService,
  serviceDetail,
  setHours,
  updateService,
} from './catalogue';
import { cancelSlot, checkInByCode, deskAction, deskDay } from './desk';
import { requestErrand } from './errand';
import { servicesCronRoutes } from './cron-routes';
import { listSlots } from './slots';

const BOOKERS: readonly Role[] = ['villager'];
const STAFF: readonly Role[] = ['cadre'];

const auth = { security: SECURED, middleware: [requireAuthNoProfileChange] };
const write = {
  security: SECURED,
  middleware: [requireAuthNoProfileChange, idempotency, rateLimit('write:default', 'user')],
};
/**
 * Booking keeps its Idempotency-Key on the booking itself (unique per person): a retry finds it.
 * Its read starts as soon as the token is verified, and checks the session too (prefetchBookingRead).
 */
const bookWrite = {
  security: SECURED,
  middleware: [
    requireAuthLimited('write:default', async (c, token) => {
      const body = (await c.req.json().catch(() => undefined)) as { startsAt?: unknown } | undefined;
      return prefetchBookingRead(
        c.get('deps').db,
        { ...c.req.param(), startsAt: body?.startsAt, requestKey: c.req.header('idempotency-key') },
        token,
      );
    }),
  ],
};
const tags = ['services'];

const ZServiceParams = z.object({ villageId: ZId, serviceId: ZId });
const ZExceptionParams = ZServiceParams.extend({ exceptionId: ZId });
const ZBookingParams = z.object({ villageId: ZId, bookingId: ZId });
const ZEntryParams = z.object({ villageId: ZId, entryId: ZId });

const r = {
  list: createRoute({
    method: 'get',
    path: '/villages/{villageId}/services',
    tags,
    summary: 'The village’s services (catalogue)',
    ...auth,
    request: { params: ZVillageParams },
    responses: { 200: json(ZServiceListSchema), ...AUTH_ERRORS },
  }),
  create: createRoute({
    method: 'post',
    path: '/villages/{villageId}/services',
    tags,
    summary: 'Add a service of the village’s own (cadres)',
    ...write,
    request: { params: ZVillageParams, body: jsonBody(ZCreateServiceSchema) },
    responses: { 201: json(ZServiceDetailSchema), ...AUTH_ERRORS },
  }),
  detail: createRoute({
    method: 'get',
    path: '/villages/{villageId}/services/{serviceId}',
    tags,
    summary: 'One service: what to bring, how long, who serves, weekly hours and exceptions',
    ...auth,
    request: { params: ZServiceParams },
    responses: { 200: json(ZServiceDetailSchema), ...AUTH_ERRORS },
  }),
  update: createRoute({
    method: 'patch',
    path: '/villages/{villageId}/services/{serviceId}',
    tags,
    summary: 'Edit a service: name, icon, what to bring, how long, who serves, booking/代办 (cadres)',
    ...write,
    request: { params: ZServiceParams, body: jsonBody(ZUpdateServiceSchema) },
    responses: { 200: json(ZServiceDetailSchema), ...AUTH_ERRORS },
  }),
  retire: createRoute({
    method: 'post',
    path: '/villages/{villageId}/services/{serviceId}/retire',
    tags,
    summary:
      'Retire a service (不再办理): gone from the catalogue; future bookings cancelled by the village, people told with next free slots of a replacement (cadres)',
    ...write,
    request: { params: ZServiceParams, body: jsonBody(ZRetireServiceSchema) },
    responses: { 200: json(ZRetiredServiceSchema), ...AUTH_ERRORS },
  }),
  hours: createRoute({
    method: 'put',
    path: '/villages/{villageId}/services/{serviceId}/hours',
    tags,
    summary: 'Replace the weekly hours (and slot length, cut-off) (cadres)',
    ...write,
    request: { params: ZServiceParams, body: jsonBody(ZSetHoursSchema) },
    responses: { 200: json(ZServiceDetailSchema), ...AUTH_ERRORS },
  }),
  addException: createRoute({
    method: 'post',
    path: '/villages/{villageId}/services/{serviceId}/exceptions',
    tags,
    summary: 'Close a day or part of it, or open extra hours (cadres); closing cancels booked slots',
    ...write,
    request: { params: ZServiceParams, body: jsonBody(ZAddExceptionSchema) },
    responses: {
      201: json(ZServiceDetailSchema.extend({ cancelledBookings: z.number().int() })),
      ...AUTH_ERRORS,
    },
  }),
  removeException: createRoute({
    method: 'delete',
    path: '/villages/{villageId}/services/{serviceId}/exceptions/{exceptionId}',
    tags,
    summary: 'Remove an exception (cadres)',
    ...write,
    request: { params: ZExceptionParams },
    responses: { 200: json(ZServiceDetailSchema), ...AUTH_ERRORS },
  }),
  slots: createRoute({
    method: 'get',
    path: '/villages/{villageId}/services/{serviceId}/slots',
    tags,
    summary: 'Slots from a Beijing date (default today) for up to 28 days, with free places; evening marked',
    ...auth,
    request: { params: ZServiceParams, query: ZSlotQuery },
    responses: { 200: json(ZSlotListSchema), ...AUTH_ERRORS },
  }),
  book: createRoute({
    method: 'post',
    path: '/villages/{villageId}/services/{serviceId}/bookings',
    tags,
    summary:
      'Book a slot (villagers). SLOT_FULL 已约满 when every place is taken; a retry returns the same booking',
    ...bookWrite,
    request: { params: ZServiceParams, body: jsonBody(ZBookSchema) },
    responses: { 201: json(ZBookingSchema), ...AUTH_ERRORS },
  }),
  waitlist: createRoute({
    method: 'post',
    path: '/villages/{villageId}/services/{serviceId}/waitlist',
    tags,
    summary: 'Wait for a place in a full slot (villagers)',
    ...write,
    request: { params: ZServiceParams, body: jsonBody(ZSlotRefSchema) },
    responses: { 201: json(ZWaitlistEntrySchema), ...AUTH_ERRORS },
  }),
  errand: createRoute({
    method: 'post',
    path: '/villages/{villageId}/services/{serviceId}/errands',
    tags,
    summary: 'Ask the village to do it for me (代办): becomes a matter of kind 代办请求 (villagers)',
    ...write,
    request: { params: ZServiceParams, body: jsonBody(ZErrandSchema) },
    responses: { 201: json(ZErrandRaisedSchema), ...AUTH_ERRORS },
  }),
  cancelSlot: createRoute({
    method: 'post',
    path: '/villages/{villageId}/services/{serviceId}/slots/cancel',
    tags,
    summary: 'Cancel one slot: its bookings are cancelled and the people told, with next free slots (cadres)',
    ...write,
    request: { params: ZServiceParams, body: jsonBody(ZCancelSlotSchema) },
    responses: { 200: json(ZCancelledSlotSchema), ...AUTH_ERRORS },
  }),
  mine: createRoute({
    method: 'get',
    path: '/villages/{villageId}/bookings/mine',
    tags,
    summary: 'My bookings (with booking codes) and my waitlist places',
    ...auth,
    request: { params: ZVillageParams },
    responses: { 200: json(ZMyBookingsSchema), ...AUTH_ERRORS },
  }),
  reschedule: createRoute({
    method: 'post',
    path: '/villages/{villageId}/bookings/{bookingId}/reschedule',
    tags,
    summary: 'Move my booking to another slot of the same service (until the cut-off)',
    ...write,
    request: { params: ZBookingParams, body: jsonBody(ZRescheduleSchema) },
    responses: { 200: json(ZBookingSchema), ...AUTH_ERRORS },
  }),
  cancel: createRoute({
    method: 'post',
    path: '/villages/{villageId}/bookings/{bookingId}/cancel',
    tags,
    summary: 'Cancel my booking (until the cut-off); the place goes to the waitlist',
    ...write,
    request: { params: ZBookingParams },
    responses: { 200: json(ZBookingSchema), ...AUTH_ERRORS },
  }),
  accept: createRoute({
    method: 'post',
    path: '/villages/{villageId}/waitlist/{entryId}/accept',
    tags,
    summary: 'Take the place offered to me from the waitlist',
    ...write,
    request: { params: ZEntryParams },
    responses: { 201: json(ZBookingSchema), ...AUTH_ERRORS },
  }),
  leave: createRoute({
    method: 'post',
    path: '/villages/{villageId}/waitlist/{entryId}/leave',
    tags,
    summary: 'Leave the waitlist (an offered place passes to the next)',
    ...write,
    request: { params: ZEntryParams },
    responses: { 200: json(ZWaitlistEntrySchema), ...AUTH_ERRORS },
  }),
  desk: createRoute({
    method: 'get',
    path: '/villages/{villageId}/service-desk',
    tags,
    summary: 'The desk’s day: bookings of a Beijing date with earlier no-shows (cadres)',
    ...auth,
    request: { params: ZVillageParams, query: ZDeskQuery },
    responses: { 200: json(ZDeskDaySchema), ...AUTH_ERRORS },
  }),
  checkIn: createRoute({
    method: 'post',
    path: '/villages/{villageId}/service-desk/check-in',
    tags,
    summary: 'Check a villager in by their 6-digit booking code (cadres)',
    ...write,
    request: { params: ZVillageParams, body: jsonBody(ZCheckInByCodeSchema) },
    responses: { 200: json(ZDeskEntrySchema), ...AUTH_ERRORS },
  }),
  deskAction: createRoute({
    method: 'post',
    path: '/villages/{villageId}/service-desk/bookings/{bookingId}',
    tags,
    summary: 'Check in, done or no-show for one booking (cadres)',
    ...write,
    request: { params: ZBookingParams, body: jsonBody(ZDeskActionSchema) },
    responses: { 200: json(ZDeskEntrySchema), ...AUTH_ERRORS },
  }),
};

const caller = (c: Context<AppEnv>, villageId: string) => ({
  userId: c.get('auth').userId,
  villageId,
  requestId: c.get('requestId'),
});

/** Everything of the slice, the cron trigger included (one mount in app.ts). */
export function serviceRoutes() {
  return newRouter()
    .route('/', servicesCronRoutes())
    .openapi(r.list, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, VILLAGE_ROLES);
      return reply(c, await listServices(c.get('deps').db, villageId));
    })
    .openapi(r.create, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, STAFF);
      return reply(c, await createService(c.get('deps').db, caller(c, villageId), c.req.valid('json')), 201);
    })
    .openapi(r.detail, async (c) => {
      const { villageId, serviceId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, VILLAGE_ROLES);
      return reply(c, await serviceDetail(c.get('deps').db, villageId, serviceId));
    })
    .openapi(r.update, async (c) => {
      const { villageId, serviceId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, STAFF);
      return reply(
        c,
        await updateService(c.get('deps').db, caller(c, villageId), serviceId, c.req.valid('json')),
      );
    })
    .openapi(r.retire, async (c) => {
      const { villageId, serviceId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, STAFF);
      return reply(
        c,
        await retireService(c.get('deps').db, caller(c, villageId), serviceId, c.req.valid('json')),
      );
    })
    .openapi(r.hours, async (c) => {
      const { villageId, serviceId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, STAFF);
      return reply(c, await setHours(c.get('deps').db, caller(c, villageId), serviceId, c.req.valid('json')));
    })
    .openapi(r.addException, async (c) => {
      const { villageId, serviceId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, STAFF);
      return reply(
        c,
        await addException(c.get('deps').db, caller(c, villageId), serviceId, c.req.valid('json')),
        201,
      );
    })
    .openapi(r.removeException, async (c) => {
      const { villageId, serviceId, exceptionId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, STAFF);
      return reply(c, await removeException(c.get('deps').db, caller(c, villageId), serviceId, exceptionId));
    })
    .openapi(r.slots, async (c) => {
      const { villageId, serviceId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, VILLAGE_ROLES);
      return reply(c, await listSlots(c.get('deps').db, villageId, serviceId, c.req.valid('query')));
    })
    .openapi(r.book, async (c) => {
      const { villageId, serviceId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, BOOKERS);
      const requestKey = ownIdempotencyKey(c);
      const out = await book(
        c.get('deps').db,
        {
          ...caller(c, villageId),
          serviceId,
          sessionId: c.get('auth').sessionId,
          requestKey,
          admit: c.get('admit'),
          prefetched: (await c.get('early')) as PrefetchedRead | undefined,
        },
        c.req.valid('json'),
      );
      if (!out.ok) return reply(c, out);
      const { replay, ...booking } = out.value;
      if (replay) c.header('Idempotent-Replay', 'true');
      return reply(c, Ok(booking), 201);
    })
    .openapi(r.waitlist, async (c) => {
      const { villageId, serviceId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, BOOKERS);
      return reply(
        c,
        await joinWaitlist(
          c.get('deps').db,
          { ...caller(c, villageId), serviceId },
          c.req.valid('json').startsAt,
        ),
        201,
      );
    })
    .openapi(r.errand, async (c) => {
      const { villageId, serviceId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, BOOKERS);
      return reply(
        c,
        await requestErrand(
          c.get('deps'),
          { auth: c.get('auth'), villageId, serviceId, requestId: c.get('requestId') },
          c.req.valid('json').note,
        ),
        201,
      );
    })
    .openapi(r.cancelSlot, async (c) => {
      const { villageId, serviceId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, STAFF);
      const body = c.req.valid('json');
      return reply(
        c,
        await cancelSlot(
          c.get('deps').db,
          { ...caller(c, villageId), serviceId },
          body.startsAt,
          body.reason,
        ),
      );
    })
    .openapi(r.mine, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, VILLAGE_ROLES);
      return reply(c, await myBookings(c.get('deps').db, caller(c, villageId)));
    })
    .openapi(r.reschedule, async (c) => {
      const { villageId, bookingId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, BOOKERS);
      return reply(
        c,
        await reschedule(
          c.get('deps').db,
          { ...caller(c, villageId), bookingId },
          c.req.valid('json').startsAt,
        ),
      );
    })
    .openapi(r.cancel, async (c) => {
      const { villageId, bookingId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, BOOKERS);
      return reply(c, await cancelBooking(c.get('deps').db, { ...caller(c, villageId), bookingId }));
    })
    .openapi(r.accept, async (c) => {
      const { villageId, entryId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, BOOKERS);
      return reply(c, await acceptOffer(c.get('deps').db, { ...caller(c, villageId), entryId }), 201);
    })
    .openapi(r.leave, async (c) => {
      const { villageId, entryId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, BOOKERS);
      return reply(c, await leaveWaitlist(c.get('deps').db, { ...caller(c, villageId), entryId }));
    })
    .openapi(r.desk, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, STAFF);
      return reply(c, await deskDay(c.get('deps').db, villageId, c.req.valid('query').date));
    })
    .openapi(r.checkIn, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, STAFF);
      return reply(c, await checkInByCode(c.get('deps').db, caller(c, villageId), c.req.valid('json').code));
    })
    .openapi(r.deskAction, async (c) => {
      const { villageId, bookingId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, STAFF);
      return reply(
        c,
        await deskAction(c.get('deps').db, caller(c, villageId), bookingId, c.req.valid('json').action),
      );
    });
}

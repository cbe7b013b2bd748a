/** The services endpoints (办事), typed from shared/services/schemas. */
import type { z } from 'zod';
import type {
  ZAddExceptionSchema,
  ZBookSchema,
  ZCancelledSlotSchema,
  ZCreateServiceSchema,
  ZErrandRaisedSchema,
  ZRetireServiceSchema,
  ZSetHoursSchema,
  ZUpdateServiceSchema,
} from '@shared/services/schemas';
import type {
  TBooking,
  TDeskDay,
  TDeskEntry,
  TMyBookings,
  TServiceDetail,
  TRetiredService,
  TServiceList,
  TSlotList,
  TWaitlistEntry,
} from '@shared/services/schemas';
import type { DeskAction } from '@shared/services/schemas';
import { api } from './index';

export type {
  TBooking,
  TDeskDay,
  TDeskEntry,
  TMyBookings,
  TRetiredService,
  TService,
  TServiceDetail,
  TServiceList,
  TSlot,
  TSlotList,
  TWaitlistEntry,
} from '@shared/services/schemas';
export type TBookBody = z.input<typeof ZBookSchema>;
export type TSetHoursBody = z.input<typeof ZSetHoursSchema>;
export type TAddExceptionBody = z.input<typeof ZAddExceptionSchema>;
export type TCreateServiceBody = z.input<typeof ZCreateServiceSchema>;
export type TUpdateServiceBody = z.input<typeof ZUpdateServiceSchema>;
export type TRetireServiceBody = z.input<typeof ZRetireServiceSchema>;

const v = (id: string) => encodeURIComponent(id);

export const servicesApi = {
  list: (villageId: string) => api.client.get<TServiceList>(`/villages/${v(villageId)}/services`),
  detail: (villageId: string, serviceId: string) =>
    api.client.get<TServiceDetail>(`/villages/${v(villageId)}/services/${v(serviceId)}`),
  slots: (villageId: string, serviceId: string, days = 14) =>
    api.client.get<TSlotList>(`/villages/${v(villageId)}/services/${v(serviceId)}/slots`, {
      query: { days },
    }),
  /** Keep `idempotencyKey` for the life of the confirm screen: a retried tap is the same booking. */
  book: (villageId: string, serviceId: string, body: TBookBody, idempotencyKey: string) =>
    api.client.post<TBooking>(`/villages/${v(villageId)}/services/${v(serviceId)}/bookings`, body, {
      idempotencyKey,
    }),
  waitlist: (villageId: string, serviceId: string, startsAt: string) =>
    api.client.post<TWaitlistEntry>(`/villages/${v(villageId)}/services/${v(serviceId)}/waitlist`, {
      startsAt,
    }),
  errand: (villageId: string, serviceId: string, note: string, idempotencyKey: string) =>
    api.client.post<z.infer<typeof ZErrandRaisedSchema>>(
      `/villages/${v(villageId)}/services/${v(serviceId)}/errands`,
      { note },
      { idempotencyKey },
    ),
  mine: (villageId: string) => api.client.get<TMyBookings>(`/villages/${v(villageId)}/bookings/mine`),
  reschedule: (villageId: string, bookingId: string, startsAt: string) =>
    api.client.post<TBooking>(`/villages/${v(villageId)}/bookings/${v(bookingId)}/reschedule`, { startsAt }),
  cancel: (villageId: string, bookingId: string) =>
    api.client.post<TBooking>(`/villages/${v(villageId)}/bookings/${v(bookingId)}/cancel`),
  acceptOffer: (villageId: string, entryId: string) =>
    api.client.post<TBooking>(`/villages/${v(villageId)}/waitlist/${v(entryId)}/accept`),
  leaveWaitlist: (villageId: string, entryId: string) =>
    api.client.post<TWaitlistEntry>(`/villages/${v(villageId)}/waitlist/${v(entryId)}/leave`),
  // Staff
  create: (villageId: string, body: TCreateServiceBody) =>
    api.client.post<TServiceDetail>(`/villages/${v(villageId)}/services`, body),
  update: (villageId: string, serviceId: string, body: TUpdateServiceBody) =>
    api.client.patch<TServiceDetail>(`/villages/${v(villageId)}/services/${v(serviceId)}`, body),
  retire: (villageId: string, serviceId: string, body: TRetireServiceBody) =>
    api.client.post<TRetiredService>(`/villages/${v(villageId)}/services/${v(serviceId)}/retire`, body),
  setHours: (villageId: string, serviceId: string, body: TSetHoursBody) =>
    api.client.put<TServiceDetail>(`/villages/${v(villageId)}/services/${v(serviceId)}/hours`, body),
  addException: (villageId: string, serviceId: string, body: TAddExceptionBody) =>
    api.client.post<TServiceDetail & { cancelledBookings: number }>(
      `/villages/${v(villageId)}/services/${v(serviceId)}/exceptions`,
      body,
    ),
  removeException: (villageId: string, serviceId: string, exceptionId: string) =>
    api.client.del<TServiceDetail>(
      `/villages/${v(villageId)}/services/${v(serviceId)}/exceptions/${v(exceptionId)}`,
    ),
  cancelSlot: (villageId: string, serviceId: string, startsAt: string, reason: string) =>
    api.client.post<z.infer<typeof ZCancelledSlotSchema>>(
      `/villages/${v(villageId)}/services/${v(serviceId)}/slots/cancel`,
      { startsAt, reason },
    ),
  desk: (villageId: string, date?: string) =>
    api.client.get<TDeskDay>(`/villages/${v(villageId)}/service-desk`, { query: { date } }),
  checkIn: (villageId: string, code: string) =>
    api.client.post<TDeskEntry>(`/villages/${v(villageId)}/service-desk/check-in`, { code }),
  deskAction: (villageId: string, bookingId: string, action: DeskAction) =>
    api.client.post<TDeskEntry>(`/villages/${v(villageId)}/service-desk/bookings/${v(bookingId)}`, {
      action,
    }),
};

/**
 * The services contract (一门式办理): catalogue, hours and exceptions, slots, bookings, the
 * waitlist and the desk. Request messages are Chinese, for the person filling the form.
 */
import { z } from 'zod';
import { ZId, ZIsoTime } from '../schemas/common';
import {
  BOOKING_HORIZON_DAYS,
  BOOKING_STATUSES,
  DESK_ACTIONS,
  NOTE_MAX,
  SERVICE_ICONS,
  type Weekday,
  isCalendarDate,
  isTimeOfDay,
  minuteOfDay,
} from './rules';

export { BOOKING_STATUSES, BOOKING_STATUS_LABELS, DESK_ACTIONS, NOTE_MAX, SERVICE_ICONS } from './rules';
export type { BookingStatus, DeskAction, ServiceIcon } from './rules';

/** Both well formed (a malformed one has its own field error already). */
const bothTimes = (a?: string, b?: string) => !!a && !!b && isTimeOfDay(a) && isTimeOfDay(b);

const ZDate = z.string().refine(isCalendarDate, '日期不对');
const ZClock = z.string().refine(isTimeOfDay, '时间要写成 19:00 这样');

export const ZWeeklyHours = z
  .strictObject({
    weekday: z
      .number({ error: '请选择星期几' })
      .int('请选择星期几')
      .min(1, '请选择星期几')
      .max(7, '请选择星期几')
      .transform((n) => n as Weekday),
    start: ZClock,
    end: ZClock,
    capacity: z
      .number({ error: '请填每个时段几个人' })
      .int()
      .min(1, '每个时段至少1人')
      .max(50, '每个时段最多50人'),
  })
  .refine((h) => !bothTimes(h.start, h.end) || minuteOfDay(h.start) < minuteOfDay(h.end), {
    message: '结束时间要晚于开始时间',
    path: ['end'],
  });

export const ZSetHoursSchema = z.strictObject({
  hours: z.array(ZWeeklyHours).max(40, '时段太多了'),
  slotMinutes: z.number().int().min(5, '每个时段至少5分钟').max(240, '每个时段最多4小时').optional(),
  cutoffMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60, '最多提前一天')
    .optional(),
});
export type TSetHours = z.infer<typeof ZSetHoursSchema>;

export const ZAddExceptionSchema = z
  .strictObject({
    date: ZDate,
    kind: z.enum(['closed', 'extra'], { error: '请选择暂停办理还是加开时段' }),
    start: ZClock.optional(),
    end: ZClock.optional(),
    capacity: z.number().int().min(1).max(50).optional(),
    reason: z.string().trim().min(1, '请写上原因').max(100, '原因不能超过100个字'),
  })
  .superRefine((e, ctx) => {
    if ((e.start === undefined) !== (e.end === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: '开始和结束时间要一起填' });
    } else if (bothTimes(e.start, e.end) && minuteOfDay(e.start!) >= minuteOfDay(e.end!)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: '结束时间要晚于开始时间' });
    }
    if (e.kind === 'extra' && !e.start) {
      ctx.addIssue({ code: 'custom', path: ['start'], message: '加开时段要填开始和结束时间' });
    }
  });
export type TAddException = z.infer<typeof ZAddExceptionSchema>;

/** A service's own fields, as a cadre writes them (create and edit). */
const serviceFields = {
  name: z.string().trim().min(1, '请写服务名称').max(20, '名称不能超过20个字'),
  icon: z.enum(SERVICE_ICONS, { error: '请选一个图标' }),
  summary: z.string().trim().max(200, '简介不能超过200个字'),
  materials: z
    .array(z.string().trim().min(1, '材料名称不能是空的').max(40, '每项材料不能超过40个字'))
    .max(12, '材料最多12项'),
  durationMinutes: z
    .number({ error: '请填大约要多少分钟' })
    .int('请填整数分钟')
    .min(1, '至少1分钟')
    .max(480, '最多8小时'),
  servedBy: z.string().trim().max(40, '接待人不能超过40个字'),
  bookable: z.boolean(),
  errand: z.boolean(),
};

export const ZCreateServiceSchema = z.strictObject({
  name: serviceFields.name,
  icon: serviceFields.icon.default('other'),
  summary: serviceFields.summary.default(''),
  materials: serviceFields.materials.default([]),
  durationMinutes: serviceFields.durationMinutes.default(15),
  servedBy: serviceFields.servedBy.default(''),
  bookable: serviceFields.bookable.default(true),
  errand: serviceFields.errand.default(false),
  slotMinutes: z.number().int().min(5).max(240).default(30),
});
export type TCreateService = z.infer<typeof ZCreateServiceSchema>;

/**
 * Edit a service: only the fields sent change. Slot length and cut-off are set with the hours
 * (PUT …/hours). Bookings already made keep their time; turning bookings off stops new ones only.
 */
export const ZUpdateServiceSchema = z
  .strictObject({
    name: serviceFields.name.optional(),
    icon: serviceFields.icon.optional(),
    summary: serviceFields.summary.optional(),
    materials: serviceFields.materials.optional(),
    durationMinutes: serviceFields.durationMinutes.optional(),
    servedBy: serviceFields.servedBy.optional(),
    bookable: serviceFields.bookable.optional(),
    errand: serviceFields.errand.optional(),
  })
  .refine((o) => Object.values(o).some((v) => v !== undefined), '没有要改的内容');
export type TUpdateService = z.infer<typeof ZUpdateServiceSchema>;

/**
 * Retire a service (不再办理): it leaves the catalogue; its future bookings and waitlist places are
 * cancelled by the village and the people told, with the next free slots of `replacementId` (a
 * service that takes over) when given.
 */
export const ZRetireServiceSchema = z.strictObject({
  reason: z.string().trim().min(1, '请写上原因').max(100, '原因不能超过100个字'),
  replacementId: ZId.optional(),
});
export type TRetireService = z.infer<typeof ZRetireServiceSchema>;
export const ZRetiredServiceSchema = z.object({
  id: ZId,
  /** Future bookings cancelled. */
  cancelled: z.number().int(),
  /** People told (booked or waiting). */
  notified: z.number().int(),
});
export type TRetiredService = z.infer<typeof ZRetiredServiceSchema>;

export const ZServiceSchema = z.object({
  id: ZId,
  name: z.string(),
  icon: z.enum(SERVICE_ICONS),
  summary: z.string(),
  materials: z.array(z.string()),
  durationMinutes: z.number().int(),
  servedBy: z.string(),
  bookable: z.boolean(),
  errand: z.boolean(),
  slotMinutes: z.number().int(),
  cutoffMinutes: z.number().int(),
  /** Has at least one weekly window starting at or after 18:00 (夜间办公). */
  hasEvening: z.boolean(),
});
export type TService = z.infer<typeof ZServiceSchema>;

export const ZServiceExceptionSchema = z.object({
  id: ZId,
  date: z.string(),
  kind: z.enum(['closed', 'extra']),
  start: z.string().nullable(),
  end: z.string().nullable(),
  capacity: z.number().int().nullable(),
  reason: z.string(),
});

export const ZServiceDetailSchema = ZServiceSchema.extend({
  hours: z.array(
    z.object({ weekday: z.number().int(), start: z.string(), end: z.string(), capacity: z.number().int() }),
  ),
  exceptions: z.array(ZServiceExceptionSchema),
});
export type TServiceDetail = z.infer<typeof ZServiceDetailSchema>;

export const ZServiceListSchema = z.object({ items: z.array(ZServiceSchema) });
export type TServiceList = z.infer<typeof ZServiceListSchema>;

export const ZSlotQuery = z.object({
  from: ZDate.optional(),
  days: z
    .string()
    .regex(/^\d{1,2}$/, '天数不对')
    .refine((d) => Number(d) >= 1 && Number(d) <= BOOKING_HORIZON_DAYS, '天数不对')
    .optional(),
});

export const ZSlotSchema = z.object({
  startsAt: z.string(),
  endsAt: z.string(),
  /** Beijing date and clock, for grouping and display. */
  date: z.string(),
  clock: z.string(),
  evening: z.boolean(),
  capacity: z.number().int(),
  free: z.number().int(),
  status: z.enum(['open', 'full', 'cancelled']),
});
export type TSlot = z.infer<typeof ZSlotSchema>;
export const ZSlotListSchema = z.object({ items: z.array(ZSlotSchema) });
export type TSlotList = z.infer<typeof ZSlotListSchema>;

export const ZBookSchema = z.strictObject({
  startsAt: ZIsoTime,
  note: z.string().trim().max(NOTE_MAX, `备注不能超过${NOTE_MAX}个字`).default(''),
  /** The materials the villager ticked as ready. */
  materialsChecked: z.array(z.string().max(40)).max(12).default([]),
});
export type TBook = z.infer<typeof ZBookSchema>;

export const ZRescheduleSchema = z.strictObject({ startsAt: ZIsoTime });
export const ZSlotRefSchema = z.strictObject({ startsAt: ZIsoTime });
export const ZCancelSlotSchema = z.strictObject({
  startsAt: ZIsoTime,
  reason: z.string().trim().min(1, '请写上原因').max(100, '原因不能超过100个字'),
});
export const ZErrandSchema = z.strictObject({
  note: z.string().trim().min(1, '请写上要办的事').max(500, '不能超过500个字'),
});

export const ZBookingSchema = z.object({
  id: ZId,
  code: z.string(),
  serviceId: ZId,
  serviceName: z.string(),
  serviceIcon: z.enum(SERVICE_ICONS),
  servedBy: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  evening: z.boolean(),
  status: z.enum(BOOKING_STATUSES),
  note: z.string(),
  materials: z.array(z.string()),
  materialsChecked: z.array(z.string()),
  /** Before the cut-off: may still cancel or reschedule. */
  canChange: z.boolean(),
  cancelReason: z.string().nullable(),
  createdAt: z.string(),
});
export type TBooking = z.infer<typeof ZBookingSchema>;

export const ZWaitlistEntrySchema = z.object({
  id: ZId,
  serviceId: ZId,
  serviceName: z.string(),
  startsAt: z.string(),
  evening: z.boolean(),
  status: z.enum(['waiting', 'offered', 'accepted', 'expired', 'left']),
  /** Set while a freed place is held for this person. */
  offerExpiresAt: z.string().nullable(),
  position: z.number().int(),
});
export type TWaitlistEntry = z.infer<typeof ZWaitlistEntrySchema>;

export const ZMyBookingsSchema = z.object({
  items: z.array(ZBookingSchema),
  waitlist: z.array(ZWaitlistEntrySchema),
});
export type TMyBookings = z.infer<typeof ZMyBookingsSchema>;

export const ZDeskQuery = z.object({ date: ZDate.optional() });
export const ZDeskEntrySchema = ZBookingSchema.extend({
  villagerName: z.string(),
  villagerPhone: z.string().nullable(),
  /** Earlier no-shows in this village: shown to staff, never acted on by the system. */
  noShows: z.number().int(),
  repeatedNoShow: z.boolean(),
});
export type TDeskEntry = z.infer<typeof ZDeskEntrySchema>;
export const ZDeskDaySchema = z.object({ date: z.string(), items: z.array(ZDeskEntrySchema) });
export type TDeskDay = z.infer<typeof ZDeskDaySchema>;

export const ZDeskActionSchema = z.strictObject({ action: z.enum(DESK_ACTIONS, { error: '没有这个操作' }) });
export const ZCheckInByCodeSchema = z.strictObject({
  code: z.string().regex(/^\d{6}$/, '预约码是6位数字'),
});

export const ZCancelledSlotSchema = z.object({ cancelled: z.number().int(), notified: z.number().int() });
export const ZErrandRaisedSchema = z.object({ matterId: ZId });

/**
 * Service-desk rules, pure: Beijing-time calendar arithmetic, slot generation from weekly hours
 * and exceptions, evening slots (夜间办公), the change cut-off, overlap, reminders and waitlist
 * offers. Both the API and the mini-program use them; tests pin them down.
 *
 * Villages are in Beijing time: UTC+8 all year (no daylight saving). Dates are 'YYYY-MM-DD'
 * calendar days in Beijing; times of day are 'HH:MM' in Beijing.
 */

/** A booking's life: booked → checked in → done, or no-show, or cancelled (by the villager or the village). */
export const BOOKING_STATUSES = ['booked', 'checked_in', 'done', 'no_show', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
export const BOOKING_STATUS_LABELS: Record<BookingStatus, string> = {
  booked: '已预约',
  checked_in: '已签到',
  done: '已办好',
  no_show: '没来',
  cancelled: '已取消',
};
/** What the desk does with a booking. */
export const DESK_ACTIONS = ['check_in', 'done', 'no_show'] as const;
export type DeskAction = (typeof DESK_ACTIONS)[number];

export const SERVICE_ICONS = ['id', 'doc', 'medical', 'law', 'farm', 'home', 'money', 'other'] as const;
export type ServiceIcon = (typeof SERVICE_ICONS)[number];

/** A booking's note (想说明的情况), in characters. */
export const NOTE_MAX = 200;

export const BEIJING_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** A slot starting at or after 18:00 Beijing time is an evening slot (夜间办公). */
export const EVENING_FROM_MINUTE = 18 * 60;
/** How far ahead villagers can see and book slots. */
export const BOOKING_HORIZON_DAYS = 28;
/** Default: no cancel or reschedule within this many minutes of the slot's start. */
export const DEFAULT_CUTOFF_MINUTES = 60;
/** Reminders: the day before (24 h) and two hours before the slot. */
export const REMIND_DAY_BEFORE_MS = 24 * 3600_000;
export const REMIND_NEAR_MS = 2 * 3600_000;
/** A freed place offered to the first on the waitlist is held for them this long. */
export const WAITLIST_OFFER_MS = 30 * 60_000;
/** From this many no-shows a villager is marked for the desk to see (never refused by the system). */
export const REPEATED_NO_SHOWS = 2;
/** How many next free slots a cancelled-slot notice offers. */
export const NEXT_FREE_OFFERED = 3;

export const WEEKDAY_LABELS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'] as const;

export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One weekly opening window of a service, e.g. Tuesdays 19:00–21:00 with 4 places a slot. */
export type TWeeklyHours = { weekday: Weekday; start: string; end: string; capacity: number };

/**
 * A dated exception: 'closed' shuts the whole day (start/end null) or a part of it (a cadre
 * away); 'extra' opens an extra window that day (e.g. a Saturday 社保认证 drive).
 */
export type TServiceException = {
  date: string;
  kind: 'closed' | 'extra';
  start: string | null;
  end: string | null;
  capacity: number | null;
  reason: string;
};

export type TSlotSpec = {
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  /** Beijing date of the slot. */
  date: string;
  evening: boolean;
};

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isTimeOfDay(s: string): boolean {
  return TIME_RE.test(s);
}

export function isCalendarDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** 'HH:MM' → minutes after midnight. */
export function minuteOfDay(hhmm: string): number {
  const m = TIME_RE.exec(hhmm);
  if (!m) throw new Error(`not a time of day: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The Beijing calendar date of an instant. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes after Beijing midnight of an instant. */
export function beijingMinute(at: Date): number {
  const b = new Date(at.getTime() + BEIJING_OFFSET_MS);
  return b.getUTCHours() * 60 + b.getUTCMinutes();
}

/** 'HH:MM' Beijing time of an instant. */
export function beijingClock(at: Date): string {
  const m = beijingMinute(at);
  return `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/** Monday = 1 … Sunday = 7 of a Beijing date. */
export function weekdayOf(date: string): Weekday {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return (d === 0 ? 7 : d) as Weekday;
}

export function addDays(date: string, n: number): string {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + n * DAY_MS).toISOString().slice(0, 10);
}

/** The instant a Beijing date + minute of day names. */
export function beijingInstant(date: string, minute: number): Date {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + minute * 60_000 - BEIJING_OFFSET_MS);
}

export function isEvening(startsAt: Date): boolean {
  return beijingMinute(startsAt) >= EVENING_FROM_MINUTE;
}

/** Half-open intervals [a0, a1) and [b0, b1) share time. */
export function overlaps(a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }): boolean {
  return a.startsAt.getTime() < b.endsAt.getTime() && b.startsAt.getTime() < a.endsAt.getTime();
}

/**
 * The slots of `days` Beijing dates from `fromDate`: each weekly window (and each 'extra'
 * exception) cut into slots of `slotMinutes` that fit entirely; a slot touching a 'closed'
 * exception is dropped; two windows offering the same start keep the first. Sorted by start.
 */
export function generateSlots(i: {
  hours: readonly TWeeklyHours[];
  exceptions: readonly TServiceException[];
  slotMinutes: number;
  fromDate: string;
  days: number;
}): TSlotSpec[] {
  const step = i.slotMinutes;
  if (step <= 0) return [];
  // The hottest code of the calendar (every read runs it): each date is parsed once and each
  // 'HH:MM' once per call; instants are arithmetic on the date's epoch.
  const minutes = new Map<string, number>();
  const minute = (hhmm: string) => {
    let m = minutes.get(hhmm);
    if (m === undefined) {
      m = minuteOfDay(hhmm);
      minutes.set(hhmm, m);
    }
    return m;
  };
  const first = Date.parse(`${i.fromDate}T00:00:00Z`);
  const out: TSlotSpec[] = [];
  let inOrder = true;
  let last = -Infinity;
  for (let d = 0; d < i.days; d++) {
    const midnight = first + d * DAY_MS; // the date's midnight, read as UTC
    const date = new Date(midnight).toISOString().slice(0, 10);
    const weekday = new Date(midnight).getUTCDay() || 7;
    const todays = i.exceptions.length ? i.exceptions.filter((e) => e.date === date) : [];
    if (todays.some((e) => e.kind === 'closed' && (e.start === null || e.end === null))) continue;
    const closed = todays
      .filter((e) => e.kind === 'closed' && e.start && e.end)
      .map((e) => [minute(e.start!), minute(e.end!)] as const);
    const windows: { start: string; end: string; capacity: number }[] = [];
    for (const h of i.hours) if (h.weekday === weekday) windows.push(h);
    for (const e of todays) {
      if (e.kind === 'extra' && e.start && e.end)
        windows.push({ start: e.start, end: e.end, capacity: e.capacity ?? 1 });
    }
    const seen = new Set<number>();
    const base = midnight - BEIJING_OFFSET_MS; // Beijing midnight of the date
    for (const w of windows) {
      const end = minute(w.end);
      if (w.capacity < 1) continue;
      for (let s = minute(w.start); s + step <= end; s += step) {
        const e = s + step;
        if (seen.has(s)) continue;
        if (closed.length && closed.some(([c0, c1]) => s < c1 && c0 < e)) continue;
        seen.add(s);
        const at = base + s * 60_000;
        if (at < last) inOrder = false;
        last = at;
        out.push({
          startsAt: new Date(at),
          endsAt: new Date(base + e * 60_000),
          capacity: w.capacity,
          date,
          evening: s >= EVENING_FROM_MINUTE,
        });
      }
    }
  }
  return inOrder ? out : out.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/** The generated slot starting exactly at `startsAt`, or undefined (not an opening time). */
export function findSlot(
  i: Omit<Parameters<typeof generateSlots>[0], 'fromDate' | 'days'>,
  startsAt: Date,
): TSlotSpec | undefined {
  const date = beijingDate(startsAt);
  return generateSlots({ ...i, fromDate: date, days: 1 }).find(
    (s) => s.startsAt.getTime() === startsAt.getTime(),
  );
}

export type BookRefusal = 'SLOT_PAST' | 'SLOT_CLOSED';

/** Whether a new booking may take this slot now: not started, within the horizon. */
export function bookingRefusal(startsAt: Date, now: Date): BookRefusal | null {
  if (startsAt.getTime() <= now.getTime()) return 'SLOT_PAST';
  if (startsAt.getTime() > now.getTime() + (BOOKING_HORIZON_DAYS + 1) * DAY_MS) return 'SLOT_CLOSED';
  return null;
}

/** A booked villager may cancel or reschedule until `cutoffMinutes` before the slot starts. */
export function beforeCutoff(startsAt: Date, now: Date, cutoffMinutes: number): boolean {
  return now.getTime() < startsAt.getTime() - cutoffMinutes * 60_000;
}

export type ReminderKind = 'day_before' | 'near';

/**
 * Which reminder is due for a booking now, if any. The day-before one only for bookings made
 * more than a day ahead (someone who booked this morning for tonight needs no "tomorrow" note);
 * the near one within two hours of the start. Each is sent once (the caller records it).
 */
export function dueReminder(
  b: { startsAt: Date; createdAt: Date; remindedDayAt: Date | null; remindedNearAt: Date | null },
  now: Date,
): ReminderKind | null {
  const start = b.startsAt.getTime();
  const t = now.getTime();
  if (t >= start) return null;
  if (t >= start - REMIND_NEAR_MS) return b.remindedNearAt ? null : 'near';
  if (t >= start - REMIND_DAY_BEFORE_MS && b.createdAt.getTime() < start - REMIND_DAY_BEFORE_MS) {
    return b.remindedDayAt ? null : 'day_before';
  }
  return null;
}

/** Until when a freed place is held for the first on the waitlist; null when too late to offer. */
export function offerExpiry(startsAt: Date, now: Date): Date | null {
  const until = Math.min(now.getTime() + WAITLIST_OFFER_MS, startsAt.getTime());
  return until > now.getTime() ? new Date(until) : null;
}

/** A 6-digit booking code the villager reads out or shows at the desk. */
export function bookingCode(random: () => number = Math.random): string {
  return String(Math.floor(random() * 900_000) + 100_000);
}

/** "12月3日 周四 19:00" for a slot start, in Beijing time. */
export function slotLabel(startsAt: Date): string {
  const date = beijingDate(startsAt);
  const [, m, d] = date.split('-');
  return `${Number(m)}月${Number(d)}日 ${WEEKDAY_LABELS[weekdayOf(date)]} ${beijingClock(startsAt)}`;
}

/** "2026年12月3日 19:00" in Beijing time (the form WeChat's time fields accept). */
export function wechatTime(at: Date): string {
  const [y, m, d] = beijingDate(at).split('-');
  return `${y}年${Number(m)}月${Number(d)}日 ${beijingClock(at)}`;
}

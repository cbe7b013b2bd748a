/**
 * Notification rules, pure: which kinds exist, quiet hours (21:00–07:00 Beijing time), how bursts
 * collapse, how failed sends back off. The notify job applies them; tests pin them down.
 */
export const NOTIFY_KINDS = [
  'notice_published',
  'matter_moved',
  'vote_opened',
  'vote_closing',
  'result_out',
  /** Booking reminder two hours before the slot. */
  'booking_near',
  'disclosure_published',
  /** A disclosure waits for someone: due or overdue (cadres), submitted (supervisors), returned (its drafter). */
  'disclosure_reminder',
  'petition_reached',
  'petition_overdue',
  /** Booking reminder the day before the slot. */
  'booking_day_before',
  /** The village cancelled a booking (slot cancelled, day closed, service retired), with next free slots. */
  'booking_cancelled',
  /** A freed place held for the first on a waitlist, for a limited time. */
  'waitlist_offered',
  /** A booking moved to another time (a receipt with the new time and the booking code). */
  'booking_rescheduled',
  /** A moderator hid the reader's own comment on a proposal, with the reason. */
  'comment_hidden',
  /** A service the reader has booked changed what to bring, who serves, how long it takes or its name. */
  'service_changed',
] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

export const NOTIFY_KIND_LABELS: Record<NotifyKind, string> = {
  notice_published: '通知公告',
  matter_moved: '我反映的事有进展',
  vote_opened: '投票开始',
  vote_closing: '投票快结束',
  result_out: '结果公布',
  booking_near: '办事提醒（两小时前）',
  disclosure_published: '村务公开',
  disclosure_reminder: '公开待办',
  petition_reached: '联名提议达到人数',
  petition_overdue: '联名提议逾期未召开会议',
  booking_day_before: '办事提醒（前一天）',
  booking_cancelled: '预约被村里取消',
  waitlist_offered: '排队等到空位',
  booking_rescheduled: '预约改了时间',
  comment_hidden: '我的意见被隐藏',
  service_changed: '预约的事项有变化',
};

/** Beijing time has no daylight saving: UTC+8 all year. */
const BEIJING_OFFSET_MS = 8 * 3600_000;
export const QUIET_START_HOUR = 21;
export const QUIET_END_HOUR = 7;

export function beijingHour(at: Date): number {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).getUTCHours();
}

export function isQuietHour(at: Date): boolean {
  const h = beijingHour(at);
  return h >= QUIET_START_HOUR || h < QUIET_END_HOUR;
}

/** The next 07:00 Beijing time after `at` (when quiet hours end). */
export function quietHoursEnd(at: Date): Date {
  const local = new Date(at.getTime() + BEIJING_OFFSET_MS);
  const end = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), QUIET_END_HOUR);
  const endLocal = local.getUTCHours() >= QUIET_END_HOUR ? end + 24 * 3600_000 : end;
  return new Date(endLocal - BEIJING_OFFSET_MS);
}

/** Ten updates to one matter within an hour are one push. */
export const COLLAPSE_WINDOW_MS = 3600_000;
export const MAX_SEND_ATTEMPTS = 8;

/** 30 s, 1 min, 2 min … capped at 1 h: WeChat outages of an afternoon lose nothing. */
export function backoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 3600_000);
}

export type DeliveryInput = {
  now: Date;
  urgent: boolean;
  quietHoursOn: boolean;
  push: boolean;
  digest: boolean;
  /** When a message with the same collapse key last went to this person. */
  lastSentSameKeyAt: Date | null;
};

export type Delivery =
  | { action: 'send' }
  | { action: 'defer'; until: Date; reason: 'quiet_hours' }
  | { action: 'skip'; reason: 'push_off' | 'collapsed' }
  | { action: 'digest' };

export function decideDelivery(i: DeliveryInput): Delivery {
  if (!i.push) return { action: 'skip', reason: 'push_off' };
  if (i.digest && !i.urgent) return { action: 'digest' };
  if (i.lastSentSameKeyAt && i.now.getTime() - i.lastSentSameKeyAt.getTime() < COLLAPSE_WINDOW_MS) {
    return { action: 'skip', reason: 'collapsed' };
  }
  if (i.quietHoursOn && !i.urgent && isQuietHour(i.now)) {
    return { action: 'defer', until: quietHoursEnd(i.now), reason: 'quiet_hours' };
  }
  return { action: 'send' };
}

/** WeChat subscribe-message field limits (thing ≤ 20 chars, etc.): cut with an ellipsis. */
export function clip(text: string, max = 20): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

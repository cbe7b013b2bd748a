/** Display helpers. Times are stored in UTC and shown in Asia/Shanghai (UTC+8, no daylight saving). */

const pad = (n: number) => String(n).padStart(2, '0');

export function formatTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

const BEIJING_MS = 8 * 3600 * 1000;

/**
 * A time as villagers say it, in Beijing time: "11月23日 14:05"; the year only when it is not
 * this year ("2025年11月23日 14:05").
 */
export function formatDayTime(iso: string, now: Date = new Date()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t + BEIJING_MS);
  const thisYear = new Date(now.getTime() + BEIJING_MS).getUTCFullYear();
  const year = d.getUTCFullYear() === thisYear ? '' : `${d.getUTCFullYear()}年`;
  return `${year}${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** "2026-12-01" (a day picked in Beijing time) → the last moment of that day, as an ISO time. */
export function endOfBeijingDay(day: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59) - BEIJING_MS;
  return new Date(t).toISOString();
}

/** Today in Beijing time as "YYYY-MM-DD" (the date picker's lower bound). */
export function beijingToday(now: Date = new Date()): string {
  const d = new Date(now.getTime() + BEIJING_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} 字节`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function cx(...parts: (string | false | null | undefined)[]): string {
  return parts.filter(Boolean).join(' ');
}

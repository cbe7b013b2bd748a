/**
 * Periods and the publishing schedule, pure. A period is a month (`2026-11`) or a quarter
 * (`2026-Q4`); dates are calendar dates (YYYY-MM-DD) in Beijing time. A period is due
 * `DUE_DAYS` days after it ends (村务公开 by the 10th of the next month); one not published by
 * then is overdue (the town sees it; cadres are reminded).
 */
import type { PeriodicKind } from './kinds';

export const PERIOD_RE = /^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$/;
export type Cycle = 'month' | 'quarter';
export type PeriodRange = { start: string; end: string; cycle: Cycle };

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

export function parsePeriod(p: string): PeriodRange | null {
  const m = PERIOD_RE.exec(p);
  if (!m) return null;
  const y = Number(m[1]);
  if (m[2]) {
    const mo = Number(m[2]);
    return { start: `${y}-${m[2]}-01`, end: `${y}-${m[2]}-${pad(lastDay(y, mo))}`, cycle: 'month' };
  }
  const q = Number(m[3]);
  const first = (q - 1) * 3 + 1;
  return {
    start: `${y}-${pad(first)}-01`,
    end: `${y}-${pad(first + 2)}-${pad(lastDay(y, first + 2))}`,
    cycle: 'quarter',
  };
}

export function periodLabel(p: string): string {
  const m = PERIOD_RE.exec(p);
  if (!m) return p;
  return m[2] ? `${m[1]}年${Number(m[2])}月` : `${m[1]}年第${m[3]}季度`;
}

/** Two closed date ranges share at least one day. */
export const overlaps = (a: { start: string; end: string }, b: { start: string; end: string }) =>
  a.start <= b.end && b.start <= a.end;

export const DUE_DAYS = 10;
/** Remind cadres this many days before a period falls due, and again once it is overdue. */
export const REMIND_BEFORE_DAYS = 3;

export type Schedule = Record<PeriodicKind, Cycle>;
/** Finance monthly, affairs and party affairs quarterly (art. 30: at least quarterly). */
export const DEFAULT_SCHEDULE: Schedule = { finance: 'month', affairs: 'quarter', party: 'quarter' };

const BEIJING_MS = 8 * 3600_000;
/** The Beijing calendar date of an instant. */
export function beijingDate(at: Date): string {
  const b = new Date(at.getTime() + BEIJING_MS);
  return `${b.getUTCFullYear()}-${pad(b.getUTCMonth() + 1)}-${pad(b.getUTCDate())}`;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (calendar dates; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The last day on which the period may still be published on time. */
export const dueDate = (p: PeriodRange) => addDays(p.end, DUE_DAYS);

/** The period of this cycle containing the date. */
export function periodOf(date: string, cycle: Cycle): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return cycle === 'month' ? `${y}-${pad(m)}` : `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
}

export function previousPeriod(p: string): string {
  const r = parsePeriod(p)!;
  return periodOf(addDays(r.start, -1), r.cycle);
}

export type DueState = 'due_soon' | 'overdue';
export type PeriodDue = { kind: PeriodicKind; period: string; due: string; state: DueState };

/**
 * Periods of a schedule that are overdue (due date passed, not covered by a published disclosure)
 * or due within REMIND_BEFORE_DAYS, looking back `lookback` periods from today and no earlier
 * than `since` (when the village started using the board).
 */
export function duePeriods(i: {
  schedule: Schedule;
  now: Date;
  since: string;
  published: { kind: PeriodicKind; start: string; end: string }[];
  lookback?: number;
}): PeriodDue[] {
  const today = beijingDate(i.now);
  const out: PeriodDue[] = [];
  for (const kind of Object.keys(i.schedule) as PeriodicKind[]) {
    let p = previousPeriod(periodOf(today, i.schedule[kind]));
    for (let n = 0; n < (i.lookback ?? 12); n++, p = previousPeriod(p)) {
      const r = parsePeriod(p)!;
      if (r.end < i.since) break;
      const covered = i.published.some((d) => d.kind === kind && d.start <= r.start && d.end >= r.end);
      if (covered) continue;
      const due = dueDate(r);
      if (due < today) out.push({ kind, period: p, due, state: 'overdue' });
      else if (addDays(today, REMIND_BEFORE_DAYS) >= due)
        out.push({ kind, period: p, due, state: 'due_soon' });
    }
  }
  return out;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type TServiceException,
  type TWeeklyHours,
  addDays,
  beforeCutoff,
  beijingDate,
  beijingInstant,
  bookingCode,
  bookingRefusal,
  dueReminder,
  findSlot,
  generateSlots,
  isEvening,
  minuteOfDay,
  offerExpiry,
  overlaps,
  slotLabel,
  weekdayOf,
  wechatTime,
} from '../../shared/services/rules';
import { ZAddExceptionSchema, ZSetHoursSchema } from '../../shared/services/schemas';

// 2026-12-01 is a Tuesday.
const TUE = '2026-12-01';
const hours: TWeeklyHours[] = [
  { weekday: 2, start: '09:00', end: '10:30', capacity: 3 },
  { weekday: 2, start: '19:00', end: '20:00', capacity: 2 },
  { weekday: 3, start: '09:00', end: '10:00', capacity: 1 },
];
const at = (iso: string) => new Date(iso);

describe('Beijing calendar', () => {
  it('dates and weekdays are Beijing ones (UTC+8), not UTC', () => {
    expect(beijingDate(at('2026-12-01T15:59:00Z'))).toBe('2026-12-01');
    expect(beijingDate(at('2026-12-01T16:00:00Z'))).toBe('2026-12-02');
    expect(weekdayOf('2026-12-01')).toBe(2);
    expect(weekdayOf('2026-12-06')).toBe(7);
    expect(slotLabel(at('2026-12-01T11:00:00Z'))).toBe('12月1日 周二 19:00');
    expect(wechatTime(at('2026-12-01T11:00:00Z'))).toBe('2026年12月1日 19:00');
  });

  it('evening means starting at or after 18:00 Beijing time', () => {
    expect(isEvening(at('2026-12-01T10:00:00Z'))).toBe(true); // 18:00
    expect(isEvening(at('2026-12-01T09:59:00Z'))).toBe(false); // 17:59
    expect(isEvening(at('2026-12-01T01:00:00Z'))).toBe(false); // 09:00
  });
});

/**
 * generateSlots as first written: every date and 'HH:MM' parsed where used. The calendar's code was
 * made faster (it runs on every read); this keeps what it must give.
 */
function referenceSlots(i: Parameters<typeof generateSlots>[0]) {
  if (i.slotMinutes <= 0) return [];
  const out: ReturnType<typeof generateSlots> = [];
  for (let d = 0; d < i.days; d++) {
    const date = addDays(i.fromDate, d);
    const todays = i.exceptions.filter((e) => e.date === date);
    if (todays.some((e) => e.kind === 'closed' && (e.start === null || e.end === null))) continue;
    const closed = todays
      .filter((e) => e.kind === 'closed' && e.start && e.end)
      .map((e) => [minuteOfDay(e.start!), minuteOfDay(e.end!)] as const);
    const windows = [
      ...i.hours.filter((h) => h.weekday === weekdayOf(date)),
      ...todays
        .filter((e) => e.kind === 'extra' && e.start && e.end)
        .map((e) => ({ start: e.start!, end: e.end!, capacity: e.capacity ?? 1 })),
    ];
    const seen = new Set<number>();
    for (const w of windows) {
      const end = minuteOfDay(w.end);
      if (w.capacity < 1) continue;
      for (let s = minuteOfDay(w.start); s + i.slotMinutes <= end; s += i.slotMinutes) {
        const e = s + i.slotMinutes;
        if (seen.has(s)) continue;
        if (closed.some(([c0, c1]) => s < c1 && c0 < e)) continue;
        seen.add(s);
        out.push({
          startsAt: beijingInstant(date, s),
          endsAt: beijingInstant(date, e),
          capacity: w.capacity,
          date,
          evening: s >= 18 * 60,
        });
      }
    }
  }
  return out.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

describe('generateSlots', () => {
  it('gives what the first, plain version gave, for any rules (property)', () => {
    const clock = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 10, 15, 30, 45, 50))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const from = fc.integer({ min: 0, max: 400 }).map((n) => addDays('2026-01-01', n));
    const window = fc.record({
      weekday: fc.integer({ min: 1, max: 7 }) as fc.Arbitrary<TWeeklyHours['weekday']>,
      start: clock,
      end: clock,
      capacity: fc.integer({ min: 0, max: 4 }),
    });
    fc.assert(
      fc.property(
        from,
        fc.integer({ min: 1, max: 10 }),
        fc.constantFrom(10, 15, 20, 30, 45, 60, 90),
        fc.array(window, { maxLength: 8 }),
        fc.array(
          fc.record({
            day: fc.integer({ min: -1, max: 10 }),
            kind: fc.constantFrom('closed' as const, 'extra' as const),
            span: fc.option(fc.tuple(clock, clock), { nil: null }),
            capacity: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
          }),
          { maxLength: 4 },
        ),
        (fromDate, days, slotMinutes, hours, raw) => {
          const exceptions: TServiceException[] = raw.map((e) => ({
            date: addDays(fromDate, e.day),
            kind: e.kind,
            start: e.span?.[0] ?? null,
            end: e.span?.[1] ?? null,
            capacity: e.capacity,
            reason: '',
          }));
          const i = { hours, exceptions, slotMinutes, fromDate, days };
          expect(generateSlots(i)).toEqual(referenceSlots(i));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cuts each weekly window into whole slots in Beijing time, evening marked', () => {
    const slots = generateSlots({ hours, exceptions: [], slotMinutes: 30, fromDate: TUE, days: 2 });
    expect(slots.map((s) => [s.date, s.startsAt.toISOString(), s.capacity, s.evening])).toEqual([
      ['2026-12-01', '2026-12-01T01:00:00.000Z', 3, false],
      ['2026-12-01', '2026-12-01T01:30:00.000Z', 3, false],
      ['2026-12-01', '2026-12-01T02:00:00.000Z', 3, false],
      ['2026-12-01', '2026-12-01T11:00:00.000Z', 2, true],
      ['2026-12-01', '2026-12-01T11:30:00.000Z', 2, true],
      ['2026-12-02', '2026-12-02T01:00:00.000Z', 1, false],
      ['2026-12-02', '2026-12-02T01:30:00.000Z', 1, false],
    ]);
    expect(slots[0]!.endsAt.toISOString()).toBe('2026-12-01T01:30:00.000Z');
  });

  it('drops a slot that does not fit the window', () => {
    const s = generateSlots({
      hours: [{ weekday: 2, start: '09:00', end: '09:50', capacity: 1 }],
      exceptions: [],
      slotMinutes: 30,
      fromDate: TUE,
      days: 1,
    });
    expect(s).toHaveLength(1);
  });

  it('a closed day has no slots; a closed part drops the slots it touches; extra hours add slots', () => {
    const exceptions: TServiceException[] = [
      { date: TUE, kind: 'closed', start: '09:20', end: '09:40', capacity: null, reason: '干部外出' },
      { date: '2026-12-02', kind: 'closed', start: null, end: null, capacity: null, reason: '节假日' },
      { date: '2026-12-05', kind: 'extra', start: '19:30', end: '20:30', capacity: 4, reason: '加开' },
    ];
    const slots = generateSlots({ hours, exceptions, slotMinutes: 30, fromDate: TUE, days: 8 });
    const starts = slots.map((s) => `${s.date} ${s.startsAt.toISOString().slice(11, 16)}`);
    expect(starts).toContain('2026-12-01 02:00'); // 10:00 kept
    expect(starts).not.toContain('2026-12-01 01:00'); // 09:00–09:30 touches 09:20
    expect(starts).not.toContain('2026-12-01 01:30'); // 09:30–10:00 touches 09:40
    expect(slots.filter((s) => s.date === '2026-12-02')).toEqual([]);
    const extra = slots.filter((s) => s.date === '2026-12-05');
    expect(extra.map((s) => [s.capacity, s.evening])).toEqual([
      [4, true],
      [4, true],
    ]);
    // Next Tuesday is back to normal.
    expect(slots.filter((s) => s.date === '2026-12-08')).toHaveLength(5);
  });

  it('two windows with the same start keep one slot', () => {
    const s = generateSlots({
      hours: [
        { weekday: 2, start: '09:00', end: '10:00', capacity: 1 },
        { weekday: 2, start: '09:00', end: '09:30', capacity: 5 },
      ],
      exceptions: [],
      slotMinutes: 30,
      fromDate: TUE,
      days: 1,
    });
    expect(s.map((x) => x.capacity)).toEqual([1, 1]);
  });

  it('findSlot answers only an exact opening time', () => {
    const rules = { hours, exceptions: [], slotMinutes: 30 };
    expect(findSlot(rules, at('2026-12-01T11:30:00Z'))?.evening).toBe(true);
    expect(findSlot(rules, at('2026-12-01T11:15:00Z'))).toBeUndefined();
    expect(findSlot(rules, at('2026-12-03T01:00:00Z'))).toBeUndefined(); // Thursday: closed
  });
});

describe('booking rules', () => {
  const start = at('2026-12-01T11:00:00Z');
  it('no booking of a started or past slot, nor beyond the horizon', () => {
    expect(bookingRefusal(start, at('2026-12-01T10:59:00Z'))).toBeNull();
    expect(bookingRefusal(start, start)).toBe('SLOT_PAST');
    expect(bookingRefusal(start, at('2026-12-02T00:00:00Z'))).toBe('SLOT_PAST');
    expect(bookingRefusal(start, at('2026-10-01T00:00:00Z'))).toBe('SLOT_CLOSED');
  });

  it('cancel and reschedule until the cut-off', () => {
    expect(beforeCutoff(start, at('2026-12-01T09:59:00Z'), 60)).toBe(true);
    expect(beforeCutoff(start, at('2026-12-01T10:00:00Z'), 60)).toBe(false);
    expect(beforeCutoff(start, at('2026-12-01T10:59:00Z'), 0)).toBe(true);
  });

  it('overlap is half-open', () => {
    const a = { startsAt: at('2026-12-01T01:00:00Z'), endsAt: at('2026-12-01T01:30:00Z') };
    expect(overlaps(a, { startsAt: at('2026-12-01T01:30:00Z'), endsAt: at('2026-12-01T02:00:00Z') })).toBe(
      false,
    );
    expect(overlaps(a, { startsAt: at('2026-12-01T01:20:00Z'), endsAt: at('2026-12-01T02:00:00Z') })).toBe(
      true,
    );
    expect(overlaps(a, { startsAt: at('2026-12-01T00:00:00Z'), endsAt: at('2026-12-01T03:00:00Z') })).toBe(
      true,
    );
  });

  it('booking codes are 6 digits', () => {
    expect(bookingCode(() => 0)).toBe('100000');
    expect(bookingCode(() => 0.999999)).toMatch(/^\d{6}$/);
  });
});

describe('reminders and offers', () => {
  const startsAt = at('2026-12-02T11:00:00Z');
  const early = {
    startsAt,
    createdAt: at('2026-11-25T00:00:00Z'),
    remindedDayAt: null,
    remindedNearAt: null,
  };
  it('the day before, then two hours before, each once', () => {
    expect(dueReminder(early, at('2026-12-01T10:59:00Z'))).toBeNull();
    expect(dueReminder(early, at('2026-12-01T11:00:00Z'))).toBe('day_before');
    expect(
      dueReminder({ ...early, remindedDayAt: at('2026-12-01T11:00:00Z') }, at('2026-12-01T20:00:00Z')),
    ).toBeNull();
    expect(dueReminder(early, at('2026-12-02T09:00:00Z'))).toBe('near');
    expect(
      dueReminder({ ...early, remindedNearAt: at('2026-12-02T09:00:00Z') }, at('2026-12-02T10:00:00Z')),
    ).toBeNull();
    expect(dueReminder(early, startsAt)).toBeNull();
  });

  it('no "tomorrow" reminder for a booking made within the day', () => {
    const late = { ...early, createdAt: at('2026-12-01T20:00:00Z') };
    expect(dueReminder(late, at('2026-12-01T21:00:00Z'))).toBeNull();
    expect(dueReminder(late, at('2026-12-02T09:30:00Z'))).toBe('near');
  });

  it('an offer is held 30 minutes, never past the slot start', () => {
    expect(offerExpiry(startsAt, at('2026-12-02T09:00:00Z'))?.toISOString()).toBe('2026-12-02T09:30:00.000Z');
    expect(offerExpiry(startsAt, at('2026-12-02T10:50:00Z'))?.toISOString()).toBe('2026-12-02T11:00:00.000Z');
    expect(offerExpiry(startsAt, startsAt)).toBeNull();
  });
});

describe('schemas', () => {
  it('hours need end after start and sane capacities', () => {
    expect(
      ZSetHoursSchema.safeParse({ hours: [{ weekday: 2, start: '19:00', end: '21:00', capacity: 2 }] })
        .success,
    ).toBe(true);
    const bad = ZSetHoursSchema.safeParse({
      hours: [{ weekday: 8, start: '21:00', end: '19:00', capacity: 0 }],
    });
    expect(bad.success).toBe(false);
    expect(
      ZSetHoursSchema.safeParse({ hours: [{ weekday: 1, start: '9:00', end: '10:00', capacity: 1 }] })
        .success,
    ).toBe(false);
  });
  it('exceptions: a real date, a reason, extra hours need times', () => {
    expect(
      ZAddExceptionSchema.safeParse({ date: '2026-12-01', kind: 'closed', reason: '节假日' }).success,
    ).toBe(true);
    expect(
      ZAddExceptionSchema.safeParse({ date: '2026-02-30', kind: 'closed', reason: '节假日' }).success,
    ).toBe(false);
    expect(ZAddExceptionSchema.safeParse({ date: '2026-12-01', kind: 'extra', reason: '加开' }).success).toBe(
      false,
    );
    expect(ZAddExceptionSchema.safeParse({ date: '2026-12-01', kind: 'closed', reason: '' }).success).toBe(
      false,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { slotUnderRules } from '../../api/_services/slots';
import { type TServiceException, type TWeeklyHours, findSlot } from '../../shared/services/rules';

// 2026-12-01 is a Tuesday.
const hours: TWeeklyHours[] = [
  { weekday: 2, start: '09:00', end: '10:30', capacity: 3 },
  { weekday: 2, start: '19:00', end: '20:00', capacity: 2 },
];
const closedEvening: TServiceException[] = [
  { date: '2026-12-01', kind: 'closed', start: '19:00', end: '20:00', capacity: null, reason: '开会' },
];
const asText = (h: TWeeklyHours[], e: TServiceException[]) => ({
  slot_minutes: 30,
  hours: JSON.stringify(h),
  exceptions: JSON.stringify(e),
});

describe('slotUnderRules (findSlot, kept per set of rules)', () => {
  it('gives what findSlot gives, for opening times and others', () => {
    for (const iso of [
      '2026-12-01T01:00:00Z',
      '2026-12-01T02:00:00Z',
      '2026-12-01T11:30:00Z',
      '2026-12-01T01:15:00Z',
      '2026-12-02T01:00:00Z',
    ]) {
      const at = new Date(iso);
      expect(slotUnderRules(asText(hours, []), at)).toEqual(
        findSlot({ hours, exceptions: [], slotMinutes: 30 }, at),
      );
    }
  });

  it('follows the rules as they change (the text is the key)', () => {
    const evening = new Date('2026-12-01T11:00:00Z');
    expect(slotUnderRules(asText(hours, []), evening)?.capacity).toBe(2);
    expect(slotUnderRules(asText(hours, closedEvening), evening)).toBeUndefined();
    const more = hours.map((h) => ({ ...h, capacity: h.capacity + 1 }));
    expect(slotUnderRules(asText(more, []), evening)?.capacity).toBe(3);
  });
});

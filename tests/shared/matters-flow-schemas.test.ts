/**
 * The contract of the matters flow: an action's extra fields (a mediation session, a merge
 * target) only with their action; the inbox query's coercion and bounds; categories and the duty
 * roster.
 */
import { describe, expect, it } from 'vitest';
import {
  INBOX_PAGE_MAX,
  ZDutyRosterSchema,
  ZMatterInboxQuery,
  ZSimilarMattersQuery,
  ZTakeMatterActionSchema,
  ZVillageCategoriesSchema,
} from '../../shared/matters/schemas';

const id = '6f1c1e0e-8a53-4a59-9d8f-0c4a1d1b2c3d';
const session = {
  heldOn: '2026-11-20',
  place: '村委会',
  participants: ['王秀英'],
  said: '说明了情况',
  outcome: 'agreed',
};
const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.success ? [] : r.error!.issues.map((i) => i.message);

describe('ZTakeMatterActionSchema', () => {
  it('record_session needs a session; merge needs a target; neither rides on another action', () => {
    expect(ZTakeMatterActionSchema.safeParse({ action: 'record_session', session }).success).toBe(true);
    expect(messages(ZTakeMatterActionSchema.safeParse({ action: 'record_session' }))).toEqual([
      '请填写调解记录',
    ]);
    expect(ZTakeMatterActionSchema.safeParse({ action: 'merge', note: '重复', mergeInto: id }).success).toBe(
      true,
    );
    expect(messages(ZTakeMatterActionSchema.safeParse({ action: 'merge', note: '重复' }))).toEqual([
      '请选择要合并到的事项',
    ]);
    expect(messages(ZTakeMatterActionSchema.safeParse({ action: 'accept', session }))).toEqual([
      '只有记录调解时才填调解记录',
    ]);
    expect(messages(ZTakeMatterActionSchema.safeParse({ action: 'accept', mergeInto: id }))).toEqual([
      '只有合并时才选事项',
    ]);
  });

  it('a session needs every field, within bounds', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ heldOn: '2026/11/20' }, '请填写调解日期'],
      [{ place: '' }, '请填写调解地点'],
      [{ participants: [] }, '请填写参加调解的人'],
      [{ participants: Array.from({ length: 31 }, (_, i) => `人${i}`) }, '参加人最多30位'],
      [{ said: '' }, '请简要记录调解经过'],
      [{ outcome: 'maybe' }, '请选择调解结果'],
    ];
    for (const [over, message] of bad) {
      const r = ZTakeMatterActionSchema.safeParse({
        action: 'record_session',
        session: { ...session, ...over },
      });
      expect({ over, messages: messages(r) }).toEqual({ over, messages: [message] });
    }
  });
});

describe('ZMatterInboxQuery', () => {
  it('coerces the query string and defaults the page size', () => {
    expect(ZMatterInboxQuery.parse({})).toEqual({ limit: 20 });
    expect(ZMatterInboxQuery.parse({ limit: '5', overdue: 'true', state: 'submitted' })).toEqual({
      limit: 5,
      overdue: true,
      state: 'submitted',
    });
    expect(ZMatterInboxQuery.parse({ overdue: 'false' }).overdue).toBe(false);
  });

  it('refuses out-of-range pages, unknown filters and odd cursors', () => {
    for (const q of [
      { limit: '0' },
      { limit: String(INBOX_PAGE_MAX + 1) },
      { overdue: '1' },
      { state: 'lost' },
      { level: 'county' },
      { kind: 'gossip' },
      { cursor: 'a b' },
      { cursor: 'x'.repeat(201) },
      { unknown: '1' },
    ]) {
      expect({ q, ok: ZMatterInboxQuery.safeParse(q).success }).toEqual({ q, ok: false });
    }
  });
});

describe('settings and duplicates', () => {
  it('categories: keys in lower snake case, short labels, at most 30', () => {
    expect(
      ZVillageCategoriesSchema.safeParse({ categories: [{ key: 'tea_garden', label: '茶园' }] }).success,
    ).toBe(true);
    expect(ZVillageCategoriesSchema.safeParse({ categories: [{ key: '1tea', label: '茶园' }] }).success).toBe(
      false,
    );
    expect(
      ZVillageCategoriesSchema.safeParse({
        categories: [{ key: 'tea', label: '茶园管理和茶叶销售方面的事情' }],
      }).success,
    ).toBe(false);
    const many = Array.from({ length: 31 }, (_, i) => ({ key: `c${i}`, label: `类${i}` }));
    expect(ZVillageCategoriesSchema.safeParse({ categories: many }).success).toBe(false);
  });

  it('duty roster: weekdays 0–6, a user id each, at most seven', () => {
    expect(ZDutyRosterSchema.safeParse({ days: [{ weekday: 0, userId: id }] }).success).toBe(true);
    expect(ZDutyRosterSchema.safeParse({ days: [{ weekday: -1, userId: id }] }).success).toBe(false);
    expect(ZDutyRosterSchema.safeParse({ days: [{ weekday: 2, userId: 'someone' }] }).success).toBe(false);
    expect(
      ZDutyRosterSchema.safeParse({ days: Array.from({ length: 8 }, () => ({ weekday: 1, userId: id })) })
        .success,
    ).toBe(false);
  });

  it('similar: a category and at most 2,000 characters of text', () => {
    expect(ZSimilarMattersQuery.safeParse({ category: 'roads', text: ' 路灯坏了 ' }).data?.text).toBe(
      '路灯坏了',
    );
    expect(ZSimilarMattersQuery.safeParse({ text: '路灯' }).success).toBe(false);
  });
});

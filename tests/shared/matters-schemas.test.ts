import { describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES, categoryLabel } from '../../shared/matters/kinds';
import {
  ZMatterTimeLimitsOverride,
  ZRaiseMatterSchema,
  ZTakeMatterActionSchema,
  raiseMatterSchemaFor,
} from '../../shared/matters/schemas';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ok = { kind: 'complaint', category: 'roads', text: '村口路灯坏了' };

function firstMessage(r: {
  success: boolean;
  error?: { issues: { message: string }[] };
}): string | undefined {
  return r.error?.issues[0]?.message;
}

describe('raising a matter', () => {
  it('accepts a minimal matter and fills the defaults (private, not about a cadre, no photos)', () => {
    expect(ZRaiseMatterSchema.parse(ok)).toEqual({
      ...ok,
      photoIds: [],
      aboutCadre: false,
      visibility: 'private',
    });
  });

  it('accepts voice only, photos, location and 代办 with consent', () => {
    const r = ZRaiseMatterSchema.safeParse({
      kind: 'errand',
      category: 'social_assistance',
      voice: { fileId: id(1), durationS: 60 },
      photoIds: Array.from({ length: 9 }, (_, i) => id(i)),
      location: { lat: 30.5, lng: 114.3, address: '三组' },
      onBehalfOf: { villagerId: id(99), consent: { method: 'in_person', at: '2024-06-01T09:00:00+08:00' } },
    });
    expect(r.success).toBe(true);
  });

  it.each([
    [{ ...ok, text: '' }, '请写几句话，或者录一段语音'],
    [{ ...ok, text: '   ' }, '请写几句话，或者录一段语音'],
    [{ ...ok, text: '字'.repeat(2001) }, '文字不能超过2000个字'],
    [{ ...ok, photoIds: Array.from({ length: 10 }, (_, i) => id(i)) }, '照片最多9张'],
    [{ ...ok, voice: { fileId: id(1), durationS: 61 } }, '语音不能超过60秒'],
    [{ ...ok, kind: 'gossip' }, '请选择事项类型'],
    [{ ...ok, category: 'Roads!' }, '请选择事项类别'],
    [{ ...ok, aboutCadre: true, visibility: 'public' }, '反映村干部的事项不能公开'],
    [{ ...ok, location: { lat: 91, lng: 0 } }, '位置不对'],
  ])('refuses %j with a Chinese message', (input, message) => {
    expect(firstMessage(ZRaiseMatterSchema.safeParse(input))).toBe(message);
  });

  it('2,000 characters is fine; an unknown field is refused', () => {
    expect(ZRaiseMatterSchema.safeParse({ ...ok, text: '字'.repeat(2000) }).success).toBe(true);
    expect(ZRaiseMatterSchema.safeParse({ ...ok, priority: 'high' }).success).toBe(false);
  });

  it('limits the category to the village’s list', () => {
    const village = raiseMatterSchemaFor(['roads', 'tea_garden']);
    expect(village.safeParse({ ...ok, category: 'tea_garden' }).success).toBe(true);
    expect(firstMessage(village.safeParse({ ...ok, category: 'water' }))).toBe(
      '没有这个事项类别，请重新选择',
    );
    expect(raiseMatterSchemaFor().safeParse({ ...ok, category: 'water' }).success).toBe(true);
    expect(categoryLabel('land')).toBe('土地宅基地');
    expect(DEFAULT_CATEGORIES.at(-1)).toEqual({ key: 'other', label: '其他' });
  });
});

describe('taking an action', () => {
  it('knows the actions and bounds the note', () => {
    expect(ZTakeMatterActionSchema.safeParse({ action: 'accept' }).success).toBe(true);
    expect(firstMessage(ZTakeMatterActionSchema.safeParse({ action: 'approve' }))).toBe('没有这个操作');
    expect(
      firstMessage(ZTakeMatterActionSchema.safeParse({ action: 'resolve', note: 'x'.repeat(1001) })),
    ).toBe('说明不能超过1000个字');
  });
});

describe('time-limit overrides', () => {
  it('takes whole hours between 1 hour and 90 days for known keys only', () => {
    expect(ZMatterTimeLimitsOverride.parse({ accept: 12 })).toEqual({ accept: 12 });
    expect(firstMessage(ZMatterTimeLimitsOverride.safeParse({ accept: 0 }))).toBe('时限不能少于1小时');
    expect(firstMessage(ZMatterTimeLimitsOverride.safeParse({ handle: 91 * 24 }))).toBe('时限不能超过90天');
    expect(firstMessage(ZMatterTimeLimitsOverride.safeParse({ handle: 1.5 }))).toBe('时限要填整数小时');
    expect(ZMatterTimeLimitsOverride.safeParse({ lunch: 1 }).success).toBe(false);
  });
});

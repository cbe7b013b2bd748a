/** The vote-creation contract: custom single-choice options are 2–10 distinct, non-empty, ≤ 30 characters. */
import { describe, expect, it } from 'vitest';
import { ZCreateVoteSchema, optionLabelKey } from '../../shared/councils/schemas';

const base = {
  meetingId: '9b0c4a1e-0000-4000-8000-000000000002',
  question: '村里的新路叫什么名字？',
  ballotMode: 'secret',
  opensAt: '2026-12-03T01:00:00.000Z',
  closesAt: '2026-12-03T09:00:00.000Z',
} as const;
const opts = (...labels: string[]) => labels.map((label, i) => ({ key: `o${i + 1}`, label }));
const single = (options: unknown) => ZCreateVoteSchema.safeParse({ ...base, kind: 'single', options });
const firstMessage = (r: ReturnType<typeof single>) => (r.success ? null : r.error.issues[0]!.message);

describe('custom single-choice options', () => {
  it('two to ten choices pass, trimmed', () => {
    const two = single(opts(' 幸福路 ', '振兴路'));
    expect(two.success).toBe(true);
    expect(two.data!.options!.map((o) => o.label)).toEqual(['幸福路', '振兴路']);
    const ten = single(opts(...Array.from({ length: 10 }, (_, i) => `第${i + 1}个方案`)));
    expect(ten.success).toBe(true);
  });

  it('fewer than two or more than ten are refused, in plain words', () => {
    expect(firstMessage(single(opts('幸福路')))).toBe('至少要有 2 个选项');
    expect(firstMessage(single([]))).toBe('至少要有 2 个选项');
    expect(firstMessage(single(opts(...Array.from({ length: 11 }, (_, i) => `方案${i}`))))).toBe(
      '最多 10 个选项',
    );
  });

  it('an empty or blank choice is refused', () => {
    expect(firstMessage(single(opts('幸福路', '')))).toBe('选项不能是空的');
    expect(firstMessage(single(opts('幸福路', '   ')))).toBe('选项不能是空的');
  });

  it('30 characters is the most a choice may have', () => {
    expect(single(opts('路'.repeat(30), '桥')).success).toBe(true);
    expect(firstMessage(single(opts('路'.repeat(31), '桥')))).toBe('每个选项最多 30 个字');
  });

  it('the same choice twice is refused — also with other spacing or letter case', () => {
    expect(firstMessage(single(opts('幸福路', '幸福路')))).toBe('选项不能重复');
    expect(firstMessage(single(opts('幸福 路', ' 幸福路')))).toBe('选项不能重复');
    expect(firstMessage(single(opts('Plan A', 'plan a')))).toBe('选项不能重复');
    expect(optionLabelKey(' A  b ')).toBe('ab');
  });

  it('the same key twice is refused', () => {
    const r = single([
      { key: 'a', label: '幸福路' },
      { key: 'a', label: '振兴路' },
    ]);
    expect(firstMessage(r)).toBe('选项编号不能重复');
  });

  it('keys are short lower-case words', () => {
    expect(
      single([
        { key: 'A', label: '甲' },
        { key: 'b', label: '乙' },
      ]).success,
    ).toBe(false);
    expect(
      single([
        { key: 'x'.repeat(21), label: '甲' },
        { key: 'b', label: '乙' },
      ]).success,
    ).toBe(false);
  });

  it('a single-choice vote needs its options; a yes/no vote takes none', () => {
    expect(firstMessage(ZCreateVoteSchema.safeParse({ ...base, kind: 'single' }))).toBe('请填写选项');
    expect(ZCreateVoteSchema.safeParse({ ...base, kind: 'yes_no' }).success).toBe(true);
    expect(
      firstMessage(ZCreateVoteSchema.safeParse({ ...base, kind: 'yes_no', options: opts('甲', '乙') })),
    ).toBe('“同意/反对/弃权”的投票不用填写选项');
  });
});

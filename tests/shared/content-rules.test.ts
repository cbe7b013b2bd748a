import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LABEL_UNREACHABLE,
  MAX_CHECK_ATTEMPTS,
  MEDIA_VERDICT_WAIT_MS,
  MSG_SEC_CHECK_MAX_CHARS,
  baseTargetType,
  combineVerdicts,
  isVisible,
  labelText,
  recheckDue,
  reviewerRoleFor,
  sceneFor,
  splitForCheck,
  supervisedTargetType,
} from '../../shared/content/rules';

const len = (s: string) => Array.from(s).length;

describe('splitForCheck', () => {
  it('leaves text within the limit whole', () => {
    expect(splitForCheck('村里的路灯坏了。')).toEqual(['村里的路灯坏了。']);
    const exact = '字'.repeat(MSG_SEC_CHECK_MAX_CHARS);
    expect(splitForCheck(exact)).toEqual([exact]);
  });

  it('cuts long text at sentence ends, each chunk ≤ 2,500 characters', () => {
    const sentence = '村东头的水渠年久失修，雨季一来就漫到路上。'; // 21 characters
    const text = sentence.repeat(300); // 6,300 characters
    const chunks = splitForCheck(text);
    expect(chunks.length).toBe(3);
    for (const c of chunks) {
      expect(len(c)).toBeLessThanOrEqual(MSG_SEC_CHECK_MAX_CHARS);
      expect(c.endsWith('。')).toBe(true);
    }
    expect(chunks.join('')).toBe(text);
  });

  it('prefers a paragraph break over a sentence end, and a comma over a hard cut', () => {
    const para = `${'甲'.repeat(1400)}\n${'乙。'.repeat(500)}`;
    expect(splitForCheck(para, 2000)[0]).toBe(`${'甲'.repeat(1400)}\n`);
    const commas = `${'丙'.repeat(1500)}，${'丁'.repeat(1500)}`;
    expect(splitForCheck(commas)[0]).toBe(`${'丙'.repeat(1500)}，`);
  });

  it('cuts hard when there is no boundary, never inside a surrogate pair', () => {
    const text = '😀'.repeat(5001);
    const chunks = splitForCheck(text);
    expect(chunks.map(len)).toEqual([2500, 2500, 1]);
    expect(chunks.join('')).toBe(text);
  });

  it('property: chunks rejoin to the text and respect the limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('村', '民', '。', '，', '\n', ' ', 'a', '😀', '！'), { maxLength: 400 }),
        fc.integer({ min: 2, max: 60 }),
        (parts, max) => {
          const text = parts.join('');
          const chunks = splitForCheck(text, max);
          expect(chunks.join('')).toBe(text);
          for (const c of chunks) expect(len(c)).toBeLessThanOrEqual(max);
          if (text.length > 0) for (const c of chunks) expect(len(c)).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('combineVerdicts', () => {
  it('the worst verdict wins: risky > review > unchecked > pass', () => {
    const pass = { suggest: 'pass', label: '100', traceId: 't1' } as const;
    const review = { suggest: 'review', label: '20001', traceId: 't2' } as const;
    const risky = { suggest: 'risky', label: '20006', traceId: 't3' } as const;
    const unchecked = { unchecked: LABEL_UNREACHABLE };
    expect(combineVerdicts([pass, pass])).toEqual({ status: 'pass', label: '100', traceId: 't1' });
    expect(combineVerdicts([pass, unchecked])).toEqual({ status: 'review', label: LABEL_UNREACHABLE });
    expect(combineVerdicts([unchecked, review, pass])).toEqual({
      status: 'review',
      label: '20001',
      traceId: 't2',
    });
    expect(combineVerdicts([pass, review, risky, unchecked])).toMatchObject({
      status: 'risky',
      label: '20006',
    });
  });

  it('no answer at all is held, never passed', () => {
    expect(combineVerdicts([]).status).toBe('review');
  });
});

describe('visibility, reviewers, scenes', () => {
  it('only pass is visible', () => {
    expect(['pending', 'pass', 'review', 'risky'].filter((s) => isVisible(s as never))).toEqual(['pass']);
  });

  it('supervised target types go to supervisors and keep their base type', () => {
    expect(supervisedTargetType('matter')).toBe('matter.supervised');
    expect(supervisedTargetType('matter.supervised')).toBe('matter.supervised');
    expect(reviewerRoleFor('matter.supervised')).toBe('supervisor');
    expect(reviewerRoleFor('comment')).toBe('cadre');
    expect(baseTargetType('matter.supervised')).toBe('matter');
    expect(sceneFor('comment')).toBe(2);
    expect(sceneFor('matter.supervised')).toBe(3);
    expect(sceneFor('unknown')).toBe(3);
  });

  it('labels read as Chinese reasons', () => {
    expect(labelText('20001')).toBe('时政');
    expect(labelText(LABEL_UNREACHABLE)).toContain('人工审核');
    expect(labelText('errcode:-1008')).toContain('-1008');
    expect(labelText(null)).toBe('需人工审核');
  });
});

describe('recheckDue', () => {
  const min = 60_000;
  it('text: after 2, 4, 8 … minutes, never in flight, never past the attempt cap', () => {
    const t = (attempts: number, status: 'pending' | 'review' = 'review') =>
      ({ mediaType: 'text', status, attempts }) as const;
    expect(recheckDue(t(0, 'pending'), 30_000)).toBe(false);
    expect(recheckDue(t(0, 'pending'), 2 * min)).toBe(true);
    expect(recheckDue(t(1), 3 * min)).toBe(false);
    expect(recheckDue(t(1), 4 * min)).toBe(true);
    expect(recheckDue(t(3), 15 * min)).toBe(false);
    expect(recheckDue(t(3), 16 * min)).toBe(true);
    expect(recheckDue(t(MAX_CHECK_ATTEMPTS), 1e12)).toBe(false);
  });

  it('image waiting for its push: re-submitted after 35 minutes per submission', () => {
    const img = (attempts: number) => ({ mediaType: 'image', status: 'pending', attempts }) as const;
    expect(recheckDue(img(1), MEDIA_VERDICT_WAIT_MS - 1)).toBe(false);
    expect(recheckDue(img(1), MEDIA_VERDICT_WAIT_MS)).toBe(true);
    expect(recheckDue(img(2), MEDIA_VERDICT_WAIT_MS * 1.5)).toBe(false);
    expect(recheckDue({ mediaType: 'image', status: 'review', attempts: 1 }, 4 * min)).toBe(true);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarizeLedgerForSpeech } from '../../shared/speech/ledger';
import { fenToSpokenYuan, integerToChinese } from '../../shared/speech/money';

describe('integerToChinese', () => {
  it.each([
    [0, '零'],
    [1, '一'],
    [10, '十'],
    [15, '十五'],
    [105, '一百零五'],
    [110, '一百一十'],
    [1005, '一千零五'],
    [10050, '一万零五十'],
    [12345, '一万二千三百四十五'],
    [100000, '十万'],
    [100005, '十万零五'],
    [1000000, '一百万'],
    [10000000, '一千万'],
    [10010000, '一千零一万'],
    [100000000, '一亿'],
    [100001000, '一亿零一千'],
    [120034000, '一亿二千零三万四千'],
  ])('%i → %s', (n, words) => {
    expect(integerToChinese(n)).toBe(words);
  });

  it('refuses negatives and fractions', () => {
    expect(() => integerToChinese(-1)).toThrow();
    expect(() => integerToChinese(1.5)).toThrow();
  });

  it('property: every digit 1–9 of the number is spoken as its word, and 零 never doubles', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999 }), (n) => {
        const s = integerToChinese(n);
        expect(s).not.toMatch(/零零/);
        expect(s.endsWith('零') && n !== 0).toBe(false);
        const nonZeroDigits = String(n).replace(/0/g, '').length;
        const spoken = (s.match(/[一二三四五六七八九]/g) ?? []).length;
        // 十五 drops the leading 一 of 一十 — one word fewer for those.
        expect(spoken).toBe(/^十/.test(s) ? nonZeroDigits - 1 : nonZeroDigits);
      }),
    );
  });
});

describe('fenToSpokenYuan', () => {
  it.each([
    [0, '零元'],
    [100, '一元'],
    [50, '五角'],
    [5, '五分'],
    [10001, '一百元零一分'],
    [10050, '一百元五角'],
    [1234567, '一万二千三百四十五元六角七分'],
    [150000_00, '十五万元'],
    [-2500, '负二十五元'],
  ])('%i 分 → %s', (fen, words) => {
    expect(fenToSpokenYuan(fen)).toBe(words);
  });
});

describe('summarizeLedgerForSpeech', () => {
  const items = [
    { label: '上级补助', amountFen: 200000_00, kind: 'income' as const },
    { label: '集体土地租金', amountFen: 35000_00, kind: 'income' as const },
    { label: '村道硬化', amountFen: 120000_00, kind: 'expense' as const },
    { label: '路灯电费', amountFen: 3600_50, kind: 'expense' as const },
    { label: '办公用品', amountFen: 820_00, kind: 'expense' as const },
    { label: '水渠清淤', amountFen: 18000_00, kind: 'expense' as const },
  ];

  it('says the totals, the balance and the three largest expenses and incomes, largest first', () => {
    const text = summarizeLedgerForSpeech({ title: '2026年第三季度财务收支', items });
    expect(text).toBe(
      '2026年第三季度财务收支。' +
        '收入合计二十三万五千元，共两笔；支出合计十四万二千四百二十元五角，共四笔；结余九万二千五百七十九元五角。' +
        '支出最多的三项是：村道硬化，十二万元；水渠清淤，一万八千元；路灯电费，三千六百元五角。' +
        '收入最多的两项是：上级补助，二十万元；集体土地租金，三万五千元。',
    );
    // Every row is not read: the smallest expense is left out.
    expect(text).not.toContain('办公用品');
  });

  it('says when spending exceeds income, and handles a ledger with one side or nothing', () => {
    const over = summarizeLedgerForSpeech({
      title: '十月支出',
      items: [
        { label: '补助', amountFen: 100_00, kind: 'income' },
        { label: '修桥', amountFen: 300_00, kind: 'expense' },
      ],
    });
    expect(over).toContain('支出比收入多二百元');
    expect(over).toContain('支出是修桥，三百元。');
    const onlySpend = summarizeLedgerForSpeech({
      title: '十一月',
      items: [{ label: '修桥', amountFen: 300_00, kind: 'expense' }],
    });
    expect(onlySpend).toBe('十一月。支出合计三百元，共一笔。支出是修桥，三百元。');
    expect(summarizeLedgerForSpeech({ title: '十二月。', items: [] })).toBe('十二月。这一期没有收支。');
  });

  it('property: the summary never contains digits of amounts and names at most `top` items per kind', () => {
    const item = fc.record({
      label: fc.constantFrom('修路', '电费', '补助', '租金', '工资'),
      amountFen: fc.integer({ min: 1, max: 10_000_000_00 }),
      kind: fc.constantFrom('income' as const, 'expense' as const),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (rows, top) => {
        const text = summarizeLedgerForSpeech({ title: '账目', items: rows, top });
        expect(text).not.toMatch(/\d/);
        const named = (text.match(/，[零一二三四五六七八九十百千万亿元角分负]+[；。]/g) ?? []).length;
        expect(named).toBeLessThanOrEqual(2 * top);
      }),
    );
  });
});

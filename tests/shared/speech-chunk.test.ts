import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SPEECH_CHUNK_MAX,
  isSpeakable,
  normalizeSpeechText,
  splitForSpeech,
} from '../../shared/speech/chunk';

describe('splitForSpeech', () => {
  it('cuts after each sentence end, keeping the punctuation and closing quotes with the sentence', () => {
    expect(splitForSpeech('明天停水。请提前接水！有问题吗？打电话；找村委会')).toEqual([
      '明天停水。',
      '请提前接水！',
      '有问题吗？',
      '打电话；',
      '找村委会',
    ]);
    expect(splitForSpeech('他说：“明天开会。”然后走了。')).toEqual(['他说：“明天开会。”', '然后走了。']);
    expect(splitForSpeech('第一行\n第二行')).toEqual(['第一行\n', '第二行']);
    expect(splitForSpeech('真的吗？！好。')).toEqual(['真的吗？！', '好。']);
  });

  it('returns nothing for an empty text and one chunk for a short one', () => {
    expect(splitForSpeech('')).toEqual([]);
    expect(splitForSpeech('村里的路灯坏了')).toEqual(['村里的路灯坏了']);
  });

  it('cuts a sentence longer than the limit at the last comma or 、 that fits', () => {
    const clause = '村东头的水渠年久失修，'; // 11 characters
    const sentence = `${clause.repeat(12)}请尽快修理。`; // 138 characters
    const chunks = splitForSpeech(sentence);
    expect(chunks).toEqual([clause.repeat(9), `${clause.repeat(3)}请尽快修理。`]);
    expect(splitForSpeech('甲、乙、丙、丁', 4)).toEqual(['甲、乙、', '丙、丁']);
  });

  it('cuts hard at the limit when a clause has no mark, never inside a surrogate pair', () => {
    expect(splitForSpeech('一'.repeat(250))).toEqual(['一'.repeat(100), '一'.repeat(100), '一'.repeat(50)]);
    const emoji = `${'一'.repeat(99)}😀二`;
    const chunks = splitForSpeech(emoji);
    expect(chunks).toEqual(['一'.repeat(99), '😀二']);
  });

  const speechText = fc
    .array(
      fc.oneof(
        fc.constantFrom('。', '！', '？', '；', '，', '、', '：', '\n', ' ', '”', '…', '!', '.', ','),
        fc.string({
          unit: fc.constantFrom('村', '民', '会', '议', '路', '灯', 'a', '1', '😀'),
          maxLength: 30,
        }),
      ),
      { maxLength: 80 },
    )
    .map((parts) => parts.join(''));

  it('property: the chunks joined give back the text, each is non-empty and ≤ the limit', () => {
    fc.assert(
      fc.property(speechText, fc.integer({ min: 2, max: 120 }), (text, max) => {
        const chunks = splitForSpeech(text, max);
        expect(chunks.join('')).toBe(text);
        for (const c of chunks) {
          expect(c.length).toBeGreaterThan(0);
          expect(c.length).toBeLessThanOrEqual(max);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: with the default limit every chunk is ≤ 100 characters, also for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 1000 }), (text) => {
        const chunks = splitForSpeech(text);
        expect(chunks.join('')).toBe(text);
        expect(chunks.every((c) => c.length <= SPEECH_CHUNK_MAX && c.length > 0)).toBe(true);
      }),
    );
  });

  it('property: a chunk never ends in the middle of a sentence when the sentence fits', () => {
    const sentence = fc
      .string({ unit: fc.constantFrom('村', '民', '会', '，'), minLength: 1, maxLength: 60 })
      .map((s) => `${s}。`);
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 1, maxLength: 10 }), (ss) => {
        expect(splitForSpeech(ss.join(''))).toEqual(ss);
      }),
    );
  });
});

describe('isSpeakable / normalizeSpeechText', () => {
  it('tells chunks with words from punctuation and spaces', () => {
    expect(isSpeakable('。 ')).toBe(false);
    expect(isSpeakable('好。')).toBe(true);
    expect(isSpeakable('3')).toBe(true);
  });
  it('collapses whitespace and trims', () => {
    expect(normalizeSpeechText('  明天\n\n停水 。 ')).toBe('明天 停水 。');
  });
});

/**
 * Amounts of money as a Chinese listener expects to hear them: 12345.67 元 is read
 * 「一万二千三百四十五元六角七分」. Speech engines read long digit strings inconsistently (digit by
 * digit, or with the wrong grouping), so spoken text carries the words, not the digits.
 */

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const SMALL_UNITS = ['', '十', '百', '千'];
const BIG_UNITS = ['', '万', '亿', '万亿'];

/** 0 ≤ n < 10000 → words, without leading 零 (the caller decides about 零 between groups). */
function groupWords(n: number): string {
  let s = '';
  let zero = false;
  for (let pos = 3; pos >= 0; pos--) {
    const d = Math.floor(n / 10 ** pos) % 10;
    if (d === 0) {
      if (s) zero = true;
      continue;
    }
    if (zero) s += '零';
    zero = false;
    s += DIGITS[d]! + SMALL_UNITS[pos]!;
  }
  return s;
}

/** A non-negative integer in Chinese words: 10 → 十, 105 → 一百零五, 100010 → 十万零一十. */
export function integerToChinese(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${n}`);
  if (n === 0) return DIGITS[0]!;
  const groups: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 10000)) groups.push(v % 10000);
  let s = '';
  let needZero = false;
  for (let g = groups.length - 1; g >= 0; g--) {
    const v = groups[g]!;
    if (v === 0) {
      if (s) needZero = true;
      continue;
    }
    if (s && (needZero || v < 1000)) s += '零';
    needZero = false;
    s += groupWords(v) + BIG_UNITS[g]!;
  }
  // 一十 → 十 at the start, as people say it (十五元, not 一十五元).
  return s.startsWith('一十') ? s.slice(1) : s;
}

/** An amount in 分 as spoken: 12345 → 一百二十三元四角五分; 10001 → 一百元零一分; 50 → 五角. */
export function fenToSpokenYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`not an integer amount of 分: ${fen}`);
  if (fen < 0) return `负${fenToSpokenYuan(-fen)}`;
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const f = fen % 10;
  if (fen === 0) return '零元';
  let s = yuan > 0 ? `${integerToChinese(yuan)}元` : '';
  if (jiao > 0) s += `${DIGITS[jiao]}角`;
  else if (f > 0 && yuan > 0) s += '零';
  if (f > 0) s += `${DIGITS[f]}分`;
  return s;
}

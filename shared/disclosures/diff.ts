/**
 * What changed between two versions, as a diff of lines (longest common subsequence). Lines are
 * the version rendered as text (versionLines), so the board shows a correction in plain words.
 */
import type { TextLine } from './chain';
import { type LedgerEntry, yuan } from './ledger';

export type DiffLine = { op: 'same' | 'added' | 'removed'; text: string };

export function entryText(e: LedgerEntry): string {
  const amount = e.incomeFen > 0 ? `收入 ${yuan(e.incomeFen)} 元` : `支出 ${yuan(e.expenseFen)} 元`;
  // Vouchers count as part of the line, so a correction that adds or removes a photo shows up.
  const n = e.voucherIds?.length ?? 0;
  const vouchers = n > 0 ? ` 凭证${n}张` : '';
  return `${e.date} ${e.category} ${e.item} ${amount} ${e.counterpart}${vouchers}`
    .replace(/\s+/g, ' ')
    .trim();
}

export function versionLines(v: {
  title: string;
  body: string;
  ledger: { openingFen: number; declaredClosingFen: number; entries: LedgerEntry[] } | null;
  sections: TextLine[] | null;
}): string[] {
  const out = [`标题：${v.title}`];
  if (v.body) out.push(...v.body.split('\n').filter(Boolean));
  if (v.ledger) {
    out.push(`期初余额 ${yuan(v.ledger.openingFen)} 元`);
    for (const e of v.ledger.entries) out.push(entryText(e));
    out.push(`期末余额 ${yuan(v.ledger.declaredClosingFen)} 元`);
  }
  for (const s of v.sections ?? []) out.push(`${s.heading}：${s.text}`);
  return out;
}

export function diffLines(a: string[], b: string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: 'removed', text: a[i++]! });
    else out.push({ op: 'added', text: b[j++]! });
  }
  while (i < n) out.push({ op: 'removed', text: a[i++]! });
  while (j < m) out.push({ op: 'added', text: b[j++]! });
  return out;
}

/**
 * The spoken summary of a finance ledger (财务公开): what an elderly villager needs to hear —
 * income and spending in total, the balance, and the few largest items — instead of every row.
 * Pure; the disclosures pages call it and hand the text to the read-aloud button.
 */
import { fenToSpokenYuan, integerToChinese } from './money';

export type TLedgerItem = {
  /** What the money was for or came from (修路款, 上级补助…). */
  label: string;
  /** Integer 分, positive. */
  amountFen: number;
  kind: 'income' | 'expense';
};

export type TLedgerSummaryInput = {
  /** e.g. 2026年第三季度财务收支 */
  title: string;
  items: readonly TLedgerItem[];
  /** How many of the largest items of each kind to name (default 3). */
  top?: number;
};

/** A count as spoken: 两 for 2 (两笔, 两项), otherwise the number's words. */
const count = (n: number) => (n === 2 ? '两' : integerToChinese(n));

const sum = (items: readonly TLedgerItem[]) => items.reduce((s, i) => s + i.amountFen, 0);

/** Largest first; equal amounts keep the ledger's order (stable sort). */
function largest(items: readonly TLedgerItem[], n: number): TLedgerItem[] {
  return [...items].sort((a, b) => b.amountFen - a.amountFen).slice(0, n);
}

function named(kind: '收入' | '支出', items: TLedgerItem[], total: number): string {
  if (items.length === 0) return '';
  const parts = items.map((i) => `${i.label.trim() || '未写明'}，${fenToSpokenYuan(i.amountFen)}`);
  const head =
    items.length === 1 && total === items[0]!.amountFen
      ? `${kind}是`
      : `${kind}最多的${count(items.length)}项是：`;
  return `${head}${parts.join('；')}。`;
}

/** 「2026年第三季度财务收支。收入合计…，共三笔；支出合计…，共十二笔；结余…。支出最多的三项是：…。」 */
export function summarizeLedgerForSpeech(input: TLedgerSummaryInput): string {
  const top = input.top ?? 3;
  const income = input.items.filter((i) => i.kind === 'income');
  const expense = input.items.filter((i) => i.kind === 'expense');
  const title = input.title.trim().replace(/[。.]$/, '');
  if (income.length === 0 && expense.length === 0) return `${title}。这一期没有收支。`;
  const inTotal = sum(income);
  const outTotal = sum(expense);
  const totals: string[] = [];
  if (income.length) totals.push(`收入合计${fenToSpokenYuan(inTotal)}，共${count(income.length)}笔`);
  if (expense.length) totals.push(`支出合计${fenToSpokenYuan(outTotal)}，共${count(expense.length)}笔`);
  const balance = inTotal - outTotal;
  const balanceText =
    income.length && expense.length
      ? balance >= 0
        ? `；结余${fenToSpokenYuan(balance)}`
        : `；支出比收入多${fenToSpokenYuan(-balance)}`
      : '';
  return [
    `${title}。`,
    `${totals.join('；')}${balanceText}。`,
    named('支出', largest(expense, top), outTotal),
    named('收入', largest(income, top), inTotal),
  ].join('');
}

/**
 * Finance ledger rules (财务公开), pure and in integer 分. A ledger reconciles when it has entries,
 * every amount is a whole number of 分 on exactly one side, every entry falls in its period, the
 * computed closing balance (opening + income − expense) equals the declared closing balance (the
 * cash and bank balance the accountant counted), and the opening balance equals the previous
 * period's closing balance. Every failure names the gap, in yuan, for the person fixing it.
 */

export type LedgerEntry = {
  date: string;
  category: string;
  item: string;
  incomeFen: number;
  expenseFen: number;
  counterpart: string;
  /** Voucher photos (media ids, purpose ledger_voucher) the cadre attached to this line. */
  voucherIds?: string[];
  /**
   * Set when the version is published, never sent by a client: each voucher's id and the sha256
   * of its bytes, so the hash chain commits to the photos themselves, not only to their ids.
   */
  vouchers?: VoucherRef[];
};

export type VoucherRef = { id: string; sha256: string };

export type Ledger = {
  openingFen: number;
  declaredClosingFen: number;
  entries: LedgerEntry[];
};

export type LedgerTotals = { incomeFen: number; expenseFen: number; closingFen: number };

export type LedgerIssue =
  | { code: 'EMPTY'; message: string }
  | { code: 'AMOUNT_INVALID'; line: number; message: string }
  | { code: 'OUT_OF_PERIOD'; line: number; message: string }
  | { code: 'CLOSING_MISMATCH'; gapFen: number; message: string }
  | { code: 'OPENING_MISMATCH'; gapFen: number; message: string };

/** 123456 → "1,234.56"; negative with a leading minus. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

export function ledgerTotals(l: Pick<Ledger, 'openingFen' | 'entries'>): LedgerTotals {
  let incomeFen = 0;
  let expenseFen = 0;
  for (const e of l.entries) {
    incomeFen += e.incomeFen;
    expenseFen += e.expenseFen;
  }
  return { incomeFen, expenseFen, closingFen: l.openingFen + incomeFen - expenseFen };
}

const isFen = (n: number) => Number.isSafeInteger(n) && n >= 0;

/**
 * Everything that stops this ledger from being submitted; [] when it reconciles.
 * `previousClosingFen` is null for a village's first ledger (nothing to carry forward).
 */
export function reconcile(
  l: Ledger,
  ctx: { period: { start: string; end: string }; previousClosingFen: number | null; previousLabel?: string },
): LedgerIssue[] {
  const issues: LedgerIssue[] = [];
  if (l.entries.length === 0) {
    issues.push({ code: 'EMPTY', message: '账目是空的，请至少录入一笔收入或支出' });
  }
  l.entries.forEach((e, i) => {
    const line = i + 1;
    if (!isFen(e.incomeFen) || !isFen(e.expenseFen) || e.incomeFen > 0 === e.expenseFen > 0) {
      issues.push({
        code: 'AMOUNT_INVALID',
        line,
        message: `第${line}笔：金额要填整数分，收入和支出只能填一边`,
      });
    }
    if (e.date < ctx.period.start || e.date > ctx.period.end) {
      issues.push({
        code: 'OUT_OF_PERIOD',
        line,
        message: `第${line}笔的日期 ${e.date} 不在本期（${ctx.period.start} 至 ${ctx.period.end}）内`,
      });
    }
  });
  const t = ledgerTotals(l);
  if (t.closingFen !== l.declaredClosingFen) {
    const gapFen = l.declaredClosingFen - t.closingFen;
    issues.push({
      code: 'CLOSING_MISMATCH',
      gapFen,
      message: `账不平：期初 ${yuan(l.openingFen)} 元 + 收入 ${yuan(t.incomeFen)} 元 − 支出 ${yuan(t.expenseFen)} 元 = ${yuan(t.closingFen)} 元，但填的期末余额是 ${yuan(l.declaredClosingFen)} 元，相差 ${yuan(gapFen)} 元`,
    });
  }
  if (ctx.previousClosingFen !== null && l.openingFen !== ctx.previousClosingFen) {
    const gapFen = l.openingFen - ctx.previousClosingFen;
    issues.push({
      code: 'OPENING_MISMATCH',
      gapFen,
      message: `期初余额 ${yuan(l.openingFen)} 元和上期${ctx.previousLabel ? `（${ctx.previousLabel}）` : ''}期末余额 ${yuan(ctx.previousClosingFen)} 元不一致，相差 ${yuan(gapFen)} 元`,
    });
  }
  return issues;
}

/**
 * "1,234.56" (元, as a person types it) → 123456 分, with string arithmetic (never a float);
 * null when it is not an amount with at most two decimals.
 */
export function parseYuan(text: string): number | null {
  const t = text.replace(/[,，\s]/g, '').replace(/元$/, '');
  const m = /^(-?)(\d{1,10})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

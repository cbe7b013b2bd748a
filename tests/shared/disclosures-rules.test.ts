/** Pure disclosure rules: ledger reconciliation in 分, periods and the schedule, the hash chain, line diffs, the lifecycle table. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  GENESIS,
  type ChainContent,
  type ChainLink,
  canonicalJson,
  committedVouchers,
  linkHash,
  verifyChain,
  verifyVouchers,
} from '../../shared/disclosures/chain';
import { diffLines, versionLines } from '../../shared/disclosures/diff';
import { availableDisclosureActions } from '../../shared/disclosures/kinds';
import { type LedgerEntry, ledgerTotals, parseYuan, reconcile, yuan } from '../../shared/disclosures/ledger';
import {
  duePeriods,
  overlaps,
  parsePeriod,
  periodLabel,
  previousPeriod,
} from '../../shared/disclosures/periods';
import { POWER_TEMPLATE } from '../../shared/disclosures/power-template';
import { ZCreateDisclosure, ZLedgerEntry } from '../../shared/disclosures/schemas';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const e = (date: string, income: number, expense: number): LedgerEntry => ({
  date,
  category: '管理费用',
  item: '办公用品',
  incomeFen: income,
  expenseFen: expense,
  counterpart: '供销社',
});
const nov = { start: '2026-11-01', end: '2026-11-30' };

describe('ledger', () => {
  it('totals income and expense and carries the balance, in integer 分', () => {
    const l = { openingFen: 100_00, entries: [e('2026-11-02', 500_00, 0), e('2026-11-03', 0, 120_50)] };
    expect(ledgerTotals(l)).toEqual({ incomeFen: 500_00, expenseFen: 120_50, closingFen: 479_50 });
    expect(yuan(123456789)).toBe('1,234,567.89');
    expect(yuan(-5)).toBe('-0.05');
  });

  it('reconciles when the declared closing and the previous closing agree', () => {
    const l = {
      openingFen: 100_00,
      declaredClosingFen: 479_50,
      entries: [e('2026-11-02', 500_00, 0), e('2026-11-03', 0, 120_50)],
    };
    expect(reconcile(l, { period: nov, previousClosingFen: 100_00 })).toEqual([]);
    expect(reconcile(l, { period: nov, previousClosingFen: null })).toEqual([]);
  });

  it('names each gap: closing, opening vs previous closing, dates, amounts, empty', () => {
    const l = {
      openingFen: 100_00,
      declaredClosingFen: 480_50,
      entries: [e('2026-11-02', 500_00, 0), e('2026-10-31', 0, 120_50), e('2026-11-05', 1.5, 0)],
    };
    const issues = reconcile(l, { period: nov, previousClosingFen: 90_00, previousLabel: '2026年10月' });
    const codes = issues.map((i) => i.code);
    expect(codes).toEqual(['OUT_OF_PERIOD', 'AMOUNT_INVALID', 'CLOSING_MISMATCH', 'OPENING_MISMATCH']);
    const closing = issues.find((i) => i.code === 'CLOSING_MISMATCH')!;
    expect(closing).toMatchObject({ gapFen: 480_50 - (100_00 + 500_01.5 - 120_50) });
    const opening = issues.find((i) => i.code === 'OPENING_MISMATCH')!;
    expect(opening.message).toBe(
      '期初余额 100.00 元和上期（2026年10月）期末余额 90.00 元不一致，相差 10.00 元',
    );
    expect(
      reconcile(
        { openingFen: 0, declaredClosingFen: 0, entries: [] },
        { period: nov, previousClosingFen: null },
      ).map((i) => i.code),
    ).toEqual(['EMPTY']);
  });

  it('says how much the closing balance is off', () => {
    const l = { openingFen: 0, declaredClosingFen: 100_00, entries: [e('2026-11-02', 99_00, 0)] };
    const [issue] = reconcile(l, { period: nov, previousClosingFen: null });
    expect(issue!.message).toContain('相差 1.00 元');
  });

  it('the schema refuses fractions of a 分, negatives and two-sided entries', () => {
    const base = { date: '2026-11-02', category: '科目', item: '摘要', counterpart: '' };
    const bad = (x: object) => ZLedgerEntry.safeParse({ ...base, ...x }).error?.issues[0]?.message;
    expect(bad({ incomeFen: 12.5, expenseFen: 0 })).toBe('收入要填整数（单位：分），不能有小数');
    expect(bad({ incomeFen: -100, expenseFen: 0 })).toBe('收入不能是负数');
    expect(bad({ incomeFen: 100, expenseFen: 100 })).toBe('每一笔要么是收入，要么是支出，只填一边');
    expect(bad({ incomeFen: 0, expenseFen: 0 })).toBe('每一笔要么是收入，要么是支出，只填一边');
    expect(bad({ incomeFen: 100, expenseFen: 0 })).toBeUndefined();
    expect(
      ZCreateDisclosure.safeParse({ kind: 'finance', period: '2026-11', title: '十一月' }).error?.issues[0]
        ?.message,
    ).toBe('财务公开要录入账目');
  });
});

describe('periods and the schedule', () => {
  it('parses months and quarters, labels them, and finds overlaps', () => {
    expect(parsePeriod('2026-02')).toEqual({ start: '2026-02-01', end: '2026-02-28', cycle: 'month' });
    expect(parsePeriod('2024-02')!.end).toBe('2024-02-29');
    expect(parsePeriod('2026-Q4')).toEqual({ start: '2026-10-01', end: '2026-12-31', cycle: 'quarter' });
    expect(parsePeriod('2026-13')).toBeNull();
    expect(periodLabel('2026-Q4')).toBe('2026年第4季度');
    expect(previousPeriod('2026-01')).toBe('2025-12');
    expect(previousPeriod('2026-Q1')).toBe('2025-Q4');
    expect(overlaps(parsePeriod('2026-Q1')!, parsePeriod('2026-03')!)).toBe(true);
    expect(overlaps(parsePeriod('2026-Q1')!, parsePeriod('2026-04')!)).toBe(false);
  });

  it('flags unpublished periods past their due date, and ones due within three days', () => {
    const due = duePeriods({
      schedule: { finance: 'month', affairs: 'quarter', party: 'quarter' },
      now: new Date('2026-05-08T02:00:00Z'),
      since: '2026-01-01',
      published: [{ kind: 'finance', start: '2026-02-01', end: '2026-02-28' }],
    });
    const key = (d: { kind: string; period: string; state: string }) => `${d.kind}:${d.period}:${d.state}`;
    expect(due.map(key).sort()).toEqual(
      [
        'finance:2026-04:due_soon',
        'finance:2026-03:overdue',
        'finance:2026-01:overdue',
        'affairs:2026-Q1:overdue',
        'party:2026-Q1:overdue',
      ].sort(),
    );
    // A quarterly publication covers its months.
    const covered = duePeriods({
      schedule: { finance: 'month', affairs: 'quarter', party: 'quarter' },
      now: new Date('2026-05-20T02:00:00Z'),
      since: '2026-01-01',
      published: [
        { kind: 'finance', start: '2026-01-01', end: '2026-04-30' },
        { kind: 'affairs', start: '2026-01-01', end: '2026-03-31' },
        { kind: 'party', start: '2026-01-01', end: '2026-03-31' },
      ],
    });
    expect(covered).toEqual([]);
  });
});

describe('hash chain', () => {
  const content = (seq: number, title: string): ChainContent => ({
    format: 1,
    villageId: 'v',
    seq,
    disclosureId: `d${seq}`,
    kind: 'finance',
    period: '2026-11',
    title,
    versionNo: 1,
    reason: null,
    body: '',
    ledger: { openingFen: 0, declaredClosingFen: 100, entries: [e('2026-11-02', 100, 0)] },
    sections: null,
    proposalId: null,
    publishedAt: '2026-12-01T00:00:00.000Z',
    cosignedBy: '王监督',
  });
  const build = (n: number): ChainLink[] => {
    const out: ChainLink[] = [];
    let prev = GENESIS;
    for (let i = 1; i <= n; i++) {
      const c = content(i, `第${i}份`);
      const hash = linkHash(c, prev, sha);
      out.push({ content: c, prevHash: prev, hash });
      prev = hash;
    }
    return out;
  };

  it('canonical JSON sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: '中' }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":"中","z":1}]},"b":1}',
    );
  });

  it('verifies an untouched chain and names the link whose content changed', () => {
    const links = build(4);
    expect(verifyChain(links, sha)).toEqual({ ok: true, length: 4, head: links[3]!.hash });
    links[2]!.content.ledger!.entries[0]!.incomeFen = 101;
    const r = verifyChain(links, sha);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.broken).toMatchObject({ seq: 3, disclosureId: 'd3', reason: 'hash_mismatch' });
  });

  it('notices a removed link', () => {
    const links = build(4);
    links.splice(1, 1);
    const r = verifyChain(links, sha);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.broken).toMatchObject({ seq: 3, reason: 'seq_gap' });
  });
  it('a line without vouchers hashes as before vouchers existed (no key added)', () => {
    const c = content(1, '旧的一份');
    expect(canonicalJson(c)).not.toContain('vouchers"');
    const withKey = {
      ...c,
      ledger: { ...c.ledger!, entries: [{ ...c.ledger!.entries[0]!, vouchers: undefined }] },
    };
    expect(linkHash(withKey, GENESIS, sha)).toBe(linkHash(c, GENESIS, sha));
  });

  it('lists the committed voucher photos and names the first one whose bytes differ or are gone', () => {
    const links = build(3);
    const withPhotos = (l: ChainLink, photos: { id: string; sha256: string }[]) => {
      const entry = {
        ...l.content.ledger!.entries[0]!,
        voucherIds: photos.map((p) => p.id),
        vouchers: photos,
      };
      l.content = { ...l.content, ledger: { ...l.content.ledger!, entries: [e('2026-11-01', 1, 0), entry] } };
    };
    withPhotos(links[1]!, [
      { id: 'p1', sha256: 'a'.repeat(64) },
      { id: 'p2', sha256: 'b'.repeat(64) },
    ]);
    withPhotos(links[2]!, [{ id: 'p3', sha256: 'c'.repeat(64) }]);
    expect(committedVouchers(links).map((v) => [v.seq, v.line, v.id])).toEqual([
      [2, 2, 'p1'],
      [2, 2, 'p2'],
      [3, 2, 'p3'],
    ]);
    const head = { length: 3, head: 'h' };
    const all = new Map([
      ['p1', 'a'.repeat(64)],
      ['p2', 'b'.repeat(64)],
      ['p3', 'c'.repeat(64)],
    ]);
    expect(verifyVouchers(links, all, head)).toEqual({ ok: true, length: 3, head: 'h' });
    const swapped = verifyVouchers(links, new Map([...all, ['p2', 'd'.repeat(64)]]), head);
    expect(swapped.ok).toBe(false);
    if (!swapped.ok)
      expect(swapped.broken).toEqual({
        seq: 2,
        disclosureId: 'd2',
        versionNo: 1,
        reason: 'voucher_mismatch',
        message: '第2号（第2份 第1版）第2笔的凭证照片被换过',
        expected: 'b'.repeat(64),
        actual: 'd'.repeat(64),
      });
    const gone = verifyVouchers(links, new Map([...all, ['p3', null]]), head);
    if (!gone.ok)
      expect(gone.broken).toMatchObject({
        seq: 3,
        actual: 'missing',
        message: '第3号（第3份 第1版）第2笔的凭证照片不见了',
      });
    expect(gone.ok).toBe(false);
  });
});

describe('diff and lifecycle', () => {
  it('shows the changed ledger lines', () => {
    const a = versionLines({
      title: 'T',
      body: '',
      sections: null,
      ledger: { openingFen: 0, declaredClosingFen: 100, entries: [e('2026-11-02', 100, 0)] },
    });
    const b = versionLines({
      title: 'T',
      body: '',
      sections: null,
      ledger: { openingFen: 0, declaredClosingFen: 90, entries: [e('2026-11-02', 90, 0)] },
    });
    const changed = diffLines(a, b).filter((l) => l.op !== 'same');
    expect(changed).toEqual([
      { op: 'removed', text: '2026-11-02 管理费用 办公用品 收入 1.00 元 供销社' },
      { op: 'removed', text: '期末余额 1.00 元' },
      { op: 'added', text: '2026-11-02 管理费用 办公用品 收入 0.90 元 供销社' },
      { op: 'added', text: '期末余额 0.90 元' },
    ]);
  });

  it('cadres edit and submit, supervisors approve or return, never their own draft', () => {
    expect(availableDisclosureActions('draft', { roles: ['cadre'], isAuthor: true })).toEqual([
      'edit',
      'submit',
    ]);
    expect(availableDisclosureActions('submitted', { roles: ['cadre'], isAuthor: true })).toEqual([]);
    expect(availableDisclosureActions('submitted', { roles: ['supervisor'], isAuthor: false })).toEqual([
      'approve',
      'return',
    ]);
    expect(
      availableDisclosureActions('submitted', { roles: ['cadre', 'supervisor'], isAuthor: true }),
    ).toEqual([]);
    expect(
      availableDisclosureActions('published', { roles: ['cadre', 'supervisor'], isAuthor: false }),
    ).toEqual([]);
  });

  it('the power-list template has the typical items, each with steps and a legal basis', () => {
    const keys = POWER_TEMPLATE.map((p) => p.key);
    for (const k of [
      'major_decision',
      'tendering',
      'asset_disposal',
      'finance_approval',
      'project_construction',
      'homestead',
      'subsistence',
      'land_compensation',
      'certificates',
      'seal_use',
    ])
      expect(keys).toContain(k);
    for (const p of POWER_TEMPLATE) {
      expect(p.steps.length).toBeGreaterThan(1);
      expect(p.legalBasis.length).toBeGreaterThan(4);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('parseYuan', () => {
  it('turns typed yuan into integer 分 without floats', () => {
    expect(parseYuan('1,234.56')).toBe(123456);
    expect(parseYuan('0.1')).toBe(10);
    expect(parseYuan('0.29')).toBe(29);
    expect(parseYuan('12元')).toBe(1200);
    expect(parseYuan('-3.5')).toBe(-350);
    expect(parseYuan('1.234')).toBeNull();
    expect(parseYuan('abc')).toBeNull();
    expect(parseYuan('')).toBeNull();
  });
});

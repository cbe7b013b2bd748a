/**
 * Bad input gets a clear error with a stable code, and nothing is half-written: a non-integer
 * amount, a negative income, an unreconciled ledger (the message names the gap), an opening that
 * is not the previous closing, a period overlapping another, a finance disclosure with no entries.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disclosures } from '../../api/_db/schema';
import { type Actors, loadActors } from '../support/actors';
import { disclosureApi, entry, ledgerFor } from '../support/disclosures';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('disclosure bad input', () => {
  let t: TestApp;
  let a: Actors;
  let api: ReturnType<typeof disclosureApi>;
  let cadre: string;
  let supervisor: string;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    api = disclosureApi(t, a.village.id);
    cadre = await t.loginAs(a.cadre);
    supervisor = await t.loginAs(a.supervisor);
  });
  afterAll(() => t.close());

  const count = async () =>
    (await t.db.select().from(disclosures).where(eq(disclosures.villageId, a.village.id))).length;
  const finance = (period: string, ledger: object) =>
    api.create(cadre, { kind: 'finance', period, title: `${period} 财务`, ledger });

  it('a non-integer amount and a negative income are refused by field, nothing saved', async () => {
    const before = await count();
    const frac = await finance('2024-01', {
      openingFen: 0,
      declaredClosingFen: 1250,
      entries: [entry('2024-01-02', 12.5, 0)],
    });
    expect(frac.status).toBe(400);
    expect(frac.body.error.code).toBe('VALIDATION_FAILED');
    expect(frac.body.error.message).toBe('收入要填整数（单位：分），不能有小数');
    expect(frac.body.error.details.issues[0].path).toBe('ledger.entries.0.incomeFen');
    const neg = await finance('2024-01', {
      openingFen: 0,
      declaredClosingFen: -100,
      entries: [entry('2024-01-02', -100, 0)],
    });
    expect(neg.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: '收入不能是负数' });
    const str = await finance('2024-01', { openingFen: '100', declaredClosingFen: 0, entries: [] });
    expect(str.body.error.code).toBe('VALIDATION_FAILED');
    const opening = await finance('2024-01', { openingFen: 0.5, declaredClosingFen: 0, entries: [] });
    expect(opening.body.error.message).toBe('期初余额要填整数（单位：分），不能有小数');
    expect(await count()).toBe(before);
  });

  it('an unreconciled ledger cannot be submitted; the message names the gap', async () => {
    const l = ledgerFor('2024-02', 100_000);
    const c = await finance('2024-02', { ...l, declaredClosingFen: l.declaredClosingFen + 150 });
    expect(c.status).toBe(201);
    expect(c.body.issues).toMatchObject([{ code: 'CLOSING_MISMATCH' }]);
    const s = await api.submit(cadre, c.body.disclosureId);
    expect(s.status).toBe(422);
    expect(s.body.error.code).toBe('LEDGER_NOT_RECONCILED');
    expect(s.body.error.message).toBe(
      '账不平：期初 1,000.00 元 + 收入 500.00 元 − 支出 200.00 元 = 1,300.00 元，但填的期末余额是 1,301.50 元，相差 1.50 元',
    );
    expect(s.body.error.details.issues[0]).toMatchObject({ code: 'CLOSING_MISMATCH', gapFen: 150 });
    expect((await api.draft(cadre, c.body.disclosureId)).body.status).toBe('draft');
    // An entry dated outside its period is named too.
    const out = await api.edit(cadre, c.body.disclosureId, {
      title: '2024-02 财务',
      ledger: { ...l, entries: [entry('2024-03-01', 50_000, 0), entry('2024-02-12', 0, 20_000)] },
    });
    expect(out.body.issues).toMatchObject([
      { code: 'OUT_OF_PERIOD', message: '第1笔的日期 2024-03-01 不在本期（2024-02-01 至 2024-02-29）内' },
    ]);
  });

  it('the opening balance must equal the previous period’s closing', async () => {
    await api.publishFinance(cadre, supervisor, '2023-05', 0); // closes at 30,000 分
    const c = await finance('2023-06', ledgerFor('2023-06', 29_000));
    const s = await api.submit(cadre, c.body.disclosureId);
    expect(s.body.error.code).toBe('LEDGER_NOT_RECONCILED');
    expect(s.body.error.message).toBe(
      '期初余额 290.00 元和上期（2023年5月）期末余额 300.00 元不一致，相差 -10.00 元',
    );
    await api.edit(cadre, c.body.disclosureId, {
      title: '2023-06 财务',
      ledger: ledgerFor('2023-06', 30_000),
    });
    expect((await api.submit(cadre, c.body.disclosureId)).body.status).toBe('submitted');
  });

  it('a period that overlaps another of the same kind is refused', async () => {
    await finance('2022-02', ledgerFor('2022-02', 0));
    const before = await count();
    const q = await finance('2022-Q1', ledgerFor('2022-01', 0));
    expect(q.status).toBe(409);
    expect(q.body.error).toMatchObject({
      code: 'PERIOD_OVERLAP',
      message: '2022年第1季度和已有的2022年2月财务公开重叠了',
    });
    expect((await finance('2022-02', ledgerFor('2022-02', 0))).body.error.code).toBe('PERIOD_OVERLAP');
    expect(await count()).toBe(before);
    // Another kind for the same quarter is fine.
    const affairs = await api.create(cadre, {
      kind: 'affairs',
      period: '2022-Q1',
      title: '2022年一季度村务',
      body: '无',
    });
    expect(affairs.status).toBe(201);
  });

  it('a finance disclosure with no entries cannot be submitted', async () => {
    const c = await finance('2021-07', { openingFen: 0, declaredClosingFen: 0, entries: [] });
    expect(c.body.issues).toMatchObject([{ code: 'EMPTY' }]);
    const s = await api.submit(cadre, c.body.disclosureId);
    expect({ status: s.status, code: s.body.error.code, message: s.body.error.message }).toEqual({
      status: 422,
      code: 'LEDGER_EMPTY',
      message: '账目是空的，请至少录入一笔收入或支出',
    });
  });

  it('malformed kinds, periods and missing ledgers are refused', async () => {
    const cases: [object, string][] = [
      [
        { kind: 'finance', period: '2024-13', title: '十三月', ledger: ledgerFor('2024-01', 0) },
        '期间格式是 2026-11 或 2026-Q4',
      ],
      [{ kind: 'finance', period: '2024-04', title: '四月' }, '财务公开要录入账目'],
      [{ kind: 'affairs', title: '没有期间' }, '请选择期间'],
      [{ kind: 'resolution', period: '2024-04', title: '决议' }, '请选择公开类别'],
      [
        { kind: 'affairs', period: '2024-Q2', title: '有账目', ledger: ledgerFor('2024-04', 0) },
        '只有财务公开有账目',
      ],
    ];
    for (const [body, message] of cases) {
      const res = await api.create(cadre, body);
      expect({ status: res.status, code: res.body.error.code, message: res.body.error.message }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        message,
      });
    }
  });
});

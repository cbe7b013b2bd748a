/** Helpers for the disclosure suites: ledgers in 分 and a draft → submit → approve run. */
import { expect } from 'vitest';
import type { TestApp } from './harness';

export const entry = (date: string, incomeFen: number, expenseFen: number, item = '办公用品') => ({
  date,
  category: incomeFen ? '经营收入' : '管理费用',
  item,
  incomeFen,
  expenseFen,
  counterpart: '供销社',
});

/** A ledger for a month that reconciles: one income, one expense. */
export function ledgerFor(period: string, openingFen: number, incomeFen = 50_000, expenseFen = 20_000) {
  return {
    openingFen,
    declaredClosingFen: openingFen + incomeFen - expenseFen,
    entries: [
      entry(`${period}-03`, incomeFen, 0, '鱼塘承包费'),
      entry(`${period}-12`, 0, expenseFen, '路灯维修'),
    ],
  };
}

export function disclosureApi(t: TestApp, villageId: string) {
  const base = `/api/villages/${villageId}/disclosures`;
  return {
    base,
    create: (token: string, body: object) => t.request('POST', base, { token, body }),
    edit: (token: string, id: string, body: object) =>
      t.request('PUT', `${base}/${id}/draft`, { token, body }),
    draft: (token: string, id: string) => t.request('GET', `${base}/${id}/draft`, { token }),
    submit: (token: string, id: string) => t.request('POST', `${base}/${id}/submit`, { token }),
    review: (token: string, id: string, decision: 'approve' | 'return', comment = '') =>
      t.request('POST', `${base}/${id}/review`, { token, body: { decision, comment } }),
    correct: (token: string, id: string, body: object) =>
      t.request('POST', `${base}/${id}/corrections`, { token, body }),
    board: (headers: Record<string, string> = {}) => t.request('GET', `${base}/board`, { headers }),
    detail: (id: string) => t.request('GET', `${base}/${id}`),
    verify: () => t.request('GET', `${base}/verify`),
    /** Drafts, submits and has a supervisor approve a finance month; returns the disclosure id. */
    async publishFinance(cadre: string, supervisor: string, period: string, openingFen: number) {
      const c = await t.request('POST', base, {
        token: cadre,
        body: { kind: 'finance', period, title: `${period} 财务公开`, ledger: ledgerFor(period, openingFen) },
      });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
      const id = c.body.disclosureId as string;
      const s = await t.request('POST', `${base}/${id}/submit`, { token: cadre });
      expect(s.status, JSON.stringify(s.body)).toBe(200);
      const r = await t.request('POST', `${base}/${id}/review`, {
        token: supervisor,
        body: { decision: 'approve' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return { id, seq: r.body.seq as number, hash: r.body.hash as string };
    },
  };
}

/** 公开 components: the flow diagram (boxes and arrows), the ledger with totals, answers beside lines, version differences. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TPublishedVersion } from '../../miniprogram/src/api/disclosures';
import { Changes, FlowDiagram, LedgerLines, Totals } from '../../miniprogram/src/components/disclosures';
import { POWER_TEMPLATE } from '../../shared/disclosures/power-template';

afterEach(() => cleanup());

const version: TPublishedVersion = {
  id: '00000000-0000-4000-8000-000000000001',
  versionNo: 2,
  seq: 3,
  title: '2026年11月财务公开',
  body: '',
  reason: '路灯维修金额更正',
  ledger: {
    openingFen: 100_000,
    declaredClosingFen: 132_000,
    entries: [
      {
        date: '2026-11-03',
        category: '经营收入',
        item: '鱼塘承包费',
        incomeFen: 50_000,
        expenseFen: 0,
        counterpart: '陈家',
      },
      {
        date: '2026-11-12',
        category: '公益支出',
        item: '路灯维修',
        incomeFen: 0,
        expenseFen: 18_000,
        counterpart: '电器行',
      },
    ],
  },
  totals: { incomeFen: 50_000, expenseFen: 18_000, closingFen: 132_000 },
  sections: null,
  publishedAt: '2026-12-01T02:00:00.000Z',
  cosignedBy: '王监督',
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
  changes: [
    { op: 'removed', text: '2026-11-12 公益支出 路灯维修 支出 200.00 元 电器行' },
    { op: 'added', text: '2026-11-12 公益支出 路灯维修 支出 180.00 元 电器行' },
  ],
};

describe('disclosure components', () => {
  it('draws a power item as numbered boxes joined by arrows, with who acts and the time limit', () => {
    const item = POWER_TEMPLATE.find((p) => p.key === 'subsistence')!;
    const { container } = render(<FlowDiagram steps={item.steps} />);
    expect(container.querySelectorAll('.flow-step')).toHaveLength(item.steps.length);
    expect(container.querySelectorAll('.flow-arrow')).toHaveLength(item.steps.length - 1);
    expect(screen.getByText('第1步')).toBeTruthy();
    expect(container.textContent).toContain('谁来办：村委会、网格员　时限：10个工作日内');
  });

  it('shows totals and balance in yuan from integer 分', () => {
    const { container } = render(<Totals totals={version.totals!} openingFen={100_000} />);
    expect(container.textContent).toContain('期初余额1,000.00 元');
    expect(container.textContent).toContain('期末余额1,320.00 元');
  });

  it('lets a villager question a line and shows the answer beside it', () => {
    const onQuestion = vi.fn();
    const questions = [
      { id: 'q1', versionNo: 2, lineNo: 2, text: '', state: '已答复', answer: '修了3盏路灯', askedAt: '' },
      { id: 'q2', versionNo: 1, lineNo: 1, text: '', state: '已答复', answer: '旧版本的答复', askedAt: '' },
    ];
    const { container } = render(
      <LedgerLines version={version} questions={questions} onQuestion={onQuestion} />,
    );
    expect(container.textContent).toContain('收入 500.00 元');
    expect(container.textContent).toContain('支出 180.00 元');
    expect(container.querySelector('[data-testid="ledger-line-2"]')!.textContent).toContain(
      '监委会答复：修了3盏路灯',
    );
    expect(container.textContent).not.toContain('旧版本的答复');
    fireEvent.click(container.querySelector('[data-testid="question-line-1"]')!);
    expect(onQuestion).toHaveBeenCalledWith(1);
  });

  it('shows what a correction changed', () => {
    const { container } = render(<Changes version={version} />);
    expect(container.querySelector('.diff-removed')!.textContent).toBe(
      '删去：2026-11-12 公益支出 路灯维修 支出 200.00 元 电器行',
    );
    expect(container.querySelector('.diff-added')!.textContent).toBe(
      '新增：2026-11-12 公益支出 路灯维修 支出 180.00 元 电器行',
    );
  });
});

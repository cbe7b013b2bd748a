/**
 * 各村公开情况 (town officers): the villages of the town with their late periods by kind and how
 * many days late, the latest village first; a town with nothing late says so; another town of the
 * same officer is one tap away; a refusal from the server shows as an error, not as "all on time".
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TTownOverdue } from '../../miniprogram/src/api/disclosures';
import { TownView } from '../../miniprogram/src/subpackages/disclosure-admin/town/index';
import { TOWN_ID } from './fixtures';
import { apiError, ok, request, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

const XP = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0b01';
const DP = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0b02';
const OTHER_TOWN = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0b03';

const late = (
  kind: 'finance' | 'affairs' | 'party',
  period: string,
  label: string,
  due: string,
  daysLate: number,
) => ({
  kind,
  kindLabel: { finance: '财务公开', affairs: '村务公开', party: '党务公开' }[kind],
  period,
  periodLabel: label,
  due,
  daysLate,
});

const town: TTownOverdue = {
  townId: TOWN_ID,
  townName: '石桥镇',
  today: '2026-12-03',
  villages: [
    {
      villageId: XP,
      villageName: '西坪村',
      overdue: [
        late('finance', '2026-08', '2026年8月', '2026-09-10', 84),
        late('finance', '2026-09', '2026年9月', '2026-10-10', 54),
        late('affairs', '2026-Q3', '2026年第3季度', '2026-10-10', 54),
      ],
    },
    { villageId: DP, villageName: '东坪村', overdue: [] },
  ],
};

describe('the town’s late disclosures', () => {
  it('lists the late village first, its periods by kind with days late and the due date', async () => {
    routeRequests({ [`GET /towns/${TOWN_ID}/disclosures/overdue`]: () => ok(town) });
    render(<TownView townId={TOWN_ID} towns={[{ id: TOWN_ID, name: '石桥镇' }]} />);
    expect(await screen.findByText('石桥镇2个村里，1个村有3期公开超过期限还没公开。')).toBeTruthy();
    expect(screen.getByText('截至12月3日，超期多的村排在前面')).toBeTruthy();
    const xp = screen.getByTestId(`town-village-${XP}`);
    expect(xp.textContent).toContain('最久的已经超期 84 天');
    const finance = screen.getByTestId(`late-${XP}-finance`).textContent;
    expect(finance).toContain('财务公开（2期）');
    expect(finance).toContain('2026年8月超期 84 天应在 9月10日 前公开');
    expect(finance).toContain('2026年9月超期 54 天');
    expect(screen.getByTestId(`late-${XP}-affairs`).textContent).toContain('2026年第3季度超期 54 天');
    expect(screen.queryByTestId(`late-${XP}-party`)).toBeNull();
    expect(screen.getByText('超期3期')).toBeTruthy();
    expect(screen.getByTestId(`town-village-${DP}`).textContent).toBe('该公开的都按时公开了。');
    expect(screen.getByText('按时公开')).toBeTruthy();
    // The cards follow the server's order: the latest village first.
    const cards = [...document.querySelectorAll('[data-testid^="town-village-"]')].map((e) =>
      e.getAttribute('data-testid'),
    );
    expect(cards).toEqual([`town-village-${XP}`, `town-village-${DP}`]);
  });

  it('a town with nothing late says so; the officer’s other town is one tap away', async () => {
    routeRequests({
      [`GET /towns/${TOWN_ID}/disclosures/overdue`]: () => ok(town),
      [`GET /towns/${OTHER_TOWN}/disclosures/overdue`]: () =>
        ok({
          townId: OTHER_TOWN,
          townName: '柳河镇',
          today: '2026-12-03',
          villages: [{ villageId: DP, villageName: '杨柳村', overdue: [] }],
        }),
    });
    render(
      <TownView
        townId={TOWN_ID}
        towns={[
          { id: TOWN_ID, name: '石桥镇' },
          { id: OTHER_TOWN, name: '柳河镇' },
        ]}
      />,
    );
    await screen.findByText('石桥镇2个村里，1个村有3期公开超过期限还没公开。');
    fireEvent.click(screen.getByTestId(`town-${OTHER_TOWN}`));
    expect(await screen.findByText('柳河镇1个村都按时公开了。')).toBeTruthy();
    expect(request.mock.calls.map((c) => c[0].url)).toContain(`/api/towns/${OTHER_TOWN}/disclosures/overdue`);
  });

  it('a refusal shows as an error, never as “all on time”', async () => {
    routeRequests({
      [`GET /towns/${TOWN_ID}/disclosures/overdue`]: () => apiError(404, 'NOT_FOUND', '没有找到'),
    });
    render(<TownView townId={TOWN_ID} towns={[{ id: TOWN_ID, name: '石桥镇' }]} />);
    await waitFor(() => expect(document.body.textContent).toContain('没有找到'));
    expect(document.body.textContent).not.toContain('按时公开');
  });
});

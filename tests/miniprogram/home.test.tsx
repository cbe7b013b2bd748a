import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TMe } from '../../miniprogram/src/api/types';
import { SessionContextProvider } from '../../miniprogram/src/lib/session';
import { HomeContent } from '../../miniprogram/src/pages/home/index';
import { MineContent } from '../../miniprogram/src/pages/mine/index';
import { ROSTER_COLUMNS as ROSTER_COLUMNS_COPY } from '../../miniprogram/src/subpackages/manage/roster/index';
import { ROSTER_COLUMNS } from '../../shared/schemas/villages';
import { GRID_ID, VILLAGE_ID, fakeSession, makeMe, membership } from './fixtures';
import Taro, { ok, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

function renderHome(me: TMe) {
  return render(
    <SessionContextProvider value={fakeSession(me)}>
      <HomeContent me={me} />
    </SessionContextProvider>,
  );
}

describe('role-aware home (首页)', () => {
  it('a user with no village is offered exactly one thing: joining', () => {
    renderHome(makeMe());
    expect(screen.getByText('李新民，您好')).toBeTruthy();
    expect(screen.getByTestId('go-join')).toBeTruthy();
    expect(screen.queryByText('我要反映')).toBeNull();
  });

  it('a pending application is shown as waiting', () => {
    renderHome(
      makeMe({
        pendingJoins: [{ id: 'p1', villageId: VILLAGE_ID, villageName: '东坪村', status: 'pending' }],
      }),
    );
    expect(screen.getByText('东坪村：您的入村申请正在等待村干部审核。')).toBeTruthy();
  });

  it('a villager sees 我要反映 first, and 我的事项 under it', () => {
    const { container } = renderHome(makeMe({ memberships: [membership('villager')] }));
    expect(screen.getByText('石桥镇 东坪村')).toBeTruthy();
    // The first thing after the greeting, before notices and messages.
    expect(container.querySelector('.hello + .raise-entry-block')).toBeTruthy();
    fireEvent.click(screen.getByTestId('go-raise'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({
      url: `/subpackages/matters/raise/index?villageId=${VILLAGE_ID}`,
    });
    fireEvent.click(screen.getByTestId('go-my-matters'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({
      url: `/subpackages/matters/list/index?villageId=${VILLAGE_ID}`,
    });
    expect(screen.queryByText('即将开放')).toBeNull();
    expect(screen.queryByTestId('go-join')).toBeNull();
  });

  it('a grid worker sees their grid', () => {
    renderHome(
      makeMe({
        memberships: [
          membership('villager'),
          membership('grid_worker', { gridId: GRID_ID, gridName: '第一网格' }),
        ],
      }),
    );
    expect(screen.getByText('我的网格')).toBeTruthy();
    expect(screen.getByText('东坪村 · 第一网格')).toBeTruthy();
  });

  it('a cadre sees how many join requests wait, from the API', async () => {
    routeRequests({
      [`GET /villages/${VILLAGE_ID}/join-requests`]: () =>
        ok({
          items: [1, 2, 3].map((i) => ({
            id: `r${i}`,
            name: `申请人${i}`,
            phoneMasked: null,
            householdNo: null,
            status: 'pending',
            matchedResident: false,
            createdAt: '2026-01-01T00:00:00.000Z',
          })),
        }),
    });
    renderHome(makeMe({ memberships: [membership('villager'), membership('cadre')] }));
    await waitFor(() => expect(screen.getByTestId('pending-count').textContent).toBe('3 条'));
    expect(screen.getByText('去审核')).toBeTruthy();
  });

  it('a supervisor sees 待会签 as not yet open, and the audit log', () => {
    renderHome(makeMe({ memberships: [membership('villager'), membership('supervisor')] }));
    expect(screen.getByText('待会签')).toBeTruthy();
    expect(screen.getByText('操作记录')).toBeTruthy();
  });

  it('a town officer sees the villages of the town with the matters waiting at the town', async () => {
    routeRequests({
      'GET /matters/town-villages': () =>
        ok({
          items: [
            { villageId: VILLAGE_ID, villageName: '东坪村', townName: '石桥镇', open: 3, overdue: 1 },
            { villageId: GRID_ID, villageName: '西坪村', townName: '石桥镇', open: 0, overdue: 0 },
          ],
        }),
    });
    renderHome(makeMe({ memberships: [membership('town_officer')] }));
    const row = await screen.findByTestId(`town-village-${VILLAGE_ID}`);
    expect(row.textContent).toContain('3 件，超期 1');
    expect(screen.getByTestId(`town-village-${GRID_ID}`).textContent).toContain('没有');
    fireEvent.click(row);
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({
      url: `/subpackages/matters/inbox/index?villageId=${VILLAGE_ID}&villageName=${encodeURIComponent('东坪村')}`,
    });
  });

  it('town and county officers see 各村概况 as not yet open', () => {
    renderHome(makeMe({ memberships: [membership('town_officer')] }));
    expect(screen.getByText('各村概况')).toBeTruthy();
    expect(screen.getByText('即将开放')).toBeTruthy();
    expect(screen.queryByTestId('go-join')).toBeNull();
  });
});

describe('我的', () => {
  it('shows the masked phone, villages with roles in Chinese, and a logout button', () => {
    render(
      <SessionContextProvider value={fakeSession(makeMe())}>
        <MineContent
          me={makeMe({
            memberships: [
              membership('villager', { isHouseholdRep: true }),
              membership('grid_worker', { gridName: '第一网格', gridId: GRID_ID }),
            ],
          })}
        />
      </SessionContextProvider>,
    );
    expect(screen.getByText('139****0001')).toBeTruthy();
    expect(screen.getByText('东坪村（石桥镇）')).toBeTruthy();
    expect(screen.getByText('村民')).toBeTruthy();
    expect(screen.getByText('网格员 · 第一网格')).toBeTruthy();
    expect(screen.getByText('户代表')).toBeTruthy();
    expect(screen.getByTestId('logout')).toBeTruthy();
  });
});

describe('contract copies', () => {
  it('the roster columns shown to cadres match the shared contract', () => {
    expect(ROSTER_COLUMNS_COPY).toEqual(ROSTER_COLUMNS);
  });
});

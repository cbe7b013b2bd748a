/**
 * 待办事项 and 我的事项: filters become the inbox query, "再看20条" asks for the next keyset page
 * with the server's cursor, overdue rows say so; 我的事项 pages by cursor and the public tab shows
 * only public matters with masked names.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { VillageView } from '../../miniprogram/src/lib/roles';
import type { TMatterListItem } from '../../miniprogram/src/subpackages/matters/api';
import { ResponderInbox } from '../../miniprogram/src/subpackages/matters/inbox/index';
import { MyMatters } from '../../miniprogram/src/subpackages/matters/list/index';
import { GRID_ID, VILLAGE_ID } from './fixtures';
import Taro, { ok, request, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

const village: VillageView = {
  villageId: VILLAGE_ID,
  villageName: '东坪村',
  townName: '石桥镇',
  roles: ['villager', 'grid_worker'],
  gridId: GRID_ID,
  gridName: '第一网格',
  isHouseholdRep: false,
};

let n = 0;
function item(extra: Partial<TMatterListItem> = {}): TMatterListItem {
  n += 1;
  return {
    id: `0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f${String(1000 + n).padStart(4, '0')}`,
    kind: 'complaint',
    category: 'roads',
    text: `第${n}件事`,
    state: 'submitted',
    level: 'grid',
    aboutCadre: false,
    isPublic: false,
    authorName: '王秀英',
    masked: false,
    createdAt: '2026-12-03T01:00:00.000Z',
    dueAt: '2026-12-04T01:00:00.000Z',
    overdue: false,
    villageId: VILLAGE_ID,
    ...extra,
  };
}

const queryOf = (url: string) => Object.fromEntries(new URL(url, 'http://x').searchParams);

describe('待办事项 (responder inbox)', () => {
  it('shows overdue first as the server orders it, and pages by the server’s cursor', async () => {
    const late = item({ overdue: true, dueAt: '2026-12-01T01:00:00.000Z', text: '超期的事' });
    const first = item({ text: '第一页的事' });
    const second = item({ text: '第二页的事', state: 'resolved' });
    routeRequests({
      [`GET /villages/${VILLAGE_ID}/matters/inbox`]: (o) =>
        queryOf(o.url).cursor === 'c2'
          ? ok({ items: [second], nextCursor: null })
          : ok({ items: [late, first], nextCursor: 'c2' }),
    });
    render(<ResponderInbox village={village} />);
    await screen.findByText('超期的事');
    const rows = () => Array.from(document.querySelectorAll('.matter-row-text')).map((r) => r.textContent);
    expect(rows()).toEqual(['超期的事', '第一页的事']);
    expect(screen.getByTestId(`matter-${late.id}`).textContent).toContain('已超期');
    expect(screen.getByTestId(`matter-${first.id}`).textContent).toContain('12月4日 09:00前');

    fireEvent.click(screen.getByTestId('inbox-more'));
    await screen.findByText('第二页的事');
    expect(rows()).toEqual(['超期的事', '第一页的事', '第二页的事']);
    expect(screen.getByText('已经到底了')).toBeTruthy();
    const urls = request.mock.calls.map((c) => c[0].url);
    expect(queryOf(urls[0]!)).toEqual({ limit: '20' });
    expect(queryOf(urls[1]!)).toEqual({ cursor: 'c2', limit: '20' });
  });

  it('each filter becomes the query and starts again from the first page', async () => {
    const seen: Record<string, string>[] = [];
    routeRequests({
      [`GET /villages/${VILLAGE_ID}/matters/inbox`]: (o) => {
        seen.push(queryOf(o.url));
        return ok({ items: [], nextCursor: null });
      },
    });
    render(<ResponderInbox village={village} />);
    await screen.findByText('没有要办的事项。');
    fireEvent.click(screen.getByTestId('step-submitted'));
    await waitFor(() => expect(seen).toHaveLength(2));
    fireEvent.click(screen.getByTestId('kind-filter-dispute'));
    await waitFor(() => expect(seen).toHaveLength(3));
    fireEvent.click(screen.getByTestId('overdue-only'));
    await waitFor(() => expect(seen).toHaveLength(4));
    expect(seen[3]).toEqual({ state: 'submitted', kind: 'dispute', overdue: 'true', limit: '20' });
    expect(screen.getByTestId('overdue-only').textContent).toBe('✓ 只看超期的');
  });
});

describe('转到镇里的事项 (a town officer’s inbox across the town)', () => {
  it('reads the town’s inbox and opens each matter in its own village', async () => {
    const TOWN = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0a03';
    const escalated = item({ text: '村里办不了的事', level: 'town', villageId: GRID_ID });
    const seen: string[] = [];
    routeRequests({
      [`GET /towns/${TOWN}/matters/inbox`]: (o) => {
        seen.push(o.url);
        return ok({ items: [escalated], nextCursor: null });
      },
    });
    render(<ResponderInbox village={null} town={{ townId: TOWN, townName: '石桥镇' }} />);
    fireEvent.click(await screen.findByTestId(`matter-${escalated.id}`));
    expect(screen.getByText('转到镇里的事项')).toBeTruthy();
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({
      url: `/subpackages/matters/detail/index?villageId=${GRID_ID}&id=${escalated.id}`,
    });
    fireEvent.click(screen.getByTestId('overdue-only'));
    await waitFor(() => expect(seen).toHaveLength(2));
    expect(queryOf(seen[1]!)).toEqual({ overdue: 'true', limit: '20' });
  });
});

describe('我的事项', () => {
  it('lists my matters newest first by cursor, and the village’s public ones with masked names', async () => {
    const mine1 = item({ text: '我反映的路灯', state: 'in_progress' });
    const mine2 = item({ text: '我反映的水管', state: 'closed' });
    const other = item({ text: '别人公开的事', isPublic: true, masked: true, authorName: '张*' });
    const privateOther = item({ text: '不公开的事', isPublic: false });
    routeRequests({
      [`GET /villages/${VILLAGE_ID}/matters/mine`]: (o) =>
        queryOf(o.url).cursor === 'm2'
          ? ok({ items: [mine2], nextCursor: null })
          : ok({ items: [mine1], nextCursor: 'm2' }),
      [`GET /villages/${VILLAGE_ID}/matters`]: () => ok({ items: [other, privateOther] }),
    });
    render(<MyMatters village={village} />);
    await screen.findByText('我反映的路灯');
    expect(screen.getByTestId(`matter-${mine1.id}`).textContent).toContain('办理中');
    fireEvent.click(screen.getByTestId('load-more'));
    await screen.findByText('我反映的水管');
    expect(screen.getByTestId(`matter-${mine2.id}`).textContent).toContain('已结束');

    fireEvent.click(screen.getByTestId('tab-public'));
    await screen.findByText('别人公开的事');
    expect(screen.getByTestId(`matter-${other.id}`).textContent).toContain('张*');
    expect(screen.queryByText('不公开的事')).toBeNull();
    expect(screen.getByText('别人的名字已隐去，只显示姓。')).toBeTruthy();
  });
});

describe('which village a matters page opens', () => {
  it('a member’s own village; a town officer any village named in the link; nobody else', async () => {
    const { pickMatterVillage } = await import('../../miniprogram/src/subpackages/matters/common');
    const { makeMe, membership } = await import('./fixtures');
    const villager = makeMe({ memberships: [membership('villager')] });
    expect(pickMatterVillage(villager, {})?.villageId).toBe(VILLAGE_ID);
    expect(pickMatterVillage(villager, { villageId: GRID_ID })).toBeNull();
    const officer = makeMe({ memberships: [membership('town_officer')] });
    expect(pickMatterVillage(officer, { villageId: VILLAGE_ID, villageName: '东坪村' })).toMatchObject({
      villageId: VILLAGE_ID,
      villageName: '东坪村',
      roles: ['town_officer'],
    });
    expect(pickMatterVillage(officer, {})).toBeNull();
  });
});

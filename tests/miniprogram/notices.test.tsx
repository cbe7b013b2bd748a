import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TMe, TNotice } from '../../miniprogram/src/api/types';
import { NoticesBlock, readCountWords } from '../../miniprogram/src/components/notices';
import { Screen } from '../../miniprogram/src/components/ui';
import { ElderProvider } from '../../miniprogram/src/lib/elder';
import { formatDayTime } from '../../miniprogram/src/lib/format';
import { SessionContextProvider } from '../../miniprogram/src/lib/session';
import { HomeContent } from '../../miniprogram/src/pages/home/index';
import { NoticeView } from '../../miniprogram/src/pages/notice/index';
import { NOTICE_ID, VILLAGE_ID, fakeSession, makeMe, makeNotice, membership } from './fixtures';
import Taro, { apiError, ok, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

function withSession(me: TMe, children: ReactNode) {
  return (
    <SessionContextProvider value={fakeSession(me)}>
      <ElderProvider
        save={async (on) => ({ ...me, elderMode: on })}
        readSystem={() => ({ scale: 1, large: false })}
      >
        <Screen>{children}</Screen>
      </ElderProvider>
    </SessionContextProvider>
  );
}

const villager = makeMe({ memberships: [membership('villager')] });
const LIST = `GET /villages/${VILLAGE_ID}/notices`;

describe('Beijing time in words', () => {
  it('says month, day and time in Beijing time, the year only when it is not this year', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    expect(formatDayTime('2026-11-23T06:05:00.000Z', now)).toBe('11月23日 14:05');
    // 23:30 UTC on 31 Dec is already 1 January in Beijing.
    expect(formatDayTime('2025-12-31T23:30:00.000Z', now)).toBe('1月1日 07:30');
    expect(formatDayTime('2025-03-02T01:00:00.000Z', now)).toBe('2025年3月2日 09:00');
  });

  it('read counts only for those who may see them', () => {
    expect(readCountWords({ readCount: 12, audienceCount: 230 })).toBe('已读 12 / 共 230 人');
    expect(readCountWords({ readCount: null, audienceCount: null })).toBeNull();
  });
});

describe('notices block on 首页', () => {
  const notices: TNotice[] = [
    makeNotice({ id: 'n-pinned', title: '秋季防火', pinned: true, read: true }),
    makeNotice({
      id: 'n-grid',
      title: '第一网格修路',
      audience: { type: 'grid', gridId: 'g1' },
      audienceLabel: '第一网格',
    }),
    makeNotice({
      id: 'n-role',
      title: '代表开会',
      audience: { type: 'role', role: 'representative' },
      audienceLabel: '全体村民代表',
      read: true,
    }),
  ];

  it('shows every member the notices in the server order: pinned marked, audience, unread', async () => {
    routeRequests({ [LIST]: () => ok({ items: notices }) });
    render(withSession(villager, <NoticesBlock villageId={VILLAGE_ID} />));
    await screen.findByText('秋季防火');
    const titles = [...document.querySelectorAll('.notice-row-title')].map((e) => e.textContent);
    expect(titles).toEqual(['秋季防火', '第一网格修路', '代表开会']);
    const pinned = screen.getByTestId('notice-n-pinned');
    expect(pinned.textContent).toContain('置顶');
    expect(pinned.textContent).not.toContain('未读');
    expect(screen.getByTestId('notice-n-grid').textContent).toContain('第一网格');
    expect(screen.getByTestId('notice-n-grid').textContent).toContain('未读');
    expect(screen.getByTestId('notice-n-role').textContent).toContain('全体村民代表');
    expect(screen.getByText('1 条未读')).toBeTruthy();
    // A villager sees no read counts.
    expect(screen.queryByText(/已读 \d+/)).toBeNull();
  });

  it('tapping a notice opens the notice page with the village and the notice', async () => {
    routeRequests({ [LIST]: () => ok({ items: notices }) });
    render(withSession(villager, <NoticesBlock villageId={VILLAGE_ID} />));
    fireEvent.click(await screen.findByText('第一网格修路'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/pages/notice/index?villageId=${VILLAGE_ID}&id=n-grid`,
    });
  });

  it('cadres see how many have read each notice', async () => {
    routeRequests({ [LIST]: () => ok({ items: [makeNotice({ readCount: 12, audienceCount: 230 })] }) });
    render(withSession(villager, <NoticesBlock villageId={VILLAGE_ID} />));
    expect((await screen.findByTestId(`read-count-${NOTICE_ID}`)).textContent).toBe('已读 12 / 共 230 人');
  });

  it('says plainly when there is nothing', async () => {
    routeRequests({ [LIST]: () => ok({ items: [] }) });
    render(withSession(villager, <NoticesBlock villageId={VILLAGE_ID} />));
    expect(await screen.findByText('现在没有通知。')).toBeTruthy();
  });

  it('elder mode: fewer at first, the rest behind one button', async () => {
    const many = Array.from({ length: 6 }, (_, i) => makeNotice({ id: `n${i}`, title: `通知${i}` }));
    routeRequests({ [LIST]: () => ok({ items: many }) });
    render(withSession({ ...villager, elderMode: true }, <NoticesBlock villageId={VILLAGE_ID} />));
    await screen.findByText('通知0');
    expect(document.querySelectorAll('.notice-row')).toHaveLength(3);
    fireEvent.click(screen.getByTestId('notices-more'));
    expect(document.querySelectorAll('.notice-row')).toHaveLength(6);
  });

  it('sits on 首页 right under the big 我要反映 entry, with the 消息 row and the tab badge', async () => {
    routeRequests({
      [LIST]: () => ok({ items: notices }),
      'GET /inbox/unread': () => ok({ unread: 4 }),
    });
    render(withSession(villager, <HomeContent me={villager} />));
    await screen.findByText('秋季防火');
    const block = document.querySelector('.notices-block');
    const raise = screen.getByText('我要反映');
    expect(block!.compareDocumentPosition(raise) & Node.DOCUMENT_POSITION_PRECEDING).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('inbox-entry').textContent).toContain('4 条未读'));
    expect(Taro.setTabBarBadge).toHaveBeenCalledWith({ index: 4, text: '4' });
  });
});

describe('notice page', () => {
  const OPEN = `GET /villages/${VILLAGE_ID}/notices/${NOTICE_ID}`;

  it('shows title, publisher, Beijing time and the body in large type; clears the badge', async () => {
    routeRequests({
      [OPEN]: () => ok(makeNotice({ read: true, pinned: true })),
      'GET /inbox/unread': () => ok({ unread: 0 }),
    });
    render(withSession(villager, <NoticeView villageId={VILLAGE_ID} noticeId={NOTICE_ID} />));
    expect((await screen.findByText('明天上午停水')).className).toContain('notice-title');
    expect(screen.getByText(/谢家乐/).textContent).toContain('11月23日 14:05');
    expect(screen.getByText('置顶')).toBeTruthy();
    expect(screen.getByText('发给：全村')).toBeTruthy();
    // The body is shown by the 朗读 component, sentence by sentence, under its button.
    const body = document.querySelector('.notice-body-card .ra-text');
    expect(body?.textContent).toBe('明天上午8点到12点停水检修。\n请大家提前储水。');
    expect(body?.querySelectorAll('.ra-chunk')).toHaveLength(2);
    expect(screen.getByTestId('read-aloud-button').textContent).toContain('朗读');
    expect(screen.queryByTestId('notice-read-count')).toBeNull();
    await waitFor(() => expect(Taro.removeTabBarBadge).toHaveBeenCalledWith({ index: 4 }));
  });

  it('cadres and supervisors see the read count', async () => {
    routeRequests({
      [OPEN]: () => ok(makeNotice({ read: true, readCount: 12, audienceCount: 230 })),
      'GET /inbox/unread': () => ok({ unread: 0 }),
    });
    render(withSession(villager, <NoticeView villageId={VILLAGE_ID} noticeId={NOTICE_ID} />));
    expect((await screen.findByTestId('notice-read-count')).textContent).toBe('已读 12 / 共 230 人');
  });

  it('a notice that is gone or not for me: plain words and a way home', async () => {
    routeRequests({ [OPEN]: () => apiError(404, 'NOT_FOUND', '没有找到') });
    render(withSession(villager, <NoticeView villageId={VILLAGE_ID} noticeId={NOTICE_ID} />));
    expect(await screen.findByText('找不到这条通知')).toBeTruthy();
    fireEvent.click(screen.getByText('回到首页'));
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' });
  });

  it('a server failure says so and offers to try again', async () => {
    routeRequests({ [OPEN]: () => apiError(500, 'INTERNAL', '服务出错了，请稍后再试') });
    render(withSession(villager, <NoticeView villageId={VILLAGE_ID} noticeId={NOTICE_ID} />));
    expect(await screen.findByText('服务出错了，请稍后再试')).toBeTruthy();
    expect(screen.getByText('再试一次')).toBeTruthy();
  });
});

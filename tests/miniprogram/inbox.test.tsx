import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import { InboxEntry } from '../../miniprogram/src/components/notices';
import { badgeText, refreshUnread, setUnread } from '../../miniprogram/src/lib/unread';
import { INBOX_PAGE_SIZE, Inbox } from '../../miniprogram/src/pages/inbox/index';
import { NOTICE_ID, VILLAGE_ID, makeEntry } from './fixtures';
import Taro, { ok, request, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => {
  resetTaro();
  setUnread(null);
});
afterEach(() => cleanup());

const notice = makeEntry({ id: 'e-notice', createdAt: '2026-11-23T06:05:00.000Z' });
const matter = makeEntry({
  id: 'e-matter',
  kind: 'matter_moved',
  title: '您反映的路灯问题有进展',
  summary: '网格员已受理',
  objectType: 'matter',
  objectId: 'm1',
  createdAt: '2026-11-22T02:00:00.000Z',
});
const old = makeEntry({
  id: 'e-old',
  title: '上个月的通知',
  read: true,
  createdAt: '2026-10-01T02:00:00.000Z',
});

describe('tab bar badge', () => {
  it('shows the count on the 我的 tab, 99+ when large, and removes it at zero', async () => {
    expect(badgeText(7)).toBe('7');
    expect(badgeText(120)).toBe('99+');
    routeRequests({ 'GET /inbox/unread': () => ok({ unread: 3 }) });
    expect(await refreshUnread()).toBe(3);
    expect(Taro.setTabBarBadge).toHaveBeenLastCalledWith({ index: 4, text: '3' });
    setUnread(0);
    expect(Taro.removeTabBarBadge).toHaveBeenLastCalledWith({ index: 4 });
  });

  it('keeps the last count when the network fails', async () => {
    setUnread(2);
    request.mockResolvedValue({ statusCode: 400, data: { error: { code: 'BAD_JSON', message: 'x' } } });
    expect(await refreshUnread()).toBe(2);
  });

  it('the 消息 row shows the count in words', async () => {
    render(<InboxEntry />);
    setUnread(5);
    await waitFor(() => expect(screen.getByTestId('inbox-entry').textContent).toContain('5 条未读'));
    fireEvent.click(screen.getByTestId('inbox-entry'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/inbox/index' });
  });
});

describe('消息 (inbox)', () => {
  it('lists entries newest first with unread marked, and the count on the badge', async () => {
    routeRequests({ 'GET /inbox': () => ok({ items: [notice, matter, old], unread: 2 }) });
    render(<Inbox />);
    await screen.findByText('上个月的通知');
    const rows = [...document.querySelectorAll('.inbox-row')];
    expect(rows.map((r) => r.getAttribute('data-testid'))).toEqual([
      'inbox-e-notice',
      'inbox-e-matter',
      'inbox-e-old',
    ]);
    expect(rows[0]!.textContent).toContain('未读');
    expect(rows[0]!.textContent).toContain('11月23日 14:05');
    expect(rows[1]!.textContent).toContain('我的事项');
    expect(rows[2]!.textContent).not.toContain('未读');
    expect(screen.getByText('2 条未读')).toBeTruthy();
    expect(Taro.setTabBarBadge).toHaveBeenLastCalledWith({ index: 4, text: '2' });
    const url = request.mock.calls[0]![0].url;
    expect(url).toContain(`limit=${INBOX_PAGE_SIZE}`);
  });

  it('a notice entry opens the notice page', async () => {
    routeRequests({ 'GET /inbox': () => ok({ items: [notice], unread: 1 }) });
    render(<Inbox />);
    fireEvent.click(await screen.findByTestId('inbox-e-notice'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/pages/notice/index?villageId=${VILLAGE_ID}&id=${NOTICE_ID}`,
    });
    expect(screen.getByText('都已读过')).toBeTruthy();
  });

  it('a matter’s entry is marked read and opens the matter’s page', async () => {
    const read = vi.fn(() => ok({ unread: 0 }));
    routeRequests({
      'GET /inbox': () => ok({ items: [matter], unread: 1 }),
      'POST /inbox/e-matter/read': read,
    });
    render(<Inbox />);
    fireEvent.click(await screen.findByTestId('inbox-e-matter'));
    await waitFor(() => expect(read).toHaveBeenCalledOnce());
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/subpackages/matters/detail/index?villageId=${VILLAGE_ID}&id=m1`,
    });
  });

  it('a booking cancelled by the village is tagged 预约取消, marked read and opens 我的预约', async () => {
    const cancelled = {
      ...matter,
      id: 'e-booking',
      kind: 'booking_cancelled' as const,
      title: '预约取消了：社保认证',
      objectType: 'service_slot',
      objectId: 's1',
    };
    const read = vi.fn(() => ok({ unread: 0 }));
    routeRequests({
      'GET /inbox': () => ok({ items: [cancelled], unread: 1 }),
      'POST /inbox/e-booking/read': read,
    });
    render(<Inbox />);
    const row = await screen.findByTestId('inbox-e-booking');
    expect(row.textContent).toContain('预约取消');
    fireEvent.click(row);
    await waitFor(() => expect(read).toHaveBeenCalledOnce());
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/subpackages/services/bookings/index?villageId=${VILLAGE_ID}`,
    });
    expect(Taro.showModal).not.toHaveBeenCalled();
  });

  it('a vote, a proposal and a disclosure open their pages; the entry is marked read', async () => {
    const vote = {
      ...matter,
      id: 'e-vote',
      kind: 'vote_opened' as const,
      objectType: 'vote',
      objectId: 'v1',
    };
    const hidden = {
      ...matter,
      id: 'e-hidden',
      kind: 'comment_hidden' as const,
      objectType: 'proposal',
      objectId: 'p1',
    };
    const published = {
      ...matter,
      id: 'e-board',
      kind: 'disclosure_published' as const,
      objectType: 'disclosure',
      objectId: 'd1',
    };
    const read = vi.fn(() => ok({ unread: 0 }));
    routeRequests({
      'GET /inbox': () => ok({ items: [vote, hidden, published], unread: 3 }),
      'POST /inbox/e-vote/read': read,
      'POST /inbox/e-hidden/read': read,
      'POST /inbox/e-board/read': read,
    });
    render(<Inbox />);
    fireEvent.click(await screen.findByTestId('inbox-e-vote'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/subpackages/council/vote/index?villageId=${VILLAGE_ID}&id=v1`,
    });
    fireEvent.click(screen.getByTestId('inbox-e-hidden'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/subpackages/council/proposal/index?villageId=${VILLAGE_ID}&id=p1`,
    });
    fireEvent.click(screen.getByTestId('inbox-e-board'));
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/disclosure/index' });
    await waitFor(() => expect(read).toHaveBeenCalledTimes(3));
    expect(Taro.showModal).not.toHaveBeenCalled();
  });

  it('an entry about something it cannot open yet is marked read and says 即将开放', async () => {
    const other = {
      ...matter,
      id: 'e-x',
      kind: 'notice_published' as const,
      objectType: 'unknown',
      objectId: 'x',
    };
    const read = vi.fn(() => ok({ unread: 0 }));
    routeRequests({
      'GET /inbox': () => ok({ items: [other], unread: 1 }),
      'POST /inbox/e-x/read': read,
    });
    render(<Inbox />);
    fireEvent.click(await screen.findByTestId('inbox-e-x'));
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '即将开放' }));
    await waitFor(() => expect(read).toHaveBeenCalledOnce());
    expect(Taro.navigateTo).not.toHaveBeenCalled();
  });

  it('全部标为已读 is the one main action, and clears the badge', async () => {
    const readAll = vi.fn(() => ok({ unread: 0 }));
    routeRequests({
      'GET /inbox': () => ok({ items: [notice, matter], unread: 2 }),
      'POST /inbox/read-all': readAll,
    });
    render(<Inbox />);
    fireEvent.click(await screen.findByTestId('read-all'));
    await waitFor(() => expect(readAll).toHaveBeenCalledOnce());
    await screen.findByText('都已读过');
    expect(document.querySelectorAll('.inbox-row-unread')).toHaveLength(0);
    expect(screen.queryByTestId('read-all')).toBeNull();
    expect(Taro.removeTabBarBadge).toHaveBeenLastCalledWith({ index: 4 });
    // It is a write: it carries an idempotency key.
    const call = request.mock.calls.find((c) => c[0].url.endsWith('/inbox/read-all'))!;
    expect(call[0].header?.['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('loads older entries before the last one shown', async () => {
    const page = Array.from({ length: INBOX_PAGE_SIZE }, (_, i) =>
      makeEntry({
        id: `e${i}`,
        read: true,
        createdAt: new Date(Date.UTC(2026, 10, 23) - i * 60_000).toISOString(),
      }),
    );
    routeRequests({
      'GET /inbox': (o) =>
        o.url.includes('before=') ? ok({ items: [old], unread: 0 }) : ok({ items: page, unread: 0 }),
    });
    render(<Inbox />);
    fireEvent.click(await screen.findByTestId('inbox-more'));
    await screen.findByText('上个月的通知');
    const last = request.mock.calls.at(-1)![0].url;
    expect(decodeURIComponent(last)).toContain(`before=${page.at(-1)!.createdAt}`);
    expect(screen.queryByTestId('inbox-more')).toBeNull();
  });

  it('says plainly when there is nothing yet', async () => {
    routeRequests({ 'GET /inbox': () => ok({ items: [], unread: 0 }) });
    render(<Inbox />);
    expect(await screen.findByText(/还没有消息/)).toBeTruthy();
    expect(screen.queryByTestId('read-all')).toBeNull();
  });
});

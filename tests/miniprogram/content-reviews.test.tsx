import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TContentReview } from '../../miniprogram/src/api/types';
import { ContentReviews, targetWords } from '../../miniprogram/src/subpackages/manage/content-reviews/index';
import { USER_ID, VILLAGE_ID } from './fixtures';
import Taro, { apiError, ok, request, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

const village = { villageId: VILLAGE_ID, villageName: '东坪村' };
const LIST = `GET /villages/${VILLAGE_ID}/content-reviews`;

function item(extra: Partial<TContentReview> = {}): TContentReview {
  return {
    id: 'c1',
    villageId: VILLAGE_ID,
    targetType: 'matter',
    targetId: 'm1',
    mediaType: 'text',
    text: '村口的路灯坏了一个月了。',
    mediaUrl: null,
    label: 'unreachable',
    reason: '微信暂时无法检测，需人工审核',
    reviewerRole: 'cadre',
    authorUserId: USER_ID,
    authorName: '郭志强',
    createdAt: '2026-11-23T06:05:00.000Z',
    ...extra,
  };
}

describe('内容审核', () => {
  it('names what each item is, who wrote it and why it is held', async () => {
    expect(targetWords('matter.supervised')).toBe('反映的事');
    expect(targetWords('something')).toBe('内容');
    routeRequests({
      [LIST]: () =>
        ok({
          items: [item(), item({ id: 'c2', targetType: 'comment.supervised', reviewerRole: 'supervisor' })],
        }),
    });
    render(<ContentReviews village={village} />);
    expect(await screen.findByText('反映的事')).toBeTruthy();
    expect(screen.getByText('评论')).toBeTruthy();
    expect(screen.getAllByText('微信暂时无法检测，需人工审核')).toHaveLength(2);
    expect(screen.getByTestId('review-c1').textContent).toContain('郭志强 · 11月23日 14:05');
    expect(screen.getByTestId('review-c2').textContent).toContain('涉及村干部，由监委会审核');
  });

  it('可以公开 decides at once and takes the item off the list', async () => {
    const decide = vi.fn(() => ok({ id: 'c1', status: 'pass' }));
    routeRequests({
      [LIST]: () => ok({ items: [item()] }),
      [`POST /villages/${VILLAGE_ID}/content-reviews/c1/decide`]: decide,
    });
    render(<ContentReviews village={village} />);
    fireEvent.click(await screen.findByTestId('pass-c1'));
    await screen.findByText('现在没有要审核的内容。');
    expect(Taro.showModal).not.toHaveBeenCalled();
    const call = request.mock.calls.find((c) => c[0].method === 'POST')![0];
    expect(call.data).toEqual({ decision: 'pass' });
  });

  it('不能公开 asks first', async () => {
    const decide = vi.fn(() => ok({ id: 'c1', status: 'risky' }));
    routeRequests({
      [LIST]: () => ok({ items: [item()] }),
      [`POST /villages/${VILLAGE_ID}/content-reviews/c1/decide`]: decide,
    });
    vi.mocked(Taro.showModal).mockResolvedValueOnce({ confirm: false, cancel: true });
    render(<ContentReviews village={village} />);
    fireEvent.click(await screen.findByTestId('reject-c1'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledOnce());
    expect(decide).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('reject-c1'));
    await waitFor(() => expect(decide).toHaveBeenCalledOnce());
    expect(request.mock.calls.find((c) => c[0].method === 'POST')![0].data).toEqual({ decision: 'reject' });
  });

  it('already decided by someone else: says so and shows the queue as it is now', async () => {
    let calls = 0;
    routeRequests({
      [LIST]: () => ok({ items: calls++ === 0 ? [item()] : [] }),
      [`POST /villages/${VILLAGE_ID}/content-reviews/c1/decide`]: () =>
        apiError(409, 'CONFLICT', '已经处理过了'),
    });
    render(<ContentReviews village={village} />);
    fireEvent.click(await screen.findByTestId('pass-c1'));
    await waitFor(() =>
      expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已经处理过了' })),
    );
    expect(await screen.findByText('现在没有要审核的内容。')).toBeTruthy();
  });
});

/**
 * Reported comments: a member reports with a reason on the proposal page; the moderators' page lists
 * what was reported and hides (with a reason the author sees) or keeps each one.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TProposalDetail, TReportedComment } from '../../miniprogram/src/api/types';
import { Screen } from '../../miniprogram/src/components/ui';
import { ProposalView } from '../../miniprogram/src/subpackages/council/proposal/index';
import { ReportedComments } from '../../miniprogram/src/subpackages/council-admin/reports/index';
import { VILLAGE_ID } from './fixtures';
import Taro, { apiError, ok, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

const PROPOSAL = '9b0c4a1e-0000-4000-8000-000000000010';
const C1 = '9b0c4a1e-0000-4000-8000-000000000011';
const C2 = '9b0c4a1e-0000-4000-8000-000000000012';
const at = '2026-12-03T02:00:00.000Z';

const item = (over: Partial<TReportedComment>): TReportedComment => ({
  commentId: C1,
  proposalId: PROPOSAL,
  proposalTitle: '村口安装路灯',
  kind: 'comment',
  text: '张三家的电话是 138……',
  authorName: '王**',
  mine: false,
  pendingCheck: false,
  createdAt: at,
  reports: 2,
  reasons: [
    { reason: '含有别人的个人信息', count: 2 },
    { reason: '与议题无关', count: 1 },
  ],
  firstReportedAt: at,
  ...over,
});

const REPORTS = `/villages/${VILLAGE_ID}/comment-reports`;

function moderatorPage(items: TReportedComment[], routes: Parameters<typeof routeRequests>[0] = {}) {
  routeRequests({ [`GET ${REPORTS}`]: () => ok({ items }), ...routes });
  return render(
    <Screen>
      <ReportedComments villageId={VILLAGE_ID} />
    </Screen>,
  );
}

describe('reported comments (moderators)', () => {
  it('lists what was said, who reported it and why', async () => {
    moderatorPage([
      item({}),
      item({
        commentId: C2,
        kind: 'question',
        text: '电费谁出？',
        reports: 1,
        reasons: [{ reason: '广告', count: 1 }],
      }),
    ]);
    const first = await screen.findByTestId(`reported-${C1}`);
    expect(first.textContent).toContain('张三家的电话是 138……');
    expect(first.textContent).toContain('王** ·');
    expect(first.textContent).toContain('举报理由：含有别人的个人信息（2 人）、与议题无关（1 人）');
    expect(first.textContent).toContain('看议题：村口安装路灯');
    expect(screen.getByText('意见 · 被 2 人举报')).toBeTruthy();
    expect(screen.getByText('提问 · 被 1 人举报')).toBeTruthy();
  });

  it('hiding asks for a reason first, sends it, and takes the comment off the list', async () => {
    const hide = vi.fn(() => ok({ id: C1, hidden: true, settled: 2 }));
    moderatorPage([item({})], { [`POST /villages/${VILLAGE_ID}/comments/${C1}/hide`]: hide });
    fireEvent.click(await screen.findByTestId('hide'));
    const confirm = screen.getByTestId('confirm-hide');
    expect(confirm.getAttribute('aria-disabled')).toBe('true'); // no reason yet
    fireEvent.click(screen.getByText('含有别人的个人信息'));
    fireEvent.click(screen.getByTestId('confirm-hide'));
    await waitFor(() => expect(screen.getByText('已隐藏，写的人会看到原因。')).toBeTruthy());
    expect(hide).toHaveBeenCalledTimes(1);
    expect((hide.mock.calls[0] as unknown as [{ data: unknown }])[0].data).toEqual({
      reason: '含有别人的个人信息',
    });
    expect(screen.queryByTestId(`reported-${C1}`)).toBeNull();
    expect(screen.getByText('现在没有待处理的举报。')).toBeTruthy();
  });

  it('keeping settles it at once', async () => {
    const keep = vi.fn(() => ok({ id: C1, hidden: false, settled: 2 }));
    moderatorPage([item({})], { [`POST /villages/${VILLAGE_ID}/comments/${C1}/keep`]: keep });
    fireEvent.click(await screen.findByTestId('keep'));
    await waitFor(() => expect(screen.getByText('已保留，大家还能看到这条。')).toBeTruthy());
    expect(keep).toHaveBeenCalledTimes(1);
  });

  it('settled by someone else meanwhile: says so and reloads the list', async () => {
    let calls = 0;
    routeRequests({
      [`GET ${REPORTS}`]: () => ok({ items: calls++ === 0 ? [item({})] : [] }),
      [`POST /villages/${VILLAGE_ID}/comments/${C1}/keep`]: () =>
        apiError(409, 'CONFLICT', '这条意见的举报已经处理过了'),
    });
    render(
      <Screen>
        <ReportedComments villageId={VILLAGE_ID} />
      </Screen>,
    );
    fireEvent.click(await screen.findByTestId('keep'));
    await waitFor(() => expect(screen.getByText('现在没有待处理的举报。')).toBeTruthy());
    expect(Taro.showToast).toHaveBeenCalledWith({ title: '这条意见的举报已经处理过了', icon: 'none' });
  });

  it('one’s own comment has no buttons', async () => {
    moderatorPage([item({ mine: true, kind: 'answer', authorName: '张书记' })]);
    expect(await screen.findByText('这是您自己写的，要由别的村干部或监委会成员处理。')).toBeTruthy();
    expect(screen.queryByTestId('keep')).toBeNull();
    expect(screen.queryByTestId('hide')).toBeNull();
  });
});

describe('reporting on the proposal page', () => {
  const detail: TProposalDetail = {
    id: PROPOSAL,
    title: '村口安装路灯',
    source: 'cadre',
    status: 'active',
    doneStages: 1,
    nextStage: 'deliberate',
    createdAt: at,
    pendingCheck: false,
    text: '计划安装 20 盏太阳能路灯',
    matterId: null,
    stages: [],
    canRecordNext: false,
    comments: [
      {
        id: C1,
        kind: 'comment',
        answersId: null,
        authorName: '王**',
        mine: false,
        text: '张三家的电话是 138……',
        hidden: false,
        hiddenReason: null,
        pendingCheck: false,
        createdAt: at,
      },
    ],
    petition: null,
    votes: [],
    ratings: { satisfied: 0, basic: 0, unsatisfied: 0, mine: null },
    canRate: false,
  };

  it('a member picks a reason and the report is sent once', async () => {
    const report = vi.fn(() => ok({ id: C1, reports: 1 }));
    routeRequests({
      [`GET /villages/${VILLAGE_ID}/proposals/${PROPOSAL}`]: () => ok(detail),
      [`POST /villages/${VILLAGE_ID}/comments/${C1}/reports`]: report,
    });
    render(
      <Screen>
        <ProposalView villageId={VILLAGE_ID} proposalId={PROPOSAL} />
      </Screen>,
    );
    fireEvent.click(await screen.findByTestId(`report-${C1}`));
    expect(screen.getByText('为什么举报？')).toBeTruthy();
    fireEvent.click(screen.getByText('含有别人的个人信息'));
    await waitFor(() => expect(screen.getByText('已举报，村干部会处理。')).toBeTruthy());
    expect(report).toHaveBeenCalledTimes(1);
    expect((report.mock.calls[0] as unknown as [{ data: unknown }])[0].data).toEqual({
      reason: '含有别人的个人信息',
    });
  });
});

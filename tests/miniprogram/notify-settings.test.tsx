import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TSubscribeTemplate } from '../../miniprogram/src/api/types';
import type { ConsentOutcome } from '../../miniprogram/src/lib/subscribe';
import { NotifySettings, settingsTemplateIds } from '../../miniprogram/src/pages/notify-settings/index';
import { makeSettings } from './fixtures';
import Taro, { apiError, ok, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

const TEMPLATES: TSubscribeTemplate[] = [
  { kind: 'notice_published', templateId: 't-notice', longTerm: true },
  { kind: 'matter_moved', templateId: 't-matter', longTerm: false },
  { kind: 'vote_opened', templateId: 't-vote', longTerm: true },
  { kind: 'vote_closing', templateId: 't-closing', longTerm: true },
  { kind: 'result_out', templateId: 't-result', longTerm: true },
  { kind: 'booking_near', templateId: 't-booking', longTerm: false },
  { kind: 'disclosure_published', templateId: 't-disclosure', longTerm: true },
];

function putBodies() {
  return vi
    .mocked(Taro.request)
    .mock.calls.filter((c) => c[0].method === 'PUT')
    .map((c) => c[0].data);
}

describe('消息提醒设置', () => {
  it('shows each kind with 微信提醒 and 每天汇总一次, and 夜间免打扰', async () => {
    routeRequests({ 'GET /me/notify-settings': () => ok(makeSettings()) });
    render(<NotifySettings weapp={false} />);
    expect(await screen.findByText('通知公告')).toBeTruthy();
    expect(screen.getByText('我反映的事有进展')).toBeTruthy();
    expect(screen.getAllByText('微信提醒')).toHaveLength(7);
    expect(screen.getAllByText('每天汇总一次')).toHaveLength(7);
    expect(screen.getByTestId('quiet-hours').textContent).toContain('已打开');
    expect(screen.getByText(/晚上9点到早上7点/)).toBeTruthy();
  });

  it('turning a kind off saves only that kind, and hides its digest switch', async () => {
    routeRequests({
      'GET /me/notify-settings': () => ok(makeSettings()),
      'PUT /me/notify-settings': (o) => {
        const s = makeSettings();
        const k = s.kinds.find((x) => x.kind === 'matter_moved')!;
        Object.assign(k, (o.data as { kinds: { push: boolean; digest: boolean }[] }).kinds[0]);
        return ok(s);
      },
    });
    render(<NotifySettings weapp={false} />);
    fireEvent.click(await screen.findByTestId('push-matter_moved'));
    expect(screen.getByTestId('push-matter_moved').textContent).toContain('已关闭');
    expect(screen.queryByTestId('digest-matter_moved')).toBeNull();
    await waitFor(() =>
      expect(putBodies()).toEqual([{ kinds: [{ kind: 'matter_moved', push: false, digest: false }] }]),
    );
  });

  it('每天汇总一次 and 夜间免打扰 are saved as they are switched', async () => {
    routeRequests({
      'GET /me/notify-settings': () => ok(makeSettings()),
      'PUT /me/notify-settings': () => ok(makeSettings({ quietHours: false })),
    });
    render(<NotifySettings weapp={false} />);
    fireEvent.click(await screen.findByTestId('digest-notice_published'));
    fireEvent.click(screen.getByTestId('quiet-hours'));
    await waitFor(() => expect(putBodies()).toHaveLength(2));
    expect(putBodies()).toContainEqual({ kinds: [{ kind: 'notice_published', push: true, digest: true }] });
    expect(putBodies()).toContainEqual({ quietHours: false });
  });

  it('a failed save puts the switch back and says why', async () => {
    routeRequests({
      'GET /me/notify-settings': () => ok(makeSettings()),
      'PUT /me/notify-settings': () => apiError(429, 'RATE_LIMITED', '操作太频繁，请稍后再试'),
    });
    render(<NotifySettings weapp={false} />);
    fireEvent.click(await screen.findByTestId('quiet-hours'));
    await waitFor(() =>
      expect(Taro.showToast).toHaveBeenCalledWith(
        expect.objectContaining({ title: '操作太频繁，请稍后再试' }),
      ),
    );
    expect(screen.getByTestId('quiet-hours').textContent).toContain('已打开');
  });

  it('in the browser (h5) there are no WeChat reminders to ask for: it says so', async () => {
    routeRequests({ 'GET /me/notify-settings': () => ok(makeSettings()) });
    render(<NotifySettings weapp={false} />);
    expect(await screen.findByText(/在微信里打开小程序/)).toBeTruthy();
    expect(screen.queryByTestId('subscribe')).toBeNull();
  });
});

describe('接收微信提醒 (weapp)', () => {
  it('asks for the long-term templates of kinds still on, three at a tap', async () => {
    expect(settingsTemplateIds(TEMPLATES, makeSettings())).toEqual([
      't-notice',
      't-vote',
      't-closing',
      't-result',
      't-disclosure',
    ]);
    routeRequests({ 'GET /me/notify-settings': () => ok(makeSettings()) });
    const requestIds = vi.fn(
      async (ids: readonly string[]): Promise<ConsentOutcome> => ({
        status: 'answered',
        results: Object.fromEntries(ids.map((id) => [id, 'accept' as const])),
        accepted: ids.length,
        saved: true,
      }),
    );
    render(<NotifySettings weapp subscriber={{ loadTemplates: async () => TEMPLATES, requestIds }} />);
    fireEvent.click(await screen.findByText('接收微信提醒'));
    expect(requestIds).toHaveBeenCalledWith(['t-notice', 't-vote', 't-closing']);
    expect(await screen.findByText('已设置好。有新消息时，微信会提醒您。')).toBeTruthy();
    fireEvent.click(screen.getByText('继续设置（还有 2 项）'));
    expect(requestIds).toHaveBeenLastCalledWith(['t-result', 't-disclosure']);
    await waitFor(() => expect(screen.queryByTestId('subscribe')).toBeNull());
  });

  it('says what to do when the user has turned reminders off in WeChat', async () => {
    routeRequests({ 'GET /me/notify-settings': () => ok(makeSettings()) });
    const requestIds = vi.fn(
      async (): Promise<ConsentOutcome> => ({ status: 'failed', errCode: 20004, message: 'fail' }),
    );
    render(<NotifySettings weapp subscriber={{ loadTemplates: async () => TEMPLATES, requestIds }} />);
    fireEvent.click(await screen.findByText('接收微信提醒'));
    expect(await screen.findByText(/通知管理/)).toBeTruthy();
    expect(screen.getByText('接收微信提醒')).toBeTruthy();
  });

  it('a refusal is reported plainly', async () => {
    routeRequests({ 'GET /me/notify-settings': () => ok(makeSettings()) });
    const requestIds = vi.fn(
      async (): Promise<ConsentOutcome> => ({
        status: 'answered',
        results: { 't-notice': 'reject' },
        accepted: 0,
        saved: true,
      }),
    );
    render(<NotifySettings weapp subscriber={{ loadTemplates: async () => TEMPLATES, requestIds }} />);
    fireEvent.click(await screen.findByText('接收微信提醒'));
    expect(await screen.findByText(/您没有同意/)).toBeTruthy();
  });
});

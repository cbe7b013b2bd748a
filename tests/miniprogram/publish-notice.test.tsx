import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import { endOfBeijingDay } from '../../miniprogram/src/lib/format';
import { VillageNotices } from '../../miniprogram/src/subpackages/manage/notices/index';
import {
  EMPTY_FORM,
  PublishNotice,
  audienceWords,
  validateNotice,
} from '../../miniprogram/src/subpackages/manage/notice-new/index';
import { GRID_ID, NOTICE_ID, VILLAGE_ID, makeNotice } from './fixtures';
import Taro, { ok, request, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

const village = { villageId: VILLAGE_ID, villageName: '东坪村' };
const grids = [{ id: GRID_ID, name: '第一网格', workerUserId: null, workerName: null, householdCount: 20 }];

describe('publish form rules', () => {
  it('names what is missing, with the messages of the shared schema', () => {
    expect(validateNotice(EMPTY_FORM)).toEqual({
      ok: false,
      errors: { title: '请填写标题', body: '请填写内容' },
    });
    expect(validateNotice({ ...EMPTY_FORM, title: '字'.repeat(41), body: 'x' })).toMatchObject({
      errors: { title: '标题不能超过40个字' },
    });
    expect(validateNotice({ ...EMPTY_FORM, title: 't', body: 'b', audienceType: 'grid' })).toMatchObject({
      errors: { audience: '请选择网格' },
    });
    expect(validateNotice({ ...EMPTY_FORM, title: 't', body: 'b', audienceType: 'role' })).toMatchObject({
      errors: { audience: '请选择发给哪些人' },
    });
  });

  it('builds the request body: audience, pinned, last day as the end of that Beijing day', () => {
    expect(
      validateNotice({
        ...EMPTY_FORM,
        title: ' 停水 ',
        body: ' 明天停水 ',
        audienceType: 'grid',
        gridId: GRID_ID,
        pinned: true,
        lastDay: '2026-12-01',
      }),
    ).toEqual({
      ok: true,
      body: {
        title: '停水',
        body: '明天停水',
        audience: { type: 'grid', gridId: GRID_ID },
        pinned: true,
        expiresAt: '2026-12-01T15:59:59.000Z',
      },
    });
    expect(endOfBeijingDay('2026-12-01')).toBe('2026-12-01T15:59:59.000Z');
    expect(audienceWords({ ...EMPTY_FORM, audienceType: 'role', role: 'representative' }, [])).toBe(
      '全体村民代表',
    );
    expect(audienceWords({ ...EMPTY_FORM, audienceType: 'grid', gridId: GRID_ID }, grids)).toBe('第一网格');
    expect(audienceWords(EMPTY_FORM, grids)).toBe('全村');
  });
});

describe('发布通知 page', () => {
  function fill(container: HTMLElement, title: string, body: string) {
    fireEvent.input(container.querySelector('input[name="title"]')!, { target: { value: title } });
    const area = container.querySelector('[name="body"]')!;
    area.dispatchEvent(new CustomEvent('input', { detail: { value: body }, bubbles: true }));
  }

  it('confirms the audience, publishes once with an idempotency key, then shows the list', async () => {
    const publish = vi.fn(() => ({ statusCode: 201, data: { id: NOTICE_ID, recipients: 23 } }));
    routeRequests({
      [`GET /villages/${VILLAGE_ID}/grids`]: () => ok({ items: grids }),
      [`POST /villages/${VILLAGE_ID}/notices`]: publish,
    });
    const { container } = render(<PublishNotice village={village} />);
    fill(container, '代表会议', '周五晚上7点在村委会开会。');
    fireEvent.click(screen.getByTestId('audience-role'));
    fireEvent.click(screen.getByTestId('role-representative'));
    fireEvent.click(screen.getByTestId('pinned'));
    fireEvent.click(screen.getByTestId('publish'));

    await waitFor(() => expect(publish).toHaveBeenCalledOnce());
    expect(Taro.showModal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '确定发布吗？', content: expect.stringContaining('全体村民代表') }),
    );
    const call = request.mock.calls.find((c) => c[0].method === 'POST')![0];
    expect(call.data).toEqual({
      title: '代表会议',
      body: '周五晚上7点在村委会开会。',
      audience: { type: 'role', role: 'representative' },
      pinned: true,
    });
    expect(call.header?.['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() =>
      expect(Taro.redirectTo).toHaveBeenCalledWith({
        url: `/subpackages/manage/notices/index?villageId=${VILLAGE_ID}&villageName=${encodeURIComponent('东坪村')}&published=23`,
      }),
    );
  });

  it('shows what to fix and sends nothing when the form is incomplete', async () => {
    routeRequests({ [`GET /villages/${VILLAGE_ID}/grids`]: () => ok({ items: grids }) });
    render(<PublishNotice village={village} />);
    fireEvent.click(screen.getByTestId('audience-grid'));
    await screen.findByText('第一网格');
    fireEvent.click(screen.getByTestId('publish'));
    expect(await screen.findByTestId('error-title')).toBeTruthy();
    expect(screen.getByTestId('error-body').textContent).toBe('请填写内容');
    expect(screen.getByTestId('error-audience').textContent).toBe('请选择网格');
    expect(Taro.showModal).not.toHaveBeenCalled();
    expect(request.mock.calls.some((c) => c[0].method === 'POST')).toBe(false);
  });

  it('cancelling the confirm sends nothing', async () => {
    routeRequests({ [`GET /villages/${VILLAGE_ID}/grids`]: () => ok({ items: grids }) });
    vi.mocked(Taro.showModal).mockResolvedValueOnce({ confirm: false, cancel: true });
    const { container } = render(<PublishNotice village={village} />);
    fill(container, '停水', '明天停水');
    fireEvent.click(screen.getByTestId('publish'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalled());
    expect(request.mock.calls.some((c) => c[0].method === 'POST')).toBe(false);
  });
});

describe('the cadre’s notice list', () => {
  it('shows each notice with its read count and, after publishing, how many it went to', async () => {
    routeRequests({
      [`GET /villages/${VILLAGE_ID}/notices`]: () =>
        ok({ items: [makeNotice({ readCount: 1, audienceCount: 23, read: true })] }),
    });
    render(<VillageNotices village={village} canPublish published="23" />);
    expect(screen.getByText('已发布，已发给 23 人。')).toBeTruthy();
    expect((await screen.findByTestId(`read-count-${NOTICE_ID}`)).textContent).toBe('已读 1 / 共 23 人');
    fireEvent.click(screen.getByTestId('go-publish'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/subpackages/manage/notice-new/index?villageId=${VILLAGE_ID}&villageName=${encodeURIComponent('东坪村')}`,
    });
  });

  it('supervisors see the counts but cannot publish', async () => {
    routeRequests({ [`GET /villages/${VILLAGE_ID}/notices`]: () => ok({ items: [] }) });
    render(<VillageNotices village={village} canPublish={false} />);
    expect(await screen.findByText('还没有发过通知。')).toBeTruthy();
    expect(screen.queryByTestId('go-publish')).toBeNull();
  });
});

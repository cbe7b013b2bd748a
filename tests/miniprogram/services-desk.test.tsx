/**
 * The desk (staff subpackage): check-in by code, by name from the day list, done / no-show,
 * earlier no-shows visible; the hours editor's window rules and an evening window added.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TDeskEntry, TServiceDetail } from '../../miniprogram/src/api/services';
import { ServiceHours, validateWindow } from '../../miniprogram/src/subpackages/services-desk/hours/index';
import { DeskDay } from '../../miniprogram/src/subpackages/services-desk/index/index';
import { VILLAGE_ID } from './fixtures';
import { apiError, ok, request, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

const V = `/villages/${VILLAGE_ID}`;
const village = { villageId: VILLAGE_ID, villageName: '东坪村' };
const NOW = new Date('2030-01-08T02:00:00.000Z'); // 10:00 Beijing

const entry = (id: string, name: string, extra: Partial<TDeskEntry> = {}): TDeskEntry => ({
  id,
  code: '482913',
  serviceId: 's1',
  serviceName: '社保认证',
  serviceIcon: 'id',
  servedBy: '',
  startsAt: '2030-01-08T11:00:00.000Z',
  endsAt: '2030-01-08T11:30:00.000Z',
  evening: true,
  status: 'booked',
  note: '',
  materials: ['身份证'],
  materialsChecked: ['身份证'],
  canChange: true,
  cancelReason: null,
  createdAt: '2030-01-01T00:00:00.000Z',
  villagerName: name,
  villagerPhone: '138****1234',
  noShows: 0,
  repeatedNoShow: false,
  ...extra,
});

describe('desk day', () => {
  it('checks in by booking code and updates the list', async () => {
    const a = entry('b1', '王秀英');
    routeRequests({
      [`GET ${V}/service-desk`]: () => ok({ date: '2030-01-08', items: [a] }),
      [`POST ${V}/service-desk/check-in`]: () => ok({ ...a, status: 'checked_in' }),
    });
    const { container } = render(<DeskDay village={village} now={NOW} />);
    expect(await screen.findByText('王秀英')).toBeTruthy();
    fireEvent.click(screen.getByTestId('check-in-code'));
    expect(await screen.findByText('预约码是6位数字')).toBeTruthy();
    fireEvent.input(container.querySelector('input[name="code"]')!, { target: { value: '482913' } });
    fireEvent.click(screen.getByTestId('check-in-code'));
    expect(await screen.findByText('王秀英 已签到：社保认证 19:00')).toBeTruthy();
    const call = request.mock.calls.find((c) => c[0].method === 'POST')![0];
    expect(call.data).toEqual({ code: '482913' });
    await waitFor(() => expect(screen.getByTestId('desk-b1').textContent).toContain('已签到'));
  });

  it('a wrong code says so', async () => {
    routeRequests({
      [`GET ${V}/service-desk`]: () => ok({ date: '2030-01-08', items: [] }),
      [`POST ${V}/service-desk/check-in`]: () => apiError(404, 'NOT_FOUND', '没有找到这个预约码'),
    });
    const { container } = render(<DeskDay village={village} now={NOW} />);
    fireEvent.input(container.querySelector('input[name="code"]')!, { target: { value: '111111' } });
    fireEvent.click(screen.getByTestId('check-in-code'));
    expect(await screen.findByText('没有找到这个预约码')).toBeTruthy();
  });

  it('finds by name; shows earlier no-shows; 签到 then 办好了', async () => {
    const a = entry('b1', '王秀英', { noShows: 2, repeatedNoShow: true });
    const b = entry('b2', '李建国', { startsAt: '2030-01-08T01:00:00.000Z', evening: false });
    const act = vi.fn((o: { data?: unknown }) => {
      const action = (o.data as { action: string }).action;
      return ok({ ...a, status: action === 'check_in' ? 'checked_in' : 'done' });
    });
    routeRequests({
      [`GET ${V}/service-desk`]: () => ok({ date: '2030-01-08', items: [a, b] }),
      [`POST ${V}/service-desk/bookings/b1`]: act,
    });
    const { container } = render(<DeskDay village={village} now={NOW} />);
    expect(await screen.findByText('以前没来2次')).toBeTruthy();
    fireEvent.input(container.querySelector('input[name="search"]')!, { target: { value: '王' } });
    expect(screen.queryByText('李建国')).toBeNull();
    fireEvent.click(screen.getByTestId('desk-check-in-b1'));
    await waitFor(() => expect(screen.getByTestId('desk-b1').textContent).toContain('已签到'));
    fireEvent.click(screen.getByTestId('desk-done-b1'));
    await waitFor(() => expect(screen.getByTestId('desk-b1').textContent).toContain('已办好'));
    expect(act.mock.calls.map((c) => (c[0].data as { action: string }).action)).toEqual(['check_in', 'done']);
  });

  it('没来 only once the slot has started', async () => {
    const past = entry('b3', '赵玉梅', { startsAt: '2000-01-08T01:00:00.000Z' });
    const future = entry('b4', '陈光荣', { startsAt: '2999-01-08T01:00:00.000Z' });
    routeRequests({ [`GET ${V}/service-desk`]: () => ok({ date: '2030-01-08', items: [past, future] }) });
    render(<DeskDay village={village} now={NOW} />);
    expect(await screen.findByTestId('desk-no-show-b3')).toBeTruthy();
    expect(screen.queryByTestId('desk-no-show-b4')).toBeNull();
  });
});

describe('hours editor', () => {
  it('window rules in plain words', () => {
    expect(validateWindow({ weekday: null, start: '19:00', end: '21:00', capacity: '2' })).toEqual({
      ok: false,
      error: '请选择星期几',
    });
    expect(validateWindow({ weekday: 2, start: '7点', end: '21:00', capacity: '2' })).toEqual({
      ok: false,
      error: '时间要写成 19:00 这样',
    });
    expect(validateWindow({ weekday: 2, start: '21:00', end: '19:00', capacity: '2' })).toEqual({
      ok: false,
      error: '结束时间要晚于开始时间',
    });
    expect(validateWindow({ weekday: 2, start: '19:00', end: '21:00', capacity: '0' })).toEqual({
      ok: false,
      error: '每个时段1到50人',
    });
    expect(validateWindow({ weekday: 2, start: '19:00', end: '21:00', capacity: '3' })).toEqual({
      ok: true,
      value: { weekday: 2, start: '19:00', end: '21:00', capacity: 3 },
    });
  });

  it('adds an evening window to the existing hours with one PUT', async () => {
    const detail: TServiceDetail = {
      id: 's1',
      name: '社保认证',
      icon: 'id',
      summary: '',
      materials: [],
      durationMinutes: 10,
      servedBy: '',
      bookable: true,
      errand: false,
      slotMinutes: 30,
      cutoffMinutes: 60,
      hasEvening: false,
      hours: [{ weekday: 1, start: '09:00', end: '11:00', capacity: 3 }],
      exceptions: [],
    };
    const put = vi.fn((o: { data?: unknown }) =>
      ok({ ...detail, hours: (o.data as { hours: TServiceDetail['hours'] }).hours }),
    );
    routeRequests({
      [`GET ${V}/services`]: () => ok({ items: [detail] }),
      [`GET ${V}/services/s1`]: () => ok(detail),
      [`PUT ${V}/services/s1/hours`]: put,
    });
    render(<ServiceHours village={village} />);
    fireEvent.click(await screen.findByTestId('weekday-3'));
    fireEvent.click(screen.getByTestId('add-window'));
    await waitFor(() => expect(put).toHaveBeenCalledOnce());
    expect(put.mock.calls[0]![0].data).toEqual({
      hours: [
        { weekday: 1, start: '09:00', end: '11:00', capacity: 3 },
        { weekday: 3, start: '19:00', end: '21:00', capacity: 2 },
      ],
    });
    expect(await screen.findByText('已加上这个时段')).toBeTruthy();
    expect(screen.getByText('夜间')).toBeTruthy();
  });
});

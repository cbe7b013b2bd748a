/**
 * 办事 pages: the catalogue tiles, the service page (what to bring, evening slots marked 夜间, a
 * full slot offers the waitlist, rescheduling), the confirm page (materials, note, one booking per
 * screen even when tapped twice, 已约满 → 排队), and my bookings (big code, cancel).
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));
// Message consent is asked in the taps (a no-op on h5): spied here to see which kinds each asks for.
vi.mock('../../miniprogram/src/lib/subscribe', async (original) => ({
  ...(await original<typeof import('../../miniprogram/src/lib/subscribe')>()),
  loadTemplates: vi.fn(async () => []),
  requestConsent: vi.fn(async () => ({ status: 'skipped', reason: 'not_weapp' })),
}));

import type { TBooking, TServiceDetail, TSlot } from '../../miniprogram/src/api/services';
import { ServicesHome } from '../../miniprogram/src/pages/services/index';
import { BookConfirm } from '../../miniprogram/src/subpackages/services/book/index';
import { MyBookings } from '../../miniprogram/src/subpackages/services/bookings/index';
import { ServiceView, hoursText } from '../../miniprogram/src/subpackages/services/service/index';
import { requestConsent } from '../../miniprogram/src/lib/subscribe';
import { VILLAGE_ID } from './fixtures';
import Taro, { apiError, ok, request, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => {
  resetTaro();
  vi.mocked(requestConsent).mockClear();
});
afterEach(() => cleanup());

const SERVICE_ID = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0b01';
const BOOKING_ID = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0b02';
const V = `/villages/${VILLAGE_ID}`;

const service = {
  id: SERVICE_ID,
  name: '社保认证',
  icon: 'id' as const,
  summary: '养老金领取资格认证',
  materials: ['身份证', '社保卡'],
  durationMinutes: 10,
  servedBy: '社保协理员 陈秀英',
  bookable: true,
  errand: false,
  slotMinutes: 30,
  cutoffMinutes: 60,
  hasEvening: true,
};
const detail: TServiceDetail = {
  ...service,
  hours: [
    { weekday: 2, start: '09:00', end: '11:30', capacity: 3 },
    { weekday: 2, start: '19:00', end: '21:00', capacity: 2 },
  ],
  exceptions: [],
};
// 2030-01-08 is a Tuesday; 19:00 Beijing = 11:00Z.
const slot = (clock: string, iso: string, extra: Partial<TSlot> = {}): TSlot => ({
  startsAt: iso,
  endsAt: iso,
  date: '2030-01-08',
  clock,
  evening: clock >= '18:00',
  capacity: 2,
  free: 2,
  status: 'open',
  ...extra,
});
const slots = [
  slot('09:00', '2030-01-08T01:00:00.000Z'),
  slot('09:30', '2030-01-08T01:30:00.000Z', { free: 0, status: 'full' }),
  slot('19:00', '2030-01-08T11:00:00.000Z', { free: 1 }),
];
const booking = (extra: Partial<TBooking> = {}): TBooking => ({
  id: BOOKING_ID,
  code: '482913',
  serviceId: SERVICE_ID,
  serviceName: '社保认证',
  serviceIcon: 'id',
  servedBy: '社保协理员 陈秀英',
  startsAt: '2030-01-08T11:00:00.000Z',
  endsAt: '2030-01-08T11:30:00.000Z',
  evening: true,
  status: 'booked',
  note: '',
  materials: ['身份证', '社保卡'],
  materialsChecked: ['身份证'],
  canChange: true,
  cancelReason: null,
  createdAt: '2030-01-01T00:00:00.000Z',
  ...extra,
});

describe('办事 tab', () => {
  it('shows the catalogue as large tiles with words, and 我的预约', async () => {
    routeRequests({
      [`GET ${V}/services`]: () =>
        ok({
          items: [
            service,
            { ...service, id: 'x', name: '法律咨询', icon: 'law', hasEvening: false, errand: true },
          ],
        }),
    });
    render(<ServicesHome village={{ villageId: VILLAGE_ID, villageName: '东坪村', roles: ['villager'] }} />);
    const tile = await screen.findByTestId('service-社保认证');
    expect(tile.textContent).toContain('社保认证');
    expect(tile.textContent).toContain('证');
    expect(tile.textContent).toContain('有夜间');
    expect(screen.getByTestId('service-法律咨询').textContent).toContain('可代办');
    expect(screen.queryByTestId('go-desk')).toBeNull();
    fireEvent.click(tile);
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/subpackages/services/service/index?villageId=${VILLAGE_ID}&serviceId=${SERVICE_ID}`,
    });
    fireEvent.click(screen.getByTestId('my-bookings'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({
      url: `/subpackages/services/bookings/index?villageId=${VILLAGE_ID}`,
    });
  });

  it('cadres also get the desk', async () => {
    routeRequests({ [`GET ${V}/services`]: () => ok({ items: [service] }) });
    render(
      <ServicesHome
        village={{ villageId: VILLAGE_ID, villageName: '东坪村', roles: ['villager', 'cadre'] }}
      />,
    );
    expect(await screen.findByTestId('go-desk')).toBeTruthy();
  });
});

describe('service page', () => {
  it('groups the weekly hours in plain words, evening marked', () => {
    const hours = [1, 2, 3, 4, 5]
      .map((weekday) => ({ weekday, start: '09:00', end: '11:30', capacity: 3 }))
      .concat(
        [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '19:00', end: '21:00', capacity: 2 })),
      )
      .concat([{ weekday: 6, start: '14:00', end: '16:00', capacity: 1 }]);
    expect(hoursText({ hours }).map((h) => [h.text, h.evening])).toEqual([
      ['周一至周五 09:00–11:30', false],
      ['周六 14:00–16:00', false],
      ['每天 19:00–21:00', true],
    ]);
  });

  const routes = () =>
    routeRequests({
      [`GET ${V}/services/${SERVICE_ID}`]: () => ok(detail),
      [`GET ${V}/services/${SERVICE_ID}/slots`]: () => ok({ items: slots }),
      [`POST ${V}/services/${SERVICE_ID}/waitlist`]: () => ({
        statusCode: 201,
        data: { id: 'w', position: 2 },
      }),
      [`POST ${V}/bookings/${BOOKING_ID}/reschedule`]: () => ok(booking({ startsAt: slots[0]!.startsAt })),
    });

  it('says what to bring, how long, who serves; evening hours and slots are marked 夜间', async () => {
    routes();
    render(<ServiceView villageId={VILLAGE_ID} serviceId={SERVICE_ID} />);
    expect((await screen.findByTestId('materials')).textContent).toBe('身份证、社保卡');
    expect(screen.getByText('大约 10 分钟')).toBeTruthy();
    expect(screen.getByText('社保协理员 陈秀英')).toBeTruthy();
    const evening = screen.getByTestId('slot-19:00');
    expect(evening.className).toContain('slot-evening');
    expect(evening.textContent).toContain('夜间');
    expect(evening.textContent).toContain('余1位');
    expect(screen.getByTestId('slot-09:00').className).not.toContain('slot-evening');
    expect(screen.getByTestId('slot-09:30').textContent).toContain('已约满');
    expect(screen.getAllByText('夜间').length).toBeGreaterThanOrEqual(1);
  });

  it('a free slot opens the confirm page; a full one offers the waitlist', async () => {
    routes();
    render(<ServiceView villageId={VILLAGE_ID} serviceId={SERVICE_ID} />);
    fireEvent.click(await screen.findByTestId('slot-19:00'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/subpackages/services/book/index?villageId=${VILLAGE_ID}&serviceId=${SERVICE_ID}&startsAt=${encodeURIComponent('2030-01-08T11:00:00.000Z')}`,
    });
    fireEvent.click(screen.getByTestId('slot-09:30'));
    await waitFor(() =>
      expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '已约满' })),
    );
    expect(await screen.findByText('已排队，您排第2位。有空位会通知您。')).toBeTruthy();
  });

  it('rescheduling: a tap, one confirm, the booking moves and my bookings open', async () => {
    routes();
    render(<ServiceView villageId={VILLAGE_ID} serviceId={SERVICE_ID} bookingId={BOOKING_ID} />);
    fireEvent.click(await screen.findByTestId('slot-09:00'));
    await waitFor(() =>
      expect(Taro.redirectTo).toHaveBeenCalledWith({
        url: `/subpackages/services/bookings/index?villageId=${VILLAGE_ID}&changed=1`,
      }),
    );
    const call = request.mock.calls.find((c) => c[0].method === 'POST')![0];
    expect(call.data).toEqual({ startsAt: '2030-01-08T01:00:00.000Z' });
    expect(requestConsent).toHaveBeenCalledWith([
      'booking_rescheduled',
      'booking_day_before',
      'booking_near',
    ]);
  });
});

describe('booking confirm', () => {
  const at = '2030-01-08T11:00:00.000Z';

  it('shows the time with 夜间, ticks materials, sends the note; one key for the screen', async () => {
    const book = vi.fn(() => ({ statusCode: 201, data: booking() }));
    routeRequests({
      [`GET ${V}/services/${SERVICE_ID}`]: () => ok(detail),
      [`POST ${V}/services/${SERVICE_ID}/bookings`]: book,
    });
    const { container } = render(<BookConfirm villageId={VILLAGE_ID} serviceId={SERVICE_ID} startsAt={at} />);
    expect((await screen.findByTestId('confirm-time')).textContent).toBe('1月8日 周二 19:00');
    expect(screen.getByText('夜间')).toBeTruthy();
    fireEvent.click(screen.getByTestId('material-身份证'));
    expect(screen.getByTestId('material-身份证').textContent).toContain('已备好');
    fireEvent.input(container.querySelector('input[name="note"]')!, { target: { value: ' 老人腿脚不便 ' } });
    fireEvent.click(screen.getByTestId('confirm-book'));
    await waitFor(() => expect(book).toHaveBeenCalledOnce());
    expect(requestConsent).toHaveBeenCalledWith(['booking_day_before', 'booking_near', 'booking_cancelled']);
    const call = request.mock.calls.find((c) => c[0].method === 'POST')![0];
    expect(call.data).toEqual({ startsAt: at, note: '老人腿脚不便', materialsChecked: ['身份证'] });
    expect(call.header?.['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() =>
      expect(Taro.redirectTo).toHaveBeenCalledWith({
        url: `/subpackages/services/bookings/index?villageId=${VILLAGE_ID}&booked=${BOOKING_ID}`,
      }),
    );
  });

  it('a retry after a failure sends the same Idempotency-Key (never two bookings)', async () => {
    let n = 0;
    routeRequests({
      [`GET ${V}/services/${SERVICE_ID}`]: () => ok(detail),
      [`POST ${V}/services/${SERVICE_ID}/bookings`]: () =>
        n++ === 0
          ? apiError(409, 'IDEMPOTENCY_MISMATCH', '这次提交和上次不一样')
          : { statusCode: 201, data: booking() },
    });
    render(<BookConfirm villageId={VILLAGE_ID} serviceId={SERVICE_ID} startsAt={at} />);
    fireEvent.click(await screen.findByTestId('confirm-book'));
    await screen.findByText('这次提交和上次不一样');
    fireEvent.click(screen.getByTestId('confirm-book'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled());
    const keys = request.mock.calls
      .filter((c) => c[0].method === 'POST')
      .map((c) => c[0].header?.['Idempotency-Key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('已约满: says so plainly and offers the waitlist instead', async () => {
    routeRequests({
      [`GET ${V}/services/${SERVICE_ID}`]: () => ok(detail),
      [`POST ${V}/services/${SERVICE_ID}/bookings`]: () => apiError(409, 'SLOT_FULL', '已约满'),
      [`POST ${V}/services/${SERVICE_ID}/waitlist`]: () => ({
        statusCode: 201,
        data: { id: 'w', position: 1 },
      }),
    });
    render(<BookConfirm villageId={VILLAGE_ID} serviceId={SERVICE_ID} startsAt={at} />);
    fireEvent.click(await screen.findByTestId('confirm-book'));
    expect(await screen.findByText('已约满')).toBeTruthy();
    expect(screen.queryByTestId('confirm-book')).toBeNull();
    fireEvent.click(screen.getByTestId('join-waitlist'));
    expect(await screen.findByText('已排队，您排第1位。有空位会通知您。')).toBeTruthy();
    expect(requestConsent).toHaveBeenLastCalledWith(['waitlist_offered', 'booking_cancelled']);
  });
});

describe('my bookings', () => {
  it('shows the booking code in big digits, evening marked; cancel asks first', async () => {
    const cancel = vi.fn(() => ok(booking({ status: 'cancelled' })));
    routeRequests({
      [`GET ${V}/bookings/mine`]: () => ok({ items: [booking()], waitlist: [] }),
      [`POST ${V}/bookings/${BOOKING_ID}/cancel`]: cancel,
    });
    render(<MyBookings villageId={VILLAGE_ID} booked={BOOKING_ID} />);
    const code = await screen.findByTestId('booking-code');
    expect(code.textContent).toBe('482913');
    expect(code.className).toContain('booking-code');
    expect(screen.getByText('预约成功！到时请带好材料。')).toBeTruthy();
    expect(screen.getByText('夜间')).toBeTruthy();
    fireEvent.click(screen.getByTestId(`reschedule-${BOOKING_ID}`));
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/subpackages/services/service/index?villageId=${VILLAGE_ID}&serviceId=${SERVICE_ID}&bookingId=${BOOKING_ID}`,
    });
    vi.mocked(Taro.showModal).mockResolvedValueOnce({ confirm: false, cancel: true });
    fireEvent.click(screen.getByTestId(`cancel-${BOOKING_ID}`));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalled());
    expect(cancel).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId(`cancel-${BOOKING_ID}`));
    await waitFor(() => expect(cancel).toHaveBeenCalledOnce());
  });

  it('after the cut-off: no change buttons, a plain word instead; an offered place can be taken', async () => {
    const accept = vi.fn(() => ({ statusCode: 201, data: booking() }));
    routeRequests({
      [`GET ${V}/bookings/mine`]: () =>
        ok({
          items: [booking({ canChange: false })],
          waitlist: [
            {
              id: 'w1',
              serviceId: SERVICE_ID,
              serviceName: '法律咨询',
              startsAt: '2030-01-09T11:00:00.000Z',
              evening: true,
              status: 'offered',
              offerExpiresAt: '2030-01-09T09:30:00.000Z',
              position: 0,
            },
          ],
        }),
      [`POST ${V}/waitlist/w1/accept`]: accept,
    });
    render(<MyBookings villageId={VILLAGE_ID} />);
    expect(await screen.findByText('快到时间了，不能再改。有事请打电话给村里。')).toBeTruthy();
    expect(screen.queryByTestId(`cancel-${BOOKING_ID}`)).toBeNull();
    expect(screen.getByText('有空位了！')).toBeTruthy();
    fireEvent.click(screen.getByTestId('accept-w1'));
    await waitFor(() => expect(accept).toHaveBeenCalledOnce());
  });
});

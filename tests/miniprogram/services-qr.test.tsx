/**
 * The booking code's QR code: decoded by an independent reader (jsQR), it holds exactly the
 * 6-digit code — both the matrix the library makes and the runs the page draws from it. 我的预约
 * shows it for a booking still to come; the desk scans it (weapp) or types the digits (h5).
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import jsQR from 'jsqr';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TBooking, TDeskEntry } from '../../miniprogram/src/api/services';
import { DeskDay } from '../../miniprogram/src/subpackages/services-desk/index/index';
import { BookingQr, bookingQrMatrix, rowRuns } from '../../miniprogram/src/subpackages/services/booking-qr';
import { MyBookings } from '../../miniprogram/src/subpackages/services/bookings/index';
import { bookingCode } from '../../shared/services/rules';
import { VILLAGE_ID } from './fixtures';
import Taro, { ok, request, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

const V = `/villages/${VILLAGE_ID}`;

/** Paints modules (with a 4-module white quiet zone) into RGBA pixels, `px` per module, and reads them. */
function decode(matrix: boolean[][], px = 4): string | null {
  const quiet = 4;
  const size = (matrix.length + 2 * quiet) * px;
  const rgba = new Uint8ClampedArray(size * size * 4).fill(255);
  for (const [y, row] of matrix.entries()) {
    for (const [x, dark] of row.entries()) {
      if (!dark) continue;
      for (let dy = 0; dy < px; dy++)
        for (let dx = 0; dx < px; dx++) {
          const i = (((y + quiet) * px + dy) * size + (x + quiet) * px + dx) * 4;
          rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
        }
    }
  }
  return jsQR(rgba, size, size, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

/** The matrix as the page draws it: each row's runs expanded back into modules. */
function drawnMatrix(root: HTMLElement): boolean[][] {
  return [...root.querySelectorAll('.booking-qr-row')].map((row) =>
    [...row.querySelectorAll<HTMLElement>('.booking-qr-run')].flatMap((run) =>
      Array<boolean>(Number(run.dataset.n)).fill(run.classList.contains('booking-qr-dark')),
    ),
  );
}

describe('the booking code as a QR code', () => {
  it('decodes to exactly the booking code, for every kind of code', () => {
    const codes = ['100000', '999999', '482913'];
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 40; i++) codes.push(bookingCode(random));
    for (const code of codes) {
      const m = bookingQrMatrix(code);
      // Version 1 (21 × 21): the page's fixed size fits every 6-digit code.
      expect(m).toHaveLength(21);
      expect(m.every((row) => row.length === 21)).toBe(true);
      expect(decode(m)).toBe(code);
    }
    // A different code is a different picture.
    expect(decode(bookingQrMatrix('482914'))).toBe('482914');
  });

  it('rows are drawn as runs that add up to the row', () => {
    expect(rowRuns([true, true, false, true])).toEqual([
      { dark: true, n: 2 },
      { dark: false, n: 1 },
      { dark: true, n: 1 },
    ]);
  });

  it('what the page draws is the same matrix, and reads back as the code', () => {
    const { container } = render(<BookingQr code="482913" />);
    const qr = screen.getByTestId('booking-qr');
    expect(qr.getAttribute('aria-label')).toBe('预约码 482913 的二维码');
    const drawn = drawnMatrix(container);
    expect(drawn).toEqual(bookingQrMatrix('482913'));
    expect(decode(drawn)).toBe('482913');
  });
});

const booking = (extra: Partial<TBooking> = {}): TBooking => ({
  id: 'b1',
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
  materials: [],
  materialsChecked: [],
  canChange: true,
  cancelReason: null,
  createdAt: '2030-01-01T00:00:00.000Z',
  ...extra,
});

describe('我的预约', () => {
  it('shows the QR code of a booking to come, with the digits under it; none once checked in', async () => {
    routeRequests({
      [`GET ${V}/bookings/mine`]: () =>
        ok({
          items: [booking(), booking({ id: 'b2', code: '771203', status: 'checked_in', canChange: false })],
          waitlist: [],
        }),
    });
    const { container } = render(<MyBookings villageId={VILLAGE_ID} />);
    await screen.findAllByTestId('booking-code');
    const qrs = screen.getAllByTestId('booking-qr');
    expect(qrs).toHaveLength(1);
    expect(decode(drawnMatrix(container))).toBe('482913');
    expect(screen.getByTestId('booking-b1').textContent).toContain('请工作人员扫一扫');
    expect(screen.getByTestId('booking-b2').querySelector('.booking-qr')).toBeNull();
  });
});

const entry = (extra: Partial<TDeskEntry> = {}): TDeskEntry => ({
  ...booking(),
  villagerName: '王秀英',
  villagerPhone: null,
  noShows: 0,
  repeatedNoShow: false,
  ...extra,
});
const village = { villageId: VILLAGE_ID, villageName: '东坪村' };
const NOW = new Date('2030-01-08T02:00:00.000Z');

describe('the desk scans the code', () => {
  it('weapp: 扫码签到 scans a QR code and checks the villager in with its digits', async () => {
    const checkIn = vi.fn(() => ok(entry({ status: 'checked_in' })));
    routeRequests({
      [`GET ${V}/service-desk`]: () => ok({ date: '2030-01-08', items: [entry()] }),
      [`POST ${V}/service-desk/check-in`]: checkIn,
    });
    vi.mocked(Taro.scanCode).mockResolvedValueOnce({ result: '482913', scanType: 'QR_CODE' } as never);
    render(<DeskDay village={village} now={NOW} canScan />);
    fireEvent.click(await screen.findByTestId('scan-code'));
    expect(await screen.findByText('王秀英 已签到：社保认证 19:00')).toBeTruthy();
    expect(Taro.scanCode).toHaveBeenCalledWith({ onlyFromCamera: true, scanType: ['qrCode'] });
    expect(checkIn).toHaveBeenCalledOnce();
    const call = request.mock.calls.find((c) => c[0].method === 'POST')![0];
    expect(call.data).toEqual({ code: '482913' });
    await waitFor(() => expect(screen.getByTestId('desk-b1').textContent).toContain('已签到'));
    // Typing stays available next to the scanner.
    expect(screen.getByTestId('check-in-code').textContent).toBe('输入预约码签到');
  });

  it('another QR code is refused in plain words; a closed scanner does nothing', async () => {
    routeRequests({ [`GET ${V}/service-desk`]: () => ok({ date: '2030-01-08', items: [] }) });
    vi.mocked(Taro.scanCode)
      .mockResolvedValueOnce({ result: 'https://example.com/x', scanType: 'QR_CODE' } as never)
      .mockRejectedValueOnce({ errMsg: 'scanCode:fail cancel' });
    render(<DeskDay village={village} now={NOW} canScan />);
    fireEvent.click(await screen.findByTestId('scan-code'));
    expect(await screen.findByText(/这不是预约码/)).toBeTruthy();
    fireEvent.click(screen.getByTestId('scan-code'));
    await waitFor(() => expect(Taro.scanCode).toHaveBeenCalledTimes(2));
    expect(request.mock.calls.some((c) => c[0].method === 'POST')).toBe(false);
  });

  it('h5 (no scanner): only the typed code', async () => {
    routeRequests({ [`GET ${V}/service-desk`]: () => ok({ date: '2030-01-08', items: [] }) });
    render(<DeskDay village={village} now={NOW} />);
    expect(await screen.findByTestId('check-in-code')).toBeTruthy();
    expect(screen.queryByTestId('scan-code')).toBeNull();
    expect(screen.getByTestId('check-in-code').textContent).toBe('签到');
  });
});

/**
 * Voucher photos in the mini-program: the board shows a published line's photos from their public
 * URLs, a tap opens them large; the cadre's picker uploads each chosen photo as `ledger_voucher`,
 * says when one did not go up (重传) and removes one with 删除; the supervisor's review fetches
 * a draft's photos with the login.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));
const { upload, download } = vi.hoisted(() => ({ upload: vi.fn(), download: vi.fn() }));
vi.mock('../../miniprogram/src/api', async (orig) => ({
  ...(await orig<object>()),
  media: { upload, download },
}));

import Taro from '@tarojs/taro';
import type { TPublishedVersion } from '../../miniprogram/src/api/disclosures';
import { LedgerLines } from '../../miniprogram/src/components/disclosures';
import {
  DraftVoucherThumbs,
  type VoucherItem,
  VoucherPicker,
  vouchersState,
} from '../../miniprogram/src/subpackages/disclosure-admin/vouchers';
import { resetTaro } from './taro-mock';

const VILLAGE = '11111111-2222-4333-8444-555555555555';
const V1 = '6f1f0b1e-4a3b-4c2d-9e8f-0123456789a1';
const V2 = '6f1f0b1e-4a3b-4c2d-9e8f-0123456789a2';

beforeEach(() => {
  resetTaro();
  upload.mockReset();
  download.mockReset();
});
afterEach(() => cleanup());

const version: TPublishedVersion = {
  id: '00000000-0000-4000-8000-000000000001',
  versionNo: 1,
  seq: 2,
  title: '2026年11月财务公开',
  body: '',
  reason: null,
  ledger: {
    openingFen: 0,
    declaredClosingFen: 32_000,
    entries: [
      {
        date: '2026-11-03',
        category: '经营收入',
        item: '鱼塘承包费',
        incomeFen: 50_000,
        expenseFen: 0,
        counterpart: '陈家',
        voucherIds: [],
      },
      {
        date: '2026-11-12',
        category: '公益支出',
        item: '路灯维修',
        incomeFen: 0,
        expenseFen: 18_000,
        counterpart: '电器行',
        voucherIds: [V1, V2],
        vouchers: [
          { id: V1, sha256: 'a'.repeat(64) },
          { id: V2, sha256: 'b'.repeat(64) },
        ],
      },
    ],
  },
  totals: { incomeFen: 50_000, expenseFen: 18_000, closingFen: 32_000 },
  sections: null,
  publishedAt: '2026-12-01T02:00:00.000Z',
  cosignedBy: '王监督',
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
  changes: [],
};

describe('voucher photos on the board', () => {
  it('shows a line’s photos from their public URLs; a tap opens them large', () => {
    const src = (id: string) => `/api/villages/${VILLAGE}/disclosures/d1/vouchers/${id}`;
    const { container } = render(<LedgerLines version={version} questions={[]} voucherSrc={src} />);
    expect(screen.queryByTestId('vouchers-1')).toBeNull();
    const line = screen.getByTestId('vouchers-2');
    expect(line.textContent).toContain('凭证照片 2 张（点照片看大图）');
    const imgs = container.querySelectorAll('[data-testid="vouchers-2"] img');
    expect([...imgs].map((i) => i.getAttribute('src'))).toEqual([src(V1), src(V2)]);
    expect(imgs[1]!.getAttribute('alt')).toBe('第2张凭证照片，点开看大图');
    fireEvent.click(imgs[1]!);
    expect(Taro.previewImage).toHaveBeenCalledWith({ current: src(V2), urls: [src(V1), src(V2)] });
  });

  it('a photo that does not load says so instead of a blank box', () => {
    const { container } = render(
      <LedgerLines version={version} questions={[]} voucherSrc={(id) => `/v/${id}`} />,
    );
    fireEvent.error(container.querySelectorAll('[data-testid="vouchers-2"] img')[0]!);
    expect(screen.getByTestId('vouchers-2').textContent).toContain('打不开');
  });
});

describe('the cadre’s voucher picker', () => {
  function Harness({
    initial = [] as VoucherItem[],
    onItems,
  }: {
    initial?: VoucherItem[];
    onItems: (v: VoucherItem[]) => void;
  }) {
    const [items, setItems] = useState<VoucherItem[]>(initial);
    onItems(items);
    return (
      <VoucherPicker
        villageId={VILLAGE}
        line={2}
        items={items}
        onChange={(f) => setItems((list) => f(list))}
      />
    );
  }

  it('uploads each chosen photo as a voucher; a failed one can be sent again; 删除 takes one off', async () => {
    let latest: VoucherItem[] = [];
    vi.mocked(Taro.chooseMedia).mockResolvedValueOnce({
      tempFiles: [
        { tempFilePath: 'wxfile://tmp/receipt-1.jpg', size: 120_000 },
        { tempFilePath: 'wxfile://tmp/receipt-2.jpg', size: 90_000 },
      ],
    } as never);
    upload
      .mockResolvedValueOnce({ id: V1 })
      .mockRejectedValueOnce(new Error('网络不好，请稍后再试'))
      .mockResolvedValueOnce({ id: V2 });
    render(<Harness onItems={(v) => (latest = v)} />);
    expect(screen.getByTestId('voucher-picker-2').textContent).toContain(
      '第2笔的凭证照片（发票、收据，0/9张）',
    );
    await act(async () => {
      fireEvent.click(screen.getByTestId('add-voucher-2'));
    });
    await waitFor(() =>
      expect(vouchersState(latest)).toMatchObject({ uploading: false, failed: true, ids: [V1] }),
    );
    expect(upload).toHaveBeenCalledTimes(2);
    expect(upload.mock.calls[0]).toEqual([
      VILLAGE,
      expect.objectContaining({
        filePath: 'wxfile://tmp/receipt-1.jpg',
        purpose: 'ledger_voucher',
        size: 120_000,
      }),
    ]);
    expect(screen.getByTestId('voucher-picker-2').textContent).toContain('没传上');
    const key = upload.mock.calls[1]![1].idempotencyKey;
    await act(async () => {
      fireEvent.click(screen.getByTestId('retry-voucher-2-2'));
    });
    await waitFor(() => expect(vouchersState(latest).ids).toEqual([V1, V2]));
    // The retry reuses the file's idempotency key: a lost answer never stores it twice.
    expect(upload.mock.calls[2]![1].idempotencyKey).toBe(key);
    fireEvent.click(screen.getByTestId('remove-voucher-2-1'));
    expect(vouchersState(latest).ids).toEqual([V2]);
  });

  it('a saved draft’s vouchers are fetched with the login to show them', async () => {
    download.mockResolvedValueOnce('blob:v1');
    render(
      <Harness
        initial={[{ key: V1, mediaId: V1, path: null, status: 'done', uploadKey: V1 }]}
        onItems={() => {}}
      />,
    );
    await waitFor(() =>
      expect(screen.getByTestId('voucher-picker-2').querySelector('img')?.getAttribute('src')).toBe(
        'blob:v1',
      ),
    );
    expect(download).toHaveBeenCalledWith(V1);
    expect(screen.getByTestId('voucher-picker-2').textContent).toContain('已上传');
  });

  it('the supervisor’s review shows the draft’s photos, and says when one cannot be fetched', async () => {
    download.mockResolvedValueOnce('blob:v1').mockRejectedValueOnce(new Error('没有找到'));
    render(<DraftVoucherThumbs ids={[V1, V2]} testId="review-vouchers-2" />);
    await waitFor(() => expect(screen.getByTestId('review-vouchers-2').textContent).toContain('打不开'));
    expect(screen.getByTestId('review-vouchers-2').querySelector('img')?.getAttribute('src')).toBe('blob:v1');
  });
});

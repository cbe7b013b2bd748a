/**
 * Voucher photos (凭证照片) while a ledger is a draft: the cadre adds them to a line (album or
 * camera; each uploaded at once as purpose `ledger_voucher`, shown with 删除, a failed one with
 * 重传), the supervisor sees them when reviewing. Before publishing they are not public, so they
 * are fetched with the login (api/media.ts download → a local path); once published the board
 * shows them from their public URL (components/disclosures.tsx VoucherThumbs).
 */
import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { errorMessage, media } from '../../api';
import { VoucherThumbs } from '../../components/disclosures';
import { cx } from '../../lib/format';
import { uuidV4 } from '../../lib/uuid';

/** At most this many photos on one line (the server says the same). */
export const MAX_VOUCHERS = 9;

export type VoucherItem = {
  /** Local key (the same file may be chosen twice). */
  key: string;
  mediaId: string | null;
  /** What <Image> shows: a temp file (weapp) or blob URL (h5); null until fetched. */
  path: string | null;
  status: 'uploading' | 'done' | 'failed';
  error?: string;
  /** One idempotency key per file, reused when the upload is tried again. */
  uploadKey: string;
  size?: number;
};

/** Items for the voucher ids a saved draft lists (their pictures are fetched when shown). */
export const savedVouchers = (ids: readonly string[] | undefined): VoucherItem[] =>
  (ids ?? []).map((id) => ({ key: id, mediaId: id, path: null, status: 'done', uploadKey: id }));

export function vouchersState(items: VoucherItem[]) {
  return {
    uploading: items.some((v) => v.status === 'uploading'),
    failed: items.some((v) => v.status === 'failed'),
    ids: items.flatMap((v) => (v.status === 'done' && v.mediaId ? [v.mediaId] : [])),
  };
}

/** Local paths for stored photos, fetched with the login; a failed one is ''. */
export function useMediaPaths(ids: readonly string[]): Record<string, string | undefined> {
  const [paths, setPaths] = useState<Record<string, string | undefined>>({});
  const want = ids.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `want` is the ids' identity
  useEffect(() => {
    let live = true;
    for (const id of ids) {
      if (paths[id] !== undefined) continue;
      media
        .download(id)
        .then((p) => live && setPaths((m) => ({ ...m, [id]: p })))
        .catch(() => live && setPaths((m) => ({ ...m, [id]: '' })));
    }
    return () => {
      live = false;
    };
  }, [want]);
  return paths;
}

/** A draft line's vouchers, read-only (the supervisor's review). */
export function DraftVoucherThumbs({ ids, testId }: { ids: readonly string[]; testId?: string }) {
  const paths = useMediaPaths(ids);
  return <VoucherThumbs srcs={ids.map((id) => paths[id] ?? null)} testId={testId} />;
}

async function choosePaths(count: number): Promise<{ path: string; size?: number }[]> {
  const t = Taro as unknown as { chooseMedia?: typeof Taro.chooseMedia };
  if (typeof t.chooseMedia === 'function') {
    const r = await Taro.chooseMedia({
      count,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
    });
    return r.tempFiles.map((f) => ({ path: f.tempFilePath, size: f.size }));
  }
  const r = await Taro.chooseImage({ count, sizeType: ['compressed'], sourceType: ['album', 'camera'] });
  return r.tempFilePaths.map((path) => ({ path }));
}

type Update = (f: (items: VoucherItem[]) => VoucherItem[]) => void;

/** The editor's voucher slot of one ledger line. */
export function VoucherPicker({
  villageId,
  line,
  items,
  onChange,
}: {
  villageId: string;
  /** 1-based, for the labels and test ids. */
  line: number;
  items: VoucherItem[];
  onChange: Update;
}) {
  const saved = items.filter((v) => v.path === null && v.mediaId).map((v) => v.mediaId!);
  const paths = useMediaPaths(saved);

  const upload = (item: VoucherItem) => {
    media
      .upload(villageId, {
        filePath: item.path!,
        purpose: 'ledger_voucher',
        idempotencyKey: item.uploadKey,
        size: item.size,
      })
      .then((m) =>
        onChange((list) =>
          list.map((v) =>
            v.key === item.key ? { ...v, status: 'done' as const, mediaId: m.id, error: undefined } : v,
          ),
        ),
      )
      .catch((e: unknown) =>
        onChange((list) =>
          list.map((v) =>
            v.key === item.key ? { ...v, status: 'failed' as const, error: errorMessage(e) } : v,
          ),
        ),
      );
  };

  const add = async () => {
    const room = MAX_VOUCHERS - items.length;
    if (room <= 0) {
      void Taro.showToast({ title: `每一笔凭证照片最多${MAX_VOUCHERS}张`, icon: 'none' });
      return;
    }
    let chosen: { path: string; size?: number }[];
    try {
      chosen = await choosePaths(room);
    } catch {
      return; // cancelled
    }
    const added: VoucherItem[] = chosen.slice(0, room).map(({ path, size }) => ({
      key: uuidV4(),
      mediaId: null,
      path,
      size,
      status: 'uploading',
      uploadKey: uuidV4(),
    }));
    onChange((list) => [...list, ...added]);
    for (const item of added) upload(item);
  };

  const retry = (item: VoucherItem) => {
    onChange((list) => list.map((v) => (v.key === item.key ? { ...v, status: 'uploading' as const } : v)));
    upload(item);
  };

  return (
    <View className="voucher-picker" data-testid={`voucher-picker-${line}`}>
      <Text className="vouchers-label">
        第{line}笔的凭证照片（发票、收据，{items.length}/{MAX_VOUCHERS}张）
      </Text>
      <View className="vouchers-row">
        {items.map((v, i) => {
          const src = v.path ?? (v.mediaId ? paths[v.mediaId] : undefined);
          return (
            <View key={v.key} className={cx('voucher-cell', v.status === 'failed' && 'voucher-cell-failed')}>
              {src ? (
                <Image
                  className="voucher-thumb"
                  src={src}
                  mode="aspectFill"
                  imgProps={{ alt: `第${line}笔第${i + 1}张凭证照片` }}
                  onClick={() => void Taro.previewImage({ current: src, urls: [src] }).catch(() => undefined)}
                />
              ) : (
                <View className="voucher-thumb voucher-thumb-missing">
                  <Text>{src === '' ? '打不开' : '加载中'}</Text>
                </View>
              )}
              <Text className="voucher-status">
                {v.status === 'uploading' ? '上传中…' : v.status === 'failed' ? '没传上' : '已上传'}
              </Text>
              {v.status === 'failed' ? (
                <View
                  className="voucher-btn"
                  onClick={() => retry(v)}
                  data-testid={`retry-voucher-${line}-${i + 1}`}
                >
                  <Text>重传</Text>
                </View>
              ) : null}
              <View
                className="voucher-btn voucher-btn-remove"
                onClick={() => onChange((list) => list.filter((x) => x.key !== v.key))}
                data-testid={`remove-voucher-${line}-${i + 1}`}
              >
                <Text>删除</Text>
              </View>
            </View>
          );
        })}
        {items.length < MAX_VOUCHERS ? (
          <View className="voucher-add" onClick={() => void add()} data-testid={`add-voucher-${line}`}>
            <Text className="voucher-add-mark">＋</Text>
            <Text className="voucher-add-word">加凭证照片</Text>
          </View>
        ) : null}
      </View>
    </View>
  );
}

/**
 * Photos for a matter (raising it, resolving it): choose from the album or take one, each uploaded
 * at once and shown as a thumbnail with 删除. A failed upload says so on its thumbnail and can be
 * tried again; the form cannot be sent while one is uploading or failed.
 */
import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { errorMessage } from '../../api/client';
import { cx } from '../../lib/format';
import { uuidV4 } from '../../lib/uuid';
import { uploadMedia } from './api';

export type PhotoItem = {
  /** Local key (the same file may be chosen twice). */
  key: string;
  /** Local path for the thumbnail: a temp file on weapp, a blob URL on h5. */
  path: string;
  status: 'uploading' | 'done' | 'failed';
  mediaId: string | null;
  error?: string;
  /** One idempotency key per file, reused when the upload is tried again. */
  uploadKey: string;
  /** Bytes, when the picker says. */
  size?: number;
};

export function photosState(photos: PhotoItem[]) {
  return {
    uploading: photos.some((p) => p.status === 'uploading'),
    failed: photos.some((p) => p.status === 'failed'),
    ids: photos.flatMap((p) => (p.status === 'done' && p.mediaId ? [p.mediaId] : [])),
  };
}

type Update = (f: (photos: PhotoItem[]) => PhotoItem[]) => void;

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

export function PhotoPicker({
  villageId,
  photos,
  onChange,
  max,
}: {
  villageId: string;
  photos: PhotoItem[];
  onChange: Update;
  max: number;
}) {
  const upload = (item: PhotoItem) => {
    uploadMedia(villageId, item.path, 'matter_photo', item.uploadKey, item.size)
      .then((mediaId) =>
        onChange((list) =>
          list.map((p) =>
            p.key === item.key ? { ...p, status: 'done' as const, mediaId, error: undefined } : p,
          ),
        ),
      )
      .catch((e: unknown) =>
        onChange((list) =>
          list.map((p) =>
            p.key === item.key ? { ...p, status: 'failed' as const, error: errorMessage(e) } : p,
          ),
        ),
      );
  };

  const add = async () => {
    const room = max - photos.length;
    if (room <= 0) {
      void Taro.showToast({ title: `照片最多${max}张`, icon: 'none' });
      return;
    }
    let paths: { path: string; size?: number }[];
    try {
      paths = await choosePaths(room);
    } catch {
      return; // cancelled
    }
    const items: PhotoItem[] = paths.slice(0, room).map(({ path, size }) => ({
      key: uuidV4(),
      path,
      size,
      status: 'uploading',
      mediaId: null,
      uploadKey: uuidV4(),
    }));
    if (paths.length > room) void Taro.showToast({ title: `照片最多${max}张`, icon: 'none' });
    onChange((list) => [...list, ...items]);
    for (const item of items) upload(item);
  };

  const retry = (item: PhotoItem) => {
    onChange((list) => list.map((p) => (p.key === item.key ? { ...p, status: 'uploading' as const } : p)));
    upload(item);
  };

  return (
    <View className="photo-grid" data-testid="photo-picker">
      {photos.map((p, i) => (
        <View key={p.key} className={cx('photo-cell', p.status === 'failed' && 'photo-cell-failed')}>
          <Image className="photo" src={p.path} mode="aspectFill" data-testid={`photo-${i}`} />
          <Text className="photo-status">
            {p.status === 'uploading' ? '上传中…' : p.status === 'failed' ? '没传上' : '已上传'}
          </Text>
          <View className="photo-buttons">
            {p.status === 'failed' ? (
              <View className="photo-btn" onClick={() => retry(p)}>
                <Text>重传</Text>
              </View>
            ) : null}
            <View
              className="photo-btn photo-btn-remove"
              onClick={() => onChange((list) => list.filter((x) => x.key !== p.key))}
              data-testid={`remove-photo-${i}`}
            >
              <Text>删除</Text>
            </View>
          </View>
        </View>
      ))}
      {photos.length < max ? (
        <View className="photo-cell photo-add" onClick={() => void add()} data-testid="add-photo">
          <Text className="photo-add-mark">＋</Text>
          <Text className="photo-add-word">加照片</Text>
        </View>
      ) : null}
    </View>
  );
}

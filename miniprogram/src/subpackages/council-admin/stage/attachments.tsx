/**
 * 会议照片和文件 for the stage being recorded: photos (album or camera) and documents (PDF, Word,
 * Excel — on WeChat from a chat, in a browser from the computer), each uploaded at once as a
 * stage_attachment and shown with its state; a failed one says so and can be sent again. The form
 * cannot be saved while one is uploading or failed. Up to STAGE_ATTACHMENTS_MAX in all.
 */
import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import {
  MEDIA_ACCEPT_TEXT,
  STAGE_ATTACHMENTS_MAX,
  STAGE_FILE_EXTENSIONS,
  stageFileExtension,
} from '@shared/media/rules';
import { media } from '../../../api';
import { errorMessage } from '../../../api/client';
import { Btn, ErrorNote } from '../../../components/ui';
import { cx, formatBytes } from '../../../lib/format';
import { uuidV4 } from '../../../lib/uuid';

export type AttachmentItem = {
  key: string;
  kind: 'photo' | 'file';
  /** Local path (weapp temp file, h5 blob URL) — the thumbnail of a photo, the source of a file. */
  path: string | null;
  /** h5 documents come as a File. */
  blob?: Blob;
  name: string | null;
  size?: number;
  status: 'uploading' | 'done' | 'failed';
  mediaId: string | null;
  error?: string;
  /** One idempotency key per file, reused when it is sent again. */
  uploadKey: string;
};

export function attachmentsState(items: AttachmentItem[]) {
  return {
    uploading: items.some((i) => i.status === 'uploading'),
    failed: items.some((i) => i.status === 'failed'),
    ids: items.flatMap((i) => (i.status === 'done' && i.mediaId ? [i.mediaId] : [])),
  };
}

type Update = (f: (items: AttachmentItem[]) => AttachmentItem[]) => void;

const ACCEPT = [...STAGE_FILE_EXTENSIONS.map((e) => `.${e}`), 'application/pdf'].join(',');

async function choosePhotos(count: number): Promise<{ path: string; size?: number }[]> {
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

export function StageAttachments({
  villageId,
  items,
  onChange,
  pickError,
  onPickError,
}: {
  villageId: string;
  items: AttachmentItem[];
  onChange: Update;
  pickError: string | null;
  onPickError: (e: string | null) => void;
}) {
  const room = STAGE_ATTACHMENTS_MAX - items.length;
  const set = (key: string, patch: Partial<AttachmentItem>) =>
    onChange((list) => list.map((i) => (i.key === key ? { ...i, ...patch } : i)));

  const upload = (item: AttachmentItem) => {
    const source = item.blob ? { blob: item.blob } : { filePath: item.path! };
    media
      .upload(villageId, {
        ...source,
        purpose: 'stage_attachment',
        idempotencyKey: item.uploadKey,
        size: item.size,
        ...(item.name ? { fileName: item.name } : {}),
      })
      .then((m) => set(item.key, { status: 'done', mediaId: m.id, error: undefined }))
      .catch((e: unknown) => set(item.key, { status: 'failed', error: errorMessage(e) }));
  };

  const add = (picked: Omit<AttachmentItem, 'key' | 'status' | 'mediaId' | 'uploadKey'>[]) => {
    onPickError(picked.length > room ? `照片和文件最多 ${STAGE_ATTACHMENTS_MAX} 个` : null);
    const fresh: AttachmentItem[] = picked.slice(0, Math.max(0, room)).map((p) => ({
      ...p,
      key: uuidV4(),
      status: 'uploading',
      mediaId: null,
      uploadKey: uuidV4(),
    }));
    onChange((list) => [...list, ...fresh]);
    for (const item of fresh) upload(item);
  };

  const addPhotos = async () => {
    if (room <= 0) return onPickError(`照片和文件最多 ${STAGE_ATTACHMENTS_MAX} 个`);
    try {
      const paths = await choosePhotos(room);
      add(paths.map(({ path, size }) => ({ kind: 'photo', path, size, name: null })));
    } catch {
      // closed the chooser
    }
  };

  /** Keeps the documents a stage takes; says which were left out. */
  const takeFiles = (files: { name: string; size: number; path: string | null; blob?: Blob }[]) => {
    const ok = files.filter((f) => stageFileExtension(f.name));
    add(ok.map((f) => ({ kind: 'file', ...f })));
    if (ok.length < files.length) onPickError(MEDIA_ACCEPT_TEXT.stage_attachment);
  };

  const addFilesWeapp = async () => {
    if (room <= 0) return onPickError(`照片和文件最多 ${STAGE_ATTACHMENTS_MAX} 个`);
    try {
      const r = await Taro.chooseMessageFile({
        count: room,
        type: 'file',
        extension: [...STAGE_FILE_EXTENSIONS],
      });
      takeFiles(r.tempFiles.map((f) => ({ name: f.name, size: f.size, path: f.path })));
    } catch {
      // closed the chooser
    }
  };

  return (
    <View data-testid="stage-attachments">
      <Text className="field-label">会议照片和文件（选填）</Text>
      <Text className="muted" style={{ display: 'block' }}>
        可以拍会场照片，也可以传会议记录、表决统计（pdf、Word、Excel）。
      </Text>
      {items.map((item, i) => (
        <View
          key={item.key}
          className={cx('att-row', item.status === 'failed' && 'att-row-failed')}
          data-testid={`attachment-${i}`}
        >
          {item.kind === 'photo' && item.path ? (
            <Image className="att-thumb" src={item.path} mode="aspectFill" />
          ) : (
            <View className="att-thumb att-doc">
              <Text>文件</Text>
            </View>
          )}
          <View className="att-body">
            <Text className="att-name">{item.kind === 'photo' ? '照片' : item.name}</Text>
            <Text className="att-status">
              {item.status === 'uploading'
                ? '上传中…'
                : item.status === 'failed'
                  ? `没传上：${item.error ?? ''}`
                  : `已上传${item.size ? `，${formatBytes(item.size)}` : ''}`}
            </Text>
            <View className="choice-row">
              {item.status === 'failed' ? (
                <Btn
                  small
                  kind="secondary"
                  onClick={() => {
                    set(item.key, { status: 'uploading', error: undefined });
                    upload(item);
                  }}
                >
                  重传
                </Btn>
              ) : null}
              <Btn
                small
                kind="plain"
                testId={`remove-attachment-${i}`}
                onClick={() => onChange((list) => list.filter((x) => x.key !== item.key))}
              >
                删除
              </Btn>
            </View>
          </View>
        </View>
      ))}
      {room > 0 ? (
        <View className="actions-row">
          <Btn kind="secondary" testId="add-stage-photo" onClick={() => void addPhotos()}>
            ＋ 加照片
          </Btn>
          {process.env.TARO_ENV === 'h5' ? (
            // A label styled as a button opens the browser's file chooser.
            <label className="btn btn-secondary file-pick" data-testid="add-stage-file">
              <input
                className="file-input"
                type="file"
                multiple
                accept={ACCEPT}
                data-testid="stage-file-input"
                onChange={(e) => {
                  const list = Array.from(e.currentTarget.files ?? []);
                  takeFiles(list.map((f) => ({ name: f.name, size: f.size, path: null, blob: f })));
                  e.currentTarget.value = '';
                }}
              />
              <Text className="btn-text">＋ 加文件</Text>
            </label>
          ) : (
            <Btn kind="secondary" testId="add-stage-file" onClick={() => void addFilesWeapp()}>
              ＋ 加文件（从聊天里选）
            </Btn>
          )}
        </View>
      ) : (
        <Text className="muted">{`最多 ${STAGE_ATTACHMENTS_MAX} 个照片和文件`}</Text>
      )}
      {pickError ? <ErrorNote error={pickError} /> : null}
    </View>
  );
}

/**
 * 会议材料: what each recorded 四议两公开 stage carries — photos as thumbnails (tap to see them
 * large) and documents as rows with their name, kind and size (tap 打开: WeChat opens it in its
 * document viewer; a browser opens or saves it). Files are fetched with the login (media.download).
 */
import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { STAGE_RULES } from '@shared/councils/stages';
import { DOCUMENT_KINDS } from '@shared/media/rules';
import { media } from '../../../api';
import { errorMessage } from '../../../api/client';
import type { TProposalDetail } from '../../../api/types';
import { Btn, Card, ErrorNote } from '../../../components/ui';
import { formatBytes } from '../../../lib/format';

type Stage = TProposalDetail['stages'][number];
type Attachment = Stage['attachments'][number];

export function StageFiles({ stages }: { stages: Stage[] }) {
  const withFiles = stages.filter((s) => s.attachments.length > 0);
  if (withFiles.length === 0) return null;
  return (
    <Card title="会议材料">
      {withFiles.map((s) => (
        <View key={s.stage} className="stage-files" data-testid={`stage-files-${s.stage}`}>
          <Text className="stage-files-title">{`${STAGE_RULES[s.stage].label}（${s.heldOn}）`}</Text>
          <Photos photos={s.attachments.filter((x) => x.kind === 'photo')} />
          {s.attachments
            .filter((x) => x.kind === 'file')
            .map((f) => (
              <DocumentRow key={f.id} file={f} />
            ))}
        </View>
      ))}
    </Card>
  );
}

function Photos({ photos }: { photos: Attachment[] }) {
  const [paths, setPaths] = useState<Record<string, string | 'failed'>>({});
  // Keyed by the ids: a new array of the same photos (every render) fetches nothing again.
  const ids = photos.map((p) => p.id).join(',');
  useEffect(() => {
    let live = true;
    for (const id of ids ? ids.split(',') : []) {
      media
        .download(id)
        .then((path) => live && setPaths((m) => ({ ...m, [id]: path })))
        .catch(() => live && setPaths((m) => ({ ...m, [id]: 'failed' })));
    }
    return () => {
      live = false;
    };
  }, [ids]);
  if (photos.length === 0) return null;
  const ready = photos.map((p) => paths[p.id]).filter((x): x is string => !!x && x !== 'failed');
  return (
    <View className="stage-photos">
      {photos.map((p, i) => {
        const src = paths[p.id];
        if (!src || src === 'failed') {
          return (
            <View key={p.id} className="stage-photo stage-photo-missing">
              <Text>{src === 'failed' ? '照片打不开' : '加载中'}</Text>
            </View>
          );
        }
        return (
          <Image
            key={p.id}
            className="stage-photo"
            src={src}
            mode="aspectFill"
            ariaLabel={`会议照片 ${i + 1}`}
            data-testid={`stage-photo-${i}`}
            onClick={() => void Taro.previewImage({ current: src, urls: ready }).catch(() => undefined)}
          />
        );
      })}
    </View>
  );
}

function DocumentRow({ file }: { file: Attachment }) {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const kind = DOCUMENT_KINDS[file.mime];
  const name = file.name ?? `会议材料.${kind?.ext ?? 'pdf'}`;
  const open = async () => {
    setBusy(true);
    setErr(null);
    try {
      const path = await media.download(file.id);
      if (process.env.TARO_ENV === 'h5') {
        // A link with the file's own name: PDFs open in the browser, Word and Excel are saved.
        const a = document.createElement('a');
        a.href = path;
        a.download = name;
        a.target = '_blank';
        a.rel = 'noopener';
        a.click();
      } else {
        await Taro.openDocument({ filePath: path, fileType: kind?.ext ?? 'pdf', showMenu: true });
      }
    } catch (e) {
      setErr(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <View data-testid={`stage-doc-${file.id}`}>
      <View className="stage-doc">
        <View className="stage-doc-icon">
          <Text>文件</Text>
        </View>
        <View className="stage-doc-body">
          <Text className="stage-doc-name">{name}</Text>
          <Text className="stage-doc-meta">{`${kind?.words ?? '文件'} · ${formatBytes(file.size)}`}</Text>
        </View>
        <Btn small kind="secondary" busy={busy} testId={`open-doc-${file.id}`} onClick={() => void open()}>
          打开
        </Btn>
      </View>
      {err ? <ErrorNote error={err} /> : null}
    </View>
  );
}

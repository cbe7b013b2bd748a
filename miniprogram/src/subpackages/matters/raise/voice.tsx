/**
 * The voice slot of the raise form: 按住说话 (components/voice-input.tsx — WeChat's recorder or
 * the 同声传译 plugin in weapp, MediaRecorder on h5), up to 60 s. The recording is uploaded
 * (purpose matter_voice) as soon as it is made and can be played back or deleted; what the plugin
 * heard fills the text only when the villager taps 用这段文字 (`onTranscript`).
 */
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { errorMessage } from '../../../api/client';
import { Btn } from '../../../components/ui';
import { VoiceInput } from '../../../components/voice-input';
import type { Recorder, Recording } from '../../../lib/recorder';
import { uploadMedia } from '../api';

export type VoiceValue = { fileId: string; durationS: number; localPath?: string };

export function VoiceSlot({
  villageId,
  value,
  onChange,
  onTranscript,
  maxSeconds,
  recorder,
}: {
  villageId: string;
  value: VoiceValue | null;
  onChange: (v: VoiceValue | null) => void;
  onTranscript?: (text: string) => void;
  maxSeconds: number;
  /** Tests inject a fake recorder; the page leaves it out. */
  recorder?: Recorder;
}) {
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const keep = (rec: Recording | null) => {
    if (!rec) return onChange(null);
    setError(null);
    setUploading(true);
    const durationS = Math.max(1, Math.min(maxSeconds, Math.round(rec.durationMs / 1000)));
    uploadMedia(villageId, rec.filePath, 'matter_voice', undefined, rec.blob?.size)
      .then((fileId) => onChange({ fileId, durationS, localPath: rec.filePath }))
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setUploading(false));
  };

  const play = () => {
    if (!value?.localPath) return;
    const audio = Taro.createInnerAudioContext();
    audio.src = value.localPath;
    audio.play();
  };

  return (
    <View className="voice-slot" data-testid="voice-slot">
      <Text className="voice-title">也可以说一段话（语音）</Text>
      {value ? (
        <View className="actions-row">
          <Btn kind="secondary" small onClick={play}>
            {`听一听（${value.durationS}秒）`}
          </Btn>
          <Btn kind="danger" small onClick={() => onChange(null)}>
            删掉语音
          </Btn>
        </View>
      ) : (
        <VoiceInput
          maxSeconds={maxSeconds}
          onRecording={keep}
          onTranscript={onTranscript}
          recorder={recorder}
        />
      )}
      {uploading ? <Text className="muted">正在保存语音…</Text> : null}
      {error ? <Text className="field-error">{error}</Text> : null}
    </View>
  );
}

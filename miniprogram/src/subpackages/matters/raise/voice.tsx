/**
 * The voice slot of the raise form. On weapp: tap 录语音, speak (up to 60 s), tap 说完了; the
 * recording is uploaded (purpose matter_voice) and can be played back or deleted. Elder mode's
 * hold-to-talk (按住说话) plugs in here: it only has to call `onChange` with the uploaded file.
 * The browser (h5) has no recorder here, so the slot says where to record instead.
 */
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../api/client';
import { Btn } from '../../../components/ui';
import { uploadMedia } from '../api';

export type VoiceValue = { fileId: string; durationS: number; localPath?: string };

export function VoiceSlot({
  villageId,
  value,
  onChange,
  maxSeconds,
}: {
  villageId: string;
  value: VoiceValue | null;
  onChange: (v: VoiceValue | null) => void;
  maxSeconds: number;
}) {
  const canRecord = process.env.TARO_ENV === 'weapp';
  const [state, setState] = useState<'idle' | 'recording' | 'uploading'>('idle');
  const [error, setError] = useState<string | null>(null);
  const recorder = useRef<Taro.RecorderManager | null>(null);
  // The recorder's callbacks are set once; they read the latest props through this ref.
  const latest = useRef({ villageId, onChange, maxSeconds });
  latest.current = { villageId, onChange, maxSeconds };

  // biome-ignore lint/correctness/useExhaustiveDependencies: one recorder per page
  useEffect(() => {
    if (!canRecord) return;
    const r = Taro.getRecorderManager();
    recorder.current = r;
    r.onStop((res) => {
      setState('uploading');
      const { villageId: vid, onChange: done, maxSeconds: max } = latest.current;
      const durationS = Math.max(1, Math.min(max, Math.round(res.duration / 1000)));
      uploadMedia(vid, res.tempFilePath, 'matter_voice', undefined, res.fileSize)
        .then((fileId) => {
          done({ fileId, durationS, localPath: res.tempFilePath });
          setState('idle');
        })
        .catch((e: unknown) => {
          setError(errorMessage(e));
          setState('idle');
        });
    });
    r.onError(() => {
      setError('没录上，请再试一次');
      setState('idle');
    });
  }, []);

  const start = () => {
    setError(null);
    recorder.current?.start({
      duration: maxSeconds * 1000,
      format: 'mp3',
      sampleRate: 16000,
      numberOfChannels: 1,
    });
    setState('recording');
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
      ) : canRecord ? (
        <View className="actions">
          {state === 'recording' ? (
            <Btn kind="danger" onClick={() => recorder.current?.stop()} testId="voice-stop">
              说完了
            </Btn>
          ) : (
            <Btn kind="secondary" onClick={start} busy={state === 'uploading'} testId="voice-start">
              {`录语音（最长${maxSeconds}秒）`}
            </Btn>
          )}
        </View>
      ) : (
        <Text className="muted">在微信小程序里可以直接录一段语音（最长{maxSeconds}秒），不用打字。</Text>
      )}
      {state === 'recording' ? <Text className="voice-live">正在录音，说完了点“说完了”</Text> : null}
      {error ? <Text className="field-error">{error}</Text> : null}
    </View>
  );
}

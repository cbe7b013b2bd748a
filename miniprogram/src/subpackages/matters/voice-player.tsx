/**
 * 播放语音: the villager's voice recording on a matter's page, for whoever sees the matter in full
 * (the grid worker, the cadres, the supervisors, the villager). One large button with words.
 *
 * The player (Taro.createInnerAudioContext: WeChat's on weapp, an <audio> on h5) fetches `src` by
 * itself, without our Authorization header, so each play first asks the API for a short-lived
 * signed link to the file (GET /api/media/{id}/link, the same access check as the file) and plays
 * that. On weapp it plays even with the phone's silent switch on (an elderly villager's voice
 * should not depend on it); add the API domain to the mini-program's downloadFile legal domains.
 */
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/client';
import { absoluteApiUrl } from '../../lib/api-url';
import { cx } from '../../lib/format';
import { mattersApi } from './api';

type State = 'idle' | 'opening' | 'playing' | 'failed';
type Player = ReturnType<typeof Taro.createInnerAudioContext>;

export function VoicePlayer({ fileId, durationS }: { fileId: string; durationS: number }) {
  const [state, setState] = useState<State>('idle');
  const [problem, setProblem] = useState<string | null>(null);
  const player = useRef<Player | null>(null);
  const run = useRef(0);

  const release = () => {
    const p = player.current;
    player.current = null;
    if (p) {
      try {
        p.destroy();
      } catch {
        // already gone
      }
    }
  };
  // Leaving the page stops the voice.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs at unmount only; `release` reads refs
  useEffect(
    () => () => {
      run.current++;
      release();
    },
    [],
  );

  const fail = (message: string) => {
    release();
    setProblem(message);
    setState('failed');
  };

  const play = async () => {
    const n = ++run.current;
    setProblem(null);
    setState('opening');
    let url: string;
    try {
      url = absoluteApiUrl((await mattersApi.mediaLink(fileId)).url);
    } catch (e) {
      if (n === run.current) fail(errorMessage(e));
      return;
    }
    if (n !== run.current) return;
    release();
    const audio = Taro.createInnerAudioContext();
    player.current = audio;
    if (process.env.TARO_ENV === 'weapp') audio.obeyMuteSwitch = false;
    audio.onPlay(() => n === run.current && setState('playing'));
    audio.onEnded(() => {
      if (n !== run.current) return;
      release();
      setState('idle');
    });
    audio.onError(() => n === run.current && fail('语音放不出来，请检查网络后再试'));
    audio.src = url;
    try {
      // h5's player answers a promise (refused autoplay, unreadable file); WeChat's answers nothing.
      await Promise.resolve(audio.play() as unknown);
    } catch {
      if (n === run.current) fail('语音放不出来，请再点一次');
    }
  };

  const stop = () => {
    run.current++;
    release();
    setState('idle');
  };

  const label =
    state === 'opening'
      ? '正在打开语音…'
      : state === 'playing'
        ? '■ 停止播放'
        : state === 'failed'
          ? `▶ 再试一次（${durationS}秒）`
          : `▶ 播放语音（${durationS}秒）`;
  return (
    <View className="voice-player">
      <View
        className={cx('voice-play', state === 'playing' && 'voice-play-on')}
        hoverClass="btn-hover"
        role="button"
        aria-label={state === 'playing' ? '停止播放语音' : `播放村民的语音，${durationS}秒`}
        onClick={state === 'opening' ? undefined : state === 'playing' ? stop : () => void play()}
        data-testid="voice-play"
      >
        <Text className="voice-play-text">{label}</Text>
      </View>
      {state === 'playing' ? (
        <Text className="muted" data-testid="voice-playing">
          正在播放，再点一下停止
        </Text>
      ) : null}
      {problem ? (
        <Text className="voice-problem" data-testid="voice-problem">
          {problem}
        </Text>
      ) : null}
    </View>
  );
}

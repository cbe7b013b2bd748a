/**
 * 按住说话 — hold-to-talk for 我要反映 (up to 60 s). Press and hold the big button, speak, let
 * go. The recording goes back to the form (`onRecording`; the form uploads it with the matter);
 * in WeChat the 同声传译 plugin also hears the words, and the villager chooses 用这段文字 to fill
 * the text with them (`onTranscript`) — nothing is filled without that tap. 重录 discards it.
 * Mouse users (h5 on a computer) click once to start and once to stop.
 *
 * Usage: `<VoiceInput onRecording={setVoice} onTranscript={(t) => setText((old) => old + t)} />`
 */
import { Text, View } from '@tarojs/components';
import { useEffect, useRef, useState } from 'react';
import { MAX_RECORD_S, MIN_RECORD_MS, type Recorder, type Recording, createRecorder } from '../lib/recorder';
import { cx } from '../lib/format';
import { Btn, focusable } from './ui';

type Phase = 'idle' | 'recording' | 'recorded';

export type VoiceInputProps = {
  onRecording: (rec: Recording | null) => void;
  onTranscript?: (text: string) => void;
  maxSeconds?: number;
  /** Tests inject a fake; pages leave it out. */
  recorder?: Recorder;
};

export function VoiceInput({
  onRecording,
  onTranscript,
  maxSeconds = MAX_RECORD_S,
  recorder,
}: VoiceInputProps) {
  const rec = useRef<Recorder | null>(recorder ?? null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [left, setLeft] = useState(maxSeconds);
  const [recording, setRecording] = useState<Recording | null>(null);
  const [transcript, setTranscript] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const touched = useRef(false);
  const tick = useRef<ReturnType<typeof setInterval> | undefined>(undefined);
  const stopWanted = useRef(false);

  useEffect(() => () => clearInterval(tick.current), []);

  const recorderNow = () => {
    rec.current ??= createRecorder();
    return rec.current;
  };

  const begin = async () => {
    if (phase === 'recording') return;
    setMessage('');
    setTranscript(null);
    stopWanted.current = false;
    setPhase('recording');
    setLeft(maxSeconds);
    const startedAt = Date.now();
    clearInterval(tick.current);
    tick.current = setInterval(() => {
      setLeft(Math.max(0, maxSeconds - Math.floor((Date.now() - startedAt) / 1000)));
    }, 250);
    await recorderNow().start(
      {
        onStop: (r) => {
          clearInterval(tick.current);
          if (r.durationMs < MIN_RECORD_MS) {
            setPhase('idle');
            setMessage('说话时间太短，请按住按钮再说');
            return;
          }
          setRecording(r);
          setPhase('recorded');
          onRecording(r);
          if (r.transcript) setTranscript(r.transcript);
          else if (recorderNow().recognises) setMessage('没听清说的话，录音已保存');
        },
        onError: (m) => {
          clearInterval(tick.current);
          setPhase('idle');
          setMessage(m);
        },
      },
      maxSeconds,
    );
    // Let go before the recorder had started: stop now.
    if (stopWanted.current) recorderNow().stop();
  };

  const end = () => {
    stopWanted.current = true;
    if (phase === 'recording') recorderNow().stop();
  };

  const discard = () => {
    setRecording(null);
    setTranscript(null);
    setMessage('');
    setPhase('idle');
    onRecording(null);
  };

  const useTranscript = () => {
    if (transcript) onTranscript?.(transcript);
    setTranscript(null);
    setMessage('文字已填入，请看一看对不对');
  };

  const seconds = recording ? Math.max(1, Math.round(recording.durationMs / 1000)) : 0;

  return (
    <View className="voice" data-testid="voice-input">
      {phase !== 'recorded' ? (
        <View
          className={cx('voice-btn', phase === 'recording' && 'voice-btn-on')}
          role="button"
          {...focusable()}
          aria-label={phase === 'recording' ? '松开结束' : '按住说话'}
          data-testid="voice-hold"
          onTouchStart={() => {
            touched.current = true;
            void begin();
          }}
          onTouchEnd={end}
          onTouchCancel={end}
          onClick={() => {
            // Touch already handled press and release; a mouse click toggles.
            if (touched.current) return;
            if (phase === 'recording') end();
            else void begin();
          }}
        >
          <Text className="voice-icon" aria-hidden="true">
            ●
          </Text>
          <Text className="voice-label">
            {phase === 'recording' ? `松开结束（还能说${left}秒）` : '按住说话'}
          </Text>
        </View>
      ) : (
        <View className="voice-done" data-testid="voice-recorded">
          <Text className="voice-label-dark">{`● 已录音 ${seconds} 秒`}</Text>
          <View className="voice-actions">
            <Btn kind="secondary" small onClick={discard} testId="voice-discard">
              重录
            </Btn>
          </View>
        </View>
      )}
      {transcript ? (
        <View className="voice-transcript" data-testid="voice-transcript">
          <Text className="voice-transcript-label">听到您说：</Text>
          <Text className="voice-transcript-text">{transcript}</Text>
          <View className="voice-actions">
            <Btn small onClick={useTranscript} testId="voice-use-text">
              用这段文字
            </Btn>
            <Btn kind="plain" small onClick={() => setTranscript(null)} testId="voice-skip-text">
              不用
            </Btn>
          </View>
        </View>
      ) : null}
      {message ? (
        <Text className="voice-message" data-testid="voice-message">
          {message}
        </Text>
      ) : null}
      {phase === 'idle' && !message ? (
        <Text className="voice-hint">不方便打字，可以按住按钮说话，最长{maxSeconds}秒</Text>
      ) : null}
    </View>
  );
}

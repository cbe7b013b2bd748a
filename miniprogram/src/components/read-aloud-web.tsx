/**
 * 朗读 for the h5 build (the browser cannot run the native mini-program component): the same
 * button, states and highlighting as components/native/read-aloud, speaking with the browser's
 * speechSynthesis when it has a Chinese voice, and otherwise — or when it fails — with the
 * server's speech (POST /api/speech → a signed audio URL played by one <audio>).
 */
import { Text, View } from '@tarojs/components';
import { isSpeakable } from '@shared/speech/chunk';
import { absoluteApiUrl } from '../lib/api-url';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { errorMessage } from '../api/client';
import { cx } from '../lib/format';
import { focusable } from './ui';

export type ReadAloudState = 'idle' | 'loading' | 'playing' | 'paused' | 'done' | 'error';
type Item = { text: string; shown: number };
type Via = 'browser' | 'server';

const LABELS: Record<ReadAloudState, { icon: string; label: string }> = {
  idle: { icon: '▶', label: '朗读' },
  loading: { icon: '…', label: '准备中' },
  playing: { icon: '‖', label: '暂停' },
  paused: { icon: '▶', label: '继续' },
  done: { icon: '▶', label: '再听一遍' },
  error: { icon: '▶', label: '重新朗读' },
};

type Synth = Pick<SpeechSynthesis, 'speak' | 'cancel' | 'pause' | 'resume' | 'getVoices'>;

function browserVoice(): { synth: Synth; voice: SpeechSynthesisVoice } | null {
  if (typeof window === 'undefined' || !window.speechSynthesis || !window.SpeechSynthesisUtterance)
    return null;
  const voice = window.speechSynthesis.getVoices().find((v) => /^(zh|cmn)/i.test(v.lang));
  return voice ? { synth: window.speechSynthesis, voice } : null;
}

export type ReadAloudEvents = {
  onChunk?: (e: { index: number; shown: number; via: Via }) => void;
  onFallback?: (e: { index: number; reason: string }) => void;
};

export function ReadAloudWeb({
  chunks,
  lead = [],
  showText = true,
  onChunk,
  onFallback,
}: { chunks: string[]; lead?: string[]; showText?: boolean } & ReadAloudEvents) {
  const [state, setState] = useState<ReadAloudState>('idle');
  const [current, setCurrent] = useState(-1);
  const [status, setStatus] = useState('');
  const run = useRef(0);
  const queue = useRef<Item[]>([]);
  const serverOnly = useRef(false);
  const playing = useRef<{ i: number; via: Via } | null>(null);
  const audio = useRef<HTMLAudioElement | null>(null);
  const urls = useRef<Map<number, Promise<string>>>(new Map());
  const events = useRef<ReadAloudEvents>({});
  events.current = { onChunk, onFallback };

  const stopAll = () => {
    run.current++;
    playing.current = null;
    urls.current = new Map();
    browserVoice()?.synth.cancel();
    audio.current?.pause();
  };

  // A new text, or leaving the page, stops the voice.
  // biome-ignore lint/correctness/useExhaustiveDependencies: restart only when the text changes
  useEffect(() => {
    setState('idle');
    setCurrent(-1);
    setStatus('');
    return stopAll;
  }, [chunks, lead]);

  const progress = (i: number) => `正在朗读 第${i + 1}段，共${queue.current.length}段`;

  const serverUrl = (i: number) => {
    let p = urls.current.get(i);
    if (!p) {
      p = api.speech.url(queue.current[i]!.text).then((r) => absoluteApiUrl(r.url));
      p.catch(() => {});
      urls.current.set(i, p);
    }
    return p;
  };

  const fail = (r: number, message: string) => {
    if (r !== run.current) return;
    stopAll();
    setState('error');
    setCurrent(-1);
    setStatus(`${message}，请稍后再试`);
  };

  const started = (r: number, i: number, via: Via) => {
    if (r !== run.current) return;
    const item = queue.current[i]!;
    playing.current = { i, via };
    setCurrent(item.shown);
    setState((s) => (s === 'paused' ? s : 'playing'));
    setStatus(progress(i));
    events.current.onChunk?.({ index: i, shown: item.shown, via });
  };

  const next = (r: number, i: number) => {
    if (r !== run.current) return;
    if (i >= queue.current.length) {
      playing.current = null;
      setState('done');
      setCurrent(-1);
      setStatus('读完了');
      return;
    }
    const browser = serverOnly.current ? null : browserVoice();
    if (!browser) {
      if (!serverOnly.current) {
        serverOnly.current = true;
        events.current.onFallback?.({ index: i, reason: 'no browser voice' });
      }
      void playServer(r, i);
      return;
    }
    const u = new window.SpeechSynthesisUtterance(queue.current[i]!.text);
    u.lang = 'zh-CN';
    u.voice = browser.voice;
    u.rate = 0.9;
    u.onstart = () => started(r, i, 'browser');
    u.onend = () => next(r, i + 1);
    u.onerror = (e) => {
      if (r !== run.current || e.error === 'interrupted' || e.error === 'canceled') return;
      serverOnly.current = true;
      events.current.onFallback?.({ index: i, reason: `browser: ${e.error}` });
      void playServer(r, i);
    };
    browser.synth.speak(u);
  };

  const playServer = async (r: number, i: number) => {
    let url: string;
    try {
      url = await serverUrl(i);
    } catch (err) {
      fail(r, errorMessage(err));
      return;
    }
    if (r !== run.current) return;
    if (!audio.current) audio.current = new Audio();
    const el = audio.current;
    el.onended = () => next(r, i + 1);
    el.onerror = () => fail(r, '播放不了');
    el.src = url;
    try {
      await el.play();
    } catch {
      fail(r, '播放不了');
      return;
    }
    started(r, i, 'server');
    if (i + 1 < queue.current.length) void serverUrl(i + 1);
  };

  const start = () => {
    stopAll();
    const items: Item[] = [];
    for (const t of lead) if (isSpeakable(t)) items.push({ text: t, shown: -1 });
    chunks.forEach((t, i) => {
      if (isSpeakable(t)) items.push({ text: t, shown: i });
    });
    if (!items.length) return;
    queue.current = items;
    setState('loading');
    setStatus('');
    next(run.current, 0);
  };

  const onTap = () => {
    if (state === 'loading') return;
    if (state === 'playing') {
      if (playing.current?.via === 'browser') browserVoice()?.synth.pause();
      else audio.current?.pause();
      setState('paused');
      setStatus('已暂停，点“继续”接着听');
      return;
    }
    if (state === 'paused') {
      if (playing.current?.via === 'browser') browserVoice()?.synth.resume();
      else void audio.current?.play();
      setState('playing');
      if (playing.current) setStatus(progress(playing.current.i));
      return;
    }
    start();
  };

  const onStop = () => {
    stopAll();
    setState('idle');
    setCurrent(-1);
    setStatus('');
  };

  const { icon, label } = LABELS[state];
  return (
    <View className="ra" data-testid="read-aloud">
      <View className="ra-bar">
        <View
          className={cx('ra-btn', `ra-btn-${state}`)}
          hoverClass="ra-btn-hover"
          onClick={onTap}
          role="button"
          {...focusable()}
          aria-label={label}
          data-testid="read-aloud-button"
        >
          <Text className="ra-icon" aria-hidden="true">
            {icon}
          </Text>
          <Text className="ra-label">{label}</Text>
        </View>
        {state === 'playing' || state === 'paused' || state === 'loading' ? (
          <View
            className="ra-stop"
            onClick={onStop}
            role="button"
            {...focusable()}
            data-testid="read-aloud-stop"
          >
            <Text className="ra-label-small">■ 停止</Text>
          </View>
        ) : null}
      </View>
      {status ? (
        <Text className="ra-status" data-testid="read-aloud-status">
          {status}
        </Text>
      ) : null}
      {showText ? (
        <View className="ra-text">
          {chunks.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: chunks are positional and never reordered
            <Text key={i} className={cx('ra-chunk', i === current && 'ra-current')} selectable>
              {c}
            </Text>
          ))}
        </View>
      ) : null}
    </View>
  );
}

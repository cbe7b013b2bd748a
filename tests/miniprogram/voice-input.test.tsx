/**
 * 按住说话 (components/voice-input.tsx) and its recorders (lib/recorder.ts): hold → record → let go
 * → the recording goes to the form; WechatSI's transcript fills the text only when the villager
 * taps 用这段文字; too short, no permission, 60 s limit, and the weapp recorders' settings.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import { VoiceInput } from '../../miniprogram/src/components/voice-input';
import {
  type Recorder,
  type RecorderEvents,
  createTaroRecorder,
  createWechatSIRecorder,
} from '../../miniprogram/src/lib/recorder';
import Taro, { resetTaro } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

/** A recorder the test drives: it records until stop() and then reports what it is told. */
function fakeRecorder(result: { durationMs: number; transcript?: string }, recognises = true) {
  let events: RecorderEvents | null = null;
  const r = {
    recognises,
    started: [] as number[],
    stops: 0,
    start: vi.fn(async (e: RecorderEvents, maxSeconds: number) => {
      events = e;
      r.started.push(maxSeconds);
    }),
    stop: vi.fn(() => {
      r.stops++;
      events?.onStop({ filePath: 'wxfile://tmp/voice.mp3', mimeType: 'audio/mpeg', ...result });
    }),
    fail: (m: string) => events?.onError(m),
  };
  return r as typeof r & Recorder;
}

const hold = () => screen.getByTestId('voice-hold');

describe('VoiceInput', () => {
  it('records while held and hands the recording to the form; the transcript waits for confirmation', async () => {
    const rec = fakeRecorder({ durationMs: 12_300, transcript: '村口的路灯坏了三个晚上了' });
    const onRecording = vi.fn();
    const onTranscript = vi.fn();
    render(<VoiceInput recorder={rec} onRecording={onRecording} onTranscript={onTranscript} />);
    expect(hold().textContent).toContain('按住说话');
    await act(async () => {
      fireEvent.touchStart(hold());
    });
    expect(rec.started).toEqual([60]);
    expect(hold().textContent).toContain('松开结束（还能说60秒）');
    await act(async () => {
      fireEvent.touchEnd(hold());
    });
    expect(rec.stops).toBe(1);
    expect(onRecording).toHaveBeenCalledWith(
      expect.objectContaining({
        filePath: 'wxfile://tmp/voice.mp3',
        durationMs: 12_300,
        mimeType: 'audio/mpeg',
      }),
    );
    expect(screen.getByTestId('voice-recorded').textContent).toContain('已录音 12 秒');
    expect(screen.getByTestId('voice-transcript').textContent).toContain('村口的路灯坏了三个晚上了');
    expect(onTranscript).not.toHaveBeenCalled();
    await act(async () => {
      fireEvent.click(screen.getByTestId('voice-use-text'));
    });
    expect(onTranscript).toHaveBeenCalledWith('村口的路灯坏了三个晚上了');
    expect(screen.getByTestId('voice-message').textContent).toBe('文字已填入，请看一看对不对');
    // A touch's click afterwards does not start another recording.
    expect(rec.started).toHaveLength(1);
  });

  it('不用 keeps the recording but not the words; 重录 discards the recording', async () => {
    const rec = fakeRecorder({ durationMs: 5000, transcript: '有人乱倒垃圾' });
    const onRecording = vi.fn();
    const onTranscript = vi.fn();
    render(<VoiceInput recorder={rec} onRecording={onRecording} onTranscript={onTranscript} />);
    await act(async () => fireEvent.touchStart(hold()));
    await act(async () => fireEvent.touchEnd(hold()));
    await act(async () => fireEvent.click(screen.getByTestId('voice-skip-text')));
    expect(screen.queryByTestId('voice-transcript')).toBeNull();
    expect(onTranscript).not.toHaveBeenCalled();
    await act(async () => fireEvent.click(screen.getByTestId('voice-discard')));
    expect(onRecording).toHaveBeenLastCalledWith(null);
    expect(hold()).toBeTruthy();
  });

  it('a press under a second is not kept; an error is said in plain words', async () => {
    const short = fakeRecorder({ durationMs: 400 });
    const onRecording = vi.fn();
    render(<VoiceInput recorder={short} onRecording={onRecording} />);
    await act(async () => fireEvent.touchStart(hold()));
    await act(async () => fireEvent.touchEnd(hold()));
    expect(onRecording).not.toHaveBeenCalled();
    expect(screen.getByTestId('voice-message').textContent).toBe('说话时间太短，请按住按钮再说');
    await act(async () => fireEvent.touchStart(hold()));
    await act(async () => short.fail('没有录音权限'));
    expect(screen.getByTestId('voice-message').textContent).toBe('没有录音权限');
    expect(hold().textContent).toContain('按住说话');
  });

  it('with a mouse, one click starts and the next stops; without recognition no transcript is offered', async () => {
    const rec = fakeRecorder({ durationMs: 3000 }, false);
    const onRecording = vi.fn();
    render(<VoiceInput recorder={rec} onRecording={onRecording} maxSeconds={30} />);
    await act(async () => fireEvent.click(hold()));
    expect(rec.started).toEqual([30]);
    await act(async () => fireEvent.click(hold()));
    expect(onRecording).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('voice-transcript')).toBeNull();
  });
});

describe('weapp recorders', () => {
  it('WechatSI: asks for the microphone, records up to 60 s in Mandarin, returns file and words', async () => {
    const manager = {
      start: vi.fn(),
      stop: vi.fn(),
      onStop: null as
        | null
        | ((r: { tempFilePath: string; duration: number; fileSize: number; result: string }) => void),
      onError: null as null | ((r: { retcode: number; msg: string }) => void),
      onStart: null,
    };
    const r = createWechatSIRecorder({ getRecordRecognitionManager: () => manager });
    expect(r.recognises).toBe(true);
    const onStop = vi.fn();
    const onError = vi.fn();
    await r.start({ onStop, onError }, 60);
    expect(Taro.authorize).toHaveBeenCalledWith({ scope: 'scope.record' });
    expect(manager.start).toHaveBeenCalledWith({ duration: 60_000, lang: 'zh_CN' });
    manager.onStop!({ tempFilePath: 'wxfile://a.mp3', duration: 8000, fileSize: 1, result: ' 路灯坏了。 ' });
    expect(onStop).toHaveBeenCalledWith({
      filePath: 'wxfile://a.mp3',
      durationMs: 8000,
      mimeType: 'audio/mpeg',
      transcript: '路灯坏了。',
    });
    manager.onError!({ retcode: -30003, msg: 'record fail' });
    expect(onError).toHaveBeenCalledWith('录音没成功（record fail），请再试一次');
  });

  it('RecorderManager: MP3, 16 kHz mono, 60 s; a refused microphone is explained', async () => {
    const handlers: Record<string, (r: never) => void> = {};
    const manager = {
      start: vi.fn(),
      stop: vi.fn(),
      onStop: (cb: (r: never) => void) => {
        handlers.stop = cb;
      },
      onError: (cb: (r: never) => void) => {
        handlers.error = cb;
      },
    };
    (Taro.getRecorderManager as ReturnType<typeof vi.fn>).mockReturnValue(manager);
    const r = createTaroRecorder();
    const onStop = vi.fn();
    await r.start({ onStop, onError: vi.fn() }, 60);
    expect(manager.start).toHaveBeenCalledWith({
      duration: 60_000,
      format: 'mp3',
      sampleRate: 16000,
      numberOfChannels: 1,
      encodeBitRate: 48000,
    });
    (handlers.stop as (r: { tempFilePath: string; duration: number }) => void)({
      tempFilePath: 'wxfile://b.mp3',
      duration: 3000,
    });
    expect(onStop).toHaveBeenCalledWith({
      filePath: 'wxfile://b.mp3',
      durationMs: 3000,
      mimeType: 'audio/mpeg',
    });

    (Taro.authorize as ReturnType<typeof vi.fn>).mockRejectedValueOnce({
      errMsg: 'authorize:fail auth deny',
    });
    const onError = vi.fn();
    await createTaroRecorder().start({ onStop, onError }, 60);
    expect(onError).toHaveBeenCalledWith(expect.stringContaining('没有录音权限'));
  });
});

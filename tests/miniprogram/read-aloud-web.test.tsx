/**
 * 朗读 in the h5 build (components/read-aloud-web.tsx): the browser's speechSynthesis speaks the
 * chunks in order with the chunk highlighted; pause/resume; with no Chinese voice, or when the
 * browser's voice fails, the server's speech (POST /api/speech → audio URL) takes over.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import { ReadAloud } from '../../miniprogram/src/components/read-aloud';
import { resetTaro, routeRequests, ok, apiError, request } from './taro-mock';

class FakeUtterance {
  lang = '';
  rate = 1;
  voice: unknown = null;
  onstart: (() => void) | null = null;
  onend: (() => void) | null = null;
  onerror: ((e: { error: string }) => void) | null = null;
  constructor(readonly text: string) {}
}

let spoken: FakeUtterance[];
let synth: {
  speak: ReturnType<typeof vi.fn>;
  cancel: ReturnType<typeof vi.fn>;
  pause: ReturnType<typeof vi.fn>;
  resume: ReturnType<typeof vi.fn>;
  getVoices: ReturnType<typeof vi.fn>;
};
let audios: { src: string; plays: number; pauses: number; onended: (() => void) | null }[];

function installBrowserVoice(lang: string | null) {
  spoken = [];
  synth = {
    speak: vi.fn((u: FakeUtterance) => {
      spoken.push(u);
      u.onstart?.();
    }),
    cancel: vi.fn(),
    pause: vi.fn(),
    resume: vi.fn(),
    getVoices: vi.fn(() => (lang ? [{ lang, name: 'Chinese' }] : [{ lang: 'en-US', name: 'English' }])),
  };
  Object.assign(window, { speechSynthesis: synth, SpeechSynthesisUtterance: FakeUtterance });
}

beforeEach(() => {
  resetTaro();
  installBrowserVoice('zh-CN');
  audios = [];
  vi.stubGlobal(
    'Audio',
    class {
      src = '';
      plays = 0;
      pauses = 0;
      onended: (() => void) | null = null;
      onerror: (() => void) | null = null;
      constructor() {
        audios.push(this);
      }
      play() {
        this.plays++;
        return Promise.resolve();
      }
      pause() {
        this.pauses++;
      }
    },
  );
  routeRequests({
    'POST /speech': (o) =>
      ok({
        url: `/api/speech/audio/${'b'.repeat(64)}.wav?exp=1&sig=${encodeURIComponent((o.data as { text: string }).text)}`,
      }),
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const TEXT = '明天上午停水。请大家提前接水。有问题找网格员。';
const button = () => screen.getByTestId('read-aloud-button');
const label = () => button().textContent;
const current = () => document.querySelector('.ra-current')?.textContent ?? null;
const tap = async (el: HTMLElement) => {
  await act(async () => {
    fireEvent.click(el);
  });
};

describe('ReadAloud on h5', () => {
  it('speaks the title, then each sentence in order with the browser voice, highlighting it', async () => {
    render(<ReadAloud title="停水通知" text={TEXT} />);
    expect(label()).toContain('朗读');
    expect(document.querySelectorAll('.ra-chunk')).toHaveLength(3);
    await tap(button());
    expect(spoken.map((u) => u.text)).toEqual(['停水通知。']);
    expect(spoken[0]).toMatchObject({ lang: 'zh-CN', rate: 0.9 });
    expect(label()).toContain('暂停');
    expect(current()).toBeNull();
    for (const expected of ['明天上午停水。', '请大家提前接水。', '有问题找网格员。']) {
      await act(async () => spoken.at(-1)!.onend!());
      expect(current()).toBe(expected);
    }
    await act(async () => spoken.at(-1)!.onend!());
    expect(label()).toContain('再听一遍');
    expect(screen.getByTestId('read-aloud-status').textContent).toBe('读完了');
    expect(request).not.toHaveBeenCalled();
  });

  it('pauses and resumes the browser voice; 停止 cancels it', async () => {
    render(<ReadAloud text={TEXT} />);
    await tap(button());
    await tap(button());
    expect(synth.pause).toHaveBeenCalledTimes(1);
    expect(label()).toContain('继续');
    await tap(button());
    expect(synth.resume).toHaveBeenCalledTimes(1);
    expect(label()).toContain('暂停');
    await tap(screen.getByTestId('read-aloud-stop'));
    expect(synth.cancel).toHaveBeenCalled();
    expect(label()).toContain('朗读');
    expect(current()).toBeNull();
  });

  it('with no Chinese voice in the browser, plays the server’s speech chunk by chunk', async () => {
    installBrowserVoice(null);
    render(<ReadAloud text={TEXT} />);
    await tap(button());
    const posted = () =>
      request.mock.calls.map((c) => [c[0].method, c[0].url, (c[0].data as { text: string }).text]);
    expect(posted()[0]).toEqual(['POST', '/api/speech', '明天上午停水。']);
    expect(audios).toHaveLength(1);
    expect(audios[0]!.src).toMatch(/^\/api\/speech\/audio\/b{64}\.wav\?exp=1&sig=/);
    expect(current()).toBe('明天上午停水。');
    // The next chunk is fetched while this one plays.
    expect(posted().map((p) => p[2])).toEqual(['明天上午停水。', '请大家提前接水。']);
    await tap(button());
    expect(audios[0]!.pauses).toBe(1);
    await tap(button());
    expect(audios[0]!.plays).toBe(2);
    await act(async () => audios[0]!.onended!());
    expect(current()).toBe('请大家提前接水。');
    expect(synth.speak).not.toHaveBeenCalled();
  });

  it('when the browser voice fails mid-way, the server speaks that chunk and the rest', async () => {
    render(<ReadAloud text={TEXT} />);
    await tap(button());
    await act(async () => spoken[0]!.onerror!({ error: 'synthesis-failed' }));
    expect((request.mock.calls[0]![0].data as { text: string }).text).toBe('明天上午停水。');
    expect(current()).toBe('明天上午停水。');
    await act(async () => audios[0]!.onended!());
    expect(synth.speak).toHaveBeenCalledTimes(1);
    expect(current()).toBe('请大家提前接水。');
  });

  it('says so when the server cannot speak either', async () => {
    installBrowserVoice(null);
    routeRequests({ 'POST /speech': () => apiError(400, 'SPEECH_TEXT_TOO_LONG', '一次最多朗读500个字') });
    render(<ReadAloud text={TEXT} />);
    await tap(button());
    expect(label()).toContain('重新朗读');
    expect(screen.getByTestId('read-aloud-status').textContent).toBe('一次最多朗读500个字，请稍后再试');
  });

  it('reads a spoken form instead of the shown text when given one (a ledger summary)', async () => {
    render(<ReadAloud speak="支出合计三百元。" showText={false} />);
    expect(document.querySelectorAll('.ra-chunk')).toHaveLength(0);
    await tap(button());
    expect(spoken.map((u) => u.text)).toEqual(['支出合计三百元。']);
  });
});

/**
 * The native 朗读 component (miniprogram/src/components/native/read-aloud) under
 * miniprogram-simulate: a tap speaks the chunks in order through the WechatSI plugin and one
 * InnerAudioContext, highlighting the chunk being read; pause and resume; when the plugin fails
 * (error, bad retcode, or its audio will not play) the server's speech takes over for the rest.
 */
import path from 'node:path';
import simulate from 'miniprogram-simulate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const COMPONENT = path.resolve(__dirname, '../../miniprogram/src/components/native/read-aloud/index');

type Callback = (res?: unknown) => void;

/** A stand-in for wx.createInnerAudioContext: records what it was asked to play. */
class FakeAudio {
  src = '';
  obeyMuteSwitch = true;
  played: string[] = [];
  paused = 0;
  stopped = 0;
  private ended: Callback[] = [];
  private errors: Callback[] = [];
  play() {
    this.played.push(this.src);
  }
  pause() {
    this.paused++;
  }
  stop() {
    this.stopped++;
  }
  destroy() {}
  onEnded(cb: Callback) {
    this.ended.push(cb);
  }
  onError(cb: Callback) {
    this.errors.push(cb);
  }
  finish() {
    for (const cb of this.ended) cb();
  }
  fail(errMsg: string) {
    for (const cb of this.errors) cb({ errMsg, errCode: 10001 });
  }
}

type TtsOptions = {
  content: string;
  lang: string;
  tts: boolean;
  success: (res: { retcode: number; filename?: string }) => void;
  fail: (res: { retcode: number; msg: string }) => void;
};
type RequestOptions = {
  url: string;
  method: string;
  header: Record<string, string>;
  data: { text: string };
  success: (res: { statusCode: number; data: unknown }) => void;
  fail: (e: unknown) => void;
};

let audio: FakeAudio;
let plugin: { textToSpeech: ReturnType<typeof vi.fn<(o: TtsOptions) => void>> };
let request: ReturnType<typeof vi.fn<(o: RequestOptions) => void>>;

const flush = () => new Promise((r) => setTimeout(r, 0));

let componentId: string | undefined;

function mount(props: Record<string, unknown>) {
  // Loaded once: simulate registers a definition per load, and a second load of the same tag fails.
  componentId ??= simulate.load(COMPONENT, 'read-aloud', { compiler: 'simulate' });
  const id = componentId;
  const comp = simulate.render(id, { apiBase: 'https://cun.example.cn/api', token: 'tok-1', ...props });
  comp.attach(document.createElement('parent-wrapper'));
  const events: { name: string; detail: Record<string, unknown> }[] = [];
  // j-component's root has addEventListener at runtime; its typings leave it out.
  const root = comp as unknown as {
    addEventListener(name: string, cb: (e: { detail: Record<string, unknown> }) => void): void;
  };
  for (const name of ['statechange', 'chunk', 'fallback', 'end', 'error']) {
    root.addEventListener(name, (e: { detail: Record<string, unknown> }) =>
      events.push({ name, detail: e.detail }),
    );
  }
  const button = () => comp.querySelector('.ra-btn')!;
  const tap = async () => {
    button().dispatchEvent('tap');
    await flush();
    await flush();
  };
  const label = () => comp.querySelector('.ra-label')!.dom!.textContent;
  const highlighted = () =>
    comp.querySelectorAll('.ra-chunk').findIndex((c) => c.dom!.className.includes('ra-current'));
  return { comp, events, tap, label, highlighted, named: (n: string) => events.filter((e) => e.name === n) };
}

beforeEach(() => {
  audio = new FakeAudio();
  plugin = {
    textToSpeech: vi.fn((o: TtsOptions) => {
      o.success({
        retcode: 0,
        filename: `https://ae.weixin.qq.com/tts/${encodeURIComponent(o.content)}.mp3`,
      });
    }),
  };
  request = vi.fn((o: RequestOptions) => {
    o.success({
      statusCode: 200,
      data: { url: `/api/speech/audio/${'a'.repeat(64)}.wav?exp=1&sig=${encodeURIComponent(o.data.text)}` },
    });
  });
  const g = globalThis as Record<string, unknown>;
  g.wx = { createInnerAudioContext: () => audio, request };
  g.requirePlugin = vi.fn((name: string) => {
    if (name !== 'WechatSI') throw new Error(`unknown plugin ${name}`);
    return plugin;
  });
});
afterEach(() => {
  const g = globalThis as Record<string, unknown>;
  delete g.requirePlugin;
});

const CHUNKS = ['明天上午停水。', '请大家提前接水。', '\n', '有问题找网格员。'];

describe('read-aloud native component', () => {
  it('shows a large 朗读 button and the text; a tap speaks the chunks in order with the plugin', async () => {
    const m = mount({ chunks: CHUNKS, lead: ['停水通知。'] });
    expect(m.label()).toBe('朗读');
    expect(m.comp.querySelectorAll('.ra-chunk').map((c) => c.dom!.textContent)).toEqual(CHUNKS);

    await m.tap();
    // The title first (spoken, not shown), then the first chunk is fetched ahead while it plays.
    expect(plugin.textToSpeech.mock.calls.map((c) => c[0].content)).toEqual(['停水通知。', '明天上午停水。']);
    expect(plugin.textToSpeech.mock.calls[0]![0]).toMatchObject({ lang: 'zh_CN', tts: true });
    expect(audio.played).toEqual([`https://ae.weixin.qq.com/tts/${encodeURIComponent('停水通知。')}.mp3`]);
    expect(audio.obeyMuteSwitch).toBe(false);
    expect(m.label()).toBe('暂停');
    expect(m.highlighted()).toBe(-1); // the title is not on screen

    audio.finish();
    await flush();
    expect(m.highlighted()).toBe(0);
    audio.finish();
    await flush();
    expect(m.highlighted()).toBe(1);
    expect(m.comp.querySelector('.ra-status')!.dom!.textContent).toBe('正在朗读 第3段，共4段');
    audio.finish();
    await flush();
    // The line break chunk has nothing to say: skipped.
    expect(m.highlighted()).toBe(3);
    audio.finish();
    await flush();

    expect(plugin.textToSpeech.mock.calls.map((c) => c[0].content)).toEqual([
      '停水通知。',
      '明天上午停水。',
      '请大家提前接水。',
      '有问题找网格员。',
    ]);
    expect(m.named('chunk').map((e) => [e.detail.index, e.detail.shown, e.detail.via])).toEqual([
      [0, -1, 'plugin'],
      [1, 0, 'plugin'],
      [2, 1, 'plugin'],
      [3, 3, 'plugin'],
    ]);
    expect(m.named('end')).toHaveLength(1);
    expect(m.label()).toBe('再听一遍');
    expect(m.highlighted()).toBe(-1);
    expect(request).not.toHaveBeenCalled();
  });

  it('pauses and resumes the same audio; 停止 goes back to the start', async () => {
    const m = mount({ chunks: CHUNKS });
    await m.tap();
    expect(m.label()).toBe('暂停');
    await m.tap();
    expect(audio.paused).toBe(1);
    expect(m.label()).toBe('继续');
    expect(m.named('statechange').at(-1)!.detail.state).toBe('paused');
    expect(m.highlighted()).toBe(0); // still shows where it stopped
    await m.tap();
    expect(audio.played).toHaveLength(2); // resumed: play() again on the same source
    expect(audio.played[1]).toBe(audio.played[0]);
    expect(m.label()).toBe('暂停');
    m.comp.querySelector('.ra-stop')!.dispatchEvent('tap');
    await flush();
    expect(audio.stopped).toBeGreaterThan(0);
    expect(m.label()).toBe('朗读');
    expect(m.highlighted()).toBe(-1);
    // A late "ended" from the stopped audio does nothing.
    audio.finish();
    await flush();
    expect(m.named('chunk')).toHaveLength(1);
  });

  it('falls back to the server when the plugin fails, for that chunk and every one after', async () => {
    plugin.textToSpeech.mockImplementation((o: TtsOptions) => o.fail({ retcode: -20001, msg: 'tts fail' }));
    const m = mount({ chunks: CHUNKS });
    await m.tap();
    expect(m.named('fallback')).toEqual([
      { name: 'fallback', detail: { index: 0, reason: 'plugin fail tts fail' } },
    ]);
    const first = request.mock.calls[0]![0];
    expect(first).toMatchObject({
      url: 'https://cun.example.cn/api/speech',
      method: 'POST',
      data: { text: '明天上午停水。' },
    });
    expect(first.header.Authorization).toBe('Bearer tok-1');
    expect(audio.played[0]).toMatch(
      /^https:\/\/cun\.example\.cn\/api\/speech\/audio\/a{64}\.wav\?exp=1&sig=/,
    );
    audio.finish();
    await flush();
    audio.finish();
    await flush();
    // The plugin is not tried again once it failed.
    expect(plugin.textToSpeech).toHaveBeenCalledTimes(1);
    expect(request.mock.calls.map((c) => c[0].data.text)).toEqual([
      '明天上午停水。',
      '请大家提前接水。',
      '有问题找网格员。',
    ]);
    expect(m.named('chunk').map((e) => e.detail.via)).toEqual(['server', 'server', 'server']);
    expect(m.highlighted()).toBe(3);
  });

  it('falls back when the plugin answers with a bad retcode, or is missing', async () => {
    plugin.textToSpeech.mockImplementation((o: TtsOptions) => o.success({ retcode: -1 }));
    const m = mount({ chunks: ['好。'] });
    await m.tap();
    expect(m.named('fallback')[0]!.detail.reason).toBe('plugin retcode -1');
    expect(m.named('chunk')[0]!.detail.via).toBe('server');

    delete (globalThis as Record<string, unknown>).requirePlugin;
    const m2 = mount({ chunks: ['好。'] });
    await m2.tap();
    expect(m2.named('fallback')[0]!.detail.reason).toBe('no plugin');
    expect(m2.named('chunk')[0]!.detail.via).toBe('server');
  });

  it('when the plugin’s audio will not play, the same chunk is fetched from the server', async () => {
    const m = mount({ chunks: CHUNKS });
    await m.tap();
    expect(m.named('chunk')[0]!.detail.via).toBe('plugin');
    audio.fail('MediaError');
    await flush();
    await flush();
    expect(m.named('fallback')[0]!.detail).toMatchObject({ index: 0, reason: 'audio: MediaError' });
    expect(request.mock.calls[0]![0].data.text).toBe('明天上午停水。');
    expect(m.named('chunk').map((e) => [e.detail.index, e.detail.via])).toEqual([
      [0, 'plugin'],
      [0, 'server'],
    ]);
    expect(m.highlighted()).toBe(0);
  });

  it('says so when the server cannot speak either, and can be tried again', async () => {
    plugin.textToSpeech.mockImplementation((o: TtsOptions) => o.fail({ retcode: -1, msg: 'x' }));
    request.mockImplementation((o: RequestOptions) =>
      o.success({
        statusCode: 503,
        data: { error: { code: 'SPEECH_UNAVAILABLE', message: '朗读暂时不能用' } },
      }),
    );
    const m = mount({ chunks: CHUNKS });
    await m.tap();
    await flush();
    expect(m.named('error')[0]!.detail.message).toBe('朗读暂时不能用');
    expect(m.label()).toBe('重新朗读');
    expect(m.comp.querySelector('.ra-status')!.dom!.textContent).toBe('朗读暂时不能用，请稍后再试');
    expect(audio.played).toEqual([]);
  });
});

/**
 * 播放语音 on a matter's page (what the grid worker and the cadres open): a tap asks the API for a
 * signed link to the recording and plays it with Taro's InnerAudioContext (WeChat's player on
 * weapp, <audio> on h5) — the player fetches the URL without our login header; while it plays the
 * button stops it; the end, a refused link and a player error each leave a clear state.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import Taro from '@tarojs/taro';
import { absoluteApiUrl } from '../../miniprogram/src/lib/api-url';
import { VoicePlayer } from '../../miniprogram/src/subpackages/matters/voice-player';
import { apiError, ok, request, resetTaro, routeRequests, storage } from './taro-mock';

const VOICE = '6f1f0b1e-4a3b-4c2d-9e8f-0123456789ab';
const SIGNED = `/api/media/${VOICE}/signed?e=1900000000&s=abc`;

/** A stand-in for InnerAudioContext: records what it was asked and lets the test fire its events. */
function fakeAudio() {
  const on: Record<string, () => void> = {};
  const audio = {
    src: '',
    obeyMuteSwitch: true,
    play: vi.fn(),
    stop: vi.fn(),
    destroy: vi.fn(),
    onPlay: (f: () => void) => (on.play = f),
    onEnded: (f: () => void) => (on.ended = f),
    onError: (f: () => void) => (on.error = f),
    fire: (name: 'play' | 'ended' | 'error') => act(() => on[name]?.()),
  };
  vi.mocked(Taro.createInnerAudioContext).mockReturnValue(audio as never);
  return audio;
}

const button = () => screen.getByTestId('voice-play');
const tap = async () => {
  await act(async () => {
    fireEvent.click(button());
  });
};

beforeEach(() => {
  resetTaro();
  storage.set('cmcy.token', 'session-token-of-the-grid-worker');
  routeRequests({
    [`GET /media/${VOICE}/link`]: () => ok({ url: SIGNED, expiresAt: '2030-01-01T00:15:00.000Z' }),
  });
});
afterEach(() => cleanup());

describe('播放语音', () => {
  it('plays the recording from a signed link; tapping again stops it', async () => {
    const audio = fakeAudio();
    render(<VoicePlayer fileId={VOICE} durationS={12} />);
    expect(button().textContent).toBe('▶ 播放语音（12秒）');
    expect(button().getAttribute('aria-label')).toBe('播放村民的语音，12秒');
    await tap();
    // The link was asked for with the login; the player gets the signed URL (no header needed).
    const asked = request.mock.calls.find((c) => c[0].url === `/api/media/${VOICE}/link`)!;
    expect(asked[0].header?.Authorization).toBe('Bearer session-token-of-the-grid-worker');
    expect(audio.src).toBe(SIGNED);
    expect(audio.play).toHaveBeenCalledTimes(1);
    await audio.fire('play');
    expect(button().textContent).toBe('■ 停止播放');
    expect(screen.getByTestId('voice-playing').textContent).toBe('正在播放，再点一下停止');
    await tap();
    expect(audio.destroy).toHaveBeenCalled();
    expect(button().textContent).toBe('▶ 播放语音（12秒）');
    expect(screen.queryByTestId('voice-playing')).toBeNull();
  });

  it('asks for a fresh link each time and is ready again when the recording ends', async () => {
    const audio = fakeAudio();
    render(<VoicePlayer fileId={VOICE} durationS={8} />);
    await tap();
    await audio.fire('play');
    await audio.fire('ended');
    expect(button().textContent).toBe('▶ 播放语音（8秒）');
    expect(audio.destroy).toHaveBeenCalledTimes(1);
    await tap();
    const links = request.mock.calls.filter((c) => c[0].url === `/api/media/${VOICE}/link`);
    expect(links).toHaveLength(2);
  });

  it('a refused link says why and offers to try again; nothing is played', async () => {
    routeRequests({ [`GET /media/${VOICE}/link`]: () => apiError(404, 'NOT_FOUND', '没有找到') });
    const audio = fakeAudio();
    render(<VoicePlayer fileId={VOICE} durationS={12} />);
    await tap();
    expect(screen.getByTestId('voice-problem').textContent).toBe('没有找到');
    expect(button().textContent).toBe('▶ 再试一次（12秒）');
    expect(audio.play).not.toHaveBeenCalled();
  });

  it('a player error (no network, unreadable file) says so in plain words', async () => {
    const audio = fakeAudio();
    render(<VoicePlayer fileId={VOICE} durationS={12} />);
    await tap();
    await audio.fire('error');
    expect(screen.getByTestId('voice-problem').textContent).toBe('语音放不出来，请检查网络后再试');
    expect(audio.destroy).toHaveBeenCalled();
    expect(button().textContent).toBe('▶ 再试一次（12秒）');
  });

  it('leaving the page stops the voice', async () => {
    const audio = fakeAudio();
    const { unmount } = render(<VoicePlayer fileId={VOICE} durationS={12} />);
    await tap();
    await audio.fire('play');
    unmount();
    expect(audio.destroy).toHaveBeenCalled();
  });

  it('on weapp the signed path is put on the API’s https host', () => {
    expect(absoluteApiUrl(SIGNED, 'https://cmcy.example.cn/api')).toBe(`https://cmcy.example.cn${SIGNED}`);
    expect(absoluteApiUrl(SIGNED, '/api')).toBe(SIGNED);
  });
});

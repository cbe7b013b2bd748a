/**
 * The raise form's voice slot: 按住说话 records, the recording is uploaded at once as the matter's
 * voice (purpose matter_voice) and can be deleted; what WechatSI heard fills the text only after
 * 用这段文字; a failed upload says so and keeps nothing.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));
const { uploadMedia } = vi.hoisted(() => ({ uploadMedia: vi.fn() }));
vi.mock('../../miniprogram/src/subpackages/matters/api', async (orig) => ({
  ...(await orig<object>()),
  uploadMedia,
}));

import type { Recorder, RecorderEvents } from '../../miniprogram/src/lib/recorder';
import { VoiceSlot } from '../../miniprogram/src/subpackages/matters/raise/voice';
import { resetTaro } from './taro-mock';

const VILLAGE = '11111111-2222-4333-8444-555555555555';
const MEDIA_ID = '6f1f0b1e-4a3b-4c2d-9e8f-0123456789ab';

function fakeRecorder(result: { durationMs: number; transcript?: string }): Recorder {
  let events: RecorderEvents | null = null;
  return {
    recognises: true,
    start: vi.fn(async (e: RecorderEvents) => {
      events = e;
    }),
    stop: vi.fn(() => {
      events?.onStop({ filePath: 'wxfile://tmp/voice.mp3', mimeType: 'audio/mpeg', ...result });
    }),
  } as unknown as Recorder;
}

const speak = async () => {
  await act(async () => {
    fireEvent.touchStart(screen.getByTestId('voice-hold'));
  });
  await act(async () => {
    fireEvent.touchEnd(screen.getByTestId('voice-hold'));
  });
};

beforeEach(() => {
  resetTaro();
  uploadMedia.mockReset();
});
afterEach(() => cleanup());

describe('the raise form’s voice slot', () => {
  it('uploads the recording as the matter’s voice; the words fill the text only when chosen', async () => {
    uploadMedia.mockResolvedValue(MEDIA_ID);
    const onChange = vi.fn();
    const onTranscript = vi.fn();
    const rec = fakeRecorder({ durationMs: 12_300, transcript: '村口的路灯坏了' });
    render(
      <VoiceSlot
        villageId={VILLAGE}
        value={null}
        onChange={onChange}
        onTranscript={onTranscript}
        maxSeconds={60}
        recorder={rec}
      />,
    );
    await speak();
    expect(uploadMedia).toHaveBeenCalledWith(
      VILLAGE,
      'wxfile://tmp/voice.mp3',
      'matter_voice',
      undefined,
      undefined,
    );
    expect(onChange).toHaveBeenCalledWith({
      fileId: MEDIA_ID,
      durationS: 12,
      localPath: 'wxfile://tmp/voice.mp3',
    });
    expect(onTranscript).not.toHaveBeenCalled();
    await act(async () => {
      fireEvent.click(screen.getByTestId('voice-use-text'));
    });
    expect(onTranscript).toHaveBeenCalledWith('村口的路灯坏了');
  });

  it('a failed upload says why and keeps no voice', async () => {
    uploadMedia.mockRejectedValue(new Error('network'));
    const onChange = vi.fn();
    render(
      <VoiceSlot
        villageId={VILLAGE}
        value={null}
        onChange={onChange}
        maxSeconds={60}
        recorder={fakeRecorder({ durationMs: 5000 })}
      />,
    );
    await speak();
    await screen.findByText(/./, { selector: '.field-error' });
    expect(onChange).not.toHaveBeenCalledWith(expect.objectContaining({ fileId: expect.any(String) }));
  });

  it('a kept voice can be deleted', async () => {
    const onChange = vi.fn();
    render(
      <VoiceSlot
        villageId={VILLAGE}
        value={{ fileId: MEDIA_ID, durationS: 8, localPath: 'wxfile://tmp/voice.mp3' }}
        onChange={onChange}
        maxSeconds={60}
      />,
    );
    expect(screen.getByText('听一听（8秒）')).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByText('删掉语音'));
    });
    expect(onChange).toHaveBeenCalledWith(null);
  });
});

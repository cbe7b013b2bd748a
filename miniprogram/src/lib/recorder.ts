/**
 * Voice recording for 我要反映 (up to 60 s), behind one small port so the hold-to-talk button
 * (components/voice-input.tsx) is the same on both platforms and testable:
 * - weapp: the 同声传译 (WechatSI) plugin's RecordRecognitionManager when available — it records
 *   (MP3) and recognises Mandarin at once, so the villager gets a transcript to confirm; without
 *   the plugin (or if it will not start) Taro's RecorderManager records MP3 16 kHz mono, no
 *   transcript. WeChat allows one recorder at a time, so it is one or the other, never both.
 * - h5: MediaRecorder (webm/opus or mp4, whatever the browser records), no transcript.
 * The recording goes back to the form, which uploads it through the media endpoint.
 */
import Taro from '@tarojs/taro';

export const MAX_RECORD_S = 60;
export const MIN_RECORD_MS = 1000;

export type Recording = {
  /** weapp: a temp file path (wx.uploadFile takes it); h5: an object URL of `blob`. */
  filePath: string;
  blob?: Blob;
  durationMs: number;
  mimeType: string;
  /** What WechatSI heard, when it was used; the villager confirms it before it fills the text. */
  transcript?: string;
};

export type RecorderEvents = {
  onStop(rec: Recording): void;
  onError(message: string): void;
};

export interface Recorder {
  readonly recognises: boolean;
  start(events: RecorderEvents, maxSeconds: number): Promise<void>;
  stop(): void;
}

type WechatSIPlugin = {
  getRecordRecognitionManager(): {
    start(o: { duration: number; lang: string }): void;
    stop(): void;
    onStop:
      | ((res: { tempFilePath: string; duration: number; fileSize: number; result: string }) => void)
      | null;
    onError: ((res: { retcode: number; msg: string }) => void) | null;
    onStart: (() => void) | null;
  };
};

declare const requirePlugin: ((name: string) => unknown) | undefined;

function wechatSI(): WechatSIPlugin | null {
  try {
    if (typeof requirePlugin !== 'function') return null;
    const p = requirePlugin('WechatSI') as WechatSIPlugin | undefined;
    return p && typeof p.getRecordRecognitionManager === 'function' ? p : null;
  } catch {
    return null;
  }
}

const ERR_PERMISSION = '没有录音权限。请在右上角“…”→“设置”里打开“麦克风”';

/** Asks for the microphone once; false when the villager said no (before or now). */
async function askRecordScope(): Promise<boolean> {
  try {
    await Taro.authorize({ scope: 'scope.record' });
    return true;
  } catch {
    return false;
  }
}

/** weapp with WechatSI: records and recognises. */
export function createWechatSIRecorder(plugin: WechatSIPlugin): Recorder {
  const manager = plugin.getRecordRecognitionManager();
  return {
    recognises: true,
    async start(events, maxSeconds) {
      if (!(await askRecordScope())) return events.onError(ERR_PERMISSION);
      manager.onStop = (res) =>
        events.onStop({
          filePath: res.tempFilePath,
          durationMs: res.duration,
          mimeType: 'audio/mpeg',
          transcript: (res.result ?? '').trim(),
        });
      manager.onError = (res) => events.onError(`录音没成功（${res.msg || res.retcode}），请再试一次`);
      manager.start({ duration: maxSeconds * 1000, lang: 'zh_CN' });
    },
    stop() {
      manager.stop();
    },
  };
}

/** weapp without the plugin: Taro's RecorderManager, MP3. */
export function createTaroRecorder(): Recorder {
  const manager = Taro.getRecorderManager();
  return {
    recognises: false,
    async start(events, maxSeconds) {
      if (!(await askRecordScope())) return events.onError(ERR_PERMISSION);
      manager.onStop((res) =>
        events.onStop({ filePath: res.tempFilePath, durationMs: res.duration, mimeType: 'audio/mpeg' }),
      );
      manager.onError((res) => events.onError(`录音没成功（${res.errMsg}），请再试一次`));
      manager.start({
        duration: maxSeconds * 1000,
        format: 'mp3',
        sampleRate: 16000,
        numberOfChannels: 1,
        encodeBitRate: 48000,
      });
    },
    stop() {
      manager.stop();
    },
  };
}

/** h5: MediaRecorder. */
export function createMediaRecorder(): Recorder {
  let recorder: MediaRecorder | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    recognises: false,
    async start(events, maxSeconds) {
      if (
        typeof navigator === 'undefined' ||
        !navigator.mediaDevices ||
        typeof MediaRecorder === 'undefined'
      ) {
        return events.onError('这个浏览器不能录音，请用微信打开');
      }
      let stream: MediaStream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch {
        return events.onError('没有录音权限，请允许使用麦克风');
      }
      const parts: Blob[] = [];
      const started = Date.now();
      const rec = new MediaRecorder(stream);
      recorder = rec;
      rec.ondataavailable = (e) => {
        if (e.data.size) parts.push(e.data);
      };
      rec.onstop = () => {
        clearTimeout(timer);
        for (const t of stream.getTracks()) t.stop();
        const blob = new Blob(parts, { type: rec.mimeType || 'audio/webm' });
        events.onStop({
          filePath: URL.createObjectURL(blob),
          blob,
          durationMs: Date.now() - started,
          mimeType: blob.type,
        });
      };
      rec.start();
      timer = setTimeout(() => rec.state !== 'inactive' && rec.stop(), maxSeconds * 1000);
    },
    stop() {
      if (recorder && recorder.state !== 'inactive') recorder.stop();
    },
  };
}

/** The recorder for this platform. */
export function createRecorder(): Recorder {
  if (process.env.TARO_ENV === 'weapp') {
    const si = wechatSI();
    return si ? createWechatSIRecorder(si) : createTaroRecorder();
  }
  return createMediaRecorder();
}

/**
 * Tencent Cloud TTS (语音合成, TextToVoice 2019-08-23) for deploys: natural voices, MP3, hosted in
 * mainland regions. TextToVoice takes at most 150 Chinese characters a call, so a text is cut
 * with the same rule as the read-aloud button (≤ 100, at sentence ends) and the MP3 pieces are
 * joined (MP3 frames concatenate into one playable stream).
 */
import { randomUUID } from 'node:crypto';
import { isSpeakable, splitForSpeech } from '../../shared/speech/chunk';
import { type SpeechProvider, SpeechProviderError } from './port';
import { tc3Headers } from './tc3';

export type TencentTtsOptions = {
  secretId: string;
  secretKey: string;
  region: string;
  /** https://tts.tencentcloudapi.com (tests: a loopback fake). */
  endpoint: string;
  voiceType: number;
  /** -2 … 6; 0 is normal, -1 (0.8×) suits elderly listeners. */
  speed: number;
  timeoutMs: number;
  now?: () => number;
};

type TtsReply = {
  Response?: { Audio?: string; Error?: { Code: string; Message: string }; RequestId?: string };
};

export function createTencentTtsProvider(o: TencentTtsOptions): SpeechProvider {
  const url = new URL(o.endpoint);
  const host = url.host;
  const now = o.now ?? (() => Date.now());

  async function speakOne(text: string): Promise<Uint8Array> {
    const payload = JSON.stringify({
      Text: text,
      SessionId: randomUUID(),
      VoiceType: o.voiceType,
      Speed: o.speed,
      Codec: 'mp3',
      SampleRate: 16000,
      PrimaryLanguage: 1,
      ModelType: 1,
    });
    const headers = tc3Headers({
      secretId: o.secretId,
      secretKey: o.secretKey,
      service: 'tts',
      host,
      action: 'TextToVoice',
      version: '2019-08-23',
      region: o.region,
      payload,
      timestamp: Math.floor(now() / 1000),
    });
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers,
        body: payload,
        signal: AbortSignal.timeout(o.timeoutMs),
      });
    } catch (err) {
      throw new SpeechProviderError(`tencent tts unreachable: ${String(err)}`);
    }
    const body = (await res.json().catch(() => ({}))) as TtsReply;
    const error = body.Response?.Error;
    if (!res.ok || error || !body.Response?.Audio) {
      throw new SpeechProviderError(
        `tencent tts failed: HTTP ${res.status} ${error ? `${error.Code} ${error.Message}` : 'no audio'}`,
      );
    }
    return new Uint8Array(Buffer.from(body.Response.Audio, 'base64'));
  }

  return {
    id: `tencent:${o.voiceType}:${o.speed}`,
    ext: 'mp3',
    async synthesize(text) {
      const pieces = splitForSpeech(text).filter(isSpeakable);
      const parts: Uint8Array[] = [];
      for (const p of pieces) parts.push(await speakOne(p));
      return { audio: new Uint8Array(Buffer.concat(parts)), contentType: 'audio/mpeg' };
    },
  };
}

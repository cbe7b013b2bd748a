/**
 * Server speech: the provider port (./port.ts), its implementations, and the cached, single-flight
 * audio for a text (./audio.ts). Configuration (SPEECH_PROVIDER) picks the provider.
 */
import type { Config } from '../_lib/config';
import { createEspeakProvider } from './espeak';
import type { SpeechProvider } from './port';
import { createTencentTtsProvider } from './tencent';

export type { SpeechAudio, SpeechProvider } from './port';
export { getSpeech, readSpeechAudio, checkSpeechText } from './audio';

/** undefined when speech is off: the API then answers SPEECH_UNAVAILABLE. */
export function createSpeechProvider(config: Config['speech']): SpeechProvider | undefined {
  switch (config.provider) {
    case 'off':
      return undefined;
    case 'tencent':
      return createTencentTtsProvider({ ...config.tencent, timeoutMs: config.timeoutMs });
    case 'espeak':
      return createEspeakProvider({ ...config.espeak, timeoutMs: config.timeoutMs });
  }
}

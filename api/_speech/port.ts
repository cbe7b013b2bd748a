/**
 * The speech provider port: text in, audio out. Implementations: espeak-ng (local default, works
 * offline and in tests: ./espeak.ts) and Tencent Cloud TTS (deploys: ./tencent.ts). Configuration
 * (SPEECH_PROVIDER) picks one. Callers never call a provider directly: api/_speech/audio.ts caches
 * by text hash and makes sure each text is synthesised once.
 */
export type SpeechAudio = { audio: Uint8Array; contentType: 'audio/wav' | 'audio/mpeg' };

export interface SpeechProvider {
  /** Names the voice and its settings; part of the cache key, so changing the voice re-synthesises. */
  readonly id: string;
  /** File extension of what synthesize returns. */
  readonly ext: 'wav' | 'mp3';
  /** Speaks one normalised text (≤ SPEECH_TEXT_MAX characters). Throws when the engine fails. */
  synthesize(text: string): Promise<SpeechAudio>;
}

export class SpeechProviderError extends Error {}

/**
 * espeak-ng (Debian package `espeak-ng`), the local default: offline, fast (≈50 ms for 100
 * characters here), robotic but clear. Mandarin voice `cmn`. The text goes in on stdin (never on
 * the command line). Output: 16-bit mono PCM WAV, resampled by sox (when installed) from espeak's
 * 22,050 Hz to SPEECH_SAMPLE_RATE to make it smaller. WeChat's InnerAudioContext and every
 * browser's <audio> play PCM WAV; sox here has no MP3 encoder, and the cloud adapter gives MP3.
 */
import { fixWavSizes } from './wav';
import type { SpeechProvider } from './port';
import { runPipe } from './run';

export type EspeakOptions = {
  bin: string;
  voice: string;
  /** Words per minute (espeak -s); Mandarin syllables count as words. */
  rate: number;
  /** Resample to this rate with sox; 0 keeps espeak's 22,050 Hz. */
  sampleRate: number;
  soxBin: string;
  timeoutMs: number;
};

export function createEspeakProvider(o: EspeakOptions): SpeechProvider {
  let soxMissing = false;
  return {
    id: `espeak:${o.voice}:${o.rate}:${o.sampleRate}`,
    ext: 'wav',
    async synthesize(text) {
      const raw = await runPipe(o.bin, ['-v', o.voice, '-s', String(o.rate), '--stdout'], text, o.timeoutMs);
      let wav: Uint8Array = fixWavSizes(new Uint8Array(raw));
      if (o.sampleRate > 0 && !soxMissing) {
        try {
          const args = [
            '-t',
            'wav',
            '-',
            '-r',
            String(o.sampleRate),
            '-b',
            '16',
            '-c',
            '1',
            '-t',
            'wav',
            '-',
          ];
          wav = fixWavSizes(new Uint8Array(await runPipe(o.soxBin, args, wav, o.timeoutMs)));
        } catch (err) {
          // No sox on this host: serve espeak's own rate rather than nothing.
          if (String(err).includes('ENOENT')) soxMissing = true;
          else throw err;
        }
      }
      return { audio: wav, contentType: 'audio/wav' };
    },
  };
}

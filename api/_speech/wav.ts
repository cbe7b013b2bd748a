/**
 * espeak-ng --stdout streams a WAV whose RIFF and data sizes are placeholders (0x7ffff0xx);
 * some players refuse or mis-time such files, so the sizes are written from the real length.
 */
export function fixWavSizes(wav: Uint8Array): Uint8Array {
  if (wav.length < 44 || String.fromCharCode(...wav.subarray(0, 4)) !== 'RIFF') return wav;
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  view.setUint32(4, wav.length - 8, true);
  // Walk the chunks to the data chunk (espeak writes fmt then data, but do not rely on it).
  let off = 12;
  while (off + 8 <= wav.length) {
    const id = String.fromCharCode(...wav.subarray(off, off + 4));
    if (id === 'data') {
      view.setUint32(off + 4, wav.length - off - 8, true);
      break;
    }
    off += 8 + view.getUint32(off + 4, true);
  }
  return wav;
}

/** Reads channels, sample rate, bits and duration from a PCM WAV header (tests and logs). */
export function wavInfo(wav: Uint8Array) {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const channels = view.getUint16(22, true);
  const sampleRate = view.getUint32(24, true);
  const bits = view.getUint16(34, true);
  const dataBytes = view.getUint32(40, true);
  return { channels, sampleRate, bits, durationS: dataBytes / (sampleRate * channels * (bits / 8)) };
}

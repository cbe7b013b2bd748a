/**
 * Files for media tests, built byte by byte with the signatures real encoders write (the API reads
 * a file's type from its content, so these are what matter), plus helpers to upload them.
 */
import type { TestApp } from './harness';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
/** Pads to `size` with a deterministic, non-zero pattern seeded by `seed` (distinct files hash apart). */
const padded = (head: Buffer, size = 4096, seed = 0) => {
  const out = Buffer.alloc(Math.max(size, head.length));
  head.copy(out);
  for (let i = head.length; i < out.length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
};
const u32be = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u32le = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const ftyp = (brand: string, compat: string[]) => {
  const body = bytes(brand, [0, 0, 0, 0], ...compat);
  return Buffer.concat([u32be(8 + body.length), bytes('ftyp'), body]);
};

let seq = 1;
/** Each call gives a different file of that kind (a new seed), unless `seed` is given. */
export const sample = {
  jpeg: (size = 4096, seed = seq++) =>
    padded(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF', [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]), size, seed),
  png: (seed = seq++) =>
    padded(
      bytes(
        [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13],
        'IHDR',
        [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0],
      ),
      4096,
      seed,
    ),
  webp: (seed = seq++) => padded(bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 4096, seed),
  heic: (seed = seq++) => padded(ftyp('heic', ['mif1', 'heic']), 4096, seed),
  gif: (seed = seq++) => padded(bytes('GIF89a', [1, 0, 1, 0, 0x80, 0, 0]), 4096, seed),
  mp3: (seed = seq++) => padded(bytes('ID3', [3, 0, 0, 0, 0, 0, 0], [0xff, 0xfb, 0x90, 0x64]), 4096, seed),
  aac: (seed = seq++) => padded(bytes([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]), 4096, seed),
  m4a: (seed = seq++) => padded(ftyp('M4A ', ['M4A ', 'mp42', 'isom']), 4096, seed),
  wav: (seed = seq++) =>
    padded(
      Buffer.concat([
        bytes('RIFF'),
        u32le(36),
        bytes('WAVEfmt '),
        u32le(16),
        Buffer.from([1, 0, 1, 0]),
        u32le(8000),
        u32le(16000),
        Buffer.from([2, 0, 16, 0]),
        bytes('data'),
        u32le(0),
      ]),
      4096,
      seed,
    ),
  webm: (seed = seq++) =>
    padded(
      Buffer.concat([
        Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01]),
        Buffer.from([0x42, 0xf2, 0x81, 0x04, 0x42, 0xf3, 0x81, 0x08, 0x42, 0x82, 0x84]),
        bytes('webm', [0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02]),
      ]),
      4096,
      seed,
    ),
  ogg: (seed = seq++) =>
    padded(
      bytes('OggS', [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 30, 1], 'vorbis'),
      4096,
      seed,
    ),
  /** A Linux executable and a Windows one: what gets renamed to .jpg. */
  elf: () => padded(bytes([0x7f], 'ELF', [2, 1, 1, 0]), 4096, seq++),
  exe: () => padded(bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0]), 4096, seq++),
  text: () => Buffer.from('这不是录音，只是一段文字。\n'.repeat(200)),
};

export type UploadOpts = {
  purpose?: string;
  body: Uint8Array;
  filename?: string;
  /** What the client claims; the API must ignore it. */
  type?: string;
  key?: string;
};

export function uploadForm(o: UploadOpts): FormData {
  const form = new FormData();
  if (o.purpose !== undefined) form.set('purpose', o.purpose);
  form.set(
    'file',
    new Blob([new Uint8Array(o.body)], { type: o.type ?? 'image/jpeg' }),
    o.filename ?? 'photo.jpg',
  );
  return form;
}

export function uploadTo(t: TestApp, token: string, villageId: string, o: UploadOpts) {
  return t.request('POST', `/api/villages/${villageId}/media`, {
    token,
    raw: uploadForm(o),
    headers: o.key ? { 'idempotency-key': o.key } : {},
  });
}

/**
 * Files for media tests, built byte by byte with the signatures real encoders write (the API reads
 * a file's type from its content, so these are what matter), plus helpers to upload them.
 */
import { crc32 } from 'node:zlib';
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

const u16le = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
/** A zip archive with its entries stored uncompressed: the container of .docx and .xlsx. */
function storedZip(entries: [string, string][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const data = Buffer.from(text, 'utf8');
    const fname = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const sizes = [u32le(crc), u32le(data.length), u32le(data.length), u16le(fname.length)];
    const local = Buffer.concat([
      u32le(0x04034b50),
      ...[20, 0, 0, 0, 0].map(u16le),
      ...sizes,
      u16le(0),
      fname,
      data,
    ]);
    centrals.push(
      Buffer.concat([
        u32le(0x02014b50),
        ...[20, 20, 0, 0, 0, 0].map(u16le),
        ...sizes,
        ...[0, 0, 0, 0].map(u16le),
        u32le(0),
        u32le(offset),
        fname,
      ]),
    );
    locals.push(local);
    offset += local.length;
  }
  const cd = Buffer.concat(centrals);
  const end = [u32le(0x06054b50), ...[0, 0, entries.length, entries.length].map(u16le), u32le(cd.length)];
  return Buffer.concat([...locals, cd, ...end, u32le(offset), u16le(0)]);
}
const openXml = (main: string, part: [string, string], seed: number) =>
  storedZip([
    [
      '[Content_Types].xml',
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/${part[0]}" ContentType="${main}"/></Types>`,
    ],
    [part[0], `${part[1]}<!-- ${seed} -->`],
  ]);

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
  /** Documents a stage record may carry (minutes, a tally). */
  pdf: (seed = seq++) =>
    Buffer.from(`%PDF-1.4\n% 会议记录 ${seed}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`),
  docx: (seed = seq++) =>
    openXml(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
      ['word/document.xml', '<w:document/>'],
      seed,
    ),
  xlsx: (seed = seq++) =>
    openXml(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
      ['xl/workbook.xml', '<workbook/>'],
      seed,
    ),
  /** A Linux executable and a Windows one: what gets renamed to .jpg. */
  elf: () => padded(bytes([0x7f], 'ELF', [2, 1, 1, 0]), 4096, seq++),
  exe: () => padded(bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0]), 4096, seq++),
  text: () => Buffer.from('这不是录音，只是一段文字。\n'.repeat(200)),
};

export type UploadOpts = {
  purpose?: string;
  /** The `fileName` field (the name to show with a stage document). */
  fileName?: string;
  body: Uint8Array;
  filename?: string;
  /** What the client claims; the API must ignore it. */
  type?: string;
  key?: string;
};

export function uploadForm(o: UploadOpts): FormData {
  const form = new FormData();
  if (o.purpose !== undefined) form.set('purpose', o.purpose);
  if (o.fileName !== undefined) form.set('fileName', o.fileName);
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

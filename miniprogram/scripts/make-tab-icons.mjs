// Draws the five tab-bar icons (81×81 PNG, grey and blue) with no image library:
// each icon is a set of filled shapes, supersampled 4× for smooth edges.
// Run: node miniprogram/scripts/make-tab-icons.mjs  (output: miniprogram/src/assets/tab/)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 81;
const SS = 4;
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'assets', 'tab');
const GREY = [0x4b, 0x55, 0x63];
const BLUE = [0x1d, 0x4e, 0xd8];

const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const rrect = (x0, y0, x1, y1, r) => (x, y) => {
  if (!rect(x0, y0, x1, y1)(x, y)) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const tri = (a, b, c) => (x, y) => {
  const s = (p, q) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const d1 = s(a, b),
    d2 = s(b, c),
    d3 = s(c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};
const union =
  (...fs) =>
  (x, y) =>
    fs.some((f) => f(x, y));
const minus =
  (f, ...holes) =>
  (x, y) =>
    f(x, y) && !holes.some((h) => h(x, y));

const ICONS = {
  home: minus(
    union(tri([0.06, 0.5], [0.5, 0.1], [0.94, 0.5]), rect(0.2, 0.45, 0.8, 0.88)),
    rect(0.42, 0.62, 0.58, 0.9),
  ),
  council: minus(
    union(rrect(0.08, 0.14, 0.92, 0.7, 0.14), tri([0.22, 0.66], [0.46, 0.66], [0.2, 0.9])),
    circle(0.3, 0.42, 0.065),
    circle(0.5, 0.42, 0.065),
    circle(0.7, 0.42, 0.065),
  ),
  disclosure: union(
    minus(rrect(0.14, 0.08, 0.86, 0.92, 0.08), rect(0.22, 0.16, 0.78, 0.84)),
    rect(0.31, 0.3, 0.69, 0.37),
    rect(0.31, 0.47, 0.69, 0.54),
    rect(0.31, 0.64, 0.58, 0.71),
  ),
  services: union(
    minus(rrect(0.34, 0.1, 0.66, 0.34, 0.06), rect(0.42, 0.18, 0.58, 0.36)),
    minus(rrect(0.08, 0.3, 0.92, 0.86, 0.1), rect(0.08, 0.5, 0.92, 0.55)),
  ),
  mine: union(
    circle(0.5, 0.3, 0.18),
    (x, y) => y <= 0.9 && ((x - 0.5) / 0.38) ** 2 + ((y - 0.94) / 0.4) ** 2 <= 1,
  ),
};

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};

function png(shape, [r, g, b]) {
  const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) {
    raw[y * (SIZE * 4 + 1)] = 0;
    for (let x = 0; x < SIZE; x++) {
      let hits = 0;
      for (let sy = 0; sy < SS; sy++)
        for (let sx = 0; sx < SS; sx++)
          if (shape((x + (sx + 0.5) / SS) / SIZE, (y + (sy + 0.5) / SS) / SIZE)) hits++;
      const o = y * (SIZE * 4 + 1) + 1 + x * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = Math.round((255 * hits) / (SS * SS));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT, { recursive: true });
for (const [name, shape] of Object.entries(ICONS)) {
  writeFileSync(join(OUT, `${name}.png`), png(shape, GREY));
  writeFileSync(join(OUT, `${name}-on.png`), png(shape, BLUE));
}
console.log(`wrote ${Object.keys(ICONS).length * 2} icons to ${OUT}`);

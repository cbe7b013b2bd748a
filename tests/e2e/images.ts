/** Small real images for browser tests (a browser must decode them), drawn pixel by pixel. */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An RGB PNG of w×h whose pixels `paint` colours. */
export function png(w: number, h: number, paint: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    for (let x = 0; x < w; x++) raw.set(paint(x, y), row + 1 + x * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A meeting room: a wall, a red banner, a long table with people at it. */
export function meetingPng(w = 240, h = 180): Buffer {
  return png(w, h, (x, y) => {
    if (y > h * 0.08 && y < h * 0.22 && x > w * 0.15 && x < w * 0.85) return [190, 30, 30];
    if (y > h * 0.62 && y < h * 0.72) return [120, 80, 40];
    const head = [0.2, 0.35, 0.5, 0.65, 0.8].some((c) => Math.hypot(x - w * c, y - h * 0.48) < 10);
    if (head) return [40, 40, 40];
    return y > h * 0.72 ? [150, 150, 150] : [235, 230, 215];
  });
}

/** A street lamp on a dusk sky, over a road (a matter's photo). */
export function lampPng(w = 240, h = 180): Buffer {
  return png(w, h, (x, y) => {
    if (Math.hypot(x - w * 0.5, y - h * 0.2) < 12) return [70, 70, 70]; // the dead lamp
    if (x > w * 0.48 && x < w * 0.52 && y > h * 0.2) return [30, 30, 30]; // the pole
    if (y > h * 0.75) return [90, 90, 90]; // the road
    return [40 + y / 3, 60 + y / 2, 120 + y / 3];
  });
}

/** A paper receipt on a table: lines of print, a heading and a red stamp (a ledger voucher). */
export function receiptPng(w = 300, h = 400): Buffer {
  return png(w, h, (x, y) => {
    const d = Math.hypot(x - w * 0.68, y - h * 0.8);
    if (d < 46 && d > 38) return [200, 30, 30]; // the stamp
    const paper = x > 20 && x < w - 20 && y > 16 && y < h - 16;
    if (paper && y > 30 && y < 48 && x > 90 && x < w - 90) return [40, 40, 50]; // the heading
    if (paper && x > 44 && x < w - 44 && y % 28 < 5 && y > 60 && y < h - 90) return [70, 70, 80]; // print
    return paper ? [252, 252, 248] : [236, 232, 220];
  });
}

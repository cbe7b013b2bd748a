/**
 * The booking code as a large QR code the desk scans (Taro.scanCode). It encodes exactly the
 * 6-digit code, nothing else. The matrix comes from uqr (small, no dependencies, pure JS); it is
 * drawn with plain Views — each row a line of black and white runs sized by flex — so it looks the
 * same in weapp and h5 with no canvas or image, stays sharp at any size, and lives in this
 * subpackage only (not in the main package).
 */
import { View } from '@tarojs/components';
import { useMemo } from 'react';
import { encode } from 'uqr';
import './booking-qr.scss';

/** QR modules, true = dark, without the quiet zone (the view adds it as white padding). */
export function bookingQrMatrix(code: string): boolean[][] {
  // 'M' recovers from 15% damage (a cracked screen, a smudge) and still fits version 1 (21 × 21).
  return encode(code, { ecc: 'M', border: 0 }).data;
}

export type Run = { dark: boolean; n: number };

/** One row as runs of the same colour, left to right. */
export function rowRuns(row: readonly boolean[]): Run[] {
  const runs: Run[] = [];
  for (const dark of row) {
    const last = runs[runs.length - 1];
    if (last && last.dark === dark) last.n += 1;
    else runs.push({ dark, n: 1 });
  }
  return runs;
}

export function BookingQr({ code }: { code: string }) {
  const rows = useMemo(() => bookingQrMatrix(code).map(rowRuns), [code]);
  return (
    <View className="booking-qr" role="img" aria-label={`预约码 ${code} 的二维码`} data-testid="booking-qr">
      <View className="booking-qr-grid" data-size={String(rows.length)}>
        {rows.map((runs, y) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in a fixed matrix
          <View key={y} className="booking-qr-row">
            {runs.map((r, x) => (
              <View
                // biome-ignore lint/suspicious/noArrayIndexKey: runs are positions in a fixed row
                key={x}
                className={r.dark ? 'booking-qr-run booking-qr-dark' : 'booking-qr-run'}
                style={{ flex: `${r.n} ${r.n} 0` }}
                data-n={String(r.n)}
              />
            ))}
          </View>
        ))}
      </View>
    </View>
  );
}

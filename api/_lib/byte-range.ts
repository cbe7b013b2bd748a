/**
 * Answers a GET for stored bytes honouring one `Range: bytes=a-b` (what media players send; iOS's
 * player, WeChat's InnerAudioContext included, asks for byte ranges before it plays), with the
 * caller's headers on every answer: 200 whole, 206 partial, 416 outside the file.
 */
export type ByteRange =
  | { kind: 'whole' }
  | { kind: 'part'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/** What one `Range: bytes=a-b` header asks of `size` bytes (anything else: the whole). */
export function byteRange(rangeHeader: string | undefined, size: number): ByteRange {
  const range = rangeHeader?.match(/^bytes=(\d*)-(\d*)$/);
  if (!range || !(range[1] || range[2])) return { kind: 'whole' };
  let start = range[1] ? Number(range[1]) : size - Number(range[2]);
  let end = range[1] && range[2] ? Number(range[2]) : size - 1;
  start = Math.max(0, start);
  end = Math.min(end, size - 1);
  if (start > end || start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'part', start, end };
}

export function byteRangeResponse(
  rangeHeader: string | undefined,
  body: Uint8Array,
  headers: Record<string, string>,
): Response {
  const all = { ...headers, 'Accept-Ranges': 'bytes' };
  const size = body.length;
  const r = byteRange(rangeHeader, size);
  if (r.kind === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: { ...all, 'Content-Range': `bytes */${size}` } });
  }
  if (r.kind === 'part') {
    return new Response(body.subarray(r.start, r.end + 1) as Uint8Array<ArrayBuffer>, {
      status: 206,
      headers: {
        ...all,
        'Content-Range': `bytes ${r.start}-${r.end}/${size}`,
        'Content-Length': String(r.end - r.start + 1),
      },
    });
  }
  return new Response(body as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: { ...all, 'Content-Length': String(size) },
  });
}

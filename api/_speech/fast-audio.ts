/**
 * The plain Node server's fast path for cached speech audio (GET /api/speech/audio/<hash>.<ext>
 * ?exp&sig): the bytes behind a hash never change and a notice's sentence is fetched by every
 * villager who taps 朗读, so it is served like a static file — the signature checked, the bytes
 * taken from the in-process hot cache, written straight to the socket — without the router,
 * validation and middleware of the API. Anything but a well-formed, valid request for audio this
 * instance holds in memory is left to the API route (api/_speech/routes.ts), which answers it
 * and every error in the usual shape. Same headers as the route; a request id like every answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ZSpeechAudioParams, ZSpeechAudioQuery } from '../../shared/speech/schemas';
import type { Deps } from '../_app/context';
import { byteRange } from '../_lib/byte-range';
import { hotSpeechAudio } from './audio';
import { verifyAudioUrl } from './signed-url';

const PREFIX = '/api/speech/audio/';
const FILE_RE = ZSpeechAudioParams.shape.file;
const EXP_RE = ZSpeechAudioQuery.shape.exp;
const SIG_RE = ZSpeechAudioQuery.shape.sig;

/** Serves the request and returns true, or returns false without touching it. */
export function serveCachedAudio(deps: Deps, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' || !req.url?.startsWith(PREFIX)) return false;
  const q = req.url.indexOf('?');
  if (q < 0) return false;
  const file = req.url.slice(PREFIX.length, q);
  const params = new URLSearchParams(req.url.slice(q + 1));
  const exp = params.get('exp') ?? '';
  const sig = params.get('sig') ?? '';
  if (!FILE_RE.safeParse(file).success || !EXP_RE.safeParse(exp).success || !SIG_RE.safeParse(sig).success)
    return false;
  if (!verifyAudioUrl(deps.config.sessionSecret, file, exp, sig).ok) return false;
  const found = hotSpeechAudio(deps, file);
  if (!found) return false;
  const size = found.body.length;
  const range = byteRange(req.headers.range, size);
  if (range.kind === 'unsatisfiable') return false;
  const headers: Record<string, string> = {
    'Content-Type': found.contentType,
    'Cache-Control': 'private, max-age=86400, immutable',
    'Accept-Ranges': 'bytes',
    'X-Request-Id': randomUUID(),
  };
  const bytes = range.kind === 'part' ? found.body.subarray(range.start, range.end + 1) : found.body;
  if (range.kind === 'part') headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
  headers['Content-Length'] = String(bytes.length);
  res.writeHead(range.kind === 'part' ? 206 : 200, headers);
  res.end(bytes);
  return true;
}

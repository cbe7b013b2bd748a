/**
 * Signed download URLs for media, for callers that cannot send our Authorization header: WeChat's
 * mediaCheckAsync downloads the file itself to check it, and an audio player (InnerAudioContext,
 * an h5 <audio>) fetches `src` by itself. The URL names one media id and an expiry, signed with
 * HMAC-SHA256 under the session secret; it opens nothing else.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../_lib/config';

/** Long enough for WeChat's verdict and the re-check sweep's later submissions of the same URL. */
export const CHECK_URL_TTL_S = 7 * 24 * 3600;

const sign = (secret: string, mediaId: string, expires: number) =>
  createHmac('sha256', secret).update(`media:${mediaId}:${expires}`).digest('base64url');

/** Long enough to listen to a 60 s recording a few times; short enough that a forwarded link dies. */
export const PLAY_URL_TTL_S = 15 * 60;

/** `/api/media/{id}/signed?e&s` (relative: the client puts its own API origin in front). */
export function signedMediaPath(
  config: Config,
  mediaId: string,
  ttlS: number,
  now = Date.now(),
): { path: string; expires: number } {
  const e = Math.floor(now / 1000) + ttlS;
  return {
    path: `/api/media/${mediaId}/signed?e=${e}&s=${sign(config.sessionSecret, mediaId, e)}`,
    expires: e,
  };
}

export function signedMediaUrl(
  config: Config,
  mediaId: string,
  ttlS = CHECK_URL_TTL_S,
  now = Date.now(),
): string {
  return `${config.publicBaseUrl}${signedMediaPath(config, mediaId, ttlS, now).path}`;
}

export function verifyMediaSignature(
  config: Config,
  mediaId: string,
  e: string | undefined,
  s: string | undefined,
  now = Date.now(),
): boolean {
  if (!e || !s || !/^\d{1,12}$/.test(e)) return false;
  if (Number(e) * 1000 < now) return false;
  const want = Buffer.from(sign(config.sessionSecret, mediaId, Number(e)));
  const got = Buffer.from(s);
  return want.length === got.length && timingSafeEqual(want, got);
}

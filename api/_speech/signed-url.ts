/**
 * Signed audio URLs. WeChat's InnerAudioContext and an h5 <audio> fetch `src` themselves, without
 * our Authorization header, so the authenticated POST /api/speech answers with a URL that carries
 * its own short-lived permission: `/api/speech/audio/<sha256>.<ext>?exp=<unix s>&sig=<hmac>`.
 * The signature (HMAC-SHA256 under a key derived from SESSION_SECRET) covers the file name and
 * the expiry, so a URL opens exactly one audio file until it expires (SPEECH_URL_TTL_S, default
 * 15 min — long enough to finish listening, short enough that a forwarded link dies). The expiry
 * is rounded up to a 5-minute step so the same text gives the same URL for a while and the player
 * (and any CDN) can cache it. The audio says nothing the caller could not already read.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BoundedMap } from '../_lib/bounded-map';

const STEP_S = 300;

const keys = new Map<string, Buffer>();
/** The URL key, derived from the session secret once per process (not per request). */
function keyOf(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = createHmac('sha256', secret).update('speech-audio-url').digest();
    keys.set(secret, key);
  }
  return key;
}

function computeSign(secret: string, file: string, exp: number): string {
  return createHmac('sha256', keyOf(secret)).update(`${file}:${exp}`).digest('base64url').slice(0, 32);
}

/**
 * Signatures already computed, by secret, file and expiry: a notice read by 500 villagers is one
 * URL (the expiry steps by 5 minutes), so its HMAC is computed once, not once per fetch. Bounded;
 * the oldest entries go first.
 */
const signatures = new Map<Buffer, BoundedMap<string, string>>();
const SIGNATURES_MAX = 5_000;

function sign(secret: string, file: string, exp: number): string {
  const key = keyOf(secret);
  let known = signatures.get(key);
  if (!known) {
    known = new BoundedMap(SIGNATURES_MAX);
    signatures.set(key, known);
  }
  const id = `${file}:${exp}`;
  let sig = known.get(id);
  if (sig === undefined) {
    sig = computeSign(secret, file, exp);
    known.set(id, sig);
  }
  return sig;
}

export function signAudioUrl(secret: string, file: string, ttlS: number, nowMs = Date.now()) {
  const exp = Math.ceil((nowMs / 1000 + ttlS) / STEP_S) * STEP_S;
  return { path: `/api/speech/audio/${file}?exp=${exp}&sig=${sign(secret, file, exp)}`, exp };
}

export type AudioUrlCheck = { ok: true } | { ok: false; code: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' };

export function verifyAudioUrl(
  secret: string,
  file: string,
  exp: string,
  sig: string,
  nowMs = Date.now(),
): AudioUrlCheck {
  const expected = Buffer.from(sign(secret, file, Number(exp)));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, code: 'TOKEN_INVALID' };
  if (Number(exp) * 1000 < nowMs) return { ok: false, code: 'TOKEN_EXPIRED' };
  return { ok: true };
}

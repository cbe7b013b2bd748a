/**
 * Session tokens: HS256 JWTs naming a session row. The signature makes forging impossible; the
 * row makes logout (revocation) possible. WeChat's session_key is never part of a token.
 * Signed and checked with node:crypto directly: this runs on every request, and WebCrypto's
 * per-call key import cost more than the whole HMAC.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '../../shared/errors';
import { BoundedMap } from '../_lib/bounded-map';

export type TokenClaims = { sub: string; sid: string; exp: number; iat: number };

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

const mac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest();

export async function signToken(secret: string, userId: string, sessionId: string, expiresAt: Date) {
  const claims: TokenClaims = {
    sub: userId,
    sid: sessionId,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(expiresAt.getTime() / 1000),
  };
  const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/**
 * Tokens already verified, by their exact text (signature checks are deterministic: the same
 * text under the same secret always verifies the same). Every request carries its token and the
 * HMAC was about a tenth of a calendar read's server CPU; a copy skips it, expiry is still checked.
 */
const verified = new BoundedMap<string, { secret: string; claims: TokenClaims }>(10_000);

export function verifyToken(
  secret: string,
  token: string,
): { ok: true; claims: TokenClaims } | { ok: false; code: ErrorCode } {
  const known = verified.get(token);
  if (known && known.secret === secret) {
    if (known.claims.exp <= Date.now() / 1000) return { ok: false, code: 'TOKEN_EXPIRED' };
    return { ok: true, claims: known.claims };
  }
  const checked = checkToken(secret, token);
  if (checked.ok) {
    verified.set(token, { secret, claims: checked.claims });
  }
  return checked;
}

function checkToken(
  secret: string,
  token: string,
): { ok: true; claims: TokenClaims } | { ok: false; code: ErrorCode } {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, code: 'TOKEN_INVALID' };
  const [header, payload, signature] = parts as [string, string, string];
  const expected = mac(secret, `${header}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, code: 'TOKEN_INVALID' };
  let claims: Partial<TokenClaims> & { alg?: string };
  try {
    if (JSON.parse(Buffer.from(header, 'base64url').toString()).alg !== 'HS256')
      return { ok: false, code: 'TOKEN_INVALID' };
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  } catch {
    return { ok: false, code: 'TOKEN_INVALID' };
  }
  if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.exp !== 'number') {
    return { ok: false, code: 'TOKEN_INVALID' };
  }
  if (claims.exp <= Date.now() / 1000) return { ok: false, code: 'TOKEN_EXPIRED' };
  return { ok: true, claims: claims as TokenClaims };
}

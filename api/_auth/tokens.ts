/**
 * Session tokens: HS256 JWTs naming a session row. The signature makes forging impossible; the
 * row makes logout (revocation) possible. WeChat's session_key is never part of a token.
 */
import { sign, verify } from 'hono/jwt';
import { JwtTokenExpired } from 'hono/utils/jwt/types';
import type { ErrorCode } from '../../shared/errors';

export type TokenClaims = { sub: string; sid: string; exp: number; iat: number };

export async function signToken(secret: string, userId: string, sessionId: string, expiresAt: Date) {
  const claims: TokenClaims = {
    sub: userId,
    sid: sessionId,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(expiresAt.getTime() / 1000),
  };
  return sign(claims, secret, 'HS256');
}

export async function verifyToken(
  secret: string,
  token: string,
): Promise<{ ok: true; claims: TokenClaims } | { ok: false; code: ErrorCode }> {
  try {
    const payload = await verify(token, secret, 'HS256');
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string')
      return { ok: false, code: 'TOKEN_INVALID' };
    return { ok: true, claims: payload as unknown as TokenClaims };
  } catch (err) {
    return { ok: false, code: err instanceof JwtTokenExpired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID' };
  }
}

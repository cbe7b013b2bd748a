/**
 * Session tokens: signed, checked, and checked again from the copy of an earlier check — which
 * must answer exactly as the full check would (another secret, expiry, any change to the text).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signToken, verifyToken } from '../../api/_auth/tokens';

const SECRET = 'test-secret-0123456789abcdef0123456789';
const inAnHour = () => new Date(Date.now() + 3_600_000);

describe('session tokens', () => {
  afterEach(() => vi.useRealTimers());

  it('verifies its own tokens, again from the copy, with the same claims', async () => {
    const token = await signToken(SECRET, 'u1', 's1', inAnHour());
    const first = verifyToken(SECRET, token);
    expect(first).toMatchObject({ ok: true, claims: { sub: 'u1', sid: 's1' } });
    expect(verifyToken(SECRET, token)).toEqual(first);
  });

  it('a token verified under one secret is refused under another', async () => {
    const token = await signToken(SECRET, 'u1', 's1', inAnHour());
    expect(verifyToken(SECRET, token).ok).toBe(true);
    expect(verifyToken(`${SECRET}-other`, token)).toEqual({ ok: false, code: 'TOKEN_INVALID' });
  });

  it('any change to the text is refused; malformed text is refused', async () => {
    const token = await signToken(SECRET, 'u1', 's1', inAnHour());
    expect(verifyToken(SECRET, token).ok).toBe(true);
    const [h, p, sig] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ sub: 'u2', sid: 's1', exp: 9e9, iat: 0 })).toString(
      'base64url',
    );
    expect(verifyToken(SECRET, `${h}.${forged}.${sig}`).ok).toBe(false);
    expect(verifyToken(SECRET, `${token}x`).ok).toBe(false);
    expect(verifyToken(SECRET, 'a.b').ok).toBe(false);
    expect(verifyToken(SECRET, `${h}.${p}`).ok).toBe(false);
  });

  it('a verified token still expires: the copy checks the expiry', async () => {
    const token = await signToken(SECRET, 'u1', 's1', new Date(Date.now() + 2_000));
    expect(verifyToken(SECRET, token).ok).toBe(true);
    vi.useFakeTimers({ now: Date.now() + 5_000 });
    expect(verifyToken(SECRET, token)).toEqual({ ok: false, code: 'TOKEN_EXPIRED' });
  });
});

/**
 * WeChat message push (消息推送) signature, plaintext mode: signature = sha1 of the
 * lexicographically sorted concatenation of Token, timestamp and nonce (the URL's query).
 * https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 *
 * The signature does not cover the body in plaintext mode, so a stale timestamp is refused too
 * (PUSH_MAX_SKEW_S): a captured URL cannot be replayed with another body later. 安全模式 (AES,
 * `encrypt_type=aes` + `msg_signature`) is not supported yet: such pushes are refused, never
 * read unverified — configure the push as 明文模式, JSON.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { PUSH_MAX_SKEW_S } from '../../shared/content/rules';

export function pushSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

export type PushCheck =
  | { ok: true }
  | { ok: false; reason: 'not_configured' | 'unsigned' | 'bad_signature' | 'stale' | 'encrypted' };

export function verifyPush(
  token: string,
  q: { signature?: string; timestamp?: string; nonce?: string; encrypt_type?: string },
  nowMs = Date.now(),
): PushCheck {
  if (!token) return { ok: false, reason: 'not_configured' };
  const { signature, timestamp, nonce } = q;
  if (!signature || !timestamp || !nonce) return { ok: false, reason: 'unsigned' };
  const expected = Buffer.from(pushSignature(token, timestamp, nonce));
  const given = Buffer.from(signature.toLowerCase());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'bad_signature' };
  }
  const ts = Number(timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowMs / 1000 - ts) > PUSH_MAX_SKEW_S)
    return { ok: false, reason: 'stale' };
  if (q.encrypt_type && q.encrypt_type !== 'raw') return { ok: false, reason: 'encrypted' };
  return { ok: true };
}

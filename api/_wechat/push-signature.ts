/**
 * WeChat message push (消息推送) signature, plaintext mode: signature = sha1 of the
 * lexicographically sorted concatenation of Token, timestamp and nonce (the URL's query).
 * https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 *
 * The signature does not cover the body in plaintext mode, so a stale timestamp is refused too
 * (PUSH_MAX_SKEW_S): a captured URL cannot be replayed with another body later. In 安全模式 /
 * 兼容模式 (`encrypt_type=aes`) the body is read only from `Encrypt`, after `msg_signature` (which
 * covers it) matched and it decrypted to our appid (push-crypto.ts); without WECHAT_PUSH_AES_KEY
 * such pushes are refused.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { PUSH_MAX_SKEW_S } from '../../shared/content/rules';
import { decryptPush, msgSignatureMatches } from './push-crypto';

export function pushSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

export type PushRefusal =
  | 'not_configured'
  | 'unsigned'
  | 'bad_signature'
  | 'stale'
  | 'encrypted_not_configured'
  | 'bad_msg_signature'
  | 'undecryptable'
  | 'wrong_appid';
export type PushCheck = { ok: true } | { ok: false; reason: PushRefusal };

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
  return { ok: true };
}

export type PushBody = { ok: true; body: unknown } | { ok: false; reason: PushRefusal | 'bad_json' };

/**
 * The body of a push whose query `verifyPush` accepted: plaintext JSON, or in 安全模式/兼容模式
 * the decrypted `Encrypt` (the plaintext fields of 兼容模式 are ignored: they are not signed).
 */
export function readPushBody(
  cfg: { token: string; aesKey: string; appId: string },
  q: { timestamp?: string; nonce?: string; encrypt_type?: string; msg_signature?: string },
  raw: string,
): PushBody {
  let outer: unknown;
  try {
    outer = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'bad_json' };
  }
  if (!q.encrypt_type || q.encrypt_type === 'raw') return { ok: true, body: outer };
  if (q.encrypt_type !== 'aes' || !cfg.aesKey) return { ok: false, reason: 'encrypted_not_configured' };
  const encrypt = outer && typeof outer === 'object' ? (outer as { Encrypt?: unknown }).Encrypt : undefined;
  if (typeof encrypt !== 'string' || !q.msg_signature || !q.timestamp || !q.nonce) {
    return { ok: false, reason: 'bad_msg_signature' };
  }
  const signed = { timestamp: q.timestamp, nonce: q.nonce, msgSignature: q.msg_signature };
  if (!msgSignatureMatches(cfg.token, signed, encrypt)) return { ok: false, reason: 'bad_msg_signature' };
  const plain = decryptPush(cfg.aesKey, encrypt);
  if (!plain) return { ok: false, reason: 'undecryptable' };
  if (plain.appId !== cfg.appId) return { ok: false, reason: 'wrong_appid' };
  try {
    return { ok: true, body: JSON.parse(plain.message) };
  } catch {
    return { ok: false, reason: 'bad_json' };
  }
}

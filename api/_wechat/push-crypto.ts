/**
 * WeChat message push, 安全模式 / 兼容模式 (encrypt_type=aes): the body carries `Encrypt`, the
 * base64 of AES-256-CBC(random 16 bytes ‖ length (uint32, big-endian) ‖ message ‖ appid), key =
 * base64(EncodingAESKey + '='), IV = the key's first 16 bytes, PKCS#7 padding to 32-byte blocks.
 * `msg_signature` = sha1 of the sorted Token, timestamp, nonce and Encrypt — it covers the body.
 * https://developers.weixin.qq.com/doc/oplatform/developers/dev/push/encryption.md
 */
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

export function msgSignatureMatches(
  token: string,
  q: { timestamp: string; nonce: string; msgSignature: string },
  encrypt: string,
): boolean {
  const expected = Buffer.from(msgSignature(token, q.timestamp, q.nonce, encrypt));
  const given = Buffer.from(q.msgSignature.toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** 43 characters of [A-Za-z0-9], as the admin console generates it. */
export const isEncodingAesKey = (k: string) => /^[A-Za-z0-9]{43}$/.test(k);

/** The decrypted message and the appid it names, or null when it does not decrypt cleanly. */
export function decryptPush(
  encodingAesKey: string,
  encrypt: string,
): { message: string; appId: string } | null {
  try {
    const key = Buffer.from(`${encodingAesKey}=`, 'base64');
    if (key.length !== 32) return null;
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    const padded = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
    const pad = padded[padded.length - 1] ?? 0;
    if (pad < 1 || pad > 32 || pad > padded.length) return null;
    const plain = padded.subarray(0, padded.length - pad);
    if (plain.length < 20) return null;
    const length = plain.readUInt32BE(16);
    if (20 + length > plain.length) return null;
    return {
      message: plain.subarray(20, 20 + length).toString('utf8'),
      appId: plain.subarray(20 + length).toString('utf8'),
    };
  } catch {
    return null;
  }
}

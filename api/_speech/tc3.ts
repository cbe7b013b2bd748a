/**
 * Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256), for a JSON POST to `/`.
 * https://cloud.tencent.com/document/api/1073/37989 — canonical request → string to sign →
 * key derived from the secret key, date and service → hex HMAC.
 */
import { createHash, createHmac } from 'node:crypto';

const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

export type Tc3Input = {
  secretId: string;
  secretKey: string;
  service: string;
  host: string;
  action: string;
  version: string;
  region: string;
  payload: string;
  /** Unix seconds. */
  timestamp: number;
};

export const TC3_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The signature alone (hex), from its parts: also what a verifier recomputes. */
export function tc3Signature(i: Omit<Tc3Input, 'secretId' | 'action' | 'version' | 'region'>): string {
  const date = new Date(i.timestamp * 1000).toISOString().slice(0, 10);
  const canonicalRequest = [
    'POST',
    '/',
    '',
    `content-type:${TC3_CONTENT_TYPE}\nhost:${i.host}\n`,
    'content-type;host',
    sha256Hex(i.payload),
  ].join('\n');
  const scope = `${date}/${i.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(i.timestamp), scope, sha256Hex(canonicalRequest)].join(
    '\n',
  );
  const kDate = hmac(`TC3${i.secretKey}`, date);
  const kService = hmac(kDate, i.service);
  const kSigning = hmac(kService, 'tc3_request');
  return createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
}

/** The headers of a signed request. */
export function tc3Headers(i: Tc3Input): Record<string, string> {
  const date = new Date(i.timestamp * 1000).toISOString().slice(0, 10);
  const signature = tc3Signature(i);
  return {
    Authorization: `TC3-HMAC-SHA256 Credential=${i.secretId}/${date}/${i.service}/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
    'Content-Type': TC3_CONTENT_TYPE,
    Host: i.host,
    'X-TC-Action': i.action,
    'X-TC-Version': i.version,
    'X-TC-Timestamp': String(i.timestamp),
    'X-TC-Region': i.region,
  };
}

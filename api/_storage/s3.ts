/**
 * S3-compatible object storage (Tencent COS, MinIO, AWS S3, …) over plain HTTP with SigV4
 * signatures (aws4fetch). Objects are addressed path-style (`{endpoint}/{bucket}/{key}`, MinIO's
 * default) or virtual-hosted style (`{bucket}.{endpoint host}/{key}`, what COS and AWS expect).
 * The payload hash is signed too (x-amz-content-sha256 = SHA-256 of the body), so an object
 * altered on the way is refused by the server rather than stored.
 *
 * Failures other than "no such key" throw: they are broken infrastructure, not outcomes.
 */
import { createHash } from 'node:crypto';
import { AwsClient } from 'aws4fetch';
import { assertStorageKey, type StoragePort } from './port';

export type S3StorageConfig = {
  /** e.g. https://cos.ap-guangzhou.myqcloud.com, http://127.0.0.1:9000 (MinIO), https://s3.eu-west-1.amazonaws.com */
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `{endpoint}/{bucket}/{key}` instead of `{bucket}.{host}/{key}`. */
  forcePathStyle: boolean;
  /** Prepended to every key (e.g. `cmcy/`), so one bucket can serve several deployments. */
  prefix: string;
  timeoutMs: number;
};

export type S3StorageOptions = {
  /** The transport (tests route virtual-hosted names to a loopback server through it). */
  fetch?: (req: Request) => Promise<Response>;
  /** Extra attempts on a network error or a 5xx/429 answer. */
  retries?: number;
};

const sha256Hex = (body: Uint8Array | string) => createHash('sha256').update(body).digest('hex');
const EMPTY_SHA256 = sha256Hex('');

/** The S3 error code in an XML error body (`<Code>NoSuchKey</Code>`), for log lines and errors. */
function s3ErrorCode(xml: string): string {
  return /<Code>([^<]+)<\/Code>/.exec(xml)?.[1] ?? 'Unknown';
}

export function createS3Storage(cfg: S3StorageConfig, opts: S3StorageOptions = {}): StoragePort {
  const aws = new AwsClient({
    accessKeyId: cfg.accessKeyId,
    secretAccessKey: cfg.secretAccessKey,
    service: 's3',
    region: cfg.region,
    retries: 0,
  });
  const send = opts.fetch ?? ((req: Request) => fetch(req));
  const retries = opts.retries ?? 2;
  const endpoint = new URL(cfg.endpoint);
  const base = endpoint.pathname.replace(/\/+$/, '');
  const prefix = cfg.prefix.replace(/^\/+/, '');
  if (prefix) assertStorageKey(`${prefix}x`);
  if (!/^[a-z0-9][a-z0-9.-]{1,62}$/.test(cfg.bucket)) throw new Error(`invalid bucket name: ${cfg.bucket}`);

  // Keys are limited to [a-z0-9/_.-] (assertStorageKey), so they need no percent-encoding.
  function urlOf(key: string): string {
    assertStorageKey(key);
    const objectPath = `/${prefix}${key}`;
    if (cfg.forcePathStyle) return `${endpoint.origin}${base}/${cfg.bucket}${objectPath}`;
    return `${endpoint.protocol}//${cfg.bucket}.${endpoint.host}${base}${objectPath}`;
  }

  async function call(method: string, key: string, body?: Uint8Array, contentType?: string) {
    const headers: Record<string, string> = {
      'x-amz-content-sha256': body ? sha256Hex(body) : EMPTY_SHA256,
    };
    if (contentType) headers['content-type'] = contentType;
    const url = urlOf(key);
    for (let attempt = 0; ; attempt++) {
      // Signed afresh on every attempt: x-amz-date must be current.
      const req = await aws.sign(url, { method, headers, body: body as BodyInit | undefined });
      let res: Response;
      try {
        res = await send(new Request(req, { signal: AbortSignal.timeout(cfg.timeoutMs) }));
      } catch (err) {
        if (attempt < retries) continue;
        throw new Error(`storage ${method} ${key}: ${String(err)}`);
      }
      if ((res.status >= 500 || res.status === 429) && attempt < retries) {
        await res.body?.cancel();
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        continue;
      }
      return res;
    }
  }

  async function fail(method: string, key: string, res: Response): Promise<never> {
    const text = method === 'HEAD' ? '' : await res.text().catch(() => '');
    throw new Error(`storage ${method} ${key}: HTTP ${res.status} ${s3ErrorCode(text)}`);
  }

  return {
    kind: 's3',
    async put(key, body, contentType) {
      const res = await call('PUT', key, body, contentType);
      if (!res.ok) return fail('PUT', key, res);
      await res.body?.cancel();
    },
    async get(key) {
      const res = await call('GET', key);
      if (res.status === 404) {
        await res.body?.cancel();
        return null;
      }
      if (!res.ok) return fail('GET', key, res);
      return {
        body: new Uint8Array(await res.arrayBuffer()),
        contentType: res.headers.get('content-type') ?? 'application/octet-stream',
      };
    },
    async has(key) {
      const res = await call('HEAD', key);
      await res.body?.cancel();
      if (res.status === 404) return false;
      if (!res.ok) return fail('HEAD', key, res);
      return true;
    },
    async delete(key) {
      const res = await call('DELETE', key);
      if (!res.ok && res.status !== 404) return fail('DELETE', key, res);
      await res.body?.cancel();
    },
  };
}

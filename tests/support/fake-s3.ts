/**
 * A fake S3-compatible server on loopback that speaks the real protocol closely enough to catch
 * a wrong signature: PUT / GET / HEAD / DELETE object, path-style (`/bucket/key`) and
 * virtual-hosted style (`Host: bucket.endpoint`), objects kept in memory.
 *
 * Every request must carry a valid AWS Signature Version 4 (Authorization header, x-amz-date,
 * x-amz-content-sha256), recomputed here from the raw request with the shared secret — written
 * independently of aws4fetch, following the AWS documentation ("Create a canonical request",
 * "Create a string to sign", "Calculate the signature"). Refusals answer the S3 XML error shape:
 * 403 SignatureDoesNotMatch / InvalidAccessKeyId / RequestTimeTooSkewed, 400
 * XAmzContentSHA256Mismatch (body not what was signed), 404 NoSuchKey / NoSuchBucket.
 */
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeS3Options = {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  buckets: string[];
};

type Obj = { body: Buffer; contentType: string };

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function xmlError(code: string, message: string, resource: string) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Resource>${resource}</Resource><RequestId>fake</RequestId></Error>`;
}

export type FakeS3 = {
  url: string;
  port: number;
  objects: Map<string, Obj>;
  /** Every request: method, bucket, key, and the status answered. */
  log: { method: string; bucket: string; key: string; status: number; style: 'path' | 'virtual' }[];
  /** Answer the next N requests with 500 InternalError (to test retries). */
  failNext: number;
  close(): Promise<void>;
};

export async function startFakeS3(opts: FakeS3Options): Promise<FakeS3> {
  const objects = new Map<string, Obj>();
  const state: FakeS3 = {
    url: '',
    port: 0,
    objects,
    log: [],
    failNext: 0,
    close: async () => {},
  };

  /** Returns an error code, or null when the signature is right. */
  function verify(req: http.IncomingMessage, rawPath: string, rawQuery: string, body: Buffer) {
    const auth = req.headers.authorization ?? '';
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (!m) return 'AccessDenied';
    const [, keyId, date, region, signedHeaders, signature] = m as unknown as string[];
    if (keyId !== opts.accessKeyId) return 'InvalidAccessKeyId';
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== date) return 'AccessDenied';
    const t = Date.UTC(
      +amzDate.slice(0, 4),
      +amzDate.slice(4, 6) - 1,
      +amzDate.slice(6, 8),
      +amzDate.slice(9, 11),
      +amzDate.slice(11, 13),
      +amzDate.slice(13, 15),
    );
    if (Math.abs(Date.now() - t) > 15 * 60_000) return 'RequestTimeTooSkewed';
    if (region !== opts.region) return 'SignatureDoesNotMatch';
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
    if (!payloadHash) return 'InvalidRequest';
    const names = signedHeaders!.split(';');
    if (!names.includes('host') || !names.includes('x-amz-date') || !names.includes('x-amz-content-sha256')) {
      return 'AccessDenied';
    }
    const canonicalHeaders = names
      .map((n) => {
        const v = req.headers[n];
        const value = Array.isArray(v) ? v.join(',') : (v ?? '');
        return `${n}:${String(value).trim().replace(/\s+/g, ' ')}\n`;
      })
      .join('');
    const canonicalUri = rawPath
      .split('/')
      .map((seg) => uriEncode(decodeURIComponent(seg)))
      .join('/');
    const canonicalQuery = rawQuery
      ? rawQuery
          .split('&')
          .map((p) => p.split('=').map((x) => uriEncode(decodeURIComponent(x ?? ''))))
          .sort(([a, av], [b, bv]) => (a! < b! ? -1 : a! > b! ? 1 : av! < bv! ? -1 : 1))
          .map(([k, v]) => `${k}=${v ?? ''}`)
          .join('&')
      : '';
    const canonicalRequest = [
      req.method,
      canonicalUri,
      canonicalQuery,
      canonicalHeaders,
      signedHeaders,
      payloadHash,
    ].join('\n');
    const scope = `${date}/${region}/s3/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
    const kDate = hmac(`AWS4${opts.secretAccessKey}`, date!);
    const kSigning = hmac(hmac(hmac(kDate, region!), 's3'), 'aws4_request');
    const expected = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
    if (expected !== signature) return 'SignatureDoesNotMatch';
    if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body))
      return 'XAmzContentSHA256Mismatch';
    return null;
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split('?');
      const hostName = String(req.headers.host ?? '').replace(/:\d+$/, '');
      const hostBucket = opts.buckets.find((b) => hostName.startsWith(`${b}.`));
      let bucket: string;
      let key: string;
      let style: 'path' | 'virtual';
      if (hostBucket) {
        bucket = hostBucket;
        key = decodeURIComponent(rawPath.slice(1));
        style = 'virtual';
      } else {
        const [, b = '', ...rest] = rawPath.split('/');
        bucket = decodeURIComponent(b);
        key = decodeURIComponent(rest.join('/'));
        style = 'path';
      }
      const send = (status: number, headers: Record<string, string>, payload?: Buffer | string) => {
        state.log.push({ method: req.method ?? '', bucket, key, status, style });
        res.writeHead(status, headers);
        res.end(req.method === 'HEAD' ? undefined : payload);
      };
      const error = (status: number, code: string, message: string) =>
        send(status, { 'content-type': 'application/xml' }, xmlError(code, message, rawPath));

      if (state.failNext > 0) {
        state.failNext--;
        return error(500, 'InternalError', 'We encountered an internal error. Please try again.');
      }
      const bad = verify(req, rawPath, rawQuery, body);
      if (bad === 'XAmzContentSHA256Mismatch') {
        return error(
          400,
          bad,
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
        );
      }
      if (bad === 'RequestTimeTooSkewed')
        return error(403, bad, 'The difference between the request time and the current time is too large.');
      if (bad)
        return error(
          403,
          bad,
          'The request signature we calculated does not match the signature you provided.',
        );
      if (!opts.buckets.includes(bucket))
        return error(404, 'NoSuchBucket', 'The specified bucket does not exist');
      if (!key) return error(400, 'InvalidRequest', 'Bucket operations are not supported by this fake');
      const id = `${bucket}/${key}`;
      switch (req.method) {
        case 'PUT': {
          objects.set(id, {
            body,
            contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'),
          });
          return send(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
        }
        case 'GET':
        case 'HEAD': {
          const o = objects.get(id);
          if (!o) return error(404, 'NoSuchKey', 'The specified key does not exist.');
          return send(
            200,
            { 'content-type': o.contentType, 'content-length': String(o.body.length) },
            o.body,
          );
        }
        case 'DELETE':
          objects.delete(id);
          return send(204, {});
        default:
          return error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  state.port = port;
  state.url = `http://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}

/**
 * A fetch that sends every request to the fake on loopback whatever its host name, keeping the
 * Host header the request was signed with — so virtual-hosted names (bucket.s3.test) work offline.
 */
export function loopbackFetch(port: number) {
  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => {
      headers[k] = v;
    });
    headers.host = url.host;
    if (body) headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const r = http.request(
        { host: '127.0.0.1', port, method: req.method, path: url.pathname + url.search, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
            const status = res.statusCode ?? 500;
            const nobody = req.method === 'HEAD' || status === 204;
            resolve(new Response(nobody ? null : Buffer.concat(chunks), { status, headers: h }));
          });
        },
      );
      r.on('error', reject);
      r.end(body);
    });
  };
}

/**
 * The storage port's contract, run over every adapter: the local folder, and S3-compatible
 * object storage (path-style and virtual-hosted) against a fake S3 server on loopback that
 * verifies SigV4 signatures independently. Then what only one adapter can show: the local
 * adapter's crash safety, the S3 adapter's refusal paths, retries and configuration.
 * (No database: lives under tests/api so it runs in the existing projects.)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/_lib/config';
import { createStorage, type StoragePort } from '../../api/_storage';
import { createLocalStorage } from '../../api/_storage/local';
import { createS3Storage, type S3StorageConfig } from '../../api/_storage/s3';
import { type FakeS3, loopbackFetch, startFakeS3 } from '../support/fake-s3';

const run = promisify(execFile);
const CREDS = {
  accessKeyId: 'AKIDTEST0001',
  secretAccessKey: 'test-secret-key-0123456789',
  region: 'ap-guangzhou',
};
const BUCKET = 'cmcy-1250000000';

let s3: FakeS3;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'cmcy-storage-test-'));
  dirs.push(d);
  return d;
};
const s3Config = (over: Partial<S3StorageConfig> = {}): S3StorageConfig => ({
  endpoint: s3.url,
  bucket: BUCKET,
  ...CREDS,
  forcePathStyle: true,
  prefix: '',
  timeoutMs: 2000,
  ...over,
});

beforeAll(async () => {
  s3 = await startFakeS3({ ...CREDS, buckets: [BUCKET] });
});
afterAll(async () => {
  await s3.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const adapters: [string, () => StoragePort][] = [
  ['local', () => createLocalStorage(tempDir())],
  ['s3 path-style', () => createS3Storage(s3Config())],
  [
    's3 virtual-hosted',
    () =>
      createS3Storage(s3Config({ endpoint: 'http://s3.test', forcePathStyle: false }), {
        fetch: loopbackFetch(s3.port),
      }),
  ],
];

describe.each(adapters)('storage contract: %s', (_name, make) => {
  let store: StoragePort;
  beforeAll(() => {
    store = make();
  });

  it('puts, gets back the same bytes and content type, and says it has it', async () => {
    const key = `media/v1/${crypto.randomUUID()}`;
    expect(await store.has(key)).toBe(false);
    await store.put(key, new TextEncoder().encode('你好，村民'), 'text/plain; charset=utf-8');
    expect(await store.has(key)).toBe(true);
    const got = await store.get(key);
    expect(new TextDecoder().decode(got!.body)).toBe('你好，村民');
    expect(got!.contentType).toBe('text/plain; charset=utf-8');
  });

  it('overwrites an object', async () => {
    const key = `media/v1/${crypto.randomUUID()}`;
    await store.put(key, new Uint8Array([1, 2, 3]), 'image/png');
    await store.put(key, new Uint8Array([9, 8]), 'image/jpeg');
    const got = await store.get(key);
    expect([...got!.body]).toEqual([9, 8]);
    expect(got!.contentType).toBe('image/jpeg');
  });

  it('round-trips every byte value of a binary object (≈3 MB)', async () => {
    const key = `media/v1/${crypto.randomUUID()}`;
    const body = new Uint8Array(3 * 1024 * 1024 + 7);
    for (let i = 0; i < body.length; i++) body[i] = (i * 131 + (i >> 8)) & 0xff;
    await store.put(key, body, 'application/octet-stream');
    const got = await store.get(key);
    expect(got!.body.length).toBe(body.length);
    expect(Buffer.compare(Buffer.from(got!.body), Buffer.from(body))).toBe(0);
  });

  it('a missing object is null / false, and deleting it is not an error', async () => {
    const key = `media/v1/${crypto.randomUUID()}`;
    expect(await store.get(key)).toBeNull();
    expect(await store.has(key)).toBe(false);
    await expect(store.delete(key)).resolves.toBeUndefined();
  });

  it('deletes an object', async () => {
    const key = `speech/${crypto.randomUUID()}.mp3`;
    await store.put(key, new Uint8Array([1]), 'audio/mpeg');
    await store.delete(key);
    expect(await store.has(key)).toBe(false);
    expect(await store.get(key)).toBeNull();
  });

  it('refuses keys that are not ours (traversal, absolute, upper case, side-file names)', async () => {
    for (const key of [
      '../etc/passwd',
      '/abs',
      'a//b',
      'Media/x',
      'a/../b',
      'x/',
      'x.type',
      'x.tmp',
      '',
      '图片.jpg',
    ]) {
      await expect(store.put(key, new Uint8Array([1]), 'image/png'), key).rejects.toThrow(
        /invalid storage key/,
      );
      await expect(store.get(key), key).rejects.toThrow(/invalid storage key/);
    }
  });
});

describe('local storage: a crash mid-write', () => {
  const child = path.join(import.meta.dirname, '../support/storage-crash-child.ts');
  const crash = (root: string, key: string, fill: number) =>
    run(process.execPath, ['--import', 'tsx', child, root, key, String(fill)]).then(
      () => 'exited',
      (e: { signal?: string }) => e.signal ?? 'failed',
    );

  it('leaves no object under the key (only a temporary file)', async () => {
    const root = tempDir();
    const key = 'media/v1/crashed';
    expect(await crash(root, key, 7)).toBe('SIGKILL');
    const store = createLocalStorage(root);
    expect(await store.has(key)).toBe(false);
    expect(await store.get(key)).toBeNull();
    // It really died mid-write: the partial temporary file is there.
    expect(readdirSync(path.join(root, 'media/v1')).some((f) => f.endsWith('.tmp'))).toBe(true);
  });

  it('keeps the previous object whole when overwriting it crashes', async () => {
    const root = tempDir();
    const key = 'media/v1/kept';
    const store = createLocalStorage(root);
    await store.put(key, new Uint8Array([1, 2, 3]), 'image/jpeg');
    expect(await crash(root, key, 9)).toBe('SIGKILL');
    const got = await store.get(key);
    expect([...got!.body]).toEqual([1, 2, 3]);
    expect(got!.contentType).toBe('image/jpeg');
  });
});

describe('s3 storage: what the server refuses and how the adapter answers', () => {
  it('signs correctly: the fake verified each request (path-style and virtual-hosted)', async () => {
    const key = `media/v1/${crypto.randomUUID()}`;
    await createS3Storage(s3Config()).put(key, new Uint8Array([1]), 'image/png');
    await createS3Storage(s3Config({ endpoint: 'http://s3.test', forcePathStyle: false }), {
      fetch: loopbackFetch(s3.port),
    }).put(`${key}-v`, new Uint8Array([2]), 'image/png');
    const mine = s3.log.filter((l) => l.key.startsWith(key));
    expect(mine.map((l) => [l.style, l.status])).toEqual([
      ['path', 200],
      ['virtual', 200],
    ]);
    expect(s3.objects.get(`${BUCKET}/${key}`)?.contentType).toBe('image/png');
  });

  it('a wrong secret is refused with SignatureDoesNotMatch and nothing is stored', async () => {
    const key = `media/v1/${crypto.randomUUID()}`;
    const bad = createS3Storage(s3Config({ secretAccessKey: 'not-the-secret' }));
    await expect(bad.put(key, new Uint8Array([1]), 'image/png')).rejects.toThrow(/403 SignatureDoesNotMatch/);
    await expect(bad.get(key)).rejects.toThrow(/403 SignatureDoesNotMatch/);
    expect(s3.objects.has(`${BUCKET}/${key}`)).toBe(false);
  });

  it('a wrong region or access key is refused too', async () => {
    const key = `media/v1/${crypto.randomUUID()}`;
    await expect(
      createS3Storage(s3Config({ region: 'ap-beijing' })).put(key, new Uint8Array([1]), 'image/png'),
    ).rejects.toThrow(/SignatureDoesNotMatch/);
    await expect(createS3Storage(s3Config({ accessKeyId: 'AKIDOTHER' })).has(key)).rejects.toThrow(/403/);
  });

  it('the fake answers a missing key with 404 NoSuchKey XML, and a forged signature with 403', async () => {
    const missing = await createS3Storage(s3Config(), {
      fetch: async (req) => {
        const res = await fetch(req);
        expect(res.status).toBe(404);
        expect(await res.clone().text()).toContain('<Code>NoSuchKey</Code>');
        return res;
      },
    }).get(`media/v1/${crypto.randomUUID()}`);
    expect(missing).toBeNull();

    // Sign properly, then change one hex digit of the signature: the fake must notice.
    const forged = createS3Storage(s3Config(), {
      fetch: async (req) => {
        const auth = req.headers.get('authorization')!;
        const last = auth.at(-1) === '0' ? '1' : '0';
        const headers = new Headers(req.headers);
        headers.set('authorization', auth.slice(0, -1) + last);
        const res = await fetch(new Request(req, { headers }));
        expect(await res.clone().text()).toContain('<Code>SignatureDoesNotMatch</Code>');
        return res;
      },
    });
    await expect(forged.get('media/v1/x')).rejects.toThrow(/403 SignatureDoesNotMatch/);
  });

  it('a body changed after signing is refused (the payload hash is signed)', async () => {
    const key = `media/v1/${crypto.randomUUID()}`;
    const tampered = createS3Storage(s3Config(), {
      fetch: (req) =>
        fetch(new Request(req, { body: new Uint8Array([6, 6, 6]), duplex: 'half' } as RequestInit)),
    });
    await expect(tampered.put(key, new Uint8Array([1, 2, 3]), 'image/png')).rejects.toThrow(
      /400 XAmzContentSHA256Mismatch/,
    );
    expect(s3.objects.has(`${BUCKET}/${key}`)).toBe(false);
  });

  it('retries a 500 and succeeds; gives up after the retries', async () => {
    const store = createS3Storage(s3Config());
    const key = `media/v1/${crypto.randomUUID()}`;
    s3.failNext = 2;
    await store.put(key, new Uint8Array([5]), 'image/png');
    expect([...(await store.get(key))!.body]).toEqual([5]);
    s3.failNext = 3;
    await expect(store.has(key)).rejects.toThrow(/500 InternalError|HTTP 500/);
    s3.failNext = 0;
  });

  it('puts every key under the configured prefix', async () => {
    const store = createS3Storage(s3Config({ prefix: 'deploy-a/' }));
    const key = `media/v1/${crypto.randomUUID()}`;
    await store.put(key, new Uint8Array([3]), 'image/png');
    expect(s3.objects.has(`${BUCKET}/deploy-a/${key}`)).toBe(true);
    expect(await createS3Storage(s3Config()).has(key)).toBe(false);
    expect(await store.has(key)).toBe(true);
  });

  it('an unreachable server is an error, not a missing object', async () => {
    const store = createS3Storage(s3Config({ endpoint: 'http://127.0.0.1:9', timeoutMs: 500 }), {
      retries: 0,
    });
    await expect(store.get('media/v1/x')).rejects.toThrow(/storage GET/);
  });
});

describe('createStorage picks the adapter from configuration', () => {
  it('local without a bucket; s3 when STORAGE_S3_BUCKET is set', () => {
    expect(createStorage(loadConfig({ STORAGE_DIR: tempDir() }).storage).kind).toBe('local');
    const cfg = loadConfig({
      STORAGE_S3_BUCKET: BUCKET,
      STORAGE_S3_ENDPOINT: 'https://cos.ap-guangzhou.myqcloud.com',
      STORAGE_S3_REGION: 'ap-guangzhou',
      STORAGE_S3_ACCESS_KEY_ID: 'AKID',
      STORAGE_S3_SECRET_ACCESS_KEY: 'secret',
      STORAGE_S3_FORCE_PATH_STYLE: '0',
      STORAGE_S3_PREFIX: 'prod/',
    });
    expect(cfg.storage.s3).toMatchObject({
      endpoint: 'https://cos.ap-guangzhou.myqcloud.com',
      forcePathStyle: false,
      prefix: 'prod/',
    });
    expect(createStorage(cfg.storage).kind).toBe('s3');
  });

  it('a bucket without credentials fails at start, naming what is missing', () => {
    expect(() => loadConfig({ STORAGE_S3_BUCKET: BUCKET, STORAGE_S3_REGION: 'ap-guangzhou' })).toThrow(
      /STORAGE_S3_ACCESS_KEY_ID, STORAGE_S3_SECRET_ACCESS_KEY/,
    );
  });

  it('AWS’s endpoint is the default', () => {
    const cfg = loadConfig({
      STORAGE_S3_BUCKET: 'b1',
      STORAGE_S3_REGION: 'eu-west-1',
      STORAGE_S3_ACCESS_KEY_ID: 'a',
      STORAGE_S3_SECRET_ACCESS_KEY: 's',
    });
    expect(cfg.storage.s3?.endpoint).toBe('https://s3.eu-west-1.amazonaws.com');
  });
});

/**
 * The mini-program's media helper (miniprogram/src/api/media.ts): what it sends through
 * wx.uploadFile and through fetch + FormData, the Idempotency-Key kept across retries, errors
 * surfaced as ApiError with the server's Chinese message, the early 10 MB refusal, and
 * downloading a file with the login header for <Image src>.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const { uploadFile, downloadFile } = vi.hoisted(() => ({ uploadFile: vi.fn(), downloadFile: vi.fn() }));
vi.mock('@tarojs/taro', async () => {
  const m = await import('./taro-mock');
  return { ...m, default: { ...m.default, uploadFile, downloadFile } };
});

import { ApiError } from '../../miniprogram/src/api/client';
import {
  type UploadRequest,
  createMediaClient,
  fetchDownloadTransport,
  fetchUploadTransport,
  taroDownloadTransport,
  taroUploadTransport,
} from '../../miniprogram/src/api/media';

const MEDIA = {
  id: '6f1f0b1e-4a3b-4c2d-9e8f-0123456789ab',
  purpose: 'matter_photo',
  mime: 'image/jpeg',
  size: 1234,
  status: 'pending_check',
  url: '/api/media/6f1f0b1e-4a3b-4c2d-9e8f-0123456789ab',
  createdAt: '2026-12-03T10:00:00.000Z',
};
const VILLAGE = '11111111-2222-4333-8444-555555555555';

function tokens(initial: string | null = 'tok-1') {
  let token = initial;
  return {
    get: () => token,
    set: (t: string) => {
      token = t;
    },
    clear: vi.fn(() => {
      token = null;
    }),
  };
}

function client(steps: ({ statusCode: number; data: unknown } | 'drop')[], t = tokens()) {
  const calls: UploadRequest[] = [];
  const sleeps: number[] = [];
  const onUnauthorized = vi.fn();
  const c = createMediaClient({
    baseUrl: '/api',
    tokens: t,
    upload: async (req) => {
      calls.push(req);
      const step = steps.shift() ?? 'drop';
      if (step === 'drop')
        throw Object.assign(new Error('uploadFile:fail timeout'), { errMsg: 'uploadFile:fail timeout' });
      return step;
    },
    onUnauthorized,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    newKey: () => 'key-0000-1111',
  });
  return { c, calls, sleeps, onUnauthorized, t };
}

beforeEach(() => {
  uploadFile.mockReset();
  downloadFile.mockReset();
});

describe('media.upload', () => {
  it('sends purpose, the file, the login and an Idempotency-Key; parses the text answer', async () => {
    const { c, calls } = client([{ statusCode: 201, data: JSON.stringify(MEDIA) }]);
    const got = await c.upload(VILLAGE, {
      filePath: 'wxfile://tmp_1.jpg',
      purpose: 'matter_photo',
      size: 1234,
    });
    expect(got).toEqual(MEDIA);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      url: `/api/villages/${VILLAGE}/media`,
      purpose: 'matter_photo',
      name: 'photo',
      source: { filePath: 'wxfile://tmp_1.jpg' },
      header: { Authorization: 'Bearer tok-1', 'Idempotency-Key': 'key-0000-1111' },
    });
  });

  it('retries a dropped upload and a 503 with the same key, then succeeds', async () => {
    const { c, calls, sleeps } = client([
      'drop',
      { statusCode: 503, data: '' },
      { statusCode: 201, data: MEDIA },
    ]);
    expect((await c.upload(VILLAGE, { filePath: 'wxfile://a', purpose: 'matter_voice' })).id).toBe(MEDIA.id);
    expect(calls.map((r) => r.header['Idempotency-Key'])).toEqual([
      'key-0000-1111',
      'key-0000-1111',
      'key-0000-1111',
    ]);
    expect(calls[0]!.name).toBe('voice');
    expect(sleeps).toHaveLength(2);
  });

  it('a refusal is final and carries the server’s Chinese message (an exe renamed .jpg)', async () => {
    const { c, calls } = client([
      {
        statusCode: 415,
        data: JSON.stringify({
          error: {
            code: 'MEDIA_TYPE_NOT_ALLOWED',
            message: '只能上传照片（jpg、png、webp、heic 格式）',
            requestId: 'r1',
          },
        }),
      },
    ]);
    const err = await c
      .upload(VILLAGE, { filePath: 'wxfile://virus.jpg', purpose: 'matter_photo' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'MEDIA_TYPE_NOT_ALLOWED', status: 415, requestId: 'r1' });
    expect(err.message).toContain('只能上传照片');
    expect(calls).toHaveLength(1);
  });

  it('refuses a file over 10 MB before sending anything', async () => {
    const { c, calls } = client([]);
    const err = await c
      .upload(VILLAGE, { filePath: 'wxfile://big.jpg', purpose: 'matter_photo', size: 20 * 1024 * 1024 })
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(err.message).toContain('10MB');
    expect(calls).toHaveLength(0);
  });

  it('401 clears the token and reports it', async () => {
    const { c, onUnauthorized, t } = client([
      {
        statusCode: 401,
        data: { error: { code: 'TOKEN_EXPIRED', message: '登录已过期，请重新登录', requestId: 'r' } },
      },
    ]);
    await expect(c.upload(VILLAGE, { filePath: 'x', purpose: 'matter_photo' })).rejects.toMatchObject({
      code: 'TOKEN_EXPIRED',
    });
    expect(t.clear).toHaveBeenCalled();
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('gives up after the retries with a network error in plain words', async () => {
    const { c, calls } = client(['drop', 'drop', 'drop', 'drop']);
    await expect(c.upload(VILLAGE, { filePath: 'x', purpose: 'matter_photo' })).rejects.toMatchObject({
      code: 'NETWORK',
      message: '网络不好，请检查网络后再试',
    });
    expect(calls).toHaveLength(4);
  });
});

describe('transports', () => {
  it('weapp: wx.uploadFile with name "file" and the purpose as form data', async () => {
    uploadFile.mockResolvedValue({ statusCode: 201, data: JSON.stringify(MEDIA), errMsg: 'uploadFile:ok' });
    const res = await taroUploadTransport({
      url: '/api/villages/v/media',
      header: { Authorization: 'Bearer t', 'Idempotency-Key': 'k1234567' },
      purpose: 'matter_voice',
      name: 'voice',
      source: { filePath: 'wxfile://rec.mp3' },
      timeout: 1000,
    });
    expect(uploadFile).toHaveBeenCalledWith(
      expect.objectContaining({
        url: '/api/villages/v/media',
        filePath: 'wxfile://rec.mp3',
        name: 'file',
        formData: { purpose: 'matter_voice' },
        header: { Authorization: 'Bearer t', 'Idempotency-Key': 'k1234567' },
      }),
    );
    expect(res.statusCode).toBe(201);
  });

  it('h5: fetch with FormData holding the purpose and the Blob', async () => {
    const seen: { url: string; init?: RequestInit }[] = [];
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      seen.push({ url, init });
      return new Response(JSON.stringify(MEDIA), { status: 201 });
    });
    vi.stubGlobal('fetch', fetchMock);
    try {
      const blob = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
      const res = await fetchUploadTransport({
        url: '/api/villages/v/media',
        header: { Authorization: 'Bearer t' },
        purpose: 'matter_photo',
        name: 'photo',
        source: { blob },
        timeout: 1000,
      });
      expect(res.statusCode).toBe(201);
      const body = seen[0]!.init!.body as FormData;
      expect(body).toBeInstanceOf(FormData);
      expect(body.get('purpose')).toBe('matter_photo');
      const file = body.get('file') as File;
      expect(file.size).toBe(3);
      expect(seen[0]!.init!.method).toBe('POST');
      expect(seen[0]!.init!.headers).toEqual({ Authorization: 'Bearer t' });

      // From a blob: URL (what chooseImage gives in h5): fetched first, then sent.
      // (A stand-in response: jsdom's FormData takes only jsdom's own Blob.)
      fetchMock.mockImplementationOnce(async () => ({ blob: async () => blob }) as unknown as Response);
      await fetchUploadTransport({
        url: '/api/villages/v/media',
        header: {},
        purpose: 'matter_photo',
        name: 'photo',
        source: { filePath: 'blob:http://localhost/abc' },
        timeout: 1000,
      });
      expect(fetchMock.mock.calls.at(-2)![0]).toBe('blob:http://localhost/abc');
      expect(((fetchMock.mock.calls.at(-1)![1] as RequestInit).body as FormData).get('file')).toBeInstanceOf(
        Blob,
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('media.download', () => {
  it('weapp: downloadFile with the login header gives a temp path for <Image src>', async () => {
    downloadFile.mockResolvedValue({
      statusCode: 200,
      tempFilePath: 'wxfile://tmp_photo',
      errMsg: 'downloadFile:ok',
    });
    const c = createMediaClient({ baseUrl: '/api', tokens: tokens(), download: taroDownloadTransport });
    expect(await c.download(MEDIA.id)).toBe('wxfile://tmp_photo');
    expect(downloadFile).toHaveBeenCalledWith(
      expect.objectContaining({ url: `/api/media/${MEDIA.id}`, header: { Authorization: 'Bearer tok-1' } }),
    );
  });

  it('a file the caller may not see is NOT_FOUND in plain words; h5 gives a blob URL', async () => {
    downloadFile.mockResolvedValue({ statusCode: 404, tempFilePath: '', errMsg: 'downloadFile:ok' });
    const c = createMediaClient({ baseUrl: '/api', tokens: tokens(), download: taroDownloadTransport });
    await expect(c.download(MEDIA.id)).rejects.toMatchObject({ code: 'NOT_FOUND', message: '没有找到' });

    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(new Uint8Array([1]), { status: 200 })),
    );
    const created = vi.fn(() => 'blob:http://localhost/1');
    const orig = URL.createObjectURL;
    URL.createObjectURL = created;
    try {
      const h5 = createMediaClient({
        baseUrl: '/api',
        tokens: tokens(),
        download: fetchDownloadTransport,
        sleep: async () => {},
      });
      expect(await h5.download(MEDIA.id)).toBe('blob:http://localhost/1');
    } finally {
      URL.createObjectURL = orig;
      vi.unstubAllGlobals();
    }
  });
});

/**
 * Uploading photos and voice recordings: POST /api/villages/{villageId}/media.
 * Happy paths per accepted type, the type read from the content (not the name or the claimed
 * type), the 10 MB limit (declared, undeclared and lying Content-Length), idempotency, rate
 * limits, who may upload, and that no refusal leaves a row or an object behind. (The content
 * check opens when an upload is attached to a matter: media-matters.test.ts.)
 */
import { readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, contentChecks, media } from '../../api/_db/schema';
import { MEDIA_MAX_BYTES } from '../../shared/media/rules';
import { VILLAGE_ROLES } from '../../shared/roles';
import { expectRefusedForAllBut } from '../support/access';
import { ALL_ACTOR_KEYS, type Actors, loadActors } from '../support/actors';
import { type FakeWechat, startFakeWechat } from '../support/fake-wechat';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';
import { sample, uploadForm, uploadTo } from '../support/media-samples';

describe.skipIf(DB_UNAVAILABLE)('media upload', () => {
  let wx: FakeWechat;
  let t: TestApp;
  let a: Actors;
  let villager: string;

  beforeAll(async () => {
    wx = await startFakeWechat({ appId: 'wx-test-app', secret: 'test-secret' });
    t = await createTestApp({
      wechatBase: wx.baseUrl,
      env: { WECHAT_TIMEOUT_MS: '400', PUBLIC_BASE_URL: 'https://cmcy.example.cn' },
    });
    a = await loadActors(t.db);
    villager = await t.loginAs(a.villager);
  });
  afterAll(async () => {
    await t?.close();
    await wx?.close();
  });
  beforeEach(() => {
    wx.state.reset();
  });

  const objects = () => {
    const out: string[] = [];
    const walk = (d: string) => {
      let entries: import('node:fs').Dirent[] = [];
      try {
        entries = readdirSync(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (!e.name.endsWith('.type')) out.push(p);
      }
    };
    walk(t.deps.config.storage.dir);
    return out.length;
  };
  const rows = async () => (await t.db.select({ id: media.id }).from(media)).length;
  /** Runs a refused upload and checks that it wrote nothing: no row, no object, no audit line. */
  const refusedCleanly = async <R extends { status: number }>(call: () => Promise<R>) => {
    const before = {
      rows: await rows(),
      objects: objects(),
      audit: (await t.db.select().from(auditLog)).length,
    };
    const res = await call();
    expect({
      rows: await rows(),
      objects: objects(),
      audit: (await t.db.select().from(auditLog)).length,
    }).toEqual(before);
    return res;
  };

  it.each([
    ['jpeg', sample.jpeg(), 'image/jpeg'],
    ['png', sample.png(), 'image/png'],
    ['webp', sample.webp(), 'image/webp'],
    ['heic (iPhone)', sample.heic(), 'image/heic'],
  ])(
    'a villager uploads a %s photo: saved, typed by content, visible to them alone until attached',
    async (_n, body, mime) => {
      const res = await uploadTo(t, villager, a.village.id, {
        purpose: 'matter_photo',
        body,
        filename: 'IMG_1.JPG',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        purpose: 'matter_photo',
        mime,
        size: body.length,
        status: 'pending_check',
      });
      expect(res.body.url).toBe(`/api/media/${res.body.id}`);
      const [row] = await t.db.select().from(media).where(eq(media.id, res.body.id));
      expect(row).toMatchObject({
        villageId: a.village.id,
        uploaderUserId: a.villager,
        mime,
        matterId: null,
      });
      const stored = await t.deps.storage.get(row!.storageKey);
      expect(Buffer.compare(Buffer.from(stored!.body), body)).toBe(0);
      // Not checked yet: the check opens when it is attached to a matter (media-matters.test.ts).
      expect(wx.state.requestsTo('media_check_async')).toHaveLength(0);
      expect(await t.db.select().from(contentChecks).where(eq(contentChecks.targetId, res.body.id))).toEqual(
        [],
      );
    },
  );

  it.each([
    ['mp3 (WeChat recorder)', sample.mp3(), 'audio/mpeg'],
    ['aac (WeChat recorder)', sample.aac(), 'audio/aac'],
    ['m4a', sample.m4a(), 'audio/mp4'],
    ['wav', sample.wav(), 'audio/wav'],
    ['webm (h5 MediaRecorder)', sample.webm(), 'audio/webm'],
    ['ogg (h5 MediaRecorder)', sample.ogg(), 'audio/ogg'],
  ])('a villager uploads a %s recording', async (_n, body, mime) => {
    const res = await uploadTo(t, villager, a.village.id, {
      purpose: 'matter_voice',
      body,
      filename: 'voice',
      type: 'application/octet-stream',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ purpose: 'matter_voice', mime, status: 'pending_check' });
    const stored = await t.deps.storage.get(`media/${a.village.id}/${res.body.id}`);
    expect(stored?.contentType).toBe(mime);
  });

  it('ignores the name and the claimed type: a PNG called voice.mp3 (audio/mpeg) is a PNG photo', async () => {
    const res = await uploadTo(t, villager, a.village.id, {
      purpose: 'matter_photo',
      body: sample.png(),
      filename: 'voice.mp3',
      type: 'audio/mpeg',
    });
    expect(res.status).toBe(201);
    expect(res.body.mime).toBe('image/png');
  });

  describe('bad input: a clear error and nothing written', () => {
    it('a 20 MB photo is refused (declared Content-Length) with a Chinese message', async () => {
      const res = await refusedCleanly(() =>
        uploadTo(t, villager, a.village.id, { purpose: 'matter_photo', body: sample.jpeg(20 * 1024 * 1024) }),
      );
      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        details: { maxBytes: MEDIA_MAX_BYTES },
      });
      expect(res.body.error.message).toContain('10MB');
    });

    it('a lying Content-Length cannot sneak 20 MB in: the bytes are counted while reading', async () => {
      const form = uploadForm({ purpose: 'matter_photo', body: sample.jpeg(20 * 1024 * 1024) });
      const real = new Request('http://x/', { method: 'POST', body: form });
      const body = await real.arrayBuffer();
      const res = await refusedCleanly(async () => {
        const r = await t.app.request(`/api/villages/${a.village.id}/media`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${villager}`,
            'content-type': real.headers.get('content-type')!,
            'content-length': '2048',
          },
          body,
        });
        return { status: r.status, body: await r.json() };
      });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('… nor a streamed body without Content-Length', async () => {
      const form = uploadForm({ purpose: 'matter_photo', body: sample.jpeg(11 * 1024 * 1024) });
      const real = new Request('http://x/', { method: 'POST', body: form });
      const bytes = new Uint8Array(await real.arrayBuffer());
      const stream = new ReadableStream<Uint8Array>({
        start(ctl) {
          for (let i = 0; i < bytes.length; i += 1 << 20) ctl.enqueue(bytes.subarray(i, i + (1 << 20)));
          ctl.close();
        },
      });
      const res = await refusedCleanly(async () => {
        const r = await t.app.request(`/api/villages/${a.village.id}/media`, {
          method: 'POST',
          headers: { authorization: `Bearer ${villager}`, 'content-type': real.headers.get('content-type')! },
          body: stream,
          duplex: 'half',
        } as RequestInit);
        return { status: r.status, body: await r.json() };
      });
      expect(res.status).toBe(413);
    });

    it('exactly 10 MB is accepted (the limit is inclusive)', async () => {
      const res = await uploadTo(t, villager, a.village.id, {
        purpose: 'matter_photo',
        body: sample.jpeg(MEDIA_MAX_BYTES),
      });
      expect(res.status).toBe(201);
      expect(res.body.size).toBe(MEDIA_MAX_BYTES);
    });

    it.each([
      ['a Windows executable renamed photo.jpg', () => sample.exe(), 'application/x-msdownload'],
      ['a Linux executable renamed photo.jpg', () => sample.elf(), 'application/x-elf'],
      ['a GIF', () => sample.gif(), 'image/gif'],
      ['a recording sent as a photo', () => sample.mp3(), 'audio/mpeg'],
    ])('%s is not a photo: MEDIA_TYPE_NOT_ALLOWED', async (_n, make, detected) => {
      const res = await refusedCleanly(() =>
        uploadTo(t, villager, a.village.id, {
          purpose: 'matter_photo',
          body: make(),
          filename: 'photo.jpg',
          type: 'image/jpeg',
        }),
      );
      expect(res.status).toBe(415);
      expect(res.body.error).toMatchObject({ code: 'MEDIA_TYPE_NOT_ALLOWED', details: { detected } });
      expect(res.body.error.message).toContain('只能上传照片');
    });

    it('a text file sent as audio (voice.mp3, audio/mpeg) is refused', async () => {
      const res = await refusedCleanly(() =>
        uploadTo(t, villager, a.village.id, {
          purpose: 'matter_voice',
          body: sample.text(),
          filename: 'voice.mp3',
          type: 'audio/mpeg',
        }),
      );
      expect(res.status).toBe(415);
      expect(res.body.error).toMatchObject({ code: 'MEDIA_TYPE_NOT_ALLOWED', details: { detected: null } });
      expect(res.body.error.message).toContain('只能上传录音');
    });

    it('a photo sent as a recording is refused', async () => {
      const res = await refusedCleanly(() =>
        uploadTo(t, villager, a.village.id, { purpose: 'matter_voice', body: sample.jpeg() }),
      );
      expect(res.body.error.code).toBe('MEDIA_TYPE_NOT_ALLOWED');
    });

    it('no purpose, an unknown purpose, no file, an empty file, JSON instead of multipart', async () => {
      const noPurpose = await refusedCleanly(() =>
        uploadTo(t, villager, a.village.id, { body: sample.jpeg() }),
      );
      expect(noPurpose.status).toBe(400);
      expect(noPurpose.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { field: 'purpose' },
      });
      const unknown = await refusedCleanly(() =>
        uploadTo(t, villager, a.village.id, { purpose: 'avatar', body: sample.jpeg() }),
      );
      expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
      const form = new FormData();
      form.set('purpose', 'matter_photo');
      form.set('file', 'not a file');
      const noFile = await refusedCleanly(() =>
        t.request('POST', `/api/villages/${a.village.id}/media`, { token: villager, raw: form }),
      );
      expect(noFile.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'file' } });
      const empty = await refusedCleanly(() =>
        uploadTo(t, villager, a.village.id, { purpose: 'matter_photo', body: new Uint8Array() }),
      );
      expect(empty.status).toBe(400);
      const asJson = await refusedCleanly(() =>
        t.request('POST', `/api/villages/${a.village.id}/media`, {
          token: villager,
          body: { purpose: 'matter_photo' },
        }),
      );
      expect(asJson.status).toBe(415);
      expect(asJson.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const broken = await refusedCleanly(() =>
        t.request('POST', `/api/villages/${a.village.id}/media`, {
          token: villager,
          raw: '--x\r\nnot really multipart',
          headers: { 'content-type': 'multipart/form-data; boundary=x' },
        }),
      );
      expect(broken.status).toBe(400);
    });
  });

  describe('over real HTTP (the Node server)', () => {
    const listen = async () => {
      const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise<void>((r) => server.once('listening', () => r()));
      return { server, port: (server.address() as AddressInfo).port };
    };

    it('a 3 MB photo (over the 1 MB JSON limit) uploads; 20 MB is refused before it is read', async () => {
      const { server, port } = await listen();
      try {
        const body = sample.jpeg(3 * 1024 * 1024);
        const res = await fetch(`http://127.0.0.1:${port}/api/villages/${a.village.id}/media`, {
          method: 'POST',
          headers: { authorization: `Bearer ${villager}` },
          body: uploadForm({ purpose: 'matter_photo', body }),
        });
        expect(res.status).toBe(201);
        expect(((await res.json()) as { size: number }).size).toBe(body.length);

        // 20 MB announced: the answer comes while the client is still sending.
        const before = { rows: await rows(), objects: objects() };
        const big = await new Promise<{ status: number; sent: number; text: string }>((resolve, reject) => {
          let sent = 0;
          const req = http.request(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: `/api/villages/${a.village.id}/media`,
              headers: {
                authorization: `Bearer ${villager}`,
                'content-type': 'multipart/form-data; boundary=b0undary',
                'content-length': String(20 * 1024 * 1024),
              },
            },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => {
                text += c.toString();
              });
              res.on('end', () => {
                resolve({ status: res.statusCode ?? 0, sent, text });
                req.destroy();
              });
            },
          );
          req.on('error', (e) => (sent > 0 ? undefined : reject(e)));
          const chunk = Buffer.alloc(64 * 1024, 1);
          const pump = () => {
            while (sent < 20 * 1024 * 1024) {
              sent += chunk.length;
              if (!req.write(chunk)) return void req.once('drain', pump);
            }
            req.end();
          };
          pump();
        });
        expect(big.status).toBe(413);
        expect(JSON.parse(big.text).error.code).toBe('PAYLOAD_TOO_LARGE');
        expect(big.sent).toBeLessThan(20 * 1024 * 1024);
        expect({ rows: await rows(), objects: objects() }).toEqual(before);
      } finally {
        server.close();
      }
    });
  });

  describe('idempotency', () => {
    it('a retry with the same key and file answers the same media, once', async () => {
      const body = sample.jpeg();
      const key = `upload-${crypto.randomUUID()}`;
      const first = await uploadTo(t, villager, a.village.id, { purpose: 'matter_photo', body, key });
      const again = await uploadTo(t, villager, a.village.id, { purpose: 'matter_photo', body, key });
      expect(first.status).toBe(201);
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replay')).toBe('true');
      expect(again.body.id).toBe(first.body.id);
      expect(await t.db.select().from(media).where(eq(media.idempotencyKey, key))).toHaveLength(1);
    });

    it('the same key for another file is a mismatch; two at once make one row', async () => {
      const key = `upload-${crypto.randomUUID()}`;
      await uploadTo(t, villager, a.village.id, { purpose: 'matter_photo', body: sample.jpeg(), key });
      const other = await uploadTo(t, villager, a.village.id, {
        purpose: 'matter_photo',
        body: sample.jpeg(),
        key,
      });
      expect(other.status).toBe(422);
      expect(other.body.error.code).toBe('IDEMPOTENCY_MISMATCH');

      const raceKey = `upload-${crypto.randomUUID()}`;
      const body = sample.png();
      const both = await Promise.all(
        [1, 2, 3].map(() =>
          uploadTo(t, villager, a.village.id, { purpose: 'matter_photo', body, key: raceKey }),
        ),
      );
      expect(new Set(both.map((r) => r.body.id)).size).toBe(1);
      expect(await t.db.select().from(media).where(eq(media.idempotencyKey, raceKey))).toHaveLength(1);
    });

    it('a malformed key is refused', async () => {
      const res = await uploadTo(t, villager, a.village.id, {
        purpose: 'matter_photo',
        body: sample.jpeg(),
        key: 'bad key!',
      });
      expect(res.status).toBe(400);
    });
  });

  describe('who may upload', () => {
    it('every role of the village; nobody outside it (another village, town, county, newcomer, anonymous)', async () => {
      for (const role of VILLAGE_ROLES) {
        const res = await uploadTo(t, await t.loginAs(a[role]), a.village.id, {
          purpose: 'matter_photo',
          body: sample.jpeg(),
        });
        expect({ role, status: res.status }).toEqual({ role, status: 201 });
      }
      for (const key of ALL_ACTOR_KEYS) await t.loginAs(a[key]);
      const checked = await refusedCleanly(() =>
        expectRefusedForAllBut(t, a, [...VILLAGE_ROLES], (token) =>
          uploadTo(t, token, a.village.id, { purpose: 'matter_photo', body: sample.jpeg() }),
        ).then(() => ({ status: 0, body: null })),
      );
      expect(checked.status).toBe(0);
    });

    it('a member of another village uploading into this one: NOT_FOUND, even with their own village’s id valid', async () => {
      const outsider = await t.loginAs(a.outsider);
      expect(
        (await uploadTo(t, outsider, a.other.id, { purpose: 'matter_photo', body: sample.jpeg() })).status,
      ).toBe(201);
      const res = await uploadTo(t, outsider, a.village.id, { purpose: 'matter_photo', body: sample.jpeg() });
      expect(res.status).toBe(404);
    });
  });

  describe('rate limits (registry: media:upload per user, media:upload-village per village)', () => {
    it('a user over their limit is refused with Retry-After; nothing written', async () => {
      const user = a.party_member;
      for (let i = 0; i < 60; i++) await t.deps.redis.rateLimit('media:upload', user);
      const token = await t.loginAs(user);
      const res = await refusedCleanly(() =>
        uploadTo(t, token, a.village.id, { purpose: 'matter_photo', body: sample.jpeg() }),
      );
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('RATE_LIMITED');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('a village over its limit refuses everyone in it, not other villages', async () => {
      for (let i = 0; i < 600; i++) await t.deps.redis.rateLimit('media:upload-village', a.other.id);
      const res = await uploadTo(t, await t.loginAs(a.outsider), a.other.id, {
        purpose: 'matter_photo',
        body: sample.jpeg(),
      });
      expect(res.status).toBe(429);
      const here = await uploadTo(t, villager, a.village.id, {
        purpose: 'matter_photo',
        body: sample.jpeg(),
      });
      expect(here.status).toBe(201);
    });
  });
});

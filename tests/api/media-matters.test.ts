/**
 * Media with matters: attaching uploads when raising a matter and with a workflow action (resolve
 * with photos), every way an id can be wrong (each a clear error with nothing half-written), and
 * GET /api/media/{id} — who may fetch a file, before and after WeChat's verdict, for every role
 * and another village. The verdicts arrive as signed pushes from a fake WeChat.
 */
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentChecks, matterEvents, matters, media } from '../../api/_db/schema';
import { sweepAbandonedMedia } from '../../api/_media/sweep';
import {
  ALL_ACTOR_KEYS,
  type ActorKey,
  type Actors,
  loadActors,
  plainVillagerInGridOf,
} from '../support/actors';
import { type FakeWechat, startFakeWechat } from '../support/fake-wechat';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';
import { sample, uploadTo } from '../support/media-samples';

const TOKEN = 'push-token-media-0123456789';

describe.skipIf(DB_UNAVAILABLE)('media attached to matters', () => {
  let wx: FakeWechat;
  let t: TestApp;
  let a: Actors;
  let base: string;
  /** A villager (villager role only) of the seeded grid worker's grid. */
  let author: string;

  beforeAll(async () => {
    wx = await startFakeWechat({ appId: 'wx-test-app', secret: 'test-secret' });
    t = await createTestApp({
      wechatBase: wx.baseUrl,
      env: { WECHAT_TIMEOUT_MS: '400', WECHAT_PUSH_TOKEN: TOKEN, PUBLIC_BASE_URL: 'https://cmcy.example.cn' },
    });
    wx.state.content.configurePush({ token: TOKEN, deliver: async (p, init) => t.app.request(p, init) });
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}/matters`;
    author = await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker);
  });
  afterAll(async () => {
    await t?.close();
    await wx?.close();
  });

  const upload = async (userId: string, purpose = 'matter_photo', villageId = a.village.id) => {
    const body = purpose === 'matter_photo' ? sample.jpeg() : sample.mp3();
    const res = await uploadTo(t, await t.loginAs(userId), villageId, { purpose, body });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const verdict = async (mediaId: string, suggest: 'pass' | 'risky') => {
    const [check] = await t.db.select().from(contentChecks).where(eq(contentChecks.targetId, mediaId));
    const res = await wx.state.content.pushMediaVerdict(check!.traceId!, suggest);
    expect(res.status).toBe(200);
  };
  const raise = async (userId: string, body: Record<string, unknown>) =>
    t.request('POST', base, {
      token: await t.loginAs(userId),
      body: { kind: 'complaint', category: 'roads', text: '村口的路灯坏了三天了', ...body },
    });
  const act = async (userId: string, matterId: string, body: Record<string, unknown>) =>
    t.request('POST', `${base}/${matterId}/actions`, { token: await t.loginAs(userId), body });
  const fetchMedia = async (userId: string | null, id: string, headers: Record<string, string> = {}) => {
    const res = await t.app.request(`/api/media/${id}`, {
      headers: { ...headers, ...(userId ? { authorization: `Bearer ${await t.loginAs(userId)}` } : {}) },
    });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  /** What a refusal must leave untouched: matters, timeline rows, attachments. */
  const snapshot = async () => ({
    matters: (await t.db.select({ id: matters.id }).from(matters)).length,
    events: (await t.db.select({ id: matterEvents.id }).from(matterEvents)).length,
    attached: (await t.db.select({ id: media.id }).from(media).where(isNotNull(media.matterId))).length,
  });
  const refusedCleanly = async (call: () => Promise<{ status: number; body: any }>) => {
    const before = await snapshot();
    const res = await call();
    expect(await snapshot()).toEqual(before);
    return res;
  };

  describe('raising with photos and a voice', () => {
    it('a retry (same idempotency key) is answered from its record: one matter, the photo attached once', async () => {
      // Not `author`: each attempt spends a token of the sender's hourly raise limit.
      const sender = a.representative;
      const photo = await upload(sender);
      const key = crypto.randomUUID();
      const send = async () =>
        t.request('POST', base, {
          token: await t.loginAs(sender),
          headers: { 'idempotency-key': key },
          body: { kind: 'complaint', category: 'roads', text: '带照片重发的事项', photoIds: [photo] },
        });
      const [x, y] = await Promise.all([send(), send()]);
      const again = await send();
      expect([x.status, y.status, again.status]).toEqual([201, 201, 201]);
      expect(y.body.id).toBe(x.body.id);
      expect(again.body.id).toBe(x.body.id);
      expect(again.headers.get('idempotent-replay')).toBe('true');
      const rows = await t.db.select().from(matters).where(eq(matters.text, '带照片重发的事项'));
      expect(rows.map((m) => m.photoIds)).toEqual([[photo]]);
      const attached = await t.db.select().from(media).where(eq(media.matterId, x.body.id));
      expect(attached.map((m) => m.id)).toEqual([photo]);
    });

    it('attaches the uploads in the same transaction; the author sees them', async () => {
      const photos = [await upload(author), await upload(author), await upload(author)];
      const voice = await upload(author, 'matter_voice');
      const res = await raise(author, { photoIds: photos, voice: { fileId: voice, durationS: 12 } });
      expect(res.status).toBe(201);
      const rows = await t.db.select().from(media).where(eq(media.matterId, res.body.id));
      expect(rows.map((r) => r.id).sort()).toEqual([...photos, voice].sort());
      expect(rows.every((r) => r.attachedAt !== null && r.matterEventId === null)).toBe(true);
      const detail = await t.request('GET', `${base}/${res.body.id}`, { token: await t.loginAs(author) });
      expect(detail.body.photoIds).toEqual(photos);
      expect(detail.body.voice).toEqual({ fileId: voice, durationS: 12 });
    });

    it('nine photos is the most: ten is a clear error, nothing written', async () => {
      const ids = await Promise.all(Array.from({ length: 10 }, () => upload(author)));
      const res = await refusedCleanly(() => raise(author, { photoIds: ids }));
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error)).toContain('照片最多9张');
      const nine = await raise(author, { photoIds: ids.slice(0, 9) });
      expect(nine.status).toBe(201);
    });

    it('another village’s media id: MEDIA_NOT_ATTACHABLE (not_found), nothing written', async () => {
      const theirs = await upload(a.outsider, 'matter_photo', a.other.id);
      const res = await refusedCleanly(() => raise(author, { photoIds: [theirs] }));
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({
        code: 'MEDIA_NOT_ATTACHABLE',
        details: { items: [{ id: theirs, reason: 'not_found' }] },
      });
      expect(res.body.error.message).toBe('有照片或录音找不到了，请重新上传');
      // … and an id that exists nowhere is the same.
      const none = await refusedCleanly(() => raise(author, { photoIds: [crypto.randomUUID()] }));
      expect(none.body.error.details.items[0].reason).toBe('not_found');
    });

    it('someone else’s upload (same village): not_yours', async () => {
      const neighbours = await upload(a.representative);
      const mine = await upload(author);
      const res = await refusedCleanly(() => raise(author, { photoIds: [mine, neighbours] }));
      expect(res.status).toBe(422);
      expect(res.body.error.details.items).toEqual([{ id: neighbours, reason: 'not_yours' }]);
      expect(res.body.error.message).toBe('只能用自己上传的照片或录音');
    });

    it('a recording as a photo, or a photo as the voice: wrong_purpose', async () => {
      const voice = await upload(author, 'matter_voice');
      const photo = await upload(author);
      const r1 = await refusedCleanly(() => raise(author, { photoIds: [voice] }));
      expect(r1.body.error.details.items).toEqual([{ id: voice, reason: 'wrong_purpose' }]);
      const r2 = await refusedCleanly(() => raise(author, { voice: { fileId: photo, durationS: 3 } }));
      expect(r2.body.error.details.items).toEqual([{ id: photo, reason: 'wrong_purpose' }]);
    });

    it('a photo already on another matter: already_attached; the same photo twice: refused', async () => {
      const photo = await upload(author);
      expect((await raise(author, { photoIds: [photo] })).status).toBe(201);
      const again = await refusedCleanly(() => raise(author, { photoIds: [photo] }));
      expect(again.body.error.details.items).toEqual([{ id: photo, reason: 'already_attached' }]);
      const fresh = await upload(author);
      const twice = await refusedCleanly(() => raise(author, { photoIds: [fresh, fresh] }));
      expect(twice.status).toBe(400);
      expect(twice.body.error.message).toBe('同一张照片只能用一次');
    });

    it('two matters racing for one photo: one gets it, the other is refused whole', async () => {
      const photo = await upload(author);
      const before = await snapshot();
      const results = await Promise.all([
        raise(author, { photoIds: [photo] }),
        raise(author, { photoIds: [photo] }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
      const after = await snapshot();
      expect(after).toEqual({
        matters: before.matters + 1,
        events: before.events + 1,
        attached: before.attached + 1,
      });
    });

    it('a grid worker raising on a villager’s behalf attaches the photos they took themselves', async () => {
      const photo = await upload(a.grid_worker);
      const res = await raise(a.grid_worker, {
        photoIds: [photo],
        onBehalfOf: { villagerId: author, consent: { method: 'in_person', at: new Date().toISOString() } },
      });
      expect(res.status).toBe(201);
      const [row] = await t.db.select().from(media).where(eq(media.id, photo));
      expect(row!.matterId).toBe(res.body.id);
      // The villager can fetch the photo of their matter; the grid worker too.
      expect((await fetchMedia(author, photo)).status).toBe(200);
      // A villager's own upload cannot be attached by the grid worker.
      const villagers = await upload(author);
      const refused = await refusedCleanly(() =>
        raise(a.grid_worker, {
          photoIds: [villagers],
          onBehalfOf: { villagerId: author, consent: { method: 'phone', at: new Date().toISOString() } },
        }),
      );
      expect(refused.body.error.details.items).toEqual([{ id: villagers, reason: 'not_yours' }]);
    });
  });

  describe('the content check opens when files are attached', () => {
    it('each photo (image) and the voice (audio) go to WeChat from a signed URL that serves exactly the file', async () => {
      const photoBody = sample.jpeg();
      const photo = (
        await uploadTo(t, await t.loginAs(author), a.village.id, { purpose: 'matter_photo', body: photoBody })
      ).body.id as string;
      const voice = await upload(author, 'matter_voice');
      wx.state.reset();
      const res = await raise(author, { photoIds: [photo], voice: { fileId: voice, durationS: 4 } });
      expect(res.status).toBe(201);
      const calls = wx.state
        .requestsTo('media_check_async')
        .map((c) => c.json as { media_url: string; media_type: number });
      expect(calls.map((c) => c.media_type).sort()).toEqual([1, 2]);
      const checks = await t.db
        .select()
        .from(contentChecks)
        .where(inArray(contentChecks.targetId, [photo, voice]));
      expect(checks.map((c) => [c.targetId, c.targetType, c.mediaType, c.status]).sort()).toEqual(
        [
          [photo, 'media', 'image', 'pending'],
          [voice, 'media', 'audio', 'pending'],
        ].sort(),
      );
      const url = new URL(calls.find((c) => c.media_type === 2)!.media_url);
      expect(url.origin).toBe('https://cmcy.example.cn');
      expect(url.pathname).toBe(`/api/media/${photo}/signed`);
      // WeChat downloads it without a login …
      const fetched = await t.app.request(url.pathname + url.search);
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get('content-type')).toBe('image/jpeg');
      expect(Buffer.compare(Buffer.from(await fetched.arrayBuffer()), photoBody)).toBe(0);
      // … and a forged, expired or borrowed signature opens nothing.
      const e = url.searchParams.get('e')!;
      const sig = url.searchParams.get('s')!;
      const tries = [
        `${url.pathname}?e=${e}&s=${sig.slice(0, -2)}AA`,
        `${url.pathname}?e=${Number(e) + 1}&s=${sig}`,
        `/api/media/${voice}/signed?e=${e}&s=${sig}`,
        `${url.pathname}`,
      ];
      for (const p of tries)
        expect({ p, status: (await t.app.request(p)).status }).toEqual({ p, status: 404 });
    });

    it('an upload that is never attached is never sent to WeChat nor to a reviewer', async () => {
      wx.state.reset();
      const id = await upload(author);
      expect(wx.state.requestsTo('media_check_async')).toHaveLength(0);
      expect(await t.db.select().from(contentChecks).where(eq(contentChecks.targetId, id))).toEqual([]);
    });

    it('WeChat unreachable: the matter is saved, its photo held for a reviewer and not public', async () => {
      const photo = await upload(author);
      wx.state.down = true;
      const res = await raise(author, { photoIds: [photo], visibility: 'public' });
      wx.state.down = false;
      expect(res.status).toBe(201);
      const [check] = await t.db.select().from(contentChecks).where(eq(contentChecks.targetId, photo));
      expect(check).toMatchObject({ status: 'review', label: 'unreachable' });
    });

    it('a matter about a cadre files its photos for the supervisors, not the cadres', async () => {
      const photo = await upload(author);
      const res = await raise(author, { photoIds: [photo], aboutCadre: true });
      expect(res.status).toBe(201);
      const [check] = await t.db.select().from(contentChecks).where(eq(contentChecks.targetId, photo));
      expect(check!.targetType).toBe('media.supervised');
      // The village's cadres cannot fetch it; the supervisor (who holds the matter) can.
      expect((await fetchMedia(a.cadre, photo)).status).toBe(404);
      expect((await fetchMedia(a.supervisor, photo)).status).toBe(200);
    });
  });

  describe('resolving with photos (action photoIds)', () => {
    it('attaches them to the timeline row; the author sees them; bad ids change nothing', async () => {
      const m = await raise(author, {});
      expect((await act(a.grid_worker, m.body.id, { action: 'accept' })).status).toBe(200);
      expect((await act(a.grid_worker, m.body.id, { action: 'route_handle' })).status).toBe(200);
      const ten = await Promise.all(Array.from({ length: 10 }, () => upload(a.grid_worker)));
      const tooMany = await refusedCleanly(() =>
        act(a.grid_worker, m.body.id, { action: 'resolve', note: '已修好', photoIds: ten }),
      );
      expect(tooMany.status).toBe(400);
      const notMine = await upload(author);
      const wrong = await refusedCleanly(() =>
        act(a.grid_worker, m.body.id, { action: 'resolve', note: '已修好', photoIds: [notMine] }),
      );
      expect(wrong.body.error.code).toBe('MEDIA_NOT_ATTACHABLE');
      expect((await t.db.select().from(matters).where(eq(matters.id, m.body.id)))[0]!.state).not.toBe(
        'resolved',
      );

      const res = await act(a.grid_worker, m.body.id, {
        action: 'resolve',
        note: '已修好',
        photoIds: ten.slice(0, 2),
      });
      expect(res.status).toBe(200);
      const detail = await t.request('GET', `${base}/${m.body.id}`, { token: await t.loginAs(author) });
      const resolved = detail.body.timeline.find((e: { action: string }) => e.action === 'resolve');
      expect(resolved.photoIds).toEqual(ten.slice(0, 2));
      expect((await fetchMedia(author, ten[0]!)).status).toBe(200);
    });
  });

  describe('GET /api/media/{id}', () => {
    it('serves the bytes with their type, private immutable caching and an ETag (304 on a match)', async () => {
      const body = sample.png();
      const up = await uploadTo(t, await t.loginAs(author), a.village.id, { purpose: 'matter_photo', body });
      const res = await fetchMedia(author, up.body.id);
      expect(res.status).toBe(200);
      expect(Buffer.compare(res.bytes, body)).toBe(0);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const etag = res.headers.get('etag')!;
      const again = await fetchMedia(author, up.body.id, { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(again.bytes.length).toBe(0);
    });

    it('an unattached upload: only its uploader (everyone else, any role, another village: 404)', async () => {
      const id = await upload(author);
      expect((await fetchMedia(author, id)).status).toBe(200);
      for (const key of ALL_ACTOR_KEYS) {
        if (a[key] === author) continue;
        expect({ key, status: (await fetchMedia(a[key], id)).status }).toEqual({ key, status: 404 });
      }
      expect((await fetchMedia(null, id)).status).toBe(401);
    });

    it('a private matter’s photo: its full viewers, nobody else', async () => {
      const photo = await upload(author);
      const m = await raise(author, { photoIds: [photo] });
      expect(m.status).toBe(201);
      // author, the grid's worker, the village cadre see the matter in full; supervisors see only
      // matters about cadres; the others are villagers without access, or outside the village.
      const allowed: ActorKey[] = ['grid_worker', 'cadre'];
      expect((await fetchMedia(author, photo)).status).toBe(200);
      for (const key of ALL_ACTOR_KEYS) {
        if (a[key] === author) continue;
        const want = allowed.includes(key) ? 200 : 404;
        expect({ key, status: (await fetchMedia(a[key], photo)).status }).toEqual({ key, status: want });
      }
    });

    it('a public matter’s photo: others only once the check passed; a refused one reaches nobody but its uploader', async () => {
      const [p1, p2] = [await upload(author), await upload(author)];
      const m = await raise(author, { photoIds: [p1, p2], visibility: 'public' });
      expect(m.status).toBe(201);
      const neighbour = a.representative;
      expect(neighbour).not.toBe(author);
      const seen = async () =>
        (await t.request('GET', `${base}/${m.body.id}`, { token: await t.loginAs(neighbour) })).body;
      // Not checked yet: the neighbour sees the (text-checked) public matter but not the photos.
      expect((await seen()).masked).toBe(true);
      expect((await seen()).photoIds).toEqual([]);
      expect((await fetchMedia(neighbour, p1)).status).toBe(404);
      expect((await fetchMedia(a.grid_worker, p1)).status).toBe(200); // full viewer: before the check too

      await verdict(p1, 'pass');
      await verdict(p2, 'risky');
      expect((await seen()).photoIds).toEqual([p1]);
      expect((await fetchMedia(neighbour, p1)).status).toBe(200);
      expect((await t.db.select().from(media).where(eq(media.id, p1)))[0]!.status).toBe('ok');
      expect((await fetchMedia(neighbour, p2)).status).toBe(404);
      expect((await fetchMedia(a.grid_worker, p2)).status).toBe(404);
      expect((await fetchMedia(author, p2)).status).toBe(200);
      const full = await t.request('GET', `${base}/${m.body.id}`, { token: await t.loginAs(a.grid_worker) });
      expect(full.body.photoIds).toEqual([p1]); // the refused one is not listed for full viewers either
      expect((await t.db.select().from(media).where(eq(media.id, p2)))[0]!.status).toBe('risky');
      // Another village, the town and the county never see it (the matter is at the grid level).
      for (const key of ['outsider', 'town_officer', 'county_officer', 'newcomer'] as const) {
        expect({ key, status: (await fetchMedia(a[key], p1)).status }).toEqual({ key, status: 404 });
      }
    });

    it('a voice recording stays with full viewers even on a public matter (a voice identifies its speaker)', async () => {
      const voice = await upload(author, 'matter_voice');
      const m = await raise(author, { voice: { fileId: voice, durationS: 5 }, visibility: 'public' });
      expect(m.status).toBe(201);
      await verdict(voice, 'pass');
      const seen = await t.request('GET', `${base}/${m.body.id}`, {
        token: await t.loginAs(a.representative),
      });
      expect(seen.body.voice).toBeNull();
      expect((await fetchMedia(a.cadre, voice)).status).toBe(200);
    });

    it('an unknown or malformed id', async () => {
      expect((await fetchMedia(author, crypto.randomUUID())).status).toBe(404);
      expect((await fetchMedia(author, 'not-a-uuid')).status).toBe(400);
    });
  });

  it('abandoned uploads (never attached, older than 7 days) are swept: row first, then object', async () => {
    // Its own villager: the author above has used up this hour's matters:raise allowance.
    const author = a.party_member;
    const attached = await upload(author);
    expect((await raise(author, { photoIds: [attached] })).status).toBe(201);
    const abandoned = await upload(author);
    const recent = await upload(author);
    const old = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    await t.db
      .update(media)
      .set({ createdAt: old })
      .where(inArray(media.id, [attached, abandoned]));
    const keyOf = async (id: string) =>
      (await t.db.select().from(media).where(eq(media.id, id)))[0]?.storageKey;
    const abandonedKey = (await keyOf(abandoned))!;
    expect(await sweepAbandonedMedia(t.deps)).toEqual({ deleted: 1 });
    expect(await keyOf(abandoned)).toBeUndefined();
    expect(await t.deps.storage.has(abandonedKey)).toBe(false);
    expect(await keyOf(attached)).toBeDefined();
    expect(await keyOf(recent)).toBeDefined();
    expect((await fetchMedia(author, abandoned)).status).toBe(404);
    // Attaching a swept upload is a clear error, not a dangling reference.
    const res = await raise(author, { photoIds: [abandoned] });
    expect(res.body.error.details.items).toEqual([{ id: abandoned, reason: 'not_found' }]);
    expect(await sweepAbandonedMedia(t.deps)).toEqual({ deleted: 0 });
  });

  it('media rows never point at a missing object', async () => {
    const rows = await t.db
      .select()
      .from(media)
      .where(and(eq(media.villageId, a.village.id)));
    for (const r of rows) expect(await t.deps.storage.has(r.storageKey)).toBe(true);
  });
});

/**
 * GET /api/media/{id}/link: a short-lived signed link to a file, for audio players that fetch `src`
 * without our login (WeChat's InnerAudioContext, <audio>). Whoever may fetch the file gets one —
 * the grid worker, the cadres and the author of a matter with a voice recording — and nobody else
 * (another villager before the recording's check passed, another village, no login). The link
 * opens that one file, with byte ranges (players ask for them), until it expires.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedMediaPath } from '../../api/_media/signed-url';
import { type Actors, loadActors, plainVillagerInGridOf } from '../support/actors';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';
import { sample, uploadTo } from '../support/media-samples';

describe.skipIf(DB_UNAVAILABLE)('signed links to media for audio players', () => {
  let t: TestApp;
  let a: Actors;
  let author: string;
  let voice: string;
  const bytes = sample.mp3();

  beforeAll(async () => {
    t = await createTestApp({ env: { WECHAT_TIMEOUT_MS: '200' } });
    a = await loadActors(t.db);
    author = await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker);
    const token = await t.loginAs(author);
    const up = await uploadTo(t, token, a.village.id, { purpose: 'matter_voice', body: bytes });
    expect(up.status).toBe(201);
    voice = up.body.id;
    const raised = await t.request('POST', `/api/villages/${a.village.id}/matters`, {
      token,
      body: {
        kind: 'complaint',
        category: 'roads',
        text: '村口的路灯坏了，我录了一段话说清楚',
        visibility: 'public',
        voice: { fileId: voice, durationS: 9 },
      },
    });
    expect(raised.status, JSON.stringify(raised.body)).toBe(201);
  });
  afterAll(() => t.close());

  const link = async (userId: string | null, id = voice) =>
    t.request('GET', `/api/media/${id}/link`, { token: userId ? await t.loginAs(userId) : undefined });

  it('the grid worker gets a link that plays the recording without a login, by byte ranges too', async () => {
    const res = await link(a.grid_worker);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const url = new URL(res.body.url, 'http://x');
    expect(url.pathname).toBe(`/api/media/${voice}/signed`);
    const expires = Date.parse(res.body.expiresAt);
    expect(expires - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const whole = await t.app.request(res.body.url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/mpeg');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes);
    const part = await t.app.request(res.body.url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const beyond = await t.app.request(res.body.url, { headers: { range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
  });

  it('the cadres and the author get one too', async () => {
    expect((await link(a.cadre)).status).toBe(200);
    expect((await link(author)).status).toBe(200);
  });

  it('nobody else: another villager (the check has not passed), another village, no login', async () => {
    const others = (
      ['villager', 'representative', 'party_member', 'outsider', 'county_officer', 'newcomer'] as const
    )
      // The seeded villager may be the author chosen above.
      .filter((key) => a[key] !== author);
    expect(others.length).toBeGreaterThanOrEqual(5);
    for (const key of others) {
      const res = await link(a[key]);
      expect({ key, status: res.status, code: res.body.error?.code }).toEqual({
        key,
        status: 404,
        code: 'NOT_FOUND',
      });
    }
    expect((await link(null)).status).toBe(401);
    expect((await link(a.cadre, crypto.randomUUID())).status).toBe(404);
  });

  it('a link opens only its own file, only until it expires', async () => {
    const { url } = (await link(a.grid_worker)).body;
    const other = crypto.randomUUID();
    expect((await t.app.request(url.replace(voice, other))).status).toBe(404);
    expect((await t.app.request(url.replace(/s=[^&]+/, 's=forged'))).status).toBe(404);
    const old = signedMediaPath(t.deps.config, voice, 60, Date.now() - 3600_000);
    expect((await t.app.request(old.path)).status).toBe(404);
  });
});

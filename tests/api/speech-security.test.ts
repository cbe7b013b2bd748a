/**
 * Who may use server speech, and what the signed audio URL lets through: every role of every
 * village or office may (reading aloud is for everyone who reads), an account that belongs nowhere
 * yet may not, anonymous callers are refused; an audio URL opens one file until it expires and
 * nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAudioUrl } from '../../api/_speech/signed-url';
import { ALL_ACTOR_KEYS, loadActors, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';
import { fetchAudio } from './speech-support';

describe.skipIf(DB_UNAVAILABLE)('speech access', () => {
  let t: TestApp;
  let a: Actors;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    const res = await t.request('POST', '/api/speech', {
      token: await t.loginAs(a.villager),
      body: { text: '本月十五日集中收缴医保费用。' },
    });
    url = res.body.url;
  });
  afterAll(() => t.close());

  it('every role (villagers, cadres, officers of towns and counties, another village) may; a newcomer may not', async () => {
    const seen: string[] = [];
    for (const key of ALL_ACTOR_KEYS) {
      const token = await t.loginAs(a[key]);
      const res = await t.request('POST', '/api/speech', {
        token,
        body: { text: '本月十五日集中收缴医保费用。' },
      });
      const get = await t.app.request('/api/speech?text=%E5%A5%BD', {
        headers: { authorization: `Bearer ${token}` },
      });
      if (key === 'newcomer') {
        expect({ key, status: res.status, code: res.body.error?.code }).toEqual({
          key,
          status: 403,
          code: 'FORBIDDEN',
        });
        expect(get.status).toBe(403);
      } else {
        expect({ key, status: res.status }).toEqual({ key, status: 200 });
        expect(get.status).toBe(200);
      }
      seen.push(key);
    }
    expect(seen).toContain('outsider');
    expect(seen).toContain('county_officer');
  });

  it('refuses anonymous and forged sessions', async () => {
    const anon = await t.request('POST', '/api/speech', { body: { text: '你好。' } });
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('UNAUTHENTICATED');
    const forged = await t.request('POST', '/api/speech', { token: 'a.b.c', body: { text: '你好。' } });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('TOKEN_INVALID');
    expect((await t.app.request('/api/speech?text=x')).status).toBe(401);
  });

  it('an audio URL works without a session, but not with its signature or expiry changed', async () => {
    expect((await fetchAudio(t, url)).status).toBe(200);
    const u = new URL(url, 'http://x');
    const sig = u.searchParams.get('sig')!;
    const tampered = url.replace(sig, `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
    const res = await t.request('GET', tampered);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('TOKEN_INVALID');
    const exp = Number(u.searchParams.get('exp'));
    const longer = await t.request('GET', url.replace(`exp=${exp}`, `exp=${exp + 86_400}`));
    expect(longer.body.error.code).toBe('TOKEN_INVALID');
    // The signature of one file does not open another.
    const file = u.pathname.split('/').pop()!;
    const otherFile = `${'0'.repeat(64)}.wav`;
    const swapped = await t.request('GET', url.replace(file, otherFile));
    expect(swapped.body.error.code).toBe('TOKEN_INVALID');
    expect((await t.request('GET', url.replace(/\?.*$/, ''))).status).toBe(400);
  });

  it('an expired URL is TOKEN_EXPIRED; a valid URL to audio that does not exist is NOT_FOUND; bad names are refused', async () => {
    const secret = t.deps.config.sessionSecret;
    const file = new URL(url, 'http://x').pathname.split('/').pop()!;
    const old = signAudioUrl(secret, file, 60, Date.now() - 3_600_000);
    const expired = await t.request('GET', old.path);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('TOKEN_EXPIRED');
    const missing = signAudioUrl(secret, `${'a'.repeat(64)}.wav`, 600);
    const notFound = await t.request('GET', missing.path);
    expect(notFound.status).toBe(404);
    expect(notFound.body.error.code).toBe('NOT_FOUND');
    for (const name of ['..%2F..%2Fetc%2Fpasswd', `${'a'.repeat(64)}.exe`, 'ABC.wav']) {
      const bad = signAudioUrl(secret, name, 600);
      const res = await t.request('GET', bad.path);
      expect(res.status).toBe(400);
    }
  });
});

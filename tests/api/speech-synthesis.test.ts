/**
 * Server speech on the real espeak-ng: Chinese text becomes playable audio behind a signed URL,
 * a text is synthesised once (a second request and 20 simultaneous ones are served from the
 * cache), byte ranges for media players, and the Bearer GET.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getSpeech } from '../../api/_speech/audio';
import { onPath } from '../../api/_speech/espeak';
import { loadActors, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';
import { countSyntheses, fetchAudio, soxInfo } from './speech-support';

const NOTICE = '村委会通知：本周六上午九点在村委会召开村民代表会议，讨论村道硬化的方案，请各位代表准时参加。';

describe.skipIf(DB_UNAVAILABLE)('speech synthesis and its cache', () => {
  let t: TestApp;
  let a: Actors;
  let synth: ReturnType<typeof countSyntheses>;
  beforeAll(async () => {
    // WAV here (sox can read it back); the MP3 path has its own test below.
    t = await createTestApp({ env: { SPEECH_ENCODE: 'wav' } });
    a = await loadActors(t.db);
    synth = countSyntheses(t);
  });
  afterAll(() => t.close());

  it('speaks Chinese text with espeak-ng: a signed URL to a playable 16 kHz mono WAV', async () => {
    const token = await t.loginAs(a.villager);
    const res = await t.request('POST', '/api/speech', { token, body: { text: NOTICE } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ contentType: 'audio/wav', cached: false });
    expect(res.body.url).toMatch(/^\/api\/speech\/audio\/[0-9a-f]{64}\.wav\?exp=\d+&sig=[\w-]+$/);
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now() + 10 * 60_000);
    expect(synth.calls).toBe(1);

    // The player fetches it with no Authorization header.
    const audio = await fetchAudio(t, res.body.url);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/wav');
    expect(audio.headers.get('accept-ranges')).toBe('bytes');
    expect(audio.bytes.length).toBe(res.body.bytes);
    const ascii = (from: number, to: number) => String.fromCharCode(...audio.bytes.subarray(from, to));
    expect(ascii(0, 4)).toBe('RIFF');
    expect(ascii(8, 12)).toBe('WAVE');
    // The RIFF size is the real one (espeak streams a placeholder; we fix it).
    expect(new DataView(audio.bytes.buffer).getUint32(4, true)).toBe(audio.bytes.length - 8);

    const info = soxInfo(audio.bytes, 'wav');
    expect(info.Channels).toBe('1');
    expect(info['Sample Rate']).toBe('16000');
    expect(info['Sample Encoding']).toBe('16-bit Signed Integer PCM');
    const [, h, m, s] = info.Duration!.match(/^(\d+):(\d+):([\d.]+)/)!;
    const seconds = Number(h) * 3600 + Number(m) * 60 + Number(s);
    // ≈ 48 characters of Mandarin: many seconds of speech, not a click.
    expect(seconds).toBeGreaterThan(8);
    expect(seconds).toBeLessThan(60);
  });

  it('a second request for the same text (even differently spaced) is served from the cache', async () => {
    const token = await t.loginAs(a.cadre);
    const before = synth.calls;
    const res = await t.request('POST', '/api/speech', { token, body: { text: `  ${NOTICE}\n` } });
    expect(res.status).toBe(200);
    expect(res.body.cached).toBe(true);
    expect(synth.calls).toBe(before);
    expect(t.logLines.filter((l) => l.includes('speech synthesised'))).toHaveLength(1);
  });

  it('20 requests for a new text at the same moment cause one synthesis', async () => {
    const before = synth.calls;
    const text = '明天上午八点到十二点停水检修，请提前接水。';
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => getSpeech(t.deps, text)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(synth.calls).toBe(before + 1);
    const files = new Set(outcomes.map((o) => (o.ok ? o.value.file : '')));
    expect(files.size).toBe(1);
    // And through HTTP, several people at once:
    const text2 = '下周一开始发放粮食补贴，请带好身份证。';
    const people = [a.villager, a.cadre, a.representative, a.party_member, a.grid_worker, a.supervisor];
    const tokens = await Promise.all(people.map((p) => t.loginAs(p)));
    const replies = await Promise.all(
      tokens.map((token) => t.request('POST', '/api/speech', { token, body: { text: text2 } })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(synth.calls).toBe(before + 2);
    expect(replies.filter((r) => r.body.cached === false).length).toBeGreaterThanOrEqual(1);
  });

  it('answers byte ranges (206) as media players ask for them', async () => {
    const token = await t.loginAs(a.villager);
    const { body } = await t.request('POST', '/api/speech', { token, body: { text: NOTICE } });
    const full = await fetchAudio(t, body.url);
    const part = await fetchAudio(t, body.url, { range: 'bytes=0-1023' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-1023/${full.bytes.length}`);
    expect(part.bytes).toEqual(full.bytes.subarray(0, 1024));
    const tail = await fetchAudio(t, body.url, { range: 'bytes=-100' });
    expect(tail.bytes).toEqual(full.bytes.subarray(full.bytes.length - 100));
    const beyond = await fetchAudio(t, body.url, { range: `bytes=${full.bytes.length + 5}-` });
    expect(beyond.status).toBe(416);
  });

  it('GET /api/speech?text= with the session header returns the audio itself', async () => {
    const token = await t.loginAs(a.villager);
    const res = await t.app.request(`/api/speech?text=${encodeURIComponent(NOTICE)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('RIFF');
  });

  it('the storage port decides when the Redis index is absent: a fresh instance finds the audio', async () => {
    // A second app instance on the same storage folder (Redis off in this suite): no synthesis.
    const before = synth.calls;
    const inner = t.deps.speech!;
    const other = { ...t.deps, speech: { ...inner, synthesize: inner.synthesize } };
    const outcome = await getSpeech(other, NOTICE);
    expect(outcome.ok && outcome.value.cached).toBe(true);
    expect(synth.calls).toBe(before);
  });
});

describe.skipIf(DB_UNAVAILABLE || !onPath('lame'))('speech as MP3 (lame installed)', () => {
  it('encodes espeak-ng’s speech as MP3, about 8× smaller than the WAV, same length when decoded', async () => {
    const t = await createTestApp({ env: { SPEECH_ENCODE: 'mp3' } });
    try {
      const a = await loadActors(t.db);
      const res = await t.request('POST', '/api/speech', {
        token: await t.loginAs(a.villager),
        body: { text: NOTICE },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ contentType: 'audio/mpeg' });
      expect(res.body.url).toMatch(/\.mp3\?/);
      const audio = await fetchAudio(t, res.body.url);
      expect(audio.headers.get('content-type')).toBe('audio/mpeg');
      // An MPEG audio frame sync (11 set bits) at the start.
      expect(audio.bytes[0]).toBe(0xff);
      expect(audio.bytes[1]! & 0xe0).toBe(0xe0);
      const dir = mkdtempSync(path.join(tmpdir(), 'speech-mp3-'));
      writeFileSync(path.join(dir, 'a.mp3'), audio.bytes);
      execFileSync('lame', ['--quiet', '--decode', path.join(dir, 'a.mp3'), path.join(dir, 'a.wav')]);
      const wav = readFileSync(path.join(dir, 'a.wav'));
      rmSync(dir, { recursive: true, force: true });
      const info = soxInfo(new Uint8Array(wav), 'wav');
      const [, h, m, s] = info.Duration!.match(/^(\d+):(\d+):([\d.]+)/)!;
      expect(Number(h) * 3600 + Number(m) * 60 + Number(s)).toBeGreaterThan(8);
      // 32 kb/s: 4 KB a second of speech.
      expect(audio.bytes.length).toBeLessThan(wav.length / 5);
    } finally {
      await t.close();
    }
  });
});

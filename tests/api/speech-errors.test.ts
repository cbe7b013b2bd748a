/**
 * Speech refusals and failures: empty and over-long text get their own codes and Chinese messages,
 * the engine failing or switched off is SPEECH_UNAVAILABLE (never a 500), and the per-user rate
 * limit from the registry applies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATELIMIT_POLICIES } from '../../api/_redis';
import { loadActors, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';
import { countSyntheses } from './speech-support';

describe.skipIf(DB_UNAVAILABLE)('speech errors', () => {
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
  });
  afterAll(() => t.close());

  it('empty text, or only spaces and punctuation, is SPEECH_TEXT_EMPTY', async () => {
    const token = await t.loginAs(a.villager);
    const synth = countSyntheses(t);
    for (const text of ['', '   ', '。，！', '\n\n']) {
      const res = await t.request('POST', '/api/speech', { token, body: { text } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'SPEECH_TEXT_EMPTY', message: '没有可以朗读的文字' });
    }
    const get = await t.request('GET', '/api/speech', { token });
    expect(get.body.error.code).toBe('SPEECH_TEXT_EMPTY');
    expect(synth.calls).toBe(0);
  });

  it('over 500 characters is SPEECH_TEXT_TOO_LONG, saying the limit and the length; 500 is fine', async () => {
    const token = await t.loginAs(a.grid_worker);
    const res = await t.request('POST', '/api/speech', { token, body: { text: '村'.repeat(501) } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'SPEECH_TEXT_TOO_LONG',
      message: '一次最多朗读500个字，这段有501个字，请分段朗读',
      details: { max: 500, length: 501 },
    });
    // Characters, not UTF-16 units: 500 emoji-free CJK characters pass.
    const ok = await t.request('POST', '/api/speech', { token, body: { text: '好'.repeat(500) } });
    expect(ok.status).toBe(200);
    // Far too long to parse at all: a validation failure, still not a 500.
    const huge = await t.request('POST', '/api/speech', { token, body: { text: '村'.repeat(30_000) } });
    expect(huge.status).toBe(400);
    expect(huge.body.error.code).toBe('VALIDATION_FAILED');
    const bad = await t.request('POST', '/api/speech', { token, body: { text: 5 } });
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('an engine that fails is SPEECH_UNAVAILABLE (503), logged, and nothing is cached', async () => {
    const token = await t.loginAs(a.cadre);
    const saved = t.deps.speech;
    t.deps.speech = {
      id: 'broken',
      ext: 'wav',
      synthesize: async () => {
        throw new Error('espeak-ng: spawn ENOENT');
      },
    };
    try {
      const res = await t.request('POST', '/api/speech', { token, body: { text: '今天下午开会。' } });
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({
        code: 'SPEECH_UNAVAILABLE',
        message: '朗读暂时不能用，请稍后再试',
      });
      expect(t.logLines.some((l) => l.includes('speech synthesis failed') && l.includes('ENOENT'))).toBe(
        true,
      );
      t.deps.speech = undefined; // SPEECH_PROVIDER=off
      const off = await t.request('POST', '/api/speech', { token, body: { text: '今天下午开会。' } });
      expect(off.status).toBe(503);
    } finally {
      t.deps.speech = saved;
    }
    // With the engine back, the same text is synthesised (the failure was not cached).
    const synth = countSyntheses(t);
    const res = await t.request('POST', '/api/speech', { token, body: { text: '今天下午开会。' } });
    expect(res.status).toBe(200);
    expect(synth.calls).toBe(1);
  });

  it('is rate-limited per user by the registry policy speech:synthesize, cached texts included', async () => {
    const token = await t.loginAs(a.supervisor);
    const { limit } = RATELIMIT_POLICIES['speech:synthesize'];
    const statuses: number[] = [];
    for (let i = 0; i < limit + 1; i++) {
      const res = await t.request('POST', '/api/speech', { token, body: { text: '请按时缴纳医保。' } });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.body.error.code).toBe('RATE_LIMITED');
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    expect(statuses.slice(0, limit)).toEqual(Array(limit).fill(200));
    expect(statuses[limit]).toBe(429);
    // Another person is not affected.
    const other = await t.loginAs(a.representative);
    expect(
      (await t.request('POST', '/api/speech', { token: other, body: { text: '请按时缴纳医保。' } })).status,
    ).toBe(200);
  });
});

/**
 * The plain Node server's fast path for cached speech audio (api/_speech/fast-audio.ts): a valid
 * signed URL for audio this instance holds in memory is answered straight from the socket handler,
 * with the route's headers, whole or by byte range; everything else is left to the API route —
 * checked here on a real HTTP server whose fallback answers 599, so "served" and "left" are told
 * apart — and the API then answers as before.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCachedAudio } from '../../api/_speech/fast-audio';
import { signAudioUrl } from '../../api/_speech/signed-url';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('speech: cached audio fast path', () => {
  let t: TestApp;
  let a: Actors;
  let server: Server;
  let base: string;
  let url: string;
  let bytes: Uint8Array;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    const res = await t.request('POST', '/api/speech', {
      token: await t.loginAs(a.villager),
      body: { text: '明天上午九点在村委会开村民代表会议。' },
    });
    expect(res.status).toBe(200);
    url = res.body.url;
    // Through the API once: the audio is then in this instance's memory.
    const viaApp = await t.app.request(url);
    expect(viaApp.status).toBe(200);
    bytes = new Uint8Array(await viaApp.arrayBuffer());
    server = createServer((req, res) => {
      if (!serveCachedAudio(t.deps, req, res)) {
        res.writeHead(599);
        res.end('left to the API');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await t?.close();
  });

  it('serves the whole file with the route’s headers and a request id', async () => {
    const res = await fetch(`${base}${url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('cache-control')).toBe('private, max-age=86400, immutable');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  it('serves a byte range as 206, as the route does', async () => {
    const fast = await fetch(`${base}${url}`, { headers: { range: 'bytes=10-109' } });
    const app = await t.app.request(url, { headers: { range: 'bytes=10-109' } });
    expect(fast.status).toBe(206);
    expect(fast.headers.get('content-range')).toBe(`bytes 10-109/${bytes.length}`);
    expect(fast.headers.get('content-range')).toBe(app.headers.get('content-range'));
    expect(new Uint8Array(await fast.arrayBuffer())).toEqual(bytes.subarray(10, 110));
  });

  it('leaves everything else to the API: bad or expired signature, unknown file, bad range, other paths and methods', async () => {
    const [file, query] = url.slice('/api/speech/audio/'.length).split('?') as [string, string];
    const q = new URLSearchParams(query);
    const forged = `/api/speech/audio/${file}?exp=${q.get('exp')}&sig=${'A'.repeat(32)}`;
    const expired = signAudioUrl(t.deps.config.sessionSecret, file, 60, Date.now() - 3_600_000).path;
    const unknown = signAudioUrl(t.deps.config.sessionSecret, `${'0'.repeat(64)}.mp3`, 900).path;
    for (const path of [forged, expired, unknown, `/api/speech/audio/${file}`, '/api/health']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(599);
    }
    expect((await fetch(`${base}${url}`, { headers: { range: `bytes=${bytes.length + 5}-` } })).status).toBe(
      599,
    );
    expect((await fetch(`${base}${url}`, { method: 'HEAD' })).status).toBe(599);
    // …which answers them in the usual shape.
    const refused = await t.app.request(forged);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('TOKEN_INVALID');
    expect((await t.app.request(url, { headers: { range: `bytes=${bytes.length + 5}-` } })).status).toBe(416);
  });
});

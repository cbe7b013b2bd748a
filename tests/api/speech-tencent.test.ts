/**
 * The Tencent Cloud TTS adapter against a loopback fake of tts.tencentcloudapi.com. The fake
 * checks what the real service checks: the TC3-HMAC-SHA256 signature (recomputed here from the
 * documented algorithm, independently of api/_speech/tc3.ts), the action/version/region headers,
 * the body fields and the 150-character limit; then the app, configured for it, serves MP3.
 */
import { createHash, createHmac } from 'node:crypto';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTencentTtsProvider } from '../../api/_speech/tencent';
import { SpeechProviderError } from '../../api/_speech/port';
import { loadActors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE } from '../support/harness';
import { fetchAudio } from './speech-support';

const SECRET_ID = 'AKIDfakeSecretId0123456789';
const SECRET_KEY = 'fakeSecretKey0123456789abcdef';
// One MPEG-1 Layer III frame header (0xFFFB…) + padding: enough to look like MP3.
const FRAME = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(413)]);

type Seen = { text: string; body: Record<string, unknown>; headers: IncomingMessage['headers'] };

function verifyTc3(req: IncomingMessage, raw: string, host: string): string | null {
  const auth = req.headers.authorization ?? '';
  const m = auth.match(
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/tts\/tc3_request, SignedHeaders=content-type;host, Signature=([0-9a-f]{64})$/,
  );
  if (!m) return 'AuthFailure.InvalidAuthorization';
  const [, id, date, signature] = m;
  if (id !== SECRET_ID) return 'AuthFailure.SecretIdNotFound';
  const ts = Number(req.headers['x-tc-timestamp']);
  if (Math.abs(ts - Date.now() / 1000) > 300) return 'AuthFailure.SignatureExpire';
  if (new Date(ts * 1000).toISOString().slice(0, 10) !== date) return 'AuthFailure.InvalidAuthorization';
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  const canonical = `POST\n/\n\ncontent-type:${req.headers['content-type']}\nhost:${host}\n\ncontent-type;host\n${hash(raw)}`;
  const toSign = `TC3-HMAC-SHA256\n${ts}\n${date}/tts/tc3_request\n${hash(canonical)}`;
  let k = createHmac('sha256', `TC3${SECRET_KEY}`).update(date!).digest();
  k = createHmac('sha256', k).update('tts').digest();
  k = createHmac('sha256', k).update('tc3_request').digest();
  const expected = createHmac('sha256', k).update(toSign).digest('hex');
  return expected === signature ? null : 'AuthFailure.SignatureFailure';
}

describe('Tencent Cloud TTS adapter (TextToVoice, TC3 signing)', () => {
  let server: Server;
  let endpoint: string;
  const seen: Seen[] = [];
  let failNext: string | null = null;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        const reply = (Response: object) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ Response }));
        };
        const host = req.headers.host!;
        const authError = verifyTc3(req, raw, host);
        if (authError) return reply({ Error: { Code: authError, Message: 'signature' }, RequestId: 'r' });
        const h = req.headers;
        if (h['x-tc-action'] !== 'TextToVoice' || h['x-tc-version'] !== '2019-08-23' || !h['x-tc-region']) {
          return reply({ Error: { Code: 'InvalidParameter', Message: 'headers' }, RequestId: 'r' });
        }
        const body = JSON.parse(raw) as Record<string, unknown>;
        const text = String(body.Text ?? '');
        if (
          !text ||
          Array.from(text).length > 150 ||
          typeof body.SessionId !== 'string' ||
          body.Codec !== 'mp3'
        ) {
          return reply({ Error: { Code: 'InvalidParameter.Text', Message: 'text' }, RequestId: 'r' });
        }
        seen.push({ text, body, headers: h });
        if (failNext) {
          const code = failNext;
          failNext = null;
          return reply({ Error: { Code: code, Message: 'fail' }, RequestId: 'r' });
        }
        reply({ Audio: FRAME.toString('base64'), SessionId: body.SessionId, RequestId: 'r' });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const provider = (over: Partial<Parameters<typeof createTencentTtsProvider>[0]> = {}) =>
    createTencentTtsProvider({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      region: 'ap-shanghai',
      endpoint,
      voiceType: 101001,
      speed: -1,
      timeoutMs: 2000,
      ...over,
    });

  it('signs each request, cuts text at sentence ends within the limit and joins the MP3 pieces', async () => {
    seen.length = 0;
    const sentence = '村民代表会议定于本周六上午九点在村委会召开，请准时参加。'; // 28 characters
    const text = sentence.repeat(8); // 224 characters: more than one call
    const out = await provider().synthesize(text);
    expect(out.contentType).toBe('audio/mpeg');
    expect(seen.map((s) => s.text).join('')).toBe(text);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((s) => s.text.endsWith('。'))).toBe(true);
    expect(out.audio.length).toBe(FRAME.length * seen.length);
    expect(Array.from(out.audio.subarray(0, 2))).toEqual([0xff, 0xfb]);
    expect(seen[0]!.body).toMatchObject({ VoiceType: 101001, Speed: -1, Codec: 'mp3', SampleRate: 16000 });
    expect(seen[0]!.headers['x-tc-region']).toBe('ap-shanghai');
    expect(new Set(seen.map((s) => s.body.SessionId)).size).toBe(seen.length);
  });

  it('a wrong key is refused by the fake (so the signature is really checked), as a provider error', async () => {
    await expect(provider({ secretKey: 'wrong' }).synthesize('你好。')).rejects.toThrow(
      /AuthFailure.SignatureFailure/,
    );
    failNext = 'RequestLimitExceeded';
    await expect(provider().synthesize('你好。')).rejects.toBeInstanceOf(SpeechProviderError);
    await expect(provider({ endpoint: 'http://127.0.0.1:9' }).synthesize('你好。')).rejects.toThrow(
      /unreachable/,
    );
  });

  it.skipIf(DB_UNAVAILABLE)(
    'configured by SPEECH_PROVIDER=tencent, the API serves the MP3 behind a signed URL',
    async () => {
      const t = await createTestApp({
        env: {
          SPEECH_PROVIDER: 'tencent',
          TENCENT_SECRET_ID: SECRET_ID,
          TENCENT_SECRET_KEY: SECRET_KEY,
          TENCENT_TTS_ENDPOINT: endpoint,
          TENCENT_TTS_REGION: 'ap-guangzhou',
        },
      });
      try {
        const a = await loadActors(t.db);
        const res = await t.request('POST', '/api/speech', {
          token: await t.loginAs(a.villager),
          body: { text: '今天下午三点开会。' },
        });
        expect(res.status).toBe(200);
        expect(res.body.url).toMatch(/\.mp3\?/);
        const audio = await fetchAudio(t, res.body.url);
        expect(audio.headers.get('content-type')).toBe('audio/mpeg');
        expect(Array.from(audio.bytes.subarray(0, 2))).toEqual([0xff, 0xfb]);
      } finally {
        await t.close();
      }
    },
  );
});

/**
 * /api/speech — server speech for read-aloud (the fallback of WeChat's plugin and the browser's
 * voice). Who: any signed-in member of a village or office (every role); a signed-in account with
 * no membership yet is FORBIDDEN (WeChat login creates accounts freely; synthesis is not for them).
 *
 * - POST /api/speech { text } → { url, expiresAt, … }: synthesises (once per text, cached) and
 *   returns a signed URL the audio player fetches without headers (see ./signed-url.ts).
 * - GET /api/speech?text=… (Bearer) → the audio itself, for clients that can send headers.
 * - GET /api/speech/audio/{hash}.{ext}?exp&sig → the audio, no session; HTTP Range supported
 *   (iOS players ask for byte ranges).
 * Both synthesising routes are rate-limited per user (`speech:synthesize`).
 */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import {
  ZSpeechAudioParams,
  ZSpeechAudioQuery,
  ZSpeechQuery,
  ZSpeechRequestSchema,
  ZSpeechUrlSchema,
} from '../../shared/speech/schemas';
import type { AppEnv } from '../_app/context';
import { newRouter } from '../_app/router';
import { requireAuthNoProfileChange } from '../_auth/middleware';
import { byteRangeResponse } from '../_lib/byte-range';
import { ApiError, Ok } from '../_lib/errors';
import { AUTH_ERRORS, PUBLIC_ERRORS, SECURED, json, jsonBody, reply } from '../_lib/http';
import { rateLimit } from '../_lib/rate-limit';
import { getSpeech, readSpeechAudio } from './audio';
import { signAudioUrl, verifyAudioUrl } from './signed-url';

const ERRORS = { ...AUTH_ERRORS, 503: json(z.object({}), 'SPEECH_UNAVAILABLE') };
const audioContent = {
  description: 'The audio (audio/wav from espeak-ng, audio/mpeg from the cloud TTS)',
  content: {
    'audio/wav': { schema: z.string().openapi({ format: 'binary' }) },
    'audio/mpeg': { schema: z.string().openapi({ format: 'binary' }) },
  },
};
const synth = {
  security: SECURED,
  middleware: [requireAuthNoProfileChange, rateLimit('speech:synthesize', 'user')],
};

const post = createRoute({
  method: 'post',
  path: '/speech',
  tags: ['speech'],
  summary: 'Speak a text: a signed, short-lived audio URL (synthesised once per text, then cached)',
  ...synth,
  request: { body: jsonBody(ZSpeechRequestSchema) },
  responses: { 200: json(ZSpeechUrlSchema), ...ERRORS },
});
const get = createRoute({
  method: 'get',
  path: '/speech',
  tags: ['speech'],
  summary: 'Speak a text: the audio itself (needs the Authorization header)',
  ...synth,
  request: { query: ZSpeechQuery },
  responses: { 200: audioContent, ...ERRORS },
});
const audio = createRoute({
  method: 'get',
  path: '/speech/audio/{file}',
  tags: ['speech'],
  summary: 'The audio behind a signed URL from POST /api/speech (no session: the URL is the permission)',
  request: { params: ZSpeechAudioParams, query: ZSpeechAudioQuery },
  responses: { 200: audioContent, 206: audioContent, 401: AUTH_ERRORS[401], ...PUBLIC_ERRORS },
});

/** Every role may listen; an account that belongs nowhere yet may not. */
function assertMember(c: Context<AppEnv>) {
  if (c.get('auth').memberships.length === 0) throw new ApiError('FORBIDDEN');
}

/** Sends bytes, honouring a single `Range: bytes=a-b` (what media players send). */
function sendAudio(c: Context<AppEnv>, body: Uint8Array, contentType: string, cacheControl: string) {
  return byteRangeResponse(c.req.header('range'), body, {
    'Content-Type': contentType,
    'Cache-Control': cacheControl,
  });
}

export function speechRoutes() {
  const r = newRouter();

  r.openapi(post, async (c) => {
    assertMember(c);
    const deps = c.get('deps');
    const outcome = await getSpeech(deps, c.req.valid('json').text);
    if (!outcome.ok) return reply(c, outcome);
    const { file, contentType, bytes, cached } = outcome.value;
    const { path, exp } = signAudioUrl(deps.config.sessionSecret, file, deps.config.speech.urlTtlS);
    return reply(
      c,
      Ok({ url: path, expiresAt: new Date(exp * 1000).toISOString(), contentType, bytes, cached }),
    );
  });

  r.openapi(get, async (c) => {
    assertMember(c);
    const deps = c.get('deps');
    const outcome = await getSpeech(deps, c.req.valid('query').text);
    if (!outcome.ok) return reply(c, outcome);
    const found = await readSpeechAudio(deps, outcome.value.file);
    if (!found) throw new ApiError('SPEECH_UNAVAILABLE');
    return sendAudio(c, found.body, found.contentType, 'private, max-age=86400') as never;
  });

  r.openapi(audio, async (c) => {
    const deps = c.get('deps');
    const { file } = c.req.valid('param');
    const { exp, sig } = c.req.valid('query');
    const check = verifyAudioUrl(deps.config.sessionSecret, file, exp, sig);
    if (!check.ok) throw new ApiError(check.code);
    const found = await readSpeechAudio(deps, file);
    if (!found) throw new ApiError('NOT_FOUND');
    // The bytes behind a hash never change: the player may keep them.
    return sendAudio(c, found.body, found.contentType, 'private, max-age=86400, immutable') as never;
  });

  return r;
}

/**
 * The speech API contract. The text's length is checked by the operation (not here), so an empty
 * or over-long text gets its own stable code (SPEECH_TEXT_EMPTY / SPEECH_TEXT_TOO_LONG) instead of
 * a generic validation failure; the schema only bounds what is parsed at all.
 */
import { z } from 'zod';
import { ZIsoTime } from '../schemas/common';

const ZSpeechText = z.string().max(20_000, '内容太长了');

export const ZSpeechRequestSchema = z.strictObject({ text: ZSpeechText });
export type TSpeechRequest = z.infer<typeof ZSpeechRequestSchema>;

export const ZSpeechQuery = z.object({ text: ZSpeechText.optional().default('') });

export const ZSpeechUrlSchema = z.object({
  /** GET-able without headers until expiresAt (the audio player cannot send Authorization). */
  url: z.string(),
  expiresAt: ZIsoTime,
  contentType: z.string(),
  bytes: z.number().int(),
  /** true: the audio already existed (no synthesis for this request). */
  cached: z.boolean(),
});
export type TSpeechUrl = z.infer<typeof ZSpeechUrlSchema>;

export const ZSpeechAudioParams = z.object({
  file: z.string().regex(/^[0-9a-f]{64}\.(wav|mp3)$/),
});
export const ZSpeechAudioQuery = z.object({
  exp: z.string().regex(/^\d{1,12}$/),
  sig: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
});

/**
 * Audio for a text, synthesised once. A notice read by 500 villagers (20 of them at the same
 * moment) costs one synthesis:
 *   1. the text is normalised and hashed (sha256 of provider id + text): the cache key;
 *   2. Redis index `cache:speech:<hash>` (fast path; Redis down → skipped);
 *   3. the storage port decides: `speech/<hh>/<hash>.<ext>` exists → cached;
 *   4. otherwise one synthesis per instance (single-flight: concurrent callers share one promise)
 *      and, across instances, a Redis lock `lock:speech:<hash>`; an instance that finds the lock
 *      held waits for the object to appear (and synthesises itself if it never does);
 *   5. the object is written to storage (atomically, by the port), then indexed in Redis.
 * Outcomes: the audio's reference, or SPEECH_TEXT_EMPTY / SPEECH_TEXT_TOO_LONG /
 * SPEECH_UNAVAILABLE (the engine failed or none is configured) as values.
 */
import { createHash } from 'node:crypto';
import { SPEECH_TEXT_MAX, isSpeakable, normalizeSpeechText } from '../../shared/speech/chunk';
import type { Deps } from '../_app/context';
import { Err, Ok, type Outcome } from '../_lib/errors';
import type { StoragePort } from '../_storage';
import type { SpeechProvider } from './port';

export type SpeechRef = {
  hash: string;
  /** `<hash>.<ext>`: the file name in the audio URL. */
  file: string;
  key: string;
  contentType: string;
  bytes: number;
  /** false when this call (or the one it joined) synthesised the audio. */
  cached: boolean;
};

type IndexEntry = { contentType: string; bytes: number };

const INDEX_TTL_S = 30 * 24 * 3600;
const PEER_WAIT_MS = 15_000;
const inflight = new WeakMap<SpeechProvider, Map<string, Promise<SpeechRef>>>();

export const speechKey = (hash: string, ext: string) => `speech/${hash.slice(0, 2)}/${hash}.${ext}`;
const contentTypeOf = (ext: string) => (ext === 'mp3' ? 'audio/mpeg' : 'audio/wav');

export function speechHash(provider: SpeechProvider, text: string): string {
  return createHash('sha256').update(`${provider.id}\n${text}`).digest('hex');
}

/** Validates the text the way the API promises: stable codes, Chinese messages with the numbers. */
export function checkSpeechText(raw: string): Outcome<string> {
  const text = normalizeSpeechText(raw);
  if (!text || !isSpeakable(text)) return Err('SPEECH_TEXT_EMPTY');
  const length = Array.from(text).length;
  if (length > SPEECH_TEXT_MAX) {
    return Err(
      'SPEECH_TEXT_TOO_LONG',
      `一次最多朗读${SPEECH_TEXT_MAX}个字，这段有${length}个字，请分段朗读`,
      {
        max: SPEECH_TEXT_MAX,
        length,
      },
    );
  }
  return Ok(text);
}

async function waitForPeer(storage: StoragePort, key: string): Promise<boolean> {
  const until = Date.now() + PEER_WAIT_MS;
  for (let delay = 50; Date.now() < until; delay = Math.min(delay * 2, 500)) {
    await new Promise((r) => setTimeout(r, delay));
    if (await storage.has(key)) return true;
  }
  return false;
}

async function synthesizeOnce(
  deps: Deps,
  provider: SpeechProvider,
  text: string,
  hash: string,
): Promise<SpeechRef> {
  const { storage, redis, log } = deps;
  const key = speechKey(hash, provider.ext);
  const file = `${hash}.${provider.ext}`;
  const lock = await redis.lock(`speech:${hash}`, 30_000);
  try {
    if (lock.state === 'held' && (await waitForPeer(storage, key))) {
      const obj = await storage.get(key);
      if (obj) return { hash, file, key, contentType: obj.contentType, bytes: obj.body.length, cached: true };
    }
    // Another request may have finished between our miss and the lock.
    if (lock.state === 'acquired' && (await storage.has(key))) {
      const obj = await storage.get(key);
      if (obj) return { hash, file, key, contentType: obj.contentType, bytes: obj.body.length, cached: true };
    }
    const started = performance.now();
    const { audio, contentType } = await provider.synthesize(text);
    await storage.put(key, audio, contentType);
    await redis.cacheSet(
      `speech:${hash}`,
      { contentType, bytes: audio.length } satisfies IndexEntry,
      INDEX_TTL_S,
    );
    log('info', 'speech synthesised', {
      provider: provider.id,
      chars: text.length,
      bytes: audio.length,
      ms: Math.round(performance.now() - started),
    });
    return { hash, file, key, contentType, bytes: audio.length, cached: false };
  } finally {
    if (lock.state === 'acquired') await lock.release();
  }
}

/** The stored audio of a text, synthesising it if no one has yet. */
export async function getSpeech(deps: Deps, rawText: string): Promise<Outcome<SpeechRef>> {
  const checked = checkSpeechText(rawText);
  if (!checked.ok) return checked;
  const text = checked.value;
  const provider = deps.speech;
  if (!provider) return Err('SPEECH_UNAVAILABLE');
  const hash = speechHash(provider, text);
  const key = speechKey(hash, provider.ext);
  const file = `${hash}.${provider.ext}`;

  const indexed = await deps.redis.cacheGet<IndexEntry>(`speech:${hash}`);
  if (indexed)
    return Ok({ hash, file, key, contentType: indexed.contentType, bytes: indexed.bytes, cached: true });

  let flights = inflight.get(provider);
  if (!flights) {
    flights = new Map();
    inflight.set(provider, flights);
  }
  let flight = flights.get(hash);
  if (!flight) {
    flight = (async () => {
      const obj = await deps.storage.get(key);
      if (obj) {
        await deps.redis.cacheSet(
          `speech:${hash}`,
          { contentType: obj.contentType, bytes: obj.body.length },
          INDEX_TTL_S,
        );
        rememberAudio(deps.storage, key, obj.body, obj.contentType);
        return { hash, file, key, contentType: obj.contentType, bytes: obj.body.length, cached: true };
      }
      return synthesizeOnce(deps, provider, text, hash);
    })().finally(() => flights.delete(hash));
    flights.set(hash, flight);
  }
  try {
    return Ok(await flight);
  } catch (err) {
    deps.log('error', 'speech synthesis failed', { provider: provider.id, err: String(err) });
    return Err('SPEECH_UNAVAILABLE');
  }
}

/* Hot audio in memory: the same few notices are played by a whole village within hours; reading
   them from disk or object storage for every villager is waste. Bounded by bytes, oldest out. */
const HOT_MAX_BYTES = 64 * 1024 * 1024;
const hot = new WeakMap<
  StoragePort,
  { bytes: number; items: Map<string, { body: Uint8Array; contentType: string }> }
>();

function hotOf(storage: StoragePort) {
  let h = hot.get(storage);
  if (!h) {
    h = { bytes: 0, items: new Map() };
    hot.set(storage, h);
  }
  return h;
}

function rememberAudio(storage: StoragePort, key: string, body: Uint8Array, contentType: string) {
  const h = hotOf(storage);
  if (h.items.has(key) || body.length > HOT_MAX_BYTES / 8) return;
  h.items.set(key, { body, contentType });
  h.bytes += body.length;
  for (const [k, v] of h.items) {
    if (h.bytes <= HOT_MAX_BYTES) break;
    h.items.delete(k);
    h.bytes -= v.body.length;
  }
}

/** The bytes of an audio file named by its URL, if this instance holds them in memory. */
export function hotSpeechAudio(deps: Pick<Deps, 'storage'>, file: string) {
  const [hash, ext] = file.split('.') as [string, string];
  return hotOf(deps.storage).items.get(speechKey(hash, ext)) ?? null;
}

/** The bytes of an audio file named by its URL (`<hash>.<ext>`), or null. */
export async function readSpeechAudio(deps: Deps, file: string) {
  const cached = hotSpeechAudio(deps, file);
  if (cached) return cached;
  const [hash, ext] = file.split('.') as [string, string];
  const key = speechKey(hash, ext);
  const obj = await deps.storage.get(key);
  if (!obj) return null;
  const value = { body: obj.body, contentType: obj.contentType || contentTypeOf(ext) };
  rememberAudio(deps.storage, key, value.body, value.contentType);
  return value;
}

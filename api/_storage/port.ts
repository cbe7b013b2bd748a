/**
 * The storage port: where uploaded photos, voice recordings and synthesised speech are kept.
 * Keys are opaque paths chosen by the caller (e.g. `media/<village>/<id>`, `speech/<hash>.mp3`).
 * Implementations: local folder (embedded default, ./local.ts) and S3-compatible object storage
 * for deploys (Tencent COS, MinIO …). Configuration, not code, picks one (createStorage).
 */
export type StoredObject = { body: Uint8Array; contentType: string };

export interface StoragePort {
  readonly kind: 'local' | 's3';
  /** Writes (or overwrites) an object; resolves once it is durable. */
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** The object, or null when there is none. */
  get(key: string): Promise<StoredObject | null>;
  /** Whether an object exists (cheap: no body). */
  has(key: string): Promise<boolean>;
  /** Removes an object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
}

const KEY_RE = /^[a-z0-9][a-z0-9/_.-]{0,255}$/;

/**
 * Keys are ours, never a user's file name: lower-case, no `..`, no leading or trailing slash, and
 * not ending in `.type` / `.tmp` (the local adapter's side files).
 */
export function assertStorageKey(key: string): void {
  if (!KEY_RE.test(key) || key.includes('..') || key.includes('//') || /(\/|\.type|\.tmp)$/.test(key)) {
    throw new Error(`invalid storage key: ${key}`);
  }
}

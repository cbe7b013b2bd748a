/**
 * Picks the storage implementation from configuration: S3-compatible object storage when
 * STORAGE_S3_BUCKET is set, otherwise a local folder (STORAGE_DIR).
 */
import type { Config } from '../_lib/config';
import { createLocalStorage } from './local';
import type { StoragePort } from './port';
import { createS3Storage } from './s3';

export type { StoragePort, StoredObject } from './port';

export function createStorage(config: Config['storage']): StoragePort {
  if (config.s3) return createS3Storage(config.s3);
  return createLocalStorage(config.dir);
}

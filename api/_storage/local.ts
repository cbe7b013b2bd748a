/**
 * Local-folder storage: the embedded default (`npm run dev`, self-hosting on one machine).
 * Writes go to a temporary file first and are renamed into place, so a crash never leaves a
 * half-written object under its key. The content type is kept beside the object.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { assertStorageKey, type StoragePort } from './port';

export function createLocalStorage(root: string): StoragePort {
  const file = (key: string) => {
    assertStorageKey(key);
    return path.join(root, key);
  };
  return {
    kind: 'local',
    async put(key, body, contentType) {
      const target = file(key);
      await mkdir(path.dirname(target), { recursive: true });
      const tmp = `${target}.${randomUUID()}.tmp`;
      await writeFile(tmp, body);
      await writeFile(`${target}.type`, contentType);
      await rename(tmp, target);
    },
    async get(key) {
      const target = file(key);
      try {
        const [body, contentType] = await Promise.all([
          readFile(target),
          readFile(`${target}.type`, 'utf8').catch(() => 'application/octet-stream'),
        ]);
        return { body: new Uint8Array(body), contentType };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async has(key) {
      try {
        await stat(file(key));
        return true;
      } catch {
        return false;
      }
    },
    async delete(key) {
      const target = file(key);
      await rm(target, { force: true });
      await rm(`${target}.type`, { force: true });
    },
  };
}

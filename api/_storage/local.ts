/**
 * Local-folder storage: the embedded default (`npm run dev`, self-hosting on one machine).
 * Writes go to a temporary file first and are renamed into place, so a crash never leaves a
 * half-written object under its key. The content type is kept beside the object.
 */
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { assertStorageKey, type StoragePort } from './port';

const CHUNK = 256 * 1024;

/** Writes `body` to a new file and flushes it to disk before resolving. */
async function writeDurably(file: string, body: Uint8Array): Promise<void> {
  const fh = await open(file, 'wx');
  try {
    for (let at = 0; at < body.length; at += CHUNK) {
      await fh.write(body, at, Math.min(CHUNK, body.length - at));
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
}

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
      const tmpType = `${tmp}.type`;
      try {
        await writeDurably(tmp, body);
        await writeDurably(tmpType, new TextEncoder().encode(contentType));
        // The type first: an object is never visible under its key without its content type.
        await rename(tmpType, `${target}.type`);
        await rename(tmp, target);
      } catch (err) {
        await rm(tmp, { force: true });
        await rm(tmpType, { force: true });
        throw err;
      }
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
        return (await stat(file(key))).isFile();
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

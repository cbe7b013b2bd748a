/**
 * Child process for the local storage crash test: starts writing a 1 MB object and kills itself
 * (SIGKILL, no cleanup, like a power cut) on the third chunk written to disk.
 * argv: <storage root> <key> <fill byte>
 */
import { open } from 'node:fs/promises';
import { createLocalStorage } from '../../api/_storage/local';

const [root, key, fill] = process.argv.slice(2) as [string, string, string];
const probe = await open(process.argv[1]!, 'r');
const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
await probe.close();
const write = proto.write;
let calls = 0;
proto.write = function (this: unknown, ...args: unknown[]) {
  if (++calls === 3) process.kill(process.pid, 'SIGKILL');
  return write.apply(this, args);
};
await createLocalStorage(root).put(key, new Uint8Array(1024 * 1024).fill(Number(fill)), 'image/png');
console.log('finished without crashing');

/**
 * Which real services the tests can reach. On a laptop without them, service-backed tests skip
 * with a loud notice; with CI=true (strict mode) a missing service fails the run.
 */
import net from 'node:net';

export const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const STRICT = process.env.CI === 'true' || process.env.STRICT_SERVICES === '1';

export function reachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port) }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}

/** true when the service is up; false (skip, with a loud notice) when not and not strict; throws when strict. */
export async function serviceAvailable(name: 'postgres' | 'redis'): Promise<boolean> {
  const ok = await reachable(name === 'postgres' ? PG_URL : REDIS_URL);
  if (ok) return true;
  const msg = `${name} is not reachable at ${name === 'postgres' ? PG_URL : REDIS_URL}`;
  if (STRICT) throw new Error(`${msg} — CI=true requires every service`);
  console.warn(`\n!!! SKIPPING ${name}-backed tests: ${msg}. Start it (see README) to run them. !!!\n`);
  return false;
}

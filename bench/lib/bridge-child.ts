/**
 * Runs the Upstash-protocol bridge (tests/support/upstash-bridge.ts) as its own process, so the
 * load generator's event loop does not also carry the server's Redis traffic. Prints one JSON
 * line `{"msg":"bridge","url":…,"token":…}` when ready; exits on SIGTERM/SIGINT.
 */
import { startUpstashBridge } from '../../tests/support/upstash-bridge';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const bridge = await startUpstashBridge({ redisUrl });
process.stdout.write(`${JSON.stringify({ msg: 'bridge', url: bridge.url, token: bridge.token })}\n`);

const stop = async () => {
  await bridge.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

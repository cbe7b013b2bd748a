import { spawn } from 'node:child_process';
import { SpeechProviderError } from './port';

/** Runs a program with stdin → stdout as bytes, bounded by a timeout. */
export function runPipe(
  bin: string,
  args: string[],
  input: Uint8Array | string,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new SpeechProviderError(`${bin} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new SpeechProviderError(`${bin}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new SpeechProviderError(`${bin} exited ${code}: ${Buffer.concat(err).toString().slice(0, 300)}`),
        );
    });
    child.stdin.on('error', () => {}); // a failing child closes stdin early; 'close' reports it
    child.stdin.end(input);
  });
}

/** Shared by the speech suites: a provider wrapper that counts syntheses, and audio checks. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SpeechProvider } from '../../api/_speech/port';
import type { TestApp } from '../support/harness';

/** Wraps the app's provider so a test can count how often the engine really ran. */
export function countSyntheses(t: TestApp) {
  const inner = t.deps.speech;
  if (!inner) throw new Error('speech is off in this app');
  const counter = { calls: 0, texts: [] as string[] };
  const wrapped: SpeechProvider = {
    id: inner.id,
    ext: inner.ext,
    synthesize(text) {
      counter.calls++;
      counter.texts.push(text);
      return inner.synthesize(text);
    },
  };
  t.deps.speech = wrapped;
  return counter;
}

/** What sox says about a file (`sox --i`), as a map of its fields. */
export function soxInfo(bytes: Uint8Array, ext: string): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'speech-'));
  const file = path.join(dir, `a.${ext}`);
  try {
    writeFileSync(file, bytes);
    const out = execFileSync('sox', ['--i', file], { encoding: 'utf8' });
    return Object.fromEntries(
      out
        .split('\n')
        .map((l) => l.match(/^([^:]+?)\s*:\s*(.*)$/))
        .filter((m): m is RegExpMatchArray => !!m)
        .map((m) => [m[1]!.trim(), m[2]!.trim()]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fetches a path from the app without any session (what the audio player does). */
export async function fetchAudio(t: TestApp, url: string, headers: Record<string, string> = {}) {
  const res = await t.app.request(url, { headers });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/**
 * `speech`: server speech (the read-aloud fallback) on the built server, real PostgreSQL + Redis
 * (through the Upstash bridge), espeak-ng, local storage in a temp folder.
 *   first_synthesis_ms — POST /api/speech of a new 300-character notice: espeak-ng + sox + store +
 *                        index, end to end (one request, nothing cached);
 *   p99_ms             — GET of a cached audio URL (a notice's first sentence, the piece the
 *                        read-aloud button asks for) at 100 connections, 10 s.
 * Budget (issue 8): p99 ≤ 50 ms for cached audio, no errors; first_synthesis_ms is reported.
 * The audio is MP3 when Debian's lame is installed (SPEECH_ENCODE=auto), else WAV (8× larger).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLoad } from '../lib/load';
import { runWrk, wrkAvailable } from '../lib/wrk';
import { createTempDatabase } from '../lib/pg';
import { cpuSeconds, rssMb } from '../lib/processes';
import { startBridge } from '../lib/redis';
import { SERVER_ENTRY, apiEnv, buildApi, devLogin, startServer } from '../lib/server';
import { type Scenario, fmt, kb } from '../lib/scenario';

/** A 300-character notice, made new on every run (a timestamp in it) so it is never cached. */
function notice300(): string {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-T:]/g, '');
  const sentences = [
    `东坪村村民委员会通知（编号${stamp}）：`,
    '为了做好今年秋冬季防火和村道安全工作，村两委经研究决定，从下周一开始在全村开展为期两周的安全大检查。',
    '请各网格员逐户走访，重点查看老人独居户的用电、用火和取暖设施，发现隐患要当场说明并登记。',
    '各户请自行清理房前屋后的柴草堆和杂物，不要在田间地头焚烧秸秆和垃圾。',
    '村道两侧堆放的建材请在本周五前移走，以免影响车辆和行人通行。',
    '检查期间如有困难，请拨打村委会值班电话，或直接告诉本组网格员，我们会尽快上门帮忙。',
    '感谢大家的理解和支持。',
  ];
  let text = sentences.join('');
  while (Array.from(text).length < 300) text += '请大家互相转告。';
  return Array.from(text).slice(0, 300).join('');
}

export const speech: Scenario = {
  name: 'speech',
  description: 'server speech: first synthesis of a 300-char notice; cached audio at 100 conns, 10 s',
  budgets: [
    { metric: 'p99_ms', op: '<=', limit: 50, unit: 'ms' },
    { metric: 'errors', op: '==', limit: 0 },
    { metric: 'non_2xx', op: '==', limit: 0 },
  ],
  async run(args) {
    await buildApi({ build: args.build !== false, need: [SERVER_ENTRY] });
    const db = await createTempDatabase();
    const bridge = args.redis === false ? undefined : await startBridge();
    const storageDir = mkdtempSync(path.join(tmpdir(), 'bench-speech-'));
    try {
      const server = await startServer({
        env: apiEnv(db, bridge, {
          DEV_LOGIN: '1',
          SEED_DEMO: '1',
          STORAGE_DIR: storageDir,
          SPEECH_PROVIDER: 'espeak',
        }),
      });
      const { token } = await devLogin(server.url);
      const post = (text: string) =>
        fetch(`${server.url}/api/speech`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ text }),
        });

      const text = notice300();
      const t0 = performance.now();
      const first = await post(text);
      const firstMs = performance.now() - t0;
      const firstBody = (await first.json()) as {
        url: string;
        bytes: number;
        cached: boolean;
        contentType: string;
        error?: unknown;
      };
      if (first.status !== 200 || firstBody.cached) {
        throw new Error(`first synthesis: HTTP ${first.status} ${JSON.stringify(firstBody).slice(0, 300)}`);
      }
      const t1 = performance.now();
      const again = (await (await post(text)).json()) as { cached: boolean };
      const cachedPostMs = performance.now() - t1;
      if (!again.cached)
        throw new Error('the second request for the same text was not served from the cache');

      // What the read-aloud button fetches: one sentence's audio, already synthesised.
      const sentence = text.slice(0, text.indexOf('。') + 1);
      const chunk = (await (await post(sentence)).json()) as { url: string; bytes: number };
      const audioUrl = `${server.url}${chunk.url}`;
      const probe = await fetch(audioUrl);
      const probeBytes = (await probe.arrayBuffer()).byteLength;
      if (probe.status !== 200 || probeBytes !== chunk.bytes) {
        throw new Error(`audio URL answered ${probe.status} with ${probeBytes} bytes`);
      }

      const cpuBefore = await cpuSeconds(server.child.pid);
      const loadOpts = {
        url: audioUrl,
        connections: args.connections ?? 100,
        durationS: args.durationS ?? 10,
        warmupS: args.warmupS ?? 2,
      };
      // wrk when installed: autocannon parses each 100+ KB body in JavaScript and would be the
      // bottleneck (bench/lib/wrk.ts). BENCH_LOAD=autocannon forces autocannon.
      const useWrk = process.env.BENCH_LOAD !== 'autocannon' && wrkAvailable();
      const load = useWrk
        ? await runWrk(loadOpts)
        : { ...(await runLoad(loadOpts)), load_tool: 'autocannon' };
      const cpuAfter = await cpuSeconds(server.child.pid);
      const serverCpu =
        cpuBefore !== undefined && cpuAfter !== undefined
          ? Math.round((cpuAfter - cpuBefore) * 100) / 100
          : null;
      return {
        ...load,
        first_synthesis_ms: Math.round(firstMs),
        first_synthesis_chars: Array.from(text).length,
        first_synthesis_audio_bytes: firstBody.bytes,
        audio_format: firstBody.contentType,
        cached_post_ms: Math.round(cachedPostMs * 10) / 10,
        cached_audio_chars: Array.from(sentence).length,
        cached_audio_bytes: chunk.bytes,
        throughput_mb_s: Math.round(((load.rps * chunk.bytes) / 1e6) * 10) / 10,
        redis: bridge ? 'redis-server via upstash bridge' : 'none (--no-redis)',
        server_rss_mb: (await rssMb(server.child.pid)) ?? null,
        server_cpu_s: serverCpu,
      };
    } finally {
      rmSync(storageDir, { recursive: true, force: true });
    }
  },
  summary: (r) =>
    `cached audio (${kb(r.cached_audio_bytes)}, ${r.cached_audio_chars} chars): p99 ${fmt(r.p99_ms)} ms, ` +
    `p50 ${fmt(r.p50_ms)} ms, ${fmt(r.rps, 0)} req/s, ${r.errors} errors, ${r.non_2xx} non-2xx ` +
    `(${r.connections} conns, ${r.duration_s} s, ${r.load_tool}); first synthesis of ${r.first_synthesis_chars} chars ` +
    `${fmt(r.first_synthesis_ms, 0)} ms (${kb(r.first_synthesis_audio_bytes)} ${r.audio_format})`,
};

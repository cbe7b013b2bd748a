/**
 * npm run bench -- <scenario…> [--connections N] [--duration S] [--warmup S] [--runs N]
 *                               [--build | --no-build] [--no-redis] [--strict]
 * npm run bench -- list
 *
 * Runs each scenario, writes bench/results/<scenario>.json and updates bench/RESULTS.md.
 * Children (API server, Redis bridge) are killed and the temp database dropped however the run
 * ends. Exit code: 0 when every scenario ran (1 if one failed to run); with --strict, 2 when a
 * scenario ran but missed its budget.
 */
import { parseArgs } from 'node:util';
import { installExitHandlers, runCleanups } from './lib/processes';
import { markStart, writeResult } from './lib/results';
import type { Scenario, ScenarioArgs } from './lib/scenario';
import { board } from './scenarios/board';
import { booking } from './scenarios/booking';
import { coldStart } from './scenarios/cold-start';
import { matters } from './scenarios/matters';
import { me } from './scenarios/me';
import { notify } from './scenarios/notify';
import { size } from './scenarios/size';
import { speech } from './scenarios/speech';
import { voteStorm } from './scenarios/vote-storm';

const SCENARIOS: Scenario[] = [me, coldStart, size, notify, matters, booking, board, voteStorm, speech];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    connections: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    runs: { type: 'string' },
    build: { type: 'boolean' },
    'no-build': { type: 'boolean' },
    'no-redis': { type: 'boolean' },
    strict: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

function usage(): string {
  return [
    'usage: npm run bench -- <scenario…> [--connections N] [--duration S] [--warmup S] [--runs N]',
    '                        [--build | --no-build] [--no-redis] [--strict]',
    '',
    'scenarios:',
    ...SCENARIOS.map((s) => `  ${s.name.padEnd(12)} ${s.description}`),
    '  all          every scenario above, in turn',
  ].join('\n');
}

const num = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} wants a positive number, got ${v}`);
  return n;
};

async function main(): Promise<number> {
  if (values.help || positionals.length === 0 || positionals[0] === 'list') {
    console.log(usage());
    return positionals.length === 0 && !values.help ? 1 : 0;
  }
  const names = positionals.includes('all') ? SCENARIOS.map((s) => s.name) : positionals;
  const chosen = names.map((n) => {
    const s = SCENARIOS.find((x) => x.name === n);
    if (!s) throw new Error(`unknown scenario "${n}"\n\n${usage()}`);
    return s;
  });
  const args: ScenarioArgs = {
    build: values['no-build'] ? false : values.build ? true : undefined,
    connections: num(values.connections, 'connections'),
    durationS: num(values.duration, 'duration'),
    warmupS: values.warmup === '0' ? 0 : num(values.warmup, 'warmup'),
    runs: num(values.runs, 'runs'),
    redis: values['no-redis'] ? false : undefined,
  };

  let failedToRun = 0;
  let overBudget = 0;
  for (const s of chosen) {
    console.error(`[bench] ${s.name}: ${s.description}`);
    await markStart();
    try {
      const figures = await s.run(args);
      const r = writeResult(s.name, figures, s.budgets, s.summary);
      console.log(`${s.name}: ${s.summary(r)} — ${r.pass ? 'within budget' : 'OVER BUDGET'}`);
      for (const b of r.budget) {
        const op = b.op === '<=' ? '≤' : b.op === '>=' ? '≥' : '=';
        console.log(
          `  ${b.pass ? 'ok  ' : b.aim ? 'MISS' : 'FAIL'} ${b.metric} = ${b.value ?? 'n/a'} (${b.aim ? 'aim' : 'budget'} ${op} ${b.limit})`,
        );
      }
      console.log(`  → bench/results/${s.name}.json, bench/RESULTS.md`);
      if (!r.pass) overBudget++;
    } catch (e) {
      failedToRun++;
      console.error(`[bench] ${s.name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } finally {
      await runCleanups();
    }
  }
  if (failedToRun > 0) return 1;
  return values.strict && overBudget > 0 ? 2 : 0;
}

installExitHandlers();
main()
  .catch((e) => {
    console.error(`[bench] ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  })
  .then(async (code) => {
    await runCleanups();
    process.exit(code);
  });

/**
 * Writes bench/results/<scenario>.json and keeps bench/RESULTS.md's table at one row per
 * scenario (the latest run), each with its budget verdict and a link to the JSON.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BENCH_DIR = path.resolve(import.meta.dirname, '..');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
export const RESULTS_MD = path.join(BENCH_DIR, 'RESULTS.md');

/** A limit on one figure of the result, e.g. `{ metric: 'p99_ms', op: '<=', limit: 50 }`. */
/**
 * A limit a figure must meet. `aim: true` marks a goal the issue states as an aim, not a budget:
 * it is checked and shown, but does not decide the verdict.
 */
export type Budget = { metric: string; op: '<=' | '>=' | '=='; limit: number; unit?: string; aim?: boolean };
export type BudgetCheck = Budget & { value: number | null; pass: boolean };

export type Machine = {
  cpus: number;
  cpu_model: string;
  mem_gb: number;
  os: string;
  node: string;
  /** 1-minute load average when the run started: other work on the machine skews the figures. */
  loadavg_1m: number;
  /** Share of all cores busy during the second before the run (Linux); other work skews figures. */
  cpu_busy_pct_before?: number | null;
};

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    mem_gb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.platform()} ${os.release()}`,
    node: process.version,
    loadavg_1m: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

let startMachine: Machine | undefined;

function cpuTimes(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Snapshot the machine (load average, CPU busy over the last second) as a scenario starts. */
export async function markStart(): Promise<void> {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, 1000));
  const b = cpuTimes();
  const busy =
    a && b && b.total > a.total ? Math.round(((b.busy - a.busy) / (b.total - a.total)) * 100) : null;
  startMachine = { ...machine(), cpu_busy_pct_before: busy };
  if (busy !== null && busy > 25) {
    console.error(`[bench] warning: the machine is already ${busy}% busy — timings will be pessimistic`);
  }
}

function git(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'api', 'shared', 'miniprogram'], {
      encoding: 'utf8',
    });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

/** The fields every result has; scenarios without load (size) leave the load ones null. */
export type StandardFigures = {
  connections: number | null;
  duration_s: number | null;
  requests: number | null;
  rps: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  errors: number | null;
  non_2xx: number | null;
};

export const NO_LOAD: StandardFigures = {
  connections: null,
  duration_s: null,
  requests: null,
  rps: null,
  p50_ms: null,
  p95_ms: null,
  p99_ms: null,
  errors: null,
  non_2xx: null,
};

export type ResultFile = StandardFigures & {
  scenario: string;
  at: string;
  machine: Machine;
  git: { commit: string; dirty: boolean };
  budget: BudgetCheck[];
  pass: boolean;
  [figure: string]: unknown;
};

export function checkBudgets(figures: Record<string, unknown>, budgets: Budget[]): BudgetCheck[] {
  return budgets.map((b) => {
    const v = figures[b.metric];
    const value = typeof v === 'number' && Number.isFinite(v) ? v : null;
    const pass =
      value !== null &&
      (b.op === '<=' ? value <= b.limit : b.op === '>=' ? value >= b.limit : value === b.limit);
    return { ...b, value, pass };
  });
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

const MD_HEADER = `# Benchmark results

The latest run of each scenario: \`npm run bench -- <scenario>\` (see bench/README.md). Each row
is rewritten by its scenario's run and links to the full figures. Numbers depend on the machine
and on what else it was doing (see \`machine.loadavg_1m\` in the JSON): compare runs on the same
machine, and rerun before believing a regression.

| Scenario | Result | Budget | Verdict | Run at (UTC) | Commit | Machine | Details |
|---|---|---|---|---|---|---|---|
`;

function fmtBudget(b: Budget): string {
  const op = b.op === '<=' ? '≤' : b.op === '>=' ? '≥' : '=';
  return `${b.metric} ${op} ${b.limit.toLocaleString('en-US')}${b.unit ? ` ${b.unit}` : ''}${b.aim ? ' (aim)' : ''}`;
}

function mdRow(r: ResultFile, summary: string): string {
  const m = r.machine;
  const cells = [
    `\`${r.scenario}\``,
    summary,
    r.budget.map(fmtBudget).join(', ') || '—',
    (r.pass
      ? '✅ pass'
      : `❌ over: ${r.budget
          .filter((b) => !b.pass && !b.aim)
          .map((b) => b.metric)
          .join(', ')}`) +
      r.budget
        .filter((b) => b.aim && !b.pass)
        .map((b) => `; aim missed: ${b.metric}`)
        .join(''),
    r.at.slice(0, 16).replace('T', ' '),
    `${r.git.commit}${r.git.dirty ? '+' : ''}`,
    `${m.cpus}× ${m.cpu_model.replace(/\s+/g, ' ')}, ${m.mem_gb} GB, Node ${m.node}, load ${m.loadavg_1m}` +
      (m.cpu_busy_pct_before != null ? `, ${m.cpu_busy_pct_before}% busy before` : ''),
    `[${r.scenario}.json](results/${r.scenario}.json)`,
  ];
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/** Upserts the scenario's row; other rows and any text around the table are kept. */
export function updateResultsMd(r: ResultFile, summary: string, file = RESULTS_MD): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : MD_HEADER;
  const lines = text.split('\n');
  const row = mdRow(r, summary);
  const mine = lines.findIndex((l) => new RegExp(`^\\|\\s*\`${r.scenario}\`\\s*\\|`).test(l));
  if (mine >= 0) {
    lines[mine] = row;
  } else {
    const sep = lines.findIndex((l) => /^\|\s*-{3,}/.test(l));
    if (sep < 0) {
      writeAtomic(file, `${MD_HEADER}${row}\n`);
      formatMarkdown(file);
      return;
    }
    let end = sep + 1;
    while (end < lines.length && lines[end]!.startsWith('|')) end++;
    lines.splice(end, 0, row);
    // Keep rows in scenario order.
    const body = lines.slice(sep + 1, end + 1).sort();
    lines.splice(sep + 1, body.length, ...body);
  }
  writeAtomic(file, lines.join('\n'));
  formatMarkdown(file);
}

/** Biome formats Markdown tables (padded columns); keep the file as `npm run lint` wants it. */
function formatMarkdown(file: string): void {
  try {
    execFileSync(path.join(BENCH_DIR, '..', 'node_modules', '.bin', 'biome'), ['format', '--write', file], {
      stdio: 'ignore',
    });
  } catch {
    // Not fatal: the table is still correct Markdown, only not padded.
  }
}

export function writeResult(
  scenario: string,
  figures: StandardFigures & Record<string, unknown>,
  budgets: Budget[],
  summary: (r: ResultFile) => string,
): ResultFile {
  const budget = checkBudgets(figures, budgets);
  const result: ResultFile = {
    scenario,
    ...figures,
    at: new Date().toISOString(),
    machine: startMachine ?? machine(),
    git: git(),
    budget,
    pass: budget.every((b) => b.pass || b.aim),
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeAtomic(path.join(RESULTS_DIR, `${scenario}.json`), `${JSON.stringify(result, null, 2)}\n`);
  updateResultsMd(result, summary(result));
  return result;
}

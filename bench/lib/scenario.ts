import type { Budget, ResultFile, StandardFigures } from './results';

/** Command-line options every scenario may use (each ignores what does not apply to it). */
export type ScenarioArgs = {
  /**
   * --build: rebuild what is measured; --no-build: measure what is there. Unset: the scenario's
   * default (the API bundles are rebuilt, ≈ 1 s; the weapp only when missing, it takes minutes).
   */
  build?: boolean;
  connections?: number;
  durationS?: number;
  warmupS?: number;
  runs?: number;
  /** --no-redis: run the API without Redis (to see what Redis costs); the default uses it. */
  redis?: boolean;
};

export type Scenario = {
  name: string;
  description: string;
  budgets: Budget[];
  run(args: ScenarioArgs): Promise<StandardFigures & Record<string, unknown>>;
  /** One line for bench/RESULTS.md. */
  summary(r: ResultFile): string;
};

export const fmt = (n: unknown, digits = 1): string =>
  typeof n === 'number' && Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits })
    : '—';

export const kb = (bytes: unknown): string => (typeof bytes === 'number' ? `${fmt(bytes / 1024)} KB` : '—');

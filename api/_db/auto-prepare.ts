/**
 * Named prepared statements for the queries the app sends again and again, on real PostgreSQL.
 *
 * node-postgres sends every parameterised query as an unnamed statement, so PostgreSQL parses
 * and plans it anew each time. For the app's richer queries planning is most of the work: the
 * session lookup every write makes cost ≈ 0.8 ms of server CPU unnamed and ≈ 0.13 ms prepared
 * (bench/README.md). This Client subclass names a query's text once it has been seen `threshold`
 * times, so each pooled connection parses it once and PostgreSQL may keep its plan — what
 * postgres.js and JDBC (prepareThreshold) do by default.
 *
 * - Only queries with parameters: a parameterless text may hold several statements (migrations),
 *   which a prepared statement cannot.
 * - At most `max` texts are ever named (a text built with varying literals would otherwise grow
 *   every connection's statement cache); after that, new texts go unnamed as before.
 * - A query that already has a name, or a Submittable (cursor, stream), is left alone.
 */
import pg from 'pg';

export type AutoPrepareOptions = { threshold?: number; max?: number; track?: number };

export type StatementNames = {
  /** The statement name for this text, or undefined while it stays unnamed. */
  nameFor(text: string): string | undefined;
  /** How many texts have a name. */
  size(): number;
};

export function statementNames(opts: AutoPrepareOptions = {}): StatementNames {
  const threshold = opts.threshold ?? 2;
  const max = opts.max ?? 300;
  const track = opts.track ?? 5_000;
  const named = new Map<string, string>();
  const counts = new Map<string, number>();
  return {
    nameFor(text) {
      const name = named.get(text);
      if (name !== undefined) return name;
      if (named.size >= max) return undefined;
      const n = (counts.get(text) ?? 0) + 1;
      if (n < threshold) {
        if (counts.size < track) counts.set(text, n);
        return undefined;
      }
      counts.delete(text);
      const fresh = `ap${named.size + 1}`;
      named.set(text, fresh);
      return fresh;
    },
    size: () => named.size,
  };
}

type QueryConfigLike = { text?: unknown; name?: unknown; values?: unknown; submit?: unknown };

/** A pg.Client class whose parameterised queries are named by `names` (shared by the pool). */
export function autoPrepareClient(names: StatementNames): typeof pg.Client {
  class AutoPrepareClient extends pg.Client {
    // biome-ignore lint/suspicious/noExplicitAny: pg's query() is heavily overloaded
    override query(config: any, values?: any, callback?: any): any {
      const c = config as QueryConfigLike | string | null;
      if (
        c &&
        typeof c === 'object' &&
        typeof c.text === 'string' &&
        c.name === undefined &&
        typeof c.submit !== 'function'
      ) {
        const params = Array.isArray(values) ? values : c.values;
        if (Array.isArray(params) && params.length > 0) {
          const name = names.nameFor(c.text);
          if (name !== undefined) return super.query({ ...config, name }, values, callback);
        }
      }
      return super.query(config, values, callback);
    }
  }
  return AutoPrepareClient;
}

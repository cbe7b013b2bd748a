/**
 * Raw statements built once and run many times. Building a drizzle statement of a few inserts costs
 * more server CPU than PostgreSQL takes to run it (about 0.2 ms for the raise statement), so a hot
 * path builds it once, with a placeholder for every value, and runs it with values: drizzle's
 * `.prepare()`, for statements `db.execute` runs (data-modifying CTEs) that have no builder.
 *
 * Inserted rows go in through `rowTemplate` / `rowValues`: each value becomes a bare placeholder
 * and is encoded here by its column as drizzle would (JSON for jsonb, ISO text for timestamps),
 * with null passed as SQL NULL (drizzle's placeholder path would encode it as JSON null).
 */
import { type SQL, getTableColumns, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from './client';

type Query = { sql: string; params: unknown[] };
/** What drizzle's PgDatabase has at run time but does not type: how `db.execute` runs a statement. */
type Internals = {
  dialect: { sqlToQuery(s: SQL): Query };
  session: {
    prepareQuery(
      q: Query,
      fields: undefined,
      name: undefined,
      arrayMode: boolean,
    ): { execute(values: Record<string, unknown>): Promise<unknown> };
  };
};

/** A json value of a raw statement's row: node-postgres parses it, other drivers may give the text. */
export const jsonValue = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/**
 * A statement built on first use by `build` (with `sql.placeholder`s) and then only filled in:
 * `run(db, values)` resolves to what `db.execute` would. Every database of this API is made the same
 * way (snake_case, the same schema), so one built text serves them all.
 */
export function preparedSql(build: (q: Db) => SQL) {
  let built: Query | undefined;
  return async <R = Record<string, unknown>>(q: Db | Tx, values: Record<string, unknown>) => {
    const db = q as unknown as Internals;
    built ??= db.dialect.sqlToQuery(build(q as Db));
    const result = await db.session.prepareQuery(built, undefined, undefined, false).execute(values);
    return result as { rows: R[] };
  };
}

/** The insert values of a row whose every value is the placeholder `${prefix}${key}`. */
export function rowTemplate<T extends Record<string, unknown>>(prefix: string, row: T): Record<keyof T, SQL> {
  return Object.fromEntries(
    Object.keys(row).map((k) => [k, sql`${sql.placeholder(`${prefix}${k}`)}`]),
  ) as Record<keyof T, SQL>;
}

/** The placeholder values of `row` for `rowTemplate(prefix, …)`, encoded by the table's columns. */
export function rowValues(
  table: PgTable,
  prefix: string,
  row: Record<string, unknown>,
): Record<string, unknown> {
  const columns = getTableColumns(table) as Record<string, { mapToDriverValue(v: unknown): unknown }>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const column = columns[k];
    if (!column) throw new Error(`rowValues: ${k} is not a column`);
    // undefined would mean the column's default in a drizzle insert; a template cannot say that.
    if (v === undefined) throw new Error(`rowValues: ${k} is undefined (give null, or leave the key out)`);
    out[`${prefix}${k}`] = v === null ? null : column.mapToDriverValue(v);
  }
  return out;
}

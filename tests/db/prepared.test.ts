/** Statements built once and filled in (api/_db/prepared.ts): the same rows as a drizzle insert, on PGlite and PostgreSQL. */
import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../api/_db/client';
import { preparedSql, rowTemplate, rowValues } from '../../api/_db/prepared';
import { PG_URL, serviceAvailable } from '../support/services';

const probe = pgTable('prepared_probe', {
  n: integer().notNull(),
  label: text(),
  data: jsonb().$type<{ a: number[] } | null>(),
  at: timestamp({ withTimezone: true }),
});
type Row = typeof probe.$inferInsert;

const rows: Row[] = [
  { n: 1, label: '甲', data: { a: [1, 2] }, at: new Date('2026-12-03T08:00:00.000Z') },
  { n: 2, label: null, data: null, at: null },
];

const up = await serviceAvailable('postgres');

describe.each([
  ['pglite', true],
  ['postgres', up],
] as const)('preparedSql on %s', (kind, available) => {
  let database: Database;
  let builds = 0;
  const insertOne = preparedSql((db) => {
    builds++;
    return sql`with x as (${db
      .insert(probe)
      .values(rowTemplate('p_', rows[0]!) as never)
      .getSQL()}) select 1 as ok`;
  });

  beforeAll(async () => {
    if (!available) return;
    database =
      kind === 'pglite'
        ? await openDatabase({ dataDir: 'memory://' })
        : await openDatabase({ url: PG_URL, poolSize: 1 });
    await database.db.execute(sql`drop table if exists prepared_probe`);
    await database.db.execute(
      sql`create ${kind === 'postgres' ? sql`temp` : sql``} table prepared_probe (n int not null, label text, data jsonb, at timestamptz)`,
    );
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it.skipIf(!available)(
    'writes what a drizzle insert writes, nulls as SQL NULL; the text is built once',
    async () => {
      const { db } = database;
      for (const row of rows) {
        const result = await insertOne<{ ok: number }>(db, rowValues(probe, 'p_', row));
        expect(result.rows).toEqual([{ ok: 1 }]);
        await db.insert(probe).values({ ...row, n: row.n + 100 });
      }
      expect(builds).toBe(1);
      const stored = await db.execute(
        sql`select n, label, data, data is null as sql_null, at from prepared_probe order by n`,
      );
      const got = (stored as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({
        ...r,
        at: r.at === null ? null : new Date(r.at as string).toISOString(),
      }));
      const expected = (n: number, r: Row) => ({
        n,
        label: r.label,
        data: r.data,
        sql_null: r.data === null,
        at: r.at ? r.at.toISOString() : null,
      });
      expect(got).toEqual([
        expected(1, rows[0]!),
        expected(2, rows[1]!),
        expected(101, rows[0]!),
        expected(102, rows[1]!),
      ]);
    },
  );
});

describe('rowValues', () => {
  it('names values by prefix and column, encodes by column, and refuses what a template cannot say', () => {
    expect(rowValues(probe, 'p_', { n: 3, data: { a: [] }, at: new Date(0), label: null })).toEqual({
      p_n: 3,
      p_data: '{"a":[]}',
      p_at: '1970-01-01T00:00:00.000Z',
      p_label: null,
    });
    expect(() => rowValues(probe, 'p_', { n: 1, label: undefined })).toThrow(/undefined/);
    expect(() => rowValues(probe, 'p_', { nope: 1 })).toThrow(/not a column/);
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementNames } from '../../api/_db/auto-prepare';
import { type Database, openDatabase } from '../../api/_db/client';
import { PG_URL, serviceAvailable } from '../support/services';

describe('statementNames', () => {
  it('names a text from its second use on, always with the same name', () => {
    const names = statementNames({ threshold: 2 });
    expect(names.nameFor('select $1')).toBeUndefined();
    const name = names.nameFor('select $1');
    expect(name).toMatch(/^ap\d+$/);
    expect(names.nameFor('select $1')).toBe(name);
    expect(names.nameFor('select $1, $2')).toBeUndefined();
    expect(names.nameFor('select $1, $2')).not.toBe(name);
    expect(names.size()).toBe(2);
  });

  it('names at most `max` texts; later ones stay unnamed', () => {
    const names = statementNames({ threshold: 1, max: 2 });
    expect(names.nameFor('a $1')).toBeDefined();
    expect(names.nameFor('b $1')).toBeDefined();
    expect(names.nameFor('c $1')).toBeUndefined();
    expect(names.nameFor('a $1')).toBeDefined();
    expect(names.size()).toBe(2);
  });
});

const up = await serviceAvailable('postgres');

describe.skipIf(!up)('auto-prepared statements on real PostgreSQL', () => {
  let on: Database;
  let off: Database;
  beforeAll(async () => {
    // One connection each, so the statements seen are the ones this test's queries made.
    on = await openDatabase({ url: PG_URL, poolSize: 1 });
    off = await openDatabase({ url: PG_URL, poolSize: 1, prepare: false });
  });
  afterAll(async () => {
    await on?.close();
    await off?.close();
  });

  const prepared = async (d: Database) => {
    const r = await d.db.execute(
      sql`select statement from pg_prepared_statements where statement like ${'%auto_prepare_probe%'}`,
    );
    return (r as unknown as { rows: { statement: string }[] }).rows.map((x) => x.statement);
  };

  it('prepares a repeated parameterised query once and answers it the same', async () => {
    const probe = (d: Database, n: number) =>
      d.db.execute(sql`select ${n}::int + 1 as v, 'auto_prepare_probe' as tag`);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await probe(on, i)) as unknown as { rows: { v: number }[] });
    expect(answers.map((a) => a.rows[0]!.v)).toEqual([1, 2, 3, 4]);
    const texts = await prepared(on);
    expect(texts.filter((t) => t.includes("'auto_prepare_probe' as tag"))).toHaveLength(1);

    for (let i = 0; i < 4; i++) await probe(off, i);
    expect(await prepared(off)).toEqual([]);
  });

  it('leaves parameterless text alone: several statements in one still run', async () => {
    for (let i = 0; i < 3; i++) {
      await on.db.execute(sql.raw('select 1; select 2'));
    }
  });

  it('a statement that fails to prepare does not poison the connection', async () => {
    const bad = () => on.db.execute(sql`select * from no_such_table_auto_prepare where id = ${1}`);
    for (let i = 0; i < 3; i++) await expect(bad()).rejects.toThrow(/no_such_table_auto_prepare/);
    const r = (await on.db.execute(sql`select ${41}::int + 1 as v`)) as unknown as { rows: { v: number }[] };
    expect(r.rows[0]!.v).toBe(42);
  });
});

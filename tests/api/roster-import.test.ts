/** Roster import: per-row report, nothing written until the file is clean, CSV and XLSX. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { households, residents } from '../../api/_db/schema';
import { expectRefusedForAllBut } from '../support/access';
import { loadActors, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe.skipIf(DB_UNAVAILABLE)('roster import', () => {
  let t: TestApp;
  let a: Actors;
  let cadre: string;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    cadre = await t.loginAs(a.cadre);
    url = `/api/villages/${a.village.id}/roster/import`;
  });
  afterAll(() => t.close());

  const residentCount = async () =>
    (await t.db.select({ n: count() }).from(residents).where(eq(residents.villageId, a.village.id)))[0]!.n;

  it('reports every bad row and writes nothing', async () => {
    const before = await residentCount();
    const file = [
      '户号,姓名,手机号,出生日期,与户主关系,网格,住址',
      'N001,赵新一,13812345678,1980-01-02,户主,第一网格,东坪村9组1号',
      'N001,赵新一,13812345679,1981-01-02,配偶,第一网格,',
      'N002,钱新二,1381234,1990-13-01,户主,不存在的网格,',
      ',孙新三,,,户主,,',
    ].join('\n');
    const res = await t.request('POST', url, { token: cadre, raw: file, headers: { 'content-type': CSV } });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    const codes = res.body.errors.map((e: { row: number; code: string }) => `${e.row}:${e.code}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        '3:duplicate_person',
        '4:bad_phone',
        '4:bad_date',
        '4:unknown_grid',
        '5:required',
      ]),
    );
    for (const e of res.body.errors) expect(e.message).toMatch(/第\d+行/);
    expect(await residentCount()).toBe(before);
  });

  it('a file without the required columns is refused with the header named', async () => {
    const res = await t.request('POST', url, {
      token: cadre,
      raw: 'name,phone\n张三,13800000000',
      headers: { 'content-type': CSV },
    });
    expect(res.body.ok).toBe(false);
    expect(res.body.errors[0]).toMatchObject({ row: 1, code: 'bad_header' });
  });

  it('dry run checks without writing; the real run creates and then updates', async () => {
    const file = [
      '户号,姓名,手机号,出生日期,与户主关系,网格,住址',
      'N101,冯大山,13811110001,1960/3/4,户主,第二网格,东坪村2组',
      'N101,陈小河,,2012-08-09,子女,第二网格,',
    ].join('\n');
    const before = await residentCount();
    const dry = await t.request('POST', `${url}?dryRun=1`, {
      token: cadre,
      raw: file,
      headers: { 'content-type': CSV },
    });
    expect(dry.body).toMatchObject({ ok: true, dryRun: true, rows: 2, created: 0 });
    expect(await residentCount()).toBe(before);

    const real = await t.request('POST', url, { token: cadre, raw: file, headers: { 'content-type': CSV } });
    expect(real.body).toMatchObject({ ok: true, dryRun: false, rows: 2, created: 2, updated: 0 });
    expect(await residentCount()).toBe(before + 2);
    const [hh] = await t.db.select().from(households).where(eq(households.number, 'N101'));
    expect(hh?.address).toBe('东坪村2组');

    const again = await t.request('POST', url, { token: cadre, raw: file, headers: { 'content-type': CSV } });
    expect(again.body).toMatchObject({ ok: true, created: 0, updated: 2 });
    expect(await residentCount()).toBe(before + 2);
  });

  it('accepts multipart uploads and XLSX files', async () => {
    const xlsx = readFileSync(path.join(import.meta.dirname, '../fixtures/roster.xlsx'));
    const form = new FormData();
    form.set('file', new File([xlsx], '花名册.xlsx', { type: XLSX }));
    const res = await t.app.request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${cadre}` },
      body: form,
    });
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ ok: true, rows: 3, created: 3 });
  });

  it('refuses other file types', async () => {
    const res = await t.request('POST', url, {
      token: cadre,
      raw: 'GIF89a',
      headers: { 'content-type': 'image/gif' },
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('only a cadre of this village may import', async () => {
    const file = '户号,姓名\nN900,某人';
    await expectRefusedForAllBut(t, a, ['cadre'], (tk) =>
      t.request('POST', url, { token: tk, raw: file, headers: { 'content-type': CSV } }),
    );
  });
});

/**
 * Voucher photos on ledger lines (凭证照片): a cadre uploads them (purpose ledger_voucher) and lists
 * them on a line of the draft; the supervisor sees them when reviewing; on publish each one's
 * sha256 joins the version and the hash chain; villagers — and anyone, on the public board — see
 * them. Refusals: non-cadres uploading, another village's or another cadre's photo, a matter photo,
 * a photo of another disclosure, a villager editing, anything added after publishing. Tamper:
 * a voucher reference changed in the published row, a media row pointed at another photo, the
 * photo's bytes swapped in storage — each reported by verification, and a swapped photo never served.
 */
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disclosureVersions, media, memberships } from '../../api/_db/schema';
import { sweepAbandonedMedia } from '../../api/_media/sweep';
import {
  ALTERED,
  fetchChain,
  publicVoucherHash,
  sha256OfBytes,
  verifyWithVouchers,
} from '../../scripts/verify-disclosures-lib';
import { type Actors, loadActors } from '../support/actors';
import { disclosureApi, entry } from '../support/disclosures';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';
import { sample, uploadTo } from '../support/media-samples';

/** A reconciling month whose second line (the expense) carries the given vouchers. */
const ledgerWithVouchers = (period: string, openingFen: number, voucherIds: string[]) => ({
  openingFen,
  declaredClosingFen: openingFen + 50_000 - 20_000,
  entries: [
    entry(`${period}-03`, 50_000, 0, '鱼塘承包费'),
    { ...entry(`${period}-12`, 0, 20_000, '路灯维修'), voucherIds },
  ],
});

describe.skipIf(DB_UNAVAILABLE)('voucher photos on ledger lines', () => {
  let t: TestApp;
  let a: Actors;
  let api: ReturnType<typeof disclosureApi>;
  let cadre: string;
  let otherCadre: string;
  let supervisor: string;
  let villager: string;
  /** The published month with two vouchers on line 2. */
  let pub: { id: string; seq: number; vouchers: string[]; bytes: Buffer[] };

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    api = disclosureApi(t, a.village.id);
    cadre = await t.loginAs(a.cadre);
    supervisor = await t.loginAs(a.supervisor);
    villager = await t.loginAs(a.villager);
    const [second] = await t.db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(
        and(
          eq(memberships.villageId, a.village.id),
          eq(memberships.role, 'cadre'),
          sql`${memberships.userId} <> ${a.cadre}`,
          sql`${memberships.userId} <> ${a.supervisor}`,
        ),
      )
      .limit(1);
    otherCadre = await t.loginAs(second!.userId);
  });
  afterAll(() => t.close());

  const voucher = async (token: string, body = sample.jpeg(), villageId = a.village.id) => {
    const res = await uploadTo(t, token, villageId, { purpose: 'ledger_voucher', body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const mediaRow = async (id: string) => (await t.db.select().from(media).where(eq(media.id, id)))[0]!;
  const fetchMedia = async (token: string | null, id: string) =>
    t.app.request(`/api/media/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const publicVoucher = (disclosureId: string, id: string, headers: Record<string, string> = {}) =>
    t.app.request(`${api.base}/${disclosureId}/vouchers/${id}`, { headers });
  const submitAndApprove = async (id: string) => {
    expect((await api.submit(cadre, id)).status).toBe(200);
    const r = await api.review(supervisor, id, 'approve');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { seq: number; hash: string };
  };
  // The verifier's fetch, pointed at the in-process app.
  const appFetch = ((url: string) => t.app.request(new URL(url).pathname)) as unknown as typeof fetch;
  const verifyFromPublic = async () =>
    verifyWithVouchers(
      await fetchChain('http://board.test', a.village.id, appFetch),
      publicVoucherHash('http://board.test', a.village.id, appFetch),
    );

  describe('upload → attach → publish → visible', () => {
    it('a cadre attaches two photos to a line of the draft; only cadres and supervisors see them before publishing', async () => {
      const bytes = [sample.jpeg(6000), sample.png()];
      const ids = [await voucher(cadre, bytes[0]), await voucher(cadre, bytes[1])];
      const created = await api.create(cadre, {
        kind: 'finance',
        period: '2025-05',
        title: '2025年5月财务公开',
        ledger: ledgerWithVouchers('2025-05', 0, ids),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = created.body.disclosureId as string;
      expect(created.body.ledger.entries[1].voucherIds).toEqual(ids);
      for (const v of ids) {
        expect(await mediaRow(v)).toMatchObject({ disclosureId: id, voucherPublishedAt: null });
      }
      pub = { id, seq: 0, vouchers: ids, bytes };
      // Reviewing needs the photos: the supervisor (and the other cadres) may fetch them …
      expect((await fetchMedia(supervisor, ids[0]!)).status).toBe(200);
      expect((await fetchMedia(otherCadre, ids[1]!)).status).toBe(200);
      // … a villager and the public may not, yet.
      expect((await fetchMedia(villager, ids[0]!)).status).toBe(404);
      expect((await publicVoucher(id, ids[0]!)).status).toBe(404);
      // The supervisor's review shows them on the line.
      const draft = await api.draft(supervisor, id);
      expect(draft.body.ledger.entries[1].voucherIds).toEqual(ids);
    });

    it('on publish each voucher’s sha256 joins the version and the chain; villagers and the public see the photos', async () => {
      const out = await submitAndApprove(pub.id);
      pub.seq = out.seq;
      const detail = await api.detail(pub.id);
      const line = detail.body.versions[0].ledger.entries[1];
      expect(line.voucherIds).toEqual(pub.vouchers);
      expect(line.vouchers).toEqual(
        pub.vouchers.map((id, i) => ({ id, sha256: sha256OfBytes(pub.bytes[i]!) })),
      );
      // The chain's public content carries them too.
      const links = await fetchChain('http://board.test', a.village.id, appFetch);
      const link = links.find((l) => l.content.seq === pub.seq)!;
      expect(link.content.ledger!.entries[1]!.vouchers).toEqual(line.vouchers);
      for (const v of pub.vouchers) expect((await mediaRow(v)).voucherPublishedAt).not.toBeNull();

      // A villager fetches it with the app's login; anyone from the public board, cached forever.
      const mine = await fetchMedia(villager, pub.vouchers[0]!);
      expect(mine.status).toBe(200);
      expect(Buffer.from(await mine.arrayBuffer())).toEqual(pub.bytes[0]);
      const open = await publicVoucher(pub.id, pub.vouchers[1]!);
      expect(open.status).toBe(200);
      expect(open.headers.get('content-type')).toBe('image/png');
      expect(open.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(open.headers.get('etag')).toBe(`"${sha256OfBytes(pub.bytes[1]!)}"`);
      expect(Buffer.from(await open.arrayBuffer())).toEqual(pub.bytes[1]);
      const again = await publicVoucher(pub.id, pub.vouchers[1]!, {
        'if-none-match': open.headers.get('etag')!,
      });
      expect(again.status).toBe(304);
      const part = await publicVoucher(pub.id, pub.vouchers[0]!, { range: 'bytes=0-9' });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer())).toEqual(pub.bytes[0]!.subarray(0, 10));

      // Everything verifies, on the server and from the public data (photos hashed here).
      expect((await api.verify()).body).toMatchObject({ ok: true });
      expect(await verifyFromPublic()).toMatchObject({ ok: true });
    });

    it('another village’s ids are not found, for its members and on the public route', async () => {
      const outsider = await t.loginAs(a.outsider);
      expect((await fetchMedia(outsider, pub.vouchers[0]!)).status).toBe(404);
      expect(
        (await t.app.request(`/api/villages/${a.other.id}/disclosures/${pub.id}/vouchers/${pub.vouchers[0]}`))
          .status,
      ).toBe(404);
      // A voucher id under a disclosure that does not list it is not found either.
      const board = await api.board();
      const seeded = board.body.items.find((i: { id: string }) => i.id !== pub.id).id;
      expect((await publicVoucher(seeded, pub.vouchers[0]!)).status).toBe(404);
    });

    it('a correction keeps the vouchers it lists; one taken off a draft is let go and swept later', async () => {
      const extra = await voucher(cadre);
      const dropped = await voucher(cadre);
      const c = await api.correct(cadre, pub.id, {
        title: '2025年5月财务公开',
        ledger: ledgerWithVouchers('2025-05', 0, [...pub.vouchers, extra, dropped]),
        reason: '补上两张凭证',
      });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
      expect((await mediaRow(dropped)).disclosureId).toBe(pub.id);
      // The cadre takes one off again before submitting.
      const e = await api.edit(cadre, pub.id, {
        title: '2025年5月财务公开',
        ledger: ledgerWithVouchers('2025-05', 0, [...pub.vouchers, extra]),
      });
      expect(e.status, JSON.stringify(e.body)).toBe(200);
      expect((await mediaRow(dropped)).disclosureId).toBeNull();
      expect((await mediaRow(extra)).disclosureId).toBe(pub.id);
      await submitAndApprove(pub.id);
      const detail = await api.detail(pub.id);
      expect(detail.body.current).toBe(2);
      expect(detail.body.versions[1].ledger.entries[1].vouchers.map((v: { id: string }) => v.id)).toEqual([
        ...pub.vouchers,
        extra,
      ]);
      expect(detail.body.versions[1].changes).toEqual([
        { op: 'removed', text: '2025-05-12 管理费用 路灯维修 支出 200.00 元 供销社 凭证2张' },
        { op: 'added', text: '2025-05-12 管理费用 路灯维修 支出 200.00 元 供销社 凭证3张' },
      ]);
      // The sweep forgets the dropped upload after a week; attached and published ones never.
      const later = new Date(Date.now() + 8 * 24 * 3600_000);
      await sweepAbandonedMedia(t.deps, { now: later });
      expect(await t.db.select().from(media).where(eq(media.id, dropped))).toEqual([]);
      for (const v of [...pub.vouchers, extra]) expect(await mediaRow(v)).toBeTruthy();
      expect((await api.verify()).body).toMatchObject({ ok: true });
    });
  });

  describe('refusals', () => {
    const draftFor = async (period: string, openingFen = 0) => {
      const c = await api.create(cadre, {
        kind: 'finance',
        period,
        title: `${period} 财务公开`,
        ledger: ledgerWithVouchers(period, openingFen, []),
      });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
      return c.body.disclosureId as string;
    };
    const attachedCount = async () =>
      (await t.db.select({ id: media.id }).from(media).where(isNotNull(media.disclosureId))).length;
    /** A refused save changes neither the draft nor any media row. */
    const refusedCleanly = async (
      id: string,
      call: () => Promise<{ status: number; body: any }>,
    ): Promise<{ status: number; body: any }> => {
      const before = { attached: await attachedCount(), draft: (await api.draft(cadre, id)).body.updatedAt };
      const res = await call();
      expect({ attached: await attachedCount(), draft: (await api.draft(cadre, id)).body.updatedAt }).toEqual(
        before,
      );
      return res;
    };
    const attach = (token: string, id: string, period: string, ids: string[]) =>
      api.edit(token, id, { title: `${period} 财务公开`, ledger: ledgerWithVouchers(period, 0, ids) });

    it('only cadres upload vouchers: every other member is refused, outsiders do not find the village', async () => {
      for (const key of [
        'villager',
        'representative',
        'party_member',
        'grid_worker',
        'supervisor',
      ] as const) {
        const res = await uploadTo(t, await t.loginAs(a[key]), a.village.id, {
          purpose: 'ledger_voucher',
          body: sample.jpeg(),
        });
        expect({ key, status: res.status, code: res.body.error?.code }).toEqual({
          key,
          status: 403,
          code: 'FORBIDDEN',
        });
        expect(res.body.error.message).toBe('只有村干部可以上传凭证照片');
      }
      for (const key of ['outsider', 'town_officer', 'county_officer', 'newcomer'] as const) {
        const res = await uploadTo(t, await t.loginAs(a[key]), a.village.id, {
          purpose: 'ledger_voucher',
          body: sample.jpeg(),
        });
        expect({ key, status: res.status }).toEqual({ key, status: 404 });
      }
      // The content decides the type, also for vouchers: an executable renamed .jpg is refused.
      const exe = await uploadTo(t, cadre, a.village.id, { purpose: 'ledger_voucher', body: sample.exe() });
      expect(exe.status).toBe(415);
      expect(exe.body.error.message).toBe('凭证只能上传照片（jpg、png、webp、heic 格式）');
    });

    it('another village’s photo: not_found; a matter photo: wrong_purpose; another cadre’s upload: not_yours', async () => {
      const id = await draftFor('2025-06');
      const theirs = await voucher(await t.loginAs(a.outsider), sample.jpeg(), a.other.id);
      const r1 = await refusedCleanly(id, () => attach(cadre, id, '2025-06', [theirs]));
      expect(r1.status).toBe(422);
      expect(r1.body.error).toMatchObject({
        code: 'MEDIA_NOT_ATTACHABLE',
        message: '第2笔：有凭证照片找不到了，请重新上传',
        details: { items: [{ id: theirs, line: 2, reason: 'not_found' }] },
      });
      const photo = await uploadTo(t, cadre, a.village.id, { purpose: 'matter_photo', body: sample.jpeg() });
      const r2 = await refusedCleanly(id, () => attach(cadre, id, '2025-06', [photo.body.id]));
      expect(r2.body.error.details.items).toEqual([{ id: photo.body.id, line: 2, reason: 'wrong_purpose' }]);
      const colleagues = await voucher(otherCadre);
      const r3 = await refusedCleanly(id, () => attach(cadre, id, '2025-06', [colleagues]));
      expect(r3.body.error.details.items).toEqual([{ id: colleagues, line: 2, reason: 'not_yours' }]);
      expect(r3.body.error.message).toBe('第2笔：只能用自己上传的凭证照片');
      // On creation too: nothing is drafted.
      const none = await api.create(cadre, {
        kind: 'finance',
        period: '2025-07',
        title: '2025-07 财务公开',
        ledger: ledgerWithVouchers('2025-07', 0, [theirs]),
      });
      expect(none.status).toBe(422);
      expect((await api.board()).body.items.some((i: { period: string }) => i.period === '2025-07')).toBe(
        false,
      );
      const drafts = await t.request('GET', `${api.base}/drafts`, { token: cadre });
      expect(drafts.body.items.some((d: { period: string }) => d.period === '2025-07')).toBe(false);
    });

    it('a photo already on another disclosure: already_attached; the same photo on two lines: duplicate', async () => {
      const id = await draftFor('2025-08');
      const r1 = await refusedCleanly(id, () => attach(cadre, id, '2025-08', [pub.vouchers[0]!]));
      expect(r1.body.error.details.items).toEqual([
        { id: pub.vouchers[0], line: 2, reason: 'already_attached' },
      ]);
      const mine = await voucher(cadre);
      const twice = {
        openingFen: 0,
        declaredClosingFen: 30_000,
        entries: [
          { ...entry('2025-08-03', 50_000, 0, '鱼塘承包费'), voucherIds: [mine] },
          { ...entry('2025-08-12', 0, 20_000, '路灯维修'), voucherIds: [mine] },
        ],
      };
      const r2 = await refusedCleanly(id, () =>
        api.edit(cadre, id, { title: '2025-08 财务公开', ledger: twice }),
      );
      expect(r2.body.error.details.items).toEqual([{ id: mine, line: 2, reason: 'duplicate' }]);
      expect(r2.body.error.message).toBe('第2笔：同一张凭证照片只能放在一笔里');
      // Ten on one line is too many.
      const ten = Array.from({ length: 10 }, () => crypto.randomUUID());
      const r3 = await refusedCleanly(id, () => attach(cadre, id, '2025-08', ten));
      expect(r3.status).toBe(400);
      expect(JSON.stringify(r3.body.error)).toContain('每一笔凭证照片最多9张');
      // The cadre's own fresh upload attaches fine.
      const ok = await attach(cadre, id, '2025-08', [mine]);
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    });

    it('a villager (or supervisor) cannot attach: editing drafts is the cadres’', async () => {
      const id = await draftFor('2025-09');
      const mine = await voucher(cadre);
      for (const token of [villager, supervisor]) {
        const res = await refusedCleanly(id, () => attach(token, id, '2025-09', [mine]));
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
      const outsider = await attach(await t.loginAs(a.outsider), id, '2025-09', [mine]);
      expect(outsider.status).toBe(404);
      expect((await mediaRow(mine)).disclosureId).toBeNull();
    });

    it('nothing is attached after publishing: the published version stays as co-signed, and so do its photos', async () => {
      // Opening = May's closing (the last published month before it).
      const id = await draftFor('2025-10', 30_000);
      await submitAndApprove(id);
      const late = await voucher(cadre);
      const res = await attach(cadre, id, '2025-10', [late]);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('DISCLOSURE_PUBLISHED');
      expect((await mediaRow(late)).disclosureId).toBeNull();
      // The database refuses it too: the published version and a published voucher row are frozen.
      await expect(
        t.db
          .update(disclosureVersions)
          .set({ ledger: ledgerWithVouchers('2025-10', 30_000, [late]) })
          .where(eq(disclosureVersions.disclosureId, id)),
      ).rejects.toThrow();
      await expect(
        t.db
          .update(media)
          .set({ sha256: 'f'.repeat(64) })
          .where(eq(media.id, pub.vouchers[0]!)),
      ).rejects.toThrow();
      await expect(t.db.delete(media).where(eq(media.id, pub.vouchers[0]!))).rejects.toThrow();
    });
  });

  describe('tamper', () => {
    /** Runs SQL as the database owner with a trigger off, as an attacker with database access would. */
    const asOwner = async (table: string, trigger: string, statement: ReturnType<typeof sql>) =>
      t.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`alter table ${table} disable trigger ${trigger}`));
        await tx.execute(statement);
        await tx.execute(sql.raw(`alter table ${table} enable trigger ${trigger}`));
      });

    it('a photo swapped in storage is never served and the verifier names its line', async () => {
      const row = await mediaRow(pub.vouchers[1]!);
      await t.deps.storage.put(row.storageKey, sample.png(), 'image/png');
      const res = await publicVoucher(pub.id, pub.vouchers[1]!);
      expect(res.status).toBe(409);
      expect((await res.json()).error.code).toBe('VOUCHER_ALTERED');
      const report = await verifyFromPublic();
      expect(report.ok).toBe(false);
      if (!report.ok)
        expect(report.broken).toMatchObject({
          seq: pub.seq,
          disclosureId: pub.id,
          versionNo: 1,
          reason: 'voucher_mismatch',
          message: `第${pub.seq}号（2025年5月财务公开 第1版）第2笔的凭证照片被换过`,
          expected: sha256OfBytes(pub.bytes[1]!),
          actual: ALTERED,
        });
      // The database side alone cannot see a byte swap (the record is intact): the serving
      // refusal above and the verifier's hashing are what catch it.
      expect((await api.verify()).body.ok).toBe(true);
      // Put back: all is well again.
      await t.deps.storage.put(row.storageKey, pub.bytes[1]!, 'image/png');
      expect(await verifyFromPublic()).toMatchObject({ ok: true });
    });

    it('a voucher record pointed at another photo: the server’s verification names it', async () => {
      const other = sample.jpeg(5000);
      const swap = { storageKey: `media/${a.village.id}/swapped-in`, sha256: sha256OfBytes(other) };
      await t.deps.storage.put(swap.storageKey, other, 'image/jpeg');
      const original = await mediaRow(pub.vouchers[0]!);
      await asOwner(
        'media',
        'media_published_voucher_frozen',
        sql`update media set storage_key = ${swap.storageKey}, sha256 = ${swap.sha256}
            where id = ${pub.vouchers[0]!}`,
      );
      const v = await api.verify();
      expect(v.body.ok).toBe(false);
      expect(v.body.broken).toMatchObject({
        seq: pub.seq,
        disclosureId: pub.id,
        versionNo: 1,
        reason: 'voucher_mismatch',
        message: `第${pub.seq}号（2025年5月财务公开 第1版）第2笔的凭证照片被换过`,
        expected: original.sha256,
        actual: swap.sha256,
      });
      expect((await publicVoucher(pub.id, pub.vouchers[0]!)).status).toBe(409);
      await asOwner(
        'media',
        'media_published_voucher_frozen',
        sql`update media set storage_key = ${original.storageKey}, sha256 = ${original.sha256}
            where id = ${pub.vouchers[0]!}`,
      );
      expect((await api.verify()).body.ok).toBe(true);
    });

    it('a voucher reference changed in the published row breaks that link’s hash', async () => {
      const other = await voucher(cadre);
      const sha = (await mediaRow(other)).sha256;
      await asOwner(
        'disclosure_versions',
        'disclosure_versions_published_frozen',
        sql`update disclosure_versions
            set ledger = jsonb_set(
              jsonb_set(ledger, '{entries,1,voucherIds,0}', to_jsonb(${other}::text)),
              '{entries,1,vouchers,0}', jsonb_build_object('id', ${other}::text, 'sha256', ${sha}::text))
            where disclosure_id = ${pub.id} and version_no = 1`,
      );
      const v = await api.verify();
      expect(v.body.ok).toBe(false);
      expect(v.body.broken).toMatchObject({
        seq: pub.seq,
        disclosureId: pub.id,
        versionNo: 1,
        reason: 'hash_mismatch',
      });
      const fromPublic = await verifyFromPublic();
      expect(fromPublic.ok).toBe(false);
      if (!fromPublic.ok) expect(fromPublic.broken).toMatchObject({ seq: pub.seq, reason: 'hash_mismatch' });
    });
  });
});

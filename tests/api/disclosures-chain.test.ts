/**
 * The hash chain and the cache: verification recomputes every published version and names the
 * one a direct database edit broke (the verifier command agrees, from the public chain only);
 * councils' resolutions join the chain; the board is served from a head-stamped cache with an
 * ETag, and a publish the cache never heard of still shows at once (no stale current version).
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disclosureVersions } from '../../api/_db/schema';
import { publishResolution } from '../../api/_disclosures/resolutions';
import { reviewDraft } from '../../api/_disclosures/drafts';
import { describeReport, fetchChain, verifyLinks } from '../../scripts/verify-disclosures-lib';
import { type Actors, loadActors } from '../support/actors';
import { disclosureApi, ledgerFor } from '../support/disclosures';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('disclosure chain, verification and cache', () => {
  let t: TestApp;
  let a: Actors;
  let api: ReturnType<typeof disclosureApi>;
  let cadre: string;
  let supervisor: string;
  const published: { id: string; seq: number; hash: string }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    api = disclosureApi(t, a.village.id);
    cadre = await t.loginAs(a.cadre);
    supervisor = await t.loginAs(a.supervisor);
  });
  afterAll(() => t.close());

  // The verifier's fetch, pointed at the in-process app.
  const appFetch = ((url: string) => t.app.request(new URL(url).pathname)) as unknown as typeof fetch;

  it('each publish links to the previous head; the chain verifies on the server and in the verifier', async () => {
    published.push(await api.publishFinance(cadre, supervisor, '2025-01', 0));
    published.push(await api.publishFinance(cadre, supervisor, '2025-02', 30_000));
    published.push(await api.publishFinance(cadre, supervisor, '2025-03', 60_000));
    expect(published.map((p) => p.seq)).toEqual([2, 3, 4]);
    const rows = await t.db
      .select()
      .from(disclosureVersions)
      .where(eq(disclosureVersions.villageId, a.village.id));
    const bySeq = new Map(rows.filter((r) => r.seq).map((r) => [r.seq, r]));
    expect(bySeq.get(3)!.prevHash).toBe(bySeq.get(2)!.hash);
    expect(bySeq.get(4)!.prevHash).toBe(bySeq.get(3)!.hash);
    const v = await api.verify();
    expect(v.body).toEqual({ ok: true, length: 4, head: published[2]!.hash });
    const links = await fetchChain('http://board.test', a.village.id, appFetch);
    expect(verifyLinks(links)).toEqual({ ok: true, length: 4, head: published[2]!.hash });
    // Another village's chain is its own.
    const other = await t.request('GET', `/api/villages/${a.other.id}/disclosures/verify`);
    expect(other.body).toMatchObject({ ok: true, length: 1 });
  });

  it('a councils resolution joins the chain, linked to its proposal', async () => {
    const proposalId = 'proposal-road-2025';
    const r = await t.db.transaction((tx) =>
      publishResolution(tx, {
        villageId: a.village.id,
        kind: 'resolution',
        proposalId,
        title: '关于硬化村东道路的决议',
        body: '村民代表会议应到30人，实到24人，同意20人，通过。',
        draftedBy: a.cadre,
        cosignedBy: a.supervisor,
        requestId: 'test-resolution',
      }),
    );
    expect(r).toMatchObject({ versionNo: 1, seq: 5 });
    const item = (await api.board()).body.items.find((i: { id: string }) => i.id === r.disclosureId);
    expect(item).toMatchObject({ kind: 'resolution', kindLabel: '决议公开', proposalId, seq: 5 });
    await expect(
      t.db.transaction((tx) =>
        publishResolution(tx, {
          villageId: a.village.id,
          kind: 'resolution',
          proposalId,
          title: 'again',
          body: '',
          draftedBy: a.cadre,
          cosignedBy: a.supervisor,
          requestId: 'test-resolution-2',
        }),
      ),
    ).rejects.toThrow(/reason/);
    const corrected = await t.db.transaction((tx) =>
      publishResolution(tx, {
        villageId: a.village.id,
        kind: 'resolution',
        proposalId,
        title: '关于硬化村东道路的决议',
        body: '村民代表会议应到30人，实到24人，同意21人，通过。',
        draftedBy: a.cadre,
        cosignedBy: a.supervisor,
        reason: '同意票数更正为21',
        requestId: 'test-resolution-3',
      }),
    );
    expect(corrected).toMatchObject({
      status: 'published',
      disclosureId: r.disclosureId,
      versionNo: 2,
      seq: 6,
    });
    if (corrected.status !== 'published') throw new Error('not published');
    published.push({ id: corrected.disclosureId, seq: corrected.seq, hash: corrected.hash });
    expect((await api.verify()).body).toMatchObject({ ok: true, length: 6 });
  });

  it('tamper: a published row changed directly in the database is named exactly', async () => {
    // The test bypasses the immutability trigger as the database owner, as an attacker with DB access would.
    await t.db.transaction(async (tx) => {
      await tx.execute(
        sql`alter table disclosure_versions disable trigger disclosure_versions_published_frozen`,
      );
      await tx.execute(
        sql`update disclosure_versions
            set ledger = jsonb_set(ledger, '{entries,1,expenseFen}', '15000'::jsonb)
            where village_id = ${a.village.id} and seq = 3`,
      );
      await tx.execute(
        sql`alter table disclosure_versions enable trigger disclosure_versions_published_frozen`,
      );
    });
    const v = await api.verify();
    expect(v.body.ok).toBe(false);
    expect(v.body.broken).toMatchObject({
      seq: 3,
      disclosureId: published[1]!.id,
      versionNo: 1,
      reason: 'hash_mismatch',
    });
    expect(v.body.broken.message).toBe('第3号（2025-02 财务公开 第1版）的内容被改过');
    const fromPublic = verifyLinks(await fetchChain('http://board.test', a.village.id, appFetch));
    expect(fromPublic.ok).toBe(false);
    if (!fromPublic.ok) expect(fromPublic.broken).toMatchObject({ seq: 3, disclosureId: published[1]!.id });
    expect(describeReport(a.village.id, fromPublic)).toContain('link #3');
    // The trigger is back: the app still cannot touch published rows.
    await expect(
      t.db.update(disclosureVersions).set({ title: 'x' }).where(eq(disclosureVersions.seq, 3)),
    ).rejects.toThrow();
  });

  it('the board answers with an ETag and 304 on revalidation', async () => {
    const first = await api.board();
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get('cache-control')).toBe('public, no-cache');
    const again = await api.board({ 'if-none-match': etag });
    expect(again.status).toBe(304);
  });

  it('a publish the cache never heard of shows at once; drafts never do', async () => {
    const before = await api.board();
    const c = await api.create(cadre, {
      kind: 'finance',
      period: '2025-04',
      title: '2025-04 财务公开',
      ledger: ledgerFor('2025-04', 90_000),
    });
    const id = c.body.disclosureId;
    expect((await api.board()).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    await api.submit(cadre, id);
    expect((await api.board()).body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    // Published through the operation itself: no route, so no cache invalidation ran (as if another instance published).
    const out = await reviewDraft(t.deps, {
      viewer: { userId: a.supervisor, villageId: a.village.id, roles: new Set(['supervisor']) },
      requestId: 'test-publish',
      disclosureId: id,
      input: { decision: 'approve', comment: '' },
    });
    expect(out.ok).toBe(true);
    const after = await api.board({ 'if-none-match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    expect(after.body.head.seq).toBe(before.body.head.seq + 1);
    expect(after.body.items[0]).toMatchObject({ id, versionNo: 1 });
  });

  it('a correction published elsewhere supersedes the cached current version at once', async () => {
    const id = published[0]!.id;
    expect((await api.detail(id)).body.current).toBe(1);
    expect((await api.board()).body.items.find((i: { id: string }) => i.id === id).versionNo).toBe(1);
    await api.correct(cadre, id, {
      title: '2025-01 财务公开',
      ledger: ledgerFor('2025-01', 0, 50_000, 20_000),
      reason: '补充说明',
    });
    await api.submit(cadre, id);
    await reviewDraft(t.deps, {
      viewer: { userId: a.supervisor, villageId: a.village.id, roles: new Set(['supervisor']) },
      requestId: 'test-correct',
      disclosureId: id,
      input: { decision: 'approve', comment: '' },
    });
    expect((await api.board()).body.items.find((i: { id: string }) => i.id === id).versionNo).toBe(2);
    expect((await api.detail(id)).body.current).toBe(2);
  });
});

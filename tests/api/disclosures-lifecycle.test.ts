/**
 * Disclosures, happy path and rules of the lifecycle: a cadre drafts a month's ledger, submits,
 * a supervisor returns it with comments, the cadre fixes and resubmits, the supervisor approves
 * (co-signature) and it is published; published versions never change (API and database);
 * corrections are new versions with a reason and the board shows what changed; read receipts;
 * a question on a line becomes a matter for the supervision committee and its answer shows.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disclosureReviews, disclosureVersions, matters, memberships, residents } from '../../api/_db/schema';
import { type Actors, loadActors, plainVillagerInGridOf } from '../support/actors';
import { disclosureApi, ledgerFor } from '../support/disclosures';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('disclosure lifecycle', () => {
  let t: TestApp;
  let a: Actors;
  let api: ReturnType<typeof disclosureApi>;
  let cadre: string;
  let supervisor: string;
  let villager: string;
  let id: string;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    api = disclosureApi(t, a.village.id);
    cadre = await t.loginAs(a.cadre);
    supervisor = await t.loginAs(a.supervisor);
    villager = await t.loginAs(a.villager);
  });
  afterAll(() => t.close());

  it('the demo village shows its published month and has a draft', async () => {
    const board = await api.board();
    expect(board.status).toBe(200);
    expect(board.body.items).toHaveLength(1);
    expect(board.body.items[0]).toMatchObject({ kind: 'finance', versionNo: 1, seq: 1 });
    expect(board.body.head.seq).toBe(1);
    const drafts = await t.request('GET', `${api.base}/drafts`, { token: cadre });
    expect(drafts.body.items.map((d: { status: string }) => d.status)).toEqual(['draft']);
    const power = await t.request('GET', `/api/villages/${a.village.id}/power-items`);
    expect(power.body.adopted).toBe(true);
    expect(power.body.items.length).toBeGreaterThanOrEqual(10);
  });

  it('draft → submit → return with comments → fix → approve → published', async () => {
    const wrong = ledgerFor('2025-01', 100_000);
    const created = await api.create(cadre, {
      kind: 'finance',
      period: '2025-01',
      title: '2025年1月财务公开',
      ledger: wrong,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      versionNo: 1,
      actions: ['edit', 'submit'],
      issues: [],
    });
    expect(created.body.totals).toEqual({ incomeFen: 50_000, expenseFen: 20_000, closingFen: 130_000 });
    id = created.body.disclosureId;

    expect((await api.review(supervisor, id, 'approve')).body.error.code).toBe('TRANSITION_NOT_ALLOWED');
    expect((await api.submit(cadre, id)).body.status).toBe('submitted');
    expect((await api.edit(cadre, id, { title: '改标题', ledger: wrong })).body.error.code).toBe(
      'TRANSITION_NOT_ALLOWED',
    );
    expect((await api.submit(cadre, id)).body.error.code).toBe('TRANSITION_NOT_ALLOWED');
    const asSupervisor = await api.draft(supervisor, id);
    expect(asSupervisor.body.actions).toEqual(['approve', 'return']);

    const noComment = await api.review(supervisor, id, 'return');
    expect(noComment.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: '退回时请写明要改什么',
    });
    const returned = await api.review(supervisor, id, 'return', '路灯维修要附发票号');
    expect(returned.body).toEqual({ status: 'returned', versionNo: 1 });
    const back = await api.draft(cadre, id);
    expect(back.body.status).toBe('returned');
    expect(back.body.reviews).toMatchObject([{ decision: 'return', comment: '路灯维修要附发票号' }]);
    // Not on the board while unpublished.
    expect((await api.board()).body.items.map((i: { id: string }) => i.id)).not.toContain(id);

    const fixed = {
      ...wrong,
      entries: wrong.entries.map((e, i) => (i === 1 ? { ...e, item: '路灯维修（发票 No.0012）' } : e)),
    };
    expect((await api.edit(cadre, id, { title: '2025年1月财务公开', ledger: fixed })).body.status).toBe(
      'draft',
    );
    expect((await api.submit(cadre, id)).status).toBe(200);
    const approved = await api.review(supervisor, id, 'approve');
    expect(approved.body).toMatchObject({ status: 'published', versionNo: 1, seq: 2 });
    expect(approved.body.hash).toMatch(/^[0-9a-f]{64}$/);

    // This draft's reviews only (the demo seed's supervisor may have co-signed the demo month too).
    const reviews = await t.db
      .select({ decision: disclosureReviews.decision })
      .from(disclosureReviews)
      .innerJoin(disclosureVersions, eq(disclosureVersions.id, disclosureReviews.versionId))
      .where(and(eq(disclosureReviews.reviewerId, a.supervisor), eq(disclosureVersions.disclosureId, id)));
    expect(reviews.map((r) => r.decision).sort()).toEqual(['approve', 'return']);
    const board = await api.board();
    expect(board.body.head).toEqual({ seq: 2, hash: approved.body.hash });
    expect(board.body.items.find((i: { id: string }) => i.id === id)).toMatchObject({
      versionNo: 1,
      totals: { closingFen: 130_000 },
    });
    const detail = await api.detail(id);
    expect(detail.body.versions[0]).toMatchObject({ versionNo: 1, seq: 2, changes: [] });
    expect(detail.body.versions[0].cosignedBy).not.toBe('');
    expect((await api.verify()).body).toMatchObject({ ok: true, length: 2 });
    // Everyone in the village hears about it (the approving supervisor excepted).
    const inbox = await t.request('GET', '/api/inbox', { token: villager });
    expect(inbox.body.items.some((e: { kind: string }) => e.kind === 'disclosure_published')).toBe(true);
  });

  it('nobody edits a published version: not through the API, not in the database', async () => {
    expect(
      (await api.edit(cadre, id, { title: '偷偷改', ledger: ledgerFor('2025-01', 0) })).body.error.code,
    ).toBe('DISCLOSURE_PUBLISHED');
    expect((await api.submit(cadre, id)).body.error.code).toBe('DISCLOSURE_PUBLISHED');
    await expect(
      t.db.update(disclosureVersions).set({ title: '偷偷改' }).where(eq(disclosureVersions.disclosureId, id)),
    ).rejects.toThrow();
    await expect(
      t.db.delete(disclosureVersions).where(eq(disclosureVersions.disclosureId, id)),
    ).rejects.toThrow();
    await expect(t.db.execute(sql`truncate disclosure_versions cascade`)).rejects.toThrow();
    const [v] = await t.db.select().from(disclosureVersions).where(eq(disclosureVersions.disclosureId, id));
    expect(v!.title).toBe('2025年1月财务公开');
  });

  it('a correction is a new version with a reason; the board shows both and what changed', async () => {
    const noReason = await api.correct(cadre, id, {
      title: '2025年1月财务公开',
      ledger: ledgerFor('2025-01', 100_000),
    });
    expect(noReason.body.error.code).toBe('VALIDATION_FAILED');
    const corrected = ledgerFor('2025-01', 100_000, 50_000, 18_000);
    const c = await api.correct(cadre, id, {
      title: '2025年1月财务公开',
      ledger: corrected,
      reason: '路灯维修实付18000分，原录错',
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ versionNo: 2, status: 'draft', reason: '路灯维修实付18000分，原录错' });
    expect(
      (await api.correct(cadre, id, { title: 'x2', ledger: corrected, reason: '再来一次' })).body.error.code,
    ).toBe('TRANSITION_NOT_ALLOWED');
    // While the correction is under way the board still shows version 1 as current.
    expect((await api.board()).body.items.find((i: { id: string }) => i.id === id).versionNo).toBe(1);
    await api.submit(cadre, id);
    expect((await api.review(supervisor, id, 'approve')).body).toMatchObject({
      status: 'published',
      versionNo: 2,
      seq: 3,
    });
    const item = (await api.board()).body.items.find((i: { id: string }) => i.id === id);
    expect(item).toMatchObject({
      versionNo: 2,
      versions: 2,
      totals: { expenseFen: 18_000, closingFen: 132_000 },
    });
    const detail = await api.detail(id);
    expect(detail.body.current).toBe(2);
    expect(detail.body.versions.map((v: { versionNo: number }) => v.versionNo)).toEqual([1, 2]);
    expect(detail.body.versions[1].changes).toEqual([
      { op: 'removed', text: '2025-01-12 管理费用 路灯维修（发票 No.0012） 支出 200.00 元 供销社' },
      { op: 'removed', text: '期末余额 1,300.00 元' },
      { op: 'added', text: '2025-01-12 管理费用 路灯维修 支出 180.00 元 供销社' },
      { op: 'added', text: '期末余额 1,320.00 元' },
    ]);
    // The superseded version is still printable, marked as corrected.
    const print = await t.request('GET', `${api.base}/${id}/print?version=1`);
    expect(print.status).toBe(200);
    expect(print.headers.get('content-type')).toContain('text/html');
    expect(print.body).toContain('本版已被第2版更正');
    expect(print.body).toContain('公开链第 2 号');
  });

  it('counts distinct households that opened it', async () => {
    const read = (token: string) => t.request('POST', `${api.base}/${id}/read`, { token });
    expect((await read(villager)).body).toEqual({ readHouseholds: 1, counted: true });
    expect((await read(villager)).body.readHouseholds).toBe(1);
    // Someone from the same household adds nothing; another household adds one.
    const [mine] = await t.db.select().from(residents).where(eq(residents.userId, a.villager));
    const [sameHousehold] = await t.db
      .select({ userId: residents.userId })
      .from(residents)
      .innerJoin(
        memberships,
        and(eq(memberships.userId, residents.userId), eq(memberships.villageId, a.village.id)),
      )
      .where(and(eq(residents.householdId, mine!.householdId), sql`${residents.userId} <> ${a.villager}`));
    if (sameHousehold?.userId) {
      expect((await read(await t.loginAs(sameHousehold.userId))).body.readHouseholds).toBe(1);
    }
    expect((await read(cadre)).body.readHouseholds).toBe(2);
    expect(
      (await t.request('POST', `${api.base}/00000000-0000-4000-8000-000000000000/read`, { token: villager }))
        .status,
    ).toBe(404);
  });

  it('a question on a line becomes a matter for the supervision committee; the answer shows beside the line', async () => {
    const asker = await t.loginAs(await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker));
    const bad = await t.request('POST', `${api.base}/${id}/questions`, {
      token: asker,
      body: { versionNo: 2, lineNo: 9, text: '这笔是什么' },
    });
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: '没有这一行' });
    const q = await t.request('POST', `${api.base}/${id}/questions`, {
      token: asker,
      body: { versionNo: 2, lineNo: 2, text: '路灯修了哪几盏？' },
    });
    expect(q.status, JSON.stringify(q.body)).toBe(201);
    const [m] = await t.db.select().from(matters).where(eq(matters.id, q.body.matterId));
    expect(m).toMatchObject({ aboutCadre: true, level: 'village', isPublic: false });
    expect(m!.text).toContain('第2行');
    expect(m!.text).toContain('路灯修了哪几盏？');
    // Cadres cannot read it; the supervision committee handles it.
    expect(
      (await t.request('GET', `/api/villages/${a.village.id}/matters/${m!.id}`, { token: cadre })).status,
    ).toBe(404);
    const act = (action: string, note?: string) =>
      t.request('POST', `/api/villages/${a.village.id}/matters/${m!.id}/actions`, {
        token: supervisor,
        body: { action, note },
      });
    expect((await act('accept')).status).toBe(200);
    expect((await act('route_handle', '核对凭证')).status).toBe(200);
    const resolved = await act('resolve', '已核对：修了村东3盏路灯，发票在村委会备查');
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    // Questions and answers are read fresh (the cache holds only the published versions).
    const detail = await api.detail(id);
    const shown = detail.body.questions.find((x: { lineNo: number }) => x.lineNo === 2);
    expect(shown).toMatchObject({
      versionNo: 2,
      lineNo: 2,
      state: '已答复',
      answer: '已核对：修了村东3盏路灯，发票在村委会备查',
    });
    // The villager's own words stay in their matter, not on the public board.
    expect(JSON.stringify(detail.body)).not.toContain('路灯修了哪几盏');
  });

  it('a question is never half-written: when its link to the line cannot be saved, no matter is left', async () => {
    const asker = await t.loginAs(await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker));
    const before = (await t.db.select({ id: matters.id }).from(matters)).length;
    // The database refuses the link (as a crash between the two writes would).
    await t.db.execute(sql`
      create function refuse_question() returns trigger language plpgsql as $$
      begin raise exception 'no links today'; end $$`);
    await t.db.execute(
      sql`create trigger refuse_question before insert on disclosure_questions for each row execute function refuse_question()`,
    );
    try {
      const q = await t.request('POST', `${api.base}/${id}/questions`, {
        token: asker,
        body: { versionNo: 2, lineNo: 1, text: '这笔钱进了哪个账户？' },
      });
      expect(q.status).toBe(500);
      expect((await t.db.select({ id: matters.id }).from(matters)).length).toBe(before);
    } finally {
      await t.db.execute(sql`drop trigger refuse_question on disclosure_questions`);
      await t.db.execute(sql`drop function refuse_question()`);
    }
  });

  it('a cadre cannot co-sign their own draft, even when also a supervisor', async () => {
    await t.db.insert(memberships).values({ userId: a.cadre, villageId: a.village.id, role: 'supervisor' });
    const c = await api.create(cadre, {
      kind: 'party',
      period: '2025-Q1',
      title: '2025年第一季度党务公开',
      body: '发展党员1名',
    });
    const did = c.body.disclosureId;
    await api.submit(cadre, did);
    expect((await api.draft(cadre, did)).body.actions).toEqual([]);
    const own = await api.review(cadre, did, 'approve');
    expect({ status: own.status, code: own.body.error.code }).toEqual({
      status: 403,
      code: 'COSIGN_OWN_DRAFT',
    });
    expect((await api.review(cadre, did, 'return', '我自己退回')).body.error.code).toBe('COSIGN_OWN_DRAFT');
    const [v] = await t.db.select().from(disclosureVersions).where(eq(disclosureVersions.disclosureId, did));
    expect(v!.status).toBe('submitted');
    expect((await api.review(supervisor, did, 'approve')).body.status).toBe('published');
  });

  it('a retried create with the same idempotency key drafts once', async () => {
    const key = crypto.randomUUID();
    const body = {
      kind: 'major',
      title: '村集体厂房出租结果',
      body: '经村民代表会议决议，出租给清源农机合作社。',
    };
    const first = await t.request('POST', api.base, {
      token: cadre,
      body,
      headers: { 'idempotency-key': key },
    });
    const second = await t.request('POST', api.base, {
      token: cadre,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(second.body.disclosureId).toBe(first.body.disclosureId);
  });
});

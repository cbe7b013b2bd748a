/**
 * The responder's inbox (overdue first, filters, keyset pages) for grid workers, cadres,
 * supervisors and the town; and the author's 我的事项 with keyset pages. Each sees exactly their
 * scope: the cadre-complaint rule holds here too.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matters, memberships, villages } from '../../api/_db/schema';
import { DEMO_INVITE_CODES } from '../../api/_db/seed';
import { expectRefusedForAllBut } from '../support/access';
import { type Actors, loadActors, plainVillagerInGridOf } from '../support/actors';
import { DB_UNAVAILABLE, TEST_DB, type TestApp, createTestApp } from '../support/harness';
import { matterKit } from '../support/matters';

type Item = { id: string; dueAt: string; overdue: boolean; state: string; kind: string; level: string };

describe.skipIf(DB_UNAVAILABLE)(`matters: responder inbox and 我的事项 (${TEST_DB})`, () => {
  let t: TestApp;
  let a: Actors;
  let author: string;
  let k: ReturnType<typeof matterKit>;
  const mine: string[] = [];
  let overdueIds: string[] = [];
  let aboutCadre: string;
  let atTown: string;
  let closed: string;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    author = await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker);
    k = matterKit(t, a.village.id);
    for (let i = 0; i < 9; i++) {
      const kind = i % 3 === 0 ? 'suggestion' : 'complaint';
      const category = i % 2 === 0 ? 'roads' : 'water';
      mine.push(await k.raise(author, { kind, category, text: `收件箱第${i}件` }));
    }
    // Three overdue by different amounts (the most overdue must come first).
    overdueIds = [mine[4]!, mine[1]!, mine[7]!];
    for (const [i, id] of overdueIds.entries()) {
      await t.db
        .update(matters)
        .set({ dueAt: sql`now() - make_interval(hours => ${30 - i * 10})` })
        .where(eq(matters.id, id));
    }
    await k.run(mine[2]!, [[a.grid_worker, 'accept']]);
    aboutCadre = await k.raise(author, { text: '反映村干部的事', aboutCadre: true });
    atTown = await k.raise(author, { text: '已经到镇里的事' });
    await t.db.update(matters).set({ level: 'town' }).where(eq(matters.id, atTown));
    closed = await k.raise(author, { text: '撤回的事' });
    await k.run(closed, [[author, 'withdraw']]);
  });
  afterAll(() => t?.close());

  const inbox = async (userId: string, query = '') =>
    t.request('GET', `${k.base}/inbox${query ? `?${query}` : ''}`, { token: await t.loginAs(userId) });
  const allPages = async (userId: string, query: string) => {
    const seen: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q = new URLSearchParams(query);
      if (cursor) q.set('cursor', cursor);
      const res = await inbox(userId, q.toString());
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    return { seen, pages };
  };

  it('the grid worker sees the grid’s open matters, overdue first (most overdue on top), then by deadline', async () => {
    const res = await inbox(a.grid_worker);
    expect(res.status).toBe(200);
    const items: Item[] = res.body.items;
    const ids = items.map((i) => i.id);
    expect(ids.slice(0, 3)).toEqual(overdueIds);
    expect(items.slice(0, 3).every((i) => i.overdue)).toBe(true);
    expect(items.slice(3).every((i) => !i.overdue)).toBe(true);
    const dues = items.map((i) => Date.parse(i.dueAt));
    expect([...dues].sort((x, y) => x - y)).toEqual(dues);
    for (const id of mine) expect(ids).toContain(id);
    for (const hidden of [aboutCadre, atTown, closed]) expect(ids).not.toContain(hidden);
    expect(items[0]).toMatchObject({ masked: false, authorName: expect.not.stringContaining('*') });
  });

  it('pages with a cursor cover everything once, in order', async () => {
    const whole = (await inbox(a.cadre, 'limit=50')).body.items.map((i: Item) => i.id);
    const { seen, pages } = await allPages(a.cadre, 'limit=4');
    expect(pages).toBeGreaterThan(2);
    expect(seen.map((i) => i.id)).toEqual(whole);
    expect(new Set(seen.map((i) => i.id)).size).toBe(seen.length);
  });

  it('filters: overdue, state, kind, category, level', async () => {
    const ids = async (q: string) => (await inbox(a.cadre, q)).body.items.map((i: Item) => i.id).sort();
    expect(await ids('overdue=true')).toEqual([...overdueIds].sort());
    expect(await ids('overdue=false')).not.toContain(overdueIds[0]);
    expect(await ids('state=accepted')).toEqual([mine[2]]);
    const suggestions = (await inbox(a.cadre, 'kind=suggestion')).body.items as Item[];
    expect(suggestions.map((i) => i.id).sort()).toEqual([mine[0], mine[3], mine[6]].sort());
    const water = await ids('category=water&kind=complaint');
    expect(water).toEqual([mine[1], mine[5], mine[7]].sort());
    expect(await ids('level=village')).toEqual([]);
    expect((await inbox(a.town_officer, 'level=town')).body.items.map((i: Item) => i.id)).toEqual([atTown]);
  });

  it('scope per role: what each holds — cadres not about cadres; supervisors only those; the town its level', async () => {
    const cadre = (await allPages(a.cadre, 'limit=50')).seen.map((i) => i.id);
    // At the town it is the town's to act on: not in the village's inbox (still readable by them).
    expect(cadre).not.toContain(atTown);
    expect(cadre).toContain(mine[0]);
    expect(cadre).not.toContain(aboutCadre);
    const supervisor = (await inbox(a.supervisor)).body.items.map((i: Item) => i.id);
    expect(supervisor).toEqual([aboutCadre]);
    const town = (await inbox(a.town_officer)).body.items.map((i: Item) => i.id);
    expect(town).toEqual([atTown]);
  });

  it('refuses villagers (no inbox), other villages and bad queries', async () => {
    const refused = await expectRefusedForAllBut(
      t,
      a,
      ['grid_worker', 'cadre', 'supervisor', 'town_officer'],
      (token) => t.request('GET', `${k.base}/inbox`, { token }),
    );
    expect(refused.sort()).toEqual(
      ['county_officer', 'newcomer', 'outsider', 'party_member', 'representative', 'villager'].sort(),
    );
    for (const q of [
      'cursor=abc',
      'cursor=!!',
      'limit=51',
      'limit=0',
      'state=lost',
      'overdue=yes',
      'level=county',
      'x=1',
    ]) {
      const res = await inbox(a.cadre, q);
      expect({ q, status: res.status, code: res.body.error?.code }).toEqual({
        q,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    const forged = Buffer.from(JSON.stringify(['yesterday', 'nope'])).toString('base64url');
    expect((await inbox(a.cadre, `cursor=${forged}`)).status).toBe(400);
  });

  describe('the town’s inbox', () => {
    it('the town’s officers see what reached the town from all its villages, overdue first; nobody else', async () => {
      const [xiping] = await t.db
        .select({ id: villages.id, townId: villages.townId })
        .from(villages)
        .where(eq(villages.inviteCode, DEMO_INVITE_CODES.xiping));
      expect(xiping!.townId).toBe(a.village.townId);
      const [xVillager] = await t.db
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.villageId, xiping!.id), eq(memberships.role, 'villager')))
        .limit(1);
      const res = await t.request('POST', `/api/villages/${xiping!.id}/matters`, {
        token: await t.loginAs(xVillager!.userId),
        body: { kind: 'complaint', category: 'water', text: '西坪村的事到了镇里' },
      });
      expect(res.status).toBe(201);
      const fromXiping = res.body.id as string;
      await t.db
        .update(matters)
        .set({ level: 'town', dueAt: sql`now() - interval '2 hours'` })
        .where(eq(matters.id, fromXiping));
      const path = `/api/towns/${a.village.townId}/matters/inbox`;
      const page = await t.request('GET', `${path}?limit=1`, { token: await t.loginAs(a.town_officer) });
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.items[0]).toMatchObject({ id: fromXiping, villageId: xiping!.id, overdue: true });
      const next = await t.request('GET', `${path}?limit=1&cursor=${page.body.nextCursor}`, {
        token: await t.loginAs(a.town_officer),
      });
      expect(next.body.items.map((i: Item) => i.id)).toEqual([atTown]);
      expect(next.body.nextCursor).toBeNull();

      for (const who of [
        'villager',
        'grid_worker',
        'cadre',
        'supervisor',
        'outsider',
        'county_officer',
        'newcomer',
      ] as const) {
        const res = await t.request('GET', path, { token: await t.loginAs(a[who]) });
        expect({ who, status: res.status }).toEqual({ who, status: 404 });
      }
      const otherTown = `/api/towns/${a.other.townId}/matters/inbox`;
      if (a.other.townId !== a.village.townId) {
        expect((await t.request('GET', otherTown, { token: await t.loginAs(a.town_officer) })).status).toBe(
          404,
        );
      }
      expect(
        (await t.request('GET', `${path}?cursor=bad`, { token: await t.loginAs(a.town_officer) })).status,
      ).toBe(400);
      expect((await t.request('GET', path)).status).toBe(401);
    });
  });

  describe('我的事项', () => {
    const myPage = async (userId: string, query = '') =>
      t.request('GET', `${k.base}/mine${query ? `?${query}` : ''}`, { token: await t.loginAs(userId) });

    it('the author’s own matters, newest first, open and finished, in keyset pages', async () => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await myPage(author, `limit=5${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        ids.push(...res.body.items.map((i: Item) => i.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      const rows = await t.db
        .select({ id: matters.id })
        .from(matters)
        .where(and(eq(matters.authorUserId, author), eq(matters.villageId, a.village.id)))
        .orderBy(sql`created_at desc, id desc`);
      expect(ids).toEqual(rows.map((r) => r.id));
      expect(ids).toContain(closed);
      expect(ids).toContain(aboutCadre);
      const first = (await myPage(author)).body.items;
      expect(first.find((i: Item) => i.id === closed)).toMatchObject({
        state: 'withdrawn',
        dueAt: null,
        overdue: false,
      });
    });

    it('nobody else’s; other villages find nothing; a bad cursor is refused', async () => {
      const other = a.villager === author ? a.representative : a.villager;
      const theirs = (await myPage(other)).body.items.map((i: Item) => i.id);
      const authored = await t.db.select({ id: matters.id }).from(matters).where(inArray(matters.id, theirs));
      expect(authored).toHaveLength(theirs.length);
      for (const id of mine) expect(theirs).not.toContain(id);
      for (const who of [a.outsider, a.county_officer, a.newcomer]) {
        expect((await myPage(who)).status).toBe(404);
      }
      expect((await myPage(author, 'cursor=zzz')).status).toBe(400);
    });
  });
});

/**
 * Duplicates: while a villager types, similar open public matters of the village and category are
 * offered (pg_trgm similarity, on PGlite and PostgreSQL alike); people follow a matter and hear of
 * its moves; a cadre merges a duplicate and its author and followers follow the survivor.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentChecks, matterFollowers } from '../../api/_db/schema';
import { expectRefusedForAllBut } from '../support/access';
import { type Actors, loadActors, plainVillagerInGridOf } from '../support/actors';
import { DB_UNAVAILABLE, TEST_DB, type TestApp, createTestApp } from '../support/harness';
import { matterKit } from '../support/matters';

describe.skipIf(DB_UNAVAILABLE)(`matters: similar, follow, merge (${TEST_DB})`, () => {
  let t: TestApp;
  let a: Actors;
  let author: string;
  let k: ReturnType<typeof matterKit>;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    author = await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker);
    k = matterKit(t, a.village.id);
  });
  afterAll(() => t?.close());

  /** A public matter whose text passed content safety (WeChat is unreachable in tests). */
  const raisePublic = async (text: string, extra: Record<string, unknown> = {}) => {
    const id = await k.raise(author, { text, visibility: 'public', ...extra });
    await t.db.update(contentChecks).set({ status: 'pass' }).where(eq(contentChecks.targetId, id));
    return id;
  };
  const similar = async (userId: string, category: string, text: string) =>
    t.request('GET', `${k.base}/similar?${new URLSearchParams({ category, text })}`, {
      token: await t.loginAs(userId),
    });
  const followers = async (matterId: string) =>
    (await t.db.select().from(matterFollowers).where(eq(matterFollowers.matterId, matterId)))
      .map((f) => f.userId)
      .sort();

  describe('GET …/matters/similar', () => {
    it('offers similar open public matters of the same category, masked, best first', async () => {
      const lamp = await raisePublic('村口的路灯坏了好几天，晚上看不见路');
      const lamp2 = await raisePublic('路灯坏了');
      const privateOne = await k.raise(author, { text: '村口的路灯坏了好几天' });
      const otherCategory = await raisePublic('村口的路灯坏了好几天', { category: 'public_security' });
      const unrelated = await raisePublic('自来水有一股怪味');
      const closed = await raisePublic('村口路灯坏了好几天了');
      await k.run(closed, [[author, 'withdraw']]);

      const res = await similar(a.villager, 'roads', '村口路灯坏了');
      expect(res.status).toBe(200);
      const ids = res.body.items.map((i: { id: string }) => i.id);
      expect(ids).toContain(lamp);
      expect(ids).toContain(lamp2);
      for (const hidden of [privateOne, otherCategory, unrelated, closed]) expect(ids).not.toContain(hidden);
      const scores = res.body.items.map((i: { similarity: number }) => i.similarity);
      expect([...scores].sort((x, y) => y - x)).toEqual(scores);
      const first = res.body.items.find((i: { id: string }) => i.id === lamp);
      expect(first.authorName).toMatch(/^.\*+$/);
      expect(first).toMatchObject({ state: 'submitted', followers: 0 });
      // A public matter not yet passed by content safety is not offered.
      const unchecked = await k.raise(author, { text: '村口路灯坏了没人修', visibility: 'public' });
      expect(
        (await similar(a.villager, 'roads', '村口路灯坏了')).body.items.map((i: { id: string }) => i.id),
      ).not.toContain(unchecked);
    });

    it('says nothing for a few characters; refuses a bad query', async () => {
      expect((await similar(a.villager, 'roads', '路灯')).body).toEqual({ items: [] });
      const token = await t.loginAs(a.villager);
      for (const q of [
        'text=路灯坏了',
        'category=Roads!&text=路灯坏了',
        `category=roads&text=${'长'.repeat(2001)}`,
      ]) {
        const res = await t.request('GET', `${k.base}/similar?${q}`, { token });
        expect({ q: q.slice(0, 30), status: res.status }).toEqual({ q: q.slice(0, 30), status: 400 });
      }
    });

    it('open to every member of the village; nobody else', async () => {
      const refused = await expectRefusedForAllBut(
        t,
        a,
        ['villager', 'representative', 'party_member', 'grid_worker', 'cadre', 'supervisor'],
        (token) =>
          t.request('GET', `${k.base}/similar?category=roads&text=${encodeURIComponent('路灯坏了')}`, {
            token,
          }),
      );
      expect(refused.sort()).toEqual(['county_officer', 'newcomer', 'outsider', 'town_officer']);
    });
  });

  describe('follow / unfollow', () => {
    it('a follower hears of moves until they stop following', async () => {
      const id = await raisePublic('桥头的护栏被车撞坏了');
      const token = await t.loginAs(a.representative);
      const on = await t.request('POST', `${k.base}/${id}/follow`, { token });
      expect(on.body).toEqual({ following: true });
      // Twice is still once.
      expect((await t.request('POST', `${k.base}/${id}/follow`, { token })).status).toBe(200);
      expect(await followers(id)).toEqual([a.representative]);
      expect((await k.detail(a.representative, id)).body.following).toBe(true);
      await k.run(id, [[a.grid_worker, 'accept']]);
      const heard = (await k.inboxOf(a.representative)).filter((i) => i.objectId === id);
      expect(heard).toHaveLength(1);
      expect(heard[0]).toMatchObject({ title: '您关注的事项有进展', summary: '网格员已受理' });

      expect((await t.request('DELETE', `${k.base}/${id}/follow`, { token })).body).toEqual({
        following: false,
      });
      await k.run(id, [[a.grid_worker, 'route_handle']]);
      expect((await k.inboxOf(a.representative)).filter((i) => i.objectId === id)).toHaveLength(1);
    });

    it('not someone else’s private matter, not another village’s, not a finished one', async () => {
      const priv = await k.raise(author, { text: '私事' });
      expect(
        (await t.request('POST', `${k.base}/${priv}/follow`, { token: await t.loginAs(a.villager) })).status,
      ).toBe(a.villager === author ? 200 : 404);
      const pub = await raisePublic('公开的事');
      for (const who of [a.outsider, a.county_officer, a.newcomer, a.town_officer]) {
        const res = await t.request('POST', `${k.base}/${pub}/follow`, { token: await t.loginAs(who) });
        expect(res.status).toBe(404);
      }
      await k.run(pub, [[author, 'withdraw']]);
      const late = await t.request('POST', `${k.base}/${pub}/follow`, {
        token: await t.loginAs(a.party_member),
      });
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe('CONFLICT');
    });
  });

  describe('merge', () => {
    it('a cadre merges a duplicate: its author and followers follow the survivor and hear of its moves', async () => {
      const survivor = await raisePublic('村委会门前的路塌了一个坑');
      const dup = await raisePublic('村委会门口路面塌陷');
      await t.request('POST', `${k.base}/${dup}/follow`, { token: await t.loginAs(a.party_member) });

      const res = await k.act(a.cadre, dup, { action: 'merge', note: '同一处塌陷', mergeInto: survivor });
      expect(res.status).toBe(200);
      expect(res.body.state).toBe('merged');
      expect(await k.row(dup)).toMatchObject({ state: 'merged', mergedIntoId: survivor, dueAt: null });
      // The survivor's author is told anyway; the duplicate's author and followers now follow it.
      expect(await followers(survivor)).toEqual([a.party_member].sort());
      const dupDetail = (await k.detail(author, dup)).body;
      expect(dupDetail).toMatchObject({ mergedIntoId: survivor, state: 'merged' });
      expect(dupDetail.timeline.at(-1).label).toBe('与相同的事项合并办理');
      expect((await k.detail(author, survivor)).body.timeline.at(-1).label).toBe(
        '有相同的事项合并到这里一起办理',
      );

      await k.run(survivor, [[a.grid_worker, 'accept']]);
      expect(
        (await k.inboxOf(a.party_member)).some(
          (i) => i.objectId === survivor && i.title === '您关注的事项有进展',
        ),
      ).toBe(true);
    });

    it('the duplicate’s author follows the survivor when it is someone else’s', async () => {
      const survivor = await raisePublic('学校门口没有减速带');
      const other = a.villager === author ? a.representative : a.villager;
      const dupRes = await t.request('POST', k.base, {
        token: await t.loginAs(other),
        body: { kind: 'complaint', category: 'roads', text: '学校门口车开得太快' },
      });
      expect(dupRes.status).toBe(201);
      await k.run(dupRes.body.id, [[a.cadre, 'accept']]);
      const res = await k.act(a.cadre, dupRes.body.id, {
        action: 'merge',
        note: '同一件事',
        mergeInto: survivor,
      });
      expect(res.status).toBe(200);
      expect(await followers(survivor)).toContain(other);
    });

    it('refuses a merge without a target, into itself, into a finished or invisible matter; by a grid worker', async () => {
      const x = await raisePublic('合并测试甲');
      const done = await raisePublic('合并测试乙');
      await k.run(done, [[author, 'withdraw']]);
      const aboutCadre = await k.raise(author, { text: '反映村干部', aboutCadre: true });
      const otherVillage = crypto.randomUUID();
      const cases: [Record<string, unknown>, number, string][] = [
        [{ action: 'merge', note: '重复' }, 400, '请选择要合并到的事项'],
        [{ action: 'merge', note: '重复', mergeInto: x }, 400, '不能合并到它自己'],
        [{ action: 'merge', note: '重复', mergeInto: done }, 400, '要合并到的事项已经结束了'],
        [{ action: 'merge', note: '重复', mergeInto: aboutCadre }, 400, '没有找到要合并到的事项'],
        [{ action: 'merge', note: '重复', mergeInto: otherVillage }, 400, '没有找到要合并到的事项'],
        [{ action: 'merge', mergeInto: done }, 400, '请写上说明再提交'],
      ];
      for (const [body, status, message] of cases) {
        const res = await k.act(a.cadre, x, body as { action: string });
        expect({ body, status: res.status, message: res.body.error?.message }).toEqual({
          body,
          status,
          message,
        });
      }
      const target = await raisePublic('合并测试丙');
      const byGrid = await k.act(a.grid_worker, x, { action: 'merge', note: '重复', mergeInto: target });
      expect(byGrid.status).toBe(403);
      expect(await k.row(x)).toMatchObject({ state: 'submitted', mergedIntoId: null });
      expect(
        await t.db
          .select()
          .from(matterFollowers)
          .where(and(eq(matterFollowers.matterId, target), eq(matterFollowers.userId, author))),
      ).toHaveLength(0);
    });
  });
});

/**
 * A village's matter settings: its categories (defaults until a cadre changes them; raising checks
 * the key against them), its time limits, and the cadres' duty roster — whose cadre of the day is
 * first responder when the villager's grid has no grid worker.
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grids, households, memberships, residents } from '../../api/_db/schema';
import { DEFAULT_CATEGORIES } from '../../shared/matters/kinds';
import { DEFAULT_TIME_LIMITS } from '../../shared/matters/time-limits';
import { expectRefusedForAllBut } from '../support/access';
import { type Actors, loadActors, plainVillagerInGridOf } from '../support/actors';
import { DB_UNAVAILABLE, TEST_DB, type TestApp, createTestApp } from '../support/harness';
import { matterKit } from '../support/matters';

const MEMBERS = ['villager', 'representative', 'party_member', 'grid_worker', 'cadre', 'supervisor'] as const;

describe.skipIf(DB_UNAVAILABLE)(`matters: village settings and duty roster (${TEST_DB})`, () => {
  let t: TestApp;
  let a: Actors;
  let author: string;
  let k: ReturnType<typeof matterKit>;
  let settings: string;
  let duty: string;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    author = await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker);
    k = matterKit(t, a.village.id);
    settings = `/api/villages/${a.village.id}/matter-settings`;
    duty = `/api/villages/${a.village.id}/matter-duty`;
  });
  afterAll(() => t?.close());

  const put = async (userId: string, path: string, body: unknown) =>
    t.request('PUT', path, { token: await t.loginAs(userId), body });
  const raiseIn = async (category: string) =>
    t.request('POST', k.base, {
      token: await t.loginAs(author),
      body: { kind: 'complaint', category, text: '类别测试' },
    });

  describe('categories', () => {
    it('every member reads the defaults; a cadre adds, renames and hides; raising follows the list', async () => {
      const first = await t.request('GET', settings, { token: await t.loginAs(a.villager) });
      expect(first.status).toBe(200);
      expect(first.body.categories).toEqual(DEFAULT_CATEGORIES);
      expect(first.body.timeLimits).toEqual(DEFAULT_TIME_LIMITS);

      const categories = [
        ...DEFAULT_CATEGORIES.filter((c) => c.key !== 'agriculture').map((c) =>
          c.key === 'roads' ? { key: 'roads', label: '修路架桥' } : c,
        ),
        { key: 'agriculture', label: '农业生产', hidden: true },
        { key: 'tea_garden', label: '茶园管理' },
      ];
      const saved = await put(a.cadre, `${settings}/categories`, { categories });
      expect(saved.status).toBe(200);
      expect(saved.body.categories).toEqual(categories);

      expect((await raiseIn('tea_garden')).status).toBe(201);
      const hidden = await raiseIn('agriculture');
      expect({ status: hidden.status, message: hidden.body.error.message }).toEqual({
        status: 400,
        message: '没有这个事项类别，请重新选择',
      });
      expect((await raiseIn('no_such')).status).toBe(400);
    });

    it('refuses bad lists: duplicates, none visible, bad keys, empty labels', async () => {
      const cases: [unknown, string][] = [
        [{ categories: [] }, '至少要有一个类别'],
        [
          {
            categories: [
              { key: 'a', label: '甲' },
              { key: 'a', label: '乙' },
            ],
          },
          '类别不能重复',
        ],
        [{ categories: [{ key: 'a', label: '甲', hidden: true }] }, '至少要留一个类别'],
        [{ categories: [{ key: 'Roads', label: '道路' }] }, '类别代码只能用小写字母、数字和下划线'],
        [{ categories: [{ key: 'roads', label: ' ' }] }, '请填写类别名称'],
        [{ categories: [{ key: 'roads', label: '道路', color: 'red' }] }, '出现未知的键(key): "color"'],
      ];
      for (const [body, message] of cases) {
        const res = await put(a.cadre, `${settings}/categories`, body);
        expect({ body, status: res.status, message: res.body.error?.message }).toEqual({
          body,
          status: 400,
          message,
        });
      }
    });

    it('only cadres may change them; every member may read; outsiders find nothing', async () => {
      await expectRefusedForAllBut(t, a, ['cadre'], (token) =>
        t.request('PUT', `${settings}/categories`, {
          token,
          body: { categories: [{ key: 'x', label: '某' }] },
        }),
      );
      await expectRefusedForAllBut(t, a, [...MEMBERS], (token) => t.request('GET', settings, { token }));
      // Another village's settings are not found for this village's cadre.
      const other = await put(a.cadre, `/api/villages/${a.other.id}/matter-settings/categories`, {
        categories: [{ key: 'x', label: '某' }],
      });
      expect(other.status).toBe(404);
    });
  });

  describe('time limits', () => {
    it('a cadre overrides some limits; open matters’ deadlines follow; bad values are refused', async () => {
      const id = await k.raise(author, { text: '时限测试' });
      const before = await k.row(id);
      const res = await put(a.cadre, `${settings}/time-limits`, { accept: 12, handle: 72 });
      expect(res.status).toBe(200);
      expect(res.body.overrides).toEqual({ accept: 12, handle: 72 });
      expect(res.body.timeLimits).toMatchObject({
        accept: 12,
        handle: 72,
        mediate: DEFAULT_TIME_LIMITS.mediate,
      });
      const after = await k.row(id);
      expect(after.dueAt!.getTime() - before.enteredAt.getTime()).toBe(12 * 3600_000);
      expect(after.sweepAt).toEqual(after.dueAt);

      for (const [body, message] of [
        [{ accept: 0 }, '时限不能少于1小时'],
        [{ accept: 24 * 91 }, '时限不能超过90天'],
        [{ accept: 1.5 }, '时限要填整数小时'],
        [{ sleep: 5 }, '出现未知的键(key): "sleep"'],
      ] as const) {
        const bad = await put(a.cadre, `${settings}/time-limits`, body);
        expect({ body, status: bad.status, message: bad.body.error?.message }).toEqual({
          body,
          status: 400,
          message,
        });
      }
      await expectRefusedForAllBut(t, a, ['cadre'], (token) =>
        t.request('PUT', `${settings}/time-limits`, { token, body: { accept: 5 } }),
      );
      // Back to the defaults.
      expect((await put(a.cadre, `${settings}/time-limits`, {})).body.timeLimits).toEqual(
        DEFAULT_TIME_LIMITS,
      );
    });
  });

  describe('duty roster', () => {
    const cadres = async () =>
      (
        await t.db
          .select({ userId: memberships.userId })
          .from(memberships)
          .where(and(eq(memberships.villageId, a.village.id), eq(memberships.role, 'cadre')))
          .orderBy(asc(memberships.createdAt), asc(memberships.id))
      ).map((c) => c.userId);

    it('the cadre on duty today is first responder when the grid has no grid worker', async () => {
      const all = await cadres();
      expect(all.length).toBeGreaterThan(1);
      const onDuty = all.at(-1)!;
      const week = Array.from({ length: 7 }, (_, weekday) => ({ weekday, userId: onDuty }));
      const res = await put(a.cadre, duty, { days: week });
      expect(res.status).toBe(200);
      expect(res.body.days).toHaveLength(7);
      expect(res.body.days[0]).toMatchObject({ weekday: 0, userId: onDuty, name: expect.any(String) });
      expect((await t.request('GET', duty, { token: await t.loginAs(a.villager) })).body.days).toHaveLength(
        7,
      );

      const [home] = await t.db
        .select({ gridId: households.gridId })
        .from(residents)
        .innerJoin(households, eq(households.id, residents.householdId))
        .where(eq(residents.userId, author));
      await t.db.update(grids).set({ workerUserId: null }).where(eq(grids.id, home!.gridId!));
      try {
        const id = await k.raise(author, { text: '网格员空缺时的事' });
        expect((await k.row(id)).firstResponderUserId).toBe(onDuty);
        expect((await k.inboxOf(onDuty)).some((i) => i.objectId === id)).toBe(true);
        // Nobody on today's roster: the earliest cadre, as before.
        await put(a.cadre, duty, { days: [] });
        const id2 = await k.raise(author, { text: '没有排班时的事' });
        expect((await k.row(id2)).firstResponderUserId).toBe(all[0]);
      } finally {
        await t.db.update(grids).set({ workerUserId: a.grid_worker }).where(eq(grids.id, home!.gridId!));
      }
    });

    it('refuses someone who is not a cadre here, a weekday twice, a day that does not exist', async () => {
      const cases: [unknown, string][] = [
        [{ days: [{ weekday: 1, userId: a.villager }] }, '值班的人必须是本村的村干部'],
        [{ days: [{ weekday: 1, userId: a.outsider }] }, '值班的人必须是本村的村干部'],
        [
          {
            days: [
              { weekday: 1, userId: a.cadre },
              { weekday: 1, userId: a.cadre },
            ],
          },
          '每天只能排一位值班干部',
        ],
        [{ days: [{ weekday: 7, userId: a.cadre }] }, '请选择星期几'],
      ];
      for (const [body, message] of cases) {
        const res = await put(a.cadre, duty, body);
        expect({ body, status: res.status, message: res.body.error?.message }).toEqual({
          body,
          status: 400,
          message,
        });
      }
      await expectRefusedForAllBut(t, a, ['cadre'], (token) =>
        t.request('PUT', duty, { token, body: { days: [] } }),
      );
      await expectRefusedForAllBut(t, a, [...MEMBERS], (token) => t.request('GET', duty, { token }));
    });
  });
});

/**
 * Starting a petition (联名提议) and its content check (fake WeChat): clean text is open to the
 * village at once and others back it, with progress against the roster; text WeChat holds for
 * review is seen only by its author and the moderators until a cadre passes it — before that, for
 * everyone else it does not exist (not listed, not opened, not backed); risky text is refused with
 * nothing saved. Refusals: who may start which kind, every role outside the village, bad input.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memberships, petitions, proposals, residents } from '../../api/_db/schema';
import { adultBornOnOrBefore } from '../../shared/councils/electorate';
import { type Actors, loadActors } from '../support/actors';
import { type FakeWechat, startFakeWechat } from '../support/fake-wechat';
import { CONTENT_MARKERS } from '../support/fake-wechat-content';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('councils: starting a petition', () => {
  let wx: FakeWechat;
  let t: TestApp;
  let a: Actors;
  let base: string;
  let adults: number;
  const as = (id: string) => t.loginAs(id);
  const start = async (userId: string, body: Record<string, unknown>, villageBase = base) =>
    t.request('POST', `${villageBase}/petitions`, { token: userId ? await as(userId) : '', body });
  const listed = async (userId: string) =>
    (await t.request('GET', `${base}/proposals`, { token: await as(userId) })).body.items as {
      id: string;
      pendingCheck: boolean;
    }[];

  beforeAll(async () => {
    wx = await startFakeWechat({ appId: 'wx-test-app', secret: 'test-secret' });
    t = await createTestApp({ wechatBase: wx.baseUrl, env: { WECHAT_TIMEOUT_MS: '400' } });
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}`;
    // The base of a villagers' petition: residents on the roster aged 18 or more today.
    const born = adultBornOnOrBefore(new Date());
    adults = (await t.db.select().from(residents).where(eq(residents.villageId, a.village.id))).filter(
      (r) => !r.birthDate || r.birthDate <= born,
    ).length;
  });
  afterAll(async () => {
    await t.close();
    await wx.close();
  });
  beforeEach(() => {
    wx.state.reset();
    wx.state.down = false;
  });

  it('clean text: the village sees it at once, others back it, progress counts against the roster', async () => {
    const res = await start(a.villager, {
      kind: 'assembly_by_villagers',
      title: '召开村民会议讨论自来水改造',
      text: '自来水管老化，经常停水，请召开村民会议讨论改造方案。',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.visible).toBe(true);
    expect(res.body.petition).toMatchObject({
      kind: 'assembly_by_villagers',
      backers: 1,
      backedByMe: true,
      canBack: false,
      reached: false,
    });
    // One tenth of the 18+ villagers on the roster, 以上: the boundary included.
    expect(res.body.petition.base).toBe(adults);
    expect(res.body.petition.required).toBe(Math.ceil(res.body.petition.base / 10));
    const pid = res.body.proposalId as string;
    const other = await listed(a.grid_worker);
    expect(other.find((p) => p.id === pid)).toMatchObject({ pendingCheck: false });
    const backed = await t.request('POST', `${base}/proposals/${pid}/backings`, {
      token: await as(a.grid_worker),
    });
    expect(backed.status).toBe(200);
    expect(backed.body).toMatchObject({ backers: 2, backedByMe: true });
    const view = await t.request('GET', `${base}/proposals/${pid}`, { token: await as(a.representative) });
    expect(view.body).toMatchObject({ source: 'petition', pendingCheck: false });
    expect(view.body.petition).toMatchObject({ backers: 2, backedByMe: false, canBack: true });
  });

  it('held for review: only its author and the moderators see it until a cadre passes it', async () => {
    const res = await start(a.villager, {
      kind: 'assembly_by_villagers',
      title: '召开村民会议讨论修桥',
      text: `村南的桥坏了${CONTENT_MARKERS.review}`,
    });
    expect(res.status).toBe(201);
    expect(res.body.visible).toBe(false);
    const pid = res.body.proposalId as string;
    expect((await listed(a.villager)).find((p) => p.id === pid)).toMatchObject({ pendingCheck: true });
    for (const moderator of [a.cadre, a.supervisor]) {
      expect((await listed(moderator)).find((p) => p.id === pid)).toMatchObject({ pendingCheck: true });
    }
    // Everyone else: not listed, not found, cannot back it.
    for (const other of [a.representative, a.grid_worker, a.party_member]) {
      expect((await listed(other)).some((p) => p.id === pid)).toBe(false);
      const token = await as(other);
      expect((await t.request('GET', `${base}/proposals/${pid}`, { token })).status).toBe(404);
      expect((await t.request('POST', `${base}/proposals/${pid}/backings`, { token })).status).toBe(404);
    }
    // The cadre passes it in the review queue: now the village sees it and backs it.
    const cadre = await as(a.cadre);
    const queue = await t.request('GET', `${base}/content-reviews`, { token: cadre });
    const held = queue.body.items.find((i: { targetId: string }) => i.targetId === pid);
    expect(held).toMatchObject({ targetType: 'petition' });
    const decided = await t.request('POST', `${base}/content-reviews/${held.id}/decide`, {
      token: cadre,
      body: { decision: 'pass' },
    });
    expect(decided.status).toBe(200);
    expect((await listed(a.representative)).find((p) => p.id === pid)).toMatchObject({ pendingCheck: false });
    const backed = await t.request('POST', `${base}/proposals/${pid}/backings`, {
      token: await as(a.representative),
    });
    expect(backed.body).toMatchObject({ backers: 2 });
  });

  it('risky text is refused and nothing is saved', async () => {
    const before = (await t.db.select().from(proposals)).length;
    const res = await start(a.villager, {
      kind: 'assembly_by_villagers',
      title: '召开村民会议',
      text: `讨论一件事${CONTENT_MARKERS.risky}`,
    });
    expect([res.status, res.body.error.code]).toEqual([422, 'CONTENT_RISKY']);
    expect((await t.db.select().from(proposals)).length).toBe(before);
  });

  it('only representatives start a representatives’ petition; nobody outside the village starts one here', async () => {
    const reps = new Set(
      (
        await t.db
          .select({ userId: memberships.userId })
          .from(memberships)
          .where(and(eq(memberships.villageId, a.village.id), eq(memberships.role, 'representative')))
      ).map((r) => r.userId),
    );
    const body = { kind: 'representatives_meeting', title: '讨论垃圾清运', text: '垃圾清运不及时' };
    for (const key of ['villager', 'party_member', 'grid_worker', 'cadre', 'supervisor'] as const) {
      if (reps.has(a[key])) continue;
      const res = await start(a[key], body);
      expect({ key, status: res.status, message: res.body.error?.message }).toEqual({
        key,
        status: 403,
        message: '只有村民代表可以发起',
      });
    }
    for (const key of ['outsider', 'town_officer', 'county_officer', 'newcomer'] as const) {
      const res = await start(a[key], { ...body, kind: 'assembly_by_villagers' });
      expect({ key, status: res.status }).toEqual({ key, status: 404 });
    }
    expect((await start('', body)).status).toBe(401);
    // The petition table gained nothing from the refusals.
    const rows = await t.db.select().from(petitions).where(eq(petitions.kind, 'representatives_meeting'));
    expect(rows.filter((p) => p.villageId === a.village.id)).toHaveLength(1); // the demo one
  });

  it('bad input gets a plain message', async () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ kind: 'whatever', title: '标题', text: '内容' }, 400],
      [{ kind: 'assembly_by_villagers', title: '  ', text: '内容' }, 400],
      [{ kind: 'assembly_by_villagers', title: '标'.repeat(61), text: '内容' }, 400],
      [{ kind: 'assembly_by_villagers', title: '标题', text: '' }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await start(a.villager, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

/**
 * Matters: raising (happy, bad input, idempotent retry, first responder), the handle track through
 * follow-up and rating, refused transitions, the about-cadre rule, another village, list scoping
 * per role, and the author's inbox on every move.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentChecks, matters, memberships } from '../../api/_db/schema';
import { expectRefusedForAllBut } from '../support/access';
import { loadActors, plainVillagerInGridOf, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('matters', () => {
  let t: TestApp;
  let a: Actors;
  let base: string;
  /** A villager (villager role only) of the seeded grid worker's grid. */
  let gridVillager: string;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}/matters`;
    gridVillager = await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker);
  });
  afterAll(() => t.close());

  const raise = async (
    userId: string,
    body: Record<string, unknown> = {},
    headers?: Record<string, string>,
  ) =>
    t.request('POST', base, {
      token: await t.loginAs(userId),
      body: { kind: 'complaint', category: 'roads', text: '村口的路灯坏了三天了', ...body },
      headers,
    });
  const act = async (userId: string, matterId: string, action: string, note?: string) =>
    t.request('POST', `${base}/${matterId}/actions`, {
      token: await t.loginAs(userId),
      body: note === undefined ? { action } : { action, note },
    });
  const open = async (userId: string, matterId: string) =>
    t.request('GET', `${base}/${matterId}`, { token: await t.loginAs(userId) });
  const listIds = async (userId: string) => {
    const res = await t.request('GET', base, { token: await t.loginAs(userId) });
    expect(res.status).toBe(200);
    return res.body.items.map((m: { id: string }) => m.id) as string[];
  };
  const row = async (id: string) => (await t.db.select().from(matters).where(eq(matters.id, id)))[0]!;
  const inboxFor = async (userId: string, matterId: string) =>
    (await t.request('GET', '/api/inbox', { token: await t.loginAs(userId) })).body.items.filter(
      (i: { objectId: string }) => i.objectId === matterId,
    );

  it('a villager raises a matter: submitted at the grid, first responder = their grid worker, who is told', async () => {
    const res = await raise(gridVillager);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'submitted', level: 'grid' });
    const m = await row(res.body.id);
    expect(m).toMatchObject({
      authorUserId: gridVillager,
      firstResponderUserId: a.grid_worker,
      isPublic: false,
    });
    expect(m.gridId).not.toBeNull();
    const entries = await inboxFor(a.grid_worker, res.body.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'matter_moved', objectType: 'matter' });
    const detail = await open(gridVillager, res.body.id);
    expect(detail.status).toBe(200);
    expect(detail.body.timeline.map((e: { label: string }) => e.label)).toEqual(['已提交']);
    expect(detail.body.actions).toEqual(['withdraw']);
    expect((await open(a.grid_worker, res.body.id)).body.actions).toContain('accept');
  });

  it('bad input is refused with a Chinese message and nothing is written', async () => {
    const before = (await t.db.select().from(matters)).length;
    const cases: [Record<string, unknown>, string][] = [
      [{ text: '' }, '请写几句话，或者录一段语音'],
      [{ text: '字'.repeat(2001) }, '文字不能超过2000个字'],
      [{ category: 'no_such' }, '没有这个事项类别，请重新选择'],
      [{ photoIds: Array.from({ length: 10 }, () => crypto.randomUUID()) }, '照片最多9张'],
      [{ aboutCadre: true, visibility: 'public' }, '反映村干部的事项不能公开'],
      [{ kind: 'gossip' }, '请选择事项类型'],
    ];
    for (const [body, message] of cases) {
      const res = await raise(gridVillager, body);
      expect({ status: res.status, code: res.body.error.code, message: res.body.error.message }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        message,
      });
    }
    expect((await t.db.select().from(matters)).length).toBe(before);
  });

  it('a retry with the same idempotency key creates one matter, also when both arrive at once', async () => {
    const count = async (text: string) =>
      (await t.db.select().from(matters).where(eq(matters.text, text))).length;
    const key = crypto.randomUUID();
    const first = await raise(gridVillager, { text: '重试的事项' }, { 'idempotency-key': key });
    const second = await raise(gridVillager, { text: '重试的事项' }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replay')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await count('重试的事项')).toBe(1);
    // The record is written with the matter: five copies sent at once make one matter, and every
    // copy is answered with it (the later ones wait for the first to commit).
    const racing = crypto.randomUUID();
    const copies = await Promise.all(
      Array.from({ length: 5 }, () =>
        raise(gridVillager, { text: '同时重发的事项' }, { 'idempotency-key': racing }),
      ),
    );
    expect(copies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(copies.map((r) => r.body.id)).size).toBe(1);
    expect(await count('同时重发的事项')).toBe(1);
    // The same key with another body is refused, and writes nothing.
    const changed = await raise(gridVillager, { text: '换了内容的事项' }, { 'idempotency-key': key });
    expect(changed.status).toBe(422);
    expect(changed.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await count('换了内容的事项')).toBe(0);
    // A malformed key is a clear 400.
    const bad = await raise(gridVillager, { text: '坏钥匙' }, { 'idempotency-key': 'a b' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    // Someone else's key of the same value is theirs: no collision across users.
    const other = await raise(a.representative, { text: '重试的事项' }, { 'idempotency-key': key });
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('a grid worker raises for a villager of their grid with consent', async () => {
    const consent = { method: 'in_person', at: new Date().toISOString() };
    const res = await raise(a.grid_worker, { onBehalfOf: { villagerId: gridVillager, consent } });
    expect(res.status).toBe(201);
    const m = await row(res.body.id);
    expect(m).toMatchObject({ authorUserId: gridVillager, onBehalfBy: a.grid_worker, consent });
    expect((await open(gridVillager, res.body.id)).body.timeline[0].label).toBe('网格员已代您提交');
    // Not for someone outside the grid worker's grid, and not by a villager.
    const other = await raise(a.grid_worker, { onBehalfOf: { villagerId: a.villager, consent } });
    if (a.villager !== gridVillager) expect(other.body.error?.code).toMatch(/FORBIDDEN|VALIDATION_FAILED/);
    expect(
      (await raise(a.villager, { onBehalfOf: { villagerId: gridVillager, consent } })).body.error?.code,
    ).toBe('FORBIDDEN');
  });

  it('accept → handle → resolve → follow up → rate: the author is told of every move', async () => {
    const { id } = (await raise(gridVillager, { text: '水渠堵了' })).body;
    const steps: [string, string, string | undefined, string][] = [
      [a.grid_worker, 'accept', undefined, 'accepted'],
      [a.grid_worker, 'route_handle', undefined, 'in_progress'],
      [a.grid_worker, 'resolve', '已清理水渠', 'resolved'],
      [a.grid_worker, 'follow_up', '上门回访，村民说已经通了', 'followed_up'],
      [gridVillager, 'rate_satisfied', '谢谢', 'closed'],
    ];
    for (const [who, action, note, state] of steps) {
      const res = await act(who, id, action, note);
      expect({ action, status: res.status, state: res.body.state }).toEqual({ action, status: 200, state });
    }
    const m = await row(id);
    expect(m).toMatchObject({ state: 'closed', level: 'grid', assignedUserId: a.grid_worker });
    const detail = (await open(gridVillager, id)).body;
    expect(detail.timeline.map((e: { label: string }) => e.label)).toEqual([
      '已提交',
      '网格员已受理',
      '已安排专人办理',
      '已办结',
      '已回访',
      '您评价：满意',
    ]);
    expect(detail.timeline[3].note).toBe('已清理水渠');
    expect(detail.actions).toEqual([]);
    // Four moves by someone else; the author's own rating tells nobody.
    expect(await inboxFor(gridVillager, id)).toHaveLength(4);
  });

  it('refuses actions not in the state (409), not for the caller (403) and missing notes (400)', async () => {
    const { id } = (await raise(gridVillager, { text: '垃圾没人收' })).body;
    const wrongState = await act(a.grid_worker, id, 'resolve', '办完了');
    expect([wrongState.status, wrongState.body.error.code]).toEqual([409, 'TRANSITION_NOT_ALLOWED']);
    const author = await act(gridVillager, id, 'accept');
    expect([author.status, author.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const noNote = await act(a.grid_worker, id, 'escalate');
    expect([noNote.status, noNote.body.error.code, noNote.body.error.message]).toEqual([
      400,
      'NOTE_REQUIRED',
      '请写上说明再提交',
    ]);
    const unknown = await act(a.grid_worker, id, 'teleport');
    expect([unknown.status, unknown.body.error.message]).toEqual([400, '没有这个操作']);
    expect(await row(id)).toMatchObject({ state: 'submitted' });
    // Only the author's actions for a villager who can see nothing of it: not found.
    expect(
      (await act(a.villager === gridVillager ? a.representative : a.villager, id, 'withdraw')).status,
    ).toBe(404);
  });

  it('a matter about a cadre: the supervisors hold it; the village cadres cannot list, read or act on it', async () => {
    const res = await raise(gridVillager, { text: '村干部优亲厚友', aboutCadre: true });
    expect(res.body).toMatchObject({ state: 'submitted', level: 'village' });
    const m = await row(res.body.id);
    const [sup] = await t.db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.userId, m.firstResponderUserId!), eq(memberships.role, 'supervisor')));
    expect(sup).toBeDefined();
    expect(await listIds(a.cadre)).not.toContain(m.id);
    expect((await open(a.cadre, m.id)).status).toBe(404);
    expect((await act(a.cadre, m.id, 'accept')).status).toBe(404);
    expect(await listIds(a.grid_worker)).not.toContain(m.id);
    expect(await listIds(a.supervisor)).toContain(m.id);
    expect((await open(a.supervisor, m.id)).body.actions).toContain('accept');
    expect((await act(a.supervisor, m.id, 'accept')).body.state).toBe('accepted');
    expect((await open(gridVillager, m.id)).body.timeline[1].label).toBe('村务监督委员会已受理');
  });

  it('another village’s members and officers elsewhere find nothing', async () => {
    const { id } = (await raise(gridVillager, { text: '另一个村看不到' })).body;
    // Listing is open to every member and the village's town officers; the rest: not found.
    const refused = await expectRefusedForAllBut(
      t,
      a,
      ['villager', 'representative', 'party_member', 'grid_worker', 'cadre', 'supervisor', 'town_officer'],
      async (token) => t.request('GET', base, { token }),
    );
    expect(refused.sort()).toEqual(['county_officer', 'newcomer', 'outsider']);
    for (const who of [a.outsider, a.county_officer, a.newcomer]) {
      expect((await open(who, id)).status).toBe(404);
      expect((await t.request('GET', base, { token: await t.loginAs(who) })).status).toBe(404);
    }
    // The matter's id under the other village's path does not exist either.
    const otherPath = `/api/villages/${a.other.id}/matters/${id}`;
    expect((await t.request('GET', otherPath, { token: await t.loginAs(a.outsider) })).status).toBe(404);
  });

  it('list scoping: own in full, others’ public once passed (masked), grid, village, supervisors, town', async () => {
    const priv = (await raise(gridVillager, { text: '私下反映的事' })).body.id;
    const pub = (await raise(gridVillager, { text: '公开反映：桥栏杆松了', visibility: 'public' })).body.id;
    // Unchecked (WeChat unreachable in tests → held for review): only the author and responders see it.
    const other = a.villager === gridVillager ? a.representative : a.villager;
    expect(await listIds(other)).not.toContain(pub);
    await t.db.update(contentChecks).set({ status: 'pass' }).where(eq(contentChecks.targetId, pub));
    const seen = await t.request('GET', base, { token: await t.loginAs(other) });
    const item = seen.body.items.find((m: { id: string }) => m.id === pub);
    expect(item).toMatchObject({ masked: true });
    expect(item.authorName).toMatch(/^.\*+$/);
    expect(seen.body.items.map((m: { id: string }) => m.id)).not.toContain(priv);
    const masked = (await open(other, pub)).body;
    expect(masked).toMatchObject({ masked: true, actions: [], location: null, photoIds: [] });
    expect((await open(other, priv)).status).toBe(404);

    const mine = await t.request('GET', base, { token: await t.loginAs(gridVillager) });
    expect(mine.body.items.find((m: { id: string }) => m.id === priv)).toMatchObject({ masked: false });
    expect(await listIds(a.grid_worker)).toEqual(expect.arrayContaining([priv, pub]));
    expect(await listIds(a.cadre)).toEqual(expect.arrayContaining([priv, pub]));
    expect(await listIds(a.supervisor)).not.toContain(priv);
    expect(await listIds(a.supervisor)).toContain(pub);

    // The town sees a matter once it is escalated to the town, and may act on it.
    expect(await listIds(a.town_officer)).not.toContain(priv);
    expect((await act(a.cadre, priv, 'escalate', '网格员联系不上')).body.level).toBe('village');
    const up = await act(a.cadre, priv, 'escalate', '村里解决不了');
    expect(up.body).toMatchObject({ level: 'town', state: 'submitted' });
    expect(await listIds(a.town_officer)).toContain(priv);
    expect(await inboxFor(a.town_officer, priv)).toHaveLength(1);
    expect((await open(a.town_officer, priv)).body.actions).toContain('accept');
    expect((await row(priv)).assignedUserId).toBeNull();
    expect((await open(gridVillager, priv)).body.timeline.at(-1).label).toBe('已转镇（街道）处理');
  });
});

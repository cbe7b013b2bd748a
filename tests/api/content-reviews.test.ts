/**
 * The reviewers' queue: cadres decide held content of their village, supervisors the content
 * about cadres ('.supervised'); every other role and every other village is refused; decisions
 * are audit-logged and change visibility.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkText, visibleTargetIds } from '../../api/_content';
import { auditLog } from '../../api/_db/schema';
import { expectRefusedForAllBut } from '../support/access';
import { loadActors, type Actors } from '../support/actors';
import { CONTENT_MARKERS } from '../support/fake-wechat-content';
import { type FakeWechat, startFakeWechat } from '../support/fake-wechat';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('content review queue', () => {
  let wx: FakeWechat;
  let t: TestApp;
  let a: Actors;
  let base: string;

  beforeAll(async () => {
    wx = await startFakeWechat({ appId: 'wx-test-app', secret: 'test-secret' });
    t = await createTestApp({ wechatBase: wx.baseUrl });
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}/content-reviews`;
  });
  afterAll(async () => {
    await t.close();
    await wx.close();
  });

  const hold = async (
    o: { targetType?: string; author?: string; villageId?: string; text?: string } = {},
  ) => {
    const targetId = randomUUID();
    const r = await checkText(t.deps, {
      villageId: o.villageId ?? a.village.id,
      authorUserId: o.author ?? a.villager,
      targetType: o.targetType ?? 'matter',
      targetId,
      text: o.text ?? `请村里公开账目${CONTENT_MARKERS.review}。`,
    });
    if (!r.ok || r.value.status !== 'review') throw new Error(`not held: ${JSON.stringify(r)}`);
    return { id: r.value.checkId, targetId };
  };
  const ids = async (token: string) =>
    (await t.request('GET', base, { token })).body.items.map((i: { id: string }) => i.id) as string[];
  const decide = (token: string, id: string, body: unknown, villageBase = base) =>
    t.request('POST', `${villageBase}/${id}/decide`, { token, body });

  it('cadres see held content of their village with the reason and the author; supervisors see only supervised content', async () => {
    const plain = await hold();
    const supervised = await hold({
      targetType: 'matter.supervised',
      text: `村主任的问题${CONTENT_MARKERS.review}`,
    });
    const cadre = await t.loginAs(a.cadre);
    const res = await t.request('GET', base, { token: cadre });
    expect(res.status).toBe(200);
    const item = res.body.items.find((i: { id: string }) => i.id === plain.id);
    expect(item).toMatchObject({
      targetType: 'matter',
      targetId: plain.targetId,
      mediaType: 'text',
      label: '20001',
      reason: '时政',
      reviewerRole: 'cadre',
      authorUserId: a.villager,
      authorName: expect.any(String),
    });
    expect(await ids(cadre)).not.toContain(supervised.id);
    const sup = await ids(await t.loginAs(a.supervisor));
    expect(sup).toContain(supervised.id);
    expect(sup).not.toContain(plain.id);
  });

  it('listing is refused for every other role and outside the village', async () => {
    const checked = await expectRefusedForAllBut(t, a, ['cadre', 'supervisor'], (token) =>
      t.request('GET', base, { token }),
    );
    expect(checked.length).toBe(8);
  });

  it('deciding is refused for every other role and outside the village, and nothing changes', async () => {
    const item = await hold();
    await expectRefusedForAllBut(t, a, ['cadre', 'supervisor'], (token) =>
      decide(token, item.id, { decision: 'pass' }),
    );
    expect(await ids(await t.loginAs(a.cadre))).toContain(item.id);
  });

  it('a cadre passes held content: it becomes visible, the decision is audit-logged', async () => {
    const item = await hold();
    const res = await decide(await t.loginAs(a.cadre), item.id, {
      decision: 'pass',
      note: '内容属实，可以公开',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: item.id, status: 'pass' });
    expect(await visibleTargetIds(t.db, 'matter', [item.targetId])).toEqual(new Set([item.targetId]));
    const [row] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'content.decide'), eq(auditLog.targetId, item.id)));
    expect(row).toMatchObject({
      actorUserId: a.cadre,
      villageId: a.village.id,
      targetType: 'content_check',
      details: expect.objectContaining({ decision: 'pass', note: '内容属实，可以公开', label: '20001' }),
    });
    expect(await ids(await t.loginAs(a.cadre))).not.toContain(item.id);
  });

  it('a rejected item stays hidden; deciding again is CONFLICT', async () => {
    const item = await hold();
    const cadre = await t.loginAs(a.cadre);
    expect((await decide(cadre, item.id, { decision: 'reject' })).body.status).toBe('risky');
    expect(await visibleTargetIds(t.db, 'matter', [item.targetId])).toEqual(new Set());
    const again = await decide(cadre, item.id, { decision: 'pass' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    expect(await visibleTargetIds(t.db, 'matter', [item.targetId])).toEqual(new Set());
  });

  it('supervised content is decided by a supervisor; for a cadre it does not exist', async () => {
    const item = await hold({ targetType: 'matter.supervised' });
    const asCadre = await decide(await t.loginAs(a.cadre), item.id, { decision: 'pass' });
    expect([asCadre.status, asCadre.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const res = await decide(await t.loginAs(a.supervisor), item.id, { decision: 'pass' });
    expect(res.body.status).toBe('pass');
    expect(await visibleTargetIds(t.db, 'matter', [item.targetId])).toEqual(new Set([item.targetId]));
  });

  it('nobody decides their own content', async () => {
    const item = await hold({ author: a.cadre });
    const res = await decide(await t.loginAs(a.cadre), item.id, { decision: 'pass' });
    expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('another village’s item is not found, by either village’s path', async () => {
    const item = await hold({ villageId: a.other.id, author: a.outsider });
    const cadre = await t.loginAs(a.cadre);
    const viaOwn = await decide(cadre, item.id, { decision: 'pass' });
    expect([viaOwn.status, viaOwn.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const viaOther = await decide(
      cadre,
      item.id,
      { decision: 'pass' },
      `/api/villages/${a.other.id}/content-reviews`,
    );
    expect([viaOther.status, viaOther.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(await ids(cadre)).not.toContain(item.id);
  });

  it('a bad decision is VALIDATION_FAILED with a Chinese message; an unknown id NOT_FOUND', async () => {
    const cadre = await t.loginAs(a.cadre);
    const item = await hold();
    const bad = await decide(cadre, item.id, { decision: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    const extra = await decide(cadre, item.id, { decision: 'pass', sneaky: true });
    expect(extra.status).toBe(400);
    const missing = await decide(cadre, randomUUID(), { decision: 'pass' });
    expect(missing.status).toBe(404);
  });

  it('a retried decision with the same Idempotency-Key is answered once', async () => {
    const cadre = await t.loginAs(a.cadre);
    const item = await hold();
    const key = `decide-${randomUUID()}`;
    const send = () =>
      t.request('POST', `${base}/${item.id}/decide`, {
        token: cadre,
        body: { decision: 'pass' },
        headers: { 'idempotency-key': key },
      });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replay')).toBe('true');
    const rows = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'content.decide'), eq(auditLog.targetId, item.id)));
    expect(rows.length).toBe(1);
  });
});

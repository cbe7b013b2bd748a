/**
 * Matters and content safety (fake WeChat): a public matter's text is checked before it is saved —
 * risky is refused with nothing written, clean text is visible to the village at once (author
 * masked), and a private matter is never sent to WeChat.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contentChecks, matters } from '../../api/_db/schema';
import { loadActors, type Actors } from '../support/actors';
import { type FakeWechat, startFakeWechat } from '../support/fake-wechat';
import { CONTENT_MARKERS } from '../support/fake-wechat-content';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('matters: content safety of public text', () => {
  let wx: FakeWechat;
  let t: TestApp;
  let a: Actors;
  let base: string;

  beforeAll(async () => {
    wx = await startFakeWechat({ appId: 'wx-test-app', secret: 'test-secret' });
    t = await createTestApp({ wechatBase: wx.baseUrl, env: { WECHAT_TIMEOUT_MS: '400' } });
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}/matters`;
  });
  afterAll(async () => {
    await t.close();
    await wx.close();
  });
  beforeEach(() => {
    wx.state.reset();
    wx.state.down = false;
  });

  const raise = async (text: string, visibility: 'public' | 'private') =>
    t.request('POST', base, {
      token: await t.loginAs(a.villager),
      body: { kind: 'suggestion', category: 'roads', text, visibility },
    });
  const count = async () => (await t.db.select().from(matters)).length;

  it('risky public text is refused and nothing is saved', async () => {
    const before = await count();
    const res = await raise(`村里的事${CONTENT_MARKERS.risky}`, 'public');
    expect([res.status, res.body.error.code]).toEqual([422, 'CONTENT_RISKY']);
    expect(res.body.error.message).toBe('内容含有不适合公开的信息，请修改后再提交');
    expect(await count()).toBe(before);
  });

  it('clean public text is visible to other villagers at once, author masked', async () => {
    const res = await raise('建议在村口装一盏路灯', 'public');
    expect(res.status).toBe(201);
    const [check] = await t.db.select().from(contentChecks).where(eq(contentChecks.targetId, res.body.id));
    expect(check).toMatchObject({ targetType: 'matter', status: 'pass' });
    const list = await t.request('GET', base, { token: await t.loginAs(a.representative) });
    const item = list.body.items.find((m: { id: string }) => m.id === res.body.id);
    expect(item).toMatchObject({ masked: true, text: '建议在村口装一盏路灯' });
  });

  it('a private matter is not sent to WeChat', async () => {
    const res = await raise(`只给村里看${CONTENT_MARKERS.risky}`, 'private');
    expect(res.status).toBe(201);
    expect(wx.state.requestsTo('msg_sec_check')).toHaveLength(0);
  });

  it('a public matter retried with its key is checked once and leaves one check, also when the copies race', async () => {
    const token = await t.loginAs(a.representative);
    const key = crypto.randomUUID();
    const send = () =>
      t.request('POST', base, {
        token,
        headers: { 'idempotency-key': key },
        body: { kind: 'suggestion', category: 'roads', text: '建议把村口的路修一修', visibility: 'public' },
      });
    const [x, y] = await Promise.all([send(), send()]);
    expect([x.status, y.status]).toEqual([201, 201]);
    expect(y.body.id).toBe(x.body.id);
    const asked = wx.state.requestsTo('msg_sec_check').length;
    const again = await send();
    expect(again.body.id).toBe(x.body.id);
    // The plain retry is answered from the record, without asking WeChat again.
    expect(wx.state.requestsTo('msg_sec_check')).toHaveLength(asked);
    const rows = await t.db.select().from(matters).where(eq(matters.text, '建议把村口的路修一修'));
    expect(rows).toHaveLength(1);
    // The racing copy's check, recorded for a matter that was never written, is gone.
    const checks = await t.db.select().from(contentChecks).where(eq(contentChecks.targetType, 'matter'));
    expect(checks.filter((c) => c.targetId === x.body.id)).toHaveLength(1);
    const ids = new Set((await t.db.select({ id: matters.id }).from(matters)).map((m) => m.id));
    expect(checks.filter((c) => !ids.has(c.targetId))).toEqual([]);
  });
});

/** Notices: who may publish, who sees what (village / grid / role), read counts, the inbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefusedForAllBut } from '../support/access';
import { loadActors, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('notices and inbox', () => {
  let t: TestApp;
  let a: Actors;
  let cadre: string;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    cadre = await t.loginAs(a.cadre);
    base = `/api/villages/${a.village.id}/notices`;
  });
  afterAll(() => t.close());

  const titles = async (token: string) => {
    const res = await t.request('GET', base, { token });
    if (!res.body.items)
      throw new Error(JSON.stringify(res.body) + t.logLines.filter((l) => l.includes('"error"')).slice(-1));
    return res.body.items.map((n: { title: string }) => n.title);
  };

  it('a village notice reaches every member’s inbox, and the unread badge counts it', async () => {
    const villager = await t.loginAs(a.villager);
    const before = (await t.request('GET', '/api/inbox/unread', { token: villager })).body.unread;
    const res = await t.request('POST', base, {
      token: cadre,
      body: {
        title: '停水通知',
        body: '明天上午8点到12点停水检修，请提前接水。',
        audience: { type: 'village' },
        pinned: true,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.recipients).toBeGreaterThan(100);
    expect((await t.request('GET', '/api/inbox/unread', { token: villager })).body.unread).toBe(before + 1);
    const inbox = await t.request('GET', '/api/inbox', { token: villager });
    expect(inbox.body.items[0]).toMatchObject({
      kind: 'notice_published',
      title: '停水通知',
      objectType: 'notice',
      objectId: res.body.id,
      read: false,
    });
    // The publisher is not notified of their own notice; another village hears nothing.
    expect(
      (await t.request('GET', '/api/inbox', { token: cadre })).body.items.some(
        (i: { objectId: string }) => i.objectId === res.body.id,
      ),
    ).toBe(false);
    expect((await t.request('GET', '/api/inbox', { token: await t.loginAs(a.outsider) })).body.items).toEqual(
      [],
    );
  });

  it('grid and role notices are seen only by their audience (cadres see all)', async () => {
    const grids = (await t.request('GET', `/api/villages/${a.village.id}/grids`, { token: cadre })).body
      .items;
    const gwMe = (await t.request('GET', '/api/me', { token: await t.loginAs(a.grid_worker) })).body;
    const gwGrid = gwMe.memberships.find((m: { role: string }) => m.role === 'grid_worker').gridId;
    const otherGrid = grids.find((g: { id: string }) => g.id !== gwGrid).id;
    await t.request('POST', base, {
      token: cadre,
      body: { title: '网格甲通知', body: '内容', audience: { type: 'grid', gridId: gwGrid } },
    });
    await t.request('POST', base, {
      token: cadre,
      body: { title: '网格乙通知', body: '内容', audience: { type: 'grid', gridId: otherGrid } },
    });
    await t.request('POST', base, {
      token: cadre,
      body: { title: '代表会议通知', body: '内容', audience: { type: 'role', role: 'representative' } },
    });

    const gw = await titles(await t.loginAs(a.grid_worker));
    expect(gw).toContain('网格甲通知');
    expect(gw).not.toContain('网格乙通知');
    const rep = await titles(await t.loginAs(a.representative));
    expect(rep).toContain('代表会议通知');
    expect(await titles(await t.loginAs(a.party_member))).not.toContain('代表会议通知');
    expect(await titles(cadre)).toEqual(expect.arrayContaining(['网格甲通知', '网格乙通知', '代表会议通知']));
    expect((await titles(cadre))[0]).toBe('停水通知'); // pinned first
  });

  it('opening a notice counts one read per person and clears the inbox entry', async () => {
    const list = (await t.request('GET', base, { token: cadre })).body.items;
    const notice = list.find((n: { title: string }) => n.title === '停水通知');
    expect(notice.readCount).toBe(0);
    expect(notice.audienceCount).toBeGreaterThan(100);
    const villager = await t.loginAs(a.villager);
    const unread = (await t.request('GET', '/api/inbox/unread', { token: villager })).body.unread;
    const opened = await t.request('GET', `${base}/${notice.id}`, { token: villager });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ read: true, readCount: null });
    await t.request('GET', `${base}/${notice.id}`, { token: villager });
    expect((await t.request('GET', '/api/inbox/unread', { token: villager })).body.unread).toBe(unread - 1);
    const after = (await t.request('GET', base, { token: cadre })).body.items.find(
      (n: { id: string }) => n.id === notice.id,
    );
    expect(after.readCount).toBe(1);
  });

  it('a notice addressed to others is not found, and another village cannot open it', async () => {
    const list = (await t.request('GET', base, { token: cadre })).body.items;
    const repOnly = list.find((n: { title: string }) => n.title === '代表会议通知');
    expect(
      (await t.request('GET', `${base}/${repOnly.id}`, { token: await t.loginAs(a.party_member) })).status,
    ).toBe(404);
    expect(
      (await t.request('GET', `${base}/${repOnly.id}`, { token: await t.loginAs(a.outsider) })).status,
    ).toBe(404);
  });

  it('bad notices are clear errors; expired notices drop off the list', async () => {
    const tooLong = await t.request('POST', base, {
      token: cadre,
      body: { title: '标'.repeat(41), body: 'x', audience: { type: 'village' } },
    });
    expect(tooLong.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: '标题不能超过40个字' });
    const past = await t.request('POST', base, {
      token: cadre,
      body: { title: '过期', body: 'x', audience: { type: 'village' }, expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
    const otherGrid = (
      await t.request('GET', `/api/villages/${a.other.id}/grids`, { token: await t.loginAs(a.outsider) })
    ).body.items[0].id;
    const foreign = await t.request('POST', base, {
      token: cadre,
      body: { title: '错网格', body: 'x', audience: { type: 'grid', gridId: otherGrid } },
    });
    expect(foreign.status).toBe(404);
  });

  it('only cadres of the village publish; only members read', async () => {
    await expectRefusedForAllBut(t, a, ['cadre'], (tk) =>
      t.request('POST', base, {
        token: tk,
        body: { title: '越权', body: 'x', audience: { type: 'village' } },
      }),
    );
    await expectRefusedForAllBut(
      t,
      a,
      ['cadre', 'supervisor', 'villager', 'representative', 'party_member', 'grid_worker'],
      (tk) => t.request('GET', base, { token: tk }),
    );
  });

  it('inbox: mark one, mark all; someone else’s entry is not found', async () => {
    const villager = await t.loginAs(a.villager);
    for (const title of ['收麦通知', '开会通知']) {
      await t.request('POST', base, {
        token: cadre,
        body: { title, body: '内容', audience: { type: 'village' } },
      });
    }
    const items = (await t.request('GET', '/api/inbox', { token: villager })).body.items;
    const unreadItem = items.find((i: { read: boolean }) => !i.read);
    const other = await t.request('POST', `/api/inbox/${unreadItem.id}/read`, {
      token: await t.loginAs(a.supervisor),
    });
    expect(other.status).toBe(404);
    const one = await t.request('POST', `/api/inbox/${unreadItem.id}/read`, { token: villager });
    expect(one.status).toBe(200);
    const all = await t.request('POST', '/api/inbox/read-all', { token: villager });
    expect(all.body.unread).toBe(0);
  });

  it('notification settings: defaults, change, quiet hours', async () => {
    const tk = await t.loginAs(a.party_member);
    const s = await t.request('GET', '/api/me/notify-settings', { token: tk });
    expect(s.body.quietHours).toBe(true);
    expect(s.body.kinds.every((k: { push: boolean; digest: boolean }) => k.push && !k.digest)).toBe(true);
    const u = await t.request('PUT', '/api/me/notify-settings', {
      token: tk,
      body: { quietHours: false, kinds: [{ kind: 'notice_published', push: true, digest: true }] },
    });
    expect(u.body.quietHours).toBe(false);
    expect(u.body.kinds.find((k: { kind: string }) => k.kind === 'notice_published')).toMatchObject({
      digest: true,
      label: '通知公告',
    });
    const bad = await t.request('PUT', '/api/me/notify-settings', {
      token: tk,
      body: { kinds: [{ kind: 'spam', push: true, digest: false }] },
    });
    expect(bad.status).toBe(400);
  });
});

/** Joining a village: lookup by invite code, auto-approval on a roster match, cadre approval otherwise. */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, memberships } from '../../api/_db/schema';
import { DEMO_NEWCOMER } from '../../api/_db/seed';
import { expectRefusedForAllBut } from '../support/access';
import { loadActors, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

describe.skipIf(DB_UNAVAILABLE)('join a village', () => {
  let t: TestApp;
  let a: Actors;
  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
  });
  afterAll(() => t.close());

  const newUser = async () => {
    // A brand-new demo-less user: log in as the newcomer showcase user, or make one through dev login.
    return t.loginAs(a.newcomer);
  };

  it('looks a village up by invite code, case-insensitively', async () => {
    const token = await newUser();
    const res = await t.request('GET', '/api/villages/lookup?code=dp2026', { token });
    expect(res.status).toBe(200);
    expect(res.body.village).toMatchObject({ name: '东坪村', townName: '石桥镇', countyName: '清源县' });
    const bad = await t.request('GET', '/api/villages/lookup?code=ZZZZZZ', { token });
    expect(bad.status).toBe(404);
    expect(bad.body.error.code).toBe('INVITE_CODE_INVALID');
  });

  it('a request that matches nobody on the roster waits for a cadre; a repeat returns the same request', async () => {
    const token = await t.loginAs(a.outsider);
    const body = { inviteCode: 'DP2026', name: '外来人', phone: '13911112222' };
    const first = await t.request('POST', '/api/villages/join', { token, body });
    expect(first.status).toBe(200);
    expect(first.body.request.status).toBe('pending');
    const again = await t.request('POST', '/api/villages/join', { token, body });
    expect(again.body.request.id).toBe(first.body.request.id);

    const cadre = await t.loginAs(a.cadre);
    const list = await t.request('GET', `/api/villages/${a.village.id}/join-requests?status=pending`, {
      token: cadre,
    });
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: { id: string }) => i.id === first.body.request.id);
    expect(item).toMatchObject({ name: '外来人', phoneMasked: '139****2222', matchedResident: false });

    // Nobody but a cadre of this village may list or decide it.
    await expectRefusedForAllBut(t, a, ['cadre'], (tk) =>
      t.request('GET', `/api/villages/${a.village.id}/join-requests`, { token: tk }),
    );
    await expectRefusedForAllBut(t, a, ['cadre'], (tk) =>
      t.request('POST', `/api/villages/${a.village.id}/join-requests/${item.id}/approve`, { token: tk }),
    );

    const approved = await t.request(
      'POST',
      `/api/villages/${a.village.id}/join-requests/${item.id}/approve`,
      { token: cadre },
    );
    expect(approved.status).toBe(200);
    expect(approved.body.request.status).toBe('approved');
    const twice = await t.request('POST', `/api/villages/${a.village.id}/join-requests/${item.id}/reject`, {
      token: cadre,
      body: { reason: '重复' },
    });
    expect(twice.status).toBe(409);

    const ms = await t.db
      .select()
      .from(memberships)
      .where(
        and(
          eq(memberships.userId, a.outsider),
          eq(memberships.villageId, a.village.id),
          eq(memberships.role, 'villager'),
        ),
      );
    expect(ms).toHaveLength(1);
    const logged = await t.db.select().from(auditLog).where(eq(auditLog.targetId, item.id));
    expect(logged.map((l) => l.action).sort()).toEqual(['village.join.approved', 'village.join.requested']);
  });

  it('a request from another village cannot be decided through this village', async () => {
    const token = await t.loginAs(a.newcomer);
    const req = await t.request('POST', '/api/villages/join', {
      token,
      body: { inviteCode: 'YL2026', name: '路人', phone: '13911113333' },
    });
    expect(req.body.request.status).toBe('pending');
    const cadre = await t.loginAs(a.cadre);
    const res = await t.request(
      'POST',
      `/api/villages/${a.village.id}/join-requests/${req.body.request.id}/approve`,
      { token: cadre },
    );
    expect(res.status).toBe(404);
  });

  it('a roster match is approved at once and links the person', async () => {
    const token = await t.loginAs(a.newcomer);
    const res = await t.request('POST', '/api/villages/join', {
      token,
      body: {
        inviteCode: DEMO_NEWCOMER.inviteCode,
        name: DEMO_NEWCOMER.name,
        phone: `+86 ${DEMO_NEWCOMER.phone}`,
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.request).toMatchObject({ status: 'approved', villageName: '东坪村' });
    const me = await t.request('GET', '/api/me', { token });
    expect(me.body.memberships).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'villager', villageName: '东坪村', isHouseholdRep: false }),
      ]),
    );
    expect(me.body.displayName).toBe(DEMO_NEWCOMER.name);
    expect(me.body.phoneMasked).toBe('139****0001');
    const again = await t.request('POST', '/api/villages/join', {
      token,
      body: { inviteCode: DEMO_NEWCOMER.inviteCode, name: DEMO_NEWCOMER.name, phone: DEMO_NEWCOMER.phone },
    });
    expect(again.status).toBe(409);
  });

  it('a wrong invite code is a clear error', async () => {
    const token = await t.loginAs(a.villager);
    const res = await t.request('POST', '/api/villages/join', {
      token,
      body: { inviteCode: 'NOPE00', name: '张三', phone: '13911114444' },
    });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: 'INVITE_CODE_INVALID',
      message: '邀请码不对，请向村干部核实',
    });
  });
});

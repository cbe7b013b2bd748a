/**
 * The endpoints around the notify job: the cron trigger and its secret, the template list the
 * mini-program asks consent for, and recording what wx.requestSubscribeMessage answered.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../api/_db/schema';
import { DEFAULT_SUBSCRIBE_TEMPLATES } from '../../api/_wechat/subscribe-templates';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE } from '../support/harness';
import { CRON_SECRET, consentMany, openidOf, type Rig, startRig, templateOf } from '../support/notify-rig';

describe.skipIf(DB_UNAVAILABLE)('cron, templates and consent endpoints', () => {
  let rig: Rig;
  let a: Actors;
  const key = () => ({ 'idempotency-key': crypto.randomUUID() });

  beforeAll(async () => {
    rig = await startRig();
    a = await loadActors(rig.t.db);
  });
  afterAll(() => rig?.close());

  describe('GET|POST /api/cron/notify', () => {
    const cron = (method: 'GET' | 'POST', authorization?: string) =>
      rig.t.request(method, '/api/cron/notify', { headers: authorization ? { authorization } : {} });

    it('refuses a missing or wrong secret, and a user’s session token', async () => {
      for (const method of ['GET', 'POST'] as const) {
        for (const auth of [
          undefined,
          'Bearer',
          'Bearer ',
          'Bearer wrong-secret',
          `Bearer ${CRON_SECRET}x`,
          CRON_SECRET,
          `Basic ${CRON_SECRET}`,
        ]) {
          const res = await cron(method, auth);
          expect({ method, auth, status: res.status, code: res.body.error?.code }).toEqual({
            method,
            auth,
            status: 401,
            code: 'UNAUTHENTICATED',
          });
        }
        const session = await rig.t.loginAs(a.cadre);
        expect((await cron(method, `Bearer ${session}`)).status).toBe(401);
      }
    });

    it('refuses everyone when CRON_SECRET is not configured', async () => {
      const cfg = rig.t.deps.config.notify;
      const saved = cfg.cronSecret;
      cfg.cronSecret = undefined;
      try {
        for (const auth of [undefined, `Bearer ${CRON_SECRET}`, 'Bearer ']) {
          const res = await cron('GET', auth);
          expect(res.status).toBe(403);
          expect(res.body.error.code).toBe('FORBIDDEN');
        }
        expect(rig.t.logLines.some((l) => l.includes('CRON_SECRET is not configured'))).toBe(true);
      } finally {
        cfg.cronSecret = saved;
      }
    });

    it('with the secret (as Vercel sends it) runs the job and says what it did', async () => {
      const who = a.party_member;
      const token = await rig.t.loginAs(who);
      // Whatever the hour of this run, no quiet hours for this person.
      await rig.t.request('PUT', '/api/me/notify-settings', {
        token,
        body: { quietHours: false },
        headers: key(),
      });
      await consentMany(rig, [who], 'notice_published');
      const res = await rig.t.request('POST', `/api/villages/${a.village.id}/notices`, {
        token: await rig.t.loginAs(a.cadre),
        body: { title: '定时任务测试', body: '内容', audience: { type: 'role', role: 'party_member' } },
        headers: key(),
      });
      expect(res.status).toBe(201);
      const run = await cron('GET', `Bearer ${CRON_SECRET}`);
      expect(run.status).toBe(200);
      expect(run.body).toMatchObject({ sent: 1, failed: 0, retried: 0, digests: { users: 0, rows: 0 } });
      // The other party members gave no consent (or, at night, wait for the morning).
      expect(run.body.skipped + run.body.deferred).toBeGreaterThan(0);
      expect(typeof run.body.ms).toBe('number');
      expect(rig.fake.state.subscriptions.to(await openidOf(rig.t, who))).toHaveLength(1);
      const again = await cron('POST', `Bearer ${CRON_SECRET}`);
      expect(again.body).toMatchObject({ sent: 0, skipped: 0, deferred: 0 });
    });
  });

  describe('GET /api/notify/templates', () => {
    it('lists each kind’s template and whether it is long-term; signed-in users only', async () => {
      expect((await rig.t.request('GET', '/api/notify/templates')).status).toBe(401);
      const res = await rig.t.request('GET', '/api/notify/templates', {
        token: await rig.t.loginAs(a.villager),
      });
      expect(res.status).toBe(200);
      expect(res.body.templates).toHaveLength(Object.keys(DEFAULT_SUBSCRIBE_TEMPLATES).length);
      expect(res.body.templates).toContainEqual({
        kind: 'matter_moved',
        templateId: templateOf('matter_moved').id,
        longTerm: false,
      });
      expect(res.body.templates).toContainEqual({
        kind: 'notice_published',
        templateId: templateOf('notice_published').id,
        longTerm: true,
      });
    });
  });

  describe('POST /api/me/subscribe-consents', () => {
    const post = async (userId: string, results: unknown, headers = key()) =>
      rig.t.request('POST', '/api/me/subscribe-consents', {
        token: await rig.t.loginAs(userId),
        body: { results },
        headers,
      });
    const oneTime = () => templateOf('booking_near').id;
    const longTerm = () => templateOf('vote_opened').id;

    it('accept adds one one-time message, or a long-term consent; a retry with the same key adds nothing', async () => {
      const who = a.villager;
      const h = key();
      const first = await post(who, { [oneTime()]: 'accept', [longTerm()]: 'accept' }, h);
      expect(first.status).toBe(200);
      const replay = await post(who, { [oneTime()]: 'accept', [longTerm()]: 'accept' }, h);
      expect(replay.headers.get('idempotent-replay')).toBe('true');
      const second = await post(who, { [oneTime()]: 'accept' });
      expect(second.body.consents).toEqual(
        expect.arrayContaining([
          { templateId: oneTime(), kind: 'one_time', remaining: 2 },
          { templateId: longTerm(), kind: 'long_term', remaining: 0 },
        ]),
      );
      const listed = await rig.t.request('GET', '/api/me/subscribe-consents', {
        token: await rig.t.loginAs(who),
      });
      expect(listed.body.consents).toEqual(second.body.consents);
      const audits = await rig.t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.actorUserId, who), eq(auditLog.action, 'notify.consent')));
      expect(audits).toHaveLength(2);
    });

    it('reject and ban clear; filter changes nothing; unknown template ids are ignored', async () => {
      const who = a.representative;
      await post(who, { [oneTime()]: 'accept', [longTerm()]: 'accept' });
      const filtered = await post(who, { [oneTime()]: 'filter', 'tmpl-not-ours': 'accept' });
      expect(filtered.body.ignored).toEqual(['tmpl-not-ours']);
      expect(filtered.body.consents).toContainEqual({
        templateId: oneTime(),
        kind: 'one_time',
        remaining: 1,
      });
      const cleared = await post(who, { [oneTime()]: 'reject', [longTerm()]: 'ban' });
      expect(cleared.body.consents).toEqual(
        expect.arrayContaining([
          { templateId: oneTime(), kind: 'one_time', remaining: 0 },
          { templateId: longTerm(), kind: 'one_time', remaining: 0 },
        ]),
      );
    });

    it('refuses bad answers and anonymous callers; one person’s consents are not another’s', async () => {
      const bad = await post(a.supervisor, { [oneTime()]: 'yes' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
      expect((await post(a.supervisor, [])).status).toBe(400);
      const extra = await rig.t.request('POST', '/api/me/subscribe-consents', {
        token: await rig.t.loginAs(a.supervisor),
        body: { results: {}, userId: a.villager },
        headers: key(),
      });
      expect(extra.status).toBe(400);
      const anon = await rig.t.request('POST', '/api/me/subscribe-consents', {
        body: { results: { [oneTime()]: 'accept' } },
      });
      expect(anon.status).toBe(401);
      const mine = await rig.t.request('GET', '/api/me/subscribe-consents', {
        token: await rig.t.loginAs(a.supervisor),
      });
      expect(mine.body.consents).toEqual([]);
    });
  });
});

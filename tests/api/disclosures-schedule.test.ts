/**
 * The schedule with a controllable clock: periods not published by their due date are flagged on
 * the board and for the town; cadres are reminded once per period and state however often the job
 * runs; publishing clears the flag; the cron endpoint needs the secret.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disclosureSchedules, inboxEntries } from '../../api/_db/schema';
import { runDisclosureReminders, townOverdue } from '../../api/_disclosures/schedule';
import { type Actors, loadActors } from '../support/actors';
import { disclosureApi } from '../support/disclosures';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';

const SECRET = 'disclosure-cron-secret-0123456789';

describe.skipIf(DB_UNAVAILABLE)('disclosure schedule and reminders', () => {
  let t: TestApp;
  let a: Actors;
  let api: ReturnType<typeof disclosureApi>;

  beforeAll(async () => {
    t = await createTestApp({ env: { CRON_SECRET: SECRET } });
    a = await loadActors(t.db);
    api = disclosureApi(t, a.village.id);
    // The village started its board on 2025-01-01; only it is scheduled in this test.
    await t.db.delete(disclosureSchedules);
    await t.db.insert(disclosureSchedules).values({ villageId: a.village.id, since: '2025-01-01' });
  });
  afterAll(() => t.close());

  const reminders = async () =>
    t.db
      .select({ title: inboxEntries.title })
      .from(inboxEntries)
      .where(and(eq(inboxEntries.userId, a.cadre), eq(inboxEntries.kind, 'disclosure_reminder')));

  it('reminds cadres once per overdue or due-soon period', async () => {
    const now = new Date('2025-04-08T01:00:00Z'); // 09:00 on 8 April, Beijing
    const first = await runDisclosureReminders(t.deps, now);
    // Finance January, February overdue; March due on 10 April (soon); affairs and party Q1 due soon.
    expect(first).toEqual({ villages: 1, overdue: 2, reminded: 5 });
    const titles = (await reminders()).map((r) => r.title).sort();
    expect(titles).toEqual(
      [
        '2025年1月财务公开已超期未公开',
        '2025年2月财务公开已超期未公开',
        '2025年3月财务公开快到期了',
        '2025年第1季度村务公开快到期了',
        '2025年第1季度党务公开快到期了',
      ].sort(),
    );
    expect(await runDisclosureReminders(t.deps, now)).toEqual({ villages: 1, overdue: 2, reminded: 0 });
    // Two days later the quarter is overdue: one more reminder each.
    const later = await runDisclosureReminders(t.deps, new Date('2025-04-11T01:00:00Z'));
    expect(later).toEqual({ villages: 1, overdue: 5, reminded: 3 });
  });

  it('the town sees each late period by kind and how many days late, the latest village first', async () => {
    const town = await t.loginAs(a.town_officer);
    const at = new Date('2025-04-11T01:00:00Z'); // 11 April, Beijing
    const direct = await townOverdue(t.db, a.village.townId, at);
    expect(direct.today).toBe('2025-04-11');
    expect(direct.villages[0]).toEqual({
      villageId: a.village.id,
      villageName: a.village.name,
      overdue: [
        {
          kind: 'finance',
          kindLabel: '财务公开',
          period: '2025-01',
          periodLabel: '2025年1月',
          due: '2025-02-10',
          daysLate: 60,
        },
        {
          kind: 'finance',
          kindLabel: '财务公开',
          period: '2025-02',
          periodLabel: '2025年2月',
          due: '2025-03-10',
          daysLate: 32,
        },
        {
          kind: 'finance',
          kindLabel: '财务公开',
          period: '2025-03',
          periodLabel: '2025年3月',
          due: '2025-04-10',
          daysLate: 1,
        },
        {
          kind: 'affairs',
          kindLabel: '村务公开',
          period: '2025-Q1',
          periodLabel: '2025年第1季度',
          due: '2025-04-10',
          daysLate: 1,
        },
        {
          kind: 'party',
          kindLabel: '党务公开',
          period: '2025-Q1',
          periodLabel: '2025年第1季度',
          due: '2025-04-10',
          daysLate: 1,
        },
      ],
    });
    // The other villages of the town (unscheduled here) follow, with nothing late.
    expect(direct.villages.slice(1).every((v) => v.overdue.length === 0)).toBe(true);
    // Through the route (today's clock): the town's name and every village of the town.
    const res = await t.request('GET', `/api/towns/${a.village.townId}/disclosures/overdue`, { token: town });
    expect(res.status).toBe(200);
    expect(res.body.townName).toBe('石桥镇');
    expect(res.body.villages.map((v: { villageId: string }) => v.villageId)).toContain(a.village.id);
    const late = res.body.villages.find((v: { villageId: string }) => v.villageId === a.village.id);
    expect(late.overdue.every((o: { daysLate: number }) => o.daysLate > 0)).toBe(true);
  });

  it('publishing a period clears its flag, for the town too', async () => {
    const now = new Date('2025-04-11T01:00:00Z');
    const before = await townOverdue(t.db, a.village.townId, now);
    const mine = () => before.villages.find((v) => v.villageId === a.village.id)!;
    expect(mine().overdue.map((o) => `${o.kind}:${o.period}`)).toContain('finance:2025-01');
    const cadre = await t.loginAs(a.cadre);
    const supervisor = await t.loginAs(a.supervisor);
    await api.publishFinance(cadre, supervisor, '2025-01', 0);
    const after = await townOverdue(t.db, a.village.townId, now);
    const flagged = after.villages
      .find((v) => v.villageId === a.village.id)!
      .overdue.map((o) => `${o.kind}:${o.period}`);
    expect(flagged).not.toContain('finance:2025-01');
    expect(flagged).toContain('finance:2025-02');
    expect(flagged).toContain('affairs:2025-Q1');
  });

  it('the cron endpoint runs the job with the secret only', async () => {
    expect((await t.request('GET', '/api/cron/disclosures')).status).toBe(401);
    expect(
      (await t.request('GET', '/api/cron/disclosures', { headers: { authorization: 'Bearer wrong' } }))
        .status,
    ).toBe(401);
    const ok = await t.request('POST', '/api/cron/disclosures', {
      headers: { authorization: `Bearer ${SECRET}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.villages).toBe(1);
    expect(ok.body.overdue).toBeGreaterThan(0);
  });
});

/**
 * Votes with custom single-choice options (the cadre writes 2–10 choices): created, cast, closed,
 * the published result names the chosen option, the ballot list recomputes; bad option lists are
 * refused with a plain message; only cadres of the village may create one.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { voteElectors, votes } from '../../api/_db/schema';
import { verifyBallotList } from '../../shared/councils/verify';
import { expectRefusedForAllBut } from '../support/access';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';

const CRON = 'cron-secret-for-councils-tests-0123';
const ROADS = [
  { key: 'o1', label: '幸福路' },
  { key: 'o2', label: '振兴路' },
  { key: 'o3', label: '东坪大道' },
];

describe.skipIf(DB_UNAVAILABLE)('councils: custom single-choice votes', () => {
  let t: TestApp;
  let a: Actors;
  let base: string;
  let meetingId: string;
  const as = (id: string) => t.loginAs(id);
  const minutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
  const body = (over: Record<string, unknown> = {}) => ({
    meetingId,
    question: '村里新修的路叫什么名字？',
    kind: 'single',
    options: ROADS,
    ballotMode: 'open',
    opensAt: minutes(-1),
    closesAt: minutes(60),
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp({ env: { CRON_SECRET: CRON } });
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}`;
    const m = await t.request('POST', `${base}/meetings`, {
      token: await as(a.cadre),
      body: { type: 'representatives_meeting', title: '村民代表会议：给新路起名', heldAt: minutes(0) },
    });
    expect(m.status).toBe(201);
    meetingId = m.body.id;
  });
  afterAll(() => t.close());

  it('a cadre opens a vote with their own choices; members see exactly those choices', async () => {
    const res = await t.request('POST', `${base}/votes`, { token: await as(a.cadre), body: body() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const view = await t.request('GET', `${base}/votes/${res.body.id}`, { token: await as(a.villager) });
    expect(view.body).toMatchObject({ kind: 'single', status: 'open', options: ROADS });
    expect(view.body.tally.counts).toEqual({ o1: 0, o2: 0, o3: 0 });
  });

  it('electors choose among them; a choice that is not on the ballot is refused; the result names the winner', async () => {
    const created = await t.request('POST', `${base}/votes`, {
      token: await as(a.cadre),
      body: body({ question: '新路叫什么（第二轮）？' }),
    });
    const voteId = created.body.id as string;
    const electors = await t.db.select().from(voteElectors).where(eq(voteElectors.voteId, voteId));
    expect(electors.length).toBeGreaterThanOrEqual(3);
    // 同意 is not a choice of this vote, nor is an unknown key.
    for (const option of ['yes', 'o4']) {
      const bad = await t.request('POST', `${base}/votes/${voteId}/ballots`, {
        token: await as(electors[0]!.userId!),
        body: { option },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: '没有这个选项' });
    }
    // Everyone votes: all but one for 振兴路.
    for (const [i, e] of electors.entries()) {
      const res = await t.request('POST', `${base}/votes/${voteId}/ballots`, {
        token: await as(e.userId!),
        body: { option: i === 0 ? 'o3' : 'o2' },
      });
      expect(res.status).toBe(201);
    }
    const [row] = await t.db.select().from(votes).where(eq(votes.id, voteId));
    const closed = await t.request(
      'POST',
      `/api/cron/councils?now=${encodeURIComponent(new Date(row!.closesAt.getTime() + 1000).toISOString())}`,
      { headers: { authorization: `Bearer ${CRON}` } },
    );
    expect(closed.body.closed).toBeGreaterThanOrEqual(1);
    const view = await t.request('GET', `${base}/votes/${voteId}`, { token: await as(a.villager) });
    expect(view.body.result).toMatchObject({
      winner: 'o2',
      outcome: 'adopted',
      outcomeLabel: '通过：振兴路',
      counts: { o1: 0, o2: electors.length - 1, o3: 1 },
    });
    const list = await t.request('GET', `${base}/votes/${voteId}/ballots`, { token: await as(a.villager) });
    expect(list.body.options).toEqual(ROADS);
    expect(verifyBallotList(list.body)).toMatchObject({ ok: true, problems: [] });
  });

  it('bad option lists are refused with a plain message, and nothing is created', async () => {
    const token = await as(a.cadre);
    const before = (await t.db.select().from(votes)).length;
    const cases: [Record<string, unknown>, string][] = [
      [{ options: [{ key: 'o1', label: '幸福路' }] }, '至少要有 2 个选项'],
      [
        { options: Array.from({ length: 11 }, (_, i) => ({ key: `o${i}`, label: `方案${i}` })) },
        '最多 10 个选项',
      ],
      [{ options: [ROADS[0], { key: 'o2', label: '  ' }] }, '选项不能是空的'],
      [{ options: [ROADS[0], { key: 'o2', label: '路'.repeat(31) }] }, '每个选项最多 30 个字'],
      [{ options: [ROADS[0], { key: 'o2', label: ' 幸福路' }] }, '选项不能重复'],
      [{ options: [ROADS[0], { key: 'o1', label: '振兴路' }] }, '选项编号不能重复'],
      [{ options: undefined }, '请填写选项'],
      [{ kind: 'yes_no' }, '“同意/反对/弃权”的投票不用填写选项'],
    ];
    for (const [over, message] of cases) {
      const res = await t.request('POST', `${base}/votes`, { token, body: body(over) });
      expect({ status: res.status, code: res.body.error?.code, message: res.body.error?.message }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        message,
      });
    }
    expect((await t.db.select().from(votes)).length).toBe(before);
  });

  it('only cadres of the village create one; another village does not find the meeting', async () => {
    await expectRefusedForAllBut(t, a, ['cadre'], (token) =>
      t.request('POST', `${base}/votes`, { token, body: body() }),
    );
    const cross = await t.request('POST', `/api/villages/${a.other.id}/votes`, {
      token: await as(a.outsider),
      body: body(),
    });
    expect(cross.status).toBe(404);
  });
});

/**
 * Votes: create (cadres only), open with a frozen electorate, cast (receipt, retry, a ballot is
 * final, non-electors, before open, after close, another village), paper ballots co-signed by a
 * supervisor and colliding with online ballots, the clock (cron with a controllable time), the
 * published result recomputed from the database, the ballot list verified, receipts checked.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ballots, inboxEntries, voteElectors, votes } from '../../api/_db/schema';
import { verifyBallotList } from '../../shared/councils/verify';
import { expectRefusedForAllBut } from '../support/access';
import { loadActors, type Actors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE, type TestApp } from '../support/harness';

const CRON = 'cron-secret-for-councils-tests-0123';

describe.skipIf(DB_UNAVAILABLE)('councils: votes', () => {
  let t: TestApp;
  let a: Actors;
  let base: string;
  const as = (id: string) => t.loginAs(id);
  const minutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

  beforeAll(async () => {
    t = await createTestApp({ env: { CRON_SECRET: CRON } });
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}`;
  });
  afterAll(() => t.close());

  const meeting = async (type: string, title = '测试会议') => {
    const res = await t.request('POST', `${base}/meetings`, {
      token: await as(a.cadre),
      body: { type, title, heldAt: minutes(0) },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const vote = async (meetingId: string, over: Record<string, unknown> = {}) => {
    const res = await t.request('POST', `${base}/votes`, {
      token: await as(a.cadre),
      body: {
        meetingId,
        question: '是否同意修建村东头的水渠？',
        kind: 'yes_no',
        ballotMode: 'secret',
        opensAt: minutes(-1),
        closesAt: minutes(60),
        ...over,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const cast = async (userId: string, voteId: string, option: string) =>
    t.request('POST', `${base}/votes/${voteId}/ballots`, { token: await as(userId), body: { option } });
  const cron = (now: Date) =>
    t.request('POST', `/api/cron/councils?now=${encodeURIComponent(now.toISOString())}`, {
      headers: { authorization: `Bearer ${CRON}` },
    });

  describe('村民会议, secret ballot', () => {
    let voteId: string;
    let receipt: string;

    it('opens at once when its time has come and freezes the 18+ villagers on the roster', async () => {
      voteId = await vote(await meeting('villagers_assembly'));
      const [row] = await t.db.select().from(votes).where(eq(votes.id, voteId));
      expect(row!.status).toBe('open');
      const electors = await t.db.select().from(voteElectors).where(eq(voteElectors.voteId, voteId));
      expect(electors.length).toBe(row!.electors);
      expect(row!.electors).toBeGreaterThan(100);
      // Roster entries without the app are on it too (they can vote on paper).
      expect(electors.some((e) => e.userId === null)).toBe(true);
      // Electors with the app were told.
      const told = await t.db
        .select()
        .from(inboxEntries)
        .where(and(eq(inboxEntries.userId, a.villager), eq(inboxEntries.objectId, voteId)));
      expect(told.map((e) => e.kind)).toEqual(['vote_opened']);
    });

    it('casts a ballot and returns a receipt; a retry returns the same receipt', async () => {
      const res = await cast(a.villager, voteId, 'yes');
      expect(res.status).toBe(201);
      expect(res.body.receipt).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
      receipt = res.body.receipt;
      const again = await cast(a.villager, voteId, 'yes');
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replay')).toBe('true');
      expect(again.body.receipt).toBe(receipt);
    });

    it('a ballot is final: another choice is refused and nothing changes', async () => {
      const res = await cast(a.villager, voteId, 'no');
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('ALREADY_VOTED');
      const mine = await t.db.select().from(ballots).where(eq(ballots.voteId, voteId));
      expect(mine).toHaveLength(1);
      expect(mine[0]!.option).toBe('yes');
    });

    it('refuses an unknown option and bad bodies without a 500', async () => {
      expect((await cast(a.representative, voteId, 'maybe')).body.error.code).toBe('VALIDATION_FAILED');
      const res = await t.request('POST', `${base}/votes/${voteId}/ballots`, {
        token: await as(a.representative),
        body: { option: 'yes', extra: 1 },
      });
      expect(res.status).toBe(400);
    });

    it('concurrent casts by one person count once', async () => {
      const results = await Promise.all([1, 2, 3, 4].map(() => cast(a.representative, voteId, 'no')));
      const receipts = new Set(results.map((r) => r.body.receipt));
      expect(receipts.size).toBe(1);
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    });

    it('shows the live tally (from the database without Redis) and my ballot', async () => {
      await cast(a.party_member, voteId, 'abstain');
      const res = await t.request('GET', `${base}/votes/${voteId}`, { token: await as(a.villager) });
      expect(res.status).toBe(200);
      expect(res.body.tally).toEqual({
        counts: { yes: 1, no: 1, abstain: 1 },
        participants: 3,
        source: 'database',
      });
      expect(res.body.myBallot).toMatchObject({ receipt, option: 'yes' });
      expect(res.body.eligible).toBe(true);
      expect(res.body.result).toBeNull();
    });

    it('another village does not see the vote', async () => {
      const res = await cast(a.outsider, voteId, 'yes');
      expect(res.status).toBe(404);
      const other = await t.request('GET', `/api/villages/${a.other.id}/votes/${voteId}`, {
        token: await as(a.outsider),
      });
      expect(other.status).toBe(404);
    });

    it('paper ballots: a cadre enters, a supervisor co-signs; nobody counts twice', async () => {
      const cadre = await as(a.cadre);
      const list = await t.request('GET', `${base}/votes/${voteId}/electors`, { token: cadre });
      expect(list.status).toBe(200);
      const offline = list.body.items.find((e: { online: boolean; voted: boolean }) => !e.online && !e.voted);
      const online = await t.db
        .select()
        .from(voteElectors)
        .where(and(eq(voteElectors.voteId, voteId), eq(voteElectors.userId, a.villager)));
      // The villager who voted online cannot also be entered on paper: the same unique constraint.
      const twice = await t.request('POST', `${base}/votes/${voteId}/paper-ballots`, {
        token: cadre,
        body: { electorId: online[0]!.id, option: 'no' },
      });
      expect(twice.body.error.code).toBe('ALREADY_VOTED');
      const entered = await t.request('POST', `${base}/votes/${voteId}/paper-ballots`, {
        token: cadre,
        body: { electorId: offline.id, option: 'yes' },
      });
      expect(entered.status).toBe(201);
      expect(entered.body.status).toBe('pending_cosign');
      // Not counted until co-signed.
      const before = await t.request('GET', `${base}/votes/${voteId}`, { token: cadre });
      expect(before.body.tally.participants).toBe(3);
      // A cadre cannot co-sign; a villager cannot enter.
      const byCadre = await t.request(
        'POST',
        `${base}/votes/${voteId}/paper-ballots/${entered.body.id}/cosign`,
        {
          token: cadre,
          body: { approve: true },
        },
      );
      expect(byCadre.status).toBe(403);
      const byVillager = await t.request('POST', `${base}/votes/${voteId}/paper-ballots`, {
        token: await as(a.villager),
        body: { electorId: offline.id, option: 'yes' },
      });
      expect(byVillager.status).toBe(403);
      const signed = await t.request(
        'POST',
        `${base}/votes/${voteId}/paper-ballots/${entered.body.id}/cosign`,
        {
          token: await as(a.supervisor),
          body: { approve: true },
        },
      );
      expect(signed.status).toBe(200);
      expect(signed.body.status).toBe('counted');
      const again = await t.request(
        'POST',
        `${base}/votes/${voteId}/paper-ballots/${entered.body.id}/cosign`,
        {
          token: await as(a.supervisor),
          body: { approve: true },
        },
      );
      expect(again.body.error.code).toBe('CONFLICT');
      const after = await t.request('GET', `${base}/votes/${voteId}`, { token: cadre });
      expect(after.body.tally.counts.yes).toBe(2);
    });

    it('the receipt check answers before close; a forged receipt is simply not included', async () => {
      const ok = await t.request('GET', `${base}/votes/${voteId}/receipts/${receipt}`, {
        token: await as(a.grid_worker),
      });
      expect(ok.body).toMatchObject({ included: true, status: 'counted', option: 'yes' });
      const forged = await t.request('GET', `${base}/votes/${voteId}/receipts/AAAA-BBBB-CCCC`, {
        token: await as(a.villager),
      });
      expect(forged.status).toBe(200);
      expect(forged.body).toEqual({
        included: false,
        status: null,
        option: null,
        seq: null,
        chainHash: null,
      });
      const early = await t.request('GET', `${base}/votes/${voteId}/ballots`, {
        token: await as(a.villager),
      });
      expect(early.body.error.code).toBe('VOTE_NOT_CLOSED');
    });

    it('the cron warns who has not voted 2 h before, once', async () => {
      const [row] = await t.db.select().from(votes).where(eq(votes.id, voteId));
      const at = new Date(row!.closesAt.getTime() - 90 * 60_000);
      const first = await cron(at);
      expect(first.status).toBe(200);
      expect(first.body.closingNotified).toBeGreaterThanOrEqual(1);
      const second = await cron(at);
      expect(second.body.closingNotified).toBe(0);
      const warned = await t.db
        .select()
        .from(inboxEntries)
        .where(and(eq(inboxEntries.objectId, voteId), eq(inboxEntries.kind, 'vote_closing')));
      expect(warned.some((w) => w.userId === a.villager)).toBe(false); // voted already
      expect(warned.some((w) => w.userId === a.cadre)).toBe(true);
    });

    it('closes at the close time (cron), recomputes from the database and publishes', async () => {
      const [row] = await t.db.select().from(votes).where(eq(votes.id, voteId));
      const res = await cron(new Date(row!.closesAt.getTime() + 1000));
      expect(res.body.closed).toBe(1);
      expect((await cron(new Date(row!.closesAt.getTime() + 2000))).body.closed).toBe(0);
      const view = await t.request('GET', `${base}/votes/${voteId}`, { token: await as(a.villager) });
      expect(view.body.status).toBe('closed');
      const r = view.body.result;
      expect(r.counts).toEqual({ yes: 2, no: 1, abstain: 1 });
      expect(r.participants).toBe(4);
      expect(r.electors).toBe(row!.electors);
      expect(r.quorumMet).toBe(false);
      expect(r.outcome).toBe('no_quorum');
      expect(r.online).toBe(3);
      expect(r.paper).toBe(1);
      expect(r.chainHead).toMatch(/^[0-9a-f]{64}$/);
      const out = await t.db
        .select()
        .from(inboxEntries)
        .where(
          and(
            eq(inboxEntries.objectId, voteId),
            eq(inboxEntries.kind, 'result_out'),
            eq(inboxEntries.userId, a.villager),
          ),
        );
      expect(out).toHaveLength(1);
    });

    it('after close: no more ballots, online or paper', async () => {
      const late = await cast(a.grid_worker, voteId, 'yes');
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe('VOTE_CLOSED');
    });

    it('the ballot list recomputes to the published result; secret ballots carry no names', async () => {
      const res = await t.request('GET', `${base}/votes/${voteId}/ballots`, { token: await as(a.villager) });
      expect(res.status).toBe(200);
      expect(res.body.ballots).toHaveLength(4);
      expect(res.body.ballots.every((b: { name: string | null }) => b.name === null)).toBe(true);
      const report = verifyBallotList(res.body);
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      // Tampering is caught: a flipped choice breaks the chain and the tally.
      const tampered = structuredClone(res.body);
      tampered.ballots[1].option = tampered.ballots[1].option === 'yes' ? 'no' : 'yes';
      const bad = verifyBallotList(tampered);
      expect(bad.ok).toBe(false);
      expect(bad.problems.some((p) => p.includes('第 2 张'))).toBe(true);
      // The receipt now has its place in the chain.
      const check = await t.request('GET', `${base}/votes/${voteId}/receipts/${receipt.toLowerCase()}`, {
        token: await as(a.villager),
      });
      expect(check.body.included).toBe(true);
      expect(check.body.seq).toBeGreaterThan(0);
      expect(check.body.chainHash).toBe(res.body.ballots[check.body.seq - 1].hash);
    });
  });

  describe('村民代表会议, open ballot, and the clock', () => {
    it('a member who is not on the electorate is refused', async () => {
      const voteId = await vote(await meeting('representatives_meeting'), {
        ballotMode: 'open',
        liveTally: false,
      });
      // A plain villager is neither a representative nor a committee member.
      const res = await cast(a.villager, voteId, 'yes');
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('NOT_ELECTOR');
      // Representatives vote; the tally is hidden from villagers until close.
      expect((await cast(a.representative, voteId, 'yes')).status).toBe(201);
      const view = await t.request('GET', `${base}/votes/${voteId}`, { token: await as(a.representative) });
      expect(view.body.tally).toBeNull();
      expect(view.body.eligible).toBe(true);
    });

    it('before its opening time a vote refuses ballots; it opens lazily on first read after', async () => {
      const voteId = await vote(await meeting('party_members_meeting'), {
        opensAt: minutes(30),
        closesAt: minutes(90),
      });
      const early = await cast(a.party_member, voteId, 'yes');
      expect(early.status).toBe(409);
      expect(early.body.error.code).toBe('VOTE_NOT_OPEN');
      const [row] = await t.db.select().from(votes).where(eq(votes.id, voteId));
      expect(row!.status).toBe('scheduled');
      expect((await cron(new Date(Date.now() + 31 * 60_000))).body.opened).toBeGreaterThanOrEqual(1);
      const [opened] = await t.db.select().from(votes).where(eq(votes.id, voteId));
      expect(opened!.status).toBe('open');
      expect(opened!.electors).toBeGreaterThan(0);
    });

    it('an open ballot list names the voters and still verifies', async () => {
      const voteId = await vote(await meeting('two_committees_meeting'), {
        ballotMode: 'open',
        closesAt: minutes(1),
      });
      expect((await cast(a.cadre, voteId, 'yes')).status).toBe(201);
      const [row] = await t.db.select().from(votes).where(eq(votes.id, voteId));
      await cron(new Date(row!.closesAt.getTime() + 1));
      const res = await t.request('GET', `${base}/votes/${voteId}/ballots`, { token: await as(a.villager) });
      expect(res.body.ballots[0].name).toBeTruthy();
      expect(verifyBallotList(res.body).ok).toBe(true);
      // 5 cadres, 1 voted: no quorum for the 两委 meeting.
      expect(res.body.result.outcome).toBe('no_quorum');
    });
  });

  describe('refusals', () => {
    it('only cadres create meetings and votes', async () => {
      const meetingId = await meeting('villagers_assembly');
      await expectRefusedForAllBut(t, a, ['cadre'], (token) =>
        t.request('POST', `${base}/votes`, {
          token,
          body: {
            meetingId,
            question: 'x',
            kind: 'yes_no',
            ballotMode: 'secret',
            opensAt: minutes(1),
            closesAt: minutes(5),
          },
        }),
      );
      await expectRefusedForAllBut(t, a, ['cadre'], (token) =>
        t.request('POST', `${base}/meetings`, {
          token,
          body: { type: 'villagers_assembly', title: 'x', heldAt: minutes(0) },
        }),
      );
    });

    it('every member may read votes; outsiders may not', async () => {
      const ok = [
        'villager',
        'representative',
        'party_member',
        'grid_worker',
        'cadre',
        'supervisor',
      ] as const;
      await expectRefusedForAllBut(t, a, [...ok], (token) => t.request('GET', `${base}/votes`, { token }));
      for (const k of ok)
        expect((await t.request('GET', `${base}/votes`, { token: await as(a[k]) })).status).toBe(200);
    });

    it('validates times and options', async () => {
      const meetingId = await meeting('deliberation_council');
      const token = await as(a.cadre);
      const bad = [
        { closesAt: minutes(-5), opensAt: minutes(-10) },
        { opensAt: minutes(10), closesAt: minutes(5) },
        { kind: 'single', options: [{ key: 'a', label: 'A' }] },
        {
          kind: 'single',
          options: [
            { key: 'a', label: 'A' },
            { key: 'a', label: 'B' },
          ],
        },
      ];
      for (const over of bad) {
        const res = await t.request('POST', `${base}/votes`, {
          token,
          body: {
            meetingId,
            question: 'x',
            kind: 'yes_no',
            ballotMode: 'secret',
            opensAt: minutes(0),
            closesAt: minutes(5),
            ...over,
          },
        });
        expect(res.status, JSON.stringify(over)).toBe(400);
      }
      const other = await t.request('POST', `/api/villages/${a.other.id}/votes`, {
        token: await as(a.outsider),
        body: {
          meetingId,
          question: 'x',
          kind: 'yes_no',
          ballotMode: 'secret',
          opensAt: minutes(0),
          closesAt: minutes(5),
        },
      });
      expect(other.status).toBe(404);
    });

    it('the cron refuses a wrong secret', async () => {
      const res = await t.request('POST', '/api/cron/councils', {
        headers: { authorization: 'Bearer nope' },
      });
      expect(res.status).toBe(401);
    });

    it('no vote row is left without its electorate', async () => {
      const orphans = await t.db
        .select()
        .from(votes)
        .where(and(eq(votes.status, 'open'), isNull(votes.electors)));
      expect(orphans).toEqual([]);
    });
  });
});

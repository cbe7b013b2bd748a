/**
 * Councils refusals per route, for every role and another village (writes: only refusals here;
 * the allowed paths are in councils-votes / councils-proposals).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { proposals } from '../../api/_db/schema';
import { expectRefusedForAllBut } from '../support/access';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';

const MEMBERS = ['villager', 'representative', 'party_member', 'grid_worker', 'cadre', 'supervisor'] as const;

describe.skipIf(DB_UNAVAILABLE)('councils: who may do what', () => {
  let t: TestApp;
  let a: Actors;
  let base: string;
  let proposalId: string;
  let voteId: string;
  let ballotId: number;
  let electorId: string;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}`;
    const cadre = await t.loginAs(a.cadre);
    proposalId = (
      await t.request('POST', `${base}/proposals`, { token: cadre, body: { title: '议题', text: '内容' } })
    ).body.id;
    const m = await t.request('POST', `${base}/meetings`, {
      token: cadre,
      body: { type: 'villagers_assembly', title: '会', heldAt: new Date().toISOString() },
    });
    voteId = (
      await t.request('POST', `${base}/votes`, {
        token: cadre,
        body: {
          meetingId: m.body.id,
          question: '是否同意？',
          kind: 'yes_no',
          ballotMode: 'secret',
          opensAt: new Date(Date.now() - 1000).toISOString(),
          closesAt: new Date(Date.now() + 3600_000).toISOString(),
        },
      })
    ).body.id;
    const electors = await t.request('GET', `${base}/votes/${voteId}/electors`, { token: cadre });
    electorId = electors.body.items.find((e: { online: boolean }) => !e.online).id;
    ballotId = (
      await t.request('POST', `${base}/votes/${voteId}/paper-ballots`, {
        token: cadre,
        body: { electorId, option: 'yes' },
      })
    ).body.id;
  });
  afterAll(() => t.close());

  it('reads: every member of the village; nobody outside it', async () => {
    for (const path of [
      '/proposals',
      `/proposals/${proposalId}`,
      '/meetings',
      `/votes/${voteId}`,
      `/votes/${voteId}/receipts/AAAA-BBBB-CCCC`,
    ]) {
      await expectRefusedForAllBut(t, a, [...MEMBERS], (token) =>
        t.request('GET', `${base}${path}`, { token }),
      );
    }
  });

  it('electors and paper ballots: cadres and supervisors', async () => {
    for (const path of [`/votes/${voteId}/electors`, `/votes/${voteId}/paper-ballots`]) {
      await expectRefusedForAllBut(t, a, ['cadre', 'supervisor'], (token) =>
        t.request('GET', `${base}${path}`, { token }),
      );
    }
  });

  it('entering a paper ballot: cadres; co-signing: supervisors', async () => {
    await expectRefusedForAllBut(t, a, ['cadre'], (token) =>
      t.request('POST', `${base}/votes/${voteId}/paper-ballots`, {
        token,
        body: { electorId, option: 'no' },
      }),
    );
    await expectRefusedForAllBut(t, a, ['supervisor'], (token) =>
      t.request('POST', `${base}/votes/${voteId}/paper-ballots/${ballotId}/cosign`, {
        token,
        body: { approve: true },
      }),
    );
  });

  it('recording 提议: cadres who are party members only', async () => {
    await expectRefusedForAllBut(t, a, [], (token) =>
      t.request('POST', `${base}/proposals/${proposalId}/stages`, {
        token,
        body: { stage: 'propose', heldOn: '2026-12-01', minutes: 'x' },
      }),
    );
  });

  it('民评: members who are villagers; nobody outside', async () => {
    await t.db.update(proposals).set({ status: 'done', doneStages: 6 }).where(eq(proposals.id, proposalId));
    await expectRefusedForAllBut(
      t,
      a,
      ['villager', 'representative', 'party_member', 'grid_worker', 'cadre', 'supervisor'],
      (token) =>
        t.request('POST', `${base}/proposals/${proposalId}/ratings`, { token, body: { rating: 'basic' } }),
    );
  });

  it('casting: outsiders never find the vote', async () => {
    await expectRefusedForAllBut(t, a, [...MEMBERS], (token) =>
      t.request('POST', `${base}/votes/${voteId}/ballots`, { token, body: { option: 'bogus' } }),
    );
  });
});

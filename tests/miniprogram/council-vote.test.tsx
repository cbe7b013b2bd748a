/** The ballot page: large choices, a confirm step that says the ballot is final, the receipt; the result after close. */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TVoteView } from '../../miniprogram/src/api/types';
import { Screen } from '../../miniprogram/src/components/ui';
import { VoteView } from '../../miniprogram/src/subpackages/council/vote/index';
import { VILLAGE_ID } from './fixtures';
import Taro, { apiError, ok, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

const VOTE = '9b0c4a1e-0000-4000-8000-000000000001';
const PATH = `/villages/${VILLAGE_ID}/votes/${VOTE}`;
const base: TVoteView = {
  id: VOTE,
  meetingId: '9b0c4a1e-0000-4000-8000-000000000002',
  meetingType: 'villagers_assembly',
  meetingTitle: '村民会议',
  proposalId: null,
  question: '是否同意修建水渠？',
  kind: 'yes_no',
  options: [
    { key: 'yes', label: '同意' },
    { key: 'no', label: '反对' },
    { key: 'abstain', label: '弃权' },
  ],
  ballotMode: 'secret',
  liveTally: true,
  opensAt: '2026-12-03T01:00:00.000Z',
  closesAt: '2026-12-03T09:00:00.000Z',
  status: 'open',
  electors: 10,
  eligible: true,
  myBallot: null,
  tally: { counts: { yes: 0, no: 0, abstain: 0 }, participants: 0, source: 'redis' },
  result: null,
};

const page = () =>
  render(
    <Screen>
      <VoteView villageId={VILLAGE_ID} voteId={VOTE} />
    </Screen>,
  );

describe('ballot page', () => {
  it('asks to confirm, says the ballot is final, then shows the receipt', async () => {
    let cast: unknown = null;
    let view = base;
    routeRequests({
      [`GET ${PATH}`]: () => ok(view),
      [`POST ${PATH}/ballots`]: (o) => {
        cast = o.data;
        view = { ...base, myBallot: { receipt: 'ABCD-EFGH-JKMN', option: 'no', castAt: base.opensAt } };
        return {
          statusCode: 201,
          data: { voteId: VOTE, receipt: 'ABCD-EFGH-JKMN', option: 'no', castAt: base.opensAt },
        };
      },
    });
    page();
    fireEvent.click(await screen.findByTestId('option-no'));
    expect(screen.getByTestId('confirm-choice').textContent).toBe('反对');
    expect(screen.getByText('选票投出后不能更改，也不能再投一次。')).toBeTruthy();
    expect(cast).toBeNull(); // nothing sent before the confirm
    fireEvent.click(screen.getByTestId('confirm-cast'));
    await waitFor(() => expect(screen.getByTestId('receipt-code').textContent).toBe('ABCD-EFGH-JKMN'));
    expect(cast).toEqual({ option: 'no' });
    const keys = Taro.request.mock.calls
      .filter((c) => c[0].method === 'POST')
      .map((c) => c[0].header?.['Idempotency-Key']);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toBeTruthy();
  });

  it('someone not on the electorate is told so and gets no buttons', async () => {
    routeRequests({ [`GET ${PATH}`]: () => ok({ ...base, eligible: false }) });
    page();
    expect(await screen.findByText('您不在这次投票的名单里（名单在投票开始时确定）。')).toBeTruthy();
    expect(screen.queryByTestId('option-yes')).toBeNull();
  });

  it('a ballot already cast (another phone, or on paper): the page reloads and shows that ballot', async () => {
    let posted = false;
    routeRequests({
      [`GET ${PATH}`]: () =>
        ok(
          posted
            ? { ...base, myBallot: { receipt: 'PQRS-TUVW-XYZ2', option: 'no', castAt: base.opensAt } }
            : base,
        ),
      [`POST ${PATH}/ballots`]: () => {
        posted = true;
        return apiError(409, 'ALREADY_VOTED', '您已经投过票了，选票不能更改');
      },
    });
    page();
    fireEvent.click(await screen.findByTestId('option-yes'));
    fireEvent.click(screen.getByTestId('confirm-cast'));
    await waitFor(() => expect(screen.getByTestId('receipt-code').textContent).toBe('PQRS-TUVW-XYZ2'));
    expect(screen.getByText('您选择了：反对')).toBeTruthy();
    expect(screen.queryByTestId('option-yes')).toBeNull();
  });

  it('after the close: the outcome, turnout against the quorum line, the tally', async () => {
    routeRequests({
      [`GET ${PATH}`]: () =>
        ok({
          ...base,
          status: 'closed',
          tally: null,
          result: {
            counts: { yes: 5, no: 1, abstain: 0 },
            electors: 10,
            households: 4,
            householdsTakingPart: 0,
            participants: 6,
            quorumMet: true,
            quorumRequired: 6,
            majorityRequired: 4,
            winner: 'yes',
            outcome: 'adopted',
            outcomeLabel: '通过',
            online: 6,
            paper: 0,
            uncosignedPaper: 0,
            chainHead: 'a'.repeat(64),
            closedAt: base.closesAt,
            basis: '《村民委员会组织法》第二十二条',
          },
        }),
    });
    page();
    expect((await screen.findByTestId('outcome')).textContent).toBe('通过');
    expect(screen.getByTestId('turnout').textContent).toContain('6 / 10 人');
    expect(screen.getByTestId('turnout').textContent).toContain('已达到法定人数（至少 6 人');
    expect(screen.getByTestId('tally').textContent).toContain('同意5 票');
  });
});

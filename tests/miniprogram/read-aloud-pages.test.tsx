/**
 * 朗读 on the councils, disclosures and services pages (h5 path, browser voice): the vote page
 * reads the question, the choices and when it closes; the proposal page what it is about and its
 * votes; the service page what to bring and when. A finance ledger is heard as its summary
 * (totals, balance, the largest items), never row by row (lib/speech-text.ts).
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TProposalDetail, TVoteView } from '../../miniprogram/src/api/types';
import type { TServiceDetail } from '../../miniprogram/src/api/services';
import { disclosureSpeech, serviceSpeech, voteSpeech } from '../../miniprogram/src/lib/speech-text';
import { ProposalView } from '../../miniprogram/src/subpackages/council/proposal/index';
import { VoteView } from '../../miniprogram/src/subpackages/council/vote/index';
import { ServiceView, hoursText } from '../../miniprogram/src/subpackages/services/service/index';
import { VILLAGE_ID } from './fixtures';
import { ok, resetTaro, routeRequests } from './taro-mock';

const ID = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0c01';
const V = `/villages/${VILLAGE_ID}`;

let spoken: string[];
let last: { onend: (() => void) | null } | null;
beforeEach(() => {
  resetTaro();
  spoken = [];
  last = null;
  class FakeUtterance {
    lang = '';
    rate = 1;
    voice: unknown = null;
    onstart: (() => void) | null = null;
    onend: (() => void) | null = null;
    onerror: (() => void) | null = null;
    constructor(readonly text: string) {}
  }
  Object.assign(window, {
    SpeechSynthesisUtterance: FakeUtterance,
    speechSynthesis: {
      speak: (u: FakeUtterance) => {
        spoken.push(u.text);
        last = u;
        u.onstart?.();
      },
      cancel: vi.fn(),
      pause: vi.fn(),
      resume: vi.fn(),
      getVoices: () => [{ lang: 'zh-CN', name: 'Chinese' }],
    },
  });
});
afterEach(() => cleanup());

/** Taps 朗读 and lets every chunk finish; returns all that was said, in order. */
async function listen(): Promise<string> {
  await act(async () => {
    fireEvent.click(screen.getByTestId('read-aloud-button'));
  });
  for (let i = 0; i < 50 && !screen.getByTestId('read-aloud-button').textContent?.includes('再听'); i++) {
    await act(async () => last?.onend?.());
  }
  expect(screen.getByTestId('read-aloud-button').textContent).toContain('再听一遍');
  return spoken.join('');
}

const vote: TVoteView = {
  id: ID,
  meetingId: ID,
  meetingType: 'villagers_assembly',
  meetingTitle: '村民会议：机耕路硬化',
  proposalId: null,
  question: '是否同意用村集体资金硬化村北机耕路？',
  kind: 'yes_no',
  options: [
    { key: 'yes', label: '同意' },
    { key: 'no', label: '不同意' },
    { key: 'abstain', label: '弃权' },
  ],
  ballotMode: 'secret',
  liveTally: false,
  opensAt: '2030-01-01T00:00:00.000Z',
  closesAt: '2030-01-08T10:30:00.000Z',
  status: 'open',
  electors: 230,
  eligible: true,
  myBallot: null,
  tally: null,
  result: null,
};

describe('朗读 on the vote page', () => {
  it('reads the question, every choice and when voting closes (Beijing time)', async () => {
    routeRequests({ [`GET ${V}/votes/${ID}`]: () => ok(vote) });
    render(<VoteView villageId={VILLAGE_ID} voteId={ID} />);
    await screen.findByTestId('vote-question');
    // One button, and the ballot's own large buttons stay.
    expect(screen.getAllByTestId('read-aloud-button')).toHaveLength(1);
    expect(screen.getByTestId('option-yes')).toBeTruthy();
    const heard = await listen();
    expect(heard).toContain('是否同意用村集体资金硬化村北机耕路？');
    expect(heard).toContain('无记名投票');
    expect(heard).toContain('可以选：“同意”、“不同意”、“弃权”。');
    expect(heard).toContain('1月8日18点30分结束');
  });

  it('after the close it says the result is below', () => {
    expect(voteSpeech({ ...vote, status: 'closed', ballotMode: 'open' })).toMatch(/记名投票.*投票已经结束/);
  });
});

describe('朗读 on the proposal page', () => {
  it('reads the title, what the proposal is about and its votes', async () => {
    const p: TProposalDetail = {
      id: ID,
      title: '硬化村北机耕路',
      source: 'cadre',
      status: 'voting',
      doneStages: 2,
      nextStage: 'resolution',
      createdAt: '2030-01-01T00:00:00.000Z',
      text: '村北机耕路一下雨就走不了车，准备用集体资金硬化一公里',
      matterId: null,
      stages: [],
      canRecordNext: false,
      comments: [],
      petition: null,
      votes: [{ id: ID, question: '是否同意硬化村北机耕路？', status: 'open' }],
      ratings: { satisfied: 0, basic: 0, unsatisfied: 0, mine: null },
      canRate: false,
    } as unknown as TProposalDetail;
    routeRequests({ [`GET ${V}/proposals/${ID}`]: () => ok(p) });
    render(<ProposalView villageId={VILLAGE_ID} proposalId={ID} />);
    await screen.findByTestId('proposal-page');
    const heard = await listen();
    expect(spoken[0]).toBe('硬化村北机耕路。');
    expect(heard).toContain('准备用集体资金硬化一公里。');
    expect(heard).toContain('投票：是否同意硬化村北机耕路？正在投票。');
  });
});

describe('朗读 on the service page', () => {
  const detail: TServiceDetail = {
    id: ID,
    name: '社保认证',
    icon: 'id',
    summary: '养老金领取资格认证',
    materials: ['身份证', '社保卡'],
    durationMinutes: 10,
    servedBy: '社保协理员 陈秀英',
    bookable: true,
    errand: false,
    slotMinutes: 30,
    cutoffMinutes: 60,
    hasEvening: true,
    hours: [
      { weekday: 2, start: '09:00', end: '11:30', capacity: 3 },
      { weekday: 2, start: '19:00', end: '21:00', capacity: 2 },
    ],
    exceptions: [],
  } as TServiceDetail;

  it('reads what to bring, how long, who serves and when, evening hours named', async () => {
    routeRequests({
      [`GET ${V}/services/${ID}`]: () => ok(detail),
      [`GET ${V}/services/${ID}/slots`]: () => ok({ items: [] }),
    });
    render(<ServiceView villageId={VILLAGE_ID} serviceId={ID} />);
    await screen.findByTestId('materials');
    const heard = await listen();
    expect(spoken[0]).toBe('社保认证。');
    expect(heard).toContain('要带：身份证、社保卡。');
    expect(heard).toContain('大约要10分钟。');
    expect(heard).toContain('由社保协理员 陈秀英来办。');
    expect(heard).toContain('办理时间：周二 09:00到11:30；周二 19:00到21:00，是夜间。');
  });

  it('a service with nothing to bring and no booking says so', () => {
    const text = serviceSpeech(
      { ...detail, materials: [], bookable: false, servedBy: null },
      hoursText(detail),
    );
    expect(text).toContain('不用带材料。');
    expect(text).toContain('不用预约');
    expect(text).not.toContain('由');
  });
});

describe('朗读 of a disclosure', () => {
  const entry = (item: string, incomeFen: number, expenseFen: number) => ({
    date: '2030-01-05',
    category: incomeFen ? '补助收入' : '公益支出',
    item,
    incomeFen,
    expenseFen,
    counterpart: '',
  });

  it('a finance ledger is heard as totals and the largest items, not every row', () => {
    const entries = [
      entry('上级道路补助', 5_000_000, 0),
      ...Array.from({ length: 9 }, (_, i) => entry(`零星支出${i + 1}`, 0, 10_000 * (i + 1))),
      entry('修路材料款', 0, 3_000_000),
    ];
    const text = disclosureSpeech({
      title: '东坪村2030年1月财务收支公开',
      body: '',
      ledger: { entries },
      sections: null,
    });
    expect(text).toMatch(/^东坪村2030年1月财务收支公开。收入合计/);
    expect(text).toContain('共十笔');
    expect(text).toContain('结余');
    expect(text).toContain('修路材料款');
    expect(text).toContain('上级道路补助');
    // Only the three largest expenses are named.
    expect(text).toContain('零星支出9');
    expect(text).not.toContain('零星支出1，');
    expect(text).not.toContain('零星支出5');
  });

  it('other disclosures are heard as their text and sections', () => {
    expect(
      disclosureSpeech({
        title: '村务公开',
        body: '本季度村务如下',
        ledger: null,
        sections: [{ heading: '低保评议', text: '新增两户，已公示七天' }],
      }),
    ).toBe('本季度村务如下。低保评议。新增两户，已公示七天。');
  });
});

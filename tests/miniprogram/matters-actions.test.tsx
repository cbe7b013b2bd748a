/**
 * A matter's page: the buttons are exactly the API's `actions` (merge/close never buttons, the
 * three ratings one 评价); each opens its form, the workflow's note rule holds, and the body sent
 * is the action with its note. The rating form, the mediation session and follow-up notes.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { MatterAction } from '../../shared/matters/workflow';
import {
  ActionPanel,
  buildAction,
  buttonActions,
  followUpNote,
  sessionBody,
  sessionErrors,
} from '../../miniprogram/src/subpackages/matters/actions';
import type { TMatterDetail } from '../../miniprogram/src/subpackages/matters/api';
import { MatterDetail } from '../../miniprogram/src/subpackages/matters/detail/index';
import { nowWords } from '../../miniprogram/src/subpackages/matters/common';
import type { VillageView } from '../../miniprogram/src/lib/roles';
import { VILLAGE_ID } from './fixtures';
import { apiError, ok, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

const MATTER_ID = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0a40';
const base = `/villages/${VILLAGE_ID}/matters/${MATTER_ID}`;
const village: VillageView = {
  villageId: VILLAGE_ID,
  villageName: '东坪村',
  townName: '石桥镇',
  roles: ['villager'],
  gridId: null,
  gridName: null,
  isHouseholdRep: false,
};

function detail(extra: Partial<TMatterDetail> = {}): TMatterDetail {
  return {
    id: MATTER_ID,
    kind: 'complaint',
    category: 'roads',
    text: '村口路灯坏了三天',
    state: 'submitted',
    level: 'grid',
    aboutCadre: false,
    isPublic: false,
    authorName: '王秀英',
    masked: false,
    createdAt: '2026-12-03T01:00:00.000Z',
    photoIds: [],
    voice: null,
    location: null,
    reopenCount: 0,
    enteredAt: '2026-12-03T01:00:00.000Z',
    dueAt: '2026-12-04T01:00:00.000Z',
    overdue: false,
    mergedIntoId: null,
    following: false,
    decision: null,
    raisedOnBehalf: false,
    timeline: [
      { action: 'raise', label: '已提交', note: null, photoIds: [], at: '2026-12-03T01:00:00.000Z' },
    ],
    actions: [],
    ...extra,
  };
}

const buttons = () =>
  Array.from(screen.getByTestId('action-buttons').querySelectorAll('.btn-text')).map((b) => b.textContent);

describe('which buttons', () => {
  it('are exactly the API’s actions: merge and close are never buttons, ratings are one 评价', () => {
    expect(buttonActions(['accept', 'escalate', 'merge', 'withdraw'])).toEqual([
      'accept',
      'escalate',
      'withdraw',
    ]);
    expect(
      buttonActions(['rate_satisfied', 'rate_basically_satisfied', 'rate_unsatisfied', 'close']),
    ).toEqual(['rate_satisfied']);
    expect(buttonActions([])).toEqual([]);
  });

  it.each<[MatterAction[], string[]]>([
    [
      ['accept', 'escalate', 'merge'],
      ['受理', '上报'],
    ],
    [
      ['route_handle', 'decline', 'escalate'],
      ['直接办理', '不予受理', '上报'],
    ],
    [
      ['resolve', 'escalate'],
      ['办结', '上报'],
    ],
    [['follow_up'], ['记录回访']],
    [['withdraw'], ['撤回']],
  ])('%j → %j', (actions, labels) => {
    render(
      <ActionPanel
        villageId={VILLAGE_ID}
        matterId={MATTER_ID}
        state="submitted"
        actions={actions}
        onMoved={() => {}}
      />,
    );
    expect(buttons()).toEqual(labels);
  });

  it('shows nothing when the caller may do nothing', () => {
    const { container } = render(
      <ActionPanel
        villageId={VILLAGE_ID}
        matterId={MATTER_ID}
        state="closed"
        actions={[]}
        onMoved={() => {}}
      />,
    );
    expect(container.textContent).toBe('');
  });
});

describe('action bodies follow the workflow’s note rule', () => {
  it('requires a note where the table says so, and names what to write', () => {
    expect(buildAction('submitted', 'accept', { note: '' })).toEqual({
      ok: true,
      body: { action: 'accept' },
    });
    expect(buildAction('submitted', 'escalate', { note: ' ' })).toEqual({
      ok: false,
      error: '请填写为什么要上报',
    });
    expect(buildAction('accepted', 'decline', { note: '' })).toEqual({
      ok: false,
      error: '请填写不受理的原因',
    });
    expect(buildAction('followed_up', 'rate_unsatisfied', { note: '' })).toEqual({
      ok: false,
      error: '请说说哪里不满意，村里好改进',
    });
    expect(buildAction('in_progress', 'resolve', { note: '换了新灯', photoIds: ['p'] })).toEqual({
      ok: true,
      body: { action: 'resolve', note: '换了新灯', photoIds: ['p'] },
    });
    expect(buildAction('in_progress', 'resolve', { note: '字'.repeat(1001) })).toEqual({
      ok: false,
      error: '说明不能超过1000个字',
    });
  });

  it('sends a mediation session as the structured record, a follow-up visit as a plain note', () => {
    const s = {
      day: '2026-12-02',
      place: ' 村委会 ',
      people: '张三、李四，网格员王五',
      said: '各退一步',
      outcome: 'agreed' as const,
    };
    expect(sessionBody(s)).toEqual({
      heldOn: '2026-12-02',
      place: '村委会',
      participants: ['张三', '李四', '网格员王五'],
      said: '各退一步',
      outcome: 'agreed',
    });
    expect(buildAction('mediating', 'record_session', { note: '', session: sessionBody(s) })).toEqual({
      ok: true,
      body: { action: 'record_session', session: sessionBody(s) },
    });
    expect(sessionErrors({ ...s, place: ' ', people: '、', outcome: '' })).toEqual({
      place: '请填写调解地点',
      people: '请填写参加调解的人',
      outcome: '请选择调解结果',
    });
    expect(followUpNote('上门回访', ' 灯亮了 ')).toBe('上门回访。村民说：灯亮了');
  });

  it('the session form sends what the mediator filled in', async () => {
    const sent = vi.fn((_: unknown) => ok({ id: MATTER_ID, state: 'mediating', level: 'grid' }));
    routeRequests({ [`POST ${base}/actions`]: sent });
    const { container } = render(
      <ActionPanel
        villageId={VILLAGE_ID}
        matterId={MATTER_ID}
        state="mediating"
        actions={['record_session', 'mediation_succeeded', 'mediation_failed', 'escalate']}
        onMoved={() => {}}
      />,
    );
    expect(buttons()).toEqual(['记录调解', '调解成功', '调解未成，上转', '上报']);
    fireEvent.click(screen.getByTestId('action-record_session'));
    fireEvent.click(screen.getByTestId('action-submit'));
    expect(screen.getByText('请填写调解地点')).toBeTruthy();
    expect(sent).not.toHaveBeenCalled();
    fireEvent.input(container.querySelector('input[name="session-place"]')!, { target: { value: '村委会' } });
    fireEvent.input(container.querySelector('input[name="session-people"]')!, {
      target: { value: '张三、李四' },
    });
    container
      .querySelector('[name="note"]')!
      .dispatchEvent(new CustomEvent('input', { detail: { value: '双方同意各退半米' }, bubbles: true }));
    fireEvent.click(screen.getByTestId('outcome-agreed'));
    fireEvent.click(screen.getByTestId('action-submit'));
    await waitFor(() => expect(sent).toHaveBeenCalledTimes(1));
    const body = (sent.mock.calls[0]![0] as { data: { session: { participants: string[] } } }).data;
    expect(body).toMatchObject({
      action: 'record_session',
      session: {
        place: '村委会',
        participants: ['张三', '李四'],
        said: '双方同意各退半米',
        outcome: 'agreed',
      },
    });
  });
});

describe('a matter’s page', () => {
  // The fixtures are dated 3 December 2026; the page words a deadline against the clock.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-03T02:00:00.000Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('shows where it is, the timeline in words, and acts: 上报 needs a reason', async () => {
    const moved = vi.fn((_: unknown) => ok({ id: MATTER_ID, state: 'submitted', level: 'village' }));
    let current = detail({ actions: ['accept', 'escalate'] });
    routeRequests({
      [`GET ${base}`]: () => ok(current),
      [`POST ${base}/actions`]: (o) => {
        current = detail({
          level: 'village',
          actions: [],
          timeline: [
            ...current.timeline,
            {
              action: 'escalate',
              label: '已转村两委处理',
              note: '需要村里协调',
              photoIds: [],
              at: '2026-12-03T02:00:00.000Z',
            },
          ],
        });
        return moved(o);
      },
    });
    const { container } = render(<MatterDetail village={village} matterId={MATTER_ID} />);
    await screen.findByTestId('matter-detail');
    expect(screen.getByTestId('now-words').textContent).toBe('等网格员受理');
    expect(screen.getByTestId('now-when').textContent).toBe('期限：12月4日 09:00前');
    expect(screen.getByTestId('timeline').textContent).toContain('已提交');
    expect(buttons()).toEqual(['受理', '上报']);

    fireEvent.click(screen.getByTestId('action-escalate'));
    fireEvent.click(screen.getByTestId('action-submit'));
    expect(screen.getByTestId('action-error').textContent).toBe('请填写为什么要上报');
    expect(moved).not.toHaveBeenCalled();

    container
      .querySelector('[name="note"]')!
      .dispatchEvent(new CustomEvent('input', { detail: { value: '需要村里协调' }, bubbles: true }));
    fireEvent.click(screen.getByTestId('action-submit'));
    await waitFor(() => expect(moved).toHaveBeenCalledTimes(1));
    const sent = (moved.mock.calls[0] as unknown as [{ data: unknown; header: Record<string, string> }])[0];
    expect(sent.data).toEqual({ action: 'escalate', note: '需要村里协调' });
    expect(sent.header['Idempotency-Key']).toBeTruthy();
    // Reloaded: the new step in words, the note in the timeline, no buttons left.
    await waitFor(() => expect(screen.getByTestId('timeline').textContent).toContain('已转村两委处理'));
    expect(screen.getByTestId('timeline').textContent).toContain('需要村里协调');
    expect(screen.queryByTestId('action-buttons')).toBeNull();
  });

  it('a matter that moved meanwhile refreshes instead of failing', async () => {
    let calls = 0;
    routeRequests({
      [`GET ${base}`]: () =>
        ok(detail({ actions: calls++ === 0 ? ['accept'] : [], state: calls > 1 ? 'accepted' : 'submitted' })),
      [`POST ${base}/actions`]: () => apiError(409, 'TRANSITION_NOT_ALLOWED', '这件事已经有了新进展'),
    });
    render(<MatterDetail village={village} matterId={MATTER_ID} />);
    await screen.findByTestId('action-accept');
    fireEvent.click(screen.getByTestId('action-accept'));
    fireEvent.click(screen.getByTestId('action-submit'));
    await screen.findByText('这件事已经有了新进展，已为您刷新');
    await waitFor(() => expect(screen.queryByTestId('action-buttons')).toBeNull());
  });

  it('a public matter of someone else: masked name, no buttons', async () => {
    routeRequests({
      [`GET ${base}`]: () =>
        ok(detail({ masked: true, authorName: '王**', isPublic: true, state: 'in_progress' })),
    });
    render(<MatterDetail village={village} matterId={MATTER_ID} />);
    await screen.findByTestId('matter-detail');
    expect(screen.getByText(/^王\*\* · /)).toBeTruthy();
    expect(screen.queryByTestId('action-buttons')).toBeNull();
  });

  it('关注 another villager’s public matter, and stop following it', async () => {
    const follow = vi.fn(() => ok({ following: true }));
    const unfollow = vi.fn(() => ok({ following: false }));
    routeRequests({
      [`GET ${base}`]: () =>
        ok(detail({ masked: true, authorName: '王**', isPublic: true, state: 'in_progress' })),
      [`POST ${base}/follow`]: follow,
      [`DELETE ${base}/follow`]: unfollow,
    });
    render(<MatterDetail village={village} matterId={MATTER_ID} />);
    fireEvent.click(await screen.findByTestId('follow-toggle'));
    await waitFor(() => expect(follow).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(screen.getByTestId('follow-toggle').textContent).toBe('不再关注'));
    fireEvent.click(screen.getByTestId('follow-toggle'));
    await waitFor(() => expect(unfollow).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(screen.getByTestId('follow-toggle').textContent).toBe('关注这件事'));
  });
});

describe('the rating form', () => {
  const rateActions: MatterAction[] = ['rate_satisfied', 'rate_basically_satisfied', 'rate_unsatisfied'];

  function setup() {
    const rated = vi.fn(() => ok({ id: MATTER_ID, state: 'closed', level: 'grid' }));
    routeRequests({ [`POST ${base}/actions`]: rated });
    const onMoved = vi.fn();
    const view = render(
      <ActionPanel
        villageId={VILLAGE_ID}
        matterId={MATTER_ID}
        state="followed_up"
        actions={rateActions}
        onMoved={onMoved}
      />,
    );
    return { rated, onMoved, ...view };
  }

  it('opens at once for the author with three large choices', () => {
    setup();
    expect(screen.getByTestId('form-rating')).toBeTruthy();
    expect(
      ['rate_satisfied', 'rate_basically_satisfied', 'rate_unsatisfied'].map(
        (t) => screen.getByTestId(t).textContent,
      ),
    ).toEqual(['满意', '基本满意', '不满意']);
    // The one thing to do here: no way to back out of it into an empty card.
    expect(screen.queryByTestId('action-cancel')).toBeNull();
  });

  it('asks for a choice, then a reason for 不满意, and sends the chosen action', async () => {
    const { rated, onMoved, container } = setup();
    fireEvent.click(screen.getByTestId('action-submit'));
    expect(screen.getByTestId('action-error').textContent).toBe('请选一个评价');

    fireEvent.click(screen.getByTestId('rate_unsatisfied'));
    expect(screen.getByText(/这件事会重新办理/)).toBeTruthy();
    fireEvent.click(screen.getByTestId('action-submit'));
    expect(screen.getByTestId('action-error').textContent).toBe('请说说哪里不满意，村里好改进');
    expect(rated).not.toHaveBeenCalled();

    container
      .querySelector('[name="note"]')!
      .dispatchEvent(new CustomEvent('input', { detail: { value: '灯又坏了' }, bubbles: true }));
    fireEvent.click(screen.getByTestId('action-submit'));
    await waitFor(() => expect(rated).toHaveBeenCalledTimes(1));
    expect((rated.mock.calls[0] as unknown as [{ data: unknown }])[0].data).toEqual({
      action: 'rate_unsatisfied',
      note: '灯又坏了',
    });
    await waitFor(() => expect(onMoved).toHaveBeenCalledWith('谢谢您的评价'));
  });

  it('满意 needs no comment', async () => {
    const { rated } = setup();
    fireEvent.click(screen.getByTestId('rate_satisfied'));
    fireEvent.click(screen.getByTestId('action-submit'));
    await waitFor(() => expect(rated).toHaveBeenCalledTimes(1));
    expect((rated.mock.calls[0] as unknown as [{ data: unknown }])[0].data).toEqual({
      action: 'rate_satisfied',
    });
  });
});

describe('where a matter is, in words', () => {
  const now = new Date('2026-12-03T02:00:00.000Z');
  it('names who has it and by when, and says when it is late', () => {
    const m = { level: 'grid' as const, aboutCadre: false, enteredAt: '2026-12-03T01:00:00.000Z' };
    expect(nowWords({ ...m, state: 'submitted' }, now)).toEqual({
      what: '等网格员受理',
      when: '12月4日 09:00前',
      late: false,
    });
    expect(nowWords({ ...m, state: 'in_progress', level: 'village' }, now)).toMatchObject({
      what: '村两委正在办理',
      when: '12月10日 09:00前',
    });
    expect(nowWords({ ...m, state: 'submitted', level: 'village', aboutCadre: true }, now).what).toBe(
      '等村务监督委员会受理',
    );
    expect(nowWords({ ...m, state: 'submitted', enteredAt: '2026-12-01T00:00:00.000Z' }, now)).toEqual({
      what: '等网格员受理',
      when: '已超过期限（12月2日 08:00）',
      late: true,
    });
    // The server's deadline (the village's own limits) wins over the defaults.
    expect(nowWords({ ...m, state: 'submitted', dueAt: '2026-12-03T04:00:00.000Z' }, now).when).toBe(
      '12月3日 12:00前',
    );
    expect(nowWords({ ...m, state: 'closed' }, now)).toEqual({ what: '已结束', when: null, late: false });
    // The author is asked; a responder reads that the villager is.
    expect(nowWords({ ...m, state: 'followed_up' }, now).what).toBe('已回访，请您评价');
    expect(nowWords({ ...m, state: 'followed_up' }, now, false).what).toBe('已回访，等村民评价');
  });
});

/** 开会投票 (议事管理): 同意/反对/弃权 or the cadre's own 2–10 choices, checked before sending. */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import { Screen } from '../../miniprogram/src/components/ui';
import { NewVote, optionsProblem } from '../../miniprogram/src/subpackages/council-admin/index/new-vote';
import { VILLAGE_ID } from './fixtures';
import { apiError, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

const MEETING = '9b0c4a1e-0000-4000-8000-000000000002';

function setup(createVote: (data: unknown) => { statusCode: number; data: unknown }) {
  const posted: unknown[] = [];
  routeRequests({
    [`POST /villages/${VILLAGE_ID}/meetings`]: () => ({
      statusCode: 201,
      data: {
        id: MEETING,
        type: 'representatives_meeting',
        title: 'x',
        heldAt: '',
        place: null,
        proposalId: null,
      },
    }),
    [`POST /villages/${VILLAGE_ID}/votes`]: (o) => {
      posted.push(o.data);
      return createVote(o.data);
    },
  });
  const onDone = vi.fn();
  const view = render(
    <Screen>
      <NewVote villageId={VILLAGE_ID} proposals={[]} onDone={onDone} />
    </Screen>,
  );
  const type = (name: string, value: string) =>
    fireEvent.input(view.container.querySelector(`input[name="${name}"]`)!, { target: { value } });
  return { posted, onDone, type, view };
}

describe('new vote with written choices', () => {
  it('sends 同意/反对/弃权 without options by default', async () => {
    const { posted, type } = setup(() => ({ statusCode: 201, data: { id: 'v1' } }));
    type('question', '是否同意修建水渠？');
    fireEvent.click(screen.getByTestId('start-vote'));
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]).toMatchObject({ kind: 'yes_no', question: '是否同意修建水渠？' });
    expect(posted[0]).not.toHaveProperty('options');
  });

  it('a cadre writes three choices (adding one), and they go out trimmed with their own keys', async () => {
    const { posted, type, onDone } = setup(() => ({ statusCode: 201, data: { id: 'v1' } }));
    type('question', '新路叫什么名字？');
    fireEvent.click(screen.getByTestId('kind-single'));
    expect(screen.queryByTestId('remove-option-1')).toBeNull(); // two is the least
    fireEvent.click(screen.getByTestId('add-option'));
    type('option-1', ' 幸福路 ');
    type('option-2', '振兴路');
    type('option-3', '东坪大道');
    expect(screen.getByTestId('start-vote').textContent).toBe('开始投票（3 个选项，选一项）');
    fireEvent.click(screen.getByTestId('start-vote'));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(posted[0]).toMatchObject({
      kind: 'single',
      options: [
        { key: 'o1', label: '幸福路' },
        { key: 'o2', label: '振兴路' },
        { key: 'o3', label: '东坪大道' },
      ],
    });
  });

  it('a blank or repeated choice is pointed out before anything is sent', async () => {
    const { posted, type } = setup(() => ({ statusCode: 201, data: { id: 'v1' } }));
    type('question', '新路叫什么名字？');
    fireEvent.click(screen.getByTestId('kind-single'));
    type('option-1', '幸福路');
    fireEvent.click(screen.getByTestId('start-vote'));
    expect(await screen.findByText('选项不能是空的')).toBeTruthy();
    type('option-2', '幸福 路');
    fireEvent.click(screen.getByTestId('start-vote'));
    expect(await screen.findByText('选项不能重复')).toBeTruthy();
    expect(posted).toHaveLength(0);
  });

  it('a choice can be removed above two; at ten no more can be added', () => {
    setup(() => ({ statusCode: 201, data: { id: 'v1' } }));
    fireEvent.click(screen.getByTestId('kind-single'));
    for (let i = 0; i < 8; i++) fireEvent.click(screen.getByTestId('add-option'));
    expect(screen.queryByTestId('add-option')).toBeNull();
    expect(screen.getByText('最多 10 个选项')).toBeTruthy();
    fireEvent.click(screen.getByTestId('remove-option-10'));
    expect(screen.getByTestId('add-option')).toBeTruthy();
  });

  it('the server’s refusal is shown in its words', async () => {
    const { type } = setup(() => apiError(400, 'VALIDATION_FAILED', '每个选项最多 30 个字'));
    type('question', '新路叫什么名字？');
    fireEvent.click(screen.getByTestId('kind-single'));
    type('option-1', '幸福路');
    type('option-2', '振兴路');
    fireEvent.click(screen.getByTestId('start-vote'));
    expect(await screen.findByText('每个选项最多 30 个字')).toBeTruthy();
  });

  it('optionsProblem follows the server’s rules', () => {
    expect(optionsProblem(['甲'])).toBe('至少要有 2 个选项');
    expect(optionsProblem(Array.from({ length: 11 }, (_, i) => `方案${i}`))).toBe('最多 10 个选项');
    expect(optionsProblem(['甲', '路'.repeat(31)])).toBe('每个选项最多 30 个字');
    expect(optionsProblem(['Plan A', 'plan a'])).toBe('选项不能重复');
    expect(optionsProblem(['甲', '乙'])).toBeNull();
  });
});

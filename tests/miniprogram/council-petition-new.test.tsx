/** 发起联名提议: the kinds one may start, what each needs, sending once, then the progress page. */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import { Screen } from '../../miniprogram/src/components/ui';
import { NewPetition } from '../../miniprogram/src/subpackages/council/petition-new/index';
import { VILLAGE_ID } from './fixtures';
import Taro, { apiError, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

const PROPOSAL = '9b0c4a1e-0000-4000-8000-000000000020';
const PATH = `POST /villages/${VILLAGE_ID}/petitions`;
const started = {
  proposalId: PROPOSAL,
  visible: false,
  petition: {
    id: '9b0c4a1e-0000-4000-8000-000000000021',
    kind: 'assembly_by_villagers',
    label: '十分之一以上村民联名提议召开村民会议',
    backers: 1,
    base: 120,
    required: 12,
    reached: false,
    backedByMe: true,
    canBack: false,
    deadlineAt: null,
    convenedAt: null,
    escalatedAt: null,
  },
};

function fill(container: HTMLElement, title: string, text: string) {
  fireEvent.input(container.querySelector('input[name="title"]')!, { target: { value: title } });
  container
    .querySelector('[name="text"]')!
    .dispatchEvent(new CustomEvent('input', { detail: { value: text }, bubbles: true }));
}

describe('starting a petition', () => {
  it('a villager sees the one kind they may start, with what it needs; sends once; lands on its progress', async () => {
    const posted: { data: unknown; key?: string }[] = [];
    routeRequests({
      [PATH]: (o) => {
        posted.push({ data: o.data, key: o.header?.['Idempotency-Key'] });
        return { statusCode: 201, data: started };
      },
    });
    const { container } = render(
      <Screen>
        <NewPetition villageId={VILLAGE_ID} kinds={['assembly_by_villagers']} />
      </Screen>,
    );
    const kind = screen.getByTestId('kind-assembly_by_villagers');
    expect(kind.textContent).toContain('村民联名，要求召开村民会议');
    expect(kind.textContent).toContain('要有本村十分之一以上年满 18 岁的村民联名');
    expect(kind.getAttribute('aria-checked')).toBe('true'); // the only one: chosen already
    expect(screen.getByTestId('send-petition').getAttribute('aria-disabled')).toBe('true');
    fill(container, ' 讨论自来水改造 ', '水管老化，经常停水。');
    expect(screen.getByText('已写 10 字，最多 2000 字')).toBeTruthy();
    fireEvent.click(screen.getByTestId('send-petition'));
    await waitFor(() =>
      expect(Taro.redirectTo).toHaveBeenCalledWith({
        url: `/subpackages/council/petition/index?villageId=${VILLAGE_ID}&id=${PROPOSAL}`,
      }),
    );
    expect(posted).toHaveLength(1);
    expect(posted[0]!.data).toEqual({
      kind: 'assembly_by_villagers',
      title: '讨论自来水改造',
      text: '水管老化，经常停水。',
    });
    expect(posted[0]!.key).toBeTruthy();
  });

  it('a representative chooses among three; nothing is sent before choosing', async () => {
    routeRequests({ [PATH]: () => ({ statusCode: 201, data: started }) });
    const { container } = render(
      <Screen>
        <NewPetition
          villageId={VILLAGE_ID}
          kinds={['assembly_by_villagers', 'assembly_by_representatives', 'representatives_meeting']}
        />
      </Screen>,
    );
    fill(container, '讨论垃圾清运', '清运不及时');
    expect(screen.getByTestId('send-petition').getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(screen.getByTestId('kind-representatives_meeting'));
    expect(screen.getByTestId('kind-representatives_meeting').getAttribute('aria-checked')).toBe('true');
    expect(screen.getByText('要有五分之一以上的村民代表联名')).toBeTruthy();
    fireEvent.click(screen.getByTestId('send-petition'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled());
    expect((Taro.request.mock.calls[0]![0].data as { kind: string }).kind).toBe('representatives_meeting');
  });

  it('a refusal is shown in the server’s words; sending the same again reuses its key, an edit gets a new one', async () => {
    const keys: string[] = [];
    routeRequests({
      [PATH]: (o) => {
        keys.push(o.header!['Idempotency-Key']!);
        return apiError(403, 'FORBIDDEN', '只有本村年满十八周岁的村民可以发起');
      },
    });
    const { container } = render(
      <Screen>
        <NewPetition villageId={VILLAGE_ID} kinds={['assembly_by_villagers']} />
      </Screen>,
    );
    fill(container, '讨论修桥', '桥坏了');
    fireEvent.click(screen.getByTestId('send-petition'));
    expect(await screen.findByText('只有本村年满十八周岁的村民可以发起')).toBeTruthy();
    fireEvent.click(screen.getByTestId('send-petition'));
    await waitFor(() => expect(keys).toHaveLength(2));
    fill(container, '讨论修桥', '村南的桥坏了');
    fireEvent.click(screen.getByTestId('send-petition'));
    await waitFor(() => expect(keys).toHaveLength(3));
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(Taro.redirectTo).not.toHaveBeenCalled();
  });
});

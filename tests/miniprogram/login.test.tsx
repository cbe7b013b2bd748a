import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TDevUsers } from '../../miniprogram/src/api/types';
import { SessionContextProvider } from '../../miniprogram/src/lib/session';
import LoginPage, { describeDevUser } from '../../miniprogram/src/pages/login/index';
import { fakeSession, makeMe } from './fixtures';
import Taro, { apiError, ok, request, resetTaro, routeRequests } from './taro-mock';

const USERS: TDevUsers['users'] = [
  { id: 'u-new', displayName: '新用户（未加入村）', roles: [] },
  {
    id: 'u-grid',
    displayName: '李建国',
    roles: [
      { role: 'villager', villageName: '东坪村' },
      { role: 'grid_worker', villageName: '东坪村' },
    ],
  },
  { id: 'u-town', displayName: '刘强', roles: [{ role: 'town_officer', villageName: null }] },
];

beforeEach(() => resetTaro());
afterEach(() => cleanup());

function renderLogin() {
  const session = fakeSession(null);
  render(
    <SessionContextProvider value={session}>
      <LoginPage />
    </SessionContextProvider>,
  );
  return session;
}

describe('login page', () => {
  it('describes each demo user by village and role, in words', () => {
    expect(describeDevUser(USERS[0]!)).toBe('还没有加入村');
    expect(describeDevUser(USERS[1]!)).toBe('东坪村：村民、网格员');
    expect(describeDevUser(USERS[2]!)).toBe('镇街干部');
  });

  it('lists the demo users the server offers and logs in as the one tapped', async () => {
    const me = makeMe({ id: 'u-new', displayName: '新用户（未加入村）' });
    const result = { token: 'tok-new', expiresAt: '2030-01-01T00:00:00.000Z', user: me };
    routeRequests({
      'GET /auth/dev-users': () => ok({ users: USERS }),
      'POST /auth/dev': () => ok(result),
    });
    const session = renderLogin();

    expect(await screen.findByText('新用户（未加入村）')).toBeTruthy();
    expect(screen.getByText('李建国')).toBeTruthy();
    expect(screen.getByText('东坪村：村民、网格员')).toBeTruthy();
    expect(screen.queryByText('微信一键登录')).toBeNull(); // h5 build

    fireEvent.click(screen.getByTestId('dev-user-u-new'));
    await waitFor(() => expect(session.signIn).toHaveBeenCalledWith(result));
    const post = request.mock.calls.map(([o]) => o).find((o) => o.method === 'POST');
    expect(post).toMatchObject({ url: '/api/auth/dev', data: { userId: 'u-new' } });
    expect(post!.header!['Idempotency-Key']).toBeTruthy();
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' });
  });

  it('says so plainly when the server has no demo login (404)', async () => {
    routeRequests({ 'GET /auth/dev-users': () => apiError(404, 'DEV_LOGIN_DISABLED', '没有找到') });
    renderLogin();
    expect(await screen.findByText('网页版现在不能登录，请在微信里打开“村民参与”小程序。')).toBeTruthy();
  });

  it('shows the error and a retry when the list cannot load', async () => {
    routeRequests({ 'GET /auth/dev-users': () => apiError(429, 'RATE_LIMITED', '操作太频繁，请稍后再试') });
    renderLogin();
    expect(await screen.findByText('操作太频繁，请稍后再试')).toBeTruthy();
    routeRequests({ 'GET /auth/dev-users': () => ok({ users: USERS }) });
    fireEvent.click(screen.getByText('再试一次'));
    expect(await screen.findByText('李建国')).toBeTruthy();
  });

  it('keeps the user on the page with the message when login fails', async () => {
    routeRequests({
      'GET /auth/dev-users': () => ok({ users: USERS }),
      'POST /auth/dev': () => apiError(404, 'NOT_FOUND', '没有找到'),
    });
    const session = renderLogin();
    fireEvent.click(await screen.findByTestId('dev-user-u-grid'));
    expect(await screen.findByText('没有找到')).toBeTruthy();
    expect(session.signIn).not.toHaveBeenCalled();
    expect(Taro.reLaunch).not.toHaveBeenCalled();
  });
});

import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import { SessionContextProvider } from '../../miniprogram/src/lib/session';
import {
  inviteCodeError,
  normaliseInviteCode,
  parseScannedCode,
  validateJoinForm,
} from '../../miniprogram/src/lib/validate';
import { JoinFlow } from '../../miniprogram/src/pages/join/index';
import { VILLAGE_ID, fakeSession, makeMe } from './fixtures';
import Taro, { apiError, ok, request, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

describe('join form rules', () => {
  const base = { name: '李新民', phone: '13900000001', householdNo: '' };

  it('accepts a name and a mainland mobile number; the household number is optional', () => {
    expect(validateJoinForm(base)).toEqual({ ok: true, body: { name: '李新民', phone: '13900000001' } });
    expect(validateJoinForm({ ...base, householdNo: ' 12 ' })).toEqual({
      ok: true,
      body: { name: '李新民', phone: '13900000001', householdNo: '12' },
    });
  });

  it('normalises what people type: spaces, dashes, +86', () => {
    const r = validateJoinForm({ name: '  王秀兰 ', phone: '+86 139-0000 0001', householdNo: '' });
    expect(r).toEqual({ ok: true, body: { name: '王秀兰', phone: '13900000001' } });
  });

  it('names each problem in plain words', () => {
    expect(validateJoinForm({ name: ' ', phone: '', householdNo: '' })).toEqual({
      ok: false,
      errors: { name: '请填写姓名', phone: '请填写手机号' },
    });
    expect(validateJoinForm({ ...base, phone: '1390000000' })).toMatchObject({
      errors: { phone: '手机号不对，应是11位数字' },
    });
    expect(validateJoinForm({ ...base, phone: '12900000001' })).toMatchObject({
      errors: { phone: '手机号不对，应是11位数字' },
    });
    expect(validateJoinForm({ ...base, name: '王'.repeat(21) })).toMatchObject({
      errors: { name: '姓名太长' },
    });
    expect(validateJoinForm({ ...base, householdNo: '1'.repeat(21) })).toMatchObject({
      errors: { householdNo: '户号太长' },
    });
  });

  it('checks invite codes: six letters or digits, any case, spaces ignored', () => {
    expect(normaliseInviteCode(' dp 2026 ')).toBe('DP2026');
    expect(inviteCodeError('dp2026')).toBeNull();
    expect(inviteCodeError('')).toBe('请填写邀请码');
    expect(inviteCodeError('DP20')).toBe('邀请码是6位字母或数字');
    expect(inviteCodeError('DP-026')).toBe('邀请码是6位字母或数字');
  });

  it('reads the code out of a scanned QR: bare code, link or mini-program path', () => {
    expect(parseScannedCode('dp2026')).toBe('DP2026');
    expect(parseScannedCode('https://example.cn/join?code=DP2026&from=board')).toBe('DP2026');
    expect(parseScannedCode('pages/join/index?code=xp2026')).toBe('XP2026');
    expect(parseScannedCode('https://example.cn/other')).toBeNull();
  });
});

const VILLAGE = { id: VILLAGE_ID, name: '东坪村', townName: '石桥镇', countyName: '清源县' };

function renderJoin() {
  const session = fakeSession(makeMe());
  const utils = render(
    <SessionContextProvider value={session}>
      <JoinFlow />
    </SessionContextProvider>,
  );
  const input = (name: string) => utils.container.querySelector(`input[name="${name}"]`) as HTMLInputElement;
  const type = (name: string, value: string) => fireEvent.input(input(name), { target: { value } });
  return { ...utils, session, input, type };
}

const calls = (method: string, path: string) =>
  request.mock.calls
    .map(([o]) => o)
    .filter((o) => o.method === method && o.url.split('?')[0] === `/api${path}`);

describe('join village flow', () => {
  it('refuses a malformed invite code without asking the server', async () => {
    const { type } = renderJoin();
    type('inviteCode', 'AB1');
    fireEvent.click(screen.getByTestId('lookup'));
    expect(await screen.findByText('邀请码是6位字母或数字')).toBeTruthy();
    expect(request).not.toHaveBeenCalled();
  });

  it('shows the server’s message for an unknown code', async () => {
    routeRequests({
      'GET /villages/lookup': () => apiError(404, 'INVITE_CODE_INVALID', '邀请码不对，请向村干部核实'),
    });
    const { type } = renderJoin();
    type('inviteCode', 'zz9999');
    fireEvent.click(screen.getByTestId('lookup'));
    expect(await screen.findByText('邀请码不对，请向村干部核实')).toBeTruthy();
    expect(calls('GET', '/villages/lookup')[0]!.url).toBe('/api/villages/lookup?code=ZZ9999');
  });

  it('finds the village, checks the form, submits once and shows 已加入', async () => {
    routeRequests({
      'GET /villages/lookup': () => ok({ village: VILLAGE }),
      'POST /villages/join': () =>
        ok({ request: { id: 'r1', status: 'approved', villageId: VILLAGE_ID, villageName: '东坪村' } }),
    });
    const { type, session } = renderJoin();
    type('inviteCode', 'dp2026');
    fireEvent.click(screen.getByTestId('lookup'));
    expect(await screen.findByText('东坪村')).toBeTruthy();
    expect(screen.getByText('清源县 石桥镇')).toBeTruthy();

    fireEvent.click(screen.getByTestId('submit-join'));
    expect(await screen.findByText('请填写姓名')).toBeTruthy();
    expect(screen.getByText('请填写手机号')).toBeTruthy();
    expect(calls('POST', '/villages/join')).toHaveLength(0);

    type('name', '李新民');
    type('phone', '139 0000 0001');
    expect(screen.queryByText('请填写姓名')).toBeNull();
    fireEvent.click(screen.getByTestId('submit-join'));

    expect(await screen.findByText('已加入东坪村')).toBeTruthy();
    const [post] = calls('POST', '/villages/join');
    expect(post!.data).toEqual({ inviteCode: 'DP2026', name: '李新民', phone: '13900000001' });
    expect(post!.header!['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(session.refresh).toHaveBeenCalled();

    fireEvent.click(screen.getByText('回到首页'));
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' });
  });

  it('says plainly when the application waits for a cadre', async () => {
    routeRequests({
      'GET /villages/lookup': () => ok({ village: VILLAGE }),
      'POST /villages/join': () =>
        ok({ request: { id: 'r2', status: 'pending', villageId: VILLAGE_ID, villageName: '东坪村' } }),
    });
    const { type } = renderJoin();
    type('inviteCode', 'DP2026');
    fireEvent.click(screen.getByTestId('lookup'));
    await screen.findByText('东坪村');
    type('name', '王秀兰');
    type('phone', '13812345678');
    type('householdNo', '12');
    fireEvent.click(screen.getByTestId('submit-join'));
    expect(await screen.findByText('等待村干部审核')).toBeTruthy();
    expect(calls('POST', '/villages/join')[0]!.data).toMatchObject({ householdNo: '12' });
  });

  it('pressing 提交 again after a failure resends under the same idempotency key', async () => {
    let attempt = 0;
    routeRequests({
      'GET /villages/lookup': () => ok({ village: VILLAGE }),
      'POST /villages/join': () =>
        ++attempt === 1
          ? apiError(500, 'INTERNAL', '系统出错了，请稍后再试')
          : ok({ request: { id: 'r3', status: 'approved', villageId: VILLAGE_ID, villageName: '东坪村' } }),
    });
    const { type } = renderJoin();
    type('inviteCode', 'DP2026');
    fireEvent.click(screen.getByTestId('lookup'));
    await screen.findByText('东坪村');
    type('name', '李新民');
    type('phone', '13900000001');
    fireEvent.click(screen.getByTestId('submit-join'));
    expect(await screen.findByText('系统出错了，请稍后再试')).toBeTruthy();
    expect(screen.getByText('问题编号：req-internal')).toBeTruthy();

    fireEvent.click(screen.getByTestId('submit-join'));
    await screen.findByText('已加入东坪村');
    const keys = calls('POST', '/villages/join').map((c) => c.header!['Idempotency-Key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('a changed form is a new submission with a new key', async () => {
    routeRequests({
      'GET /villages/lookup': () => ok({ village: VILLAGE }),
      'POST /villages/join': () => apiError(409, 'CONFLICT', '您已经申请过了'),
    });
    const { type } = renderJoin();
    type('inviteCode', 'DP2026');
    fireEvent.click(screen.getByTestId('lookup'));
    await screen.findByText('东坪村');
    type('name', '李新民');
    type('phone', '13900000001');
    fireEvent.click(screen.getByTestId('submit-join'));
    await screen.findByText('您已经申请过了');
    type('phone', '13900000002');
    fireEvent.click(screen.getByTestId('submit-join'));
    await waitFor(() => expect(calls('POST', '/villages/join')).toHaveLength(2));
    const keys = calls('POST', '/villages/join').map((c) => c.header!['Idempotency-Key']);
    expect(keys[0]).not.toBe(keys[1]);
  });
});

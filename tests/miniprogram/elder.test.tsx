import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TMe } from '../../miniprogram/src/api/types';
import { Screen } from '../../miniprogram/src/components/ui';
import { ElderProvider, type SystemFont } from '../../miniprogram/src/lib/elder';
import { SessionContextProvider } from '../../miniprogram/src/lib/session';
import { ElderSwitch } from '../../miniprogram/src/pages/mine/index';
import { USER_ID, fakeSession, makeMe } from './fixtures';
import Taro, { resetTaro, storage } from './taro-mock';

const NORMAL: SystemFont = { scale: 1, large: false };

function renderElder(me: TMe, opts: { save?: (on: boolean) => Promise<TMe>; system?: SystemFont } = {}) {
  const session = fakeSession(me);
  const save = opts.save ?? vi.fn(async (on: boolean) => ({ ...me, elderMode: on }));
  const utils = render(
    <SessionContextProvider value={session}>
      <ElderProvider save={save} readSystem={() => opts.system ?? NORMAL}>
        <Screen>
          <ElderSwitch />
        </Screen>
      </ElderProvider>
    </SessionContextProvider>,
  );
  const root = () => utils.container.querySelector('.screen') as HTMLElement;
  return { ...utils, session, save, root };
}

beforeEach(() => resetTaro());
afterEach(() => cleanup());

describe('elder mode (长辈模式)', () => {
  it('starts from the server copy and draws normal size when off', () => {
    const { root } = renderElder(makeMe({ elderMode: false }));
    expect(root().classList.contains('screen')).toBe(true);
    expect(root().classList.contains('elder')).toBe(false);
    expect(screen.getByText('已关闭')).toBeTruthy();
  });

  it('follows elderMode from the server', () => {
    const { root } = renderElder(makeMe({ elderMode: true }));
    expect(root().classList.contains('elder')).toBe(true);
    expect(screen.getByText('已打开')).toBeTruthy();
    expect(storage.get(`cmcy.elder.${USER_ID}`)).toEqual({ on: true, synced: true });
  });

  it('turning it on enlarges every screen, saves on the server and remembers it on this device', async () => {
    const me = makeMe();
    const { root, save, session } = renderElder(me);
    fireEvent.click(screen.getByTestId('elder-toggle'));
    await waitFor(() => expect(root().classList.contains('elder')).toBe(true));
    expect(save).toHaveBeenCalledWith(true);
    await waitFor(() => expect(session.setMe).toHaveBeenCalledWith({ ...me, elderMode: true }));
    expect(storage.get(`cmcy.elder.${USER_ID}`)).toEqual({ on: true, synced: true });
    expect(storage.get('cmcy.lastUser')).toBe(USER_ID);
    expect(Taro.showToast).not.toHaveBeenCalled();
  });

  it('keeps the choice on this device when the server cannot be reached, and says so', async () => {
    const save = vi.fn(async () => {
      throw new Error('offline');
    });
    const { root } = renderElder(makeMe(), { save });
    await act(async () => {
      fireEvent.click(screen.getByTestId('elder-toggle'));
    });
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalled());
    expect(root().classList.contains('elder')).toBe(true);
    expect(storage.get(`cmcy.elder.${USER_ID}`)).toEqual({ on: true, synced: false });
  });

  it('sends an unsaved choice again at the next start, and it wins over the server copy', async () => {
    storage.set(`cmcy.elder.${USER_ID}`, { on: true, synced: false });
    const save = vi.fn(async (on: boolean) => makeMe({ elderMode: on }));
    const { root } = renderElder(makeMe({ elderMode: false }), { save });
    expect(root().classList.contains('elder')).toBe(true);
    await waitFor(() => expect(save).toHaveBeenCalledWith(true));
    await waitFor(() => expect(storage.get(`cmcy.elder.${USER_ID}`)).toEqual({ on: true, synced: true }));
  });

  it('paints the first screen in the last user’s mode before /me arrives', () => {
    storage.set('cmcy.lastUser', USER_ID);
    storage.set(`cmcy.elder.${USER_ID}`, { on: true, synced: true });
    const { container } = render(
      <SessionContextProvider value={fakeSession(null, { status: 'loading' })}>
        <ElderProvider save={vi.fn()} readSystem={() => NORMAL}>
          <Screen>x</Screen>
        </ElderProvider>
      </SessionContextProvider>,
    );
    expect(container.querySelector('.screen.elder')).toBeTruthy();
  });

  it('follows a large WeChat font: elder mode on and the font scale passed to CSS', () => {
    const { root } = renderElder(makeMe({ elderMode: false }), { system: { scale: 1.3, large: true } });
    expect(root().classList.contains('elder')).toBe(true);
    expect(root().style.getPropertyValue('--font-scale')).toBe('1.3');
    expect(screen.getByText('已关闭')).toBeTruthy();
    expect(screen.getByText('您在微信里把字调大了，已自动放大。')).toBeTruthy();
  });
});

/**
 * The inbox's unread count: one value for the whole app, shown as the badge on the 我的 tab (where
 * 消息 lives) and on the 消息 rows of 首页 and 我的. Tab pages refresh it when shown; the inbox and
 * the notice page refresh it after reading.
 *
 * weapp refuses setTabBarBadge on a page that is not a tab page; the next tab page shown sets it
 * again, so that refusal is ignored. h5: Taro's tab bar draws the badge as well.
 */
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { api } from '../api';

/** Index of 我的 in app.config.ts tabBar.list. */
export const INBOX_TAB_INDEX = 4;

let current: number | null = null;
const listeners = new Set<(n: number | null) => void>();

export function badgeText(n: number): string {
  return n > 99 ? '99+' : String(n);
}

function applyBadge(n: number): void {
  try {
    const p =
      n > 0
        ? Taro.setTabBarBadge({ index: INBOX_TAB_INDEX, text: badgeText(n) })
        : Taro.removeTabBarBadge({ index: INBOX_TAB_INDEX });
    void Promise.resolve(p).catch(() => undefined);
  } catch {
    // not a tab page (weapp) or no tab bar: the next tab page shown sets it
  }
}

export function setUnread(n: number | null): void {
  current = n;
  applyBadge(n ?? 0);
  for (const l of listeners) l(n);
}

export function getUnread(): number | null {
  return current;
}

/** Ask the server for the count and show it. Keeps the last known count when the network fails. */
export async function refreshUnread(): Promise<number | null> {
  try {
    const { unread } = await api.inbox.unread();
    setUnread(unread);
    return unread;
  } catch {
    return current;
  }
}

/** The current count (null until first known), re-rendering when it changes. */
export function useUnread(): number | null {
  const [n, setN] = useState<number | null>(current);
  useEffect(() => {
    listeners.add(setN);
    setN(current);
    return () => {
      listeners.delete(setN);
    };
  }, []);
  return n;
}

/** "3 条未读" / "没有未读" / "" while unknown. */
export function unreadWords(n: number | null): string {
  if (n === null) return '';
  return n > 0 ? `${n} 条未读` : '没有未读';
}

/** Local storage keys and typed accessors (Taro storage: wx storage in weapp, localStorage in h5). */
import Taro from '@tarojs/taro';

const TOKEN_KEY = 'cmcy.token';
const LAST_USER_KEY = 'cmcy.lastUser';
const elderKey = (userId: string) => `cmcy.elder.${userId}`;

function read(key: string): unknown {
  try {
    return Taro.getStorageSync(key);
  } catch {
    return undefined;
  }
}

function write(key: string, value: unknown): void {
  try {
    Taro.setStorageSync(key, value);
  } catch {
    // Storage full or unavailable: the server copy still holds what matters.
  }
}

function remove(key: string): void {
  try {
    Taro.removeStorageSync(key);
  } catch {
    // nothing to do
  }
}

export const tokenStore = {
  get(): string | null {
    const t = read(TOKEN_KEY);
    return typeof t === 'string' && t ? t : null;
  },
  set(token: string): void {
    write(TOKEN_KEY, token);
  },
  clear(): void {
    remove(TOKEN_KEY);
  },
};

export type ElderPref = { on: boolean; synced: boolean };

/** The elder-mode choice remembered on this device for one user (null: never chosen here). */
export function readElderPref(userId: string): ElderPref | null {
  const v = read(elderKey(userId));
  if (typeof v === 'object' && v !== null && typeof (v as ElderPref).on === 'boolean') {
    return { on: (v as ElderPref).on, synced: (v as ElderPref).synced !== false };
  }
  return null;
}

export function writeElderPref(userId: string, pref: ElderPref): void {
  write(elderKey(userId), pref);
  write(LAST_USER_KEY, userId);
}

/** Elder mode of whoever used this device last: lets the first screen paint in the right size. */
export function readLastElderPref(): boolean {
  const id = read(LAST_USER_KEY);
  return typeof id === 'string' && id ? (readElderPref(id)?.on ?? false) : false;
}

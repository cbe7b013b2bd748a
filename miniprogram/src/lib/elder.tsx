/**
 * 长辈模式 (elder mode): larger type, larger tap targets, stronger contrast.
 *
 * On when the user turned it on (kept on the server via PATCH /api/me and on this device), or when
 * WeChat's own font size (h5: the browser's default font size) is set large. That scale also
 * multiplies every font size through the `--font-scale` CSS variable, so the mini-program follows
 * the phone's setting (WeChat's largest is ≈ 1.4×; the browser tests check every page there).
 */
import Taro from '@tarojs/taro';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type PropsWithChildren,
} from 'react';
import { api } from '../api';
import type { TMe } from '../api/types';
import { useSession } from './session';
import { readElderPref, readLastElderPref, writeElderPref } from './storage';

export type SystemFont = { scale: number; large: boolean };

type FontInfo = { fontSizeScaleFactor?: number; fontSizeSetting?: number };

/** The browser's own default font size (its "font size" setting) as a scale of the usual 16 px.
 *  `font-size: medium` is that setting, whatever the page sets on <html> (Taro sizes the root
 *  from the column width for its rem layout, which would hide the villager's choice). */
function readBrowserFontScale(): number {
  if (typeof document === 'undefined' || !document.body) return 1;
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;font-size:medium';
  document.body.appendChild(probe);
  try {
    const px = Number.parseFloat(getComputedStyle(probe).fontSize);
    return px > 0 ? px / 16 : 1;
  } finally {
    probe.remove();
  }
}

/** How big the phone (weapp: WeChat's 字体大小) or the browser (h5: its default font size) sets type. */
export function readSystemFont(): SystemFont {
  try {
    let factor = 1;
    if (process.env.TARO_ENV === 'weapp') {
      const t = Taro as unknown as { getAppBaseInfo?: () => FontInfo };
      const info: FontInfo = t.getAppBaseInfo ? t.getAppBaseInfo() : (Taro.getSystemInfoSync() as FontInfo);
      factor =
        typeof info.fontSizeScaleFactor === 'number' && info.fontSizeScaleFactor > 0
          ? info.fontSizeScaleFactor
          : typeof info.fontSizeSetting === 'number'
            ? info.fontSizeSetting / 17
            : 1;
    } else {
      factor = readBrowserFontScale();
    }
    return { scale: Math.min(1.6, Math.max(1, factor)), large: factor >= 1.15 };
  } catch {
    return { scale: 1, large: false };
  }
}

export type SaveResult = 'saved' | 'local-only';

export type Elder = {
  /** Whether the page is drawn in elder mode now. */
  on: boolean;
  /** The user's own choice (the switch position). */
  chosen: boolean;
  /** On because WeChat's font is large, whatever the switch says. */
  bySystem: boolean;
  fontScale: number;
  setChosen(on: boolean): Promise<SaveResult>;
};

const ElderContext = createContext<Elder>({
  on: false,
  chosen: false,
  bySystem: false,
  fontScale: 1,
  setChosen: async () => 'local-only',
});

export type ElderProviderProps = PropsWithChildren<{
  /** Saves the choice on the server; defaults to PATCH /api/me. */
  save?: (on: boolean) => Promise<TMe>;
  readSystem?: () => SystemFont;
}>;

const defaultSave = (on: boolean) => api.me.update({ elderMode: on });

export function ElderProvider({
  children,
  save = defaultSave,
  readSystem = readSystemFont,
}: ElderProviderProps) {
  const { me, setMe } = useSession();
  const [system] = useState(readSystem);
  const [chosen, setChosenState] = useState<boolean>(readLastElderPref);
  const userId = me?.id ?? null;
  const serverValue = me?.elderMode;

  // Reconcile with the server copy whenever the user (or their stored value) changes. A choice made
  // on this device while offline wins and is sent again.
  useEffect(() => {
    if (!userId || serverValue === undefined) return;
    const local = readElderPref(userId);
    if (local && !local.synced && local.on !== serverValue) {
      setChosenState(local.on);
      save(local.on)
        .then((next) => {
          writeElderPref(userId, { on: local.on, synced: true });
          setMe(next);
        })
        .catch(() => {
          // stays unsynced; tried again next launch
        });
      return;
    }
    setChosenState(serverValue);
    writeElderPref(userId, { on: serverValue, synced: true });
  }, [userId, serverValue, save, setMe]);

  const setChosen = useCallback(
    async (on: boolean): Promise<SaveResult> => {
      setChosenState(on);
      if (!userId) return 'local-only';
      writeElderPref(userId, { on, synced: false });
      try {
        const next = await save(on);
        writeElderPref(userId, { on, synced: true });
        setMe(next);
        return 'saved';
      } catch {
        return 'local-only';
      }
    },
    [userId, save, setMe],
  );

  const value = useMemo<Elder>(
    () => ({
      on: chosen || system.large,
      chosen,
      bySystem: system.large && !chosen,
      fontScale: system.scale,
      setChosen,
    }),
    [chosen, system, setChosen],
  );
  return <ElderContext.Provider value={value}>{children}</ElderContext.Provider>;
}

export function useElder(): Elder {
  return useContext(ElderContext);
}

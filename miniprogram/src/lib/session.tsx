/**
 * Who is signed in. Loads GET /api/me at launch when a token is stored; pages read `me` from here.
 * A 401 from any call (see api/index.ts) empties the session.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type PropsWithChildren,
} from 'react';
import { api, onUnauthorized } from '../api';
import type { ApiError } from '../api/client';
import type { TLoginResult, TMe } from '../api/types';
import { tokenStore } from './storage';

export type SessionStatus = 'loading' | 'anonymous' | 'ready' | 'error';

export type Session = {
  status: SessionStatus;
  me: TMe | null;
  error: ApiError | null;
  /** Store the token and user of a successful login. */
  signIn(result: TLoginResult): void;
  /** Reload /api/me (after joining a village, a role change…). */
  refresh(): Promise<TMe | null>;
  /** Replace the cached user (e.g. the answer of PATCH /api/me). */
  setMe(me: TMe): void;
  signOut(): Promise<void>;
};

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: PropsWithChildren) {
  const [status, setStatus] = useState<SessionStatus>(() => (tokenStore.get() ? 'loading' : 'anonymous'));
  const [me, setMeState] = useState<TMe | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const refresh = useCallback(async () => {
    if (!tokenStore.get()) {
      setStatus('anonymous');
      setMeState(null);
      return null;
    }
    try {
      const next = await api.me.get();
      setMeState(next);
      setError(null);
      setStatus('ready');
      return next;
    } catch (e) {
      const err = e as ApiError;
      if (err.status === 401) {
        setMeState(null);
        setStatus('anonymous');
      } else {
        setError(err);
        setStatus((s) => (s === 'ready' ? s : 'error'));
      }
      return null;
    }
  }, []);

  useEffect(() => {
    void refresh();
    return onUnauthorized(() => {
      setMeState(null);
      setStatus('anonymous');
    });
  }, [refresh]);

  const signIn = useCallback((result: TLoginResult) => {
    tokenStore.set(result.token);
    setMeState(result.user);
    setError(null);
    setStatus('ready');
  }, []);

  const setMe = useCallback((next: TMe) => setMeState(next), []);

  const signOut = useCallback(async () => {
    try {
      await api.auth.logout();
    } catch {
      // Logging out locally is what matters; the token expires on its own.
    }
    tokenStore.clear();
    setMeState(null);
    setStatus('anonymous');
  }, []);

  const value = useMemo<Session>(
    () => ({ status, me, error, signIn, refresh, setMe, signOut }),
    [status, me, error, signIn, refresh, setMe, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** For tests and previews: provide a fixed session. */
export const SessionContextProvider = SessionContext.Provider;

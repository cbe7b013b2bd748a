/** The app's API instance: Taro storage for the token, login page on 401. */
import { createApi, createApiClient, type ApiError } from './client';
import { tokenStore } from '../lib/storage';
import { goLogin } from '../lib/nav';

type Listener = (error: ApiError) => void;
const unauthorizedListeners = new Set<Listener>();

/** Subscribe to "the session is gone" (a 401 from any call). Returns an unsubscribe function. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export const api = createApi(
  createApiClient({
    baseUrl: process.env.TARO_APP_API_BASE ?? '/api',
    tokens: tokenStore,
    overridePatch: process.env.TARO_ENV === 'weapp',
    onUnauthorized: (error) => {
      for (const l of unauthorizedListeners) l(error);
      goLogin();
    },
  }),
);

export { ApiError, errorMessage, isApiError } from './client';

/** The app's API instance: Taro storage for the token, login page on 401. */
import { createApi, createApiClient, type ApiError } from './client';
import { createMediaClient } from './media';
import { tokenStore } from '../lib/storage';
import { goLogin } from '../lib/nav';

type Listener = (error: ApiError) => void;
const unauthorizedListeners = new Set<Listener>();

/** Subscribe to "the session is gone" (a 401 from any call). Returns an unsubscribe function. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

const baseUrl = process.env.TARO_APP_API_BASE ?? '/api';
const unauthorized = (error: ApiError) => {
  for (const l of unauthorizedListeners) l(error);
  goLogin();
};

export const api = createApi(
  createApiClient({
    baseUrl,
    tokens: tokenStore,
    overridePatch: process.env.TARO_ENV === 'weapp',
    onUnauthorized: unauthorized,
  }),
);

/** Photo / voice upload and fetch (api/media.ts): `media.upload(villageId, { filePath, purpose })`. */
export const media = createMediaClient({ baseUrl, tokens: tokenStore, onUnauthorized: unauthorized });

export { ApiError, errorMessage, isApiError } from './client';

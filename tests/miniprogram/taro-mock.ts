/**
 * Stand-in for @tarojs/taro in component tests: in-memory storage, a request mock that tests
 * answer per route, and spies for navigation and dialogs. Use with
 * `vi.mock('@tarojs/taro', () => import('./taro-mock'))`.
 */
import { useEffect } from 'react';
import { vi } from 'vitest';

export const storage = new Map<string, unknown>();

type RequestOptions = { url: string; method?: string; header?: Record<string, string>; data?: unknown };
export type Reply = { statusCode: number; data: unknown; header?: Record<string, string> };
export const request = vi.fn<(opts: RequestOptions) => Promise<Reply>>();

/** Answer Taro.request by "METHOD /path" (path without the /api prefix and without the query). */
export function routeRequests(routes: Record<string, (opts: RequestOptions) => Reply | Promise<Reply>>) {
  request.mockImplementation(async (opts) => {
    const path = opts.url.replace(/^\/api/, '').split('?')[0];
    const handler = routes[`${opts.method ?? 'GET'} ${path}`];
    if (!handler)
      return {
        statusCode: 404,
        data: { error: { code: 'NOT_FOUND', message: '没有找到', requestId: 'req-test' } },
      };
    return handler(opts);
  });
}

export const ok = (data: unknown): Reply => ({ statusCode: 200, data });
export const apiError = (statusCode: number, code: string, message: string): Reply => ({
  statusCode,
  data: { error: { code, message, requestId: `req-${code.toLowerCase()}` } },
});

export const router = { params: {} as Record<string, string | undefined> };

const Taro = {
  request,
  getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
  setStorageSync: (key: string, value: unknown) => {
    storage.set(key, value);
  },
  removeStorageSync: (key: string) => {
    storage.delete(key);
  },
  reLaunch: vi.fn(async (_: { url: string }) => ({ errMsg: 'reLaunch:ok' })),
  navigateTo: vi.fn(async (_: { url: string }) => ({ errMsg: 'navigateTo:ok' })),
  switchTab: vi.fn(async (_: { url: string }) => ({ errMsg: 'switchTab:ok' })),
  redirectTo: vi.fn(async (_: { url: string }) => ({ errMsg: 'redirectTo:ok' })),
  getCurrentPages: vi.fn(() => [] as { route?: string }[]),
  showToast: vi.fn(async (_: { title: string }) => ({ errMsg: 'showToast:ok' })),
  showModal: vi.fn(async (_: { title?: string; content?: string }) => ({ confirm: true, cancel: false })),
  login: vi.fn(async () => ({ code: 'wx-login-code', errMsg: 'login:ok' })),
  scanCode: vi.fn(),
  getSystemInfoSync: vi.fn(() => ({})),
  authorize: vi.fn(async (_: { scope: string }) => ({ errMsg: 'authorize:ok' })),
  getRecorderManager: vi.fn(),
  chooseMessageFile: vi.fn(),
  getFileSystemManager: vi.fn(),
  setTabBarBadge: vi.fn(async (_: { index: number; text: string }) => ({ errMsg: 'setTabBarBadge:ok' })),
  removeTabBarBadge: vi.fn(async (_: { index: number }) => ({ errMsg: 'removeTabBarBadge:ok' })),
  requestSubscribeMessage: vi.fn(async (_: { tmplIds: string[] }) => ({
    errMsg: 'requestSubscribeMessage:ok',
  })),
  chooseMedia: vi.fn(async (_: { count: number }) => ({ tempFiles: [] as { tempFilePath: string }[] })),
  chooseImage: vi.fn(async (_: { count: number }) => ({ tempFilePaths: [] as string[] })),
  chooseLocation: vi.fn(),
  uploadFile: vi.fn(
    async (_: { url: string; filePath: string; name: string; formData?: Record<string, string> }) => ({
      statusCode: 201,
      data: '{}' as string,
    }),
  ),
  downloadFile: vi.fn(async (_: { url: string }) => ({ statusCode: 200, tempFilePath: 'blob:photo' })),
  previewImage: vi.fn(async () => ({ errMsg: 'previewImage:ok' })),
  stopPullDownRefresh: vi.fn(async () => ({ errMsg: 'stopPullDownRefresh:ok' })),
  pageScrollTo: vi.fn(async (_: { scrollTop: number }) => ({ errMsg: 'pageScrollTo:ok' })),
  createInnerAudioContext: vi.fn(),
};

export default Taro;

/** Page lifecycle stand-in: "shown" once, when mounted. */
export function useDidShow(fn: () => void) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, like the first onShow
  useEffect(() => {
    fn();
  }, []);
}

/** Pull-down and reach-bottom: never fired by jsdom; pages also offer buttons for both. */
export function usePullDownRefresh(_fn: () => void) {}
export function useReachBottom(_fn: () => void) {}

export function useRouter() {
  return router;
}

export function resetTaro() {
  storage.clear();
  request.mockReset();
  router.params = {};
  for (const f of Object.values(Taro)) {
    if (typeof f === 'function' && 'mockClear' in f) (f as { mockClear: () => void }).mockClear();
  }
}

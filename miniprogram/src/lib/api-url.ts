/**
 * The API answers some URLs as paths (`/api/speech/audio/…`, `/api/media/{id}/signed?…`) for
 * players that fetch `src` by themselves. With an absolute API base (weapp: the ICP-filed https
 * domain) the file lives on that host; on h5 the base is `/api` on the same origin.
 */
export function absoluteApiUrl(path: string, base: string = process.env.TARO_APP_API_BASE ?? '/api'): string {
  const origin = /^(https?:\/\/[^/]+)/.exec(base)?.[1] ?? '';
  return origin + path;
}

/**
 * Typed API client for the mini-program (weapp and h5), built on Taro.request.
 *
 * - Every write (POST/PUT/PATCH/DELETE) carries an `Idempotency-Key`; the same key is reused on
 *   every retry of that call, so a dropped response never makes the server act twice.
 * - Network failures and timeouts (and 502/503/504) are retried with exponential backoff and
 *   jitter. 4xx answers are final, except 409 IDEMPOTENCY_IN_PROGRESS on a write: that means our
 *   own earlier attempt is still running, and asking again with the same key returns its result.
 * - `Authorization: Bearer <token>` is attached when a token is stored; a 401 clears the token
 *   and calls `onUnauthorized` (the app sends the user to the login page).
 * - Failures surface as `ApiError` carrying the server's `{ code, message, requestId, details }`,
 *   so pages show `message` (Chinese) as is.
 */
import Taro from '@tarojs/taro';
import type { PetitionKind } from '@shared/councils/labels';
import { ERROR_MESSAGES, type ErrorCode } from '@shared/errors';
import type {
  TCommentModerated,
  TCreateVote,
  TElectorList,
  TMeeting,
  TPaperBallot,
  TPetitionStarted,
  TPetitionView,
  TProposalDetail,
  TProposalList,
  TReceipt,
  TReceiptCheck,
  TRecordStage,
  TReportedCommentList,
  TVoteList,
  TVoteView,
  TAuditList,
  TConsentResults,
  TConsents,
  TContentReviewList,
  TDecideContent,
  TDecideContentResult,
  TDevUsers,
  TGridList,
  THouseholdList,
  TInboxList,
  TJoinRequestList,
  TJoinResult,
  TJoinVillageBody,
  TLoginResult,
  TMe,
  TMemberList,
  TNotice,
  TNoticeList,
  TNotifySettings,
  TPublishNotice,
  TRosterImportResult,
  TSubscribeTemplates,
  TUnread,
  TUpdateNotifySettings,
  TUpdateMe,
  TVillageLookup,
  VillageRole,
} from './types';
import type { TSpeechUrl } from '@shared/speech/schemas';
import { uuidV4 } from '../lib/uuid';
import { createDisclosureApi } from './disclosures';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type TransportRequest = {
  url: string;
  method: HttpMethod;
  header: Record<string, string>;
  data?: unknown;
  timeout: number;
};
export type TransportResponse = { statusCode: number; data: unknown; header?: Record<string, string> };
/** Sends one HTTP request. Resolves for any HTTP status; rejects only when no response came. */
export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

export type TokenStore = {
  get(): string | null;
  set(token: string): void;
  clear(): void;
};

/** Codes the client adds to the server's closed set. */
export type ClientErrorCode = 'NETWORK' | 'HTTP_ERROR';

export class ApiError extends Error {
  readonly code: ErrorCode | ClientErrorCode;
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  readonly requestId: string | null;
  readonly details?: unknown;

  constructor(args: {
    code: ErrorCode | ClientErrorCode;
    message: string;
    status: number;
    requestId?: string | null;
    details?: unknown;
  }) {
    super(args.message);
    this.name = 'ApiError';
    this.code = args.code;
    this.status = args.status;
    this.requestId = args.requestId ?? null;
    this.details = args.details;
  }
}

export const NETWORK_MESSAGE = '网络不好，请检查网络后再试';
const HTTP_MESSAGE = '服务暂时不可用，请稍后再试';

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** The Chinese message to show for any thrown value. */
export function errorMessage(e: unknown): string {
  if (isApiError(e)) return e.message;
  return '出错了，请稍后再试';
}

export type ClientOptions = {
  baseUrl: string;
  tokens: TokenStore;
  transport?: Transport;
  onUnauthorized?: (error: ApiError) => void;
  /** Retries after the first attempt (default 3, so at most 4 attempts). */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  newKey?: () => string;
  random?: () => number;
  /** wx.request has no PATCH: send POST with X-HTTP-Method-Override instead. */
  overridePatch?: boolean;
};

export type RequestOptions = {
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  /** Content-Type for a raw body (ArrayBuffer/string); JSON otherwise. */
  contentType?: string;
  /** Reuse a key across separate calls (e.g. the user pressing 提交 again after a failure). */
  idempotencyKey?: string;
  timeoutMs?: number;
};

const WRITE_METHODS: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const RETRY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

export function buildQuery(query: RequestOptions['query']): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Backoff before retry number `attempt` (0-based): base·2^attempt, capped, with ±25% jitter. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const raw = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(raw * (0.75 + random() * 0.5));
}

function readErrorBody(
  data: unknown,
): { code: string; message: string; requestId?: string; details?: unknown } | null {
  if (typeof data !== 'object' || data === null || !('error' in data)) return null;
  const err = (data as { error: unknown }).error;
  if (typeof err !== 'object' || err === null) return null;
  const e = err as Record<string, unknown>;
  if (typeof e.code !== 'string') return null;
  return {
    code: e.code,
    message: typeof e.message === 'string' && e.message ? e.message : '',
    requestId: typeof e.requestId === 'string' ? e.requestId : undefined,
    details: e.details,
  };
}

function headerValue(header: Record<string, string> | undefined, name: string): string | null {
  if (!header) return null;
  const key = Object.keys(header).find((k) => k.toLowerCase() === name);
  return key ? (header[key] ?? null) : null;
}

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: ClientOptions) {
  const {
    baseUrl,
    tokens,
    transport = taroTransport,
    onUnauthorized,
    maxRetries = 3,
    baseDelayMs = 500,
    maxDelayMs = 5000,
    timeoutMs = 15000,
    sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    newKey = uuidV4,
    random = Math.random,
    overridePatch = false,
  } = options;

  async function request<T>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<T> {
    const url = `${baseUrl.replace(/\/$/, '')}${path}${buildQuery(opts.query)}`;
    const isWrite = WRITE_METHODS.has(method);
    const header: Record<string, string> = { Accept: 'application/json' };
    if (isWrite) header['Idempotency-Key'] = opts.idempotencyKey ?? newKey();
    let sendMethod = method;
    if (method === 'PATCH' && overridePatch) {
      sendMethod = 'POST';
      header['X-HTTP-Method-Override'] = 'PATCH';
    }
    let data: unknown;
    if (opts.body !== undefined) {
      header['Content-Type'] = opts.contentType ?? 'application/json';
      data = opts.body;
    }

    for (let attempt = 0; ; attempt++) {
      const token = tokens.get();
      if (token) header.Authorization = `Bearer ${token}`;
      else delete header.Authorization;

      let res: TransportResponse | null = null;
      try {
        res = await transport({
          url,
          method: sendMethod,
          header: { ...header },
          data,
          timeout: opts.timeoutMs ?? timeoutMs,
        });
      } catch {
        res = null; // no response: offline, DNS, reset, timeout
      }

      const error = res ? toError(res) : null;
      if (res && !error) return res.data as T;

      const retryable =
        res === null ||
        RETRY_STATUSES.has(res.statusCode) ||
        (isWrite && error?.code === 'IDEMPOTENCY_IN_PROGRESS');
      if (retryable && attempt < maxRetries) {
        await sleep(backoffDelay(attempt, baseDelayMs, maxDelayMs, random));
        continue;
      }

      const finalError = error ?? new ApiError({ code: 'NETWORK', message: NETWORK_MESSAGE, status: 0 });
      if (finalError.status === 401) {
        tokens.clear();
        onUnauthorized?.(finalError);
      }
      throw finalError;
    }
  }

  function toError(res: TransportResponse): ApiError | null {
    if (res.statusCode >= 200 && res.statusCode < 300) return null;
    const body = readErrorBody(res.data);
    const requestId = body?.requestId ?? headerValue(res.header, 'x-request-id');
    if (body) {
      const known = (ERROR_MESSAGES as Record<string, string | undefined>)[body.code];
      return new ApiError({
        code: body.code as ErrorCode,
        message: body.message || known || HTTP_MESSAGE,
        status: res.statusCode,
        requestId,
        details: body.details,
      });
    }
    return new ApiError({ code: 'HTTP_ERROR', message: HTTP_MESSAGE, status: res.statusCode, requestId });
  }

  return {
    request,
    get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
    post: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
      request<T>('POST', path, { ...opts, body }),
    patch: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
      request<T>('PATCH', path, { ...opts, body }),
    put: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
      request<T>('PUT', path, { ...opts, body }),
    del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
  };
}

/** Transport over Taro.request: wx.request in weapp, fetch in h5. */
export const taroTransport: Transport = async (req) => {
  const res = await Taro.request({
    url: req.url,
    method: req.method as keyof Taro.request.Method,
    header: req.header,
    data: req.data as Taro.request.Option['data'],
    timeout: req.timeout,
    dataType: 'json',
  });
  return { statusCode: res.statusCode, data: res.data, header: res.header as Record<string, string> };
};

const v = (id: string) => encodeURIComponent(id);

/** The endpoints, typed from the shared contract. */
export function createApi(client: ApiClient) {
  return {
    client,
    auth: {
      devUsers: () => client.get<TDevUsers>('/auth/dev-users'),
      dev: (userId: string) => client.post<TLoginResult>('/auth/dev', { userId }),
      wechat: (code: string) => client.post<TLoginResult>('/auth/wechat', { code }),
      logout: () => client.post<{ ok: true }>('/auth/logout'),
    },
    me: {
      get: () => client.get<TMe>('/me'),
      update: (patch: TUpdateMe) => client.patch<TMe>('/me', patch),
    },
    villages: {
      lookup: (code: string) => client.get<TVillageLookup>('/villages/lookup', { query: { code } }),
      join: (body: TJoinVillageBody, idempotencyKey?: string) =>
        client.post<TJoinResult>('/villages/join', body, { idempotencyKey }),
      joinRequests: (villageId: string, status?: 'pending' | 'approved' | 'rejected') =>
        client.get<TJoinRequestList>(`/villages/${v(villageId)}/join-requests`, { query: { status } }),
      approveJoin: (villageId: string, requestId: string) =>
        client.post<TJoinResult>(`/villages/${v(villageId)}/join-requests/${v(requestId)}/approve`),
      rejectJoin: (villageId: string, requestId: string, reason: string) =>
        client.post<TJoinResult>(`/villages/${v(villageId)}/join-requests/${v(requestId)}/reject`, {
          reason,
        }),
      importRoster: (villageId: string, file: ArrayBuffer | string, contentType: string, dryRun: boolean) =>
        client.request<TRosterImportResult>('POST', `/villages/${v(villageId)}/roster/import`, {
          body: file,
          contentType,
          query: { dryRun: dryRun ? 1 : 0 },
          timeoutMs: 60000,
        }),
      households: (villageId: string) => client.get<THouseholdList>(`/villages/${v(villageId)}/households`),
      grids: (villageId: string) => client.get<TGridList>(`/villages/${v(villageId)}/grids`),
      members: (villageId: string) => client.get<TMemberList>(`/villages/${v(villageId)}/members`),
      addRole: (villageId: string, userId: string, role: VillageRole, gridId?: string) =>
        client.post<unknown>(
          `/villages/${v(villageId)}/members/${v(userId)}/roles`,
          gridId ? { role, gridId } : { role },
        ),
      removeRole: (villageId: string, userId: string, role: VillageRole) =>
        client.del<unknown>(`/villages/${v(villageId)}/members/${v(userId)}/roles/${v(role)}`),
      audit: (villageId: string, before?: number) =>
        client.get<TAuditList>(`/villages/${v(villageId)}/audit`, { query: { before, limit: 50 } }),
    },
    notices: {
      list: (villageId: string) => client.get<TNoticeList>(`/villages/${v(villageId)}/notices`),
      /** Opens one: the server records the read and clears its inbox entry. */
      open: (villageId: string, noticeId: string) =>
        client.get<TNotice>(`/villages/${v(villageId)}/notices/${v(noticeId)}`),
      publish: (villageId: string, body: TPublishNotice, idempotencyKey?: string) =>
        client.post<{ id: string; recipients: number }>(`/villages/${v(villageId)}/notices`, body, {
          idempotencyKey,
        }),
    },
    speech: {
      /** Server speech for a text (≤ 500 characters): a signed audio URL the player fetches without headers. */
      url: (text: string) => client.post<TSpeechUrl>('/speech', { text }),
    },
    contentReviews: {
      list: (villageId: string) =>
        client.get<TContentReviewList>(`/villages/${v(villageId)}/content-reviews`),
      decide: (villageId: string, checkId: string, body: TDecideContent) =>
        client.post<TDecideContentResult>(
          `/villages/${v(villageId)}/content-reviews/${v(checkId)}/decide`,
          body,
        ),
    },
    councils: {
      proposals: (villageId: string) => client.get<TProposalList>(`/villages/${v(villageId)}/proposals`),
      proposal: (villageId: string, id: string) =>
        client.get<TProposalDetail>(`/villages/${v(villageId)}/proposals/${v(id)}`),
      createProposal: (villageId: string, body: { title: string; text: string }, idempotencyKey?: string) =>
        client.post<{ id: string }>(`/villages/${v(villageId)}/proposals`, body, { idempotencyKey }),
      recordStage: (villageId: string, id: string, body: Partial<TRecordStage> & { stage: string }) =>
        client.post<TProposalDetail>(`/villages/${v(villageId)}/proposals/${v(id)}/stages`, body),
      rate: (villageId: string, id: string, rating: 'satisfied' | 'basic' | 'unsatisfied') =>
        client.post<{ rating: string }>(`/villages/${v(villageId)}/proposals/${v(id)}/ratings`, { rating }),
      comment: (villageId: string, id: string, body: { kind?: string; answersId?: string; text: string }) =>
        client.post<{ id: string; visible: boolean }>(
          `/villages/${v(villageId)}/proposals/${v(id)}/comments`,
          body,
        ),
      report: (villageId: string, commentId: string, reason: string) =>
        client.post<{ reports: number }>(`/villages/${v(villageId)}/comments/${v(commentId)}/reports`, {
          reason,
        }),
      hide: (villageId: string, commentId: string, reason: string) =>
        client.post<TCommentModerated>(`/villages/${v(villageId)}/comments/${v(commentId)}/hide`, {
          reason,
        }),
      /** Reported comments not yet settled (cadres, supervisors). */
      reported: (villageId: string) =>
        client.get<TReportedCommentList>(`/villages/${v(villageId)}/comment-reports`),
      keep: (villageId: string, commentId: string) =>
        client.post<TCommentModerated>(`/villages/${v(villageId)}/comments/${v(commentId)}/keep`),
      /** 联名提议: start one (its author backs it at once). */
      createPetition: (
        villageId: string,
        body: { kind: PetitionKind; title: string; text: string },
        idempotencyKey?: string,
      ) => client.post<TPetitionStarted>(`/villages/${v(villageId)}/petitions`, body, { idempotencyKey }),
      back: (villageId: string, id: string) =>
        client.post<TPetitionView>(`/villages/${v(villageId)}/proposals/${v(id)}/backings`),
      createMeeting: (
        villageId: string,
        body: { type: string; title: string; heldAt: string; proposalId?: string },
      ) => client.post<TMeeting>(`/villages/${v(villageId)}/meetings`, body),
      votes: (villageId: string) => client.get<TVoteList>(`/villages/${v(villageId)}/votes`),
      vote: (villageId: string, id: string) =>
        client.get<TVoteView>(`/villages/${v(villageId)}/votes/${v(id)}`),
      createVote: (villageId: string, body: TCreateVote) =>
        client.post<{ id: string }>(`/villages/${v(villageId)}/votes`, body),
      /** Same key on every retry of one confirm tap: the server answers with the same receipt anyway. */
      cast: (villageId: string, id: string, option: string, idempotencyKey?: string) =>
        client.post<TReceipt>(
          `/villages/${v(villageId)}/votes/${v(id)}/ballots`,
          { option },
          { idempotencyKey },
        ),
      checkReceipt: (villageId: string, id: string, receipt: string) =>
        client.get<TReceiptCheck>(`/villages/${v(villageId)}/votes/${v(id)}/receipts/${v(receipt)}`),
      electors: (villageId: string, id: string) =>
        client.get<TElectorList>(`/villages/${v(villageId)}/votes/${v(id)}/electors`),
      paperBallots: (villageId: string, id: string) =>
        client.get<{ items: TPaperBallot[] }>(`/villages/${v(villageId)}/votes/${v(id)}/paper-ballots`),
      enterPaper: (villageId: string, id: string, body: { electorId: string; option: string }) =>
        client.post<TPaperBallot>(`/villages/${v(villageId)}/votes/${v(id)}/paper-ballots`, body),
      cosign: (villageId: string, id: string, ballotId: number, approve: boolean) =>
        client.post<{ status: string }>(
          `/villages/${v(villageId)}/votes/${v(id)}/paper-ballots/${ballotId}/cosign`,
          { approve },
        ),
    },
    inbox: {
      list: (before?: string, limit = 30) => client.get<TInboxList>('/inbox', { query: { before, limit } }),
      unread: () => client.get<TUnread>('/inbox/unread'),
      read: (entryId: string) => client.post<TUnread>(`/inbox/${v(entryId)}/read`),
      readAll: () => client.post<TUnread>('/inbox/read-all'),
    },
    notify: {
      settings: () => client.get<TNotifySettings>('/me/notify-settings'),
      updateSettings: (body: TUpdateNotifySettings) =>
        client.put<TNotifySettings>('/me/notify-settings', body),
      templates: () => client.get<TSubscribeTemplates>('/notify/templates'),
      recordConsents: (results: TConsentResults, idempotencyKey?: string) =>
        client.post<TConsents>('/me/subscribe-consents', { results }, { idempotencyKey }),
    },
    disclosures: createDisclosureApi(client),
  };
}

export type Api = ReturnType<typeof createApi>;

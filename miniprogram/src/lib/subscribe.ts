/**
 * WeChat subscribe-message consent (订阅消息): ask for the templates that fit what the user just did,
 * and tell the server what WeChat answered (POST /api/me/subscribe-consents), so the notify job
 * sends only what WeChat will take.
 *
 * WeChat's rules this follows:
 * - wx.requestSubscribeMessage shows its dialog only in reaction to a tap, and an `await` on the
 *   network between the tap and the call can make WeChat refuse ("can only be invoked by user TAP
 *   gesture"). So templates are loaded ahead (`loadTemplates()` when the page shows) and
 *   `requestConsent()` is called straight from the tap handler.
 * - At most 3 template ids per call.
 * - weapp only: h5 has no subscribe messages, every call is a no-op there.
 *
 * Later capabilities ask at their moment: after raising a matter `requestConsent(CONSENT_MOMENTS.matterRaised)`;
 * the booking confirm asks `booked` on 确认预约 and `waitlisted` on 排队.
 */
import Taro from '@tarojs/taro';
import { api } from '../api';
import type { NotifyKind, TConsentResults, TConsents, TSubscribeTemplate } from '../api/types';
import { uuidV4 } from './uuid';

/** WeChat's limit of template ids in one requestSubscribeMessage call. */
export const MAX_TEMPLATES_PER_CALL = 3;

/** Which kinds to ask for after which action (in priority order; the first 3 with a template are asked). */
export const CONSENT_MOMENTS = {
  matterRaised: ['matter_moved', 'result_out'],
  booked: ['booking_day_before', 'booking_near', 'booking_cancelled'],
  rescheduled: ['booking_rescheduled', 'booking_day_before', 'booking_near'],
  waitlisted: ['waitlist_offered', 'booking_cancelled'],
  voteSeen: ['vote_opened', 'vote_closing', 'result_out'],
} as const satisfies Record<string, readonly NotifyKind[]>;

export type ConsentAnswer = 'accept' | 'reject' | 'ban' | 'filter';
const ANSWERS: ReadonlySet<string> = new Set(['accept', 'reject', 'ban', 'filter']);

export type ConsentOutcome =
  | { status: 'skipped'; reason: 'not_weapp' | 'no_templates' }
  | { status: 'answered'; results: Record<string, ConsentAnswer>; accepted: number; saved: boolean }
  /** WeChat refused to ask: e.g. 20004 the user turned off 订阅消息 in the mini-program's settings. */
  | { status: 'failed'; errCode: number | null; message: string };

type SubscribeRequest = (opts: { tmplIds: string[] }) => Promise<Record<string, unknown>>;

type PendingConsents = { key: string; results: TConsentResults };

export type SubscriberDeps = {
  isWeapp: boolean;
  requestSubscribe: SubscribeRequest;
  fetchTemplates: () => Promise<TSubscribeTemplate[]>;
  record: (results: TConsentResults, idempotencyKey: string) => Promise<TConsents>;
  readPending: () => PendingConsents | null;
  writePending: (p: PendingConsents | null) => void;
};

/** Template ids for `kinds`, in the order of `kinds`, at most `max`. */
export function pickTemplateIds(
  templates: readonly TSubscribeTemplate[],
  kinds: readonly NotifyKind[],
  max = MAX_TEMPLATES_PER_CALL,
): string[] {
  const ids: string[] = [];
  for (const kind of kinds) {
    const t = templates.find((x) => x.kind === kind);
    if (t && !ids.includes(t.templateId)) ids.push(t.templateId);
    if (ids.length >= max) break;
  }
  return ids;
}

/** Split `ids` into WeChat-sized batches of at most 3. */
export function batches(ids: readonly string[], size = MAX_TEMPLATES_PER_CALL): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** WeChat's answer → { templateId: answer } for the ids asked (errMsg and unknown values dropped). */
export function readAnswers(
  res: Record<string, unknown>,
  asked: readonly string[],
): Record<string, ConsentAnswer> {
  const out: Record<string, ConsentAnswer> = {};
  for (const id of asked) {
    const a = res[id];
    if (typeof a === 'string' && ANSWERS.has(a)) out[id] = a as ConsentAnswer;
  }
  return out;
}

export function createSubscriber(deps: SubscriberDeps) {
  let cached: TSubscribeTemplate[] | null = null;

  async function save(results: TConsentResults, key: string): Promise<boolean> {
    try {
      await deps.record(results, key);
      deps.writePending(null);
      return true;
    } catch {
      // Kept with its key: sent again on the next loadTemplates(); the key makes a repeat harmless.
      deps.writePending({ key, results });
      return false;
    }
  }

  /** Load the deployment's templates (call when the page shows). Also resends unsaved answers. */
  async function loadTemplates(): Promise<TSubscribeTemplate[]> {
    if (!deps.isWeapp) return [];
    const pending = deps.readPending();
    if (pending) void save(pending.results, pending.key);
    if (cached) return cached;
    try {
      cached = await deps.fetchTemplates();
    } catch {
      return [];
    }
    return cached;
  }

  function cachedTemplates(): TSubscribeTemplate[] | null {
    return cached;
  }

  /**
   * Ask WeChat for consent to the given template ids (at most 3 are asked). Call it directly from
   * a tap handler, after loadTemplates() has resolved.
   */
  async function requestIds(ids: readonly string[]): Promise<ConsentOutcome> {
    if (!deps.isWeapp) return { status: 'skipped', reason: 'not_weapp' };
    const tmplIds = ids.slice(0, MAX_TEMPLATES_PER_CALL);
    if (tmplIds.length === 0) return { status: 'skipped', reason: 'no_templates' };
    let res: Record<string, unknown>;
    try {
      res = await deps.requestSubscribe({ tmplIds });
    } catch (e) {
      const err = e as { errCode?: unknown; errMsg?: unknown };
      return {
        status: 'failed',
        errCode: typeof err?.errCode === 'number' ? err.errCode : null,
        message: typeof err?.errMsg === 'string' ? err.errMsg : 'requestSubscribeMessage:fail',
      };
    }
    const results = readAnswers(res, tmplIds);
    const accepted = Object.values(results).filter((a) => a === 'accept').length;
    const saved = Object.keys(results).length ? await save(results, uuidV4()) : true;
    return { status: 'answered', results, accepted, saved };
  }

  /** Ask for the templates of `kinds` (the first 3 the deployment has). Call from a tap handler. */
  async function requestConsent(kinds: readonly NotifyKind[]): Promise<ConsentOutcome> {
    if (!deps.isWeapp) return { status: 'skipped', reason: 'not_weapp' };
    // Normally loaded ahead; loading here may make WeChat refuse (no longer "in the tap").
    const templates = cached ?? (await loadTemplates());
    return requestIds(pickTemplateIds(templates, kinds));
  }

  return { loadTemplates, cachedTemplates, requestIds, requestConsent };
}

const PENDING_KEY = 'cmcy.consents.pending';

const subscriber = createSubscriber({
  isWeapp: process.env.TARO_ENV === 'weapp',
  requestSubscribe: (opts) =>
    Taro.requestSubscribeMessage(opts as Taro.requestSubscribeMessage.Option) as unknown as Promise<
      Record<string, unknown>
    >,
  fetchTemplates: async () => (await api.notify.templates()).templates,
  record: (results, key) => api.notify.recordConsents(results, key),
  readPending: () => {
    try {
      const v = Taro.getStorageSync(PENDING_KEY) as PendingConsents | '';
      return v && typeof v === 'object' && typeof v.key === 'string' ? v : null;
    } catch {
      return null;
    }
  },
  writePending: (p) => {
    try {
      if (p) Taro.setStorageSync(PENDING_KEY, p);
      else Taro.removeStorageSync(PENDING_KEY);
    } catch {
      // storage unavailable: the answer is lost here, WeChat still has it; asked again next time
    }
  },
});

export const { loadTemplates, cachedTemplates, requestIds, requestConsent } = subscriber;

/** Words for a failed ask, for the user. */
export function consentFailureWords(errCode: number | null): string {
  if (errCode === 20004) return '您关掉了这个小程序的消息提醒。请点右上角“…”→“设置”，打开“通知管理”。';
  return '没能打开提醒设置，请稍后再试。';
}

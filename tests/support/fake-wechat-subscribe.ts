/**
 * The fake WeChat server's subscribe messages (订阅消息): WeChat's record of who consented to
 * which template, and POST /cgi-bin/message/subscribe/send with its real shapes and errcodes.
 *
 * Source: developers.weixin.qq.com …/subscribe-message/sendMessage.html
 * - Body { touser, template_id, page?, data: { key: { value } }, miniprogram_state?, lang? };
 *   reply { errcode, errmsg } (HTTP 200 also for errors).
 * - 40003 touser empty or not an openid · 40037 template_id wrong · 41030 page not in the app ·
 *   43101 the user refused (no consent, or a one-time consent already spent) · 47003 template
 *   data wrong (errmsg names the field) · plus the access-token errcodes (41001/40001/42001).
 * - Value rules ("订阅消息参数值内容限制"): thing ≤ 20 characters, phrase ≤ 5 Chinese characters,
 *   character_string ≤ 32 of digits/letters/symbols, number ≤ 32 digits, letter ≤ 32 letters,
 *   name ≤ 10 Chinese (or 20 letters), time/date a date with optional HH:MM(:SS), "~" for a range.
 * - A one-time consent allows one message and is then spent; a long-term one (政务民生) stays.
 */
import type { FakeRoute } from './fake-wechat';

export type FakeSubscribeOptions = {
  /** Template id → its keys (thing1, time2…). Given: unknown ids are 40037, wrong keys 47003. */
  subscribeTemplates?: Record<string, string[]>;
  /** Pages that exist in the mini-program (path without query, no leading "/"). Given: others are 41030. */
  pages?: string[];
  /** false: every send is accepted without a recorded consent. Default true (WeChat's behaviour). */
  enforceConsent?: boolean;
};

export type Delivered = {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
  miniprogramState?: string;
  at: number;
};

type Consent = { kind: 'one_time' | 'long_term'; remaining: number };

export class FakeSubscriptions {
  /** Every message WeChat accepted (errcode 0), oldest first. */
  readonly delivered: Delivered[] = [];
  readonly templates?: Map<string, string[]>;
  /** Settable from a test: the pages the mini-program has (undefined: any page). */
  pages?: Set<string>;
  enforceConsent: boolean;
  private readonly consents = new Map<string, Consent>();

  constructor(opts: FakeSubscribeOptions) {
    this.templates = opts.subscribeTemplates ? new Map(Object.entries(opts.subscribeTemplates)) : undefined;
    this.pages = opts.pages ? new Set(opts.pages.map((p) => p.replace(/^\//, ''))) : undefined;
    this.enforceConsent = opts.enforceConsent ?? true;
  }

  /** What the user answered in wx.requestSubscribeMessage: accept (adds one, or long-term) or reject. */
  consent(
    openid: string,
    templateId: string,
    answer: 'accept' | 'reject',
    kind: Consent['kind'] = 'one_time',
  ) {
    const k = `${openid}|${templateId}`;
    if (answer === 'reject') {
      this.consents.delete(k);
      return;
    }
    const cur = this.consents.get(k);
    if (kind === 'long_term') this.consents.set(k, { kind, remaining: 0 });
    else if (cur?.kind !== 'long_term') this.consents.set(k, { kind, remaining: (cur?.remaining ?? 0) + 1 });
  }

  /** One-time consents left (Infinity for long-term, 0 for none). */
  remaining(openid: string, templateId: string): number {
    const c = this.consents.get(`${openid}|${templateId}`);
    if (!c) return 0;
    return c.kind === 'long_term' ? Number.POSITIVE_INFINITY : c.remaining;
  }

  /** Takes one consent; false when there is none (43101). */
  take(openid: string, templateId: string): boolean {
    if (!this.enforceConsent) return true;
    const k = `${openid}|${templateId}`;
    const c = this.consents.get(k);
    if (!c) return false;
    if (c.kind === 'long_term') return true;
    if (c.remaining <= 0) return false;
    c.remaining -= 1;
    if (c.remaining === 0) this.consents.delete(k);
    return true;
  }

  /** Accepted messages to one user (optionally for one page, e.g. one notice). */
  to(openid: string, page?: string): Delivered[] {
    return this.delivered.filter((d) => d.touser === openid && (page === undefined || d.page === page));
  }
}

const HAN = /^\p{Script=Han}+$/u;
const DATE = String.raw`\d{4}([年\-/.])\d{1,2}([月\-/.])\d{1,2}日?|\d{4}([年\-/.])\d{1,2}月?|\d{1,2}([月\-/.])\d{1,2}日?`;
const CLOCK = String.raw`\d{1,2}:\d{2}(:\d{2})?`;
const POINT = `(?:(?:${DATE})(?: ${CLOCK})?|${CLOCK})`;
const TIME = new RegExp(`^${POINT}(?:\\s*~\\s*${POINT})?$`);

/** Why a value breaks its key's rule, or undefined when it is fine. */
export function valueProblem(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'empty';
  if (/[\r\n\t]/.test(value)) return 'control characters';
  const chars = Array.from(value);
  const type = key.replace(/\d+$/, '');
  switch (type) {
    case 'thing':
      return chars.length > 20 ? 'longer than 20' : undefined;
    case 'phrase':
      return chars.length > 5 || !HAN.test(value) ? 'not ≤ 5 Chinese characters' : undefined;
    case 'character_string':
      return chars.length > 32 || !/^[\x21-\x7e]+$/.test(value)
        ? 'not ≤ 32 digits/letters/symbols'
        : undefined;
    case 'number':
      return chars.length > 32 || !/^\d+(\.\d+)?$/.test(value) ? 'not a number' : undefined;
    case 'letter':
      return chars.length > 32 || !/^[A-Za-z]+$/.test(value) ? 'not ≤ 32 letters' : undefined;
    case 'name':
      return HAN.test(value)
        ? chars.length > 10
          ? 'longer than 10'
          : undefined
        : chars.length > 20
          ? 'longer than 20'
          : undefined;
    case 'time':
    case 'date':
      return TIME.test(value) ? undefined : 'not a time';
    default:
      return chars.length > 20 ? 'longer than 20' : undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export const SUBSCRIBE_ROUTES: FakeRoute[] = [
  {
    name: 'subscribe_send',
    method: 'POST',
    path: '/cgi-bin/message/subscribe/send',
    handle(ctx) {
      const bad = ctx.requireAccessToken();
      if (bad) return bad;
      if (!ctx.body) return ctx.error(44002);
      const b = ctx.json;
      if (!isRecord(b)) return ctx.error(47001);
      const subs = ctx.state.subscriptions;
      const { touser, template_id: templateId, page, data, miniprogram_state: mpState, lang } = b;
      if (typeof touser !== 'string' || !/^[A-Za-z0-9_-]{6,64}$/.test(touser)) return ctx.error(40003);
      if (typeof templateId !== 'string' || templateId === '') return ctx.error(40037);
      const keys = subs.templates?.get(templateId);
      if (subs.templates && !keys) return ctx.error(40037);
      if (page !== undefined) {
        if (typeof page !== 'string') return ctx.error(41030);
        const path = page.split('?')[0]!.replace(/^\//, '');
        if (subs.pages && !subs.pages.has(path)) return ctx.error(41030);
      }
      if (mpState !== undefined && !['developer', 'trial', 'formal'].includes(String(mpState)))
        return ctx.error(47003, 'argument invalid! miniprogram_state invalid');
      if (lang !== undefined && !['zh_CN', 'en_US', 'zh_HK', 'zh_TW'].includes(String(lang)))
        return ctx.error(47003, 'argument invalid! lang invalid');
      if (!isRecord(data)) return ctx.error(47003, 'argument invalid! data is empty');
      const given = Object.keys(data);
      for (const k of keys ?? given) {
        const entry = data[k];
        if (!isRecord(entry)) return ctx.error(47003, `argument invalid! data.${k}.value is empty`);
        const problem = valueProblem(k, entry.value);
        if (problem) return ctx.error(47003, `argument invalid! data.${k}.value ${problem}`);
      }
      if (!subs.take(touser, templateId)) return ctx.error(43101);
      subs.delivered.push({
        touser,
        templateId,
        page: typeof page === 'string' ? page : '',
        data: data as Delivered['data'],
        miniprogramState: typeof mpState === 'string' ? mpState : undefined,
        at: ctx.now(),
      });
      return { body: { errcode: 0, errmsg: 'ok' } };
    },
  },
];

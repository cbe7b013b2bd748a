/**
 * Subscribe-message templates (订阅消息模板) per deployment, and how an event's semantic fields
 * (title, time, status, note…) become a template's `data` ({ thing1: { value } … }).
 *
 * Each deployment picks its templates in the WeChat console (公共模板库), so the mapping is
 * configuration: WECHAT_SUBSCRIBE_TEMPLATES = { "<kind>": { "id", "longTerm", "fields":
 * { "<semantic field>": "<template key>" } } }. Long-term templates exist only for mini-programs
 * in the 政务民生 categories; a village deployment qualifies, so public-interest kinds default to them.
 *
 * Value rules (WeChat "订阅消息参数值内容限制"): the key's prefix is its type — thing ≤ 20
 * characters, phrase ≤ 5 Chinese characters, character_string ≤ 32 printable ASCII, number ≤ 32
 * digits, name ≤ 10 Chinese characters, time/date "2019年10月1日 15:01" or "2019-10-01 15:01".
 * A value breaking them is refused with 47003 for the whole message, so values are fitted here.
 */
import { z } from 'zod';
import { NOTIFY_KINDS, type NotifyKind, clip } from '../../shared/notices/rules';

export const ZSubscribeTemplate = z.strictObject({
  id: z.string().min(1).max(128),
  longTerm: z.boolean().default(false),
  fields: z.record(
    z.string().min(1).max(40),
    z.string().regex(/^[a-z_]+\d+$/, 'template keys look like thing1, time2, phrase3'),
  ),
});
export type SubscribeTemplate = z.infer<typeof ZSubscribeTemplate>;

export const ZSubscribeTemplates = z.partialRecord(z.enum(NOTIFY_KINDS), ZSubscribeTemplate);
export type SubscribeTemplates = z.infer<typeof ZSubscribeTemplates>;

/**
 * The set used when WECHAT_SUBSCRIBE_TEMPLATES is not given outside production (dev, tests, the
 * fake WeChat server). Ids are invented; the keys follow the shape of real public templates.
 */
export const DEFAULT_SUBSCRIBE_TEMPLATES: SubscribeTemplates = {
  notice_published: {
    id: 'dev-tmpl-notice-published',
    longTerm: true,
    fields: { title: 'thing1', time: 'time2', note: 'thing3' },
  },
  matter_moved: {
    id: 'dev-tmpl-matter-moved',
    longTerm: false,
    fields: { title: 'thing1', status: 'phrase2', time: 'time3', note: 'thing4' },
  },
  vote_opened: {
    id: 'dev-tmpl-vote-opened',
    longTerm: true,
    fields: { title: 'thing1', time: 'time2', note: 'thing3' },
  },
  vote_closing: {
    id: 'dev-tmpl-vote-closing',
    longTerm: true,
    fields: { title: 'thing1', time: 'time2', note: 'thing3' },
  },
  result_out: {
    id: 'dev-tmpl-result-out',
    longTerm: true,
    fields: { title: 'thing1', status: 'phrase2', time: 'time3' },
  },
  booking_near: {
    id: 'dev-tmpl-booking-near',
    longTerm: false,
    fields: { title: 'thing1', time: 'time2', place: 'thing3', note: 'thing4' },
  },
  booking_day_before: {
    id: 'dev-tmpl-booking-day-before',
    longTerm: false,
    fields: { title: 'thing1', time: 'time2', place: 'thing3', note: 'thing4' },
  },
  booking_cancelled: {
    id: 'dev-tmpl-booking-cancelled',
    longTerm: false,
    fields: { title: 'thing1', time: 'time2', note: 'thing3' },
  },
  waitlist_offered: {
    id: 'dev-tmpl-waitlist-offered',
    longTerm: false,
    fields: { title: 'thing1', time: 'time2', note: 'thing3' },
  },
  booking_rescheduled: {
    id: 'dev-tmpl-booking-rescheduled',
    longTerm: false,
    fields: { title: 'thing1', time: 'time2', place: 'thing3', note: 'thing4' },
  },
  disclosure_published: {
    id: 'dev-tmpl-disclosure-published',
    longTerm: true,
    fields: { title: 'thing1', time: 'time2', note: 'thing3' },
  },
  disclosure_reminder: {
    id: 'dev-tmpl-disclosure-reminder',
    longTerm: false,
    fields: { title: 'thing1', status: 'phrase2', note: 'thing3' },
  },
};

/** Parses WECHAT_SUBSCRIBE_TEMPLATES; throws with a readable reason (config errors stop the start). */
export function parseSubscribeTemplates(json: string): SubscribeTemplates {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`WECHAT_SUBSCRIBE_TEMPLATES is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = ZSubscribeTemplates.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new Error(
      `WECHAT_SUBSCRIBE_TEMPLATES is invalid at ${first?.path.join('.') || '(root)'}: ${first?.message}`,
    );
  }
  const ids = Object.values(r.data).map((t) => t.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`WECHAT_SUBSCRIBE_TEMPLATES uses template ${dup} for two kinds`);
  return r.data;
}

/** The template whose id this is (consents are recorded per template id). */
export function templateById(
  templates: SubscribeTemplates,
  templateId: string,
): { kind: NotifyKind; template: SubscribeTemplate } | undefined {
  for (const kind of NOTIFY_KINDS) {
    const t = templates[kind];
    if (t?.id === templateId) return { kind, template: t };
  }
  return undefined;
}

const HAN = /\p{Script=Han}/u;
const beijing = (d: Date) => {
  const b = new Date(d.getTime() + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${b.getUTCFullYear()}年${b.getUTCMonth() + 1}月${b.getUTCDate()}日 ${p(b.getUTCHours())}:${p(b.getUTCMinutes())}`;
};

/** A time/date value WeChat accepts: "2026年11月23日 20:56", "2026-11-23 20:56", "2026/11/23 20:56". */
export const TIME_VALUE = /^\d{4}([年\-/.])\d{1,2}([月\-/.])\d{1,2}日?( \d{1,2}:\d{2}(:\d{2})?)?$/;

/** Fits one value to its key's type; `fallbackTime` fills a time/date that is missing or malformed. */
export function fitValue(key: string, value: string | undefined, fallbackTime: Date): string {
  const type = key.replace(/\d+$/, '');
  const v = (value ?? '').replace(/[\r\n\t]+/g, ' ').trim();
  switch (type) {
    case 'thing':
      return clip(v || '—', 20);
    case 'phrase': {
      const han = Array.from(v)
        .filter((c) => HAN.test(c))
        .slice(0, 5)
        .join('');
      return han || '有更新';
    }
    case 'time':
    case 'date':
      return TIME_VALUE.test(v) ? v : beijing(fallbackTime);
    case 'character_string':
      return (v.replace(/[^\x21-\x7e]/g, '') || '-').slice(0, 32);
    case 'number':
      return (v.replace(/[^\d.]/g, '') || '0').slice(0, 32);
    case 'letter':
      return (v.replace(/[^A-Za-z]/g, '') || 'A').slice(0, 32);
    case 'name': {
      const han = Array.from(v).filter((c) => HAN.test(c));
      return han.length ? han.slice(0, 10).join('') : clip(v || '村民', 20);
    }
    default:
      return clip(v || '—', 20);
  }
}

/** The `data` of a subscribe message: every key the template has, from the event's semantic fields. */
export function templateData(
  template: SubscribeTemplate,
  fields: Record<string, unknown>,
  at: Date,
): Record<string, { value: string }> {
  const data: Record<string, { value: string }> = {};
  for (const [semantic, key] of Object.entries(template.fields)) {
    const raw = fields[semantic];
    data[key] = { value: fitValue(key, raw == null ? undefined : String(raw), at) };
  }
  return data;
}

/** Beijing-time text for a time field, as the templates want it. */
export const templateTime = beijing;

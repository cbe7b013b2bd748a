/**
 * THE notification interface every capability uses. `notify(tx, event)` turns one event into
 * inbox entries for exactly the people it concerns and outbox rows for their WeChat pushes, in the
 * caller's transaction — so a change and its notifications land together or not at all. Sending
 * happens later, in the notify job (api/_notices/dispatch.ts); the request never waits on WeChat.
 * Outcomes: the event id and how many people it reached (0 is fine: nobody concerned).
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Role } from '../../shared/roles';
import type { NotifyKind } from '../../shared/notices/rules';
import type { Db, Tx } from '../_db/client';

export type Audience =
  | { type: 'village'; villageId: string }
  | { type: 'grid'; villageId: string; gridId: string }
  | { type: 'role'; villageId: string; role: Role }
  | { type: 'users'; userIds: string[] };

export type NotifyEvent = {
  kind: NotifyKind;
  villageId: string | null;
  audience: Audience;
  /** Inbox text, plain Chinese. */
  title: string;
  summary: string;
  /** What the entry links to, e.g. ('notice', id); `page` is the mini-program page to open. */
  objectType: string;
  objectId: string;
  page: string;
  /** Subscribe-message template data by semantic field (title, time, status, note…). */
  fields: Record<string, string>;
  /** May push during quiet hours (a vote closing within them). */
  urgent?: boolean;
  /** Bursts with the same key within an hour are one push; default objectType:objectId. */
  collapseKey?: string;
  /** People not to notify (usually the actor). */
  exclude?: string[];
};

/** SQL selecting the distinct user ids an audience names. */
export function audienceQuery(a: Audience): SQL {
  switch (a.type) {
    case 'village':
      return sql`select distinct user_id from memberships where village_id = ${a.villageId}`;
    case 'role':
      return sql`select distinct user_id from memberships where village_id = ${a.villageId} and role = ${a.role}`;
    case 'grid':
      return sql`select r.user_id from residents r join households h on h.id = r.household_id
        where h.grid_id = ${a.gridId} and h.village_id = ${a.villageId} and r.user_id is not null
        union select worker_user_id from grids where id = ${a.gridId} and village_id = ${a.villageId} and worker_user_id is not null`;
    case 'users':
      if (a.userIds.length === 0) return sql`select null::uuid as user_id where false`;
      return sql`select distinct u.id as user_id from users u where u.id in (${sql.join(
        a.userIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`;
  }
}

/** The values the notification CTEs are written with (`fields`: the subscribe-message fields as JSON text). */
const VALUE_KEYS = [
  'eventId',
  'villageId',
  'kind',
  'title',
  'summary',
  'objectType',
  'objectId',
  'collapseKey',
  'fields',
  'page',
  'urgent',
] as const;
type Values = Record<(typeof VALUE_KEYS)[number], unknown>;
/** The event's own values, or placeholders for them. */
type CteValues = Values & { audience: SQL; exclude: unknown[] };

function ctesOf(v: CteValues): SQL {
  const exclude = v.exclude.length
    ? sql`where a.user_id not in (${sql.join(
        v.exclude.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql``;
  // The audience resolved once, then inbox and outbox written from it; data-modifying CTEs all run.
  return sql`notify_audience as materialized (select a.user_id from (${v.audience}) a ${exclude}),
    notify_inbox as (
      insert into inbox_entries (event_id, user_id, village_id, kind, title, summary, object_type, object_id)
      select ${v.eventId}::uuid, r.user_id, ${v.villageId}::uuid, ${v.kind}, ${v.title}, ${v.summary}, ${v.objectType}, ${v.objectId}
      from notify_audience r
      on conflict do nothing
      returning 1),
    notify_outbox as (
      insert into outbox (event_id, user_id, kind, collapse_key, data, page, urgent)
      select ${v.eventId}::uuid, r.user_id, ${v.kind}, ${v.collapseKey},
        ${v.fields}::jsonb, ${v.page}, ${v.urgent}
      from notify_audience r
      on conflict do nothing)`;
}

function valuesOf(e: NotifyEvent, eventId: string): Values {
  return {
    eventId,
    villageId: e.villageId,
    kind: e.kind,
    title: e.title,
    summary: e.summary,
    objectType: e.objectType,
    objectId: e.objectId,
    collapseKey: e.collapseKey ?? `${e.objectType}:${e.objectId}`,
    fields: JSON.stringify(e.fields),
    page: e.page,
    urgent: e.urgent ?? false,
  };
}

/**
 * The notification as common table expressions (notify_audience, notify_inbox, notify_outbox), for
 * a caller that writes its change and its notification in one statement (`with <its CTEs>,
 * ${ctes} select …`): the statement is atomic on its own, so no transaction is needed.
 */
function notifyCtes(e: NotifyEvent): { eventId: string; ctes: SQL } {
  const eventId = crypto.randomUUID();
  return {
    eventId,
    ctes: ctesOf({ ...valuesOf(e, eventId), audience: audienceQuery(e.audience), exclude: e.exclude ?? [] }),
  };
}

/**
 * The same CTEs for a statement built once (api/_db/prepared.ts): every value is a placeholder
 * named `${prefix}…`, for an event to named users (`users` of them, `excluded` left out);
 * `notifyTemplateValues` gives an event's values for it.
 */
export function notifyCtesTemplate(prefix: string, shape: { users: number; excluded: number }): SQL {
  const p = (k: string) => sql.placeholder(`${prefix}${k}`);
  const users = Array.from({ length: shape.users }, (_, i) => p(`user${i}`) as unknown as string);
  return ctesOf({
    ...(Object.fromEntries(VALUE_KEYS.map((k) => [k, p(k)])) as Values),
    audience: audienceQuery({ type: 'users', userIds: users }),
    exclude: Array.from({ length: shape.excluded }, (_, i) => p(`exclude${i}`)),
  });
}

/** The values of `e` (to named users) for `notifyCtesTemplate(prefix, …)`, and its new event id. */
export function notifyTemplateValues(
  prefix: string,
  e: NotifyEvent,
): { eventId: string; values: Record<string, unknown> } {
  if (e.audience.type !== 'users')
    throw new Error('notifyTemplateValues: only for an audience of named users');
  const eventId = crypto.randomUUID();
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(valuesOf(e, eventId))) values[`${prefix}${k}`] = v;
  e.audience.userIds.forEach((id, i) => {
    values[`${prefix}user${i}`] = id;
  });
  (e.exclude ?? []).forEach((id, i) => {
    values[`${prefix}exclude${i}`] = id;
  });
  return { eventId, values };
}

export async function notify(tx: Db | Tx, e: NotifyEvent): Promise<{ eventId: string; recipients: number }> {
  const { eventId, ctes } = notifyCtes(e);
  // One statement, one round trip.
  const result = await tx.execute(sql`with ${ctes} select count(*)::int as n from notify_inbox`);
  const row = (result as unknown as { rows: { n: number | string }[] }).rows[0];
  return { eventId, recipients: Number(row?.n ?? 0) };
}

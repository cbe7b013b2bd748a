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

/**
 * The notification as common table expressions (notify_audience, notify_inbox, notify_outbox), for
 * a caller that writes its change and its notification in one statement (`with <its CTEs>,
 * ${ctes} select …`): the statement is atomic on its own, so no transaction is needed.
 */
export function notifyCtes(e: NotifyEvent): { eventId: string; ctes: SQL } {
  const eventId = crypto.randomUUID();
  const exclude = e.exclude?.length
    ? sql`where a.user_id not in (${sql.join(
        e.exclude.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql``;
  // The audience resolved once, then inbox and outbox written from it; data-modifying CTEs all run.
  const ctes = sql`notify_audience as materialized (select a.user_id from (${audienceQuery(e.audience)}) a ${exclude}),
    notify_inbox as (
      insert into inbox_entries (event_id, user_id, village_id, kind, title, summary, object_type, object_id)
      select ${eventId}::uuid, r.user_id, ${e.villageId}::uuid, ${e.kind}, ${e.title}, ${e.summary}, ${e.objectType}, ${e.objectId}
      from notify_audience r
      on conflict do nothing
      returning 1),
    notify_outbox as (
      insert into outbox (event_id, user_id, kind, collapse_key, data, page, urgent)
      select ${eventId}::uuid, r.user_id, ${e.kind}, ${e.collapseKey ?? `${e.objectType}:${e.objectId}`},
        ${JSON.stringify(e.fields)}::jsonb, ${e.page}, ${e.urgent ?? false}
      from notify_audience r
      on conflict do nothing)`;
  return { eventId, ctes };
}

export async function notify(tx: Db | Tx, e: NotifyEvent): Promise<{ eventId: string; recipients: number }> {
  const { eventId, ctes } = notifyCtes(e);
  // One statement, one round trip.
  const result = await tx.execute(sql`with ${ctes} select count(*)::int as n from notify_inbox`);
  const row = (result as unknown as { rows: { n: number | string }[] }).rows[0];
  return { eventId, recipients: Number(row?.n ?? 0) };
}

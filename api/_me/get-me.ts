/**
 * The signed-in user's profile, memberships (with names and the household-representative flag)
 * and open join requests, in one query (GET /api/me, and requireAuth for reads, which keeps it for
 * a few seconds). With a session id it also checks the session is live (not revoked, not expired).
 *
 * `sessionAuth` is what a write is authorised with, loaded fresh for every write: the live session
 * and the memberships' ids and roles, without the names, flags and join requests the profile shows.
 */
import { type SQL, sql } from 'drizzle-orm';
import { maskPhone } from '../../shared/format';
import { UUID_RE } from '../../shared/schemas/common';
import type { TMe, TMembership } from '../../shared/schemas/me';
import type { AuthMembership } from '../_app/context';
import type { Db } from '../_db/client';
import { jsonValue, preparedSql } from '../_db/prepared';
import { batchedLookup } from '../_lib/coalesce';

type Row = {
  id: string;
  display_name: string;
  phone: string | null;
  elder_mode: boolean;
  memberships: TMembership[] | string;
  pending_joins: TMe['pendingJoins'] | string;
};

export async function getMe(db: Db, userId: string, sessionId?: string): Promise<TMe | null> {
  const from = sessionId
    ? sql`from sessions s join users u on u.id = s.user_id
        where s.id = ${sessionId} and s.user_id = ${userId} and s.revoked_at is null and s.expires_at > now()`
    : sql`from users u where u.id = ${userId}`;
  const result = await db.execute(sql`
    select u.id, u.display_name, u.phone, u.elder_mode,
      coalesce((
        select json_agg(json_build_object(
          'id', m.id, 'role', m.role, 'villageId', m.village_id, 'villageName', v.name,
          'townId', m.town_id, 'townName', t.name, 'countyId', m.county_id,
          'gridId', m.grid_id, 'gridName', g.name,
          'isHouseholdRep', (m.role = 'villager' and exists (
            select 1 from residents r where r.user_id = u.id and r.village_id = m.village_id and r.is_household_rep))
        ) order by m.created_at, m.id)
        from memberships m
        left join villages v on v.id = m.village_id
        left join towns t on t.id = m.town_id
        left join grids g on g.id = m.grid_id
        where m.user_id = u.id), '[]'::json) as memberships,
      coalesce((
        select json_agg(json_build_object('id', j.id, 'villageId', j.village_id, 'villageName', jv.name, 'status', j.status)
          order by j.created_at)
        from join_requests j join villages jv on jv.id = j.village_id
        where j.user_id = u.id and j.status in ('pending', 'rejected')), '[]'::json) as pending_joins
    ${from}`);
  const row = (result as unknown as { rows: Row[] }).rows[0];
  if (!row) return null;
  return {
    id: row.id,
    displayName: row.display_name,
    phoneMasked: maskPhone(row.phone),
    elderMode: row.elder_mode,
    memberships: jsonValue(row.memberships),
    pendingJoins: jsonValue(row.pending_joins),
  };
}

type AuthRow = { id: string; display_name: string; memberships: AuthMembership[] | string };

/** The memberships (ids and roles) of the user `u`, as a json array. */
const authMemberships = sql`coalesce((
        select json_agg(json_build_object(
          'id', m.id, 'role', m.role, 'villageId', m.village_id, 'townId', m.town_id,
          'countyId', m.county_id, 'gridId', m.grid_id
        ) order by m.created_at, m.id)
        from memberships m where m.user_id = u.id), '[]'::json)`;

/** Sessions `s` with their users `u`, where the session is live (not revoked, not expired). */
const liveSessionsWhere = (which: SQL) => sql`from sessions s join users u on u.id = s.user_id
    where ${which} and s.revoked_at is null and s.expires_at > now()`;

/**
 * The session check every write (and every read the instance has no copy for) makes, built once
 * (api/_db/prepared.ts), for a batch of sessions: requests arriving together share one lookup
 * (batchedLookup, api/_lib/coalesce.ts) — 200 villagers opening the calendar at the same moment
 * make a few lookups, not 200 — and none is answered by a lookup sent before it arrived.
 */
const sessionsStatement = preparedSql(
  () => sql`select s.id as session_id, u.id, u.display_name, ${authMemberships} as memberships
    ${liveSessionsWhere(sql`s.id = any(${sql.placeholder('ids')}::uuid[])`)}`,
);

/**
 * The same check as a column of another statement (a route's own read, so that checking the
 * session costs no round trip of its own): json {id, display_name, memberships} of the user when
 * the session is theirs and live, else null. Read it with `liveFromColumn`.
 */
export function liveSessionColumn(sessionId: SQL, userId: SQL): SQL {
  return sql`(select json_build_object('id', u.id, 'display_name', u.display_name,
        'memberships', ${authMemberships})
      ${liveSessionsWhere(sql`s.id = ${sessionId} and s.user_id = ${userId}`)})`;
}

/** A liveSessionColumn value as the driver gives it. */
export type LiveSessionColumn = AuthRow | string | null;

export type LiveSession = { id: string; displayName: string; memberships: AuthMembership[] };

/** What sessionAuth answers, from a liveSessionColumn value. */
export function liveFromColumn(v: LiveSessionColumn): LiveSession | null {
  if (v === null) return null;
  const row = jsonValue(v);
  return { id: row.id, displayName: row.display_name, memberships: jsonValue(row.memberships) };
}
type SessionRow = AuthRow & { session_id: string };

const liveSessions = batchedLookup(async (db: Db, ids: string[]) => {
  // An array literal of checked uuids (one text parameter: the same on PostgreSQL and PGlite).
  const { rows } = await sessionsStatement<SessionRow>(db, { ids: `{${ids.join(',')}}` });
  return new Map(rows.map((r) => [r.session_id, r]));
});

/** The user and their memberships (ids and roles only) if the session is live, else null. */
export async function sessionAuth(db: Db, userId: string, sessionId: string): Promise<LiveSession | null> {
  // Only a uuid may join a batch: one malformed id would fail everybody's lookup.
  if (!UUID_RE.test(sessionId)) return null;
  const row = await liveSessions(db, sessionId);
  if (!row || row.id !== userId) return null;
  return liveFromColumn(row);
}

/**
 * Reading matters in bulk: the responder's inbox (待办, overdue first), the author's 我的事项, and
 * similar open matters while a villager types; following a matter (关注).
 *
 * Both lists use keyset pagination (an opaque cursor of the last row's sort key), so page 50 costs
 * what page 1 costs; the indexes are `matters_open_due_index` (village_id, due_at, id) where open,
 * and `matters_author_created_index` (author_user_id, village_id, created_at, id).
 *
 * Outcomes:
 * - responderInbox: Ok page; FORBIDDEN (no responder role here); VALIDATION_FAILED (bad cursor).
 * - myMatters: Ok page; VALIDATION_FAILED (bad cursor).
 * - similarMatters: Ok items (empty for text under 4 characters).
 * - follow / unfollow: Ok {following}; NOT_FOUND (not visible); CONFLICT (the matter is over).
 */
import { type SQL, and, asc, desc, eq, isNotNull, or, sql } from 'drizzle-orm';
import { maskName } from '../../shared/format';
import { UUID_RE } from '../../shared/schemas/common';
import type { TMatterInboxQuery } from '../../shared/matters/schemas';
import type { Deps } from '../_app/context';
import { contentPassed } from '../_content';
import { matterFollowers, matters, users } from '../_db/schema';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { visibleMatter } from './matters';
import type { MatterViewer } from './scope';

type Page<T> = { items: T[]; nextCursor: string | null };

function encodeCursor(key: string, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

/** Postgres' text form of a timestamptz, e.g. `2026-12-03 11:12:13.123456+00`. */
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/;

function decodeCursor(cursor: string): { key: string; id: string } | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(v) || v.length !== 2) return null;
    const [key, id] = v as [unknown, unknown];
    if (typeof key !== 'string' || typeof id !== 'string' || !UUID_RE.test(id)) return null;
    if (!TIMESTAMP_RE.test(key)) return null;
    return { key, id };
  } catch {
    return null;
  }
}

const badCursor = () => Err('VALIDATION_FAILED', '翻页标记不对，请刷新', { issues: [{ path: 'cursor' }] });

/** Which of the responder roles the viewer holds here: what the inbox's WHERE is built from. */
type AccessShape = { grid: boolean; cadre: boolean; supervisor: boolean; town: boolean };
const accessShape = (v: MatterViewer): AccessShape => ({
  grid: v.roles.has('grid_worker') && v.gridIds.length > 0,
  cadre: v.roles.has('cadre'),
  supervisor: v.roles.has('supervisor'),
  town: v.roles.has('town_officer'),
});

/**
 * What the caller holds now (the workflow's holders, shared/matters/workflow.ts HOLDERS): the grid's
 * matters while at the grid, the village's below the town, the town's at the town; plus anything
 * assigned to them; plus follow-ups (resolved) and decisions coming back (deciding), which the
 * workflow gives to the grid and the village at any level.
 * The viewer comes in as placeholders (userId, gridIds), so one statement serves every viewer
 * of a shape.
 */
function accessFor(shape: AccessShape): SQL | null {
  const userId = sql.placeholder('userId');
  const belowTown = sql`(${matters.level} <> 'town' or ${matters.state} in ('resolved', 'deciding'))`;
  const atGrid = sql`(${matters.level} = 'grid' or ${matters.state} = 'resolved')`;
  const conds: SQL[] = [
    sql`${matters.assignedUserId} = ${userId}::uuid`,
    sql`(${matters.firstResponderUserId} = ${userId}::uuid and ${atGrid})`,
  ];
  if (shape.grid) {
    conds.push(
      sql`(${matters.gridId} = any(${sql.placeholder('gridIds')}::uuid[]) and ${matters.aboutCadre} = false and ${atGrid})`,
    );
  }
  if (shape.cadre) conds.push(and(eq(matters.aboutCadre, false), belowTown)!);
  if (shape.supervisor) conds.push(and(eq(matters.aboutCadre, true), belowTown)!);
  if (shape.town) conds.push(eq(matters.level, 'town'));
  const responder = shape.grid || shape.cadre || shape.supervisor || shape.town;
  return responder ? or(...conds)! : null;
}

const listCols = {
  id: matters.id,
  villageId: matters.villageId,
  kind: matters.kind,
  category: matters.category,
  text: matters.text,
  state: matters.state,
  level: matters.level,
  aboutCadre: matters.aboutCadre,
  isPublic: matters.isPublic,
  createdAt: matters.createdAt,
  dueAt: matters.dueAt,
  overdueFlaggedAt: matters.overdueFlaggedAt,
  authorName: users.displayName,
};

type ListRow = {
  id: string;
  villageId: string;
  kind: (typeof matters.$inferSelect)['kind'];
  category: string;
  text: string;
  state: (typeof matters.$inferSelect)['state'];
  level: (typeof matters.$inferSelect)['level'];
  aboutCadre: boolean;
  isPublic: boolean;
  createdAt: Date;
  dueAt: Date | null;
  overdueFlaggedAt: Date | null;
  authorName: string;
};

function listItem(r: ListRow, now: Date) {
  return {
    id: r.id,
    villageId: r.villageId,
    kind: r.kind,
    category: r.category,
    text: r.text.length > 120 ? `${r.text.slice(0, 120)}…` : r.text,
    state: r.state,
    level: r.level,
    aboutCadre: r.aboutCadre,
    isPublic: r.isPublic,
    authorName: r.authorName,
    masked: false,
    createdAt: r.createdAt.toISOString(),
    dueAt: r.dueAt?.toISOString() ?? null,
    overdue: r.dueAt !== null && r.dueAt.getTime() <= now.getTime(),
  };
}

export async function responderInbox(
  deps: Pick<Deps, 'db'>,
  v: MatterViewer,
  q: TMatterInboxQuery,
  now = new Date(),
): Promise<Outcome<Page<ReturnType<typeof listItem>>>> {
  const shape = accessShape(v);
  const access = accessFor(shape);
  if (!access) return Err('FORBIDDEN');
  const key = `responder:${Number(shape.grid)}${Number(shape.cadre)}${Number(shape.supervisor)}${Number(shape.town)}`;
  return dueOrderedPage(
    deps,
    key,
    () => [
      sql`${matters.villageId} = ${sql.placeholder('villageId')}::uuid`,
      isNotNull(matters.dueAt),
      access,
    ],
    { villageId: v.villageId, userId: v.userId, gridIds: v.gridIds },
    q,
    now,
  );
}

/**
 * The town's inbox: every open matter escalated to the town, across the town's villages, overdue
 * first. Only for the town's officers (anyone else: NOT_FOUND). Uses `matters_town_due_index`.
 */
export async function townInbox(
  deps: Pick<Deps, 'db'>,
  p: { townId: string; officerTownIds: string[] },
  q: TMatterInboxQuery,
  now = new Date(),
): Promise<Outcome<Page<ReturnType<typeof listItem>>>> {
  if (!p.officerTownIds.includes(p.townId)) return Err('NOT_FOUND');
  if (q.level && q.level !== 'town') return Ok({ items: [], nextCursor: null });
  return dueOrderedPage(
    deps,
    'town',
    () => [
      eq(matters.level, 'town'),
      isNotNull(matters.dueAt),
      sql`${matters.villageId} in (select id from villages where town_id = ${sql.placeholder('townId')}::uuid)`,
    ],
    { townId: p.townId },
    q,
    now,
  );
}

/**
 * The inbox query of one shape (who asks, which filters are set), built once per database and
 * kept as a prepared statement: building a drizzle query was a third of an inbox request's CPU.
 * Every value is a placeholder, so one shape serves every viewer and every filter value.
 */
type InboxQuery = { execute(values: Record<string, unknown>): Promise<(ListRow & { key: string })[]> };
const inboxQueries = new WeakMap<object, Map<string, InboxQuery>>();

/**
 * One page of open matters matching `base` and the inbox filters, ascending deadline (overdue
 * first, longest overdue on top, then what runs out soonest), keyset-paged on (due_at, id).
 */
async function dueOrderedPage(
  deps: Pick<Deps, 'db'>,
  baseKey: string,
  base: () => SQL[],
  values: Record<string, unknown>,
  q: TMatterInboxQuery,
  now: Date,
): Promise<Outcome<Page<ReturnType<typeof listItem>>>> {
  let cursor: { key: string; id: string } | null = null;
  if (q.cursor) {
    cursor = decodeCursor(q.cursor);
    if (!cursor) return badCursor();
  }
  const has = {
    level: q.level !== undefined,
    state: q.state !== undefined,
    kind: q.kind !== undefined,
    category: q.category !== undefined,
    overdue: q.overdue === undefined ? '' : q.overdue ? 'y' : 'n',
    cursor: cursor !== null,
  };
  const key = `${baseKey}|${Object.values(has).map(String).join(',')}`;
  let byKey = inboxQueries.get(deps.db);
  if (!byKey) {
    byKey = new Map();
    inboxQueries.set(deps.db, byKey);
  }
  let query = byKey.get(key);
  if (!query) {
    const conds = base();
    if (has.level) conds.push(sql`${matters.level} = ${sql.placeholder('level')}`);
    if (has.state) conds.push(sql`${matters.state} = ${sql.placeholder('state')}`);
    if (has.kind) conds.push(sql`${matters.kind} = ${sql.placeholder('kind')}`);
    if (has.category) conds.push(sql`${matters.category} = ${sql.placeholder('category')}`);
    if (has.overdue === 'y') conds.push(sql`${matters.dueAt} <= ${sql.placeholder('now')}::timestamptz`);
    if (has.overdue === 'n') conds.push(sql`${matters.dueAt} > ${sql.placeholder('now')}::timestamptz`);
    if (has.cursor) {
      conds.push(
        sql`(${matters.dueAt}, ${matters.id}) > (${sql.placeholder('cursorKey')}::timestamptz, ${sql.placeholder('cursorId')}::uuid)`,
      );
    }
    query = deps.db
      .select({ ...listCols, key: sql<string>`${matters.dueAt}::text` })
      .from(matters)
      .innerJoin(users, eq(users.id, matters.authorUserId))
      .where(and(...conds))
      .orderBy(asc(matters.dueAt), asc(matters.id))
      .limit(sql.placeholder('limit'))
      .prepare(`inbox_${byKey.size + 1}`) as unknown as InboxQuery;
    byKey.set(key, query);
  }
  const rows = await query.execute({
    ...values,
    level: q.level,
    state: q.state,
    kind: q.kind,
    category: q.category,
    now: now.toISOString(),
    cursorKey: cursor?.key,
    cursorId: cursor?.id,
    limit: q.limit + 1,
  });
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return Ok({
    items: page.map((r) => listItem(r, now)),
    nextCursor: more && last ? encodeCursor(last.key, last.id) : null,
  });
}

export async function myMatters(
  deps: Pick<Deps, 'db'>,
  v: MatterViewer,
  q: { cursor?: string; limit: number },
  now = new Date(),
): Promise<Outcome<Page<ReturnType<typeof listItem>>>> {
  const conds: SQL[] = [eq(matters.authorUserId, v.userId), eq(matters.villageId, v.villageId)];
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    if (!c) return badCursor();
    conds.push(sql`(${matters.createdAt}, ${matters.id}) < (${c.key}::timestamptz, ${c.id}::uuid)`);
  }
  const rows = await deps.db
    .select({ ...listCols, key: sql<string>`${matters.createdAt}::text` })
    .from(matters)
    .innerJoin(users, eq(users.id, matters.authorUserId))
    .where(and(...conds))
    .orderBy(desc(matters.createdAt), desc(matters.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return Ok({
    items: page.map((r) => listItem(r, now)),
    nextCursor: more && last ? encodeCursor(last.key, last.id) : null,
  });
}

/**
 * Below this the typed text is not offered as "the same matter". `word_similarity(typed, text)`
 * (pg_trgm): how well the typed words match some stretch of an earlier matter's text, so a few
 * typed characters still find a long description. Chinese has no spaces; trigrams of characters
 * work the same (checked on PGlite and PostgreSQL with a C.UTF-8 database).
 */
export const SIMILARITY_MIN = 0.3;
const SIMILAR_MIN_CHARS = 4;
const SIMILAR_LIMIT = 5;

export async function similarMatters(
  deps: Pick<Deps, 'db'>,
  v: MatterViewer,
  q: { category: string; text: string },
) {
  if (Array.from(q.text).length < SIMILAR_MIN_CHARS) return Ok({ items: [] });
  const score = sql<number>`word_similarity(${q.text}, ${matters.text})`;
  const followers = sql<number>`(select count(*) from matter_followers f where f.matter_id = ${matters.id})`;
  // Scope first (village, category, open, public: the partial index), then rank by similarity.
  const rows = await deps.db
    .select({
      id: matters.id,
      text: matters.text,
      state: matters.state,
      createdAt: matters.createdAt,
      authorName: users.displayName,
      similarity: score.mapWith(Number),
      followers: followers.mapWith(Number),
    })
    .from(matters)
    .innerJoin(users, eq(users.id, matters.authorUserId))
    .where(
      and(
        eq(matters.villageId, v.villageId),
        eq(matters.category, q.category),
        eq(matters.isPublic, true),
        isNotNull(matters.dueAt),
        sql`${score} >= ${SIMILARITY_MIN}`,
        contentPassed('matter', matters.id),
      ),
    )
    .orderBy(desc(score), desc(matters.createdAt))
    .limit(SIMILAR_LIMIT);
  return Ok({
    items: rows.map((r) => ({
      id: r.id,
      text: r.text.length > 120 ? `${r.text.slice(0, 120)}…` : r.text,
      state: r.state,
      createdAt: r.createdAt.toISOString(),
      authorName: maskName(r.authorName),
      similarity: Math.round(r.similarity * 100) / 100,
      followers: r.followers,
    })),
  });
}

export async function follow(
  deps: Pick<Deps, 'db'>,
  v: MatterViewer,
  matterId: string,
  on: boolean,
): Promise<Outcome<{ following: boolean }>> {
  const row = await visibleMatter(deps, v, matterId);
  if (!row) return Err('NOT_FOUND');
  if (!on) {
    await deps.db
      .delete(matterFollowers)
      .where(and(eq(matterFollowers.matterId, matterId), eq(matterFollowers.userId, v.userId)));
    return Ok({ following: false });
  }
  if (row.m.dueAt === null) return Err('CONFLICT', '这件事已经结束了，不能再关注');
  await deps.db.insert(matterFollowers).values({ matterId, userId: v.userId }).onConflictDoNothing();
  return Ok({ following: true });
}

/**
 * The public board: every published disclosure of a village (current version, totals, household
 * reads, the chain head, overdue periods) and one disclosure with all its versions, what changed
 * between them and the questions on its lines.
 *
 * Caching: the board and each detail are cached in this process and in Redis under keys stamped
 * with the village's chain head read from the database on every request (`board:<village>:<seq>`).
 * Publishing moves the head, so a request after a publish can never find the earlier board: a
 * stale cache cannot show an unpublished or superseded version as current, even when Redis missed
 * an invalidation. Read counts and answers may lag by the TTL. Redis down: built from the database.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { DISCLOSURE_KIND_LABELS } from '../../shared/disclosures/kinds';
import { type DiffLine, diffLines, versionLines } from '../../shared/disclosures/diff';
import { ledgerTotals } from '../../shared/disclosures/ledger';
import { periodLabel } from '../../shared/disclosures/periods';
import type { TBoard, TDisclosureDetail } from '../../shared/disclosures/schemas';
import type { Deps } from '../_app/context';
import type { Db } from '../_db/client';
import {
  disclosureQuestions,
  disclosureReads,
  disclosureVersions,
  disclosures,
  matterEvents,
  matters,
  residents,
  villages,
} from '../_db/schema';
import { coalescedRead } from '../_lib/coalesce';
import { sha256Hex } from './chain';
import { villageDue } from './schedule';
import { BoundedMap } from '../_lib/bounded-map';

export const BOARD_TTL_S = 30;
const MEMORY_MAX = 500;

/** A cached value with its ETag and its JSON, serialised once (the board is served as these bytes). */
type Cached<T> = { value: T; etag: string; at: number; body: string };
const memory = new BoundedMap<string, Cached<unknown>>(MEMORY_MAX);

/** The version stamp of everything public about a village: its chain head. */
async function readHead(db: Db, villageId: string) {
  const rows = await db.execute(
    sql`select v.name, coalesce(h.seq, 0) as seq, coalesce(h.hash, '') as hash
        from villages v left join disclosure_heads h on h.village_id = v.id where v.id = ${villageId}`,
  );
  const r = (rows as unknown as { rows: { name: string; seq: number; hash: string }[] }).rows[0];
  return r ? { name: r.name, seq: Number(r.seq), hash: r.hash } : null;
}

/**
 * The chain head, read from the database for every request — concurrent requests of a village
 * share one query, but only one sent after they arrived (api/_lib/coalesce.ts), so a read that
 * starts after a publish answered always sees the new head.
 */
export const headStamp = coalescedRead(readHead);

/**
 * A value built by `build`, cached under `key` (already stamped with the head) in memory and Redis
 * for BOARD_TTL_S. Returns it with an ETag for HTTP revalidation.
 */
async function cached<T>(
  deps: Pick<Deps, 'redis'>,
  key: string,
  build: () => Promise<T>,
  now = Date.now(),
): Promise<Cached<T>> {
  const mem = memory.get(key) as Cached<T> | undefined;
  if (mem && now - mem.at < BOARD_TTL_S * 1000) return mem;
  const fromRedis = await deps.redis.cacheGet<Omit<Cached<T>, 'body'>>(key);
  if (fromRedis && now - fromRedis.at < BOARD_TTL_S * 1000) {
    const c = { ...fromRedis, body: JSON.stringify(fromRedis.value) };
    memory.set(key, c);
    return c;
  }
  const value = await build();
  const body = JSON.stringify(value);
  const c: Cached<T> = { value, etag: `"${sha256Hex(body).slice(0, 32)}"`, at: now, body };
  memory.set(key, c);
  await deps.redis.cacheSet(key, { value, etag: c.etag, at: now }, BOARD_TTL_S);
  return c;
}

export const boardKey = (villageId: string, seq: number) => `board:${villageId}:${seq}`;
export const detailKey = (villageId: string, seq: number, id: string) =>
  `disclosure:${villageId}:${seq}:${id}`;

/** After a publish commits: drop the entries of earlier heads (hygiene; their keys are never read again). */
export async function invalidateBoard(deps: Pick<Deps, 'redis'>, villageId: string, previousSeq: number) {
  for (const k of memory.keys())
    if (k.startsWith(`board:${villageId}:`) || k.startsWith(`disclosure:${villageId}:`)) memory.delete(k);
  await deps.redis.cacheDel(boardKey(villageId, previousSeq));
}

async function readCounts(db: Db, ids: string[]) {
  if (ids.length === 0) return {};
  const rows = await db
    .select({ id: disclosureReads.disclosureId, n: sql<number>`count(*)`.mapWith(Number) })
    .from(disclosureReads)
    .where(inArray(disclosureReads.disclosureId, ids))
    .groupBy(disclosureReads.disclosureId);
  return Object.fromEntries(rows.map((r) => [r.id, r.n]));
}

async function buildBoard(
  deps: Pick<Deps, 'db'>,
  villageId: string,
  head: { name: string; seq: number; hash: string },
  now: Date,
): Promise<TBoard> {
  const rows = await deps.db
    .select({ d: disclosures, v: disclosureVersions })
    .from(disclosures)
    .innerJoin(
      disclosureVersions,
      and(
        eq(disclosureVersions.disclosureId, disclosures.id),
        eq(disclosureVersions.versionNo, disclosures.currentVersionNo),
      ),
    )
    // Only what is published, and up to the stamped head (a publish racing this read waits for the next stamp).
    .where(
      and(
        eq(disclosures.villageId, villageId),
        eq(disclosureVersions.status, 'published'),
        sql`${disclosureVersions.seq} <= ${head.seq}`,
      ),
    )
    .orderBy(desc(disclosureVersions.publishedAt));
  const ids = rows.map((r) => r.d.id);
  const counts = ids.length
    ? await deps.db
        .select({ id: disclosureVersions.disclosureId, n: sql<number>`count(*)`.mapWith(Number) })
        .from(disclosureVersions)
        .where(and(inArray(disclosureVersions.disclosureId, ids), eq(disclosureVersions.status, 'published')))
        .groupBy(disclosureVersions.disclosureId)
    : [];
  const versions = Object.fromEntries(counts.map((c) => [c.id, c.n]));
  const due = await villageDue(deps.db, villageId, now);
  return {
    villageId,
    villageName: head.name,
    head: { seq: head.seq, hash: head.hash },
    items: rows.map(({ d, v }) => ({
      id: d.id,
      kind: d.kind,
      kindLabel: DISCLOSURE_KIND_LABELS[d.kind],
      period: d.period,
      periodLabel: d.period ? periodLabel(d.period) : DISCLOSURE_KIND_LABELS[d.kind],
      title: v.title,
      versionNo: v.versionNo,
      versions: versions[d.id] ?? 1,
      publishedAt: v.publishedAt!.toISOString(),
      seq: v.seq!,
      totals: v.ledger ? ledgerTotals(v.ledger) : null,
      proposalId: d.proposalId,
    })),
    reads: await readCounts(deps.db, ids),
    overdue: due
      .filter((x) => x.state === 'overdue')
      .map((x) => ({
        kind: x.kind,
        period: x.period,
        periodLabel: `${periodLabel(x.period)}${DISCLOSURE_KIND_LABELS[x.kind]}`,
        due: x.due,
      })),
    generatedAt: now.toISOString(),
  };
}

export async function getBoard(deps: Pick<Deps, 'db' | 'redis'>, villageId: string, now = new Date()) {
  const head = await headStamp(deps.db, villageId);
  if (!head) return null;
  return cached(deps, boardKey(villageId, head.seq), () => buildBoard(deps, villageId, head, now));
}

// ---------------------------------------------------------------------------------------------

const ANSWER_STATES = new Set<string>(['resolved', 'followed_up', 'closed', 'declined']);

async function questionsOf(db: Db, disclosureId: string) {
  const qs = await db
    .select({ q: disclosureQuestions, state: matters.state })
    .from(disclosureQuestions)
    .innerJoin(matters, eq(matters.id, disclosureQuestions.matterId))
    .where(eq(disclosureQuestions.disclosureId, disclosureId))
    .orderBy(asc(disclosureQuestions.createdAt));
  const out = [];
  for (const { q, state } of qs) {
    // The answer is the latest note a responder (not the asker) wrote on the matter.
    const [ans] = await db
      .select({ note: matterEvents.note })
      .from(matterEvents)
      .where(
        and(
          eq(matterEvents.matterId, q.matterId),
          sql`${matterEvents.note} is not null`,
          sql`${matterEvents.actorUserId} is distinct from ${q.askedBy}`,
        ),
      )
      .orderBy(desc(matterEvents.createdAt))
      .limit(1);
    out.push({
      id: q.id,
      versionNo: q.versionNo,
      lineNo: q.lineNo,
      // The villager's own words stay in their matter (not content-checked for the public board).
      text: '村民对这一行提出了质询',
      state: ANSWER_STATES.has(state) ? '已答复' : '监委会办理中',
      answer: ans?.note ?? null,
      askedAt: q.createdAt.toISOString(),
    });
  }
  return out;
}

async function buildDetail(
  db: Db,
  villageId: string,
  disclosureId: string,
  seq: number,
): Promise<TDisclosureDetail | null> {
  const [d] = await db
    .select()
    .from(disclosures)
    .where(and(eq(disclosures.id, disclosureId), eq(disclosures.villageId, villageId)));
  if (!d) return null;
  const vs = await db
    .select()
    .from(disclosureVersions)
    .where(
      and(
        eq(disclosureVersions.disclosureId, d.id),
        eq(disclosureVersions.status, 'published'),
        sql`${disclosureVersions.seq} <= ${seq}`,
      ),
    )
    .orderBy(asc(disclosureVersions.versionNo));
  if (vs.length === 0) return null;
  let prev: string[] = [];
  const versions = vs.map((v) => {
    const lines = versionLines({
      title: v.title,
      body: v.body,
      ledger: v.ledger ?? null,
      sections: v.sections ?? null,
    });
    const changes: DiffLine[] = prev.length ? diffLines(prev, lines).filter((l) => l.op !== 'same') : [];
    prev = lines;
    return {
      id: v.id,
      versionNo: v.versionNo,
      seq: v.seq!,
      title: v.title,
      body: v.body,
      reason: v.reason,
      ledger: v.ledger ?? null,
      totals: v.ledger ? ledgerTotals(v.ledger) : null,
      sections: v.sections ?? null,
      publishedAt: v.publishedAt!.toISOString(),
      cosignedBy: v.cosignerName ?? '',
      prevHash: v.prevHash!,
      hash: v.hash!,
      changes,
    };
  });
  return {
    id: d.id,
    villageId,
    kind: d.kind,
    kindLabel: DISCLOSURE_KIND_LABELS[d.kind],
    period: d.period,
    periodLabel: d.period ? periodLabel(d.period) : DISCLOSURE_KIND_LABELS[d.kind],
    proposalId: d.proposalId,
    current: versions.at(-1)!.versionNo,
    versions,
    questions: [],
    readHouseholds: 0,
  };
}

export async function getDetail(deps: Pick<Deps, 'db' | 'redis'>, villageId: string, disclosureId: string) {
  const head = await headStamp(deps.db, villageId);
  if (!head) return null;
  const c = await cached(deps, detailKey(villageId, head.seq, disclosureId), () =>
    buildDetail(deps.db, villageId, disclosureId, head.seq),
  );
  if (!c.value) return null;
  // Questions, answers and reads change without a publish: read fresh, so an asker sees their
  // question at once (the published versions above are what the cache holds).
  const [reads] = await deps.db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(disclosureReads)
    .where(eq(disclosureReads.disclosureId, disclosureId));
  const value: TDisclosureDetail = {
    ...c.value,
    questions: await questionsOf(deps.db, disclosureId),
    readHouseholds: reads?.n ?? 0,
  };
  const body = JSON.stringify(value);
  return { value, etag: `"${sha256Hex(body).slice(0, 32)}"`, at: c.at, body };
}

/** Records that the reader's household opened the disclosure; the number of distinct households. */
export async function recordRead(db: Db, p: { villageId: string; userId: string; disclosureId: string }) {
  const [d] = await db
    .select({ id: disclosures.id, current: disclosures.currentVersionNo })
    .from(disclosures)
    .where(and(eq(disclosures.id, p.disclosureId), eq(disclosures.villageId, p.villageId)));
  if (!d || d.current === 0) return null;
  const [r] = await db
    .select({ householdId: residents.householdId })
    .from(residents)
    .where(and(eq(residents.villageId, p.villageId), eq(residents.userId, p.userId)));
  if (r) {
    await db
      .insert(disclosureReads)
      .values({ disclosureId: d.id, householdId: r.householdId, firstUserId: p.userId })
      .onConflictDoNothing();
  }
  const [n] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(disclosureReads)
    .where(eq(disclosureReads.disclosureId, d.id));
  return { readHouseholds: n?.n ?? 0, counted: !!r };
}

export async function villageExists(db: Db, villageId: string) {
  const [v] = await db.select({ id: villages.id }).from(villages).where(eq(villages.id, villageId));
  return !!v;
}

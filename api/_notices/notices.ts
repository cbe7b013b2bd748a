/**
 * Notices (通知公告). Cadres publish to the village, a grid or a role; the audience gets an inbox
 * entry and a push (through notify). A villager lists only notices addressed to them; cadres and
 * supervisors list all of the village's, with read counts.
 * Outcomes: publish → the notice · NOT_FOUND (grid of another village) | get → the notice, marked read.
 */
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { ROLE_LABELS, type Role } from '../../shared/roles';
import type { TNotice, TNoticeAudience, TPublishNotice } from '../../shared/notices/schemas';
import { clip } from '../../shared/notices/rules';
import type { Auth, Deps } from '../_app/context';
import { grids, households, inboxEntries, noticeReads, notices, residents, users } from '../_db/schema';
import { audit } from '../_lib/audit';
import { villageRoles } from '../_lib/access';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { notify } from './notify';

type NoticeRow = typeof notices.$inferSelect;

function audienceOf(n: NoticeRow): TNoticeAudience {
  if (n.audience === 'grid' && n.gridId) return { type: 'grid', gridId: n.gridId };
  if (n.audience === 'role' && n.role) return { type: 'role', role: n.role };
  return { type: 'village' };
}

function audienceLabel(n: NoticeRow, gridName: string | null): string {
  if (n.audience === 'grid') return gridName ?? '本网格';
  if (n.audience === 'role' && n.role) return `全体${ROLE_LABELS[n.role]}`;
  return '全村';
}

const beijingTime = (d: Date) =>
  d.toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });

export async function publishNotice(
  deps: Deps,
  p: { villageId: string; actorUserId: string; requestId: string; input: TPublishNotice },
): Promise<Outcome<{ id: string; recipients: number }>> {
  const { audience, ...rest } = p.input;
  if (audience.type === 'grid') {
    const [g] = await deps.db
      .select({ id: grids.id })
      .from(grids)
      .where(and(eq(grids.id, audience.gridId), eq(grids.villageId, p.villageId)));
    if (!g) return Err('NOT_FOUND', '没有这个网格');
  }
  if (rest.expiresAt && new Date(rest.expiresAt).getTime() <= Date.now()) {
    return Err('VALIDATION_FAILED', '截止时间要在现在之后');
  }
  return deps.db.transaction(async (tx) => {
    const [n] = await tx
      .insert(notices)
      .values({
        villageId: p.villageId,
        title: rest.title,
        body: rest.body,
        pinned: rest.pinned ?? false,
        expiresAt: rest.expiresAt ? new Date(rest.expiresAt) : null,
        audience: audience.type,
        gridId: audience.type === 'grid' ? audience.gridId : null,
        role: audience.type === 'role' ? audience.role : null,
        publishedBy: p.actorUserId,
      })
      .returning();
    const notice = n!;
    const { recipients } = await notify(tx, {
      kind: 'notice_published',
      villageId: p.villageId,
      audience:
        audience.type === 'village'
          ? { type: 'village', villageId: p.villageId }
          : audience.type === 'grid'
            ? { type: 'grid', villageId: p.villageId, gridId: audience.gridId }
            : { type: 'role', villageId: p.villageId, role: audience.role },
      title: notice.title,
      summary: clip(notice.body.replace(/\s+/g, ' '), 60),
      objectType: 'notice',
      objectId: notice.id,
      page: `/pages/notice/index?villageId=${p.villageId}&id=${notice.id}`,
      fields: {
        title: clip(notice.title),
        time: beijingTime(notice.publishedAt),
        note: clip(notice.body.replace(/\s+/g, ' ')),
      },
      exclude: [p.actorUserId],
    });
    await audit(tx, {
      actorUserId: p.actorUserId,
      action: 'notice.publish',
      targetType: 'notice',
      targetId: notice.id,
      villageId: p.villageId,
      requestId: p.requestId,
      details: { audience, recipients },
    });
    return Ok({ id: notice.id, recipients });
  });
}

/** Conditions under which a notice is addressed to `auth` in this village. */
async function addressedTo(deps: Deps, auth: Auth, villageId: string) {
  const roles = [...villageRoles(auth, villageId)] as Role[];
  const myGrids = await deps.db
    .select({ gridId: households.gridId })
    .from(residents)
    .innerJoin(households, eq(households.id, residents.householdId))
    .where(and(eq(residents.userId, auth.userId), eq(residents.villageId, villageId)));
  const gridIds = [
    ...myGrids.map((g) => g.gridId).filter((g): g is string => !!g),
    ...auth.memberships.filter((m) => m.villageId === villageId && m.gridId).map((m) => m.gridId!),
  ];
  return or(
    eq(notices.audience, 'village'),
    gridIds.length
      ? and(
          eq(notices.audience, 'grid'),
          sql`${notices.gridId} in (${sql.join(
            gridIds.map((g) => sql`${g}::uuid`),
            sql`, `,
          )})`,
        )
      : undefined,
    roles.length
      ? and(
          eq(notices.audience, 'role'),
          sql`${notices.role} in (${sql.join(
            roles.map((r) => sql`${r}`),
            sql`, `,
          )})`,
        )
      : undefined,
  );
}

export async function listNotices(
  deps: Deps,
  auth: Auth,
  villageId: string,
  opts: { includeExpired: boolean; noticeId?: string },
): Promise<TNotice[]> {
  const roles = villageRoles(auth, villageId);
  const seesAll = roles.has('cadre') || roles.has('supervisor');
  // Reads by the people the notice was sent to (a cadre opening someone else's notice doesn't count).
  const readCounts = deps.db
    .select({ noticeId: noticeReads.noticeId, n: sql<number>`count(*)`.as('read_n') })
    .from(noticeReads)
    .innerJoin(notices, eq(notices.id, noticeReads.noticeId))
    .innerJoin(
      inboxEntries,
      and(
        eq(inboxEntries.userId, noticeReads.userId),
        eq(inboxEntries.objectType, 'notice'),
        sql`${inboxEntries.objectId} = ${noticeReads.noticeId}::text`,
      ),
    )
    .where(eq(notices.villageId, villageId))
    .groupBy(noticeReads.noticeId)
    .as('rc');
  const audienceCounts = deps.db
    .select({ objectId: inboxEntries.objectId, n: sql<number>`count(*)`.as('audience_n') })
    .from(inboxEntries)
    .where(and(eq(inboxEntries.villageId, villageId), eq(inboxEntries.objectType, 'notice')))
    .groupBy(inboxEntries.objectId)
    .as('ac');
  const mine = deps.db
    .select({ noticeId: noticeReads.noticeId })
    .from(noticeReads)
    .where(eq(noticeReads.userId, auth.userId))
    .as('mine');
  const rows = await deps.db
    .select({
      n: notices,
      gridName: grids.name,
      publisherName: users.displayName,
      readCount: readCounts.n,
      audienceCount: audienceCounts.n,
      readByMe: mine.noticeId,
    })
    .from(notices)
    .innerJoin(users, eq(users.id, notices.publishedBy))
    .leftJoin(grids, eq(grids.id, notices.gridId))
    .leftJoin(readCounts, eq(readCounts.noticeId, notices.id))
    .leftJoin(audienceCounts, sql`${audienceCounts.objectId} = ${notices.id}::text`)
    .leftJoin(mine, eq(mine.noticeId, notices.id))
    .where(
      and(
        eq(notices.villageId, villageId),
        isNull(notices.withdrawnAt),
        opts.noticeId ? eq(notices.id, opts.noticeId) : undefined,
        opts.includeExpired ? undefined : or(isNull(notices.expiresAt), gt(notices.expiresAt, new Date())),
        seesAll ? undefined : await addressedTo(deps, auth, villageId),
      ),
    )
    .orderBy(desc(notices.pinned), desc(notices.publishedAt))
    .limit(100);
  return rows.map((r) => ({
    id: r.n.id,
    villageId: r.n.villageId,
    title: r.n.title,
    body: r.n.body,
    audience: audienceOf(r.n),
    audienceLabel: audienceLabel(r.n, r.gridName),
    pinned: r.n.pinned,
    expiresAt: r.n.expiresAt?.toISOString() ?? null,
    publishedAt: r.n.publishedAt.toISOString(),
    publisherName: r.publisherName,
    read: r.readByMe !== null || r.n.publishedBy === auth.userId,
    readCount: seesAll ? Number(r.readCount ?? 0) : null,
    audienceCount: seesAll ? Number(r.audienceCount ?? 0) : null,
  }));
}

/** Opens a notice: records the read (once per person) and clears its inbox entry. */
export async function openNotice(
  deps: Deps,
  auth: Auth,
  villageId: string,
  noticeId: string,
): Promise<Outcome<TNotice>> {
  const [found] = await listNotices(deps, auth, villageId, { includeExpired: true, noticeId });
  if (!found) return Err('NOT_FOUND');
  if (!found.read) {
    await deps.db.transaction(async (tx) => {
      await tx.insert(noticeReads).values({ noticeId, userId: auth.userId }).onConflictDoNothing();
      await tx
        .update(inboxEntries)
        .set({ readAt: new Date() })
        .where(
          and(
            eq(inboxEntries.userId, auth.userId),
            eq(inboxEntries.objectType, 'notice'),
            eq(inboxEntries.objectId, noticeId),
            isNull(inboxEntries.readAt),
          ),
        );
    });
    const [updated] = await listNotices(deps, auth, villageId, { includeExpired: true, noticeId });
    return Ok({ ...(updated ?? found), read: true });
  }
  return Ok(found);
}

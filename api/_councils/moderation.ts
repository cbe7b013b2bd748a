/**
 * Moderating deliberation (民事民议): any member reports a comment; the moderators — cadres and
 * supervisors of the village — see the comments with open reports and either hide one, with a
 * reason its author sees, or keep it. Either decision settles the comment's open reports; a later
 * report by someone else opens it again.
 *
 * Outcomes:
 * - reportComment: Ok {id, reports} (once per person; a second report counts once) · NOT_FOUND.
 * - listReportedComments: Ok {items} · FORBIDDEN (not a moderator).
 * - hideComment: Ok {id, hidden, settled} · FORBIDDEN · NOT_FOUND.
 * - keepComment: Ok {id, hidden: false, settled} · FORBIDDEN (not a moderator, or their own
 *   comment: someone else decides it) · NOT_FOUND · CONFLICT (nothing open to settle, or the
 *   comment was hidden meanwhile).
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { TReportedComment } from '../../shared/councils/schemas';
import { maskName } from '../../shared/format';
import { clip } from '../../shared/notices/rules';
import type { Deps } from '../_app/context';
import { visibleTargetIds } from '../_content';
import type { Db, Tx } from '../_db/client';
import { commentReports, proposalComments } from '../_db/schema';
import { audit } from '../_lib/audit';
import { notify } from '../_notices/notify';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { type CouncilViewer, rowsOf } from './viewer';
import { isModerator } from './visibility';

async function findComment(db: Db | Tx, v: CouncilViewer, commentId: string) {
  const [c] = await db
    .select()
    .from(proposalComments)
    .where(and(eq(proposalComments.id, commentId), eq(proposalComments.villageId, v.villageId)));
  return c;
}

/** Settles a comment's open reports; returns how many. */
async function settle(tx: Tx, commentId: string, by: string, resolution: 'hidden' | 'kept', now: Date) {
  const rows = await tx
    .update(commentReports)
    .set({ resolvedAt: now, resolvedBy: by, resolution })
    .where(and(eq(commentReports.commentId, commentId), isNull(commentReports.resolvedAt)))
    .returning({ userId: commentReports.userId });
  return rows.length;
}

export async function reportComment(
  deps: Deps,
  v: CouncilViewer,
  commentId: string,
  reason: string,
  requestId: string,
) {
  const c = await findComment(deps.db, v, commentId);
  if (!c) return Err('NOT_FOUND');
  return deps.db.transaction(async (tx) => {
    // A report on a comment already hidden has nothing left to decide.
    const settled = c.hiddenAt
      ? { resolvedAt: new Date(), resolvedBy: c.hiddenBy, resolution: 'hidden' as const }
      : {};
    const [r] = await tx
      .insert(commentReports)
      .values({ commentId: c.id, userId: v.userId, reason, ...settled })
      .onConflictDoNothing()
      .returning();
    if (r) {
      await audit(tx, {
        actorUserId: v.userId,
        action: 'comment.report',
        targetType: 'comment',
        targetId: c.id,
        villageId: v.villageId,
        requestId,
        details: { reason },
      });
    }
    const [n] = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(*)::int as n from comment_reports where comment_id = ${c.id}`),
    );
    return Ok({ id: c.id, reports: n!.n });
  });
}

export async function listReportedComments(
  deps: Deps,
  v: CouncilViewer,
): Promise<Outcome<{ items: TReportedComment[] }>> {
  if (!isModerator(v)) return Err('FORBIDDEN');
  const rows = rowsOf<{
    comment_id: string;
    proposal_id: string;
    proposal_title: string;
    kind: 'comment' | 'question' | 'answer';
    text: string;
    author_user_id: string;
    author_name: string;
    created_at: Date | string;
    reports: number;
    first_reported_at: Date | string;
    reasons: { reason: string; count: number }[];
  }>(
    await deps.db.execute(sql`
      select c.id as comment_id, c.proposal_id, p.title as proposal_title, c.kind, c.text,
        c.author_user_id, u.display_name as author_name, c.created_at,
        r.reports, r.first_reported_at, r.reasons
      from (
        select comment_id, count(*)::int as reports, min(created_at) as first_reported_at,
          (select coalesce(json_agg(json_build_object('reason', x.reason, 'count', x.n) order by x.n desc, x.reason), '[]'::json)
             from (select reason, count(*)::int as n from comment_reports r2
                   where r2.comment_id = r1.comment_id and r2.resolved_at is null group by reason) x) as reasons
        from comment_reports r1
        where resolved_at is null
        group by comment_id
      ) r
      join proposal_comments c on c.id = r.comment_id
      join proposals p on p.id = c.proposal_id
      join users u on u.id = c.author_user_id
      where c.village_id = ${v.villageId} and c.hidden_at is null
      order by r.reports desc, r.first_reported_at asc
      limit 200`),
  );
  const passed = await visibleTargetIds(
    deps.db,
    'comment',
    rows.map((r) => r.comment_id),
  );
  const iso = (d: Date | string) => new Date(d).toISOString();
  return Ok({
    items: rows.map((r) => ({
      commentId: r.comment_id,
      proposalId: r.proposal_id,
      proposalTitle: r.proposal_title,
      kind: r.kind,
      text: r.text,
      authorName: r.kind === 'answer' ? r.author_name : maskName(r.author_name),
      mine: r.author_user_id === v.userId,
      pendingCheck: r.kind !== 'answer' && !passed.has(r.comment_id),
      createdAt: iso(r.created_at),
      reports: r.reports,
      reasons: r.reasons,
      firstReportedAt: iso(r.first_reported_at),
    })),
  });
}

export async function hideComment(
  deps: Deps,
  v: CouncilViewer,
  commentId: string,
  reason: string,
  requestId: string,
) {
  if (!isModerator(v)) return Err('FORBIDDEN');
  const c = await findComment(deps.db, v, commentId);
  if (!c) return Err('NOT_FOUND');
  const now = new Date();
  return deps.db.transaction(async (tx) => {
    await tx
      .update(proposalComments)
      .set({ hiddenAt: now, hiddenBy: v.userId, hiddenReason: reason })
      .where(eq(proposalComments.id, c.id));
    const settled = await settle(tx, c.id, v.userId, 'hidden', now);
    // The author hears of it, with the reason, unless they hid it themselves.
    await notify(tx, {
      kind: 'comment_hidden',
      villageId: v.villageId,
      audience: { type: 'users', userIds: [c.authorUserId] },
      title: '你的意见被隐藏了',
      summary: `原因：${clip(reason, 60)}`,
      objectType: 'proposal',
      objectId: c.proposalId,
      page: `/subpackages/council/proposal/index?villageId=${v.villageId}&id=${c.proposalId}`,
      fields: { title: '你的意见被隐藏了', status: '已隐藏', note: clip(reason) },
      exclude: [v.userId],
    });
    await audit(tx, {
      actorUserId: v.userId,
      action: 'comment.hide',
      targetType: 'comment',
      targetId: c.id,
      villageId: v.villageId,
      requestId,
      details: { reason, settledReports: settled },
    });
    return Ok({ id: c.id, hidden: true, settled });
  });
}

export async function keepComment(deps: Deps, v: CouncilViewer, commentId: string, requestId: string) {
  if (!isModerator(v)) return Err('FORBIDDEN');
  const c = await findComment(deps.db, v, commentId);
  if (!c) return Err('NOT_FOUND');
  if (c.authorUserId === v.userId) return Err('FORBIDDEN', '自己的意见被举报，要由别人来处理');
  const now = new Date();
  return deps.db.transaction(async (tx) => {
    // Hidden meanwhile (another moderator): keeping it would say the opposite of what is shown.
    const [still] = await tx
      .select({ hiddenAt: proposalComments.hiddenAt })
      .from(proposalComments)
      .where(eq(proposalComments.id, c.id))
      .for('update');
    if (still?.hiddenAt) return Err('CONFLICT', '这条意见已经被隐藏了');
    const settled = await settle(tx, c.id, v.userId, 'kept', now);
    if (settled === 0) return Err('CONFLICT', '这条意见的举报已经处理过了');
    await audit(tx, {
      actorUserId: v.userId,
      action: 'comment.keep',
      targetType: 'comment',
      targetId: c.id,
      villageId: v.villageId,
      requestId,
      details: { settledReports: settled },
    });
    return Ok({ id: c.id, hidden: false, settled });
  });
}

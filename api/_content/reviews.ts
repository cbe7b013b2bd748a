/**
 * The reviewers' queue: content held in 'review' (WeChat said review, could not be asked, or the
 * image could not be checked). Cadres review their village's content; content recorded with a
 * '.supervised' target type (e.g. about a matter concerning a cadre) is reviewed by supervisors
 * instead, and is simply not in a cadre's queue. Nobody decides their own content.
 *
 * Outcomes: list → the items the caller may decide, oldest first | decide → { id, status } ·
 * NOT_FOUND (no such item in the caller's queue) · FORBIDDEN (own content) · CONFLICT (already
 * decided, or no longer held).
 */
import { and, asc, eq, inArray, like, notLike, type SQL } from 'drizzle-orm';
import {
  DECISION_STATUS,
  type MediaType,
  type ReviewerRole,
  labelText,
  reviewerRoleFor,
  SUPERVISED_SUFFIX,
} from '../../shared/content/rules';
import type { TContentReview, TDecideContent, TDecideContentResult } from '../../shared/content/schemas';
import type { Role } from '../../shared/roles';
import { contentChecks, users } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';
import type { ContentDeps } from './deps';

const reviewerRolesOf = (roles: ReadonlySet<Role>): ReviewerRole[] =>
  (['cadre', 'supervisor'] as const).filter((r) => roles.has(r));

export async function listContentReviews(
  deps: Pick<ContentDeps, 'db'>,
  p: { villageId: string; roles: ReadonlySet<Role> },
): Promise<TContentReview[]> {
  const mine = reviewerRolesOf(p.roles);
  if (mine.length === 0) return [];
  const supervised = `%${SUPERVISED_SUFFIX}`;
  const queue: SQL | undefined =
    mine.length === 2
      ? undefined
      : mine[0] === 'supervisor'
        ? like(contentChecks.targetType, supervised)
        : notLike(contentChecks.targetType, supervised);
  const rows = await deps.db
    .select({ c: contentChecks, authorName: users.displayName })
    .from(contentChecks)
    .innerJoin(users, eq(users.id, contentChecks.authorUserId))
    .where(and(eq(contentChecks.villageId, p.villageId), eq(contentChecks.status, 'review'), queue))
    .orderBy(asc(contentChecks.createdAt))
    .limit(500);
  return rows.map(({ c, authorName }) => ({
    id: c.id,
    villageId: c.villageId,
    targetType: c.targetType,
    targetId: c.targetId,
    mediaType: c.mediaType as MediaType,
    text: c.text,
    mediaUrl: c.mediaUrl,
    label: c.label,
    reason: labelText(c.label),
    reviewerRole: reviewerRoleFor(c.targetType),
    authorUserId: c.authorUserId,
    authorName,
    createdAt: c.createdAt.toISOString(),
  }));
}

export async function decideContentReview(
  deps: Pick<ContentDeps, 'db'>,
  p: {
    villageId: string;
    checkId: string;
    actorUserId: string;
    roles: ReadonlySet<Role>;
    requestId: string;
    input: TDecideContent;
  },
): Promise<Outcome<TDecideContentResult>> {
  const [row] = await deps.db
    .select()
    .from(contentChecks)
    .where(and(eq(contentChecks.id, p.checkId), eq(contentChecks.villageId, p.villageId)));
  if (!row || !reviewerRolesOf(p.roles).includes(reviewerRoleFor(row.targetType))) return Err('NOT_FOUND');
  if (row.authorUserId === p.actorUserId) return Err('FORBIDDEN', '不能审核自己发布的内容');
  if (row.status !== 'review') return Err('CONFLICT', '这条内容已经处理过了');
  const status = DECISION_STATUS[p.input.decision];
  return deps.db.transaction(async (tx) => {
    const updated = await tx
      .update(contentChecks)
      .set({ status, reviewedBy: p.actorUserId, reviewNote: p.input.note ?? null, decidedAt: new Date() })
      .where(and(eq(contentChecks.id, row.id), inArray(contentChecks.status, ['review'])))
      .returning({ id: contentChecks.id });
    if (updated.length === 0) return Err('CONFLICT', '这条内容已经处理过了');
    await audit(tx, {
      actorUserId: p.actorUserId,
      action: 'content.decide',
      targetType: 'content_check',
      targetId: row.id,
      villageId: p.villageId,
      requestId: p.requestId,
      details: {
        decision: p.input.decision,
        note: p.input.note ?? null,
        label: row.label,
        contentTargetType: row.targetType,
        contentTargetId: row.targetId,
        supervised: row.targetType.endsWith(SUPERVISED_SUFFIX),
      },
    });
    return Ok({ id: row.id, status });
  });
}

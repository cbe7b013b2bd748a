/**
 * The disclosure lifecycle (DESIGN §2.3): a cadre drafts (or corrects a published one with a
 * reason), edits and submits; a supervisor approves — a recorded co-signature that publishes the
 * version into the village's chain — or returns it with comments. Every write lands with its
 * audit row and notifications in one transaction; outcomes are values.
 *
 * Outcomes:
 * - createDisclosure: Ok draft; FORBIDDEN (not a cadre); PERIOD_OVERLAP (409);
 *   MEDIA_NOT_ATTACHABLE (a voucher id that is not the cadre's upload, see vouchers.ts).
 * - updateDraft: Ok draft; NOT_FOUND; FORBIDDEN; TRANSITION_NOT_ALLOWED (submitted: wait for the
 *   review); DISCLOSURE_PUBLISHED (nothing open: published versions never change, and no voucher
 *   can be added to them); MEDIA_NOT_ATTACHABLE.
 * - correctDisclosure: Ok draft; NOT_FOUND; FORBIDDEN; TRANSITION_NOT_ALLOWED (nothing published
 *   yet, or a version is already open); MEDIA_NOT_ATTACHABLE.
 * - submitDraft: Ok draft; NOT_FOUND; FORBIDDEN; TRANSITION_NOT_ALLOWED; LEDGER_EMPTY;
 *   LEDGER_NOT_RECONCILED (`details.issues`, message names the first gap).
 * - reviewDraft: Ok {status, versionNo, seq?, hash?}; NOT_FOUND; FORBIDDEN (not a supervisor);
 *   COSIGN_OWN_DRAFT (their own draft); TRANSITION_NOT_ALLOWED (not submitted, or moved meanwhile).
 */
import { and, asc, desc, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import {
  DISCLOSURE_KIND_LABELS,
  VERSION_STATUS_LABELS,
  availableDisclosureActions,
  isPeriodic,
} from '../../shared/disclosures/kinds';
import { type LedgerIssue, ledgerTotals, reconcile } from '../../shared/disclosures/ledger';
import { overlaps, parsePeriod, periodLabel } from '../../shared/disclosures/periods';
import type {
  TCorrection,
  TCreateDisclosure,
  TDraft,
  TReview,
  TUpdateDraft,
} from '../../shared/disclosures/schemas';
import type { Role } from '../../shared/roles';
import type { Deps } from '../_app/context';
import type { Db, Tx } from '../_db/client';
import { isUniqueViolation } from '../_db/errors';
import { disclosureReviews, disclosureVersions, disclosures, users } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { notify } from '../_notices/notify';
import { templateTime } from '../_wechat/subscribe-templates';
import { appendToChain } from './chain';
import { ensureSchedule } from './schedule';
import { checkVouchers, claimVouchers, releaseVouchers } from './vouchers';

export type DisclosureViewer = { userId: string; villageId: string; roles: Set<Role> };

type VersionRow = typeof disclosureVersions.$inferSelect;
type DisclosureRow = typeof disclosures.$inferSelect;

export const ADMIN_PAGE = '/subpackages/disclosure-admin/review/index';
const OPEN_STATUSES = ['draft', 'submitted', 'returned'] as const;

// ---------------------------------------------------------------------------------------------
// Reading a draft

/** The closing balance of the previous finance period that is published, if any. */
async function previousClosing(db: Db | Tx, d: DisclosureRow) {
  if (d.kind !== 'finance' || !d.periodStart) return null;
  const [prev] = await db
    .select({ d: disclosures, v: disclosureVersions })
    .from(disclosures)
    .innerJoin(
      disclosureVersions,
      and(
        eq(disclosureVersions.disclosureId, disclosures.id),
        eq(disclosureVersions.versionNo, disclosures.currentVersionNo),
      ),
    )
    .where(
      and(
        eq(disclosures.villageId, d.villageId),
        eq(disclosures.kind, 'finance'),
        lt(disclosures.periodEnd, d.periodStart),
        eq(disclosureVersions.status, 'published'),
      ),
    )
    .orderBy(desc(disclosures.periodEnd))
    .limit(1);
  if (!prev?.v.ledger) return null;
  return { closingFen: prev.v.ledger.declaredClosingFen, label: periodLabel(prev.d.period ?? '') };
}

async function ledgerIssues(db: Db | Tx, d: DisclosureRow, v: VersionRow): Promise<LedgerIssue[]> {
  if (d.kind !== 'finance') return [];
  const ledger = v.ledger ?? { openingFen: 0, declaredClosingFen: 0, entries: [] };
  const prev = await previousClosing(db, d);
  return reconcile(ledger, {
    period: { start: d.periodStart ?? '0000-01-01', end: d.periodEnd ?? '9999-12-31' },
    previousClosingFen: prev?.closingFen ?? null,
    previousLabel: prev?.label,
  });
}

async function toDraft(
  db: Db | Tx,
  v: VersionRow,
  d: DisclosureRow,
  viewer: DisclosureViewer,
): Promise<TDraft> {
  const reviews = await db
    .select({ r: disclosureReviews, name: users.displayName })
    .from(disclosureReviews)
    .innerJoin(users, eq(users.id, disclosureReviews.reviewerId))
    .where(eq(disclosureReviews.versionId, v.id))
    .orderBy(asc(disclosureReviews.createdAt));
  const [drafter] = v.draftedBy
    ? await db.select({ name: users.displayName }).from(users).where(eq(users.id, v.draftedBy))
    : [];
  const issues = await ledgerIssues(db, d, v);
  return {
    id: v.id,
    disclosureId: d.id,
    kind: d.kind,
    period: d.period,
    periodLabel: d.period ? periodLabel(d.period) : DISCLOSURE_KIND_LABELS[d.kind],
    versionNo: v.versionNo,
    status: v.status,
    statusLabel: VERSION_STATUS_LABELS[v.status],
    title: v.title,
    body: v.body,
    reason: v.reason,
    ledger: v.ledger ?? null,
    totals: v.ledger ? ledgerTotals(v.ledger) : null,
    sections: v.sections ?? null,
    draftedBy: drafter?.name ?? '',
    reviews: reviews.map(({ r, name }) => ({
      decision: r.decision,
      comment: r.comment,
      by: name,
      at: r.createdAt.toISOString(),
    })),
    issues: issues.map((i) => ({ code: i.code, message: i.message })),
    actions: availableDisclosureActions(v.status, {
      roles: [...viewer.roles],
      isAuthor: v.draftedBy === viewer.userId || v.submittedBy === viewer.userId,
    }),
    updatedAt: v.updatedAt.toISOString(),
  };
}

/** The open (unpublished) version of a disclosure of this village, with its disclosure. */
async function openVersion(db: Db | Tx, villageId: string, disclosureId: string) {
  const [d] = await db
    .select()
    .from(disclosures)
    .where(and(eq(disclosures.id, disclosureId), eq(disclosures.villageId, villageId)));
  if (!d) return null;
  const [v] = await db
    .select()
    .from(disclosureVersions)
    .where(
      and(eq(disclosureVersions.disclosureId, d.id), inArray(disclosureVersions.status, [...OPEN_STATUSES])),
    );
  return { d, v: v ?? null };
}

export async function getDraft(deps: Pick<Deps, 'db'>, viewer: DisclosureViewer, disclosureId: string) {
  const found = await openVersion(deps.db, viewer.villageId, disclosureId);
  if (!found?.v) return Err('NOT_FOUND');
  return Ok(await toDraft(deps.db, found.v, found.d, viewer));
}

export async function listDrafts(deps: Pick<Deps, 'db'>, viewer: DisclosureViewer) {
  const rows = await deps.db
    .select({ v: disclosureVersions, d: disclosures })
    .from(disclosureVersions)
    .innerJoin(disclosures, eq(disclosures.id, disclosureVersions.disclosureId))
    .where(
      and(eq(disclosureVersions.villageId, viewer.villageId), ne(disclosureVersions.status, 'published')),
    )
    .orderBy(desc(disclosureVersions.updatedAt))
    .limit(100);
  const items: TDraft[] = [];
  for (const r of rows) items.push(await toDraft(deps.db, r.v, r.d, viewer));
  return { items };
}

// ---------------------------------------------------------------------------------------------
// Writing

function contentOf(input: TUpdateDraft) {
  return {
    title: input.title,
    body: input.body,
    ledger: input.ledger ?? null,
    sections: input.sections ?? null,
  };
}

export async function createDisclosure(
  deps: Pick<Deps, 'db'>,
  p: { viewer: DisclosureViewer; requestId: string; input: TCreateDisclosure; now?: Date },
): Promise<Outcome<TDraft>> {
  const { viewer: v, input } = p;
  if (!v.roles.has('cadre')) return Err('FORBIDDEN', '只有村干部可以起草公开内容');
  const range = input.period && isPeriodic(input.kind) ? parsePeriod(input.period) : null;
  const refs = { villageId: v.villageId, userId: v.userId, ledger: input.ledger };
  const vouchers = await checkVouchers(deps.db, { ...refs, disclosureId: null });
  if (!vouchers.ok) return vouchers;
  return deps.db.transaction(async (tx) => {
    if (range) {
      // Serialise drafting of one kind in one village, so two overlapping periods cannot both pass.
      await tx.execute(
        sql`select pg_advisory_xact_lock(hashtext(${`disclosure-period:${v.villageId}:${input.kind}`}))`,
      );
      const others = await tx
        .select({
          id: disclosures.id,
          period: disclosures.period,
          start: disclosures.periodStart,
          end: disclosures.periodEnd,
        })
        .from(disclosures)
        .where(and(eq(disclosures.villageId, v.villageId), eq(disclosures.kind, input.kind)));
      const clash = others.find((o) => o.start && o.end && overlaps(range, { start: o.start, end: o.end }));
      if (clash) {
        return Err(
          'PERIOD_OVERLAP',
          `${periodLabel(input.period!)}和已有的${periodLabel(clash.period ?? '')}${DISCLOSURE_KIND_LABELS[input.kind]}重叠了`,
          { existing: { id: clash.id, period: clash.period } },
        );
      }
    }
    const [d] = await tx
      .insert(disclosures)
      .values({
        villageId: v.villageId,
        kind: input.kind,
        period: range ? input.period : null,
        periodStart: range?.start ?? null,
        periodEnd: range?.end ?? null,
        createdBy: v.userId,
      })
      .returning();
    const [ver] = await tx
      .insert(disclosureVersions)
      .values({
        disclosureId: d!.id,
        villageId: v.villageId,
        versionNo: 1,
        status: 'draft',
        draftedBy: v.userId,
        ...contentOf(input),
      })
      .returning();
    await claimVouchers(tx, { ...refs, disclosureId: d!.id });
    await ensureSchedule(tx, v.villageId, p.now ?? new Date());
    await audit(tx, {
      actorUserId: v.userId,
      action: 'disclosure.draft',
      targetType: 'disclosure',
      targetId: d!.id,
      villageId: v.villageId,
      requestId: p.requestId,
      details: { kind: input.kind, period: input.period },
    });
    return Ok(await toDraft(tx, ver!, d!, v));
  });
}

export async function updateDraft(
  deps: Pick<Deps, 'db'>,
  p: { viewer: DisclosureViewer; requestId: string; disclosureId: string; input: TUpdateDraft },
): Promise<Outcome<TDraft>> {
  const { viewer: v } = p;
  const found = await openVersion(deps.db, v.villageId, p.disclosureId);
  if (!found) return Err('NOT_FOUND');
  if (!v.roles.has('cadre')) return Err('FORBIDDEN', '只有村干部可以修改公开内容');
  if (!found.v) return Err('DISCLOSURE_PUBLISHED');
  if (found.d.kind === 'finance' && !p.input.ledger) return Err('VALIDATION_FAILED', '财务公开要录入账目');
  if (found.d.kind !== 'finance' && p.input.ledger) return Err('VALIDATION_FAILED', '只有财务公开有账目');
  if (found.v.status === 'submitted')
    return Err('TRANSITION_NOT_ALLOWED', '已经提交审核，等监委会审核后再改');
  const refs = { villageId: v.villageId, userId: v.userId, disclosureId: found.d.id, ledger: p.input.ledger };
  const vouchers = await checkVouchers(deps.db, refs);
  if (!vouchers.ok) return vouchers;
  return deps.db.transaction(async (tx) => {
    const [ver] = await tx
      .update(disclosureVersions)
      .set({ ...contentOf(p.input), status: 'draft', updatedAt: new Date() })
      .where(
        and(
          eq(disclosureVersions.id, found.v!.id),
          inArray(disclosureVersions.status, ['draft', 'returned']),
        ),
      )
      .returning();
    if (!ver) return Err('TRANSITION_NOT_ALLOWED');
    await claimVouchers(tx, refs);
    await releaseVouchers(tx, found.d.id);
    await audit(tx, {
      actorUserId: v.userId,
      action: 'disclosure.edit',
      targetType: 'disclosure_version',
      targetId: ver.id,
      villageId: v.villageId,
      requestId: p.requestId,
    });
    return Ok(await toDraft(tx, ver, found.d, v));
  });
}

export async function correctDisclosure(
  deps: Pick<Deps, 'db'>,
  p: { viewer: DisclosureViewer; requestId: string; disclosureId: string; input: TCorrection },
): Promise<Outcome<TDraft>> {
  const { viewer: v } = p;
  const found = await openVersion(deps.db, v.villageId, p.disclosureId);
  if (!found) return Err('NOT_FOUND');
  if (!v.roles.has('cadre')) return Err('FORBIDDEN', '只有村干部可以提交更正');
  if (found.d.currentVersionNo === 0) return Err('TRANSITION_NOT_ALLOWED', '还没有公开，直接修改草稿就行');
  if (found.v) return Err('TRANSITION_NOT_ALLOWED', '已经有一份更正在办理中');
  if (found.d.kind === 'finance' && !p.input.ledger) return Err('VALIDATION_FAILED', '财务公开要录入账目');
  if (found.d.kind !== 'finance' && p.input.ledger) return Err('VALIDATION_FAILED', '只有财务公开有账目');
  const refs = { villageId: v.villageId, userId: v.userId, disclosureId: found.d.id, ledger: p.input.ledger };
  const vouchers = await checkVouchers(deps.db, refs);
  if (!vouchers.ok) return vouchers;
  try {
    return await deps.db.transaction(async (tx) => {
      const [{ max }] = (await tx
        .select({ max: sql<number>`coalesce(max(${disclosureVersions.versionNo}), 0)`.mapWith(Number) })
        .from(disclosureVersions)
        .where(eq(disclosureVersions.disclosureId, found.d.id))) as [{ max: number }];
      const { reason, ...rest } = p.input;
      const [ver] = await tx
        .insert(disclosureVersions)
        .values({
          disclosureId: found.d.id,
          villageId: v.villageId,
          versionNo: max + 1,
          status: 'draft',
          draftedBy: v.userId,
          reason,
          ...contentOf(rest),
        })
        .returning();
      await claimVouchers(tx, refs);
      await audit(tx, {
        actorUserId: v.userId,
        action: 'disclosure.correct',
        targetType: 'disclosure',
        targetId: found.d.id,
        villageId: v.villageId,
        requestId: p.requestId,
        details: { versionNo: max + 1, reason },
      });
      return Ok(await toDraft(tx, ver!, found.d, v));
    });
  } catch (e) {
    if (isUniqueViolation(e)) return Err('TRANSITION_NOT_ALLOWED', '已经有一份更正在办理中');
    throw e;
  }
}

export async function submitDraft(
  deps: Pick<Deps, 'db'>,
  p: { viewer: DisclosureViewer; requestId: string; disclosureId: string },
): Promise<Outcome<TDraft>> {
  const { viewer: v } = p;
  const found = await openVersion(deps.db, v.villageId, p.disclosureId);
  if (!found) return Err('NOT_FOUND');
  if (!v.roles.has('cadre')) return Err('FORBIDDEN', '只有村干部可以提交');
  if (!found.v) return Err('DISCLOSURE_PUBLISHED');
  if (found.v.status === 'submitted') return Err('TRANSITION_NOT_ALLOWED', '已经提交过了，正在等监委会审核');
  const issues = await ledgerIssues(deps.db, found.d, found.v);
  if (issues.some((i) => i.code === 'EMPTY')) return Err('LEDGER_EMPTY');
  if (issues.length > 0) {
    return Err('LEDGER_NOT_RECONCILED', issues[0]!.message, { issues });
  }
  return deps.db.transaction(async (tx) => {
    const now = new Date();
    const [ver] = await tx
      .update(disclosureVersions)
      .set({ status: 'submitted', submittedBy: v.userId, submittedAt: now, updatedAt: now })
      .where(
        and(
          eq(disclosureVersions.id, found.v!.id),
          inArray(disclosureVersions.status, ['draft', 'returned']),
        ),
      )
      .returning();
    if (!ver) return Err('TRANSITION_NOT_ALLOWED');
    await audit(tx, {
      actorUserId: v.userId,
      action: 'disclosure.submit',
      targetType: 'disclosure_version',
      targetId: ver.id,
      villageId: v.villageId,
      requestId: p.requestId,
    });
    await notify(tx, {
      kind: 'disclosure_reminder',
      villageId: v.villageId,
      audience: { type: 'role', villageId: v.villageId, role: 'supervisor' },
      title: '有公开内容等您审核',
      summary: ver.title,
      objectType: 'disclosure',
      objectId: found.d.id,
      page: `${ADMIN_PAGE}?id=${found.d.id}`,
      fields: { title: ver.title, status: '待审核', note: '请监委会审核签字' },
      exclude: [v.userId],
    });
    return Ok(await toDraft(tx, ver, found.d, v));
  });
}

export async function reviewDraft(
  deps: Pick<Deps, 'db'>,
  p: { viewer: DisclosureViewer; requestId: string; disclosureId: string; input: TReview; now?: Date },
): Promise<Outcome<{ status: 'returned' | 'published'; versionNo: number; seq?: number; hash?: string }>> {
  const { viewer: v, input } = p;
  const found = await openVersion(deps.db, v.villageId, p.disclosureId);
  if (!found) return Err('NOT_FOUND');
  if (!v.roles.has('supervisor')) return Err('FORBIDDEN', '只有村务监督委员会成员可以审核');
  if (!found.v) return Err('DISCLOSURE_PUBLISHED');
  const ver = found.v;
  if (ver.draftedBy === v.userId || ver.submittedBy === v.userId) return Err('COSIGN_OWN_DRAFT');
  if (ver.status !== 'submitted') return Err('TRANSITION_NOT_ALLOWED', '这份公开还没有提交审核');
  const [me] = await deps.db.select({ name: users.displayName }).from(users).where(eq(users.id, v.userId));
  return deps.db
    .transaction(async (tx) => {
      await tx.insert(disclosureReviews).values({
        versionId: ver.id,
        reviewerId: v.userId,
        decision: input.decision,
        comment: input.comment,
      });
      if (input.decision === 'return') {
        const moved = await tx
          .update(disclosureVersions)
          .set({ status: 'returned', updatedAt: new Date() })
          .where(and(eq(disclosureVersions.id, ver.id), eq(disclosureVersions.status, 'submitted')))
          .returning({ id: disclosureVersions.id });
        if (moved.length === 0) return rollback('TRANSITION_NOT_ALLOWED');
        await audit(tx, {
          actorUserId: v.userId,
          action: 'disclosure.return',
          targetType: 'disclosure_version',
          targetId: ver.id,
          villageId: v.villageId,
          requestId: p.requestId,
          details: { comment: input.comment },
        });
        const to = [ver.draftedBy, ver.submittedBy].filter((x): x is string => !!x);
        await notify(tx, {
          kind: 'disclosure_reminder',
          villageId: v.villageId,
          audience: { type: 'users', userIds: [...new Set(to)] },
          title: '公开内容被退回，请修改',
          summary: input.comment.slice(0, 60),
          objectType: 'disclosure',
          objectId: found.d.id,
          page: `/subpackages/disclosure-admin/edit/index?id=${found.d.id}`,
          fields: { title: ver.title, status: '已退回', note: input.comment },
          exclude: [v.userId],
        });
        return Ok({ status: 'returned' as const, versionNo: ver.versionNo });
      }
      const linked = await appendToChain(tx, {
        versionId: ver.id,
        fromStatus: ['submitted'],
        cosignerId: v.userId,
        cosignerName: me?.name ?? '',
        now: p.now ?? new Date(),
      });
      if (!linked) return rollback('TRANSITION_NOT_ALLOWED');
      await audit(tx, {
        actorUserId: v.userId,
        action: 'disclosure.publish',
        targetType: 'disclosure_version',
        targetId: ver.id,
        villageId: v.villageId,
        requestId: p.requestId,
        details: { seq: linked.seq, hash: linked.hash, versionNo: ver.versionNo },
      });
      await notifyPublished(tx, {
        villageId: v.villageId,
        disclosureId: found.d.id,
        title: ver.title,
        correction: ver.versionNo > 1,
        exclude: [v.userId],
      });
      return Ok({
        status: 'published' as const,
        versionNo: ver.versionNo,
        seq: linked.seq,
        hash: linked.hash,
      });
    })
    .catch((e) => {
      if (e instanceof Rollback) return Err(e.code);
      throw e;
    });
}

class Rollback extends Error {
  constructor(readonly code: 'TRANSITION_NOT_ALLOWED') {
    super(code);
  }
}
/** Undo the transaction's writes (the review row) and answer with the code. */
const rollback = (code: 'TRANSITION_NOT_ALLOWED'): never => {
  throw new Rollback(code);
};

export async function notifyPublished(
  tx: Tx,
  e: { villageId: string; disclosureId: string; title: string; correction: boolean; exclude?: string[] },
) {
  await notify(tx, {
    kind: 'disclosure_published',
    villageId: e.villageId,
    audience: { type: 'village', villageId: e.villageId },
    title: e.correction ? `公开内容有更正：${e.title}` : `新公开：${e.title}`,
    summary: e.correction ? '村里更正了一份公开内容，点开看改了什么' : '村里公开了新内容，点开查看',
    objectType: 'disclosure',
    objectId: e.disclosureId,
    page: `/pages/disclosure/index?id=${e.disclosureId}`,
    fields: { title: e.title, time: templateTime(new Date()), note: e.correction ? '有更正' : '新公开' },
    exclude: e.exclude,
  });
}

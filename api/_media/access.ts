/**
 * Who may fetch a media file, and its check status.
 * - The uploader, always (they took the photo).
 * - When attached to a matter: whoever sees that matter in full (scope.ts fullAccess: author,
 *   responders, grid worker, cadres or supervisors, the town when escalated) — also before the
 *   check passed, as they see the matter's text; and members who see it only as a public matter,
 *   once the file's content check passed (status ok). Content the check refused (risky) reaches
 *   nobody but its uploader.
 * - A ledger voucher (attached to a finance disclosure): the village's cadres and supervisors,
 *   who draft and co-sign it; once a published version lists it, every member (it is public
 *   then, also without sign-in at GET …/disclosures/{id}/vouchers/{mediaId}).
 * - When attached to a 四议两公开 stage record: every member of the village who may open that
 *   proposal (councils' `proposalVisible`), as they read the stage itself — a committee record,
 *   not checked by WeChat (attach.ts).
 * - Nobody else: NOT_FOUND, like a matter they may not see (another village's ids do not exist).
 *
 * The status column mirrors the content checks on ('media', id), which decide: a row still
 * pending_check is refreshed from them when it matters (fetching, listing a matter's photos).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { MediaStatus } from '../../shared/media/rules';
import type { Auth, Deps } from '../_app/context';
import { supervisedTargetType } from '../_content';
import type { Db, Tx } from '../_db/client';
import { contentChecks, matters, media } from '../_db/schema';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { stageVisible } from '../_councils/visibility';
import { fullAccess, publicAccess, viewerFor } from '../_matters/scope';

type MediaRow = typeof media.$inferSelect;

/** The status the content checks give each id (no check yet: pending_check). */
async function checkedStatus(db: Db | Tx, ids: readonly string[]): Promise<Map<string, MediaStatus>> {
  const rows = await db
    .select({ targetId: contentChecks.targetId, status: contentChecks.status })
    .from(contentChecks)
    .where(
      and(
        inArray(contentChecks.targetType, ['media', supervisedTargetType('media')]),
        inArray(contentChecks.targetId, [...ids]),
      ),
    );
  const out = new Map<string, MediaStatus>();
  for (const id of ids) {
    const mine = rows.filter((r) => r.targetId === id);
    if (mine.some((r) => r.status === 'risky')) out.set(id, 'risky');
    else if (mine.length > 0 && mine.every((r) => r.status === 'pass')) out.set(id, 'ok');
    else out.set(id, 'pending_check');
  }
  return out;
}

/** Brings pending rows up to date with their checks; returns every id's status. */
export async function refreshMediaStatus(
  db: Db | Tx,
  rows: readonly Pick<MediaRow, 'id' | 'status'>[],
): Promise<Map<string, MediaStatus>> {
  const out = new Map(rows.map((r) => [r.id, r.status] as const));
  const pending = rows.filter((r) => r.status === 'pending_check').map((r) => r.id);
  if (pending.length === 0) return out;
  const fresh = await checkedStatus(db, pending);
  for (const [id, status] of fresh) {
    if (status === 'pending_check') continue;
    out.set(id, status);
    await db
      .update(media)
      .set({ status })
      .where(and(eq(media.id, id), eq(media.status, 'pending_check')));
  }
  return out;
}

/** The media row if this caller may fetch it; NOT_FOUND otherwise. */
export async function mediaForViewer(
  deps: Pick<Deps, 'db'>,
  auth: Auth,
  mediaId: string,
): Promise<Outcome<MediaRow>> {
  const [row] = await deps.db.select().from(media).where(eq(media.id, mediaId));
  if (!row) return Err('NOT_FOUND');
  const viewer = await viewerFor(deps, auth, row.villageId).catch(() => null);
  if (!viewer) return Err('NOT_FOUND');
  if (row.uploaderUserId === auth.userId) return Ok(row);
  if (row.disclosureId) {
    const drafts = viewer.roles.has('cadre') || viewer.roles.has('supervisor');
    return drafts || row.voucherPublishedAt ? Ok(row) : Err('NOT_FOUND');
  }
  if (row.proposalStageId) {
    const roles = new Set([...viewer.roles].filter((r) => r !== 'town_officer'));
    if (roles.size === 0 || row.status === 'risky') return Err('NOT_FOUND');
    const seen = await stageVisible(
      deps.db,
      { userId: auth.userId, villageId: row.villageId, roles },
      row.proposalStageId,
    );
    return seen ? Ok(row) : Err('NOT_FOUND');
  }
  if (!row.matterId) return Err('NOT_FOUND');
  const [m] = await deps.db
    .select({
      full: sql<boolean>`(${fullAccess(viewer)})`.mapWith(Boolean),
      pub: sql<boolean>`(${publicAccess(viewer)})`.mapWith(Boolean),
    })
    .from(matters)
    .where(and(eq(matters.id, row.matterId), eq(matters.villageId, row.villageId)));
  if (!m || !(m.full || m.pub)) return Err('NOT_FOUND');
  const status = (await refreshMediaStatus(deps.db, [row])).get(row.id);
  // Refused content reaches nobody but its uploader; public viewers wait for the check to pass.
  if (status === 'risky' || (!m.full && status !== 'ok')) return Err('NOT_FOUND');
  return Ok({ ...row, status: status ?? row.status });
}

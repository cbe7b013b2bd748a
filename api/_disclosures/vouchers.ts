/**
 * Voucher photos (凭证照片) on the lines of a finance ledger. A cadre uploads each photo through the
 * media endpoint (purpose `ledger_voucher`, cadres only) and lists its id in the line's
 * `voucherIds` when saving the draft (create, edit, correction). Then:
 *
 *   const ok = await checkVouchers(db, { … });          // before writing: a clear error per id
 *   … in the saving transaction: await claimVouchers(tx, { … }); await releaseVouchers(tx, id);
 *
 * A voucher belongs to one finance disclosure (media.disclosure_id): the caller's own unattached
 * upload is claimed by compare-and-set (two drafts racing for it cannot both get it), and every
 * version of that disclosure may list it again (a correction keeps its vouchers). One that no
 * version lists any more is let go (the abandoned-upload sweep forgets it later), unless a
 * published version listed it.
 *
 * Publishing (chain.ts appendToChain → sealVouchers) writes each listed voucher's sha256 into the
 * version's ledger (`vouchers: [{ id, sha256 }]`), so the hash chain commits to the photos'
 * bytes, and marks the rows published (public from then on, frozen by a trigger).
 *
 * Outcomes (checkVouchers): Ok · MEDIA_NOT_ATTACHABLE (422, `details.items: [{ id, line, reason }]`,
 * reason: not_found | not_yours | wrong_purpose | already_attached | refused | duplicate).
 */
import { and, eq, inArray, isNotNull, isNull, notInArray, or } from 'drizzle-orm';
import type { Ledger, LedgerEntry, VoucherRef } from '../../shared/disclosures/ledger';
import type { Db, Tx } from '../_db/client';
import { disclosureVersions, media } from '../_db/schema';
import { refreshMediaStatus } from '../_media/access';
import { ApiError, Err, Ok, type Outcome } from '../_lib/errors';

type Reason = 'not_found' | 'not_yours' | 'wrong_purpose' | 'already_attached' | 'refused' | 'duplicate';

const REASON_TEXT: Record<Reason, string> = {
  not_found: '有凭证照片找不到了，请重新上传',
  not_yours: '只能用自己上传的凭证照片',
  wrong_purpose: '这不是凭证照片，请在这一笔里重新上传',
  already_attached: '这张凭证照片已经用在别的公开上了，请重新上传',
  refused: '有凭证照片没有通过审核，请换一张',
  duplicate: '同一张凭证照片只能放在一笔里',
};

type LedgerLike = Pick<Ledger, 'entries'> | null | undefined;

/** Every voucher id the ledger lists, with its line (1-based). */
export function listedVouchers(ledger: LedgerLike): { id: string; line: number }[] {
  return (ledger?.entries ?? []).flatMap((e, i) => (e.voucherIds ?? []).map((id) => ({ id, line: i + 1 })));
}

export type VoucherRefs = {
  villageId: string;
  /** The cadre saving the draft: an unattached voucher must be their own upload. */
  userId: string;
  /** The disclosure being saved; null while it is being created. */
  disclosureId: string | null;
  ledger: LedgerLike;
};

export async function checkVouchers(db: Db | Tx, r: VoucherRefs): Promise<Outcome<null>> {
  const listed = listedVouchers(r.ledger);
  if (listed.length === 0) return Ok(null);
  const items: { id: string; line: number; reason: Reason }[] = [];
  const seen = new Set<string>();
  for (const v of listed) {
    if (seen.has(v.id)) items.push({ ...v, reason: 'duplicate' });
    seen.add(v.id);
  }
  const rows = await db
    .select()
    .from(media)
    .where(and(inArray(media.id, [...seen]), eq(media.villageId, r.villageId)));
  const byId = new Map(rows.map((m) => [m.id, m]));
  const status = await refreshMediaStatus(db, rows);
  for (const v of listed) {
    if (items.some((x) => x.id === v.id)) continue;
    const m = byId.get(v.id);
    const ours = m?.disclosureId !== null && m?.disclosureId === r.disclosureId;
    const reason: Reason | null = !m
      ? 'not_found'
      : m.purpose !== 'ledger_voucher'
        ? 'wrong_purpose'
        : m.disclosureId !== null && !ours
          ? 'already_attached'
          : !ours && m.uploaderUserId !== r.userId
            ? 'not_yours'
            : status.get(v.id) === 'risky'
              ? 'refused'
              : null;
    if (reason) items.push({ ...v, reason });
  }
  if (items.length > 0) {
    items.sort((a, b) => a.line - b.line);
    const first = items[0]!;
    return Err('MEDIA_NOT_ATTACHABLE', `第${first.line}笔：${REASON_TEXT[first.reason]}`, { items });
  }
  return Ok(null);
}

/**
 * Claims the listed vouchers for the disclosure inside the saving transaction, or throws so it
 * rolls back (someone else claimed one, or the sweep forgot it, since checkVouchers ran).
 */
export async function claimVouchers(tx: Tx, r: VoucherRefs & { disclosureId: string }): Promise<void> {
  const ids = [...new Set(listedVouchers(r.ledger).map((v) => v.id))];
  if (ids.length === 0) return;
  const claimed = await tx
    .update(media)
    .set({ disclosureId: r.disclosureId, attachedAt: new Date() })
    .where(
      and(
        inArray(media.id, ids),
        eq(media.villageId, r.villageId),
        eq(media.purpose, 'ledger_voucher'),
        or(
          eq(media.disclosureId, r.disclosureId),
          and(isNull(media.disclosureId), isNull(media.matterId), eq(media.uploaderUserId, r.userId)),
        ),
      ),
    )
    .returning({ id: media.id });
  if (claimed.length !== ids.length) {
    throw new ApiError('MEDIA_NOT_ATTACHABLE', REASON_TEXT.already_attached);
  }
}

/** Lets go of the disclosure's vouchers that no version lists any more (never published ones). */
export async function releaseVouchers(tx: Tx, disclosureId: string): Promise<void> {
  const versions = await tx
    .select({ ledger: disclosureVersions.ledger })
    .from(disclosureVersions)
    .where(eq(disclosureVersions.disclosureId, disclosureId));
  const kept = [...new Set(versions.flatMap((v) => listedVouchers(v.ledger).map((x) => x.id)))];
  await tx
    .update(media)
    .set({ disclosureId: null, attachedAt: null })
    .where(
      and(
        eq(media.disclosureId, disclosureId),
        isNull(media.voucherPublishedAt),
        ...(kept.length ? [notInArray(media.id, kept)] : []),
      ),
    );
}

/**
 * At publish, inside the chain lock: each line's vouchers with the sha256 of their bytes, and the
 * rows marked published (public, frozen). Throws when a listed voucher is not the disclosure's —
 * claimVouchers made sure it was, and attached rows are never swept, so that is a broken database.
 */
export async function sealVouchers(
  tx: Tx,
  v: { villageId: string; disclosureId: string; ledger: Ledger | null },
  now: Date,
): Promise<Ledger | null> {
  const listed = listedVouchers(v.ledger);
  if (!v.ledger || listed.length === 0) return v.ledger;
  const ids = [...new Set(listed.map((x) => x.id))];
  const rows = await tx
    .select({ id: media.id, sha256: media.sha256 })
    .from(media)
    .where(
      and(
        inArray(media.id, ids),
        eq(media.villageId, v.villageId),
        eq(media.disclosureId, v.disclosureId),
        eq(media.purpose, 'ledger_voucher'),
      ),
    );
  const sha = new Map(rows.map((r) => [r.id, r.sha256]));
  const missing = ids.filter((id) => !sha.has(id));
  if (missing.length) throw new Error(`vouchers not attached to disclosure ${v.disclosureId}: ${missing}`);
  await tx
    .update(media)
    .set({ voucherPublishedAt: now })
    .where(and(inArray(media.id, ids), isNull(media.voucherPublishedAt)));
  const seal = (e: LedgerEntry): LedgerEntry => {
    const voucherIds = e.voucherIds ?? [];
    if (voucherIds.length === 0) return e;
    const vouchers: VoucherRef[] = voucherIds.map((id) => ({ id, sha256: sha.get(id)! }));
    return { ...e, vouchers };
  };
  return { ...v.ledger, entries: v.ledger.entries.map(seal) };
}

/**
 * The voucher as published on this disclosure: the sha256 its first publishing version committed
 * to (null when no published version lists it — then it is not public).
 */
export async function publishedVoucher(
  db: Db,
  p: { villageId: string; disclosureId: string; mediaId: string },
): Promise<{ sha256: string; row: typeof media.$inferSelect } | null> {
  const [row] = await db
    .select()
    .from(media)
    .where(
      and(
        eq(media.id, p.mediaId),
        eq(media.villageId, p.villageId),
        eq(media.disclosureId, p.disclosureId),
        isNotNull(media.voucherPublishedAt),
      ),
    );
  if (!row) return null;
  const versions = await db
    .select({ ledger: disclosureVersions.ledger })
    .from(disclosureVersions)
    .where(
      and(
        eq(disclosureVersions.disclosureId, p.disclosureId),
        eq(disclosureVersions.villageId, p.villageId),
        eq(disclosureVersions.status, 'published'),
      ),
    )
    .orderBy(disclosureVersions.versionNo);
  for (const v of versions) {
    for (const e of v.ledger?.entries ?? []) {
      const ref = e.vouchers?.find((x) => x.id === p.mediaId);
      if (ref) return { sha256: ref.sha256, row };
    }
  }
  return null;
}

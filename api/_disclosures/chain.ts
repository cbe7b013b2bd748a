/**
 * The per-village chain over published versions, on the database side: the public content of a
 * row (exactly what the board shows), appending a version to the chain inside the publishing
 * transaction, and verifying a village's chain from its rows. Rules: shared/disclosures/chain.ts.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import {
  type ChainContent,
  type ChainLink,
  CHAIN_FORMAT,
  GENESIS,
  committedVouchers,
  linkHash,
  verifyChain,
  verifyVouchers,
} from '../../shared/disclosures/chain';
import type { Db, Tx } from '../_db/client';
import { disclosureHeads, disclosureVersions, disclosures, media } from '../_db/schema';
import { sealVouchers } from './vouchers';

export const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

type VersionRow = typeof disclosureVersions.$inferSelect;
type DisclosureRow = typeof disclosures.$inferSelect;

/** What the chain commits to for one published version (row + its disclosure). */
export function chainContent(
  v: Pick<
    VersionRow,
    | 'villageId'
    | 'seq'
    | 'disclosureId'
    | 'title'
    | 'versionNo'
    | 'reason'
    | 'body'
    | 'ledger'
    | 'sections'
    | 'publishedAt'
    | 'cosignerName'
  >,
  d: Pick<DisclosureRow, 'kind' | 'period' | 'proposalId'>,
): ChainContent {
  return {
    format: CHAIN_FORMAT,
    villageId: v.villageId,
    seq: v.seq ?? 0,
    disclosureId: v.disclosureId,
    kind: d.kind,
    period: d.period,
    title: v.title,
    versionNo: v.versionNo,
    reason: v.reason,
    body: v.body,
    ledger: v.ledger
      ? {
          openingFen: v.ledger.openingFen,
          declaredClosingFen: v.ledger.declaredClosingFen,
          entries: v.ledger.entries.map((e) => ({
            date: e.date,
            category: e.category,
            item: e.item,
            incomeFen: e.incomeFen,
            expenseFen: e.expenseFen,
            counterpart: e.counterpart,
            voucherIds: e.voucherIds ?? [],
            // Only lines with sealed vouchers carry the key, so links published before vouchers
            // existed hash exactly as they did.
            vouchers: e.vouchers?.length
              ? e.vouchers.map((x) => ({ id: x.id, sha256: x.sha256 }))
              : undefined,
          })),
        }
      : null,
    sections: v.sections ?? null,
    proposalId: d.proposalId,
    publishedAt: (v.publishedAt ?? new Date(0)).toISOString(),
    cosignedBy: v.cosignerName ?? '',
  };
}

/**
 * Publishes a version that is not yet published: takes the village's chain lock, links the
 * version after the head, freezes it (status published), makes it the disclosure's current
 * version and moves the head. Must run inside the caller's transaction. Returns null when the
 * version was not in `fromStatus` any more (someone else moved it).
 */
export async function appendToChain(
  tx: Tx,
  p: {
    versionId: string;
    fromStatus: VersionRow['status'][];
    cosignerId: string | null;
    cosignerName: string;
    now: Date;
  },
): Promise<{
  seq: number;
  hash: string;
  prevHash: string;
  versionNo: number;
  disclosureId: string;
  villageId: string;
} | null> {
  const [row] = await tx
    .select({ v: disclosureVersions, d: disclosures })
    .from(disclosureVersions)
    .innerJoin(disclosures, eq(disclosures.id, disclosureVersions.disclosureId))
    .where(eq(disclosureVersions.id, p.versionId));
  if (!row || !p.fromStatus.includes(row.v.status)) return null;
  const villageId = row.v.villageId;
  // One publisher per village at a time: the chain never forks.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`disclosure-chain:${villageId}`}))`);
  const [head] = await tx.select().from(disclosureHeads).where(eq(disclosureHeads.villageId, villageId));
  const seq = (head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? GENESIS;
  const publishedAt = new Date(Math.floor(p.now.getTime()));
  // The ledger as published: each voucher with the sha256 of its photo, so the chain covers the bytes.
  const ledger = await sealVouchers(tx, row.v, publishedAt);
  const content = chainContent({ ...row.v, ledger, seq, publishedAt, cosignerName: p.cosignerName }, row.d);
  const hash = linkHash(content, prevHash, sha256Hex);
  const updated = await tx
    .update(disclosureVersions)
    .set({
      status: 'published',
      ledger,
      seq,
      prevHash,
      hash,
      publishedAt,
      cosignedBy: p.cosignerId,
      cosignerName: p.cosignerName,
      updatedAt: publishedAt,
    })
    .where(and(eq(disclosureVersions.id, p.versionId), eq(disclosureVersions.status, row.v.status)))
    .returning({ id: disclosureVersions.id });
  if (updated.length === 0) return null;
  await tx
    .update(disclosures)
    .set({ currentVersionNo: row.v.versionNo })
    .where(eq(disclosures.id, row.v.disclosureId));
  await tx
    .insert(disclosureHeads)
    .values({ villageId, seq, hash, updatedAt: publishedAt })
    .onConflictDoUpdate({ target: disclosureHeads.villageId, set: { seq, hash, updatedAt: publishedAt } });
  return { seq, hash, prevHash, versionNo: row.v.versionNo, disclosureId: row.v.disclosureId, villageId };
}

/** Every published version of the village as a chain link, in chain order (public data). */
export async function chainLinks(db: Db, villageId: string): Promise<ChainLink[]> {
  const rows = await db
    .select({ v: disclosureVersions, d: disclosures })
    .from(disclosureVersions)
    .innerJoin(disclosures, eq(disclosures.id, disclosureVersions.disclosureId))
    .where(and(eq(disclosureVersions.villageId, villageId), eq(disclosureVersions.status, 'published')))
    .orderBy(asc(disclosureVersions.seq));
  return rows.map(({ v, d }) => ({
    content: chainContent(v, d),
    prevHash: v.prevHash ?? '',
    hash: v.hash ?? '',
  }));
}

export async function chainHead(db: Db, villageId: string) {
  const [head] = await db.select().from(disclosureHeads).where(eq(disclosureHeads.villageId, villageId));
  return { seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS };
}

/**
 * Recomputes the village's chain from its rows, checks it ends at the recorded head (a deleted
 * last link shows as a gap at the head) and that every voucher photo the chain commits to is still
 * recorded with that sha256 (a row pointed at another photo, or gone). The bytes themselves are
 * checked where they are served (GET …/vouchers/{id} refuses a file that no longer matches) and by
 * the verifier command, which downloads and hashes each one; this public endpoint does not read
 * every photo of the village's history on each call.
 */
export async function verifyVillageChain(db: Db, villageId: string) {
  const links = await chainLinks(db, villageId);
  const report = verifyChain(links, sha256Hex);
  if (!report.ok) return report;
  const ids = [...new Set(committedVouchers(links).map((v) => v.id))];
  if (ids.length > 0) {
    const rows = await db
      .select({ id: media.id, sha256: media.sha256 })
      .from(media)
      .where(and(inArray(media.id, ids), eq(media.villageId, villageId)));
    const vouchers = verifyVouchers(links, new Map(rows.map((r) => [r.id, r.sha256])), report);
    if (!vouchers.ok) return vouchers;
  }
  const head = await chainHead(db, villageId);
  if (head.seq !== report.length || head.hash !== report.head) {
    return {
      ok: false as const,
      length: report.length,
      head: report.head,
      broken: {
        seq: head.seq,
        disclosureId: '',
        versionNo: 0,
        reason: 'seq_gap' as const,
        message: `链头记的是第${head.seq}号，但只能核对到第${report.length}号`,
        expected: head.hash,
        actual: report.head,
      },
    };
  }
  return report;
}

/**
 * The per-village hash chain over published versions, pure. Each published version is a link:
 * `hash = sha256(canonicalJson({ ...content, prevHash }))`, where content is exactly what the
 * board shows publicly; the first link's prevHash is GENESIS. Anyone holding the public data can
 * recompute every hash (scripts/verify-disclosures.ts, GET …/disclosures/verify). The hash
 * function is passed in (node:crypto on the server and in the verifier), so this file has no I/O.
 */
import type { LedgerEntry } from './ledger';

export const GENESIS = '0'.repeat(64);
export const CHAIN_FORMAT = 1;

/** JSON with object keys sorted at every depth and no whitespace; undefined fields dropped. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('canonicalJson: non-finite number');
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export type TextLine = { heading: string; text: string };

/** The public content of one published version: what the chain commits to. */
export type ChainContent = {
  format: number;
  villageId: string;
  seq: number;
  disclosureId: string;
  kind: string;
  period: string | null;
  title: string;
  versionNo: number;
  reason: string | null;
  body: string;
  ledger: { openingFen: number; declaredClosingFen: number; entries: LedgerEntry[] } | null;
  sections: TextLine[] | null;
  proposalId: string | null;
  publishedAt: string;
  cosignedBy: string;
};

export type ChainLink = { content: ChainContent; prevHash: string; hash: string };

export const linkHash = (content: ChainContent, prevHash: string, sha256Hex: (s: string) => string) =>
  sha256Hex(canonicalJson({ ...content, prevHash }));

export type ChainBreak = {
  seq: number;
  disclosureId: string;
  versionNo: number;
  reason: 'hash_mismatch' | 'prev_mismatch' | 'seq_gap' | 'voucher_mismatch';
  message: string;
  expected: string;
  actual: string;
};

export type ChainReport =
  | { ok: true; length: number; head: string }
  | { ok: false; length: number; head: string; broken: ChainBreak };

/**
 * Recomputes the chain in seq order and reports the first link that does not hold: its content
 * no longer hashes to its recorded hash (the row was changed), its prevHash is not the previous
 * link's hash (a link was removed or reordered), or a seq is missing.
 */
export function verifyChain(links: ChainLink[], sha256Hex: (s: string) => string): ChainReport {
  let prev = GENESIS;
  const sorted = [...links].sort((a, b) => a.content.seq - b.content.seq);
  for (const [i, l] of sorted.entries()) {
    const c = l.content;
    const at = `第${c.seq}号（${c.title} 第${c.versionNo}版）`;
    const brk = (
      reason: ChainBreak['reason'],
      message: string,
      expected: string,
      actual: string,
    ): ChainReport => ({
      ok: false,
      length: sorted.length,
      head: sorted.at(-1)?.hash ?? GENESIS,
      broken: {
        seq: c.seq,
        disclosureId: c.disclosureId,
        versionNo: c.versionNo,
        reason,
        message,
        expected,
        actual,
      },
    });
    if (c.seq !== i + 1) return brk('seq_gap', `${at}之前缺了记录`, String(i + 1), String(c.seq));
    if (l.prevHash !== prev) return brk('prev_mismatch', `${at}接不上前一条`, prev, l.prevHash);
    const h = linkHash(c, l.prevHash, sha256Hex);
    if (h !== l.hash) return brk('hash_mismatch', `${at}的内容被改过`, l.hash, h);
    prev = l.hash;
  }
  return { ok: true, length: sorted.length, head: prev };
}

/** One voucher photo a published version commits to: where it is and the sha256 of its bytes. */
export type CommittedVoucher = {
  seq: number;
  disclosureId: string;
  versionNo: number;
  title: string;
  /** The ledger line (1-based) it belongs to. */
  line: number;
  id: string;
  sha256: string;
};

/** Every voucher the chain commits to, in chain order. */
export function committedVouchers(links: ChainLink[]): CommittedVoucher[] {
  const out: CommittedVoucher[] = [];
  for (const l of [...links].sort((a, b) => a.content.seq - b.content.seq)) {
    const c = l.content;
    for (const [i, e] of (c.ledger?.entries ?? []).entries()) {
      for (const v of e.vouchers ?? []) {
        out.push({
          seq: c.seq,
          disclosureId: c.disclosureId,
          versionNo: c.versionNo,
          title: c.title,
          line: i + 1,
          id: v.id,
          sha256: v.sha256,
        });
      }
    }
  }
  return out;
}

/**
 * Checks the voucher photos against what the chain committed to: `actual` gives the sha256 of each
 * voucher as found now (its bytes, or the record of them), null when it is gone. Run it after
 * verifyChain passed (the commitments themselves are then known to be unaltered); reports the
 * first voucher that differs.
 */
export function verifyVouchers(
  links: ChainLink[],
  actual: ReadonlyMap<string, string | null>,
  head: { length: number; head: string },
): ChainReport {
  for (const v of committedVouchers(links)) {
    const found = actual.get(v.id) ?? null;
    if (found === v.sha256) continue;
    return {
      ok: false,
      length: head.length,
      head: head.head,
      broken: {
        seq: v.seq,
        disclosureId: v.disclosureId,
        versionNo: v.versionNo,
        reason: 'voucher_mismatch',
        message: `第${v.seq}号（${v.title} 第${v.versionNo}版）第${v.line}笔的凭证照片${found === null ? '不见了' : '被换过'}`,
        expected: v.sha256,
        actual: found ?? 'missing',
      },
    };
  }
  return { ok: true, length: head.length, head: head.head };
}

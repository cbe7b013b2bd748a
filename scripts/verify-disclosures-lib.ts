/**
 * The verifier's core, shared by scripts/verify-disclosures.ts and the tests: fetch a village's
 * public chain (GET /api/villages/{id}/disclosures/chain) and recompute every link with this
 * machine's own sha256 — trusting nothing the server computed, only the data it publishes. With
 * the voucher photos: download each one the chain commits to (the public voucher URL) and hash
 * its bytes here, so a photo swapped after publishing is caught.
 */
import { createHash } from 'node:crypto';
import {
  type ChainLink,
  type ChainReport,
  committedVouchers,
  verifyChain,
  verifyVouchers,
} from '../shared/disclosures/chain';

export const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
export const sha256OfBytes = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export function verifyLinks(links: ChainLink[]): ChainReport {
  return verifyChain(links, sha256Hex);
}

/**
 * The chain, then every voucher photo: `hashOf(voucher)` answers the sha256 of its bytes as found
 * now, or null when it cannot be had.
 */
export async function verifyWithVouchers(
  links: ChainLink[],
  hashOf: (v: { disclosureId: string; id: string }) => Promise<string | null>,
): Promise<ChainReport> {
  const chain = verifyLinks(links);
  if (!chain.ok) return chain;
  const found = new Map<string, string | null>();
  for (const v of committedVouchers(links)) {
    if (!found.has(v.id)) found.set(v.id, await hashOf(v));
  }
  return verifyVouchers(links, found, chain);
}

/** What the verifier reports for a photo the server itself refuses to serve as altered. */
export const ALTERED = 'altered (the server refuses to serve it: VOUCHER_ALTERED)';

/**
 * The sha256 of a voucher photo as the public board serves it; null when it is not served at all,
 * ALTERED when the server says its stored bytes no longer match the chain.
 */
export function publicVoucherHash(baseUrl: string, villageId: string, fetcher: typeof fetch = fetch) {
  return async (v: { disclosureId: string; id: string }): Promise<string | null> => {
    const url = `${baseUrl.replace(/\/$/, '')}/api/villages/${villageId}/disclosures/${v.disclosureId}/vouchers/${v.id}`;
    const res = await fetcher(url);
    if (res.status === 409) return ALTERED;
    if (!res.ok) return null;
    return sha256OfBytes(new Uint8Array(await res.arrayBuffer()));
  };
}

export async function fetchChain(
  baseUrl: string,
  villageId: string,
  fetcher: typeof fetch = fetch,
): Promise<ChainLink[]> {
  const url = `${baseUrl.replace(/\/$/, '')}/api/villages/${villageId}/disclosures/chain`;
  const res = await fetcher(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const body = (await res.json()) as { links: ChainLink[] };
  return body.links;
}

export function describeReport(villageId: string, r: ChainReport): string {
  if (r.ok) return `OK: village ${villageId}, ${r.length} published version(s), head ${r.head}`;
  const b = r.broken;
  return [
    `BROKEN: village ${villageId}, link #${b.seq} (disclosure ${b.disclosureId || '-'}, version ${b.versionNo}): ${b.reason}`,
    `  ${b.message}`,
    `  expected ${b.expected}`,
    `  actual   ${b.actual}`,
  ].join('\n');
}

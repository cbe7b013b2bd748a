/**
 * The verifier's core, shared by scripts/verify-disclosures.ts and the tests: fetch a village's
 * public chain (GET /api/villages/{id}/disclosures/chain) and recompute every link with this
 * machine's own sha256 — trusting nothing the server computed, only the data it publishes.
 */
import { createHash } from 'node:crypto';
import { type ChainLink, type ChainReport, verifyChain } from '../shared/disclosures/chain';

export const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export function verifyLinks(links: ChainLink[]): ChainReport {
  return verifyChain(links, sha256Hex);
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

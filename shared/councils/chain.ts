/**
 * Ballot receipts and the hash chain, shared by the API (which publishes the chain head at close)
 * and the verifier (scripts/verify-ballots.ts), so both compute the same thing.
 *
 * A ballot's leaf hash covers its vote, its position, its receipt, its choice and — on an open
 * ballot only — the voter's name. The chain runs over the counted ballots in ballot order:
 *   h₀ = sha256("cmcy-ballots-v1|" + voteId),  hᵢ = sha256(hᵢ₋₁ + "|" + leafᵢ).
 * It is built when the vote closes (DESIGN §2.2), so casting stays parallel; the receipt a voter
 * holds is fixed when they cast. Changing, dropping, adding or reordering any ballot changes the
 * head; the verifier says which position breaks first.
 */
import { createHash } from 'node:crypto';

export type ChainBallot = { seq: number; receipt: string; option: string; name?: string | null };

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export const chainGenesis = (voteId: string) => sha256(`cmcy-ballots-v1|${voteId}`);

export function leafHash(voteId: string, b: ChainBallot): string {
  return sha256(`${voteId}|${b.seq}|${b.receipt}|${b.option}|${b.name ?? ''}`);
}

export const chainStep = (prev: string, leaf: string) => sha256(`${prev}|${leaf}`);

/** Chain hashes of each ballot, in order; the last one is the head (genesis when empty). */
export function buildChain(
  voteId: string,
  ballots: readonly ChainBallot[],
): { hashes: string[]; head: string } {
  let h = chainGenesis(voteId);
  const hashes: string[] = [];
  for (const b of ballots) {
    h = chainStep(h, leafHash(voteId, b));
    hashes.push(h);
  }
  return { hashes, head: h };
}

/** Receipt codes: 12 characters of an alphabet without look-alikes (0/O, 1/I/L), shown as XXXX-XXXX-XXXX. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const RECEIPT_RE = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;

export function newReceipt(random: (n: number) => Uint8Array): string {
  const bytes = random(12);
  let s = '';
  for (let i = 0; i < 12; i++) {
    // 31 symbols; the bias of 256 mod 31 is irrelevant for a non-secret, non-guessable-enough code
    // that also carries 59 bits of entropy.
    s += ALPHABET[bytes[i]! % ALPHABET.length];
    if (i === 3 || i === 7) s += '-';
  }
  return s;
}

/** Normalises what a villager types (lower case, spaces, no dashes) to the receipt's form. */
export function normaliseReceipt(input: string): string {
  const raw = input.toUpperCase().replace(/[^0-9A-Z]/g, '');
  if (raw.length !== 12) return input.trim().toUpperCase();
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}

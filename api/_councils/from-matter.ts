/**
 * The bridge between matters (DESIGN §2.1, track "decide") and councils.
 * - createProposalFromMatter: matters calls it when a matter needs a collective decision; one
 *   proposal per matter (a second call returns the same proposal).
 * - onDecision: councils calls it when the 决议 stage of a proposal is recorded; for a proposal
 *   that came from a matter, the outcome flows back to the matter.
 * Both run in the caller's transaction.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../_db/client';
import { proposals } from '../_db/schema';

export async function createProposalFromMatter(
  tx: Tx,
  p: { matterId: string; villageId: string; title: string; text: string; requestedBy: string },
): Promise<{ proposalId: string; created: boolean }> {
  const [row] = await tx
    .insert(proposals)
    .values({
      villageId: p.villageId,
      title: p.title.slice(0, 60),
      text: p.text || p.title,
      source: 'matter',
      matterId: p.matterId,
      createdBy: p.requestedBy,
    })
    .onConflictDoNothing()
    .returning({ id: proposals.id });
  if (row) return { proposalId: row.id, created: true };
  const [existing] = await tx
    .select({ id: proposals.id })
    .from(proposals)
    .where(eq(proposals.matterId, p.matterId));
  return { proposalId: existing!.id, created: false };
}

export type DecisionProposal = { id: string; villageId: string; title: string; matterId: string | null };

export async function onDecision(
  tx: Tx,
  proposal: DecisionProposal,
  outcome: { outcome: 'adopted' | 'rejected'; summary: string; decidedAt: Date },
): Promise<void> {
  if (!proposal.matterId) return;
  const decision = {
    matterId: proposal.matterId,
    proposalId: proposal.id,
    outcome: outcome.outcome,
    summary: outcome.summary,
    decidedAt: outcome.decidedAt,
  };
  // MERGE: replace the next line by `await returnDecision(tx, decision);` from api/_matters/decision.ts
  void [tx, decision]; // placeholder until matters’ returnDecision is merged: nothing is forwarded yet
}

/**
 * THE seam between matters and councils (the decide track, DESIGN §2.1 → §2.2). Two calls, both in
 * the caller's transaction:
 *
 * - `requestCouncilProposal` — a cadre routed a matter to 村民议事 (route_decide). Today it records
 *   the hand-off in `matter_decisions` (pending, proposal_id null); on merge the councils module
 *   creates its proposal here and stores the proposal's id. Outcomes: Ok {decisionId}.
 * - `returnDecision` — the councils module reports the proposal's outcome. It applies the
 *   workflow's `decision_returned` as the system, writes the outcome on the timeline in plain
 *   words and notifies the author (and followers). Outcomes: Ok {matterId, state};
 *   NOT_FOUND (no such matter); TRANSITION_NOT_ALLOWED (not waiting for a decision: it was
 *   withdrawn, or the outcome came twice).
 */
import { and, eq } from 'drizzle-orm';
import { assertTransition } from '../../shared/matters/workflow';
import type { Tx } from '../_db/client';
import { matterDecisions, matters } from '../_db/schema';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { applyMove, workflowMatter } from './moves';
import { villageTimeLimits } from './settings';

export type TCouncilProposalRequest = {
  matterId: string;
  villageId: string;
  title: string;
  text: string;
  requestedBy: string;
};

export async function requestCouncilProposal(
  tx: Tx,
  r: TCouncilProposalRequest,
): Promise<Outcome<{ decisionId: string; proposalId: string | null }>> {
  const [row] = await tx
    .insert(matterDecisions)
    .values({
      matterId: r.matterId,
      villageId: r.villageId,
      title: r.title,
      text: r.text,
      requestedBy: r.requestedBy,
    })
    .returning({ id: matterDecisions.id, proposalId: matterDecisions.proposalId });
  return Ok({ decisionId: row!.id, proposalId: row!.proposalId });
}

export type TDecisionReturn = {
  matterId: string;
  proposalId: string;
  outcome: 'adopted' | 'rejected';
  /** What was decided, in plain words (shown to the villager). */
  summary: string;
  decidedAt: Date;
};

export const DECISION_OUTCOME_LABELS = { adopted: '表决通过', rejected: '表决未通过' } as const;

export async function returnDecision(
  tx: Tx,
  d: TDecisionReturn,
  opts: { requestId?: string; now?: Date } = {},
): Promise<Outcome<{ matterId: string; state: 'resolved' }>> {
  const [m] = await tx.select().from(matters).where(eq(matters.id, d.matterId)).for('update');
  if (!m) return Err('NOT_FOUND');
  const summary = d.summary.trim();
  const note = `村民议事${DECISION_OUTCOME_LABELS[d.outcome]}${summary ? `：${summary}` : ''}`;
  const r = assertTransition(workflowMatter(m), { roles: [], isSystem: true }, 'decision_returned', note);
  if (!r.ok) return Err('TRANSITION_NOT_ALLOWED');
  const moved = await applyMove(tx, {
    matter: m,
    action: 'decision_returned',
    actorUserId: null,
    to: r.to,
    level: r.level,
    reopenCount: r.reopenCount,
    restartsClock: r.restartsClock,
    note,
    now: opts.now ?? new Date(),
    limits: await villageTimeLimits(tx, m.villageId),
    requestId: opts.requestId ?? `councils:${d.proposalId}`,
    label: note,
    auditDetails: { proposalId: d.proposalId, outcome: d.outcome },
  });
  if (!moved.ok) return moved;
  await tx
    .update(matterDecisions)
    .set({ status: d.outcome, proposalId: d.proposalId, summary, decidedAt: d.decidedAt })
    .where(and(eq(matterDecisions.matterId, m.id), eq(matterDecisions.status, 'pending')));
  return Ok({ matterId: m.id, state: 'resolved' });
}

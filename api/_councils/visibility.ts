/**
 * Who sees which proposal, in one place (proposals.ts lists and opens by it; the media fetch asks
 * it for a stage record's attachments). Every proposal is the village's — except a petition, the
 * villagers' own text, which others see only once its content check passed; its author and the
 * moderators (cadres, supervisors, who review it) see it before.
 */
import { type SQL, and, eq, ne, or } from 'drizzle-orm';
import { contentPassed } from '../_content';
import type { Db, Tx } from '../_db/client';
import { proposalStages, proposals } from '../_db/schema';
import type { CouncilViewer } from './viewer';

export const isModerator = (v: Pick<CouncilViewer, 'roles'>) =>
  v.roles.has('cadre') || v.roles.has('supervisor');

/** SQL condition on `proposals`: this viewer may see the row (the village is checked by the caller). */
export function proposalVisible(v: CouncilViewer): SQL | undefined {
  if (isModerator(v)) return undefined;
  return or(
    ne(proposals.source, 'petition'),
    eq(proposals.createdBy, v.userId),
    contentPassed('petition', proposals.id),
  );
}

/** May this member of the village see the proposal a stage record belongs to? */
export async function stageVisible(db: Db | Tx, v: CouncilViewer, stageId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: proposals.id })
    .from(proposalStages)
    .innerJoin(proposals, eq(proposals.id, proposalStages.proposalId))
    .where(and(eq(proposalStages.id, stageId), eq(proposals.villageId, v.villageId), proposalVisible(v)));
  return row !== undefined;
}

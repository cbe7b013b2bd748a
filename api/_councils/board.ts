/**
 * The one place councils publish to the disclosure board (决议公开, 实施结果公开). The disclosures
 * capability (api/_disclosures/resolutions.ts, `publishResolution(tx, …)`) is being built in
 * parallel; until it is merged this records the publication on the proposal's stage row, in the
 * caller's transaction, so the stage and its publication land together.
 */
import { eq } from 'drizzle-orm';
import type { Stage } from '../../shared/councils/stages';
import type { Tx } from '../_db/client';
import { proposalStages } from '../_db/schema';

export type BoardPublication = {
  villageId: string;
  proposalId: string;
  stageId: string;
  stage: Extract<Stage, 'publish_resolution' | 'publish_result'>;
  title: string;
  body: string;
  publishedBy: string | null;
  at: Date;
};

export async function publishToBoard(tx: Tx, p: BoardPublication): Promise<void> {
  // MERGE: replace the next line by `await publishResolution(tx, { … })` from api/_disclosures/resolutions.ts
  const publication = { board: 'pending-disclosures', title: p.title, body: p.body, stage: p.stage };
  await tx
    .update(proposalStages)
    .set({ publishedAt: p.at, publication })
    .where(eq(proposalStages.id, p.stageId));
}

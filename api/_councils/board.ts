/**
 * The one place councils publish to the disclosure board (决议公开, 实施结果公开): a disclosure of
 * its own kind linked to the proposal (api/_disclosures/resolutions.ts), in the caller's
 * transaction, so the stage and its disclosure land together. It waits for the supervision
 * committee's co-signature like every disclosure; their approval puts it into the village's chain.
 * The stage row keeps which disclosure it became.
 */
import { eq } from 'drizzle-orm';
import type { Stage } from '../../shared/councils/stages';
import type { Tx } from '../_db/client';
import { proposalStages } from '../_db/schema';
import { publishResolution } from '../_disclosures/resolutions';

export type BoardPublication = {
  villageId: string;
  proposalId: string;
  stageId: string;
  stage: Extract<Stage, 'publish_resolution' | 'publish_result'>;
  title: string;
  body: string;
  publishedBy: string | null;
  at: Date;
  requestId: string;
};

export async function publishToBoard(tx: Tx, p: BoardPublication): Promise<void> {
  const d = await publishResolution(tx, {
    villageId: p.villageId,
    kind: p.stage === 'publish_resolution' ? 'resolution' : 'implementation',
    proposalId: p.proposalId,
    title: p.title,
    body: p.body,
    draftedBy: p.publishedBy,
    requestId: p.requestId,
    now: p.at,
  });
  const publication = {
    board: 'disclosures',
    disclosureId: d.disclosureId,
    status: d.status,
    stage: p.stage,
  };
  await tx
    .update(proposalStages)
    .set({ publishedAt: p.at, publication })
    .where(eq(proposalStages.id, p.stageId));
}

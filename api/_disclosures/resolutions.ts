/**
 * The stable interface councils use to publish 决议公开 and 实施结果公开 (DESIGN §2.2 stages 5–6):
 * a disclosure of its own kind linked to the proposal, published into the village's chain inside
 * the council's own transaction (the resolution and its disclosure land together or not at all).
 * With `cosignedBy` (the supervisor who co-signed the council record) it is published at once;
 * without, it waits in the supervision committee's review queue like any submitted draft (they
 * are told), and their approval publishes it. Calling it again for the same proposal and kind
 * makes a correction (a new version) with the given reason.
 *
 * After the council's transaction commits nothing else is needed: board reads are stamped with
 * the chain head, which this moved.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { TextLine } from '../../shared/disclosures/chain';
import type { Tx } from '../_db/client';
import { disclosureVersions, disclosures, users } from '../_db/schema';
import { audit } from '../_lib/audit';
import { appendToChain } from './chain';
import { ADMIN_PAGE, notifyPublished } from './drafts';
import { notify } from '../_notices/notify';

export type PublishResolutionInput = {
  villageId: string;
  kind: 'resolution' | 'implementation';
  /** The council proposal this belongs to. */
  proposalId: string;
  title: string;
  body: string;
  sections?: TextLine[];
  /** Who drafted it (the convening cadre), and the supervisor who co-signed it. */
  draftedBy: string | null;
  cosignedBy?: string;
  /** Required when this proposal already has a disclosure of this kind (a correction). */
  reason?: string;
  requestId: string;
  now?: Date;
};

export type PublishedResolution =
  | { status: 'published'; disclosureId: string; versionNo: number; seq: number; hash: string }
  | { status: 'submitted'; disclosureId: string; versionNo: number };

export async function publishResolution(tx: Tx, input: PublishResolutionInput): Promise<PublishedResolution> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtext(${`disclosure-proposal:${input.proposalId}:${input.kind}`}))`,
  );
  let [d] = await tx
    .select()
    .from(disclosures)
    .where(
      and(
        eq(disclosures.villageId, input.villageId),
        eq(disclosures.kind, input.kind),
        eq(disclosures.proposalId, input.proposalId),
      ),
    );
  if (!d) {
    [d] = await tx
      .insert(disclosures)
      .values({
        villageId: input.villageId,
        kind: input.kind,
        proposalId: input.proposalId,
        createdBy: input.draftedBy,
      })
      .returning();
  } else if (!input.reason) {
    throw new Error(
      `publishResolution: proposal ${input.proposalId} already has a ${input.kind}; pass a reason to correct it`,
    );
  }
  const [{ max }] = (await tx
    .select({ max: sql<number>`coalesce(max(${disclosureVersions.versionNo}), 0)`.mapWith(Number) })
    .from(disclosureVersions)
    .where(eq(disclosureVersions.disclosureId, d!.id))) as [{ max: number }];
  const [ver] = await tx
    .insert(disclosureVersions)
    .values({
      disclosureId: d!.id,
      villageId: input.villageId,
      versionNo: max + 1,
      status: 'submitted',
      title: input.title,
      body: input.body,
      sections: input.sections ?? null,
      reason: max > 0 ? (input.reason ?? null) : null,
      draftedBy: input.draftedBy,
      submittedBy: input.draftedBy,
      submittedAt: input.now ?? new Date(),
    })
    .returning();
  if (!input.cosignedBy) {
    await audit(tx, {
      actorUserId: input.draftedBy,
      action: `disclosure.${input.kind}.submit`,
      targetType: 'disclosure_version',
      targetId: ver!.id,
      villageId: input.villageId,
      requestId: input.requestId,
      details: { proposalId: input.proposalId },
    });
    await notify(tx, {
      kind: 'disclosure_reminder',
      villageId: input.villageId,
      audience: { type: 'role', villageId: input.villageId, role: 'supervisor' },
      title: '有公开内容等您审核',
      summary: input.title,
      objectType: 'disclosure',
      objectId: d!.id,
      page: `${ADMIN_PAGE}?id=${d!.id}`,
      fields: { title: input.title, status: '待审核', note: '请监委会审核签字' },
      ...(input.draftedBy ? { exclude: [input.draftedBy] } : {}),
    });
    return { status: 'submitted', disclosureId: d!.id, versionNo: ver!.versionNo };
  }
  const [cosigner] = await tx
    .select({ name: users.displayName })
    .from(users)
    .where(eq(users.id, input.cosignedBy));
  const linked = await appendToChain(tx, {
    versionId: ver!.id,
    fromStatus: ['submitted'],
    cosignerId: input.cosignedBy,
    cosignerName: cosigner?.name ?? '',
    now: input.now ?? new Date(),
  });
  if (!linked) throw new Error('publishResolution: the new version could not be linked');
  await audit(tx, {
    actorUserId: input.draftedBy,
    action: `disclosure.${input.kind}`,
    targetType: 'disclosure_version',
    targetId: ver!.id,
    villageId: input.villageId,
    requestId: input.requestId,
    details: { proposalId: input.proposalId, seq: linked.seq, hash: linked.hash },
  });
  await notifyPublished(tx, {
    villageId: input.villageId,
    disclosureId: d!.id,
    title: input.title,
    correction: max > 0,
  });
  return {
    status: 'published',
    disclosureId: d!.id,
    versionNo: linked.versionNo,
    seq: linked.seq,
    hash: linked.hash,
  };
}

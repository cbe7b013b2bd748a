/**
 * 质询: a villager questions one line of a published disclosure. The question becomes a matter
 * about the cadres (raiseMatter with aboutCadre — it goes to the supervision committee, and the
 * village's cadres cannot read it), in the same transaction as the link to the line, kept here and the committee's answer
 * (the matter's latest responder note) shows beside the line on the board.
 *
 * Outcomes: Ok {id, matterId}; NOT_FOUND (no such published version here); FORBIDDEN (not a
 * villager); VALIDATION_FAILED (no such line); whatever raiseMatter refuses.
 */
import { and, eq } from 'drizzle-orm';
import { DISCLOSURE_KIND_LABELS } from '../../shared/disclosures/kinds';
import { entryText } from '../../shared/disclosures/diff';
import { periodLabel } from '../../shared/disclosures/periods';
import type { TQuestion } from '../../shared/disclosures/schemas';
import type { Auth, Deps } from '../_app/context';
import type { Db } from '../_db/client';
import { disclosureQuestions, disclosureVersions, disclosures } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { raiseMatter } from '../_matters/matters';
import { viewerFor } from '../_matters/scope';

export async function askQuestion(
  deps: Deps,
  p: { auth: Auth; villageId: string; disclosureId: string; requestId: string; input: TQuestion },
): Promise<Outcome<{ id: string; matterId: string }>> {
  const { input } = p;
  const [row] = await deps.db
    .select({ d: disclosures, v: disclosureVersions })
    .from(disclosures)
    .innerJoin(disclosureVersions, eq(disclosureVersions.disclosureId, disclosures.id))
    .where(
      and(
        eq(disclosures.id, p.disclosureId),
        eq(disclosures.villageId, p.villageId),
        eq(disclosureVersions.versionNo, input.versionNo),
        eq(disclosureVersions.status, 'published'),
      ),
    );
  if (!row) return Err('NOT_FOUND');
  const { d, v } = row;
  const lines = v.ledger
    ? v.ledger.entries.map(entryText)
    : v.sections?.length
      ? v.sections.map((s) => `${s.heading}：${s.text}`)
      : [v.body];
  const line = lines[input.lineNo - 1];
  if (line === undefined) return Err('VALIDATION_FAILED', '没有这一行');
  const viewer = await viewerFor(deps, p.auth, p.villageId);
  if (!viewer.roles.has('villager')) return Err('FORBIDDEN', '村民才能质询');
  const what = `${d.period ? periodLabel(d.period) : ''}${DISCLOSURE_KIND_LABELS[d.kind]}（第${v.versionNo}版）第${input.lineNo}行「${line.slice(0, 80)}」`;
  // One transaction for the matter and its link to the line: a question is never half-written.
  // raiseMatter's own transaction becomes a savepoint inside it.
  return deps.db.transaction(async (tx) => {
    const raised = await raiseMatter(
      { ...deps, db: tx as unknown as Db },
      {
        viewer,
        requestId: p.requestId,
        input: {
          kind: 'complaint',
          category: 'village_affairs',
          text: `对${what}的质询：${input.text}`,
          photoIds: [],
          aboutCadre: true,
          visibility: 'private',
        },
      },
    );
    if (!raised.ok) return raised;
    const [q] = await tx
      .insert(disclosureQuestions)
      .values({
        villageId: p.villageId,
        disclosureId: d.id,
        versionNo: v.versionNo,
        lineNo: input.lineNo,
        matterId: raised.value.id,
        askedBy: p.auth.userId,
        text: input.text,
      })
      .returning({ id: disclosureQuestions.id });
    await audit(tx, {
      actorUserId: p.auth.userId,
      action: 'disclosure.question',
      targetType: 'disclosure',
      targetId: d.id,
      villageId: p.villageId,
      requestId: p.requestId,
      details: { versionNo: v.versionNo, lineNo: input.lineNo, matterId: raised.value.id },
    });
    return Ok({ id: q!.id, matterId: raised.value.id });
  });
}

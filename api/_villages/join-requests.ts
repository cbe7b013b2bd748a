/** Cadres list and decide join requests. Outcomes: the decided request · NOT_FOUND · CONFLICT (already decided). */
import { and, desc, eq } from 'drizzle-orm';
import { maskPhone } from '../../shared/format';
import type { TJoinRequestList, TJoinResult } from '../../shared/schemas/villages';
import type { Deps } from '../_app/context';
import { joinRequests, villages } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { admitVillager } from './join-village';

export async function listJoinRequests(
  deps: Deps,
  villageId: string,
  status: 'pending' | 'approved' | 'rejected' | undefined,
): Promise<TJoinRequestList> {
  const rows = await deps.db
    .select()
    .from(joinRequests)
    .where(and(eq(joinRequests.villageId, villageId), status ? eq(joinRequests.status, status) : undefined))
    .orderBy(desc(joinRequests.createdAt))
    .limit(200);
  return {
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      phoneMasked: maskPhone(r.phone),
      householdNo: r.householdNo,
      status: r.status,
      matchedResident: r.residentId !== null,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}

export async function decideJoinRequest(
  deps: Deps,
  p: {
    villageId: string;
    requestId: string;
    actorUserId: string;
    decision: 'approve' | 'reject';
    reason?: string;
    httpRequestId: string;
  },
): Promise<Outcome<TJoinResult>> {
  return deps.db.transaction(async (tx) => {
    const [req] = await tx
      .select({ r: joinRequests, villageName: villages.name })
      .from(joinRequests)
      .innerJoin(villages, eq(villages.id, joinRequests.villageId))
      .where(and(eq(joinRequests.id, p.requestId), eq(joinRequests.villageId, p.villageId)))
      .for('update');
    if (!req) return Err('NOT_FOUND');
    if (req.r.status !== 'pending') return Err('CONFLICT', '这个申请已经处理过了');
    const status = p.decision === 'approve' ? ('approved' as const) : ('rejected' as const);
    await tx
      .update(joinRequests)
      .set({ status, decidedBy: p.actorUserId, decidedAt: new Date(), reason: p.reason ?? null })
      .where(eq(joinRequests.id, p.requestId));
    if (status === 'approved') {
      await admitVillager(tx, {
        userId: req.r.userId,
        villageId: p.villageId,
        residentId: req.r.residentId,
        name: req.r.name,
        phone: req.r.phone,
      });
    }
    await audit(tx, {
      actorUserId: p.actorUserId,
      action: `village.join.${status}`,
      targetType: 'join_request',
      targetId: p.requestId,
      villageId: p.villageId,
      requestId: p.httpRequestId,
      details: p.reason ? { reason: p.reason } : undefined,
    });
    return Ok({ request: { id: p.requestId, status, villageId: p.villageId, villageName: req.villageName } });
  });
}

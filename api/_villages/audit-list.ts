import { and, desc, eq, lt } from 'drizzle-orm';
import type { TAuditList } from '../../shared/schemas/villages';
import type { Deps } from '../_app/context';
import { auditLog, users } from '../_db/schema';

/** The village's audit log, newest first, paged by id. */
export async function listAudit(
  deps: Deps,
  villageId: string,
  limit = 50,
  before?: number,
): Promise<TAuditList> {
  const rows = await deps.db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      actorName: users.displayName,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      requestId: auditLog.requestId,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(eq(auditLog.villageId, villageId), before ? lt(auditLog.id, before) : undefined))
    .orderBy(desc(auditLog.id))
    .limit(limit);
  return { items: rows.map((r) => ({ ...r, at: r.at.toISOString() })) };
}

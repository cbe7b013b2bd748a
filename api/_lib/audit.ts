/** Appends to the audit log inside the caller's transaction, so the record and the change land together. */
import { auditLog } from '../_db/schema';
import type { Db, Tx } from '../_db/client';

export type AuditEntry = {
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  villageId?: string | null;
  requestId: string;
  details?: Record<string, unknown>;
};

export async function audit(tx: Db | Tx, entry: AuditEntry | AuditEntry[]) {
  const rows = Array.isArray(entry) ? entry : [entry];
  if (rows.length === 0) return;
  await auditInsert(tx, rows);
}

/** The INSERT, not run: to embed in a larger statement (sql`with a as (${auditInsert(…)}) …`). */
export function auditInsert(q: Db | Tx, entry: AuditEntry | AuditEntry[]) {
  return q.insert(auditLog).values(Array.isArray(entry) ? entry : [entry]);
}

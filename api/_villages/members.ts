/**
 * Village members and their roles. Outcomes of assign/remove: ok · NOT_FOUND (not a member of
 * this village) · CONFLICT (a cadre removing their own cadre role; grid_worker needs a grid).
 */
import { and, asc, eq } from 'drizzle-orm';
import { maskPhone } from '../../shared/format';
import type { Role, VillageRole } from '../../shared/roles';
import type { TMemberList } from '../../shared/schemas/villages';
import type { Deps } from '../_app/context';
import { grids, memberships, users } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';

export async function listMembers(deps: Deps, villageId: string): Promise<TMemberList> {
  const rows = await deps.db
    .select({ userId: users.id, displayName: users.displayName, phone: users.phone, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.villageId, villageId))
    .orderBy(asc(users.displayName));
  const byUser = new Map<string, TMemberList['items'][number]>();
  for (const r of rows) {
    const m = byUser.get(r.userId) ?? {
      userId: r.userId,
      displayName: r.displayName,
      phoneMasked: maskPhone(r.phone),
      roles: [] as Role[],
    };
    m.roles.push(r.role);
    byUser.set(r.userId, m);
  }
  return { items: [...byUser.values()] };
}

type RoleChange = {
  villageId: string;
  userId: string;
  role: VillageRole;
  actorUserId: string;
  requestId: string;
};

export async function assignRole(
  deps: Deps,
  p: RoleChange & { gridId?: string },
): Promise<Outcome<{ ok: true }>> {
  return deps.db.transaction(async (tx) => {
    const [member] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.userId, p.userId), eq(memberships.villageId, p.villageId)))
      .limit(1);
    if (!member) return Err('NOT_FOUND', '这个人还不是本村成员');
    if (p.role === 'grid_worker') {
      if (!p.gridId) return Err('VALIDATION_FAILED', '请选择网格');
      const [g] = await tx
        .select({ id: grids.id })
        .from(grids)
        .where(and(eq(grids.id, p.gridId), eq(grids.villageId, p.villageId)));
      if (!g) return Err('NOT_FOUND', '没有这个网格');
      await tx
        .update(grids)
        .set({ workerUserId: null })
        .where(and(eq(grids.villageId, p.villageId), eq(grids.workerUserId, p.userId)));
      await tx.update(grids).set({ workerUserId: p.userId }).where(eq(grids.id, p.gridId));
    }
    await tx
      .insert(memberships)
      .values({
        userId: p.userId,
        villageId: p.villageId,
        role: p.role,
        gridId: p.role === 'grid_worker' ? p.gridId : null,
      })
      .onConflictDoUpdate({
        target: [
          memberships.userId,
          memberships.role,
          memberships.villageId,
          memberships.townId,
          memberships.countyId,
        ],
        set: { gridId: p.role === 'grid_worker' ? (p.gridId ?? null) : null },
      });
    await audit(tx, {
      actorUserId: p.actorUserId,
      action: 'member.role.assign',
      targetType: 'user',
      targetId: p.userId,
      villageId: p.villageId,
      requestId: p.requestId,
      details: { role: p.role, gridId: p.gridId },
    });
    return Ok({ ok: true as const });
  });
}

export async function removeRole(deps: Deps, p: RoleChange): Promise<Outcome<{ ok: true }>> {
  if (p.role === 'cadre' && p.userId === p.actorUserId) return Err('CONFLICT', '不能取消自己的村干部身份');
  return deps.db.transaction(async (tx) => {
    const removed = await tx
      .delete(memberships)
      .where(
        and(
          eq(memberships.userId, p.userId),
          eq(memberships.villageId, p.villageId),
          eq(memberships.role, p.role),
        ),
      )
      .returning({ id: memberships.id });
    if (removed.length === 0) return Err('NOT_FOUND');
    if (p.role === 'grid_worker') {
      await tx
        .update(grids)
        .set({ workerUserId: null })
        .where(and(eq(grids.villageId, p.villageId), eq(grids.workerUserId, p.userId)));
    }
    await audit(tx, {
      actorUserId: p.actorUserId,
      action: 'member.role.remove',
      targetType: 'user',
      targetId: p.userId,
      villageId: p.villageId,
      requestId: p.requestId,
      details: { role: p.role },
    });
    return Ok({ ok: true as const });
  });
}

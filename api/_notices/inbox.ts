/** The inbox: newest first, unread count for the tab bar badge, mark read. Always the caller's own entries. */
import { and, count, desc, eq, isNull, lt } from 'drizzle-orm';
import type { TInboxList, TNotifySettings } from '../../shared/notices/schemas';
import { NOTIFY_KINDS, NOTIFY_KIND_LABELS, type NotifyKind } from '../../shared/notices/rules';
import type { Deps } from '../_app/context';
import { inboxEntries, notifySettings, users } from '../_db/schema';
import { Err, Ok, type Outcome } from '../_lib/errors';

export async function unreadCount(deps: Deps, userId: string): Promise<number> {
  const [r] = await deps.db
    .select({ n: count() })
    .from(inboxEntries)
    .where(and(eq(inboxEntries.userId, userId), isNull(inboxEntries.readAt)));
  return Number(r?.n ?? 0);
}

export async function listInbox(
  deps: Deps,
  userId: string,
  limit = 30,
  before?: string,
): Promise<TInboxList> {
  const rows = await deps.db
    .select()
    .from(inboxEntries)
    .where(
      and(eq(inboxEntries.userId, userId), before ? lt(inboxEntries.createdAt, new Date(before)) : undefined),
    )
    .orderBy(desc(inboxEntries.createdAt), desc(inboxEntries.id))
    .limit(limit);
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      summary: r.summary,
      objectType: r.objectType,
      objectId: r.objectId,
      villageId: r.villageId,
      createdAt: r.createdAt.toISOString(),
      read: r.readAt !== null,
    })),
    unread: await unreadCount(deps, userId),
  };
}

export async function markRead(
  deps: Deps,
  userId: string,
  entryId: string | 'all',
): Promise<Outcome<{ unread: number }>> {
  const updated = await deps.db
    .update(inboxEntries)
    .set({ readAt: new Date() })
    .where(
      and(
        eq(inboxEntries.userId, userId),
        entryId === 'all' ? isNull(inboxEntries.readAt) : eq(inboxEntries.id, entryId),
      ),
    )
    .returning({ id: inboxEntries.id });
  if (entryId !== 'all' && updated.length === 0) {
    // Already read is fine; someone else's entry is simply not found.
    const [mine] = await deps.db
      .select({ id: inboxEntries.id })
      .from(inboxEntries)
      .where(and(eq(inboxEntries.id, entryId), eq(inboxEntries.userId, userId)));
    if (!mine) return Err('NOT_FOUND');
  }
  return Ok({ unread: await unreadCount(deps, userId) });
}

export async function getNotifySettings(deps: Deps, userId: string): Promise<TNotifySettings> {
  const [u] = await deps.db.select({ quietHours: users.quietHours }).from(users).where(eq(users.id, userId));
  const rows = await deps.db.select().from(notifySettings).where(eq(notifySettings.userId, userId));
  const byKind = new Map(rows.map((r) => [r.kind, r]));
  return {
    quietHours: u?.quietHours ?? true,
    kinds: NOTIFY_KINDS.map((kind) => ({
      kind,
      label: NOTIFY_KIND_LABELS[kind],
      push: byKind.get(kind)?.push ?? true,
      digest: byKind.get(kind)?.digest ?? false,
    })),
  };
}

export async function updateNotifySettings(
  deps: Deps,
  userId: string,
  input: { quietHours?: boolean; kinds?: { kind: NotifyKind; push: boolean; digest: boolean }[] },
): Promise<TNotifySettings> {
  await deps.db.transaction(async (tx) => {
    if (input.quietHours !== undefined)
      await tx.update(users).set({ quietHours: input.quietHours }).where(eq(users.id, userId));
    for (const k of input.kinds ?? []) {
      await tx
        .insert(notifySettings)
        .values({ userId, kind: k.kind, push: k.push, digest: k.digest })
        .onConflictDoUpdate({
          target: [notifySettings.userId, notifySettings.kind],
          set: { push: k.push, digest: k.digest },
        });
    }
  });
  return getNotifySettings(deps, userId);
}

/**
 * A village's matter settings: its categories (defaults from shared/matters/kinds), its time-limit
 * overrides, and the cadres' duty roster; and the deadline a state gets from them.
 *
 * Outcomes:
 * - saveCategories: Ok settings; VALIDATION_FAILED (a key used twice, no visible category left).
 * - saveTimeLimits: Ok settings (open matters of the village get their deadline recomputed).
 * - saveDuty: Ok roster; VALIDATION_FAILED (someone who is not a cadre of the village).
 */
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { DEFAULT_CATEGORIES } from '../../shared/matters/kinds';
import {
  DEFAULT_TIME_LIMITS,
  STATE_TIME_LIMIT,
  type TMatterTimeLimits,
  deadlineFor,
  resolveTimeLimits,
} from '../../shared/matters/time-limits';
import type { MatterState } from '../../shared/matters/workflow';
import type { Db, Tx } from '../_db/client';
import { matterDuty, matters, memberships, users, villageMatterSettings } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';

type Q = Db | Tx;

export type TVillageCategory = { key: string; label: string; hidden?: boolean };

export async function villageSettings(q: Q, villageId: string) {
  const [row] = await q
    .select()
    .from(villageMatterSettings)
    .where(eq(villageMatterSettings.villageId, villageId));
  return settingsFrom(row);
}

/** The settings from the village's row (categories, time limits), or the defaults without one. */
export function settingsFrom(
  row: { categories: TVillageCategory[] | null; timeLimits: unknown } | undefined | null,
) {
  const categories: TVillageCategory[] = row?.categories ?? DEFAULT_CATEGORIES.map((c) => ({ ...c }));
  const overrides = (row?.timeLimits ?? {}) as Partial<TMatterTimeLimits>;
  return { categories, overrides, timeLimits: resolveTimeLimits(overrides) };
}

export async function villageTimeLimits(q: Q, villageId: string): Promise<TMatterTimeLimits> {
  return (await villageSettings(q, villageId)).timeLimits;
}

/** The clock columns for a matter entering `state` at `enteredAt`. Terminal: all null. */
export function clockFor(state: MatterState, enteredAt: Date, limits: TMatterTimeLimits) {
  const dueAt = deadlineFor(state, enteredAt, limits);
  return { enteredAt, dueAt, sweepAt: dueAt, overdueFlaggedAt: null };
}

async function upsertSettings(
  tx: Tx,
  villageId: string,
  userId: string,
  set: { categories?: TVillageCategory[]; timeLimits?: Record<string, number> },
) {
  await tx
    .insert(villageMatterSettings)
    .values({ villageId, updatedBy: userId, ...set })
    .onConflictDoUpdate({
      target: villageMatterSettings.villageId,
      set: { ...set, updatedBy: userId, updatedAt: new Date() },
    });
}

export async function saveCategories(
  db: Db,
  p: { villageId: string; userId: string; requestId: string; categories: TVillageCategory[] },
): Promise<Outcome<Awaited<ReturnType<typeof villageSettings>>>> {
  const keys = p.categories.map((c) => c.key);
  if (new Set(keys).size !== keys.length) return Err('VALIDATION_FAILED', '类别不能重复');
  if (!p.categories.some((c) => !c.hidden)) return Err('VALIDATION_FAILED', '至少要留一个类别');
  return db.transaction(async (tx) => {
    await upsertSettings(tx, p.villageId, p.userId, { categories: p.categories });
    await audit(tx, {
      actorUserId: p.userId,
      action: 'matters.categories',
      targetType: 'village',
      targetId: p.villageId,
      villageId: p.villageId,
      requestId: p.requestId,
      details: { keys },
    });
    return Ok(await villageSettings(tx, p.villageId));
  });
}

/**
 * New limits apply to the time already running: every open matter's deadline is recomputed from
 * when it entered its state (so shortening a limit can make matters overdue at the next sweep).
 */
export async function saveTimeLimits(
  db: Db,
  p: { villageId: string; userId: string; requestId: string; overrides: Partial<TMatterTimeLimits> },
): Promise<Outcome<Awaited<ReturnType<typeof villageSettings>>>> {
  const overrides = Object.fromEntries(
    Object.entries(p.overrides).filter(([, v]) => v !== undefined),
  ) as Record<string, number>;
  return db.transaction(async (tx) => {
    await upsertSettings(tx, p.villageId, p.userId, { timeLimits: overrides });
    const limits = resolveTimeLimits(overrides);
    const cases = sql.join(
      Object.entries(STATE_TIME_LIMIT)
        .filter(([, key]) => key !== null)
        .map(([state, key]) => sql`when ${state} then ${limits[key!]}`),
      sql` `,
    );
    await tx
      .update(matters)
      .set({
        dueAt: sql`${matters.enteredAt} + make_interval(hours => (case ${matters.state}::text ${cases} end)::int)`,
        sweepAt: sql`case when ${matters.overdueFlaggedAt} is null then ${matters.enteredAt} + make_interval(hours => (case ${matters.state}::text ${cases} end)::int) end`,
      })
      .where(and(eq(matters.villageId, p.villageId), isNotNull(matters.dueAt)));
    await audit(tx, {
      actorUserId: p.userId,
      action: 'matters.time_limits',
      targetType: 'village',
      targetId: p.villageId,
      villageId: p.villageId,
      requestId: p.requestId,
      details: { overrides, defaults: DEFAULT_TIME_LIMITS },
    });
    return Ok(await villageSettings(tx, p.villageId));
  });
}

// ---------------------------------------------------------------------------------------------
// Duty roster (值班表)

/** Beijing time has no daylight saving: the weekday there is the UTC weekday of now + 8 h. */
export const beijingWeekday = (at: Date) => new Date(at.getTime() + 8 * 3600_000).getUTCDay();

export async function dutyRoster(q: Q, villageId: string) {
  const rows = await q
    .select({ weekday: matterDuty.weekday, userId: matterDuty.userId, name: users.displayName })
    .from(matterDuty)
    .innerJoin(users, eq(users.id, matterDuty.userId))
    .where(eq(matterDuty.villageId, villageId))
    .orderBy(matterDuty.weekday);
  return rows;
}

export async function saveDuty(
  db: Db,
  p: { villageId: string; userId: string; requestId: string; days: { weekday: number; userId: string }[] },
): Promise<Outcome<Awaited<ReturnType<typeof dutyRoster>>>> {
  const weekdays = p.days.map((d) => d.weekday);
  if (new Set(weekdays).size !== weekdays.length) return Err('VALIDATION_FAILED', '每天只能排一位值班干部');
  const ids = [...new Set(p.days.map((d) => d.userId))];
  if (ids.length > 0) {
    const cadres = await db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(
        and(
          eq(memberships.villageId, p.villageId),
          eq(memberships.role, 'cadre'),
          inArray(memberships.userId, ids),
        ),
      );
    if (cadres.length !== ids.length) return Err('VALIDATION_FAILED', '值班的人必须是本村的村干部');
  }
  return db.transaction(async (tx) => {
    await tx.delete(matterDuty).where(eq(matterDuty.villageId, p.villageId));
    if (p.days.length > 0) {
      await tx.insert(matterDuty).values(p.days.map((d) => ({ villageId: p.villageId, ...d })));
    }
    await audit(tx, {
      actorUserId: p.userId,
      action: 'matters.duty',
      targetType: 'village',
      targetId: p.villageId,
      villageId: p.villageId,
      requestId: p.requestId,
      details: { days: p.days },
    });
    return Ok(await dutyRoster(tx, p.villageId));
  });
}

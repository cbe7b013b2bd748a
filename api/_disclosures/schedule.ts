/**
 * The publishing schedule per village (art. 30: finance monthly or quarterly, affairs at least
 * quarterly, major matters at once), what is due or overdue (the board and the town see it), and
 * the reminder job: cadres get one `disclosure_reminder` per period and state (due soon, overdue),
 * however often the job runs. The clock is a parameter so tests control it.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { DISCLOSURE_KIND_LABELS, PERIODIC_KINDS, type PeriodicKind } from '../../shared/disclosures/kinds';
import {
  type Cycle,
  DEFAULT_SCHEDULE,
  type PeriodDue,
  type Schedule,
  beijingDate,
  daysBetween,
  duePeriods,
  periodLabel,
} from '../../shared/disclosures/periods';
import type { TSchedule, TTownOverdue } from '../../shared/disclosures/schemas';
import type { Deps } from '../_app/context';
import type { Db, Tx } from '../_db/client';
import {
  disclosureReminders,
  disclosureSchedules,
  disclosureVersions,
  disclosures,
  towns,
  villages,
} from '../_db/schema';
import { audit } from '../_lib/audit';
import { Ok } from '../_lib/errors';
import { notify } from '../_notices/notify';

/** The village's schedule row, created with the defaults (from today) the first time it is needed. */
export async function ensureSchedule(tx: Db | Tx, villageId: string, now: Date) {
  await tx
    .insert(disclosureSchedules)
    .values({ villageId, ...DEFAULT_SCHEDULE, since: beijingDate(now) })
    .onConflictDoNothing();
}

export async function getSchedule(db: Db | Tx, villageId: string) {
  const [s] = await db.select().from(disclosureSchedules).where(eq(disclosureSchedules.villageId, villageId));
  if (!s) return null;
  return {
    schedule: {
      finance: s.finance as Cycle,
      affairs: s.affairs as Cycle,
      party: s.party as Cycle,
    } satisfies Schedule,
    since: s.since,
  };
}

export async function setSchedule(
  deps: Pick<Deps, 'db'>,
  p: { villageId: string; userId: string; requestId: string; input: TSchedule; now?: Date },
) {
  return deps.db.transaction(async (tx) => {
    await ensureSchedule(tx, p.villageId, p.now ?? new Date());
    await tx
      .update(disclosureSchedules)
      .set({ ...p.input, updatedAt: new Date() })
      .where(eq(disclosureSchedules.villageId, p.villageId));
    await audit(tx, {
      actorUserId: p.userId,
      action: 'disclosure.schedule',
      targetType: 'village',
      targetId: p.villageId,
      villageId: p.villageId,
      requestId: p.requestId,
      details: p.input,
    });
    return Ok((await getSchedule(tx, p.villageId))!);
  });
}

/** Periods of the village that are overdue or due soon (none before it adopted the board). */
export async function villageDue(db: Db | Tx, villageId: string, now: Date): Promise<PeriodDue[]> {
  const s = await getSchedule(db, villageId);
  if (!s) return [];
  const published = await db
    .select({ kind: disclosures.kind, start: disclosures.periodStart, end: disclosures.periodEnd })
    .from(disclosures)
    .where(
      and(
        eq(disclosures.villageId, villageId),
        inArray(disclosures.kind, [...PERIODIC_KINDS]),
        // currentVersionNo > 0: at least one version published
        inArray(
          disclosures.id,
          db
            .selectDistinct({ id: disclosureVersions.disclosureId })
            .from(disclosureVersions)
            .where(
              and(eq(disclosureVersions.villageId, villageId), eq(disclosureVersions.status, 'published')),
            ),
        ),
      ),
    );
  return duePeriods({
    schedule: s.schedule,
    now,
    since: s.since,
    published: published
      .filter((r) => r.start && r.end)
      .map((r) => ({ kind: r.kind as PeriodicKind, start: r.start!, end: r.end! })),
  });
}

/**
 * Every village of a town with its overdue periods (the town's view): villages with the most
 * overdue periods first (then by name), each village's periods by kind, oldest first, with how
 * many days late they are.
 */
export async function townOverdue(db: Db, townId: string, now: Date): Promise<TTownOverdue> {
  const [town] = await db.select({ name: towns.name }).from(towns).where(eq(towns.id, townId));
  const vs = await db
    .select({ id: villages.id, name: villages.name })
    .from(villages)
    .where(eq(villages.townId, townId));
  const today = beijingDate(now);
  const out: TTownOverdue['villages'] = [];
  for (const v of vs) {
    const due = (await villageDue(db, v.id, now)).filter((d) => d.state === 'overdue');
    due.sort(
      (a, b) => PERIODIC_KINDS.indexOf(a.kind) - PERIODIC_KINDS.indexOf(b.kind) || a.due.localeCompare(b.due),
    );
    out.push({
      villageId: v.id,
      villageName: v.name,
      overdue: due.map((d) => ({
        kind: d.kind,
        kindLabel: DISCLOSURE_KIND_LABELS[d.kind],
        period: d.period,
        periodLabel: periodLabel(d.period),
        due: d.due,
        daysLate: daysBetween(d.due, today),
      })),
    });
  }
  out.sort(
    (a, b) => b.overdue.length - a.overdue.length || a.villageName.localeCompare(b.villageName, 'zh-CN'),
  );
  return { townId, townName: town?.name ?? '', today, villages: out };
}

/** The reminder job: one reminder to the village's cadres per period and state. */
export async function runDisclosureReminders(deps: Pick<Deps, 'db'>, now: Date = new Date()) {
  const scheduled = await deps.db
    .select({ villageId: disclosureSchedules.villageId })
    .from(disclosureSchedules);
  let reminded = 0;
  let overdue = 0;
  for (const { villageId } of scheduled) {
    const due = await villageDue(deps.db, villageId, now);
    overdue += due.filter((d) => d.state === 'overdue').length;
    for (const d of due) {
      const sent = await deps.db.transaction(async (tx) => {
        const claimed = await tx
          .insert(disclosureReminders)
          .values({ villageId, kind: d.kind, period: d.period, state: d.state, at: now })
          .onConflictDoNothing()
          .returning({ villageId: disclosureReminders.villageId });
        if (claimed.length === 0) return false;
        const what = `${periodLabel(d.period)}${DISCLOSURE_KIND_LABELS[d.kind]}`;
        await notify(tx, {
          kind: 'disclosure_reminder',
          villageId,
          audience: { type: 'role', villageId, role: 'cadre' },
          title: d.state === 'overdue' ? `${what}已超期未公开` : `${what}快到期了`,
          summary: `最迟 ${d.due} 前公开`,
          objectType: 'disclosure_period',
          objectId: `${villageId}:${d.kind}:${d.period}`,
          page: '/subpackages/disclosure-admin/index/index',
          fields: {
            title: what,
            status: d.state === 'overdue' ? '已超期' : '快到期',
            note: `最迟${d.due}前公开`,
          },
          urgent: false,
        });
        return true;
      });
      if (sent) reminded++;
    }
  }
  return { villages: scheduled.length, overdue, reminded };
}

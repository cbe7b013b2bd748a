/**
 * Demo disclosures, idempotent: each demo village adopts the power-list template, keeps the
 * default schedule from the previous month, has last month's finance ledger published (drafted
 * by a cadre, co-signed by a supervisor, first link of its chain) and this month's in draft.
 * 西坪村 started its board three months earlier than the others and published only last month:
 * its earlier months (and a past quarter's 村务/党务) are overdue, so the town's view of late
 * disclosures (石桥镇) has a late village next to one on time.
 */
import { and, asc, eq } from 'drizzle-orm';
import {
  addDays,
  beijingDate,
  parsePeriod,
  periodLabel,
  periodOf,
  previousPeriod,
} from '../../shared/disclosures/periods';
import type { LedgerEntry } from '../../shared/disclosures/ledger';
import type { Db } from '../_db/client';
import {
  disclosureReviews,
  disclosureSchedules,
  disclosureVersions,
  disclosures,
  memberships,
  users,
  villages,
} from '../_db/schema';
import { appendToChain } from './chain';
import { adoptTemplate } from './power-list';

const entry = (
  date: string,
  category: string,
  item: string,
  income: number,
  expense: number,
  counterpart: string,
): LedgerEntry => ({
  date,
  category,
  item,
  incomeFen: income,
  expenseFen: expense,
  counterpart,
  voucherIds: [],
});

/** Villages whose board started three months before last month, with those months never published. */
const LATE_STARTERS = new Set(['DEMO-XP']);

export async function seedDisclosureDemo(db: Db, villageCodes: string[], now = new Date()) {
  const thisMonth = periodOf(beijingDate(now), 'month');
  const lastMonth = previousPeriod(thisMonth);
  const last = parsePeriod(lastMonth)!;
  const cur = parsePeriod(thisMonth)!;
  for (const code of villageCodes) {
    const [village] = await db.select().from(villages).where(eq(villages.code, code));
    if (!village) continue;
    const [done] = await db
      .select()
      .from(disclosureSchedules)
      .where(eq(disclosureSchedules.villageId, village.id));
    if (done) continue;
    const roleHolder = async (role: 'cadre' | 'supervisor') => {
      const [m] = await db
        .select({ userId: memberships.userId, name: users.displayName })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.villageId, village.id), eq(memberships.role, role)))
        .orderBy(asc(memberships.createdAt), asc(memberships.id))
        .limit(1);
      return m!;
    };
    const cadre = await roleHolder('cadre');
    const supervisor = await roleHolder('supervisor');
    await db.transaction(async (tx) => {
      await adoptTemplate(tx, village.id, cadre.userId);
      await tx
        .insert(disclosureSchedules)
        .values({
          villageId: village.id,
          since: LATE_STARTERS.has(code)
            ? parsePeriod(previousPeriod(previousPeriod(previousPeriod(lastMonth))))!.start
            : last.start,
        })
        .onConflictDoNothing();
      const d = (n: number, s: string) => addDays(s, n);
      const published = {
        openingFen: 12_850_000,
        entries: [
          entry(d(2, last.start), '上级补助', '村级组织运转经费', 3_000_000, 0, '石桥镇财政所'),
          entry(d(5, last.start), '经营收入', '集体鱼塘承包费', 1_200_000, 0, '承包户 陈家'),
          entry(d(9, last.start), '管理费用', '村委会办公用品', 0, 46_800, '镇供销社'),
          entry(d(14, last.start), '公益支出', '村道路灯维修', 0, 385_000, '县明亮电器'),
          entry(d(20, last.start), '公益支出', '春节慰问困难户（12户）', 0, 600_000, '困难户（名单另附）'),
          entry(d(24, last.start), '管理费用', '网格员误工补贴', 0, 240_000, '网格员4人'),
        ],
      };
      const closing =
        published.openingFen + published.entries.reduce((s, e) => s + e.incomeFen - e.expenseFen, 0);
      const [pub] = await tx
        .insert(disclosures)
        .values({
          villageId: village.id,
          kind: 'finance',
          period: lastMonth,
          periodStart: last.start,
          periodEnd: last.end,
          createdBy: cadre.userId,
        })
        .returning();
      const [pv] = await tx
        .insert(disclosureVersions)
        .values({
          disclosureId: pub!.id,
          villageId: village.id,
          versionNo: 1,
          status: 'submitted',
          title: `${village.name}${periodLabel(lastMonth)}财务收支公开`,
          body: '本月收支明细如下，凭证在村委会备查。有疑问请点任意一行“质询”。',
          ledger: {
            openingFen: published.openingFen,
            declaredClosingFen: closing,
            entries: published.entries,
          },
          draftedBy: cadre.userId,
          submittedBy: cadre.userId,
          submittedAt: now,
        })
        .returning();
      await tx.insert(disclosureReviews).values({
        versionId: pv!.id,
        reviewerId: supervisor.userId,
        decision: 'approve',
        comment: '已核对凭证，同意公开',
      });
      await appendToChain(tx, {
        versionId: pv!.id,
        fromStatus: ['submitted'],
        cosignerId: supervisor.userId,
        cosignerName: supervisor.name,
        now,
      });
      const [draft] = await tx
        .insert(disclosures)
        .values({
          villageId: village.id,
          kind: 'finance',
          period: thisMonth,
          periodStart: cur.start,
          periodEnd: cur.end,
          createdBy: cadre.userId,
        })
        .returning();
      await tx.insert(disclosureVersions).values({
        disclosureId: draft!.id,
        villageId: village.id,
        versionNo: 1,
        status: 'draft',
        title: `${village.name}${periodLabel(thisMonth)}财务收支公开`,
        body: '',
        ledger: {
          openingFen: closing,
          declaredClosingFen: closing + 800_000 - 120_000,
          entries: [
            entry(cur.start, '经营收入', '村集体厂房租金', 800_000, 0, '清源农机合作社'),
            entry(cur.start, '管理费用', '电费', 0, 120_000, '国网清源供电所'),
          ],
        },
        draftedBy: cadre.userId,
      });
    });
  }
}

/**
 * Demo data: one invented county with 2 towns, 3 villages, grids, ~200 households and ~500 people
 * covering every role, so every screen has life. Deterministic (seeded PRNG) and idempotent:
 * all of it is written in one transaction, and skipped when the demo county already exists.
 */
import { eq } from 'drizzle-orm';
import { seedDisclosureDemo } from '../_disclosures/seed';
import { seedCouncils } from '../_councils/seed';
import type { Db } from './client';
import {
  counties,
  grids,
  households,
  matterDuty,
  memberships,
  residents,
  towns,
  users,
  villages,
} from './schema';
import { seedServicesDemo } from './seed-services';

export const DEMO_COUNTY_CODE = 'DEMO-QINGYUAN';
/** Invite codes of the demo villages (README and browser tests use them). */
export const DEMO_INVITE_CODES = { dongping: 'DP2026', xiping: 'XP2026', yangliu: 'YL2026' } as const;
/** An unlinked roster entry a new user can join as, auto-approved (browser test). */
export const DEMO_NEWCOMER = {
  name: '李新民',
  phone: '13900000001',
  inviteCode: DEMO_INVITE_CODES.dongping,
} as const;

function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐';
const GIVEN = '秀英桂兰建国志强春花玉梅德明国华海燕小红金凤永福长林光荣丽娟文杰红梅家乐淑珍宝山晓东';

type VillageSpec = {
  key: keyof typeof DEMO_INVITE_CODES;
  name: string;
  code: string;
  town: 0 | 1;
  grids: string[];
  households: number;
};
const VILLAGES: VillageSpec[] = [
  {
    key: 'dongping',
    name: '东坪村',
    code: 'DEMO-DP',
    town: 0,
    grids: ['第一网格', '第二网格', '第三网格', '第四网格'],
    households: 80,
  },
  {
    key: 'xiping',
    name: '西坪村',
    code: 'DEMO-XP',
    town: 0,
    grids: ['上片网格', '下片网格', '河边网格'],
    households: 60,
  },
  {
    key: 'yangliu',
    name: '杨柳村',
    code: 'DEMO-YL',
    town: 1,
    grids: ['东组网格', '西组网格', '南组网格'],
    households: 60,
  },
];

const DEMO_VILLAGE_CODES = VILLAGES.map((v) => v.code);

export async function seedDemo(db: Db): Promise<{ seeded: boolean }> {
  const [existing] = await db
    .select({ id: counties.id })
    .from(counties)
    .where(eq(counties.code, DEMO_COUNTY_CODE));
  if (existing) {
    await seedServicesDemo(db);
    await seedDisclosureDemo(db, DEMO_VILLAGE_CODES);
    return { seeded: false };
  }
  const rand = prng(20261123);
  const pick = (s: string) => s[Math.floor(rand() * s.length)]!;
  const given = () => {
    const i = Math.floor(rand() * (GIVEN.length / 2)) * 2;
    return rand() < 0.3 ? GIVEN[i]! : GIVEN.slice(i, i + 2);
  };
  let phoneSeq = 0;
  const phone = () => `138${String(10000000 + ++phoneSeq * 7919).slice(-8)}`;

  await db.transaction(async (tx) => {
    const [county] = await tx.insert(counties).values({ name: '清源县', code: DEMO_COUNTY_CODE }).returning();
    const townRows = await tx
      .insert(towns)
      .values([
        { countyId: county!.id, name: '石桥镇', code: 'DEMO-SQ' },
        { countyId: county!.id, name: '柳河镇', code: 'DEMO-LH' },
      ])
      .returning();

    const picks: { userId: string; pick: number }[] = [];

    for (const spec of VILLAGES) {
      const [village] = await tx
        .insert(villages)
        .values({
          townId: townRows[spec.town]!.id,
          name: spec.name,
          code: spec.code,
          inviteCode: DEMO_INVITE_CODES[spec.key],
        })
        .returning();
      const gridRows = await tx
        .insert(grids)
        .values(spec.grids.map((name) => ({ villageId: village!.id, name })))
        .returning();
      const hhRows = await tx
        .insert(households)
        .values(
          Array.from({ length: spec.households }, (_, i) => ({
            villageId: village!.id,
            gridId: gridRows[i % gridRows.length]!.id,
            number: `${spec.code.slice(-2)}${String(i + 1).padStart(3, '0')}`,
            address: `${spec.name}${(i % 8) + 1}组${i + 1}号`,
          })),
        )
        .returning();

      // People: a head of household, a spouse, sometimes a grown child and a young child.
      type Person = typeof residents.$inferInsert & { adult: boolean };
      const people: Person[] = [];
      for (const hh of hhRows) {
        const surname = pick(SURNAMES);
        const size = 1 + Math.floor(rand() * 4);
        // Names are unique within a household (the roster matches a person by 户号 + 姓名).
        const taken = new Set<string>();
        const uniqueName = (family: string) => {
          let name = `${family}${given()}`;
          while (taken.has(name)) name = `${family}${given()}${given()}`.slice(0, 3);
          taken.add(name);
          return name;
        };
        for (let k = 0; k < size; k++) {
          const adult = k < 2 || rand() < 0.6;
          const year = adult ? 1940 + Math.floor(rand() * 60) : 2010 + Math.floor(rand() * 12);
          people.push({
            villageId: village!.id,
            householdId: hh.id,
            name: uniqueName(k === 1 ? pick(SURNAMES) : surname),
            phone: adult ? phone() : null,
            birthDate: `${year}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`,
            relation: k === 0 ? '户主' : k === 1 ? '配偶' : '子女',
            isHouseholdRep: k === 0,
            adult,
          });
        }
      }
      if (spec.key === 'dongping') {
        people.push({
          villageId: village!.id,
          householdId: hhRows[0]!.id,
          name: DEMO_NEWCOMER.name,
          phone: DEMO_NEWCOMER.phone,
          birthDate: '1975-05-05',
          relation: '子女',
          isHouseholdRep: false,
          adult: true,
        });
      }
      // Three in four adults have joined on WeChat (the newcomer has not).
      const joined = people.filter((p) => p.adult && p.name !== DEMO_NEWCOMER.name && rand() < 0.75);
      for (const p of joined) p.userId = crypto.randomUUID();
      const userRows = await tx
        .insert(users)
        .values(
          joined.map((p) => ({
            id: p.userId!,
            displayName: p.name,
            phone: p.phone,
            isDemo: true,
            openid: `demo-${p.userId}`,
          })),
        )
        .returning({ id: users.id });
      await tx.insert(residents).values(people.map(({ adult: _a, ...p }) => p));
      const roles: (typeof memberships.$inferInsert)[] = userRows.map((u) => ({
        userId: u.id,
        villageId: village!.id,
        role: 'villager' as const,
      }));
      // Roles: 5 cadres, 3 supervisors, one grid worker per grid, ~1 representative per 8 households, ~8% party members.
      const at = (i: number) => userRows[i % userRows.length]!.id;
      for (let i = 0; i < 5; i++) roles.push({ userId: at(i), villageId: village!.id, role: 'cadre' });
      for (let i = 5; i < 8; i++) roles.push({ userId: at(i), villageId: village!.id, role: 'supervisor' });
      for (const [gi, g] of gridRows.entries()) {
        roles.push({ userId: at(8 + gi), villageId: village!.id, role: 'grid_worker', gridId: g.id });
      }
      const repCount = Math.ceil(spec.households / 8);
      for (let i = 0; i < repCount; i++)
        roles.push({ userId: at(20 + i), villageId: village!.id, role: 'representative' });
      for (let i = 0; i < Math.ceil(userRows.length * 0.08); i++)
        roles.push({ userId: at(i * 3), villageId: village!.id, role: 'party_member' });
      await tx.insert(memberships).values(roles).onConflictDoNothing();
      // 值班表: the five cadres take turns, one per weekday (first responder where a grid has no worker).
      await tx.insert(matterDuty).values(
        Array.from({ length: 7 }, (_, weekday) => ({
          villageId: village!.id,
          weekday,
          userId: at(weekday % 5),
        })),
      );
      for (let gi = 0; gi < gridRows.length; gi++) {
        await tx
          .update(grids)
          .set({ workerUserId: at(8 + gi) })
          .where(eq(grids.id, gridRows[gi]!.id));
      }

      // Showcase users for the dev login, by index into the role assignment above.
      const showcaseAt: Record<string, [number, number][]> = {
        dongping: [
          [40, 1],
          [0, 3],
          [5, 4],
          [8, 5],
          [20, 6],
          [36, 7],
        ],
        yangliu: [[0, 8]],
      };
      for (const [i, order] of showcaseAt[spec.key] ?? []) picks.push({ userId: at(i), pick: order });
      if (spec.key === 'dongping') {
        // A plain villager of the showcase grid worker's grid (第一网格): raises matters the
        // showcase grid worker receives first (首问负责), so the matters demo runs end to end.
        const holders = new Set(roles.filter((r) => r.role !== 'villager').map((r) => r.userId));
        const inFirstGrid = joined.find(
          (p) =>
            !holders.has(p.userId!) && hhRows.find((h) => h.id === p.householdId)?.gridId === gridRows[0]!.id,
        );
        if (inFirstGrid) picks.push({ userId: inFirstGrid.userId!, pick: 11 });
      }
    }

    for (const p of picks) await tx.update(users).set({ demoPick: p.pick }).where(eq(users.id, p.userId));
    const officers = await tx
      .insert(users)
      .values([
        {
          displayName: '周镇干',
          phone: '13700000011',
          isDemo: true,
          demoPick: 9,
          openid: 'demo-town-officer',
        },
        {
          displayName: '郑县干',
          phone: '13700000012',
          isDemo: true,
          demoPick: 10,
          openid: 'demo-county-officer',
        },
        { displayName: '新用户（未加入村）', isDemo: true, demoPick: 2, openid: 'demo-newcomer' },
      ])
      .returning({ id: users.id });
    await tx.insert(memberships).values([
      { userId: officers[0]!.id, role: 'town_officer', townId: townRows[0]!.id },
      { userId: officers[1]!.id, role: 'county_officer', countyId: county!.id },
    ]);
    const [dongping] = await tx
      .select({ id: villages.id })
      .from(villages)
      .where(eq(villages.code, 'DEMO-DP'));
    await seedCouncils(tx, dongping!.id);
  });
  await seedServicesDemo(db);
  await seedDisclosureDemo(db, DEMO_VILLAGE_CODES);
  return { seeded: true };
}

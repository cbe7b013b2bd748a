/**
 * Demo catalogue for the services slice: every demo village gets the common services (社保认证,
 * 证明开具, 医保缴费代办, 法律咨询, 农技指导) plus one of its own, with weekday hours and an
 * evening session (夜间办公), so `npm run dev` shows bookable slots. Idempotent: a village that
 * already has services is left alone.
 */
import { eq } from 'drizzle-orm';
import type { TWeeklyHours, Weekday } from '../../shared/services/rules';
import type { ServiceIcon } from '../../shared/services/schemas';
import type { Db } from './client';
import { counties, serviceHours, services, towns, villages } from './schema';
import { DEMO_COUNTY_CODE } from './seed';

type DemoService = {
  name: string;
  icon: ServiceIcon;
  summary: string;
  materials: string[];
  durationMinutes: number;
  servedBy: string;
  bookable?: boolean;
  errand?: boolean;
  slotMinutes: number;
  hours: TWeeklyHours[];
};

const days = (ws: number[], start: string, end: string, capacity: number): TWeeklyHours[] =>
  ws.map((w) => ({ weekday: w as Weekday, start, end, capacity }));
const WEEKDAYS = [1, 2, 3, 4, 5];
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

const COMMON: DemoService[] = [
  {
    name: '社保认证',
    icon: 'id',
    summary: '养老金领取资格认证，本人到场刷脸',
    materials: ['身份证', '社保卡'],
    durationMinutes: 10,
    servedBy: '社保协理员 陈秀英',
    slotMinutes: 30,
    hours: [...days(WEEKDAYS, '09:00', '11:30', 3), ...days(EVERY_DAY, '19:00', '21:00', 2)],
  },
  {
    name: '证明开具',
    icon: 'doc',
    summary: '居住证明、亲属关系证明等',
    materials: ['身份证', '户口本'],
    durationMinutes: 15,
    servedBy: '村委会文书 李桂兰',
    slotMinutes: 30,
    hours: [...days(WEEKDAYS, '08:30', '11:30', 2), ...days([2, 4], '19:00', '20:30', 2)],
  },
  {
    name: '医保缴费代办',
    icon: 'medical',
    summary: '城乡居民医保缴费，可以请村里代办',
    materials: ['身份证', '医保卡', '缴费金额（现金或微信）'],
    durationMinutes: 10,
    servedBy: '村委会 值班干部',
    errand: true,
    slotMinutes: 20,
    hours: days([1, 3, 5], '14:00', '17:00', 3),
  },
  {
    name: '法律咨询',
    icon: 'law',
    summary: '土地、婚姻、借款等法律问题，免费咨询',
    materials: ['相关合同、票据或材料'],
    durationMinutes: 30,
    servedBy: '法律明白人 王德明',
    slotMinutes: 30,
    hours: [...days([3], '14:00', '17:00', 1), ...days([1, 5], '19:00', '21:00', 1)],
  },
  {
    name: '农技指导',
    icon: 'farm',
    summary: '种植、养殖、病虫害防治',
    materials: ['作物或病叶照片（有就带）'],
    durationMinutes: 20,
    servedBy: '农技员 赵长林',
    slotMinutes: 30,
    hours: [...days([2, 6], '09:00', '11:00', 2), ...days([3], '19:00', '20:00', 2)],
  },
];

const OWN: Record<string, DemoService> = {
  'DEMO-DP': {
    name: '宅基地申请咨询',
    icon: 'home',
    summary: '建房、宅基地申请的材料和流程',
    materials: ['身份证', '户口本', '土地证（如有）'],
    durationMinutes: 20,
    servedBy: '村委会主任',
    slotMinutes: 30,
    hours: days([4], '14:00', '16:00', 2),
  },
  'DEMO-XP': {
    name: '残疾人补贴申请',
    icon: 'money',
    summary: '两项补贴申请与年审',
    materials: ['身份证', '残疾证', '银行卡'],
    durationMinutes: 15,
    servedBy: '残联专干 周玉梅',
    slotMinutes: 30,
    hours: days([2], '09:00', '11:00', 2),
  },
  'DEMO-YL': {
    name: '高龄津贴申领',
    icon: 'money',
    summary: '80岁以上老人高龄津贴',
    materials: ['身份证', '户口本', '银行卡'],
    durationMinutes: 10,
    servedBy: '村委会 值班干部',
    errand: true,
    slotMinutes: 20,
    hours: days([1, 4], '09:00', '11:00', 3),
  },
};

export async function seedServicesDemo(db: Db): Promise<void> {
  const rows = await db
    .select({ id: villages.id, code: villages.code })
    .from(villages)
    .innerJoin(towns, eq(towns.id, villages.townId))
    .innerJoin(counties, eq(counties.id, towns.countyId))
    .where(eq(counties.code, DEMO_COUNTY_CODE));
  for (const v of rows) {
    const [any] = await db
      .select({ id: services.id })
      .from(services)
      .where(eq(services.villageId, v.id))
      .limit(1);
    if (any) continue;
    await db.transaction(async (tx) => {
      const list = [...COMMON, ...(OWN[v.code] ? [OWN[v.code]!] : [])];
      for (const [i, s] of list.entries()) {
        const { hours, ...fields } = s;
        const [row] = await tx
          .insert(services)
          .values({
            villageId: v.id,
            ...fields,
            bookable: s.bookable ?? true,
            errand: s.errand ?? false,
            sortOrder: i,
          })
          .returning({ id: services.id });
        await tx.insert(serviceHours).values(hours.map((h) => ({ serviceId: row!.id, ...h })));
      }
    });
  }
}

/**
 * A town officer's way in (DESIGN §2.1: the town receives escalations): the villages of the towns
 * they serve, each with how many open matters wait at the town level and how many of those are
 * overdue, so 首页 can lead to each village's 待办事项.
 */
import { z } from 'zod';
import { ZId } from '../schemas/common';

export const ZTownVillageSchema = z.object({
  villageId: ZId,
  villageName: z.string(),
  townName: z.string(),
  /** Open matters held by the town (escalated, appealed). */
  open: z.number().int(),
  overdue: z.number().int(),
});
export const ZTownVillageListSchema = z.object({ items: z.array(ZTownVillageSchema) });
export type TTownVillage = z.infer<typeof ZTownVillageSchema>;
export type TTownVillageList = z.infer<typeof ZTownVillageListSchema>;

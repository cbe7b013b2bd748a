/**
 * 代办: the villagers a grid worker may raise a matter for (those living in the grid they serve),
 * as the raise form lists them. Phones are masked; the worker recognises people by name and 户号.
 */
import { z } from 'zod';
import { ZId } from '../schemas/common';

export const ZGridVillagerSchema = z.object({
  userId: ZId,
  name: z.string(),
  householdNo: z.string(),
  gridName: z.string(),
  phoneMasked: z.string().nullable(),
});
export const ZGridVillagerListSchema = z.object({ items: z.array(ZGridVillagerSchema) });
export type TGridVillager = z.infer<typeof ZGridVillagerSchema>;
export type TGridVillagerList = z.infer<typeof ZGridVillagerListSchema>;

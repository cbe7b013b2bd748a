import { z } from 'zod';
import { ZId, ZRole } from './common';

export const ZMembershipSchema = z.object({
  id: ZId,
  role: ZRole,
  villageId: ZId.nullable(),
  villageName: z.string().nullable(),
  townId: ZId.nullable(),
  townName: z.string().nullable(),
  countyId: ZId.nullable(),
  gridId: ZId.nullable(),
  gridName: z.string().nullable(),
  isHouseholdRep: z.boolean(),
});
export type TMembership = z.infer<typeof ZMembershipSchema>;

export const ZJoinStatus = z.enum(['pending', 'approved', 'rejected']);

export const ZMeSchema = z.object({
  id: ZId,
  displayName: z.string(),
  phoneMasked: z.string().nullable(),
  elderMode: z.boolean(),
  memberships: z.array(ZMembershipSchema),
  pendingJoins: z.array(z.object({ id: ZId, villageId: ZId, villageName: z.string(), status: ZJoinStatus })),
});
export type TMe = z.infer<typeof ZMeSchema>;

export const ZUpdateMeSchema = z
  .strictObject({
    elderMode: z.boolean().optional(),
    displayName: z.string().trim().min(1).max(20).optional(),
  })
  .refine((v) => v.elderMode !== undefined || v.displayName !== undefined, { message: '没有要修改的内容' });
export type TUpdateMe = z.infer<typeof ZUpdateMeSchema>;

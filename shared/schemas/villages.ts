import { z } from 'zod';
import { PHONE_RE, normalisePhone } from '../format';
import { VILLAGE_ROLES } from '../roles';
import { ZId, ZIsoTime, ZRole } from './common';
import { ZJoinStatus } from './me';

export const ZInviteCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{6}$/, '邀请码是6位字母或数字');

export const ZPhone = z
  .string()
  .transform(normalisePhone)
  .pipe(z.string().regex(PHONE_RE, '手机号不对，应是11位数字'));

export const ZPersonName = z.string().trim().min(1, '请填写姓名').max(20, '姓名太长');

export const ZVillageLookupQuery = z.strictObject({ code: ZInviteCode });
export const ZVillageLookupSchema = z.object({
  village: z.object({ id: ZId, name: z.string(), townName: z.string(), countyName: z.string() }),
});
export type TVillageLookup = z.infer<typeof ZVillageLookupSchema>;

export const ZJoinVillageSchema = z.strictObject({
  inviteCode: ZInviteCode,
  name: ZPersonName,
  phone: ZPhone,
  householdNo: z.string().trim().min(1).max(20).optional(),
});
export type TJoinVillage = z.infer<typeof ZJoinVillageSchema>;

export const ZJoinRequestSchema = z.object({
  id: ZId,
  status: ZJoinStatus,
  villageId: ZId,
  villageName: z.string(),
});
export const ZJoinResultSchema = z.object({ request: ZJoinRequestSchema });
export type TJoinResult = z.infer<typeof ZJoinResultSchema>;

export const ZJoinRequestListQuery = z.strictObject({ status: ZJoinStatus.optional() });
export const ZJoinRequestListSchema = z.object({
  items: z.array(
    z.object({
      id: ZId,
      name: z.string(),
      phoneMasked: z.string().nullable(),
      householdNo: z.string().nullable(),
      status: ZJoinStatus,
      matchedResident: z.boolean(),
      createdAt: ZIsoTime,
    }),
  ),
});
export type TJoinRequestList = z.infer<typeof ZJoinRequestListSchema>;
export const ZJoinRequestParams = z.object({ villageId: ZId, requestId: ZId });
export const ZRejectJoinSchema = z.strictObject({ reason: z.string().trim().min(1).max(200) });

/** Roster (户籍花名册) import: one row per person. Header names are Chinese, as cadres keep them. */
export const ROSTER_COLUMNS = {
  householdNo: '户号',
  name: '姓名',
  phone: '手机号',
  birthDate: '出生日期',
  relation: '与户主关系',
  grid: '网格',
  address: '住址',
} as const;
export const ZRosterImportQuery = z.strictObject({ dryRun: z.enum(['0', '1']).optional() });
export const ZRosterRowErrorSchema = z.object({
  row: z.number().int(),
  field: z.string(),
  code: z.enum(['required', 'bad_phone', 'bad_date', 'unknown_grid', 'duplicate_person', 'bad_header']),
  message: z.string(),
});
export const ZRosterImportResultSchema = z.object({
  ok: z.boolean(),
  dryRun: z.boolean(),
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  errors: z.array(ZRosterRowErrorSchema),
});
export type TRosterImportResult = z.infer<typeof ZRosterImportResultSchema>;

export const ZHouseholdListSchema = z.object({
  items: z.array(
    z.object({
      id: ZId,
      number: z.string(),
      address: z.string().nullable(),
      gridId: ZId.nullable(),
      gridName: z.string().nullable(),
      headName: z.string().nullable(),
      memberCount: z.number().int(),
    }),
  ),
});
export const ZCreateHouseholdSchema = z.strictObject({
  number: z.string().trim().min(1).max(20),
  address: z.string().trim().max(100).optional(),
  gridId: ZId.optional(),
});
export const ZUpdateHouseholdSchema = z.strictObject({
  address: z.string().trim().max(100).optional(),
  gridId: ZId.nullable().optional(),
});
export const ZHouseholdParams = z.object({ villageId: ZId, householdId: ZId });

export const ZGridListSchema = z.object({
  items: z.array(
    z.object({
      id: ZId,
      name: z.string(),
      workerUserId: ZId.nullable(),
      workerName: z.string().nullable(),
      householdCount: z.number().int(),
    }),
  ),
});
export const ZCreateGridSchema = z.strictObject({ name: z.string().trim().min(1).max(20) });
export const ZUpdateGridSchema = z.strictObject({
  name: z.string().trim().min(1).max(20).optional(),
  workerUserId: ZId.nullable().optional(),
});
export const ZGridParams = z.object({ villageId: ZId, gridId: ZId });

export const ZMemberListSchema = z.object({
  items: z.array(
    z.object({
      userId: ZId,
      displayName: z.string(),
      phoneMasked: z.string().nullable(),
      roles: z.array(ZRole),
    }),
  ),
});
export type TMemberList = z.infer<typeof ZMemberListSchema>;
export const ZAssignRoleSchema = z.strictObject({ role: z.enum(VILLAGE_ROLES), gridId: ZId.optional() });
export const ZMemberParams = z.object({ villageId: ZId, userId: ZId });
export const ZMemberRoleParams = z.object({ villageId: ZId, userId: ZId, role: z.enum(VILLAGE_ROLES) });

export const ZAuditListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  before: z.coerce.number().int().optional(),
});
export const ZAuditListSchema = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      at: ZIsoTime,
      actorName: z.string().nullable(),
      action: z.string(),
      targetType: z.string(),
      targetId: z.string().nullable(),
      requestId: z.string(),
    }),
  ),
});
export type TAuditList = z.infer<typeof ZAuditListSchema>;

import { z } from 'zod';
import { ZId, ZIsoTime, ZRole } from './common';
import { ZMeSchema } from './me';

export const ZWechatLoginSchema = z.strictObject({ code: z.string().min(1).max(128) });
export type TWechatLogin = z.infer<typeof ZWechatLoginSchema>;

export const ZDevLoginSchema = z.strictObject({ userId: ZId });
export type TDevLogin = z.infer<typeof ZDevLoginSchema>;

export const ZLoginResultSchema = z.object({ token: z.string(), expiresAt: ZIsoTime, user: ZMeSchema });
export type TLoginResult = z.infer<typeof ZLoginResultSchema>;

export const ZDevUsersSchema = z.object({
  users: z.array(
    z.object({
      id: ZId,
      displayName: z.string(),
      roles: z.array(z.object({ role: ZRole, villageName: z.string().nullable() })),
    }),
  ),
});
export type TDevUsers = z.infer<typeof ZDevUsersSchema>;

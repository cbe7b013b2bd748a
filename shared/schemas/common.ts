import { z } from 'zod';
import { ERROR_CODES } from '../errors';
import { ROLES } from '../roles';

export const ZId = z.string().uuid();
/** The text form of any uuid (what a uuid column accepts), for ids checked before zod sees them. */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ZRole = z.enum(ROLES);
export const ZIsoTime = z.string().datetime({ offset: true });

export const ZErrorSchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    requestId: z.string(),
    details: z.unknown().optional(),
  }),
});

export const ZOkSchema = z.object({ ok: z.literal(true) });

/** Path param schemas, shared so the OpenAPI document names them once. */
export const ZVillageParams = z.object({ villageId: ZId });

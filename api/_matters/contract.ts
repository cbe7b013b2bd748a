/**
 * Response shapes and path params of the matters routes. Request bodies are the shared contract
 * (shared/matters/schemas.ts); these move to shared/ once the mini-program pages use them.
 */
import { z } from 'zod';
import { MATTER_KINDS } from '../../shared/matters/kinds';
import { MATTER_ACTIONS, MATTER_LEVELS, MATTER_STATES } from '../../shared/matters/workflow';
import { ZId } from '../../shared/schemas/common';

export const ZMatterParams = z.object({ villageId: ZId, matterId: ZId });

export const ZMatterSummarySchema = z.object({
  id: ZId,
  kind: z.enum(MATTER_KINDS),
  category: z.string(),
  text: z.string(),
  state: z.enum(MATTER_STATES),
  level: z.enum(MATTER_LEVELS),
  aboutCadre: z.boolean(),
  isPublic: z.boolean(),
  /** Full name for those who may see the matter in full; masked (王**) otherwise. */
  authorName: z.string(),
  /** True when the caller sees it only as a public matter (details hidden, no actions). */
  masked: z.boolean(),
  createdAt: z.string(),
});

export const ZMatterEventSchema = z.object({
  action: z.string(),
  label: z.string(),
  note: z.string().nullable(),
  /** Photos taken with this action (resolve with photos); others see only checked ones. */
  photoIds: z.array(z.string()),
  at: z.string(),
});

export const ZMatterDetailSchema = ZMatterSummarySchema.extend({
  photoIds: z.array(z.string()),
  voice: z.object({ fileId: z.string(), durationS: z.number() }).nullable(),
  location: z.object({ lat: z.number(), lng: z.number(), address: z.string().optional() }).nullable(),
  reopenCount: z.number().int(),
  enteredAt: z.string(),
  raisedOnBehalf: z.boolean(),
  timeline: z.array(ZMatterEventSchema),
  /** Exactly the actions the caller may take now (the mini-program shows these). */
  actions: z.array(z.enum(MATTER_ACTIONS)),
});

export const ZMatterListSchema = z.object({ items: z.array(ZMatterSummarySchema) });
export const ZRaisedMatterSchema = z.object({
  id: ZId,
  state: z.enum(MATTER_STATES),
  level: z.enum(MATTER_LEVELS),
});
export const ZMatterMovedSchema = z.object({
  id: ZId,
  state: z.enum(MATTER_STATES),
  level: z.enum(MATTER_LEVELS),
});

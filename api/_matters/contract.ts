/**
 * Response shapes and path params of the matters routes. Request bodies are the shared contract
 * (shared/matters/schemas.ts); these move to shared/ once the mini-program pages use them.
 */
import { z } from 'zod';
import { MATTER_KINDS } from '../../shared/matters/kinds';
import { MEDIATION_OUTCOMES } from '../../shared/matters/schemas';
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

export const ZMediationSessionViewSchema = z.object({
  /** The rung of the ladder the session was held on. */
  rung: z.enum(MATTER_LEVELS),
  heldOn: z.string(),
  place: z.string(),
  participants: z.array(z.string()),
  said: z.string(),
  outcome: z.enum(MEDIATION_OUTCOMES),
  outcomeLabel: z.string(),
});

export const ZMatterEventSchema = z.object({
  action: z.string(),
  label: z.string(),
  note: z.string().nullable(),
  /** Photos taken with this action (resolve with photos); others see only checked ones. */
  photoIds: z.array(z.string()),
  at: z.string(),
  /** For `record_session`, to those who see the matter in full. */
  session: ZMediationSessionViewSchema.optional(),
});

export const ZMatterDetailSchema = ZMatterSummarySchema.extend({
  photoIds: z.array(z.string()),
  voice: z.object({ fileId: z.string(), durationS: z.number() }).nullable(),
  location: z.object({ lat: z.number(), lng: z.number(), address: z.string().optional() }).nullable(),
  reopenCount: z.number().int(),
  enteredAt: z.string(),
  /** When the current step's time limit runs out; null once the matter is over. */
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  /** A merged matter: the one that carries on. */
  mergedIntoId: ZId.nullable(),
  /** The caller follows it (关注). */
  following: z.boolean(),
  /** The decide track's hand-off to the councils (latest); null when never sent to a vote. */
  decision: z
    .object({
      status: z.enum(['pending', 'adopted', 'rejected']),
      proposalId: ZId.nullable(),
      summary: z.string().nullable(),
      decidedAt: z.string().nullable(),
    })
    .nullable(),
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

export const ZMatterListItemSchema = ZMatterSummarySchema.extend({
  villageId: ZId,
  /** When the current step's time limit runs out; null once the matter is over. */
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
});
export const ZMatterPageSchema = z.object({
  items: z.array(ZMatterListItemSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

export const ZSimilarMattersSchema = z.object({
  items: z.array(
    z.object({
      id: ZId,
      text: z.string(),
      state: z.enum(MATTER_STATES),
      createdAt: z.string(),
      /** Always masked (王**): these are other villagers' matters. */
      authorName: z.string(),
      similarity: z.number(),
      followers: z.number().int(),
    }),
  ),
});

export const ZFollowingSchema = z.object({ following: z.boolean() });

export const ZMatterSettingsSchema = z.object({
  categories: z.array(z.object({ key: z.string(), label: z.string(), hidden: z.boolean().optional() })),
  /** Hours per limit, the village's overrides applied. */
  timeLimits: z.record(z.string(), z.number().int()),
  /** Only what the village changed. */
  overrides: z.record(z.string(), z.number().int()),
});

export const ZDutyRosterViewSchema = z.object({
  days: z.array(z.object({ weekday: z.number().int(), userId: ZId, name: z.string() })),
});

export const ZTownParams = z.object({ townId: ZId });

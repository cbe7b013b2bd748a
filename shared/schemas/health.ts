import { z } from 'zod';

export const ZHealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.object({ kind: z.enum(['pglite', 'postgres']), ok: z.boolean() }),
  redis: z.object({
    state: z.enum(['up', 'down', 'not_configured']),
    lastError: z.string().nullable(),
  }),
});
export type THealth = z.infer<typeof ZHealthSchema>;

/** The mini-program's zod-free copies of the matters limits and choices equal the schemas' own. */
import { describe, expect, it } from 'vitest';
import * as form from '../../shared/matters/form-rules';
import * as schemas from '../../shared/matters/schemas';

describe('matters form rules', () => {
  it('match shared/matters/schemas.ts exactly', () => {
    expect(form.MATTER_TEXT_MAX).toBe(schemas.MATTER_TEXT_MAX);
    expect(form.MATTER_PHOTOS_MAX).toBe(schemas.MATTER_PHOTOS_MAX);
    expect(form.MATTER_VOICE_MAX_S).toBe(schemas.MATTER_VOICE_MAX_S);
    expect(form.ACTION_NOTE_MAX).toBe(schemas.ACTION_NOTE_MAX);
    expect(form.CONSENT_METHODS).toEqual(schemas.CONSENT_METHODS);
    expect(form.CONSENT_METHOD_LABELS).toEqual(schemas.CONSENT_METHOD_LABELS);
    expect(form.MEDIATION_OUTCOMES).toEqual(schemas.MEDIATION_OUTCOMES);
    expect(form.MEDIATION_OUTCOME_LABELS).toEqual(schemas.MEDIATION_OUTCOME_LABELS);
  });

  it('the zod-free file really has no zod', async () => {
    const { readFileSync } = await import('node:fs');
    const src = readFileSync(new URL('../../shared/matters/form-rules.ts', import.meta.url), 'utf8');
    expect(src).not.toMatch(/from ['"]zod['"]/);
  });
});

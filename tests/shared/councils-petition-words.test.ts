/** The plain words the petition form shows agree with the legal rules the API counts by. */
import { describe, expect, it } from 'vitest';
import { PETITION_KIND_WORDS } from '../../shared/councils/labels';
import { MEETING_TYPE_LABELS, PETITION_KINDS, PETITION_RULES } from '../../shared/councils/quorum';

describe('petition kinds in plain words', () => {
  it.each(PETITION_KINDS)('%s: who signs, how many, and which meeting', (kind) => {
    const rule = PETITION_RULES[kind];
    const words = PETITION_KIND_WORDS[kind];
    expect(words.by).toBe(rule.backers === 'adult_villagers' ? 'villagers' : 'representatives');
    expect(words.needs).toContain(rule.threshold.label);
    expect(words.asks).toContain(`召开${MEETING_TYPE_LABELS[rule.meeting]}`);
  });
});

import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RECEIPT_RE, buildChain, newReceipt, normaliseReceipt } from '../../shared/councils/chain';

const V = '7b0c4a1e-0000-4000-8000-000000000001';
const ballots = [
  { seq: 1, receipt: 'AAAA-BBBB-CCCC', option: 'yes' },
  { seq: 2, receipt: 'DDDD-EEEE-FFFF', option: 'no' },
  { seq: 3, receipt: 'GGGG-HHHH-JJJJ', option: 'yes' },
];

describe('ballot chain', () => {
  it('is deterministic and changes with any change, drop or reorder', () => {
    const { head } = buildChain(V, ballots);
    expect(buildChain(V, ballots).head).toBe(head);
    expect(buildChain(V, [ballots[0]!, { ...ballots[1]!, option: 'yes' }, ballots[2]!]).head).not.toBe(head);
    expect(buildChain(V, [ballots[0]!, ballots[2]!]).head).not.toBe(head);
    expect(buildChain(V, [ballots[1]!, ballots[0]!, ballots[2]!]).head).not.toBe(head);
    expect(buildChain('other', ballots).head).not.toBe(head);
    // An open ballot's name is covered too.
    expect(buildChain(V, [{ ...ballots[0]!, name: '王秀英' }]).head).not.toBe(
      buildChain(V, [ballots[0]!]).head,
    );
  });
  it('property: each prefix head is the hash at that position', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('yes', 'no', 'abstain'), { maxLength: 30 }), (opts) => {
        const bs = opts.map((option, i) => ({ seq: i + 1, receipt: `R${i}`, option }));
        const full = buildChain(V, bs);
        for (let k = 1; k <= bs.length; k++)
          expect(buildChain(V, bs.slice(0, k)).head).toBe(full.hashes[k - 1]);
      }),
    );
  });
});

describe('receipts', () => {
  it('have the shown form and normalise what people type', () => {
    for (let i = 0; i < 200; i++) expect(newReceipt(randomBytes)).toMatch(RECEIPT_RE);
    expect(normaliseReceipt('abcd efgh jkmn')).toBe('ABCD-EFGH-JKMN');
    expect(normaliseReceipt(' abcd-efgh-jkmn ')).toBe('ABCD-EFGH-JKMN');
  });
});

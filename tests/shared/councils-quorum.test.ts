import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adultBornOnOrBefore, isAdultOn } from '../../shared/councils/electorate';
import {
  MEETING_RULES,
  MORE_THAN_HALF,
  ONE_FIFTH_OR_MORE,
  ONE_TENTH_OR_MORE,
  ONE_THIRD_OR_MORE,
  TWO_THIRDS_OR_MORE,
  decide,
  meets,
  petitionProgress,
  required,
} from '../../shared/councils/quorum';

const assembly = MEETING_RULES.villagers_assembly;
const reps = MEETING_RULES.representatives_meeting;
const yes = (y: number, n = 0, a = 0) => ({ yes: y, no: n, abstain: a });

describe('meets: 以上 includes the boundary, 过半数 does not', () => {
  it('exactly half is not 过半数; one more is', () => {
    expect(meets(50, 100, MORE_THAN_HALF)).toBe(false);
    expect(meets(51, 100, MORE_THAN_HALF)).toBe(true);
    expect(meets(49, 100, MORE_THAN_HALF)).toBe(false);
    expect(meets(2, 4, MORE_THAN_HALF)).toBe(false);
    expect(meets(3, 4, MORE_THAN_HALF)).toBe(true);
  });
  it('odd totals: 过半数 of 7 is 4', () => {
    expect(meets(3, 7, MORE_THAN_HALF)).toBe(false);
    expect(meets(4, 7, MORE_THAN_HALF)).toBe(true);
  });
  it('exactly two thirds meets 三分之二以上; one fewer does not', () => {
    expect(meets(2, 3, TWO_THIRDS_OR_MORE)).toBe(true);
    expect(meets(1, 3, TWO_THIRDS_OR_MORE)).toBe(false);
    expect(meets(20, 30, TWO_THIRDS_OR_MORE)).toBe(true);
    expect(meets(19, 30, TWO_THIRDS_OR_MORE)).toBe(false);
    expect(meets(21, 30, TWO_THIRDS_OR_MORE)).toBe(true);
  });
  it('two thirds of a total not divisible by 3 rounds up', () => {
    // 2/3 of 10 = 6.67 → 7 needed.
    expect(meets(6, 10, TWO_THIRDS_OR_MORE)).toBe(false);
    expect(meets(7, 10, TWO_THIRDS_OR_MORE)).toBe(true);
    // 2/3 of 11 = 7.33 → 8 needed.
    expect(meets(7, 11, TWO_THIRDS_OR_MORE)).toBe(false);
    expect(meets(8, 11, TWO_THIRDS_OR_MORE)).toBe(true);
  });
  it('one tenth, one third, one fifth at the boundary', () => {
    expect(meets(10, 100, ONE_TENTH_OR_MORE)).toBe(true);
    expect(meets(9, 100, ONE_TENTH_OR_MORE)).toBe(false);
    expect(meets(11, 101, ONE_TENTH_OR_MORE)).toBe(true);
    expect(meets(10, 101, ONE_TENTH_OR_MORE)).toBe(false);
    expect(meets(3, 9, ONE_THIRD_OR_MORE)).toBe(true);
    expect(meets(2, 9, ONE_THIRD_OR_MORE)).toBe(false);
    expect(meets(2, 10, ONE_FIFTH_OR_MORE)).toBe(true);
    expect(meets(1, 10, ONE_FIFTH_OR_MORE)).toBe(false);
  });
  it('tiny electorates: 0, 1, 2', () => {
    for (const t of [MORE_THAN_HALF, TWO_THIRDS_OR_MORE, ONE_TENTH_OR_MORE])
      expect(meets(0, 0, t)).toBe(false);
    expect(meets(1, 1, MORE_THAN_HALF)).toBe(true);
    expect(meets(0, 1, MORE_THAN_HALF)).toBe(false);
    expect(meets(1, 2, MORE_THAN_HALF)).toBe(false);
    expect(meets(2, 2, MORE_THAN_HALF)).toBe(true);
    expect(meets(1, 2, TWO_THIRDS_OR_MORE)).toBe(false);
    expect(meets(2, 2, TWO_THIRDS_OR_MORE)).toBe(true);
    expect(meets(1, 1, ONE_TENTH_OR_MORE)).toBe(true);
  });
  it('large electorates are exact where floats are not', () => {
    const big = 3 * 1_000_000_000_000; // 3e12: 2/3 boundary at 2e12
    expect(meets(2_000_000_000_000, big, TWO_THIRDS_OR_MORE)).toBe(true);
    expect(meets(1_999_999_999_999, big, TWO_THIRDS_OR_MORE)).toBe(false);
    const n = Number.MAX_SAFE_INTEGER - 1; // even
    expect(meets(n / 2, n, MORE_THAN_HALF)).toBe(false);
    expect(meets(n / 2 + 1, n, MORE_THAN_HALF)).toBe(true);
  });
  it('refuses nonsense instead of guessing', () => {
    expect(() => meets(-1, 10, MORE_THAN_HALF)).toThrow(RangeError);
    expect(() => meets(1.5, 10, MORE_THAN_HALF)).toThrow(RangeError);
    expect(() => meets(11, 10, MORE_THAN_HALF)).toThrow(RangeError);
  });
});

describe('required', () => {
  it('gives the smallest passing count at each boundary', () => {
    expect(required(100, MORE_THAN_HALF)).toBe(51);
    expect(required(101, MORE_THAN_HALF)).toBe(51);
    expect(required(3, TWO_THIRDS_OR_MORE)).toBe(2);
    expect(required(10, TWO_THIRDS_OR_MORE)).toBe(7);
    expect(required(100, ONE_TENTH_OR_MORE)).toBe(10);
    expect(required(101, ONE_TENTH_OR_MORE)).toBe(11);
    expect(required(0, ONE_TENTH_OR_MORE)).toBe(1);
    expect(required(1, MORE_THAN_HALF)).toBe(1);
  });
  it('property: required(t) meets, required(t) − 1 does not', () => {
    const thresholds = [
      MORE_THAN_HALF,
      TWO_THIRDS_OR_MORE,
      ONE_TENTH_OR_MORE,
      ONE_THIRD_OR_MORE,
      ONE_FIFTH_OR_MORE,
    ];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.constantFrom(...thresholds), (total, t) => {
        const r = required(total, t);
        expect(r).toBeLessThanOrEqual(total);
        expect(meets(r, total, t)).toBe(true);
        if (r > 0) expect(meets(r - 1, total, t)).toBe(false);
      }),
    );
  });
  it('property: meets is monotone in count and agrees with rational arithmetic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.nat(), fc.boolean(), (total, c, strict) => {
        const count = c % (total + 1);
        const t = strict ? MORE_THAN_HALF : TWO_THIRDS_OR_MORE;
        const exact = strict ? count * 2 > total : count * 3 >= total * 2;
        expect(meets(count, total, t)).toBe(exact);
        if (count < total && meets(count, total, t)) expect(meets(count + 1, total, t)).toBe(true);
      }),
    );
  });
});

describe('村民会议 (art. 22)', () => {
  it('quorum by villagers: exactly half is not enough, one more is', () => {
    const base = { electors: 100, households: 40, householdsTakingPart: 0 };
    expect(decide(assembly, { ...base, counts: yes(50) }).outcome).toBe('no_quorum');
    expect(decide(assembly, { ...base, counts: yes(51), approveKey: 'yes' }).outcome).toBe('adopted');
  });
  it('quorum by households: exactly two thirds of households through their representatives is enough', () => {
    const base = { electors: 100, households: 30, approveKey: 'yes' };
    const at = decide(assembly, { ...base, householdsTakingPart: 20, counts: yes(20) });
    expect(at.quorumMet).toBe(true);
    expect(at.quorumClause).toBe(1);
    expect(at.outcome).toBe('adopted');
    expect(decide(assembly, { ...base, householdsTakingPart: 19, counts: yes(30) }).outcome).toBe(
      'no_quorum',
    );
  });
  it('decision: more than half of those taking part; abstentions count as taking part', () => {
    const base = { electors: 100, households: 40, householdsTakingPart: 0, approveKey: 'yes' };
    expect(decide(assembly, { ...base, counts: yes(30, 20, 10) }).outcome).toBe('rejected'); // 30 of 60
    expect(decide(assembly, { ...base, counts: yes(31, 20, 10) }).outcome).toBe('adopted'); // 31 of 61
    expect(decide(assembly, { ...base, counts: yes(30, 29, 2) }).outcome).toBe('rejected'); // 30 of 61
    const r = decide(assembly, { ...base, counts: yes(31, 20, 10) });
    expect(r.majorityRequired).toBe(31);
    expect(r.quorumRequired).toBe(51);
  });
  it('a tie between yes and no is not adopted', () => {
    const r = decide(assembly, {
      electors: 10,
      households: 5,
      householdsTakingPart: 0,
      counts: yes(4, 4),
      approveKey: 'yes',
    });
    expect(r.quorumMet).toBe(true);
    expect(r.outcome).toBe('rejected');
  });
});

describe('村民代表会议 (art. 26)', () => {
  it('quorum: exactly two thirds of members, one fewer fails', () => {
    const base = { electors: 15, households: 0, householdsTakingPart: 0, approveKey: 'yes' };
    expect(decide(reps, { ...base, counts: yes(10) }).outcome).toBe('adopted');
    expect(decide(reps, { ...base, counts: yes(9) }).outcome).toBe('no_quorum');
    // 10 taking part: 5 yes is exactly half → not adopted; 6 is.
    expect(decide(reps, { ...base, counts: yes(5, 5) }).outcome).toBe('rejected');
    expect(decide(reps, { ...base, counts: yes(6, 4) }).outcome).toBe('adopted');
  });
  it('households do not make a representatives meeting quorate', () => {
    const r = decide(reps, { electors: 15, households: 3, householdsTakingPart: 3, counts: yes(5) });
    expect(r.quorumMet).toBe(false);
  });
});

describe('other meetings', () => {
  it('村民议事会 is advisory: no quorum, outcome advisory with the leading option', () => {
    const r = decide(MEETING_RULES.deliberation_council, {
      electors: 500,
      households: 0,
      householdsTakingPart: 0,
      counts: { a: 3, b: 1 },
    });
    expect(r.quorumMet).toBe(true);
    expect(r.quorumRequired).toBeNull();
    expect(r.outcome).toBe('advisory');
    expect(r.winner).toBe('a');
  });
  it('a custom single choice without an option over half has no majority', () => {
    const r = decide(MEETING_RULES.party_members_meeting, {
      electors: 10,
      households: 0,
      householdsTakingPart: 0,
      counts: { a: 3, b: 3, c: 2 },
    });
    expect(r.outcome).toBe('no_majority');
    expect(
      decide(MEETING_RULES.party_members_meeting, {
        electors: 10,
        households: 0,
        householdsTakingPart: 0,
        counts: { a: 5, b: 3 },
      }).winner,
    ).toBe('a');
  });
  it('refuses more ballots than electors', () => {
    expect(() =>
      decide(reps, { electors: 2, households: 0, householdsTakingPart: 0, counts: yes(3) }),
    ).toThrow(RangeError);
  });
  it('property: adopted ⇔ quorum ∧ 2·yes > participants (both statutory meetings)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.nat(),
        fc.constantFrom('villagers_assembly', 'representatives_meeting') as fc.Arbitrary<
          'villagers_assembly' | 'representatives_meeting'
        >,
        (y, n, a, extra, households, hp, type) => {
          const electors = y + n + a + extra;
          const householdsTakingPart = hp % (households + 1);
          const rule = MEETING_RULES[type];
          const r = decide(rule, {
            electors,
            households,
            householdsTakingPart,
            counts: yes(y, n, a),
            approveKey: 'yes',
          });
          const p = y + n + a;
          const quorum =
            type === 'villagers_assembly'
              ? (electors > 0 && 2 * p > electors) || 3 * householdsTakingPart >= 2 * households
              : electors > 0 && 3 * p >= 2 * electors;
          expect(r.quorumMet).toBe(quorum);
          expect(r.outcome === 'adopted').toBe(quorum && 2 * y > p);
          if (!quorum) expect(r.outcome).toBe('no_quorum');
        },
      ),
    );
  });
});

describe('petitions (联名提议)', () => {
  it('one tenth of 18+ villagers for 村民会议: at the boundary and either side', () => {
    expect(petitionProgress('assembly_by_villagers', 49, 500)).toEqual({
      backers: 49,
      base: 500,
      required: 50,
      reached: false,
    });
    expect(petitionProgress('assembly_by_villagers', 50, 500).reached).toBe(true);
    expect(petitionProgress('assembly_by_villagers', 50, 501).reached).toBe(false);
    expect(petitionProgress('assembly_by_villagers', 51, 501).reached).toBe(true);
  });
  it('one third of representatives for 村民会议; one fifth for 村民代表会议', () => {
    expect(petitionProgress('assembly_by_representatives', 3, 10).reached).toBe(false);
    expect(petitionProgress('assembly_by_representatives', 4, 10).reached).toBe(true);
    expect(petitionProgress('assembly_by_representatives', 5, 15).reached).toBe(true);
    expect(petitionProgress('representatives_meeting', 2, 10).reached).toBe(true);
    expect(petitionProgress('representatives_meeting', 1, 10).reached).toBe(false);
    expect(petitionProgress('representatives_meeting', 3, 11).required).toBe(3);
  });
  it('an empty roster can never be reached', () => {
    expect(petitionProgress('representatives_meeting', 0, 0)).toEqual({
      backers: 0,
      base: 0,
      required: 1,
      reached: false,
    });
  });
});

describe('18+ on the day (Beijing time)', () => {
  it('turns 18 on the birthday in Beijing, not in UTC', () => {
    // 2026-06-01 00:30 Beijing = 2026-05-31 16:30 UTC.
    const at = new Date('2026-05-31T16:30:00Z');
    expect(adultBornOnOrBefore(at)).toBe('2008-06-01');
    expect(isAdultOn('2008-06-01', at)).toBe(true);
    expect(isAdultOn('2008-06-02', at)).toBe(false);
  });
  it('someone born on 29 February is 18 on 1 March of a common year', () => {
    expect(isAdultOn('2008-02-29', new Date('2026-02-28T04:00:00Z'))).toBe(false);
    expect(isAdultOn('2008-02-29', new Date('2026-03-01T04:00:00Z'))).toBe(true);
  });
});

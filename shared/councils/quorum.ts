/**
 * The quorum and majority engine (DESIGN §2.2), pure and exact: every comparison is integer
 * cross-multiplication in BigInt, never a float. The law's wording maps onto one `Threshold`:
 *
 * - 以上 (e.g. 三分之二以上, 十分之一以上) includes the boundary: count / total ≥ num / den;
 * - 过半数 does not: count / total > 1 / 2 — exactly half is not a majority.
 *
 * Which rule applies to which meeting is data (`MEETING_RULES`), so the API, the mini-program and
 * the tests read one table. 《村民委员会组织法》 art. 22 (村民会议), art. 26 (村民代表会议), art. 21
 * and 26 (联名提议 thresholds).
 */

export type Fraction = { num: number; den: number };
/** `inclusive`: 以上 (≥); otherwise strictly more than (过半数 is {1/2, inclusive: false}). */
export type Threshold = { fraction: Fraction; inclusive: boolean; label: string };

export const MORE_THAN_HALF: Threshold = { fraction: { num: 1, den: 2 }, inclusive: false, label: '过半数' };
export const TWO_THIRDS_OR_MORE: Threshold = {
  fraction: { num: 2, den: 3 },
  inclusive: true,
  label: '三分之二以上',
};
export const ONE_TENTH_OR_MORE: Threshold = {
  fraction: { num: 1, den: 10 },
  inclusive: true,
  label: '十分之一以上',
};
export const ONE_THIRD_OR_MORE: Threshold = {
  fraction: { num: 1, den: 3 },
  inclusive: true,
  label: '三分之一以上',
};
export const ONE_FIFTH_OR_MORE: Threshold = {
  fraction: { num: 1, den: 5 },
  inclusive: true,
  label: '五分之一以上',
};

function assertCount(name: string, n: number) {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

/**
 * Does `count` out of `total` meet the threshold? A total of 0 never does: nobody cannot make a
 * quorum or a majority (also for inclusive thresholds, where 0 ≥ 0 would otherwise pass).
 */
export function meets(count: number, total: number, t: Threshold): boolean {
  assertCount('count', count);
  assertCount('total', total);
  if (count > total) throw new RangeError(`count ${count} exceeds total ${total}`);
  if (total === 0) return false;
  const lhs = BigInt(count) * BigInt(t.fraction.den);
  const rhs = BigInt(t.fraction.num) * BigInt(total);
  return t.inclusive ? lhs >= rhs : lhs > rhs;
}

/** The smallest count out of `total` that meets the threshold (what the progress bar aims at). */
export function required(total: number, t: Threshold): number {
  assertCount('total', total);
  if (total === 0) return 1;
  const num = BigInt(t.fraction.num) * BigInt(total);
  const den = BigInt(t.fraction.den);
  // inclusive: ceil(num/den); strict: floor(num/den) + 1.
  const n = t.inclusive ? (num + den - 1n) / den : num / den + 1n;
  return Math.max(1, Number(n));
}

// ─── Meetings ────────────────────────────────────────────────────────────────────────────────

export { MEETING_TYPES, MEETING_TYPE_LABELS, type MeetingType } from './labels';
import type { MeetingType } from './labels';

/** One way to make the quorum: `count` of `base` meets `threshold`. */
export type QuorumClause = {
  /** electors: people on the frozen electorate; households: households through their 户代表. */
  base: 'electors' | 'households';
  threshold: Threshold;
};

export type MeetingRule = {
  /** Who is on the electorate when a vote opens (resolved against the roster by the API). */
  electorate: 'adult_villagers' | 'representatives_and_committee' | 'party_members' | 'cadres' | 'villagers';
  /** Any clause met is a quorum; empty: no quorum required (advisory). */
  quorum: QuorumClause[];
  /** A decision needs `decision` of those taking part (abstention counts as taking part). */
  decision: Threshold;
  /** Advisory meetings recommend; they do not decide. */
  advisory: boolean;
  /** The article the rule comes from, shown on the result page. */
  basis: string;
};

/**
 * The rules per meeting type. The two statutory meetings are fixed by law; the others follow
 * common practice and may be changed here (configurable per deployment by editing this table).
 */
export const MEETING_RULES: Record<MeetingType, MeetingRule> = {
  villagers_assembly: {
    electorate: 'adult_villagers',
    quorum: [
      { base: 'electors', threshold: MORE_THAN_HALF },
      { base: 'households', threshold: TWO_THIRDS_OR_MORE },
    ],
    decision: MORE_THAN_HALF,
    advisory: false,
    basis: '《村民委员会组织法》第二十二条',
  },
  representatives_meeting: {
    electorate: 'representatives_and_committee',
    quorum: [{ base: 'electors', threshold: TWO_THIRDS_OR_MORE }],
    decision: MORE_THAN_HALF,
    advisory: false,
    basis: '《村民委员会组织法》第二十六条',
  },
  party_members_meeting: {
    electorate: 'party_members',
    quorum: [{ base: 'electors', threshold: MORE_THAN_HALF }],
    decision: MORE_THAN_HALF,
    advisory: false,
    basis: '党组织议事规则（应到过半数，到会过半数同意）',
  },
  two_committees_meeting: {
    electorate: 'cadres',
    quorum: [{ base: 'electors', threshold: MORE_THAN_HALF }],
    decision: MORE_THAN_HALF,
    advisory: false,
    basis: '两委联席会议议事规则（应到过半数，到会过半数同意）',
  },
  deliberation_council: {
    electorate: 'villagers',
    quorum: [],
    decision: MORE_THAN_HALF,
    advisory: true,
    basis: '村民议事会：只提建议，不作决定',
  },
};

// ─── Result ──────────────────────────────────────────────────────────────────────────────────

export type TallyInput = {
  /** People on the frozen electorate. */
  electors: number;
  /** Households with at least one elector (for the 户代表 quorum clause). */
  households: number;
  /** Distinct households whose 户代表 took part. */
  householdsTakingPart: number;
  /** Counted ballots per option key (abstention included as an option). */
  counts: Record<string, number>;
  /** The option that means "adopt" on a 同意/反对/弃权 vote; absent on a custom single choice. */
  approveKey?: string;
};

export type { Outcome } from './labels';
export { OUTCOME_LABELS } from './labels';
import type { Outcome } from './labels';

export type VoteResult = {
  participants: number;
  quorumMet: boolean;
  /** Which clause made the quorum, if any (index into the rule's clauses). */
  quorumClause: number | null;
  /** The smallest number of participants that would make the quorum by electors (null: none needed). */
  quorumRequired: number | null;
  /** The smallest number of votes that would carry the decision at this turnout. */
  majorityRequired: number;
  /** The option that reached the decision threshold, if any. */
  winner: string | null;
  outcome: Outcome;
};

export function decide(rule: MeetingRule, t: TallyInput): VoteResult {
  assertCount('electors', t.electors);
  assertCount('households', t.households);
  assertCount('householdsTakingPart', t.householdsTakingPart);
  let participants = 0;
  for (const [k, n] of Object.entries(t.counts)) {
    assertCount(`counts.${k}`, n);
    participants += n;
  }
  if (participants > t.electors) throw new RangeError('more ballots than electors');
  if (t.householdsTakingPart > t.households) throw new RangeError('more households than exist');

  let quorumClause: number | null = null;
  rule.quorum.forEach((c, i) => {
    if (quorumClause !== null) return;
    const ok =
      c.base === 'electors'
        ? meets(participants, t.electors, c.threshold)
        : meets(t.householdsTakingPart, t.households, c.threshold);
    if (ok) quorumClause = i;
  });
  const quorumMet = rule.quorum.length === 0 ? participants > 0 : quorumClause !== null;
  const electorClause = rule.quorum.find((c) => c.base === 'electors');
  const quorumRequired = electorClause ? required(t.electors, electorClause.threshold) : null;
  const majorityRequired = required(participants, rule.decision);

  const winner =
    Object.entries(t.counts).find(
      ([, n]) => participants > 0 && meets(n, participants, rule.decision),
    )?.[0] ?? null;

  let outcome: Outcome;
  if (rule.advisory) outcome = 'advisory';
  else if (!quorumMet) outcome = 'no_quorum';
  else if (t.approveKey !== undefined) outcome = winner === t.approveKey ? 'adopted' : 'rejected';
  else outcome = winner ? 'adopted' : 'no_majority';
  return { participants, quorumMet, quorumClause, quorumRequired, majorityRequired, winner, outcome };
}

// ─── Petitions (联名提议) ────────────────────────────────────────────────────────────────────

export { PETITION_KINDS, type PetitionKind } from './labels';
import type { PetitionKind } from './labels';

export type PetitionRule = {
  /** Who may back it, and whose number is the base. */
  backers: 'adult_villagers' | 'representatives';
  threshold: Threshold;
  /** The meeting the village committee must then convene. */
  meeting: MeetingType;
  label: string;
  basis: string;
};

export const PETITION_RULES: Record<PetitionKind, PetitionRule> = {
  assembly_by_villagers: {
    backers: 'adult_villagers',
    threshold: ONE_TENTH_OR_MORE,
    meeting: 'villagers_assembly',
    label: '十分之一以上村民联名提议召开村民会议',
    basis: '《村民委员会组织法》第二十一条',
  },
  assembly_by_representatives: {
    backers: 'representatives',
    threshold: ONE_THIRD_OR_MORE,
    meeting: 'villagers_assembly',
    label: '三分之一以上村民代表联名提议召开村民会议',
    basis: '《村民委员会组织法》第二十一条',
  },
  representatives_meeting: {
    backers: 'representatives',
    threshold: ONE_FIFTH_OR_MORE,
    meeting: 'representatives_meeting',
    label: '五分之一以上村民代表联名提议召开村民代表会议',
    basis: '《村民委员会组织法》第二十六条',
  },
};

export type PetitionProgress = { backers: number; base: number; required: number; reached: boolean };

export function petitionProgress(kind: PetitionKind, backers: number, base: number): PetitionProgress {
  const t = PETITION_RULES[kind].threshold;
  return { backers, base, required: required(base, t), reached: meets(Math.min(backers, base), base, t) };
}

/** Days the village committee has to convene once a petition reaches its threshold; then the town. */
export const PETITION_CONVENE_DAYS = 15;

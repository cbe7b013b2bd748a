/**
 * Words for meetings and outcomes, without the engine: the mini-program imports this file (the
 * engine uses BigInt, which it does not need).
 */
export const MEETING_TYPES = [
  'villagers_assembly',
  'representatives_meeting',
  'party_members_meeting',
  'two_committees_meeting',
  'deliberation_council',
] as const;
export type MeetingType = (typeof MEETING_TYPES)[number];

export const MEETING_TYPE_LABELS: Record<MeetingType, string> = {
  villagers_assembly: '村民会议',
  representatives_meeting: '村民代表会议',
  party_members_meeting: '党员大会',
  two_committees_meeting: '两委会议',
  deliberation_council: '村民议事会',
};

export type Outcome = 'adopted' | 'rejected' | 'no_quorum' | 'no_majority' | 'advisory';

export const OUTCOME_LABELS: Record<Outcome, string> = {
  adopted: '通过',
  rejected: '未通过',
  no_quorum: '到会人数不足，不能作出决定',
  no_majority: '没有选项过半数',
  advisory: '议事建议（不作决定）',
};

/** 联名提议 kinds (村民委员会组织法 art. 21, 26); the thresholds are in quorum.ts PETITION_RULES. */
export const PETITION_KINDS = [
  'assembly_by_villagers',
  'assembly_by_representatives',
  'representatives_meeting',
] as const;
export type PetitionKind = (typeof PETITION_KINDS)[number];

/** What a villager reads when choosing a kind: what it asks for, and who must sign how many. */
export const PETITION_KIND_WORDS: Record<
  PetitionKind,
  { asks: string; needs: string; by: 'villagers' | 'representatives' }
> = {
  assembly_by_villagers: {
    asks: '村民联名，要求召开村民会议',
    needs: '要有本村十分之一以上年满 18 岁的村民联名',
    by: 'villagers',
  },
  assembly_by_representatives: {
    asks: '村民代表联名，要求召开村民会议',
    needs: '要有三分之一以上的村民代表联名',
    by: 'representatives',
  },
  representatives_meeting: {
    asks: '村民代表联名，要求召开村民代表会议',
    needs: '要有五分之一以上的村民代表联名',
    by: 'representatives',
  },
};

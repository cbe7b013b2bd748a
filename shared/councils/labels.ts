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

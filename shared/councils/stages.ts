/**
 * 四议两公开 as data (DESIGN §2.2): the six stages in order, who owns each, and which meeting a
 * stage's vote may belong to. The API checks `canRecord`; the mini-program shows the same table.
 */
import type { Role } from '../roles';
import type { MeetingType } from './quorum';

export const STAGES = [
  'propose',
  'deliberate',
  'review',
  'resolve',
  'publish_resolution',
  'publish_result',
] as const;
export type Stage = (typeof STAGES)[number];

export type StageRule = {
  label: string;
  /** Who records it, in plain words. */
  owner: string;
  /** The recorder must hold every one of these roles in the village. */
  allOf: Role[];
  /** Meetings whose vote may carry this stage (empty: no vote). */
  meetings: MeetingType[];
  /** Publishes to the disclosure board when recorded. */
  publishes: boolean;
  /** Records a decision: its outcome adopts or rejects the proposal. */
  decides: boolean;
};

export const STAGE_RULES: Record<Stage, StageRule> = {
  propose: {
    label: '村党组织提议',
    owner: '村党组织（党员村干部）',
    allOf: ['cadre', 'party_member'],
    meetings: [],
    publishes: false,
    decides: false,
  },
  deliberate: {
    label: '村两委会议商议',
    owner: '村两委',
    allOf: ['cadre'],
    meetings: ['two_committees_meeting'],
    publishes: false,
    decides: false,
  },
  review: {
    label: '党员大会审议',
    owner: '村党组织（党员村干部）',
    allOf: ['cadre', 'party_member'],
    meetings: ['party_members_meeting'],
    publishes: false,
    decides: false,
  },
  resolve: {
    label: '村民会议或村民代表会议决议',
    owner: '村民委员会（召集村民会议或村民代表会议）',
    allOf: ['cadre'],
    meetings: ['villagers_assembly', 'representatives_meeting'],
    publishes: false,
    decides: true,
  },
  publish_resolution: {
    label: '决议公开',
    owner: '村民委员会',
    allOf: ['cadre'],
    meetings: [],
    publishes: true,
    decides: false,
  },
  publish_result: {
    label: '实施结果公开',
    owner: '村民委员会',
    allOf: ['cadre'],
    meetings: [],
    publishes: true,
    decides: false,
  },
};

export const PROPOSAL_STATUSES = ['active', 'adopted', 'rejected', 'done'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export const PROPOSAL_STATUS_LABELS: Record<ProposalStatus, string> = {
  active: '进行中',
  adopted: '已通过，待实施',
  rejected: '未通过',
  done: '已实施',
};

/** The stage a proposal records next, or null when nothing is left (rejected, or all six done). */
export function nextStage(doneStages: number, status: ProposalStatus): Stage | null {
  if (status === 'rejected' || status === 'done') return null;
  return STAGES[doneStages] ?? null;
}

export function canRecord(stage: Stage, roles: ReadonlySet<Role>): boolean {
  return STAGE_RULES[stage].allOf.every((r) => roles.has(r));
}

/** Status after recording `stage` with `outcome` (only the deciding stage can reject). */
export function statusAfter(stage: Stage, outcome: 'passed' | 'rejected'): ProposalStatus {
  if (STAGE_RULES[stage].decides) return outcome === 'passed' ? 'adopted' : 'rejected';
  if (stage === 'publish_result') return 'done';
  if (outcome === 'rejected') return 'rejected';
  return stage === 'publish_resolution' ? 'adopted' : 'active';
}

export const RATINGS = ['satisfied', 'basic', 'unsatisfied'] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_LABELS: Record<Rating, string> = {
  satisfied: '满意',
  basic: '基本满意',
  unsatisfied: '不满意',
};

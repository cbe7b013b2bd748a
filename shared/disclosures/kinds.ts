/**
 * What a village discloses (DESIGN §2.3; 村民委员会组织法 art. 30–32): the kinds, the board's
 * sections, and the lifecycle of a version as data. Pure; bundled by the mini-program.
 */

export const DISCLOSURE_KINDS = [
  'finance',
  'affairs',
  'party',
  'major',
  'resolution',
  'implementation',
] as const;
export type DisclosureKind = (typeof DISCLOSURE_KINDS)[number];

export const DISCLOSURE_KIND_LABELS: Record<DisclosureKind, string> = {
  finance: '财务公开',
  affairs: '村务公开',
  party: '党务公开',
  major: '重大事项公开',
  resolution: '决议公开',
  implementation: '实施结果公开',
};

/** Kinds drafted by cadres through the board; resolutions arrive from councils (resolutions.ts). */
export const DRAFTABLE_KINDS = [
  'finance',
  'affairs',
  'party',
  'major',
] as const satisfies readonly DisclosureKind[];
export type DraftableKind = (typeof DRAFTABLE_KINDS)[number];

/** Kinds that cover a period (month or quarter) and are scheduled; the others are published at once. */
export const PERIODIC_KINDS = ['finance', 'affairs', 'party'] as const satisfies readonly DisclosureKind[];
export type PeriodicKind = (typeof PERIODIC_KINDS)[number];
export const isPeriodic = (k: DisclosureKind): k is PeriodicKind =>
  (PERIODIC_KINDS as readonly string[]).includes(k);

/**
 * A version's status. A version is drafted, submitted, then either returned (back to the cadre,
 * with comments, editable again) or published. Published is final: the database refuses to
 * change or delete it; a correction is a new version.
 */
export const VERSION_STATUSES = ['draft', 'submitted', 'returned', 'published'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

export const VERSION_STATUS_LABELS: Record<VersionStatus, string> = {
  draft: '草稿',
  submitted: '待监委会审核',
  returned: '已退回修改',
  published: '已公开',
};

export const DISCLOSURE_ACTIONS = ['edit', 'submit', 'approve', 'return'] as const;
export type DisclosureAction = (typeof DISCLOSURE_ACTIONS)[number];

/** Which role takes which action in which status. Cadres draft; the supervision committee co-signs. */
export const LIFECYCLE: Record<
  DisclosureAction,
  { from: readonly VersionStatus[]; role: 'cadre' | 'supervisor' }
> = {
  edit: { from: ['draft', 'returned'], role: 'cadre' },
  submit: { from: ['draft', 'returned'], role: 'cadre' },
  approve: { from: ['submitted'], role: 'supervisor' },
  return: { from: ['submitted'], role: 'supervisor' },
};

/**
 * The actions a person may take on a version: by role and status, and never co-signing a
 * version they drafted or submitted themselves (even when they are also a supervisor).
 */
export function availableDisclosureActions(
  status: VersionStatus,
  actor: { roles: readonly string[]; isAuthor: boolean },
): DisclosureAction[] {
  return DISCLOSURE_ACTIONS.filter((a) => {
    const rule = LIFECYCLE[a];
    if (!rule.from.includes(status) || !actor.roles.includes(rule.role)) return false;
    if (rule.role === 'supervisor' && actor.isAuthor) return false;
    return true;
  });
}

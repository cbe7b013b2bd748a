/**
 * What a matter can be (DESIGN §2.1): its kind, its category, and which routing tracks each kind
 * may take. Pure data, bundled by the mini-program — no zod here (see ./schemas.ts).
 */

export const MATTER_KINDS = ['complaint', 'suggestion', 'dispute', 'errand'] as const;
export type MatterKind = (typeof MATTER_KINDS)[number];

export const MATTER_KIND_LABELS: Record<MatterKind, string> = {
  complaint: '问题反映',
  suggestion: '建议',
  dispute: '矛盾纠纷',
  errand: '代办请求',
};

/** The four tracks a routed matter follows (DESIGN §2.1 "Route"). */
export const MATTER_TRACKS = ['handle', 'mediate', 'decide', 'decline'] as const;
export type MatterTrack = (typeof MATTER_TRACKS)[number];

export const MATTER_TRACK_LABELS: Record<MatterTrack, string> = {
  handle: '直接办理',
  mediate: '分级调解',
  decide: '村民议事决策',
  decline: '不予受理',
};

/**
 * Which tracks each kind may be routed to. Mediation is for disputes only; a dispute is never
 * "handled" by fiat or put to a village vote — it is mediated, or declined (e.g. already in court).
 * An errand is a service someone runs for the villager: handled or declined, never voted on.
 */
export const KIND_TRACKS: Record<MatterKind, readonly MatterTrack[]> = {
  complaint: ['handle', 'decide', 'decline'],
  suggestion: ['handle', 'decide', 'decline'],
  dispute: ['mediate', 'decline'],
  errand: ['handle', 'decline'],
};

export function kindAllowsTrack(kind: MatterKind, track: MatterTrack): boolean {
  return KIND_TRACKS[kind].includes(track);
}

/** A category key: lower snake case, so villages can add their own (`^[a-z][a-z0-9_]{0,31}$`). */
export const CATEGORY_KEY_RE = /^[a-z][a-z0-9_]{0,31}$/;

export type TMatterCategory = { key: string; label: string };

/** The categories every village starts with; a village may rename, add or hide them. */
export const DEFAULT_CATEGORIES: readonly TMatterCategory[] = [
  { key: 'roads', label: '道路交通' },
  { key: 'water', label: '饮水用水' },
  { key: 'environment', label: '环境卫生' },
  { key: 'land', label: '土地宅基地' },
  { key: 'social_assistance', label: '社会救助' },
  { key: 'public_security', label: '治安安全' },
  { key: 'agriculture', label: '农业生产' },
  { key: 'village_affairs', label: '村务管理' },
  { key: 'other', label: '其他' },
];

export function categoryLabel(
  key: string,
  categories: readonly TMatterCategory[] = DEFAULT_CATEGORIES,
): string | undefined {
  return categories.find((c) => c.key === key)?.label;
}

/**
 * Content safety rules (WeChat msgSecCheck v2 / mediaCheckAsync), as data and pure functions.
 * Every villager-written text or image that others can see gets a `content_checks` row; only a
 * row in status `pass` is visible. These rules are shared by the API and the mini-program.
 */

/** WeChat's per-call limit for msgSecCheck v2: 2,500 characters (字). */
export const MSG_SEC_CHECK_MAX_CHARS = 2500;

/** What WeChat suggests for a piece of content. */
export const SUGGESTS = ['pass', 'review', 'risky'] as const;
export type Suggest = (typeof SUGGESTS)[number];

/** A content_checks row's status: pending = asked, verdict not in yet (images wait for the push). */
export const CONTENT_STATUSES = ['pending', 'pass', 'review', 'risky'] as const;
export type ContentStatus = (typeof CONTENT_STATUSES)[number];

export const MEDIA_TYPES = ['text', 'image', 'audio'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** Only content WeChat (or a reviewer) passed is shown to anyone but its author. */
export function isVisible(status: ContentStatus): boolean {
  return status === 'pass';
}

/** The one label we set ourselves: WeChat could not be asked (network, timeout, -1, 5xx, not configured). */
export const LABEL_UNREACHABLE = 'unreachable';
/** The author has no openid (msgSecCheck v2 needs one): a reviewer decides. */
export const LABEL_NO_OPENID = 'no_openid';

/** WeChat's label codes (result.label / detail[].label) and what a reviewer is shown. */
export const LABEL_TEXT: Record<string, string> = {
  '100': '正常',
  '10001': '广告',
  '20001': '时政',
  '20002': '色情',
  '20003': '辱骂',
  '20006': '违法犯罪',
  '20008': '欺诈',
  '20012': '低俗',
  '20013': '版权',
  '21000': '其他',
  [LABEL_UNREACHABLE]: '微信暂时无法检测，需人工审核',
  [LABEL_NO_OPENID]: '无法识别发布人的微信身份，需人工审核',
};

export function labelText(label: string | null | undefined): string {
  if (!label) return '需人工审核';
  if (label.startsWith('errcode:')) return `微信检测出错（${label.slice(8)}），需人工审核`;
  return LABEL_TEXT[label] ?? '需人工审核';
}

/**
 * WeChat's scene values for msgSecCheck/mediaCheckAsync v2 (1 资料, 2 评论, 3 论坛, 4 社交日志).
 * Derived from the target type so a later re-check asks with the same scene.
 */
export const SCENE_BY_TARGET: Record<string, 1 | 2 | 3 | 4> = {
  profile: 1,
  comment: 2,
  matter: 3,
  petition: 3,
};
export const DEFAULT_SCENE = 3;

/**
 * Who reviews held content. Content about a matter concerning a cadre must not be judged by
 * cadres: the caller records it with `supervisedTargetType('matter')` ('matter.supervised') and
 * supervisors review it instead. The base type (before the suffix) is what visibility queries use.
 */
export const SUPERVISED_SUFFIX = '.supervised';
export type ReviewerRole = 'cadre' | 'supervisor';

export const supervisedTargetType = (base: string) => `${baseTargetType(base)}${SUPERVISED_SUFFIX}`;
export const baseTargetType = (targetType: string) =>
  targetType.endsWith(SUPERVISED_SUFFIX) ? targetType.slice(0, -SUPERVISED_SUFFIX.length) : targetType;
export const reviewerRoleFor = (targetType: string): ReviewerRole =>
  targetType.endsWith(SUPERVISED_SUFFIX) ? 'supervisor' : 'cadre';
export const sceneFor = (targetType: string) => SCENE_BY_TARGET[baseTargetType(targetType)] ?? DEFAULT_SCENE;

/** A reviewer's decision and the status it leaves the content in. */
export const DECISIONS = ['pass', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];
export const DECISION_STATUS: Record<Decision, ContentStatus> = { pass: 'pass', reject: 'risky' };

/** One chunk's answer: WeChat's verdict, or WeChat could not be asked / refused the call. */
export type ChunkVerdict = { suggest: Suggest; label: string; traceId?: string } | { unchecked: string };

/**
 * Precedence when several chunks (or checks) disagree: risky > review > unchecked > pass.
 * A definite risky refuses at once; a WeChat `review` label says more to a reviewer than
 * "unreachable"; one chunk that could not be checked keeps the whole text out of sight.
 */
const RANK = { pass: 0, unchecked: 1, review: 2, risky: 3 } as const;
const rankOf = (v: ChunkVerdict) => ('unchecked' in v ? RANK.unchecked : RANK[v.suggest]);

export type Combined = { status: Exclude<ContentStatus, 'pending'>; label: string; traceId?: string };

export function combineVerdicts(verdicts: readonly ChunkVerdict[]): Combined {
  if (verdicts.length === 0) return { status: 'review', label: LABEL_UNREACHABLE };
  let worst = verdicts[0]!;
  for (const v of verdicts) if (rankOf(v) > rankOf(worst)) worst = v;
  if ('unchecked' in worst) return { status: 'review', label: worst.unchecked };
  return { status: worst.suggest, label: worst.label, traceId: worst.traceId };
}

/** Where a chunk may end, best first: paragraph, sentence end, clause, space. */
const BREAKS: readonly RegExp[] = [/\n/u, /[。！？!?…]/u, /[；;，,、：:]/u, /\s/u];

/**
 * Splits text into chunks of at most `max` characters (Unicode code points, so no surrogate
 * pair is cut), ending each chunk at the best boundary in its second half; a run with no boundary
 * is cut hard. Joining the chunks gives back the text exactly.
 */
export function splitForCheck(text: string, max = MSG_SEC_CHECK_MAX_CHARS): string[] {
  if (max < 2) throw new Error('max must be ≥ 2');
  const chars = Array.from(text);
  const chunks: string[] = [];
  let start = 0;
  while (chars.length - start > max) {
    const window = chars.slice(start, start + max);
    let cut = max;
    for (const re of BREAKS) {
      let found = -1;
      for (let i = window.length - 1; i >= Math.floor(max / 2); i--) {
        if (re.test(window[i]!)) {
          found = i + 1;
          break;
        }
      }
      if (found > 0) {
        cut = found;
        break;
      }
    }
    chunks.push(window.slice(0, cut).join(''));
    start += cut;
  }
  if (start < chars.length || chunks.length === 0) chunks.push(chars.slice(start).join(''));
  return chunks;
}

/** Signed pushes older (or newer) than this are refused, so a captured push cannot be replayed later. */
export const PUSH_MAX_SKEW_S = 300;

/** WeChat pushes mediaCheckAsync's verdict within 30 minutes; after this we ask again. */
export const MEDIA_VERDICT_WAIT_MS = 35 * 60_000;
/** After this many asks, held content stays with the reviewers (who can decide it at any time). */
export const MAX_CHECK_ATTEMPTS = 12;

/**
 * Whether the re-check sweep should ask WeChat again about a held row, from its age and how often
 * it was asked: text waiting as `unreachable` (or left `pending` by a crash) after 2, 4, 8 … min;
 * an image still waiting for its push after 35 min per submission.
 */
export function recheckDue(
  row: { mediaType: MediaType; status: ContentStatus; attempts: number },
  ageMs: number,
): boolean {
  if (row.attempts >= MAX_CHECK_ATTEMPTS) return false;
  if (row.mediaType !== 'text' && row.status === 'pending' && row.attempts > 0) {
    return ageMs >= MEDIA_VERDICT_WAIT_MS * row.attempts;
  }
  return ageMs >= 2 * 60_000 * 2 ** row.attempts;
}

/**
 * Shared by the matters pages: which village, plain words for states and holders, a matter row,
 * stored photos. The rules themselves (states, actions, time limits) come from shared/matters.
 */
import { Image, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { type ReactNode, useEffect, useState } from 'react';
import {
  DEFAULT_CATEGORIES,
  MATTER_KIND_LABELS,
  type MatterKind,
  categoryLabel,
} from '@shared/matters/kinds';
import { DEFAULT_TIME_LIMITS, deadlineFor } from '@shared/matters/time-limits';
import {
  MATTER_STATE_LABELS,
  type MatterLevel,
  type MatterState,
  isTerminal,
} from '@shared/matters/workflow';
import type { Role, TMe } from '../../api/types';
import { Gate } from '../../components/gate';
import { Card, Screen, Tag } from '../../components/ui';
import { cx, formatDayTime } from '../../lib/format';
import { PAGES, go } from '../../lib/nav';
import { type VillageView, villagesOf } from '../../lib/roles';
import { type TMatterCategory, type TMatterSummary, mediaSrc } from './api';

export const MATTER_PAGES = {
  raise: PAGES.raiseMatter,
  list: PAGES.myMatters,
  detail: PAGES.matter,
  inbox: PAGES.matterInbox,
} as const;

/** Roles that answer matters (the 待办事项 inbox). */
export const RESPONDER_ROLES: readonly Role[] = ['grid_worker', 'cadre', 'supervisor', 'town_officer'];

/** The one-character mark shown large on each kind's tile (an icon that always has its word). */
export const KIND_MARKS: Record<MatterKind, string> = {
  complaint: '问',
  suggestion: '议',
  dispute: '纷',
  errand: '办',
};

/** One line under each kind's tile, so nobody has to guess. */
export const KIND_HINTS: Record<MatterKind, string> = {
  complaint: '路坏了、没水了',
  suggestion: '对村里有好想法',
  dispute: '邻里、家庭有矛盾',
  errand: '请人帮忙跑腿办事',
};

export function kindLabel(kind: MatterKind): string {
  return MATTER_KIND_LABELS[kind];
}

export function catLabel(key: string, categories: readonly TMatterCategory[] = DEFAULT_CATEGORIES): string {
  return categoryLabel(key, categories) ?? '其他';
}

export function stateTone(state: MatterState): 'neutral' | 'primary' | 'success' | 'warn' | 'danger' {
  if (state === 'submitted' || state === 'reopened' || state === 'appealed') return 'warn';
  if (state === 'declined') return 'danger';
  if (state === 'resolved' || state === 'followed_up' || state === 'closed') return 'success';
  if (state === 'withdrawn' || state === 'merged') return 'neutral';
  return 'primary';
}

export function StateTag({ state }: { state: MatterState }) {
  return <Tag tone={stateTone(state)}>{MATTER_STATE_LABELS[state]}</Tag>;
}

/** Who holds a matter at a level, in words (a matter about a cadre goes to the supervision committee). */
export function holderWords(level: MatterLevel, aboutCadre: boolean): string {
  if (level === 'grid') return '网格员';
  if (level === 'village') return aboutCadre ? '村务监督委员会' : '村两委';
  return '镇（街道）';
}

/** When the current step runs out (default time limits), or null when nothing is waiting. */
export function dueAt(state: MatterState, enteredAt: string): Date | null {
  const t = Date.parse(enteredAt);
  if (Number.isNaN(t)) return null;
  return deadlineFor(state, new Date(t), DEFAULT_TIME_LIMITS);
}

/**
 * The current step in plain words: what is happening and who has it (`what`), and by when
 * (`when`, null when nothing is waiting) — or that the time is up (`late`). The author waits for
 * others in most states; in a few the next move is theirs.
 */
export function nowWords(
  m: {
    state: MatterState;
    level: MatterLevel;
    aboutCadre: boolean;
    enteredAt: string;
    dueAt?: string | null;
  },
  now: Date = new Date(),
  /** The reader is the author (the next move is theirs in 不予受理 and 已回访). */
  author = true,
): { what: string; when: string | null; late: boolean } {
  if (isTerminal(m.state)) return { what: MATTER_STATE_LABELS[m.state], when: null, late: false };
  const who = holderWords(m.level, m.aboutCadre);
  // The server's deadline (the village's own time limits) when it sends one.
  const due = m.dueAt !== undefined ? (m.dueAt ? new Date(m.dueAt) : null) : dueAt(m.state, m.enteredAt);
  const late = due !== null && due.getTime() <= now.getTime();
  const by = due ? formatDayTime(due.toISOString(), now) : null;
  const when = by ? (late ? `已超过期限（${by}）` : `${by}前`) : null;
  const what = ((): string => {
    switch (m.state) {
      case 'submitted':
        return `等${who}受理`;
      case 'accepted':
      case 'reopened':
        return `${who}正在安排怎么办`;
      case 'in_progress':
        return `${who}正在办理`;
      case 'mediating':
        return `${who === '网格员' ? '网格' : who}正在调解`;
      case 'deciding':
        return '已交村民议事，等表决结果';
      case 'declined':
        return author ? '不予受理，您可以向镇（街道）申诉' : '不予受理，等村民决定是否申诉';
      case 'appealed':
        return '镇（街道）正在复核申诉';
      case 'resolved':
        return '已办结，等网格员回访';
      case 'followed_up':
        return author ? '已回访，请您评价' : '已回访，等村民评价';
      default:
        return MATTER_STATE_LABELS[m.state];
    }
  })();
  return { what, when: m.state === 'deciding' ? null : when, late };
}

/** The village a matters page works in: the query's, or the user's only one. */
export function pickMatterVillage(me: TMe, params: Record<string, string | undefined>): VillageView | null {
  const mine = villagesOf(me);
  if (params.villageId) {
    const member = mine.find((v) => v.villageId === params.villageId);
    if (member) return member;
    // A town officer looks into a village of their town (the server checks which town).
    if (me.memberships.some((m) => m.role === 'town_officer')) {
      return {
        villageId: params.villageId,
        villageName: params.villageName ?? '',
        townName: null,
        roles: ['town_officer'],
        gridId: null,
        gridName: null,
        isHouseholdRep: false,
      };
    }
    return null;
  }
  return mine[0] ?? null;
}

/** Page frame: signed in and a member of the village in the query (or of one village). */
export function MatterPage({
  children,
  className,
}: {
  children: (village: VillageView, me: TMe) => ReactNode;
  className?: string;
}) {
  const router = useRouter();
  return (
    <Screen className={cx('matters', className)}>
      <Gate>
        {(me) => {
          const v = pickMatterVillage(me, router.params);
          if (!v) {
            return (
              <Card title="还没有加入村">
                <Text className="muted">加入您的村以后，就能在这里反映事情、查看进展。</Text>
              </Card>
            );
          }
          return <View>{children(v, me)}</View>;
        }}
      </Gate>
    </Screen>
  );
}

/** First characters of a matter's text for a list row. */
export function excerpt(text: string, max = 40): string {
  const chars = Array.from(text.trim().replace(/\s+/g, ' '));
  if (chars.length === 0) return '（语音）';
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}

export function MatterRow({
  item,
  villageId,
  showAuthor,
  extra,
}: {
  item: TMatterSummary;
  villageId: string;
  showAuthor?: boolean;
  extra?: ReactNode;
}) {
  return (
    <View
      className="matter-row"
      hoverClass="matter-row-hover"
      data-testid={`matter-${item.id}`}
      onClick={() => go(MATTER_PAGES.detail, { villageId, id: item.id })}
    >
      <View className="matter-row-tags">
        <StateTag state={item.state} />
        <Tag>{kindLabel(item.kind)}</Tag>
        <Tag>{catLabel(item.category)}</Tag>
        {extra}
      </View>
      <Text className="matter-row-text">{excerpt(item.text)}</Text>
      <View className="matter-row-foot">
        <Text className="muted">
          {showAuthor ? `${item.authorName} · ` : ''}
          {formatDayTime(item.createdAt)}
        </Text>
        <Text className="matter-row-go">查看 ›</Text>
      </View>
    </View>
  );
}

/** A stored photo (downloaded with the session's token), large tap to preview. */
export function StoredPhoto({ mediaId }: { mediaId: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    mediaSrc(mediaId)
      .then((s) => live && setSrc(s))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [mediaId]);
  if (failed) {
    return (
      <View className="photo photo-missing">
        <Text>图片打不开</Text>
      </View>
    );
  }
  if (!src) {
    return (
      <View className="photo photo-missing">
        <Text>加载中</Text>
      </View>
    );
  }
  return (
    <Image
      className="photo"
      src={src}
      mode="aspectFill"
      onClick={() => void Taro.previewImage({ current: src, urls: [src] }).catch(() => undefined)}
    />
  );
}

export { PAGES, go };

/**
 * Notices (通知公告) as rows: 置顶, who it is for (全村 / 第一网格 / 全体村民代表), 未读, when and
 * by whom; cadres and supervisors also see how many have read it. Used by 首页 and the cadre's list.
 */
import { Text, View } from '@tarojs/components';
import { type PropsWithChildren, useEffect, useState } from 'react';
import { api } from '../api';
import type { TNotice } from '../api/types';
import { useElder } from '../lib/elder';
import { cx, formatDayTime } from '../lib/format';
import { PAGES, go } from '../lib/nav';
import { badgeText, unreadWords, useUnread } from '../lib/unread';
import { useLoad } from '../lib/use-load';
import { Btn, Card, ErrorNote, LinkRow, Loading, Tag } from './ui';

export function readCountWords(n: Pick<TNotice, 'readCount' | 'audienceCount'>): string | null {
  if (n.readCount === null) return null;
  return `已读 ${n.readCount} / 共 ${n.audienceCount ?? 0} 人`;
}

/** "未读" with a dot: the dot alone would be a sign without words. */
export function UnreadMark() {
  return (
    <Text className="unread-mark">
      <Text className="unread-dot" />
      未读
    </Text>
  );
}

export function openNotice(n: Pick<TNotice, 'id' | 'villageId'>): void {
  go(PAGES.notice, { villageId: n.villageId, id: n.id });
}

export function NoticeRow({
  notice,
  onOpen,
  hideUnread,
}: {
  notice: TNotice;
  onOpen?: (n: TNotice) => void;
  /** The cadre's list: whether the cadre opened it says nothing there; the read count does. */
  hideUnread?: boolean;
}) {
  const counts = readCountWords(notice);
  const unread = !notice.read && !hideUnread;
  return (
    <View
      className={cx('notice-row', unread && 'notice-row-unread')}
      hoverClass="link-row-hover"
      onClick={() => (onOpen ?? openNotice)(notice)}
      data-testid={`notice-${notice.id}`}
    >
      <View className="notice-row-tags">
        {notice.pinned ? <Tag tone="warn">置顶</Tag> : null}
        <Tag tone="primary">{notice.audienceLabel}</Tag>
        {unread ? <UnreadMark /> : null}
      </View>
      <Text className="notice-row-title">{notice.title}</Text>
      {counts ? (
        <Text className="notice-row-count" data-testid={`read-count-${notice.id}`}>
          {counts}
        </Text>
      ) : null}
      <View className="notice-row-foot">
        <Text className="muted">
          {formatDayTime(notice.publishedAt)} · {notice.publisherName}
        </Text>
        <Text className="notice-row-go">查看 ›</Text>
      </View>
    </View>
  );
}

/**
 * The notices block on 首页: pinned first, then newest (the server's order). A few at first
 * (fewer in elder mode), the rest behind one button. `shown` reloads it when the page shows again.
 */
export function NoticesBlock({
  villageId,
  villageName,
  shown = 0,
}: {
  villageId: string;
  /** Named in the title when the user belongs to several villages. */
  villageName?: string;
  shown?: number;
}) {
  const elder = useElder();
  const [all, setAll] = useState(false);
  const { data, error, loading, reload } = useLoad(() => api.notices.list(villageId), villageId);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `shown` is the reload trigger
  useEffect(() => {
    if (shown > 0) reload();
  }, [shown]);

  const title = villageName ? `${villageName} 通知公告` : '通知公告';
  const items = data?.items ?? [];
  const first = elder.on ? 3 : 5;
  const visible = all ? items : items.slice(0, first);
  const unread = items.filter((n) => !n.read).length;

  return (
    <Card
      title={title}
      extra={unread ? <Tag tone="danger">{`${unread} 条未读`}</Tag> : null}
      className="notices-block"
    >
      {loading && !data ? <Loading /> : null}
      {error && !data ? <ErrorNote error={error} onRetry={reload} /> : null}
      {data && items.length === 0 ? <Text className="muted">现在没有通知。</Text> : null}
      <View data-testid="notices-block">
        {visible.map((n) => (
          <NoticeRow key={n.id} notice={n} />
        ))}
      </View>
      {items.length > visible.length ? (
        <View className="actions">
          <Btn kind="secondary" small onClick={() => setAll(true)} testId="notices-more">
            {`查看全部 ${items.length} 条通知`}
          </Btn>
        </View>
      ) : null}
    </Card>
  );
}

/** The 消息 entry on 首页 and 我的, with the unread count in words. */
export function InboxEntry({ children }: PropsWithChildren) {
  const unread = useUnread();
  return (
    <Card className="inbox-entry">
      <LinkRow
        label={
          <Text>
            消息
            {unread ? <Text className="count-badge">{badgeText(unread)}</Text> : null}
          </Text>
        }
        value={unreadWords(unread) || '查看'}
        onClick={() => go(PAGES.inbox)}
        testId="inbox-entry"
      />
      {children}
    </Card>
  );
}

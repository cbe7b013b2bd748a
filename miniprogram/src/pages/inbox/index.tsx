/**
 * 消息 (the inbox): what concerns me, newest first, unread marked. Each entry opens its object:
 * a notice opens the notice page, a matter its page, a booking notice 我的预约; kinds whose pages
 * are not built yet say 即将开放.
 */
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { errorMessage } from '../../api/client';
import type { NotifyKind, TInboxEntry } from '../../api/types';
import { Gate } from '../../components/gate';
import { UnreadMark } from '../../components/notices';
import { Btn, Card, Empty, ErrorNote, LinkRow, Loading, PageTitle, Screen, Tag } from '../../components/ui';
import { cx, formatDayTime } from '../../lib/format';
import { PAGES, go } from '../../lib/nav';
import { setUnread } from '../../lib/unread';

export const INBOX_PAGE_SIZE = 30;

/** A short word per kind, shown as a tag on each entry. */
export const KIND_TAGS: Record<NotifyKind, string> = {
  notice_published: '通知',
  matter_moved: '我的事项',
  vote_opened: '投票',
  vote_closing: '投票',
  result_out: '结果',
  booking_near: '办事提醒',
  disclosure_published: '村务公开',
  disclosure_reminder: '公开待办',
  petition_reached: '联名',
  petition_overdue: '联名',
  booking_day_before: '办事提醒',
  booking_cancelled: '预约取消',
  waitlist_offered: '排队',
  booking_rescheduled: '预约改时间',
  comment_hidden: '议事',
  service_changed: '办事提醒',
};

/** Entries about a booking, a cancelled slot or a waitlist place open 我的预约. */
const BOOKING_OBJECTS: ReadonlySet<string> = new Set([
  'service_booking',
  'service_slot',
  'service_waitlist',
  'service',
]);

/** Where an entry leads, by what it is about (notices and matters open above, marking them read). */
function targetOf(e: TInboxEntry): { path: string; params?: Record<string, string> } | null {
  const villageId = e.villageId;
  if (BOOKING_OBJECTS.has(e.objectType) && villageId)
    return { path: PAGES.myBookings, params: { villageId } };
  if (e.objectType === 'proposal' && villageId) {
    return { path: PAGES.councilProposal, params: { villageId, id: e.objectId } };
  }
  if (e.objectType === 'vote' && villageId)
    return { path: PAGES.councilVote, params: { villageId, id: e.objectId } };
  // Published: the public board. Otherwise a draft waiting for the reader (cadre or supervisor).
  if (e.objectType === 'disclosure') {
    return e.kind === 'disclosure_published'
      ? { path: PAGES.disclosure }
      : { path: PAGES.disclosureReview, params: { id: e.objectId } };
  }
  if (e.objectType === 'disclosure_period') return { path: PAGES.disclosureAdmin };
  return null;
}

export default function InboxPage() {
  const [shown, setShown] = useState(0);
  // Back from a notice: that entry is read now.
  useDidShow(() => setShown((n) => n + 1));
  return (
    <Screen>
      <Gate>{() => <Inbox shown={shown} />}</Gate>
    </Screen>
  );
}

export function Inbox({ shown = 1 }: { shown?: number }) {
  const [items, setItems] = useState<TInboxEntry[] | null>(null);
  const [unread, setUnreadHere] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [hasMore, setHasMore] = useState(false);
  const [busy, setBusy] = useState<'all' | 'more' | null>(null);

  const showUnread = (n: number) => {
    setUnreadHere(n);
    setUnread(n);
  };

  const load = async () => {
    setError(null);
    try {
      const r = await api.inbox.list(undefined, INBOX_PAGE_SIZE);
      setItems(r.items);
      setHasMore(r.items.length === INBOX_PAGE_SIZE);
      showUnread(r.unread);
    } catch (e) {
      setError(e);
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: `shown` is the reload trigger
  useEffect(() => {
    if (shown > 0) void load();
  }, [shown]);

  const loadMore = async () => {
    const last = items?.[items.length - 1];
    if (!last) return;
    setBusy('more');
    try {
      const r = await api.inbox.list(last.createdAt, INBOX_PAGE_SIZE);
      setItems((prev) => [...(prev ?? []), ...r.items.filter((e) => !prev?.some((p) => p.id === e.id))]);
      setHasMore(r.items.length === INBOX_PAGE_SIZE);
      showUnread(r.unread);
    } catch (e) {
      void Taro.showToast({ title: errorMessage(e), icon: 'none' });
    } finally {
      setBusy(null);
    }
  };

  const readAll = async () => {
    setBusy('all');
    try {
      const r = await api.inbox.readAll();
      setItems((prev) => prev?.map((e) => ({ ...e, read: true })) ?? prev);
      showUnread(r.unread);
      void Taro.showToast({ title: '已全部标为已读', icon: 'none' });
    } catch (e) {
      void Taro.showToast({ title: errorMessage(e), icon: 'none' });
    } finally {
      setBusy(null);
    }
  };

  const markLocal = (id: string) => {
    const entry = items?.find((e) => e.id === id);
    if (!entry || entry.read) return;
    setItems((prev) => prev?.map((e) => (e.id === id ? { ...e, read: true } : e)) ?? prev);
    showUnread(Math.max(0, unread - 1));
  };

  const open = (entry: TInboxEntry) => {
    if (entry.objectType === 'notice' && entry.villageId) {
      // Opening the notice marks it read on the server; the list reloads when we come back.
      markLocal(entry.id);
      go(PAGES.notice, { villageId: entry.villageId, id: entry.objectId });
      return;
    }
    if (entry.objectType === 'matter' && entry.villageId) {
      if (!entry.read) {
        markLocal(entry.id);
        api.inbox
          .read(entry.id)
          .then((r) => showUnread(r.unread))
          .catch(() => undefined);
      }
      go(PAGES.matter, { villageId: entry.villageId, id: entry.objectId });
      return;
    }
    if (!entry.read) {
      markLocal(entry.id);
      api.inbox
        .read(entry.id)
        .then((r) => showUnread(r.unread))
        .catch(() => undefined);
    }
    const target = targetOf(entry);
    if (target) {
      go(target.path, target.params);
      return;
    }
    void Taro.showModal({
      title: '即将开放',
      content: '这项功能还在准备中，开放后点这里就能查看。',
      showCancel: false,
      confirmText: '知道了',
    });
  };

  if (error && !items) return <ErrorNote error={error as Error} onRetry={() => void load()} />;
  if (!items) return <Loading />;

  return (
    <View>
      <PageTitle sub={unread > 0 ? `${unread} 条未读` : '都已读过'}>消息</PageTitle>
      {unread > 0 ? (
        <View className="actions page-action">
          <Btn onClick={() => void readAll()} busy={busy === 'all'} testId="read-all">
            全部标为已读
          </Btn>
        </View>
      ) : null}

      {items.length === 0 ? (
        <Empty>还没有消息。村里发通知、您的事有进展时，会在这里告诉您。</Empty>
      ) : (
        <Card>
          {items.map((e) => (
            <View
              key={e.id}
              className={cx('inbox-row', !e.read && 'inbox-row-unread')}
              hoverClass="link-row-hover"
              onClick={() => open(e)}
              data-testid={`inbox-${e.id}`}
            >
              <View className="notice-row-tags">
                <Tag tone="primary">{KIND_TAGS[e.kind] ?? '消息'}</Tag>
                {e.read ? null : <UnreadMark />}
              </View>
              <Text className="notice-row-title">{e.title}</Text>
              {e.summary ? <Text className="inbox-summary">{e.summary}</Text> : null}
              <View className="notice-row-foot">
                <Text className="muted">{formatDayTime(e.createdAt)}</Text>
                <Text className="notice-row-go">查看 ›</Text>
              </View>
            </View>
          ))}
        </Card>
      )}

      {hasMore ? (
        <View className="actions">
          <Btn kind="secondary" onClick={() => void loadMore()} busy={busy === 'more'} testId="inbox-more">
            更早的消息
          </Btn>
        </View>
      ) : null}

      <Card>
        <LinkRow label="消息提醒设置" value="去设置" onClick={() => go(PAGES.notifySettings)} />
      </Card>
    </View>
  );
}

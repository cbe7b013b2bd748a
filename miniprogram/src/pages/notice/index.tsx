/**
 * One notice (通知), opened from 首页, 消息 or a WeChat subscribe message
 * (/pages/notice/index?villageId=…&id=…). Opening it records the read on the server.
 */
import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect } from 'react';
import { api } from '../../api';
import { isApiError } from '../../api/client';
import { Gate } from '../../components/gate';
import { readCountWords } from '../../components/notices';
import { ReadAloud } from '../../components/read-aloud';
import { Btn, Card, ErrorNote, Loading, Screen, Tag } from '../../components/ui';
import { formatDayTime } from '../../lib/format';
import { PAGES, restartAt } from '../../lib/nav';
import { refreshUnread } from '../../lib/unread';
import { useLoad } from '../../lib/use-load';

export default function NoticePage() {
  const { villageId = '', id = '' } = useRouter().params;
  return (
    <Screen>
      <Gate>{() => <NoticeView villageId={villageId} noticeId={id} />}</Gate>
    </Screen>
  );
}

/** Opened from a WeChat message there is no page to go back to: offer 首页. */
function BackHome() {
  if (Taro.getCurrentPages().length > 1) return null;
  return (
    <View className="actions">
      <Btn kind="secondary" onClick={() => restartAt(PAGES.home)}>
        回到首页
      </Btn>
    </View>
  );
}

export function NoticeView({ villageId, noticeId }: { villageId: string; noticeId: string }) {
  const { data, error, loading, reload } = useLoad(
    () => api.notices.open(villageId, noticeId),
    `${villageId}/${noticeId}`,
  );

  // The server has marked it read and cleared its inbox entry: the badge goes down now.
  useEffect(() => {
    if (data) void refreshUnread();
  }, [data]);

  if (!villageId || !noticeId || (error && isApiError(error) && error.status === 404)) {
    return (
      <View>
        <Card title="找不到这条通知">
          <Text className="muted">可能已经撤回，或者不是发给您的。</Text>
        </Card>
        <BackHome />
      </View>
    );
  }
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (loading || !data) return <Loading />;

  const counts = readCountWords(data);
  return (
    <View className="notice" data-testid="notice-page">
      <View className="notice-tags">
        {data.pinned ? <Tag tone="warn">置顶</Tag> : null}
        <Tag tone="primary">{`发给：${data.audienceLabel}`}</Tag>
      </View>
      <Text className="notice-title">{data.title}</Text>
      <Text className="notice-meta">
        {data.publisherName} · {formatDayTime(data.publishedAt)}
      </Text>
      {counts ? (
        <View className="notice-reads">
          <Text data-testid="notice-read-count">{counts}</Text>
        </View>
      ) : null}
      <View className="card notice-body-card">
        <ReadAloud title={data.title} text={data.body} />
      </View>
      {data.expiresAt ? <Text className="muted">有效期到 {formatDayTime(data.expiresAt)}</Text> : null}
      <BackHome />
    </View>
  );
}

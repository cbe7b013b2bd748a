/**
 * 内容审核 (cadres; supervisors for content about cadres): what villagers wrote that WeChat's check
 * held back or could not check. Each item: who wrote it, why it is held, the text or picture, and
 * two answers — 可以公开 or 不能公开 (the latter confirmed first). The server records each decision.
 */
import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { baseTargetType } from '@shared/content/rules';
import { api } from '../../../api';
import { errorMessage, isApiError } from '../../../api/client';
import type { TContentReview } from '../../../api/types';
import { Btn, Card, Empty, ErrorNote, Loading, PageTitle, Tag } from '../../../components/ui';
import { formatDayTime } from '../../../lib/format';
import { useLoad } from '../../../lib/use-load';
import { ManagePage, type ManagedVillage } from '../common';

/** What the held content belongs to, in words. */
export const TARGET_WORDS: Record<string, string> = {
  matter: '反映的事',
  comment: '评论',
  petition: '联名提议',
  profile: '个人资料',
};

export function targetWords(targetType: string): string {
  return TARGET_WORDS[baseTargetType(targetType)] ?? '内容';
}

export default function ContentReviewsPage() {
  return <ManagePage roles={['cadre', 'supervisor']}>{(v) => <ContentReviews village={v} />}</ManagePage>;
}

export function ContentReviews({ village }: { village: ManagedVillage }) {
  const { data, error, loading, reload, setData } = useLoad(
    () => api.contentReviews.list(village.villageId),
    village.villageId,
  );
  const [busy, setBusy] = useState<string | null>(null);

  const decide = async (item: TContentReview, decision: 'pass' | 'reject') => {
    if (decision === 'reject') {
      const ok = await Taro.showModal({
        title: '确定不公开吗？',
        content: '不公开后，除了写的人，别人都看不到。',
        confirmText: '不公开',
        cancelText: '再看看',
      });
      if (!ok.confirm) return;
    }
    setBusy(item.id);
    try {
      await api.contentReviews.decide(village.villageId, item.id, { decision });
      setData((d) => (d ? { items: d.items.filter((x) => x.id !== item.id) } : d));
      void Taro.showToast({ title: decision === 'pass' ? '已公开' : '已设为不公开', icon: 'none' });
    } catch (e) {
      void Taro.showToast({ title: errorMessage(e), icon: 'none' });
      // Someone else decided it already: show the queue as it is now.
      if (isApiError(e) && (e.status === 409 || e.status === 404)) reload();
    } finally {
      setBusy(null);
    }
  };

  return (
    <View>
      <PageTitle sub={village.villageName}>内容审核</PageTitle>
      <Text className="muted page-lead">下面是村民写的内容，微信没能确定能不能公开。请看一看，再决定。</Text>
      {loading && !data ? <Loading /> : null}
      <ErrorNote error={error} onRetry={reload} />
      {data && data.items.length === 0 ? <Empty>现在没有要审核的内容。</Empty> : null}
      {data?.items.map((item) => (
        <Card key={item.id} title={targetWords(item.targetType)} extra={<Tag tone="warn">{item.reason}</Tag>}>
          <View data-testid={`review-${item.id}`}>
            <Text className="muted">
              {item.authorName} · {formatDayTime(item.createdAt)}
            </Text>
            {item.reviewerRole === 'supervisor' ? <Tag tone="primary">涉及村干部，由监委会审核</Tag> : null}
            {item.mediaType === 'image' && item.mediaUrl ? (
              <Image className="review-image" src={item.mediaUrl} mode="widthFix" />
            ) : (
              <Text className="review-text">{item.text ?? ''}</Text>
            )}
            <View className="actions-row">
              <Btn
                onClick={() => void decide(item, 'pass')}
                busy={busy === item.id}
                disabled={busy !== null && busy !== item.id}
                testId={`pass-${item.id}`}
              >
                可以公开
              </Btn>
              <Btn
                kind="danger"
                onClick={() => void decide(item, 'reject')}
                disabled={busy !== null}
                testId={`reject-${item.id}`}
              >
                不能公开
              </Btn>
            </View>
          </View>
        </Card>
      ))}
    </View>
  );
}

/**
 * The village's notices for cadres and supervisors: every notice with how many have read it.
 * Cadres publish from here (one main action: 发布通知).
 */
import { Text, View } from '@tarojs/components';
import { useDidShow, useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { api } from '../../../api';
import { NoticeRow } from '../../../components/notices';
import { Btn, Card, Empty, ErrorNote, Loading, Note, PageTitle } from '../../../components/ui';
import { PAGES, go } from '../../../lib/nav';
import { villagesOf } from '../../../lib/roles';
import { useLoad } from '../../../lib/use-load';
import { ManagePage, type ManagedVillage } from '../common';

export default function ManageNoticesPage() {
  const [shown, setShown] = useState(0);
  // Back from a notice or from publishing: counts have moved.
  useDidShow(() => setShown((n) => n + 1));
  const { published } = useRouter().params;
  return (
    <ManagePage roles={['cadre', 'supervisor']}>
      {(v, me) => (
        <VillageNotices
          village={v}
          canPublish={villagesOf(me).some((x) => x.villageId === v.villageId && x.roles.includes('cadre'))}
          shown={shown}
          published={published}
        />
      )}
    </ManagePage>
  );
}

export function VillageNotices({
  village,
  canPublish,
  shown = 0,
  published,
}: {
  village: ManagedVillage;
  canPublish: boolean;
  shown?: number;
  /** Recipients of the notice just published (set by the publish page). */
  published?: string;
}) {
  const { data, error, loading, reload } = useLoad(
    () => api.notices.list(village.villageId),
    village.villageId,
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shown` is the reload trigger
  useEffect(() => {
    if (shown > 1) reload();
  }, [shown]);

  return (
    <View>
      <PageTitle sub={village.villageName}>通知公告</PageTitle>
      {published !== undefined ? <Note tone="success">{`已发布，已发给 ${published} 人。`}</Note> : null}
      {canPublish ? (
        <View className="page-action">
          <Btn
            onClick={() =>
              go(PAGES.publishNotice, { villageId: village.villageId, villageName: village.villageName })
            }
            testId="go-publish"
          >
            发布通知
          </Btn>
        </View>
      ) : null}
      {loading && !data ? <Loading /> : null}
      <ErrorNote error={error} onRetry={reload} />
      {data && data.items.length === 0 ? <Empty>还没有发过通知。</Empty> : null}
      {data && data.items.length > 0 ? (
        <Card title={`共 ${data.items.length} 条`}>
          <View data-testid="manage-notices">
            {data.items.map((n) => (
              <NoticeRow key={n.id} notice={n} hideUnread />
            ))}
          </View>
          <Text className="muted">已读：收到通知的人里，打开看过的人数。</Text>
        </Card>
      ) : null}
    </View>
  );
}

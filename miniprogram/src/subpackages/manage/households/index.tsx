import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { api } from '../../../api';
import { Card, Empty, ErrorNote, Loading, PageTitle } from '../../../components/ui';
import { cx } from '../../../lib/format';
import { useLoad } from '../../../lib/use-load';
import { ManagePage, type ManagedVillage } from '../common';

export default function HouseholdsPage() {
  return <ManagePage roles={['cadre']}>{(v) => <HouseholdsAndGrids village={v} />}</ManagePage>;
}

function HouseholdsAndGrids({ village }: { village: ManagedVillage }) {
  const [tab, setTab] = useState<'households' | 'grids'>('households');
  return (
    <View>
      <PageTitle sub={village.villageName}>户和网格</PageTitle>
      <View className="segments">
        <View
          className={cx('segment', tab === 'households' && 'segment-on')}
          onClick={() => setTab('households')}
        >
          <Text>户</Text>
        </View>
        <View className={cx('segment', tab === 'grids' && 'segment-on')} onClick={() => setTab('grids')}>
          <Text>网格</Text>
        </View>
      </View>
      {tab === 'households' ? (
        <Households villageId={village.villageId} />
      ) : (
        <Grids villageId={village.villageId} />
      )}
    </View>
  );
}

function Households({ villageId }: { villageId: string }) {
  const { data, error, loading, reload } = useLoad(() => api.villages.households(villageId), villageId);
  if (loading && !data) return <Loading />;
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (!data || data.items.length === 0) return <Empty>还没有户。可以先导入花名册。</Empty>;
  return (
    <Card title={`共 ${data.items.length} 户`}>
      {data.items.map((h) => (
        <View key={h.id} className="list-item">
          <Text className="list-item-title">
            户号 {h.number}
            {h.headName ? ` · ${h.headName}` : ''}
          </Text>
          <Text className="muted">
            {h.memberCount} 人 · {h.gridName ?? '未分网格'}
            {h.address ? ` · ${h.address}` : ''}
          </Text>
        </View>
      ))}
    </Card>
  );
}

function Grids({ villageId }: { villageId: string }) {
  const { data, error, loading, reload } = useLoad(() => api.villages.grids(villageId), villageId);
  if (loading && !data) return <Loading />;
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (!data || data.items.length === 0) return <Empty>还没有网格。</Empty>;
  return (
    <Card title={`共 ${data.items.length} 个网格`}>
      {data.items.map((g) => (
        <View key={g.id} className="list-item">
          <Text className="list-item-title">{g.name}</Text>
          <Text className="muted">
            网格员：{g.workerName ?? '还没有'} · {g.householdCount} 户
          </Text>
        </View>
      ))}
    </Card>
  );
}

import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { api } from '../../../api';
import type { TAuditItem } from '../../../api/types';
import { Btn, Card, Empty, ErrorNote, Loading, PageTitle } from '../../../components/ui';
import { formatTime } from '../../../lib/format';
import { useLoad } from '../../../lib/use-load';
import { ManagePage, type ManagedVillage } from '../common';

/** Plain words for the actions the API records; anything else is shown as recorded. */
const ACTION_LABELS: Record<string, string> = {
  'join.request': '申请入村',
  'join.approve': '同意入村',
  'join.auto_approve': '入村自动通过',
  'join.reject': '不同意入村',
  'roster.import': '导入花名册',
  'role.assign': '设置身份',
  'role.revoke': '取消身份',
  'household.create': '新增户',
  'household.update': '修改户',
  'grid.create': '新增网格',
  'grid.update': '修改网格',
  'me.update': '修改个人设置',
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? ACTION_LABELS[action.replace(/[_-]/g, '.')] ?? action;
}

export default function AuditPage() {
  return <ManagePage roles={['supervisor']}>{(v) => <AuditLog village={v} />}</ManagePage>;
}

function AuditLog({ village }: { village: ManagedVillage }) {
  const first = useLoad(() => api.villages.audit(village.villageId), village.villageId);
  const [more, setMore] = useState<TAuditItem[]>([]);
  const [end, setEnd] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const items = [...(first.data?.items ?? []), ...more];

  const loadMore = async () => {
    const last = items[items.length - 1];
    if (!last) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.villages.audit(village.villageId, last.id);
      setMore((m) => [...m, ...r.items]);
      if (r.items.length === 0) setEnd(true);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <View>
      <PageTitle sub={`${village.villageName} · 谁在什么时候做了什么`}>操作记录</PageTitle>
      {first.loading && !first.data ? <Loading /> : null}
      <ErrorNote error={first.error} onRetry={first.reload} />
      {first.data && items.length === 0 ? <Empty>还没有记录。</Empty> : null}
      {items.length ? (
        <Card>
          {items.map((a) => (
            <View key={a.id} className="list-item">
              <Text className="list-item-title">{actionLabel(a.action)}</Text>
              <Text className="muted">
                {formatTime(a.at)} · {a.actorName ?? '系统'}
              </Text>
              <Text className="muted">
                对象：{a.targetType}
                {a.targetId ? ` ${a.targetId.slice(0, 8)}` : ''} · 编号 {a.requestId.slice(0, 12)}
              </Text>
            </View>
          ))}
        </Card>
      ) : null}
      <ErrorNote error={error} />
      {items.length >= 50 && !end ? (
        <Btn kind="secondary" onClick={() => void loadMore()} busy={busy}>
          看更早的记录
        </Btn>
      ) : null}
    </View>
  );
}

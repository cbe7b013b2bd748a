import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { api } from '../../../api';
import type { TAuditItem } from '../../../api/types';
import { Btn, Card, Empty, ErrorNote, Loading, PageTitle } from '../../../components/ui';
import { formatTime } from '../../../lib/format';
import { useLoad } from '../../../lib/use-load';
import { ManagePage, type ManagedVillage } from '../common';

/** Plain words for the actions the API records (api/_villages, api/_auth…); others are shown as recorded. */
const ACTION_LABELS: Record<string, string> = {
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'village.join.requested': '申请入村',
  'village.join.auto_approved': '入村（花名册核对通过）',
  'village.join.approved': '同意入村',
  'village.join.rejected': '不同意入村',
  'roster.import': '导入花名册',
  'member.role.assign': '设置身份',
  'member.role.remove': '取消身份',
  'household.create': '新增户',
  'household.update': '修改户',
  'grid.create': '新增网格',
  'grid.update': '修改网格',
  'notice.publish': '发布通知',
  'user.update': '修改个人资料',
};

const TARGET_LABELS: Record<string, string> = {
  join_request: '入村申请',
  village: '村',
  household: '户',
  grid: '网格',
  user: '用户',
  membership: '身份',
  notice: '通知',
};

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

export function targetLabel(targetType: string): string {
  return TARGET_LABELS[targetType] ?? targetType;
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
                对象：{targetLabel(a.targetType)} · 编号 {a.requestId.slice(0, 8)}
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

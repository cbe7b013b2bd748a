import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { api } from '../../../api';
import type { TJoinRequestItem } from '../../../api/types';
import { Btn, Card, Empty, ErrorNote, Field, Loading, PageTitle, Tag } from '../../../components/ui';
import { formatTime } from '../../../lib/format';
import { useLoad } from '../../../lib/use-load';
import { ManagePage, type ManagedVillage } from '../common';

const QUICK_REASONS = ['不是本村村民', '姓名或手机号不对', '重复申请'];

export default function JoinRequestsPage() {
  return <ManagePage roles={['cadre']}>{(v) => <JoinRequests village={v} />}</ManagePage>;
}

function JoinRequests({ village }: { village: ManagedVillage }) {
  const { data, error, loading, reload, setData } = useLoad(
    () => api.villages.joinRequests(village.villageId, 'pending'),
    village.villageId,
  );
  const remove = (id: string) => setData((d) => (d ? { items: d.items.filter((i) => i.id !== id) } : d));

  return (
    <View>
      <PageTitle sub={village.villageName}>入村申请</PageTitle>
      {loading && !data ? <Loading /> : null}
      <ErrorNote error={error} onRetry={reload} />
      {data && data.items.length === 0 ? <Empty>没有要审核的申请。</Empty> : null}
      {data?.items.map((item) => (
        <RequestCard key={item.id} villageId={village.villageId} item={item} onDone={() => remove(item.id)} />
      ))}
    </View>
  );
}

function RequestCard({
  villageId,
  item,
  onDone,
}: {
  villageId: string;
  item: TJoinRequestItem;
  onDone: () => void;
}) {
  const [busy, setBusy] = useState<'approve' | 'reject' | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);

  const approve = async () => {
    setBusy('approve');
    setError(null);
    try {
      await api.villages.approveJoin(villageId, item.id);
      void Taro.showToast({ title: '已同意', icon: 'success' });
      onDone();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(null);
    }
  };

  const reject = async () => {
    const r = reason.trim();
    if (!r) {
      setReasonError('请写上不同意的原因，申请人能看到');
      return;
    }
    setBusy('reject');
    setError(null);
    try {
      await api.villages.rejectJoin(villageId, item.id, r);
      void Taro.showToast({ title: '已处理', icon: 'success' });
      onDone();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card
      title={item.name}
      extra={
        item.matchedResident ? <Tag tone="success">花名册上有</Tag> : <Tag tone="warn">花名册上没有</Tag>
      }
    >
      <View className="kv">
        <Text className="kv-key">手机号</Text>
        <Text className="kv-value">{item.phoneMasked ?? '未填'}</Text>
      </View>
      <View className="kv">
        <Text className="kv-key">户号</Text>
        <Text className="kv-value">{item.householdNo ?? '未填'}</Text>
      </View>
      <View className="kv">
        <Text className="kv-key">申请时间</Text>
        <Text className="kv-value">{formatTime(item.createdAt)}</Text>
      </View>
      <ErrorNote error={error} />
      {rejecting ? (
        <View className="actions">
          <Field
            label="不同意的原因"
            name="reason"
            value={reason}
            onChange={(v) => {
              setReason(v);
              setReasonError(null);
            }}
            maxlength={200}
            error={reasonError}
          />
          <View className="choice-grid">
            {QUICK_REASONS.map((q) => (
              <View key={q} className="choice" onClick={() => setReason(q)}>
                <Text>{q}</Text>
              </View>
            ))}
          </View>
          <View className="actions-row">
            <Btn kind="danger" onClick={() => void reject()} busy={busy === 'reject'}>
              确定不同意
            </Btn>
            <Btn kind="secondary" onClick={() => setRejecting(false)} disabled={busy !== null}>
              返回
            </Btn>
          </View>
        </View>
      ) : (
        <View className="actions-row">
          <Btn onClick={() => void approve()} busy={busy === 'approve'} disabled={busy !== null}>
            同意
          </Btn>
          <Btn kind="danger" onClick={() => setRejecting(true)} disabled={busy !== null}>
            不同意
          </Btn>
        </View>
      )}
    </Card>
  );
}

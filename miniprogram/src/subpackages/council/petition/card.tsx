/** Petition progress toward the legal threshold, with the button to add one's name. */
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { api } from '../../../api';
import { errorMessage } from '../../../api/client';
import type { TPetitionView } from '../../../api/types';
import { Bar } from '../../../components/council';
import { Btn, Card, ErrorNote, Note, Tag } from '../../../components/ui';
import { formatDayTime } from '../../../lib/format';

export function PetitionCard({
  villageId,
  proposalId,
  petition: p,
  onChange,
}: {
  villageId: string;
  proposalId: string;
  petition: TPetitionView;
  onChange: (p: TPetitionView) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const back = async () => {
    setBusy(true);
    setErr(null);
    try {
      onChange(await api.councils.back(villageId, proposalId));
    } catch (e) {
      setErr(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      title="联名提议"
      extra={p.reached ? <Tag tone="success">人数够了</Tag> : <Tag tone="warn">征集中</Tag>}
    >
      <Text className="muted" style={{ display: 'block' }}>
        {p.label}
      </Text>
      <View className="tally-row" data-testid="petition-progress">
        <View className="tally-head">
          <Text>已联名</Text>
          <Text>{`${p.backers} / ${p.required} 人`}</Text>
        </View>
        <Bar value={p.backers} max={p.required} ok={p.reached} />
        <Text className="bar-caption">{`按花名册共 ${p.base} 人，至少需要 ${p.required} 人联名`}</Text>
      </View>
      {p.reached && p.deadlineAt && !p.convenedAt ? (
        <Note>{`村委会应在 ${formatDayTime(p.deadlineAt)} 前召开会议${p.escalatedAt ? '；已逾期，已报镇里' : ''}。`}</Note>
      ) : null}
      {p.convenedAt ? <Note tone="success">村委会已经安排会议。</Note> : null}
      {p.backedByMe ? <Note tone="success">您已经联名。</Note> : null}
      {p.canBack ? (
        <View className="actions">
          <Btn testId="back-petition" busy={busy} onClick={() => void back()}>
            我也联名
          </Btn>
        </View>
      ) : null}
      {err ? <ErrorNote error={err} /> : null}
    </Card>
  );
}

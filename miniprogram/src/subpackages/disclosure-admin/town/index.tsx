/**
 * 各村公开情况 — for town officers: which villages of the town have disclosure periods not
 * published by their due date (art. 30: finance monthly or quarterly, affairs and party affairs at
 * least quarterly), by kind, and how many days late each one is; the latest village first. The
 * town's id comes from the query (the home page links each of the officer's towns), else the
 * officer's first town; the server answers only for towns the officer serves.
 */
import { Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh, useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { api } from '../../../api';
import type { TTownOverdue } from '../../../api/disclosures';
import { Gate } from '../../../components/gate';
import { ReadAloud } from '../../../components/read-aloud';
import { Card, ErrorNote, Loading, Note, PageTitle, Screen, Tag } from '../../../components/ui';
import { cx } from '../../../lib/format';
import { useLoad } from '../../../lib/use-load';
import '../../../components/disclosures.scss';

type Village = TTownOverdue['villages'][number];
type Late = Village['overdue'][number];

const KINDS: Late['kind'][] = ['finance', 'affairs', 'party'];

/** "2026-09-10" → "9月10日". */
const dayWords = (date: string) => {
  const [, m, d] = date.split('-').map(Number);
  return `${m}月${d}日`;
};

export default function TownDisclosuresPage() {
  const params = useRouter().params;
  return (
    <Screen>
      <Gate>
        {(me) => {
          const towns = me.memberships.filter((m) => m.role === 'town_officer' && m.townId);
          if (towns.length === 0) {
            return (
              <>
                <PageTitle>各村公开情况</PageTitle>
                <Card title="不能查看">
                  <Text className="muted">这一页只有镇（街道）干部能看。</Text>
                </Card>
              </>
            );
          }
          const chosen = towns.find((t) => t.townId === params.townId) ?? towns[0]!;
          return (
            <TownView
              townId={chosen.townId!}
              towns={towns.map((t) => ({ id: t.townId!, name: t.townName ?? '' }))}
            />
          );
        }}
      </Gate>
    </Screen>
  );
}

export function TownView({
  townId: first,
  towns,
}: {
  townId: string;
  towns: { id: string; name: string }[];
}) {
  const [townId, setTownId] = useState(first);
  const view = useLoad(() => api.disclosures.townOverdue(townId), townId);
  usePullDownRefresh(() => {
    view.reload();
    void Taro.stopPullDownRefresh();
  });
  const data = view.data;
  const lateVillages = data?.villages.filter((v) => v.overdue.length > 0) ?? [];
  const periods = lateVillages.reduce((n, v) => n + v.overdue.length, 0);
  const summary = !data
    ? ''
    : lateVillages.length === 0
      ? `${data.townName}${data.villages.length}个村都按时公开了。`
      : `${data.townName}${data.villages.length}个村里，${lateVillages.length}个村有${periods}期公开超过期限还没公开。`;
  return (
    <View>
      <PageTitle sub={data ? `截至${dayWords(data.today)}，超期多的村排在前面` : undefined}>
        各村公开情况
      </PageTitle>
      {towns.length > 1 ? (
        <View className="seg">
          {towns.map((t) => (
            <View
              key={t.id}
              className={cx('seg-item', t.id === townId && 'seg-item-on')}
              onClick={() => setTownId(t.id)}
              data-testid={`town-${t.id}`}
            >
              <Text>{t.name || '本镇'}</Text>
            </View>
          ))}
        </View>
      ) : null}
      {view.loading && !data ? <Loading /> : null}
      <ErrorNote error={view.error} onRetry={view.reload} />
      {data ? (
        <>
          <Note tone={lateVillages.length ? 'warn' : 'success'}>{summary}</Note>
          <ReadAloud title="各村公开情况" speak={speech(data, summary)} showText={false} />
          {data.villages.map((v) => (
            <VillageCard key={v.villageId} village={v} />
          ))}
        </>
      ) : null}
    </View>
  );
}

function VillageCard({ village: v }: { village: Village }) {
  const worst = Math.max(0, ...v.overdue.map((o) => o.daysLate));
  return (
    <Card
      title={v.villageName}
      extra={
        v.overdue.length ? (
          <Tag tone="warn">超期{v.overdue.length}期</Tag>
        ) : (
          <Tag tone="success">按时公开</Tag>
        )
      }
    >
      <View data-testid={`town-village-${v.villageId}`}>
        {v.overdue.length === 0 ? (
          <Text className="muted">该公开的都按时公开了。</Text>
        ) : (
          <>
            <Text className="muted">最久的已经超期 {worst} 天，镇里可以督促村里尽快公开。</Text>
            {KINDS.map((kind) => {
              const rows = v.overdue.filter((o) => o.kind === kind);
              if (rows.length === 0) return null;
              return (
                <View key={kind} className="late-kind" data-testid={`late-${v.villageId}-${kind}`}>
                  <Text className="late-kind-title">
                    {rows[0]!.kindLabel}（{rows.length}期）
                  </Text>
                  {rows.map((o) => (
                    <View key={o.period} className="late-row">
                      <View className="late-main">
                        <Text className="late-period">{o.periodLabel}</Text>
                        <Text className={cx('late-days', o.daysLate >= 30 && 'late-days-long')}>
                          超期 {o.daysLate} 天
                        </Text>
                      </View>
                      <Text className="muted">应在 {dayWords(o.due)} 前公开</Text>
                    </View>
                  ))}
                </View>
              );
            })}
          </>
        )}
      </View>
    </Card>
  );
}

/** What 朗读 says: the summary, then each late village's periods in words. */
function speech(data: TTownOverdue, summary: string): string {
  const parts = [summary];
  for (const v of data.villages) {
    if (v.overdue.length === 0) continue;
    const items = v.overdue.map((o) => `${o.periodLabel}${o.kindLabel}超期${o.daysLate}天`).join('，');
    parts.push(`${v.villageName}：${items}。`);
  }
  return parts.join('');
}

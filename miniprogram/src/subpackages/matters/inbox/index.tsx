/**
 * 待办事项 — the responder's inbox (grid workers, cadres, supervisors): the open matters they hold,
 * overdue first (GET /villages/:id/matters/inbox); filters by step, kind and 超期; "再看20条" (or
 * reaching the bottom) loads the next keyset page, so a busy village never loads everything.
 */
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import { MATTER_KINDS, type MatterKind } from '@shared/matters/kinds';
import type { MatterState } from '@shared/matters/workflow';
import type { ApiError } from '../../../api/client';
import { Gate } from '../../../components/gate';
import { Btn, Card, Empty, ErrorNote, Loading, PageTitle, Screen, Tag } from '../../../components/ui';
import { cx, formatDayTime } from '../../../lib/format';
import type { VillageView } from '../../../lib/roles';
import { type TMatterListItem, mattersApi } from '../api';
import { MatterPage, MatterRow, kindLabel } from '../common';
import '../matters.scss';

/** The steps a responder filters by, in words. */
export const STEP_FILTERS: { state: MatterState | null; label: string }[] = [
  { state: null, label: '全部' },
  { state: 'submitted', label: '待受理' },
  { state: 'accepted', label: '待安排' },
  { state: 'in_progress', label: '办理中' },
  { state: 'mediating', label: '调解中' },
  { state: 'resolved', label: '待回访' },
  { state: 'reopened', label: '重新办理' },
  { state: 'appealed', label: '申诉' },
];

export type InboxFilters = { state: MatterState | null; kind: MatterKind | null; overdue: boolean };

export default function InboxPage() {
  const router = useRouter();
  const townId = router.params.townId;
  if (townId) {
    // A town officer's inbox across the town's villages (the server checks the town is theirs).
    return (
      <Screen className="matters">
        <Gate>
          {() => (
            <ResponderInbox
              village={null}
              town={{ townId, townName: router.params.townName ?? '镇（街道）' }}
            />
          )}
        </Gate>
      </Screen>
    );
  }
  return <MatterPage>{(v) => <ResponderInbox village={v} />}</MatterPage>;
}

export function ResponderInbox({
  village,
  town,
}: {
  village: VillageView | null;
  town?: { townId: string; townName: string };
}) {
  const [filters, setFilters] = useState<InboxFilters>({ state: null, kind: null, overdue: false });
  const [items, setItems] = useState<TMatterListItem[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  const villageId = village?.villageId ?? null;
  const townId = town?.townId ?? null;
  const load = useCallback(
    async (cursor: string | null) => {
      const n = ++seq.current;
      setLoading(true);
      setError(null);
      try {
        const page = townId
          ? await mattersApi.townInbox(townId, { ...filters, cursor })
          : await mattersApi.inbox(villageId!, { ...filters, cursor });
        if (n !== seq.current) return;
        setItems((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
        setNext(page.nextCursor);
      } catch (e) {
        if (n === seq.current) setError(e as Error);
      } finally {
        if (n === seq.current) setLoading(false);
      }
    },
    [villageId, townId, filters],
  );

  useEffect(() => {
    void load(null);
  }, [load]);
  // Coming back from a matter (accepted, resolved) shows the inbox as it is now.
  const firstShow = useRef(true);
  useDidShow(() => {
    if (firstShow.current) firstShow.current = false;
    else void load(null);
  });
  usePullDownRefresh(() => {
    void load(null).finally(() => void Taro.stopPullDownRefresh());
  });
  useReachBottom(() => {
    if (next && !loading) void load(next);
  });

  const set = (patch: Partial<InboxFilters>) => setFilters((f) => ({ ...f, ...patch }));

  return (
    <View data-testid="responder-inbox">
      <PageTitle sub={`${town ? town.townName : village!.villageName} · 超期的排在最前`}>
        {town ? '转到镇里的事项' : '待办事项'}
      </PageTitle>
      <Card>
        <View className="filter-row">
          {STEP_FILTERS.map((s) => (
            <View
              key={s.label}
              className={cx('chip', filters.state === s.state && 'chip-on')}
              onClick={() => set({ state: s.state })}
              data-testid={`step-${s.state ?? 'all'}`}
            >
              <Text>{s.label}</Text>
            </View>
          ))}
        </View>
        <View className="filter-row">
          <View className={cx('chip', !filters.kind && 'chip-on')} onClick={() => set({ kind: null })}>
            <Text>全部类型</Text>
          </View>
          {MATTER_KINDS.map((k) => (
            <View
              key={k}
              className={cx('chip', filters.kind === k && 'chip-on')}
              onClick={() => set({ kind: k })}
              data-testid={`kind-filter-${k}`}
            >
              <Text>{kindLabel(k)}</Text>
            </View>
          ))}
        </View>
        <View className="filter-row">
          <View
            className={cx('chip chip-warn', filters.overdue && 'chip-on')}
            onClick={() => set({ overdue: !filters.overdue })}
            data-testid="overdue-only"
          >
            <Text>{filters.overdue ? '✓ 只看超期的' : '只看超期的'}</Text>
          </View>
        </View>
      </Card>

      {items === null && loading ? (
        <Loading />
      ) : error && !items ? (
        <ErrorNote error={error} onRetry={() => void load(null)} />
      ) : !items || items.length === 0 ? (
        <Empty>没有要办的事项。</Empty>
      ) : (
        <Card>
          {items.map((m) => (
            <MatterRow
              key={m.id}
              item={m}
              villageId={m.villageId ?? village!.villageId}
              showAuthor
              extra={
                m.overdue ? (
                  <Tag tone="danger">已超期</Tag>
                ) : m.dueAt ? (
                  <Tag tone="neutral">{`${formatDayTime(m.dueAt)}前`}</Tag>
                ) : null
              }
            />
          ))}
          {error ? <ErrorNote error={error} onRetry={() => void load(next)} /> : null}
          {next ? (
            <View className="actions">
              <Btn kind="secondary" busy={loading} onClick={() => void load(next)} testId="inbox-more">
                再看20条
              </Btn>
            </View>
          ) : (
            <Text className="muted list-end">已经到底了</Text>
          )}
        </Card>
      )}
    </View>
  );
}

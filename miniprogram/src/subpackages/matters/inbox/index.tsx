/**
 * 待办事项 — the responder's inbox (grid workers, cadres, supervisors): the open matters they hold,
 * overdue first, then the oldest deadline; filters by step, kind and 超期; "再看20条" loads the next
 * page by keyset (the last row's position), so a busy village never loads everything at once.
 */
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import { MATTER_KINDS, type MatterKind } from '@shared/matters/kinds';
import { type MatterState, isTerminal } from '@shared/matters/workflow';
import type { ApiError } from '../../../api/client';
import { Btn, Card, Empty, ErrorNote, Loading, PageTitle, Tag } from '../../../components/ui';
import { cx, formatDayTime } from '../../../lib/format';
import type { VillageView } from '../../../lib/roles';
import { type TMatterSummary, mattersApi } from '../api';
import { MatterPage, MatterRow, dueAt, kindLabel } from '../common';
import '../matters.scss';

export const INBOX_PAGE = 20;

/** The steps a responder filters by, in words; each covers one or more states. */
export const STEP_FILTERS: { key: string; label: string; states: MatterState[] }[] = [
  { key: 'all', label: '全部', states: [] },
  { key: 'accept', label: '待受理', states: ['submitted'] },
  { key: 'route', label: '待安排', states: ['accepted', 'reopened'] },
  { key: 'work', label: '办理中', states: ['in_progress', 'mediating', 'deciding'] },
  { key: 'visit', label: '待回访', states: ['resolved'] },
  { key: 'appeal', label: '申诉', states: ['declined', 'appealed'] },
];

export type InboxFilters = { step: string; kind: MatterKind | null; overdueOnly: boolean };
export type InboxItem = TMatterSummary & { dueAt: string | null; overdue: boolean };
/** Keyset position: the last row's (overdue, due time, id). */
export type InboxCursor = { overdue: boolean; due: number; id: string } | null;
export type InboxPage = { items: InboxItem[]; next: InboxCursor };

/** Overdue first, then the earliest deadline, then id (a total order, so keyset paging is stable). */
export function inboxOrder(a: InboxItem, b: InboxItem): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  const da = a.dueAt ? Date.parse(a.dueAt) : Number.MAX_SAFE_INTEGER;
  const db = b.dueAt ? Date.parse(b.dueAt) : Number.MAX_SAFE_INTEGER;
  if (da !== db) return da - db;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function position(i: InboxItem): NonNullable<InboxCursor> {
  return { overdue: i.overdue, due: i.dueAt ? Date.parse(i.dueAt) : Number.MAX_SAFE_INTEGER, id: i.id };
}

function after(i: InboxItem, c: NonNullable<InboxCursor>): boolean {
  const p = position(i);
  if (p.overdue !== c.overdue) return c.overdue; // overdue rows come first
  if (p.due !== c.due) return p.due > c.due;
  return p.id > c.id;
}

/**
 * One page of the inbox from the village's matters list: the open matters the caller may see in
 * full and did not raise, filtered and ordered as above, starting after `cursor`.
 */
export function inboxPage(
  all: (TMatterSummary & { enteredAt?: string })[],
  me: { displayName: string },
  f: InboxFilters,
  cursor: InboxCursor,
  now: Date = new Date(),
  size = INBOX_PAGE,
): InboxPage {
  const step = STEP_FILTERS.find((s) => s.key === f.step) ?? STEP_FILTERS[0]!;
  const rows = all
    .filter((m) => !m.masked && !isTerminal(m.state) && m.authorName !== me.displayName)
    .filter((m) => step.states.length === 0 || step.states.includes(m.state))
    .filter((m) => !f.kind || m.kind === f.kind)
    .map((m): InboxItem => {
      const due = dueAt(m.state, m.enteredAt ?? m.createdAt);
      return { ...m, dueAt: due ? due.toISOString() : null, overdue: due !== null && due <= now };
    })
    .filter((m) => !f.overdueOnly || m.overdue)
    .sort(inboxOrder);
  const from = cursor ? rows.filter((r) => after(r, cursor)) : rows;
  const items = from.slice(0, size);
  const last = items[items.length - 1];
  return { items, next: from.length > size && last ? position(last) : null };
}

export default function InboxPage() {
  return <MatterPage>{(v, me) => <ResponderInbox village={v} me={me} />}</MatterPage>;
}

export function ResponderInbox({ village, me }: { village: VillageView; me: { displayName: string } }) {
  const [filters, setFilters] = useState<InboxFilters>({ step: 'all', kind: null, overdueOnly: false });
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [next, setNext] = useState<InboxCursor>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  const load = useCallback(
    async (cursor: InboxCursor) => {
      const n = ++seq.current;
      setLoading(true);
      setError(null);
      try {
        const list = await mattersApi.list(village.villageId);
        if (n !== seq.current) return;
        const page = inboxPage(list.items, me, filters, cursor);
        setItems((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
        setNext(page.next);
      } catch (e) {
        if (n === seq.current) setError(e as Error);
      } finally {
        if (n === seq.current) setLoading(false);
      }
    },
    [village.villageId, me, filters],
  );

  useEffect(() => {
    void load(null);
  }, [load]);
  const [firstShow, setFirstShow] = useState(true);
  useDidShow(() => {
    if (firstShow) setFirstShow(false);
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
      <PageTitle sub={village.villageName}>待办事项</PageTitle>
      <Card>
        <View className="filter-row">
          {STEP_FILTERS.map((s) => (
            <View
              key={s.key}
              className={cx('chip', filters.step === s.key && 'chip-on')}
              onClick={() => set({ step: s.key })}
              data-testid={`step-${s.key}`}
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
            className={cx('chip chip-warn', filters.overdueOnly && 'chip-on')}
            onClick={() => set({ overdueOnly: !filters.overdueOnly })}
            data-testid="overdue-only"
          >
            <Text>{filters.overdueOnly ? '✓ 只看超期的' : '只看超期的'}</Text>
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
              villageId={village.villageId}
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

/**
 * 我的事项: what I raised (or a grid worker raised for me), state in plain words, newest first,
 * by keyset pages (GET /matters/mine); and the village's public matters, others' names masked
 * (王**). Pull down to refresh; the next page loads at the bottom or with 再看20条.
 */
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../../api/client';
import { Btn, Card, Empty, ErrorNote, Loading, PageTitle } from '../../../components/ui';
import { cx } from '../../../lib/format';
import type { VillageView } from '../../../lib/roles';
import { LIST_PAGE, type TMatterSummary, mattersApi } from '../api';
import { MATTER_PAGES, MatterPage, MatterRow, go } from '../common';
import '../matters.scss';

export type ListTab = 'mine' | 'public';

type Loaded = { items: TMatterSummary[]; next: string | null };

/** One page of a tab. Public matters come from the village list (the newest 100), paged here. */
async function loadPage(villageId: string, tab: ListTab, cursor: string | null): Promise<Loaded> {
  if (tab === 'mine') {
    const page = await mattersApi.mine(villageId, cursor);
    return { items: page.items, next: page.nextCursor };
  }
  const all = (await mattersApi.list(villageId)).items.filter((m) => m.isPublic);
  const from = cursor ? Number(cursor) : 0;
  const items = all.slice(from, from + LIST_PAGE);
  return { items, next: from + LIST_PAGE < all.length ? String(from + LIST_PAGE) : null };
}

export default function MyMattersPage() {
  const router = useRouter();
  return (
    <MatterPage>
      {(v) => <MyMatters village={v} initialTab={router.params.tab === 'public' ? 'public' : 'mine'} />}
    </MatterPage>
  );
}

export function MyMatters({ village, initialTab = 'mine' }: { village: VillageView; initialTab?: ListTab }) {
  const [tab, setTab] = useState<ListTab>(initialTab);
  const [items, setItems] = useState<TMatterSummary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  const load = useCallback(
    async (cursor: string | null) => {
      const n = ++seq.current;
      setLoading(true);
      setError(null);
      try {
        const page = await loadPage(village.villageId, tab, cursor);
        if (n !== seq.current) return;
        setItems((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
        setNext(page.next);
      } catch (e) {
        if (n === seq.current) setError(e as Error);
      } finally {
        if (n === seq.current) setLoading(false);
      }
    },
    [village.villageId, tab],
  );

  useEffect(() => {
    setItems(null);
    void load(null);
  }, [load]);
  // Coming back from a matter (rated, withdrawn) shows its new state.
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

  return (
    <View data-testid="my-matters">
      <PageTitle sub={village.villageName}>我的事项</PageTitle>
      <View className="segments">
        <View
          className={cx('segment', tab === 'mine' && 'segment-on')}
          onClick={() => setTab('mine')}
          data-testid="tab-mine"
        >
          <Text>我反映的</Text>
        </View>
        <View
          className={cx('segment', tab === 'public' && 'segment-on')}
          onClick={() => setTab('public')}
          data-testid="tab-public"
        >
          <Text>村里公开的</Text>
        </View>
      </View>
      <View className="page-action">
        <Btn onClick={() => go(MATTER_PAGES.raise, { villageId: village.villageId })} testId="list-go-raise">
          我要反映
        </Btn>
      </View>
      {items === null && loading ? (
        <Loading />
      ) : error && !items ? (
        <ErrorNote error={error} onRetry={() => void load(null)} />
      ) : !items || items.length === 0 ? (
        <Empty>{tab === 'mine' ? '您还没有反映过事情。' : '村里还没有公开的事项。'}</Empty>
      ) : (
        <Card>
          {tab === 'public' ? <Text className="muted list-lead">别人的名字已隐去，只显示姓。</Text> : null}
          {items.map((m) => (
            <MatterRow key={m.id} item={m} villageId={village.villageId} showAuthor={tab === 'public'} />
          ))}
          {error ? <ErrorNote error={error} onRetry={() => void load(next)} /> : null}
          {next ? (
            <View className="actions">
              <Btn kind="secondary" busy={loading} onClick={() => void load(next)} testId="load-more">
                再看20条
              </Btn>
            </View>
          ) : (
            <Text className="muted list-end">{`共 ${items.length} 件，已经到底了`}</Text>
          )}
        </Card>
      )}
    </View>
  );
}

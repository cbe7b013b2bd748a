/**
 * 我的事项: what I raised (state in plain words, newest first) and the village's public matters
 * (others' names masked as 王**). Pull down to refresh; more rows load at the bottom.
 */
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro';
import { useState } from 'react';
import type { TMe } from '../../../api/types';
import { Btn, Card, Empty, ErrorNote, Loading, PageTitle } from '../../../components/ui';
import { cx } from '../../../lib/format';
import type { VillageView } from '../../../lib/roles';
import { useLoad } from '../../../lib/use-load';
import { type TMatterSummary, mattersApi } from '../api';
import { MATTER_PAGES, MatterPage, MatterRow, go } from '../common';
import '../matters.scss';

export const PAGE_SIZE = 20;

export type ListTab = 'mine' | 'public';

/**
 * Split what the list endpoint returns: mine = matters I may see in full whose author is me (the
 * list carries the author's name, not their id); public = every public matter of the village.
 */
export function splitMatters(items: TMatterSummary[], me: Pick<TMe, 'displayName'>) {
  return {
    mine: items.filter((m) => !m.masked && m.authorName === me.displayName),
    public: items.filter((m) => m.isPublic),
  };
}

export default function MyMattersPage() {
  const router = useRouter();
  return (
    <MatterPage>
      {(v, me) => (
        <MyMatters village={v} me={me} initialTab={router.params.tab === 'public' ? 'public' : 'mine'} />
      )}
    </MatterPage>
  );
}

export function MyMatters({
  village,
  me,
  initialTab = 'mine',
}: {
  village: VillageView;
  me: TMe;
  initialTab?: ListTab;
}) {
  const [tab, setTab] = useState<ListTab>(initialTab);
  const [shown, setShown] = useState(PAGE_SIZE);
  const list = useLoad(() => mattersApi.list(village.villageId), village.villageId);
  // Coming back from a matter (rated, withdrawn) shows its new state.
  const [firstShow, setFirstShow] = useState(true);
  useDidShow(() => {
    if (firstShow) setFirstShow(false);
    else list.reload();
  });
  usePullDownRefresh(() => {
    setShown(PAGE_SIZE);
    list.reload();
    void Taro.stopPullDownRefresh();
  });
  useReachBottom(() => setShown((n) => n + PAGE_SIZE));

  const split = list.data ? splitMatters(list.data.items, me) : { mine: [], public: [] };
  const items = tab === 'mine' ? split.mine : split.public;
  const page = items.slice(0, shown);

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
        <Btn onClick={() => go(MATTER_PAGES.raise, { villageId: village.villageId })} testId="go-raise">
          我要反映
        </Btn>
      </View>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error && !list.data ? (
        <ErrorNote error={list.error} onRetry={list.reload} />
      ) : items.length === 0 ? (
        <Empty>{tab === 'mine' ? '您还没有反映过事情。' : '村里还没有公开的事项。'}</Empty>
      ) : (
        <Card>
          {tab === 'public' ? <Text className="muted list-lead">别人的名字已隐去，只显示姓。</Text> : null}
          {page.map((m) => (
            <MatterRow key={m.id} item={m} villageId={village.villageId} showAuthor={tab === 'public'} />
          ))}
          {items.length > shown ? (
            <View className="actions">
              <Btn kind="secondary" onClick={() => setShown((n) => n + PAGE_SIZE)} testId="load-more">
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

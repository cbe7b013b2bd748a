import { Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { errorMessage } from '../../api/client';
import type { TMe } from '../../api/types';
import type { TTownVillageList } from '@shared/matters/town';
import { Gate } from '../../components/gate';
import { InboxEntry, NoticesBlock } from '../../components/notices';
import { Btn, Card, ComingSoon, LinkRow, Note, Screen, Tag } from '../../components/ui';
import { PAGES, go } from '../../lib/nav';
import { regionRolesOf, roleLabel, villagesOf, villagesWithRole, type VillageView } from '../../lib/roles';
import { useSession } from '../../lib/session';
import { refreshUnread } from '../../lib/unread';

export default function HomePage() {
  const session = useSession();
  const [shown, setShown] = useState(0);
  // Coming back to 首页 (after joining, after an approval) shows fresh memberships and counts.
  useDidShow(() => {
    if (session.status === 'ready') void session.refresh();
    setShown((n) => n + 1);
  });

  return (
    <Screen>
      <Gate anonymous={<Welcome />}>{(me) => <HomeContent me={me} shown={shown} />}</Gate>
    </Screen>
  );
}

function Welcome() {
  return (
    <View>
      <View className="hero">
        <Text className="hero-title">村民参与</Text>
        <Text className="hero-sub">村里的事，大家一起提、一起商量、一起定。</Text>
      </View>
      <Card>
        <Text className="muted">登录后可以：反映问题、参加议事投票、查看村务公开、预约办事。</Text>
        <View className="actions">
          <Btn onClick={() => go(PAGES.login)} testId="go-login">
            登录
          </Btn>
        </View>
      </Card>
    </View>
  );
}

export function HomeContent({ me, shown = 0 }: { me: TMe; shown?: number }) {
  const villages = villagesOf(me);
  const regions = regionRolesOf(me);
  const roles = new Set(me.memberships.map((m) => m.role));
  const isMember = villages.length > 0;
  const place = [
    ...villages.map((v) => (v.townName ? `${v.townName} ${v.villageName}` : v.villageName)),
    ...regions.map((r) => (r.place ? `${r.place} ${roleLabel(r.role)}` : roleLabel(r.role))),
  ];

  // The 我的 tab badge and the 消息 row: fresh each time 首页 shows.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shown` is the reload trigger
  useEffect(() => {
    void refreshUnread();
  }, [shown]);

  return (
    <View>
      <View className="hello">
        <Text className="hello-name">{me.displayName}，您好</Text>
        <Text className="hello-place">{place.length ? place.join('、') : '还没有加入村'}</Text>
      </View>

      {isMember ? <RaiseEntry village={villages[0]!} /> : null}

      {me.pendingJoins
        .filter((p) => p.status === 'pending')
        .map((p) => (
          <Note key={p.id} tone="warn">
            {p.villageName}：您的入村申请正在等待村干部审核。
          </Note>
        ))}

      {villages.map((v) => (
        <NoticesBlock
          key={`notices-${v.villageId}`}
          villageId={v.villageId}
          villageName={villages.length > 1 ? v.villageName : undefined}
          shown={shown}
        />
      ))}

      <InboxEntry />

      {!isMember && regions.length === 0 ? (
        <Card title="加入您的村">
          <Text className="muted">输入村里给的邀请码，或扫村里的二维码，就能加入。</Text>
          <View className="actions">
            <Btn onClick={() => go(PAGES.join)} testId="go-join">
              加入我的村
            </Btn>
          </View>
        </Card>
      ) : null}

      {villagesWithRole(me, 'grid_worker').map((v) => (
        <Card key={`grid-${v.villageId}`} title="我的网格" extra={<Tag tone="primary">网格员</Tag>}>
          <Text className="kv-value">
            {v.villageName}
            {v.gridName ? ` · ${v.gridName}` : ''}
          </Text>
          <LinkRow
            label="待办事项（受理、回访）"
            value="进入"
            onClick={() => go(PAGES.matterInbox, { villageId: v.villageId })}
            testId={`matter-inbox-${v.villageId}`}
          />
          <LinkRow
            label="替村民反映（代办）"
            value="进入"
            onClick={() => go(PAGES.raiseMatter, { villageId: v.villageId })}
          />
        </Card>
      ))}

      {villagesWithRole(me, 'cadre').map((v) => (
        <CadreBlock key={`cadre-${v.villageId}`} village={v} shown={shown} />
      ))}

      {villagesWithRole(me, 'supervisor').map((v) => (
        <Card
          key={`sup-${v.villageId}`}
          title={`${v.villageName} 监督`}
          extra={<Tag tone="primary">监委会成员</Tag>}
        >
          <View className="kv">
            <Text className="kv-key">待会签</Text>
            <Text className="kv-value">即将开放</Text>
          </View>
          <LinkRow
            label="反映村干部的事项"
            value="进入"
            onClick={() => go(PAGES.matterInbox, { villageId: v.villageId })}
          />
          <LinkRow
            label="操作记录"
            onClick={() => go(PAGES.audit, { villageId: v.villageId, villageName: v.villageName })}
          />
        </Card>
      ))}

      {roles.has('town_officer') ? <TownMatters me={me} shown={shown} /> : null}

      {roles.has('town_officer') ? <TownDisclosures me={me} /> : null}

      {roles.has('town_officer') || roles.has('county_officer') ? (
        <ComingSoon title="各村概况">各村事项办理、矛盾化解、村务公开和群众满意的情况。</ComingSoon>
      ) : null}
    </View>
  );
}

/** 村务公开 for a town officer: each of their towns leads to the villages' late disclosures. */
function TownDisclosures({ me }: { me: TMe }) {
  const towns = me.memberships.filter((m) => m.role === 'town_officer' && m.townId);
  return (
    <Card title="各村村务公开" extra={<Tag tone="primary">镇街干部</Tag>}>
      {towns.map((t) => (
        <LinkRow
          key={t.id}
          label={`${t.townName ?? '本镇'}各村公开超期情况`}
          value="查看"
          onClick={() => go(PAGES.townDisclosures, { townId: t.townId! })}
          testId={`town-disclosures-${t.townId}`}
        />
      ))}
    </Card>
  );
}

/** A town officer's villages, each with the matters waiting at the town, leading to its 待办事项. */
function TownMatters({ me, shown }: { me: TMe; shown: number }) {
  const towns = me.memberships.filter((m) => m.role === 'town_officer' && m.townId);
  const [items, setItems] = useState<TTownVillageList['items'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shown` is the reload trigger
  useEffect(() => {
    setError(null);
    api.client
      .get<TTownVillageList>('/matters/town-villages')
      .then((r) => setItems(r.items))
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [shown]);
  return (
    <Card title="转到镇里的事项" extra={<Tag tone="primary">镇街干部</Tag>}>
      {towns.map((t) => (
        <LinkRow
          key={t.id}
          label={`${t.townName ?? '本镇'}全部待办`}
          value="进入"
          onClick={() => go(PAGES.matterInbox, { townId: t.townId!, townName: t.townName ?? '' })}
          testId={`town-inbox-${t.townId}`}
        />
      ))}
      {error ? (
        <Text className="muted">{error}</Text>
      ) : items === null ? (
        <Text className="muted">正在加载…</Text>
      ) : items.length === 0 ? (
        <Text className="muted">没有村。</Text>
      ) : (
        items.map((v) => (
          <LinkRow
            key={v.villageId}
            label={v.villageName}
            value={v.open === 0 ? '没有' : v.overdue ? `${v.open} 件，超期 ${v.overdue}` : `${v.open} 件`}
            onClick={() => go(PAGES.matterInbox, { villageId: v.villageId, villageName: v.villageName })}
            testId={`town-village-${v.villageId}`}
          />
        ))
      )}
    </Card>
  );
}

/** 我要反映: the first and largest thing a member sees, with 我的事项 right under it. */
export function RaiseEntry({ village }: { village: VillageView }) {
  return (
    <View className="raise-entry-block">
      <View
        className="raise-entry"
        hoverClass="raise-entry-hover"
        onClick={() => go(PAGES.raiseMatter, { villageId: village.villageId })}
        data-testid="go-raise"
      >
        <Text className="raise-entry-mark">说</Text>
        <View className="raise-entry-words">
          <Text className="raise-entry-title">我要反映</Text>
          <Text className="raise-entry-sub">有问题、有建议，告诉村里</Text>
        </View>
      </View>
      <View
        className="raise-entry-mine"
        hoverClass="link-row-hover"
        onClick={() => go(PAGES.myMatters, { villageId: village.villageId })}
        data-testid="go-my-matters"
      >
        <Text>我的事项：办到哪一步了</Text>
        <Text className="link-row-value">查看 ›</Text>
      </View>
    </View>
  );
}

function CadreBlock({ village, shown }: { village: VillageView; shown: number }) {
  const [count, setCount] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `shown` is the reload trigger
  useEffect(() => {
    setError(null);
    api.villages
      .joinRequests(village.villageId, 'pending')
      .then((r) => setCount(r.items.length))
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [village.villageId, shown]);

  const params = { villageId: village.villageId, villageName: village.villageName };
  return (
    <Card title={`${village.villageName} 村务`} extra={<Tag tone="primary">村干部</Tag>}>
      <View className="kv">
        <Text className="kv-key">待审核入村申请</Text>
        <Text className="kv-value kv-strong" data-testid="pending-count">
          {error ? error : count === null ? '正在加载…' : count === 0 ? '没有' : `${count} 条`}
        </Text>
      </View>
      {count ? (
        <View className="actions">
          <Btn onClick={() => go(PAGES.joinRequests, params)}>去审核</Btn>
        </View>
      ) : null}
      <LinkRow
        label="待办事项"
        value="进入"
        onClick={() => go(PAGES.matterInbox, { villageId: village.villageId })}
        testId={`matter-inbox-${village.villageId}`}
      />
      <LinkRow label="发通知、看已读" value="进入" onClick={() => go(PAGES.manageNotices, params)} />
      <LinkRow label="村务管理" value="进入" onClick={() => go(PAGES.manage, params)} />
    </Card>
  );
}

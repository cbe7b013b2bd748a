import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { VILLAGE_ROLES, type VillageRole } from '@shared/roles';
import { api } from '../../../api';
import type { TGrid, TMember, TMe } from '../../../api/types';
import { Btn, Card, Empty, ErrorNote, Field, Loading, PageTitle, Tag } from '../../../components/ui';
import { cx } from '../../../lib/format';
import { roleLabel } from '../../../lib/roles';
import { useLoad } from '../../../lib/use-load';
import { ManagePage, type ManagedVillage } from '../common';

export default function MembersPage() {
  return <ManagePage roles={['cadre']}>{(v, me) => <Members village={v} me={me} />}</ManagePage>;
}

function Members({ village, me }: { village: ManagedVillage; me: TMe }) {
  const { data, error, loading, reload } = useLoad(
    () => api.villages.members(village.villageId),
    village.villageId,
  );
  const [open, setOpen] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const q = query.trim();
  const shown = data ? (q ? data.items.filter((m) => m.displayName.includes(q)) : data.items) : [];

  return (
    <View>
      <PageTitle sub={village.villageName}>村民和身份</PageTitle>
      {loading && !data ? <Loading /> : null}
      <ErrorNote error={error} onRetry={reload} />
      {data && data.items.length === 0 ? <Empty>还没有村民加入。</Empty> : null}
      {data && data.items.length > 10 ? (
        <Field
          label="找人"
          name="memberQuery"
          value={query}
          onChange={setQuery}
          placeholder="输入姓名"
          maxlength={20}
        />
      ) : null}
      {data ? (
        <Card title={q ? `找到 ${shown.length} 人` : `共 ${data.items.length} 人`}>
          {shown.map((m) => (
            <View key={m.userId} className="list-item">
              <Text className="list-item-title">{m.displayName}</Text>
              <Text className="muted">{m.phoneMasked ?? '手机号未登记'}</Text>
              <View>
                {m.roles.map((r) => (
                  <Tag key={r} tone="primary">
                    {roleLabel(r)}
                  </Tag>
                ))}
              </View>
              {open === m.userId ? (
                <RoleEditor
                  villageId={village.villageId}
                  member={m}
                  isSelf={m.userId === me.id}
                  onChanged={reload}
                  onClose={() => setOpen(null)}
                />
              ) : (
                <View className="actions">
                  <Btn kind="secondary" small onClick={() => setOpen(m.userId)}>
                    设置身份
                  </Btn>
                </View>
              )}
            </View>
          ))}
        </Card>
      ) : null}
    </View>
  );
}

function RoleEditor({
  villageId,
  member,
  isSelf,
  onChanged,
  onClose,
}: {
  villageId: string;
  member: TMember;
  isSelf: boolean;
  onChanged: () => void;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState<VillageRole | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [pickGrid, setPickGrid] = useState(false);
  const grids = useLoad<{ items: TGrid[] }>(
    () => (pickGrid ? api.villages.grids(villageId) : Promise.resolve({ items: [] })),
    `${villageId}:${pickGrid}`,
  );

  const change = async (role: VillageRole, add: boolean, gridId?: string) => {
    const verb = add ? '设为' : '取消';
    if (isSelf && role === 'cadre' && !add) {
      const ok = await Taro.showModal({
        title: '取消自己的村干部身份',
        content: '取消后您就不能再管理本村了。确定吗？',
      });
      if (!ok.confirm) return;
    } else {
      const ok = await Taro.showModal({
        title: '请确认',
        content: `${verb}${member.displayName}的“${roleLabel(role)}”身份？`,
      });
      if (!ok.confirm) return;
    }
    setBusy(role);
    setError(null);
    try {
      if (add) await api.villages.addRole(villageId, member.userId, role, gridId);
      else await api.villages.removeRole(villageId, member.userId, role);
      setPickGrid(false);
      onChanged();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(null);
    }
  };

  return (
    <View className="actions">
      <Text className="muted">点一下就加上或取消：</Text>
      <View className="choice-grid">
        {VILLAGE_ROLES.map((role) => {
          const has = member.roles.includes(role);
          return (
            <View
              key={role}
              className={cx('choice', has && 'choice-on')}
              onClick={
                busy
                  ? undefined
                  : () => {
                      if (!has && role === 'grid_worker') setPickGrid(true);
                      else void change(role, !has);
                    }
              }
            >
              <Text>
                {has ? '✓ ' : ''}
                {roleLabel(role)}
              </Text>
            </View>
          );
        })}
      </View>
      {pickGrid ? (
        <View className="actions">
          <Text className="muted">负责哪个网格？</Text>
          {grids.loading ? <Loading /> : null}
          <ErrorNote error={grids.error} onRetry={grids.reload} />
          <View className="choice-grid">
            {grids.data?.items.map((g) => (
              <View key={g.id} className="choice" onClick={() => void change('grid_worker', true, g.id)}>
                <Text>{g.name}</Text>
              </View>
            ))}
          </View>
        </View>
      ) : null}
      <ErrorNote error={error} />
      <View className="actions">
        <Btn kind="plain" small onClick={onClose}>
          收起
        </Btn>
      </View>
    </View>
  );
}

import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import type { TMe } from '../../api/types';
import { Gate } from '../../components/gate';
import { InboxEntry } from '../../components/notices';
import { Btn, Card, LinkRow, Screen, Tag } from '../../components/ui';
import { useElder } from '../../lib/elder';
import { cx } from '../../lib/format';
import { PAGES, go, restartAt } from '../../lib/nav';
import { regionRolesOf, roleLabel, villagesOf } from '../../lib/roles';
import { useSession } from '../../lib/session';
import { refreshUnread, setUnread } from '../../lib/unread';

export default function MinePage() {
  const [shown, setShown] = useState(0);
  useDidShow(() => setShown((n) => n + 1));
  return (
    <Screen>
      <Gate>{(me) => <MineContent me={me} shown={shown} />}</Gate>
    </Screen>
  );
}

export function ElderSwitch() {
  const elder = useElder();
  const [saving, setSaving] = useState(false);

  const toggle = async () => {
    setSaving(true);
    const next = !elder.chosen;
    const result = await elder.setChosen(next);
    setSaving(false);
    if (result === 'local-only') {
      void Taro.showToast({ title: '已在本手机设置，网络好了再保存', icon: 'none', duration: 2500 });
    }
  };

  return (
    <Card>
      <View className="toggle" onClick={saving ? undefined : () => void toggle()} data-testid="elder-toggle">
        <Text className="toggle-label">长辈模式</Text>
        <View className={cx('toggle-switch', elder.chosen && 'toggle-switch-on')}>
          <Text>{elder.chosen ? '已打开' : '已关闭'}</Text>
        </View>
      </View>
      <Text className="muted">打开后，字更大、按钮更大，看得更清楚。</Text>
      {elder.bySystem ? <Text className="muted">您在微信里把字调大了，已自动放大。</Text> : null}
    </Card>
  );
}

export function MineContent({ me, shown = 0 }: { me: TMe; shown?: number }) {
  const session = useSession();
  const villages = villagesOf(me);
  const regions = regionRolesOf(me);
  const pending = me.pendingJoins.filter((p) => p.status === 'pending');
  const canManage = villages.some((v) => v.roles.includes('cadre') || v.roles.includes('supervisor'));
  const [leaving, setLeaving] = useState(false);

  // The badge on this tab and the 消息 row: fresh each time 我的 shows.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shown` is the reload trigger
  useEffect(() => {
    void refreshUnread();
  }, [shown]);

  const logout = async () => {
    const ok = await Taro.showModal({
      title: '退出登录',
      content: '确定要退出吗？',
      confirmText: '退出',
      cancelText: '不退出',
    });
    if (!ok.confirm) return;
    setLeaving(true);
    await session.signOut();
    setUnread(null);
    setLeaving(false);
    restartAt(PAGES.home);
  };

  return (
    <View>
      <Card>
        <Text className="hello-name">{me.displayName}</Text>
        <View className="kv">
          <Text className="kv-key">手机号</Text>
          <Text className="kv-value">{me.phoneMasked ?? '未登记'}</Text>
        </View>
      </Card>

      <InboxEntry>
        <LinkRow
          label="消息提醒设置"
          value="去设置"
          onClick={() => go(PAGES.notifySettings)}
          testId="notify-settings"
        />
      </InboxEntry>

      <Card title="我的村">
        {villages.length === 0 && regions.length === 0 ? <Text className="muted">还没有加入村。</Text> : null}
        {villages.map((v) => (
          <View key={v.villageId} className="list-item">
            <Text className="list-item-title">
              {v.villageName}
              {v.townName ? `（${v.townName}）` : ''}
            </Text>
            <View>
              {v.roles.map((r) => (
                <Tag key={r} tone="primary">
                  {r === 'grid_worker' && v.gridName ? `${roleLabel(r)} · ${v.gridName}` : roleLabel(r)}
                </Tag>
              ))}
              {v.isHouseholdRep ? <Tag tone="primary">户代表</Tag> : null}
            </View>
          </View>
        ))}
        {regions.map((r) => (
          <View key={r.key} className="list-item">
            <Text className="list-item-title">{r.place || roleLabel(r.role)}</Text>
            <Tag tone="primary">{roleLabel(r.role)}</Tag>
          </View>
        ))}
        {pending.map((p) => (
          <View key={p.id} className="list-item">
            <Text className="list-item-title">{p.villageName}</Text>
            <Tag tone="warn">等待审核</Tag>
          </View>
        ))}
        <LinkRow label="加入其他村" value="去加入" onClick={() => go(PAGES.join)} />
      </Card>

      <ElderSwitch />

      {canManage ? (
        <Card>
          <LinkRow label="村务管理" value="进入" onClick={() => go(PAGES.manage)} />
        </Card>
      ) : null}

      <View className="actions">
        <Btn kind="danger" onClick={() => void logout()} busy={leaving} testId="logout">
          退出登录
        </Btn>
      </View>
    </View>
  );
}

import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { isApiError } from '../../api/client';
import type { TDevUser, TLoginResult } from '../../api/types';
import { Btn, Card, ErrorNote, Loading, Note, Screen } from '../../components/ui';
import { PAGES, restartAt } from '../../lib/nav';
import { roleLabel } from '../../lib/roles';
import { useSession } from '../../lib/session';

const IS_WEAPP = process.env.TARO_ENV === 'weapp';

type DevState =
  | { kind: 'loading' }
  | { kind: 'ok'; users: TDevUser[] }
  | { kind: 'off' }
  | { kind: 'error'; error: Error };

/** How a demo user is described in the list: "东坪村：村民、网格员", or "还没有加入村". */
export function describeDevUser(user: TDevUser): string {
  if (user.roles.length === 0) return '还没有加入村';
  const byPlace = new Map<string, string[]>();
  for (const r of user.roles) {
    const key = r.villageName ?? '';
    byPlace.set(key, [...(byPlace.get(key) ?? []), roleLabel(r.role)]);
  }
  return [...byPlace.entries()]
    .map(([place, labels]) => (place ? `${place}：${labels.join('、')}` : labels.join('、')))
    .join('；');
}

export default function LoginPage() {
  const session = useSession();
  const [dev, setDev] = useState<DevState>({ kind: 'loading' });
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);

  const loadDevUsers = () => {
    setDev({ kind: 'loading' });
    api.auth
      .devUsers()
      .then((r) => setDev({ kind: 'ok', users: r.users }))
      .catch((e: unknown) => {
        // 404: the server does not offer demo login (production). Anything else is a real failure.
        if (isApiError(e) && e.status === 404) setDev({ kind: 'off' });
        else setDev({ kind: 'error', error: e as Error });
      });
  };
  useEffect(loadDevUsers, []);

  const finish = (result: TLoginResult) => {
    session.signIn(result);
    restartAt(PAGES.home);
  };

  const wechatLogin = async () => {
    setBusy('wechat');
    setError(null);
    try {
      const { code } = await Taro.login();
      finish(await api.auth.wechat(code));
    } catch (e) {
      setError(isApiError(e) ? e : new Error('微信登录没有成功，请再试一次'));
    } finally {
      setBusy(null);
    }
  };

  const devLogin = async (userId: string) => {
    setBusy(userId);
    setError(null);
    try {
      finish(await api.auth.dev(userId));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Screen>
      <View className="hero">
        <Text className="hero-title">村民参与</Text>
        <Text className="hero-sub">登录后，就能参与村里的事。</Text>
      </View>

      <ErrorNote error={error} />

      {IS_WEAPP ? (
        <Card>
          <Btn onClick={wechatLogin} busy={busy === 'wechat'} disabled={busy !== null && busy !== 'wechat'}>
            微信一键登录
          </Btn>
        </Card>
      ) : null}

      {dev.kind === 'loading' ? <Loading /> : null}
      {dev.kind === 'error' ? <ErrorNote error={dev.error} onRetry={loadDevUsers} /> : null}
      {dev.kind === 'off' && !IS_WEAPP ? (
        <Note>网页版现在不能登录，请在微信里打开“村民参与”小程序。</Note>
      ) : null}
      {dev.kind === 'ok' ? (
        <Card title="演示账号">
          <Text className="muted">测试用：点一个人，就用这个身份进入。</Text>
          <View className="dev-users" data-testid="dev-users">
            {dev.users.length === 0 ? <Text className="muted">没有演示账号。</Text> : null}
            {dev.users.map((u) => (
              <View
                key={u.id}
                className="user-row"
                hoverClass="link-row-hover"
                data-testid={`dev-user-${u.id}`}
                onClick={busy ? undefined : () => void devLogin(u.id)}
              >
                <View className="user-row-main">
                  <Text className="list-item-title">{u.displayName}</Text>
                  <Text className="muted">{describeDevUser(u)}</Text>
                </View>
                <Text className="user-row-go">{busy === u.id ? '请稍候…' : '进入 ›'}</Text>
              </View>
            ))}
          </View>
        </Card>
      ) : null}
    </Screen>
  );
}

/** Renders its children only for a signed-in user; otherwise one clear way forward. */
import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import type { TMe } from '../api/types';
import { PAGES, go } from '../lib/nav';
import { useSession } from '../lib/session';
import { Btn, ErrorNote, Loading } from './ui';

export function Gate({ children, anonymous }: { children: (me: TMe) => ReactNode; anonymous?: ReactNode }) {
  const session = useSession();
  if (session.status === 'loading') return <Loading />;
  if (session.status === 'error' || (session.status === 'ready' && !session.me)) {
    return <ErrorNote error={session.error ?? '出错了，请稍后再试'} onRetry={() => void session.refresh()} />;
  }
  if (session.status === 'anonymous' || !session.me) {
    return (
      <>
        {anonymous ?? (
          <View className="card">
            <Text className="card-title">请先登录</Text>
            <Text className="muted">登录后才能看到这里的内容。</Text>
            <View className="actions">
              <Btn onClick={() => go(PAGES.login)}>去登录</Btn>
            </View>
          </View>
        )}
      </>
    );
  }
  return <>{children(session.me)}</>;
}

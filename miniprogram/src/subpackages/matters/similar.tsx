/**
 * While a villager types: open matters of the same village and category that look alike
 * (GET /villages/:id/matters/similar), offered with 关注 so the same thing is not raised twice.
 * Quietly absent when the server has none or does not offer the lookup.
 */
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { errorMessage } from '../../api/client';
import { Btn, Card } from '../../components/ui';
import { formatDayTime } from '../../lib/format';
import { uuidV4 } from '../../lib/uuid';
import type { TMatterSummary } from './api';
import { StateTag, excerpt } from './common';

const v = (id: string) => encodeURIComponent(id);
const WAIT_MS = 600;

export type TSimilarList = { items: (TMatterSummary & { following?: boolean })[] };

export function SimilarMatters({
  villageId,
  category,
  text,
}: {
  villageId: string;
  category: string;
  text: string;
}) {
  const [items, setItems] = useState<TSimilarList['items']>([]);
  const [followed, setFollowed] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState<string | null>(null);
  const q = text.trim().slice(0, 200);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.client
        .get<TSimilarList>(`/villages/${v(villageId)}/matters/similar`, { query: { category, text: q } })
        .then((r) => live && setItems(r.items.slice(0, 3)))
        .catch(() => live && setItems([]));
    }, WAIT_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [villageId, category, q]);

  if (items.length === 0) return null;

  const follow = async (id: string) => {
    setBusy(id);
    try {
      await api.client.post(`/villages/${v(villageId)}/matters/${v(id)}/follow`, undefined, {
        idempotencyKey: uuidV4(),
      });
      setFollowed((s) => new Set(s).add(id));
      void Taro.showToast({ title: '已关注，有进展会告诉您', icon: 'none' });
    } catch (e) {
      void Taro.showToast({ title: errorMessage(e), icon: 'none' });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card title="已有人反映过，要不要关注它？" className="similar-card">
      {items.map((m) => (
        <View key={m.id} className="similar-row" data-testid={`similar-${m.id}`}>
          <View className="matter-row-tags">
            <StateTag state={m.state} />
          </View>
          <Text className="matter-row-text">{excerpt(m.text, 60)}</Text>
          <Text className="muted">{formatDayTime(m.createdAt)}</Text>
          <View className="actions">
            {m.following || followed.has(m.id) ? (
              <Text className="similar-done">✓ 已关注</Text>
            ) : (
              <Btn kind="secondary" small busy={busy === m.id} onClick={() => void follow(m.id)}>
                关注这件事
              </Btn>
            )}
          </View>
        </View>
      ))}
      <Text className="muted">不一样的话，接着填写就行。</Text>
    </Card>
  );
}

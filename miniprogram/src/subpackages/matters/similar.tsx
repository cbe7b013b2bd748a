/**
 * While a villager types: open public matters of the same village and category that look alike
 * (GET /villages/:id/matters/similar, trigram similarity), offered with 关注 so the same thing is
 * not raised twice. Quietly absent when there are none or the lookup fails.
 */
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api/client';
import { Btn, Card } from '../../components/ui';
import { formatDayTime } from '../../lib/format';
import { type TSimilarMatters, mattersApi } from './api';
import { StateTag, excerpt } from './common';

const WAIT_MS = 600;
const SHOW = 3;

export function SimilarMatters({
  villageId,
  category,
  text,
}: {
  villageId: string;
  category: string;
  text: string;
}) {
  const [items, setItems] = useState<TSimilarMatters['items']>([]);
  const [followed, setFollowed] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState<string | null>(null);
  const q = text.trim().slice(0, 200);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      mattersApi
        .similar(villageId, category, q)
        .then((r) => live && setItems(r.items.slice(0, SHOW)))
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
      await mattersApi.follow(villageId, id);
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
      <View data-testid="similar-matters">
        {items.map((m) => (
          <View key={m.id} className="similar-row" data-testid={`similar-${m.id}`}>
            <View className="matter-row-tags">
              <StateTag state={m.state} />
              {m.followers > 0 ? <Text className="muted similar-count">{`${m.followers}人关注`}</Text> : null}
            </View>
            <Text className="matter-row-text">{excerpt(m.text, 60)}</Text>
            <Text className="muted">{`${m.authorName} · ${formatDayTime(m.createdAt)}`}</Text>
            <View className="actions">
              {followed.has(m.id) ? (
                <Text className="similar-done">✓ 已关注，有进展会告诉您</Text>
              ) : (
                <Btn
                  kind="secondary"
                  small
                  busy={busy === m.id}
                  onClick={() => void follow(m.id)}
                  testId={`follow-${m.id}`}
                >
                  关注这件事
                </Btn>
              )}
            </View>
          </View>
        ))}
        <Text className="muted">不是同一件事的话，接着填写就行。</Text>
      </View>
    </Card>
  );
}

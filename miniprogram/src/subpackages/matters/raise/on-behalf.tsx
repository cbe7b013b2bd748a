/**
 * 代办 on the raise form (grid workers only): raise for a villager of my grid, naming who and how
 * they agreed (当面 / 电话 / 书面). The villager becomes the matter's author and sees it as theirs.
 */
import { Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import { CONSENT_METHODS, CONSENT_METHOD_LABELS } from '@shared/matters/form-rules';
import type { TGridVillagerList } from '@shared/matters/on-behalf';
import { api } from '../../../api';
import { Card, ErrorNote, Loading, ToggleRow } from '../../../components/ui';
import { cx } from '../../../lib/format';
import { useLoad } from '../../../lib/use-load';

export type ConsentMethod = (typeof CONSENT_METHODS)[number];
export type OnBehalf = {
  villagerId: string | null;
  villagerName: string | null;
  method: ConsentMethod | null;
  /** When the villager agreed (set when the method is picked). */
  at?: string;
};

const SHOW_AT_ONCE = 30;

export function OnBehalfBlock({
  villageId,
  value,
  onChange,
  error,
}: {
  villageId: string;
  value: OnBehalf | null;
  onChange: (v: OnBehalf | null) => void;
  error?: string;
}) {
  return (
    <Card>
      <ToggleRow
        label="替村民反映（代办）"
        on={value !== null}
        onChange={(on) => onChange(on ? { villagerId: null, villagerName: null, method: null } : null)}
        testId="on-behalf"
        hint={value ? '这件事算这位村民反映的，他也能看到进展。' : '村民不方便用手机时，您可以替他反映。'}
      />
      {value ? <VillagerPicker villageId={villageId} value={value} onChange={onChange} /> : null}
      {error ? (
        <Text className="field-error" data-testid="error-onBehalf">
          {error}
        </Text>
      ) : null}
    </Card>
  );
}

function VillagerPicker({
  villageId,
  value,
  onChange,
}: {
  villageId: string;
  value: OnBehalf;
  onChange: (v: OnBehalf) => void;
}) {
  const [query, setQuery] = useState('');
  const people = useLoad(
    () => api.client.get<TGridVillagerList>(`/villages/${encodeURIComponent(villageId)}/grid-villagers`),
    villageId,
  );
  const q = query.trim();
  const all = people.data?.items ?? [];
  const shown = (q ? all.filter((p) => p.name.includes(q) || p.householdNo.includes(q)) : all).slice(
    0,
    SHOW_AT_ONCE,
  );

  return (
    <View className="sub-choices">
      <Text className="field-label">替谁反映？</Text>
      {value.villagerId ? (
        <View className="picked-person">
          <Text className="picked-name">{value.villagerName}</Text>
          <View
            className="choice"
            onClick={() => onChange({ ...value, villagerId: null, villagerName: null })}
            data-testid="change-villager"
          >
            <Text>换一位</Text>
          </View>
        </View>
      ) : people.loading && !people.data ? (
        <Loading />
      ) : people.error ? (
        <ErrorNote error={people.error} onRetry={people.reload} />
      ) : (
        <View>
          <Input
            className="field-input"
            name="villager-search"
            value={query}
            placeholder="输入名字或户号找人"
            onInput={(e) => setQuery(e.detail.value)}
          />
          {shown.length === 0 ? <Text className="muted">没有找到，请换个字试试。</Text> : null}
          {shown.map((p) => (
            <View
              key={p.userId}
              className="person-row"
              hoverClass="matter-row-hover"
              onClick={() => onChange({ ...value, villagerId: p.userId, villagerName: p.name })}
              data-testid={`villager-${p.userId}`}
            >
              <Text className="person-name">{p.name}</Text>
              <Text className="muted">
                {p.householdNo}户{p.phoneMasked ? ` · ${p.phoneMasked}` : ''}
              </Text>
            </View>
          ))}
        </View>
      )}

      <Text className="field-label consent-label">村民怎么同意的？</Text>
      <View className="choice-grid">
        {CONSENT_METHODS.map((m) => (
          <View
            key={m}
            className={cx('choice', value.method === m && 'choice-on')}
            onClick={() => onChange({ ...value, method: m, at: value.at ?? new Date().toISOString() })}
            data-testid={`consent-${m}`}
          >
            <Text>{value.method === m ? `✓ ${CONSENT_METHOD_LABELS[m]}` : CONSENT_METHOD_LABELS[m]}</Text>
          </View>
        ))}
      </View>
    </View>
  );
}

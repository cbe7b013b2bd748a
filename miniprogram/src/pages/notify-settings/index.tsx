/**
 * 消息提醒设置: per kind, WeChat reminders on/off and 每天汇总 (one daily digest instead of each
 * reminder); 夜间免打扰 (21:00–07:00). The one main action, 接收微信提醒, asks WeChat for the user's
 * consent to the long-term templates (weapp only; 3 at a time, so it may take more than one tap).
 */
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { errorMessage } from '../../api/client';
import type { NotifyKind, TNotifySettings, TSubscribeTemplate } from '../../api/types';
import { Gate } from '../../components/gate';
import { Btn, Card, ErrorNote, Loading, Note, PageTitle, Screen, ToggleRow } from '../../components/ui';
import {
  type ConsentOutcome,
  batches,
  consentFailureWords,
  loadTemplates,
  requestIds,
} from '../../lib/subscribe';

export default function NotifySettingsPage() {
  return (
    <Screen>
      <Gate>{() => <NotifySettings />}</Gate>
    </Screen>
  );
}

type Subscriber = {
  loadTemplates: () => Promise<TSubscribeTemplate[]>;
  requestIds: (ids: readonly string[]) => Promise<ConsentOutcome>;
};

/** Template ids to ask for here: long-term ones of kinds still on (one-time ones are asked at their moment). */
export function settingsTemplateIds(templates: TSubscribeTemplate[], settings: TNotifySettings): string[] {
  const on = new Set(settings.kinds.filter((k) => k.push).map((k) => k.kind));
  return templates.filter((t) => t.longTerm && on.has(t.kind)).map((t) => t.templateId);
}

function outcomeNote(outcome: ConsentOutcome | null): { tone: 'success' | 'warn'; text: string } | null {
  if (!outcome) return null;
  if (outcome.status === 'failed') return { tone: 'warn', text: consentFailureWords(outcome.errCode) };
  if (outcome.status === 'skipped') return { tone: 'warn', text: '现在还不能设置微信提醒。' };
  if (outcome.accepted > 0) return { tone: 'success', text: '已设置好。有新消息时，微信会提醒您。' };
  return { tone: 'warn', text: '您没有同意，微信不会提醒您。消息仍会放在“消息”里。' };
}

export function NotifySettings({
  weapp = process.env.TARO_ENV === 'weapp',
  subscriber = { loadTemplates, requestIds },
}: {
  weapp?: boolean;
  subscriber?: Subscriber;
}) {
  const [settings, setSettings] = useState<TNotifySettings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [templates, setTemplates] = useState<TSubscribeTemplate[] | null>(null);
  const [step, setStep] = useState(0);
  const [outcome, setOutcome] = useState<ConsentOutcome | null>(null);

  const load = () => {
    setError(null);
    api.notify
      .settings()
      .then(setSettings)
      .catch((e: unknown) => setError(e));
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once; the subscriber is fixed
  useEffect(() => {
    load();
    // Loaded ahead: WeChat shows its consent dialog only straight from a tap.
    if (weapp) void subscriber.loadTemplates().then(setTemplates);
  }, []);

  const save = (next: TNotifySettings, body: Parameters<typeof api.notify.updateSettings>[0]) => {
    const before = settings;
    setSettings(next);
    api.notify
      .updateSettings(body)
      .then(setSettings)
      .catch((e: unknown) => {
        setSettings(before);
        void Taro.showToast({ title: errorMessage(e), icon: 'none' });
      });
  };

  if (error && !settings) return <ErrorNote error={error as Error} onRetry={load} />;
  if (!settings) return <Loading />;

  const setKind = (kind: NotifyKind, change: { push?: boolean; digest?: boolean }) => {
    const k = settings.kinds.find((x) => x.kind === kind);
    if (!k) return;
    const updated = { ...k, ...change };
    save(
      { ...settings, kinds: settings.kinds.map((x) => (x.kind === kind ? updated : x)) },
      { kinds: [{ kind, push: updated.push, digest: updated.digest }] },
    );
  };

  const groups = batches(settingsTemplateIds(templates ?? [], settings));
  const ask = () => {
    const ids = groups[step];
    if (!ids) return;
    // Straight from the tap, nothing awaited before WeChat's dialog.
    void subscriber.requestIds(ids).then((o) => {
      setOutcome(o);
      if (o.status === 'answered') setStep((s) => s + 1);
    });
  };
  const note = outcomeNote(outcome);
  const left = groups.slice(step).reduce((n, g) => n + g.length, 0);

  return (
    <View>
      <PageTitle sub="有新消息时，用微信提醒您。">消息提醒设置</PageTitle>

      {weapp ? (
        <Card>
          {note ? <Note tone={note.tone}>{note.text}</Note> : null}
          {groups[step] ? (
            <Btn onClick={ask} testId="subscribe">
              {step === 0 ? '接收微信提醒' : `继续设置（还有 ${left} 项）`}
            </Btn>
          ) : step > 0 ? null : templates === null ? (
            <Text className="muted">正在准备…</Text>
          ) : (
            <Text className="muted">现在还不能设置微信提醒。</Text>
          )}
        </Card>
      ) : (
        <Note>在微信里打开小程序，才能收到微信提醒。所有消息都会放在“消息”里。</Note>
      )}

      <Card>
        <ToggleRow
          label="夜间免打扰"
          on={settings.quietHours}
          onChange={(on) => save({ ...settings, quietHours: on }, { quietHours: on })}
          testId="quiet-hours"
          hint="晚上9点到早上7点不发提醒。投票快结束时除外。"
        />
      </Card>

      <Text className="section-title">哪些事提醒我</Text>
      {settings.kinds.map((k) => (
        <Card key={k.kind} title={k.label}>
          <View data-testid={`kind-${k.kind}`}>
            <ToggleRow
              small
              label="微信提醒"
              on={k.push}
              onChange={(on) => setKind(k.kind, { push: on })}
              testId={`push-${k.kind}`}
            />
            {k.push ? (
              <ToggleRow
                small
                label="每天汇总一次"
                on={k.digest}
                onChange={(on) => setKind(k.kind, { digest: on })}
                testId={`digest-${k.kind}`}
              />
            ) : null}
          </View>
        </Card>
      ))}
      <Text className="muted">“每天汇总一次”：一天的提醒合成一条发给您。</Text>
    </View>
  );
}

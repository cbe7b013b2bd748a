/**
 * 发布通知 (cadres): title, body, who it goes to (全村 / one grid / one kind of member), 置顶, an
 * optional last day. A confirm step names the audience; after publishing, the village's notice
 * list with read counts replaces this page.
 */
import { Picker, Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useMemo, useState } from 'react';
import type { VillageRole } from '@shared/roles';
import { api } from '../../../api';
import { errorMessage } from '../../../api/client';
import type { TGrid, TNoticeAudience, TPublishNotice } from '../../../api/types';
import { Btn, Card, ErrorNote, Field, Loading, PageTitle, ToggleRow } from '../../../components/ui';
import { beijingToday, cx, endOfBeijingDay } from '../../../lib/format';
import { PAGES, replaceWith } from '../../../lib/nav';
import { roleLabel } from '../../../lib/roles';
import { useLoad } from '../../../lib/use-load';
import { uuidV4 } from '../../../lib/uuid';
import { ManagePage, type ManagedVillage } from '../common';

export const TITLE_MAX = 40;
export const BODY_MAX = 5000;
/** Roles a notice can be addressed to, in the order cadres think of them. */
export const AUDIENCE_ROLES: VillageRole[] = [
  'representative',
  'party_member',
  'grid_worker',
  'cadre',
  'supervisor',
];

type AudienceType = TNoticeAudience['type'];

export type NoticeForm = {
  title: string;
  body: string;
  audienceType: AudienceType;
  gridId: string | null;
  role: VillageRole | null;
  pinned: boolean;
  /** "YYYY-MM-DD" in Beijing time, or "" for none. */
  lastDay: string;
};

export type NoticeFormErrors = Partial<Record<'title' | 'body' | 'audience', string>>;

export const EMPTY_FORM: NoticeForm = {
  title: '',
  body: '',
  audienceType: 'village',
  gridId: null,
  role: null,
  pinned: false,
  lastDay: '',
};

/** The form → the request body, or what to fix (messages match ZPublishNoticeSchema). */
export function validateNotice(
  f: NoticeForm,
): { ok: true; body: TPublishNotice } | { ok: false; errors: NoticeFormErrors } {
  const errors: NoticeFormErrors = {};
  const title = f.title.trim();
  const body = f.body.trim();
  if (!title) errors.title = '请填写标题';
  else if (Array.from(title).length > TITLE_MAX) errors.title = `标题不能超过${TITLE_MAX}个字`;
  if (!body) errors.body = '请填写内容';
  else if (Array.from(body).length > BODY_MAX) errors.body = `内容不能超过${BODY_MAX}个字`;
  let audience: TNoticeAudience = { type: 'village' };
  if (f.audienceType === 'grid') {
    if (!f.gridId) errors.audience = '请选择网格';
    else audience = { type: 'grid', gridId: f.gridId };
  } else if (f.audienceType === 'role') {
    if (!f.role) errors.audience = '请选择发给哪些人';
    else audience = { type: 'role', role: f.role };
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const expiresAt = f.lastDay ? endOfBeijingDay(f.lastDay) : null;
  return {
    ok: true,
    body: {
      title,
      body,
      audience,
      ...(f.pinned ? { pinned: true } : {}),
      ...(expiresAt ? { expiresAt } : {}),
    },
  };
}

/** Who it goes to, in words: 全村 / 第一网格 / 全体村民代表. */
export function audienceWords(f: NoticeForm, grids: TGrid[]): string {
  if (f.audienceType === 'grid') return grids.find((g) => g.id === f.gridId)?.name ?? '一个网格';
  if (f.audienceType === 'role') return f.role ? `全体${roleLabel(f.role)}` : '一类人';
  return '全村';
}

export default function PublishNoticePage() {
  return <ManagePage roles={['cadre']}>{(v) => <PublishNotice village={v} />}</ManagePage>;
}

function Choice({
  on,
  onClick,
  children,
  testId,
}: {
  on: boolean;
  onClick: () => void;
  children: string;
  testId?: string;
}) {
  return (
    <View className={cx('choice', on && 'choice-on')} onClick={onClick} data-testid={testId}>
      <Text>{on ? `✓ ${children}` : children}</Text>
    </View>
  );
}

export function PublishNotice({ village }: { village: ManagedVillage }) {
  const [form, setForm] = useState<NoticeForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<NoticeFormErrors>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const grids = useLoad(() => api.villages.grids(village.villageId), village.villageId);
  const gridList = grids.data?.items ?? [];

  const checked = validateNotice(form);
  // One key per content: pressing 发布 again after a dropped answer cannot publish twice, and a
  // changed notice is a new request.
  const bodyJson = checked.ok ? JSON.stringify(checked.body) : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new key exactly when the body changes
  const key = useMemo(() => uuidV4(), [bodyJson]);

  const set = (patch: Partial<NoticeForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setErrors({});
  };

  const publish = async () => {
    if (!checked.ok) {
      setErrors(checked.errors);
      void Taro.showToast({ title: '还有要填的地方', icon: 'none' });
      return;
    }
    const confirm = await Taro.showModal({
      title: '确定发布吗？',
      content: `发给：${audienceWords(form, gridList)}。发布后，他们会收到消息。`,
      confirmText: '发布',
      cancelText: '再看看',
    });
    if (!confirm.confirm) return;
    setBusy(true);
    setFailure(null);
    try {
      const r = await api.notices.publish(village.villageId, checked.body, key);
      replaceWith(PAGES.manageNotices, {
        villageId: village.villageId,
        villageName: village.villageName,
        published: String(r.recipients),
      });
    } catch (e) {
      setFailure(e);
      void Taro.showToast({ title: errorMessage(e), icon: 'none' });
    } finally {
      setBusy(false);
    }
  };

  const bodyLength = Array.from(form.body).length;

  return (
    <View>
      <PageTitle sub={village.villageName}>发布通知</PageTitle>
      <Card>
        <Field
          label="标题"
          name="title"
          value={form.title}
          onChange={(title) => set({ title })}
          placeholder="例如：明天上午停水"
          maxlength={TITLE_MAX}
          error={errors.title}
          hint={`最多${TITLE_MAX}个字`}
        />
        <View className="field">
          <Text className="field-label">内容</Text>
          <Textarea
            className={cx('field-textarea', errors.body && 'field-input-error')}
            name="body"
            value={form.body}
            maxlength={BODY_MAX}
            placeholder="写清楚什么事、什么时间、要大家做什么"
            onInput={(e) => set({ body: e.detail.value })}
          />
          {errors.body ? (
            <Text className="field-error" data-testid="error-body">
              {errors.body}
            </Text>
          ) : (
            <Text className="field-hint">{`已写 ${bodyLength} 字`}</Text>
          )}
        </View>
      </Card>

      <Card title="发给谁">
        <View className="choice-grid">
          <Choice on={form.audienceType === 'village'} onClick={() => set({ audienceType: 'village' })}>
            全村
          </Choice>
          <Choice
            on={form.audienceType === 'grid'}
            onClick={() => set({ audienceType: 'grid' })}
            testId="audience-grid"
          >
            一个网格
          </Choice>
          <Choice
            on={form.audienceType === 'role'}
            onClick={() => set({ audienceType: 'role' })}
            testId="audience-role"
          >
            一类人
          </Choice>
        </View>
        {form.audienceType === 'grid' ? (
          grids.loading && !grids.data ? (
            <Loading />
          ) : grids.error ? (
            <ErrorNote error={grids.error} onRetry={grids.reload} />
          ) : gridList.length === 0 ? (
            <Text className="muted">本村还没有网格。</Text>
          ) : (
            <View className="choice-grid sub-choices">
              {gridList.map((g) => (
                <Choice key={g.id} on={form.gridId === g.id} onClick={() => set({ gridId: g.id })}>
                  {g.name}
                </Choice>
              ))}
            </View>
          )
        ) : null}
        {form.audienceType === 'role' ? (
          <View className="choice-grid sub-choices">
            {AUDIENCE_ROLES.map((r) => (
              <Choice key={r} on={form.role === r} onClick={() => set({ role: r })} testId={`role-${r}`}>
                {`全体${roleLabel(r)}`}
              </Choice>
            ))}
          </View>
        ) : null}
        {errors.audience ? (
          <Text className="field-error" data-testid="error-audience">
            {errors.audience}
          </Text>
        ) : null}
      </Card>

      <Card>
        <ToggleRow
          label="置顶"
          on={form.pinned}
          onChange={(pinned) => set({ pinned })}
          testId="pinned"
          hint="置顶的通知排在最前面。"
        />
        <View className="field deadline">
          <Text className="field-label">
            截止日期<Text className="field-optional">（选填）</Text>
          </Text>
          <Picker
            mode="date"
            value={form.lastDay || beijingToday()}
            start={beijingToday()}
            onChange={(e) => set({ lastDay: String(e.detail.value) })}
          >
            <View className="field-input picker-value">
              <Text>
                {form.lastDay ? form.lastDay.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日') : '不设截止'}
              </Text>
            </View>
          </Picker>
          {form.lastDay ? (
            <View className="actions">
              <Btn kind="plain" small onClick={() => set({ lastDay: '' })}>
                不设截止
              </Btn>
            </View>
          ) : (
            <Text className="field-hint">过了这一天，通知就不再显示。</Text>
          )}
        </View>
      </Card>

      {failure ? <ErrorNote error={failure as Error} /> : null}
      <View className="actions">
        <Btn onClick={() => void publish()} busy={busy} testId="publish">
          发布
        </Btn>
      </View>
    </View>
  );
}

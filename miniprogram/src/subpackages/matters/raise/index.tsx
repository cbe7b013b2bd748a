/**
 * 我要反映: the raise form, built for an elderly villager. One thing per block, large tiles with
 * words, one main action (提交). A grid worker may raise for a villager of their grid (代办), with
 * how the villager agreed. After 提交 the matter's own page replaces this one.
 */
import { Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useMemo, useState } from 'react';
import { DEFAULT_CATEGORIES, MATTER_KINDS, type MatterKind } from '@shared/matters/kinds';
import { MATTER_PHOTOS_MAX, MATTER_TEXT_MAX, MATTER_VOICE_MAX_S } from '@shared/matters/form-rules';
import { errorMessage } from '../../../api/client';
import { Btn, Card, ErrorNote, Loading, Note, PageTitle, ToggleRow } from '../../../components/ui';
import { useElder } from '../../../lib/elder';
import { cx } from '../../../lib/format';
import { replaceWith } from '../../../lib/nav';
import type { VillageView } from '../../../lib/roles';
import { useLoad } from '../../../lib/use-load';
import { uuidV4 } from '../../../lib/uuid';
import { type TMatterCategory, type TRaiseMatterBody, mattersApi } from '../api';
import { KIND_HINTS, KIND_MARKS, MATTER_PAGES, MatterPage, kindLabel } from '../common';
import { type PhotoItem, PhotoPicker, photosState } from '../photos';
import { SimilarMatters } from '../similar';
import { OnBehalfBlock, type OnBehalf } from './on-behalf';
import { type VoiceValue, VoiceSlot } from './voice';
import '../matters.scss';

export type RaiseForm = {
  kind: MatterKind | null;
  category: string | null;
  text: string;
  photos: PhotoItem[];
  voice: VoiceValue | null;
  location: { lat: number; lng: number; address?: string } | null;
  aboutCadre: boolean;
  visibility: 'public' | 'private';
  /** Only a grid worker's 代办. */
  onBehalf: OnBehalf | null;
};

export type RaiseErrors = Partial<
  Record<'kind' | 'category' | 'text' | 'photos' | 'visibility' | 'onBehalf', string>
>;

export const EMPTY_RAISE: RaiseForm = {
  kind: null,
  category: null,
  text: '',
  photos: [],
  voice: null,
  location: null,
  aboutCadre: false,
  visibility: 'private',
  onBehalf: null,
};

/** The form → the request body, or what to fix (messages match ZRaiseMatterSchema). */
export function validateRaise(
  f: RaiseForm,
  categories: readonly TMatterCategory[] = DEFAULT_CATEGORIES,
  now: () => Date = () => new Date(),
): { ok: true; body: TRaiseMatterBody } | { ok: false; errors: RaiseErrors } {
  const errors: RaiseErrors = {};
  if (!f.kind) errors.kind = '请选择事项类型';
  if (!f.category || !categories.some((c) => c.key === f.category)) errors.category = '请选择事项类别';
  const text = f.text.trim();
  if (!text && !f.voice) errors.text = '请写几句话，或者录一段语音';
  else if (text.length > MATTER_TEXT_MAX) errors.text = `文字不能超过${MATTER_TEXT_MAX}个字`;
  const photos = photosState(f.photos);
  if (f.photos.length > MATTER_PHOTOS_MAX) errors.photos = `照片最多${MATTER_PHOTOS_MAX}张`;
  else if (photos.uploading) errors.photos = '照片还在上传，请稍等';
  else if (photos.failed) errors.photos = '有照片没传上去，请删掉或重传';
  if (f.aboutCadre && f.visibility === 'public') errors.visibility = '反映村干部的事项不能公开';
  if (f.onBehalf) {
    if (!f.onBehalf.villagerId) errors.onBehalf = '请选择替哪位村民反映';
    else if (!f.onBehalf.method) errors.onBehalf = '请选择村民同意的方式';
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const body: TRaiseMatterBody = {
    kind: f.kind!,
    category: f.category!,
    text,
    photoIds: photos.ids,
    aboutCadre: f.aboutCadre,
    visibility: f.aboutCadre ? 'private' : f.visibility,
  };
  if (f.voice) body.voice = { fileId: f.voice.fileId, durationS: f.voice.durationS };
  if (f.location) body.location = f.location;
  if (f.onBehalf?.villagerId && f.onBehalf.method) {
    body.onBehalfOf = {
      villagerId: f.onBehalf.villagerId,
      consent: { method: f.onBehalf.method, at: f.onBehalf.at ?? now().toISOString() },
    };
  }
  return { ok: true, body };
}

export default function RaisePage() {
  return <MatterPage>{(v) => <RaiseWithCategories village={v} />}</MatterPage>;
}

/** The village's own categories (hidden ones are kept for old matters, not offered). */
function RaiseWithCategories({ village }: { village: VillageView }) {
  const settings = useLoad(() => mattersApi.settings(village.villageId), village.villageId);
  if (settings.loading && !settings.data) return <Loading />;
  const own = settings.data?.categories.filter((c) => !c.hidden) ?? [];
  // Without the village's list (an old server, a hiccup) the defaults still let a villager report.
  return <RaiseMatter village={village} categories={own.length ? own : DEFAULT_CATEGORIES} />;
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

export function RaiseMatter({
  village,
  categories = DEFAULT_CATEGORIES,
}: {
  village: VillageView;
  categories?: readonly TMatterCategory[];
}) {
  const elder = useElder();
  const [form, setForm] = useState<RaiseForm>(EMPTY_RAISE);
  const [errors, setErrors] = useState<RaiseErrors>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const isGridWorker = village.roles.includes('grid_worker');

  const checked = validateRaise(form, categories);
  // One key per content: pressing 提交 again after a dropped answer cannot raise twice, and a
  // changed matter is a new request.
  const bodyJson = checked.ok ? JSON.stringify(checked.body) : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new key exactly when the body changes
  const key = useMemo(() => uuidV4(), [bodyJson]);

  // Keep functional updates: photo uploads finish one by one and must not undo each other.
  const set = (patch: Partial<RaiseForm> | ((f: RaiseForm) => Partial<RaiseForm>)) => {
    setForm((f) => ({ ...f, ...(typeof patch === 'function' ? patch(f) : patch) }));
    setErrors({});
  };

  const submit = async () => {
    if (!checked.ok) {
      setErrors(checked.errors);
      void Taro.showToast({ title: '还有要填的地方', icon: 'none' });
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const r = await mattersApi.raise(village.villageId, checked.body, key);
      void Taro.showToast({ title: '已提交', icon: 'success' });
      replaceWith(MATTER_PAGES.detail, { villageId: village.villageId, id: r.id, raised: '1' });
    } catch (e) {
      setFailure(e);
      void Taro.showToast({ title: errorMessage(e), icon: 'none' });
    } finally {
      setBusy(false);
    }
  };

  const chooseLocation = async () => {
    try {
      const r = await Taro.chooseLocation({});
      set({
        location: {
          lat: r.latitude,
          lng: r.longitude,
          ...(r.address || r.name ? { address: (r.name || r.address).slice(0, 200) } : {}),
        },
      });
    } catch {
      // cancelled, or no permission: location stays optional
    }
  };

  const textLength = form.text.trim().length;

  return (
    <View data-testid="raise-form">
      <PageTitle sub={village.villageName}>我要反映</PageTitle>

      {isGridWorker ? (
        <OnBehalfBlock
          villageId={village.villageId}
          value={form.onBehalf}
          onChange={(onBehalf) => set({ onBehalf })}
          error={errors.onBehalf}
        />
      ) : null}

      <Card title="1. 什么事？">
        <View className={cx('kind-grid', elder.on && 'kind-grid-elder')}>
          {MATTER_KINDS.map((k) => (
            <View
              key={k}
              className={cx('kind-tile', form.kind === k && 'kind-tile-on')}
              onClick={() => set({ kind: k })}
              data-testid={`kind-${k}`}
              role="radio"
              aria-checked={form.kind === k ? 'true' : 'false'}
            >
              <Text className={cx('kind-mark', `kind-mark-${k}`)}>{KIND_MARKS[k]}</Text>
              <Text className="kind-word">{kindLabel(k)}</Text>
              {elder.on ? null : <Text className="kind-hint">{KIND_HINTS[k]}</Text>}
              {form.kind === k ? <Text className="kind-check">✓ 已选</Text> : null}
            </View>
          ))}
        </View>
        {errors.kind ? (
          <Text className="field-error" data-testid="error-kind">
            {errors.kind}
          </Text>
        ) : null}
      </Card>

      <Card title="2. 哪方面的事？">
        <View className="choice-grid">
          {categories.map((c) => (
            <Choice
              key={c.key}
              on={form.category === c.key}
              onClick={() => set({ category: c.key })}
              testId={`category-${c.key}`}
            >
              {c.label}
            </Choice>
          ))}
        </View>
        {errors.category ? (
          <Text className="field-error" data-testid="error-category">
            {errors.category}
          </Text>
        ) : null}
      </Card>

      <Card title="3. 说一说">
        <View className="field">
          <Textarea
            className={cx('field-textarea', errors.text && 'field-input-error')}
            name="text"
            value={form.text}
            maxlength={MATTER_TEXT_MAX}
            placeholder="什么地方、什么事、想让村里怎么办"
            onInput={(e) => set({ text: e.detail.value })}
          />
          {errors.text ? (
            <Text className="field-error" data-testid="error-text">
              {errors.text}
            </Text>
          ) : (
            <Text
              className={cx('field-hint', textLength > MATTER_TEXT_MAX - 100 && 'count-near')}
              data-testid="text-count"
            >
              {`已写 ${textLength} 字，最多 ${MATTER_TEXT_MAX} 字`}
            </Text>
          )}
        </View>
        <VoiceSlot
          villageId={village.villageId}
          value={form.voice}
          onChange={(voice) => set({ voice })}
          onTranscript={(heard) => set((f) => ({ text: `${f.text}${heard}` }))}
          maxSeconds={MATTER_VOICE_MAX_S}
        />
      </Card>

      {form.category && textLength >= 4 ? (
        <SimilarMatters villageId={village.villageId} category={form.category} text={form.text} />
      ) : null}

      <Card title="4. 拍照片" extra={<Text className="muted">选填，最多{MATTER_PHOTOS_MAX}张</Text>}>
        <PhotoPicker
          villageId={village.villageId}
          photos={form.photos}
          onChange={(update) => set((f) => ({ photos: update(f.photos) }))}
          max={MATTER_PHOTOS_MAX}
        />
        {errors.photos ? (
          <Text className="field-error" data-testid="error-photos">
            {errors.photos}
          </Text>
        ) : null}
        {process.env.TARO_ENV === 'weapp' ? (
          <View className="location-row">
            {form.location ? (
              <>
                <Text className="location-text">位置：{form.location.address ?? '已选好'}</Text>
                <Btn kind="plain" small onClick={() => set({ location: null })}>
                  不要位置
                </Btn>
              </>
            ) : (
              <Btn kind="secondary" small onClick={() => void chooseLocation()} testId="choose-location">
                选位置（选填）
              </Btn>
            )}
          </View>
        ) : null}
      </Card>

      <Card title="5. 给谁看？">
        <ToggleRow
          label="反映的是村干部"
          on={form.aboutCadre}
          onChange={(aboutCadre) => set({ aboutCadre, visibility: aboutCadre ? 'private' : form.visibility })}
          testId="about-cadre"
          hint={
            form.aboutCadre
              ? '这件事直接交给村务监督委员会和镇里，村干部看不到。为了保护您，不能公开。'
              : '如果是反映村干部的问题，请打开。'
          }
        />
        <View className="choice-grid visibility">
          <Choice
            on={form.aboutCadre || form.visibility === 'private'}
            onClick={() => set({ visibility: 'private' })}
            testId="visibility-private"
          >
            不公开
          </Choice>
          {form.aboutCadre ? null : (
            <Choice
              on={form.visibility === 'public'}
              onClick={() => set({ visibility: 'public' })}
              testId="visibility-public"
            >
              公开给全村
            </Choice>
          )}
        </View>
        <Text className="muted visibility-words">
          {form.aboutCadre || form.visibility === 'private'
            ? '不公开：只有您和办这件事的人能看到。'
            : '公开：村里人都能看到这件事和办理进展，但看不到您的名字和电话。'}
        </Text>
        {errors.visibility ? <Text className="field-error">{errors.visibility}</Text> : null}
      </Card>

      {failure ? <ErrorNote error={failure as Error} /> : null}
      {photosState(form.photos).uploading ? <Note>照片正在上传，传完就能提交。</Note> : null}
      <View className="actions submit-bar">
        <Btn onClick={() => void submit()} busy={busy} testId="submit-matter">
          提交
        </Btn>
      </View>
    </View>
  );
}

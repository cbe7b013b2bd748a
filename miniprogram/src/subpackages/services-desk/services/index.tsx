/**
 * 服务项目 — a cadre keeps the village's catalogue: adds a service, edits one (name, icon, what to
 * bring, how long, who serves, booking / 代办), or stops offering it (不再办理). Stopping cancels
 * the bookings still to come: the village tells each villager, with the free times of the
 * service that takes over, if one is picked.
 */
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { type ServiceIcon, SERVICE_ICONS } from '@shared/services/rules';
import { useState } from 'react';
import {
  type TCreateServiceBody,
  type TService,
  type TServiceDetail,
  servicesApi,
} from '../../../api/services';
import { SERVICE_PAGES, ServiceIconBadge } from '../../../components/services';
import {
  Btn,
  Card,
  ErrorNote,
  Field,
  LinkRow,
  Loading,
  Note,
  PageTitle,
  ToggleRow,
} from '../../../components/ui';
import { go } from '../../../lib/nav';
import { useLoad } from '../../../lib/use-load';
import { DeskPage, type DeskVillage } from '../common';

export default function ServicesAdminPage() {
  return <DeskPage>{(v) => <ServiceCatalogueAdmin village={v} />}</DeskPage>;
}

/** Words for each icon (an icon never stands alone). */
export const ICON_WORDS: Record<ServiceIcon, string> = {
  id: '证件',
  doc: '证明',
  medical: '医保',
  law: '法律',
  farm: '农业',
  home: '住房',
  money: '补贴',
  other: '其他',
};

export type ServiceFormValues = {
  name: string;
  icon: ServiceIcon;
  summary: string;
  materials: string;
  durationMinutes: string;
  servedBy: string;
  bookable: boolean;
  errand: boolean;
};

export type ServiceFormErrors = Partial<Record<'name' | 'materials' | 'durationMinutes' | 'form', string>>;

export const formOf = (s?: TService): ServiceFormValues => ({
  name: s?.name ?? '',
  icon: s?.icon ?? 'other',
  summary: s?.summary ?? '',
  materials: s?.materials.join('、') ?? '',
  durationMinutes: String(s?.durationMinutes ?? 15),
  servedBy: s?.servedBy ?? '',
  bookable: s?.bookable ?? true,
  errand: s?.errand ?? false,
});

/** The form in plain words → the body the API takes (the same limits as shared/services/schemas). */
export function serviceFormBody(
  v: ServiceFormValues,
):
  | { ok: true; value: Required<Omit<TCreateServiceBody, 'slotMinutes'>> }
  | { ok: false; errors: ServiceFormErrors } {
  const errors: ServiceFormErrors = {};
  const name = v.name.trim();
  if (!name) errors.name = '请写服务名称';
  else if (Array.from(name).length > 20) errors.name = '名称不能超过20个字';
  const materials = v.materials
    .split(/[、,，;；\n]+/)
    .map((m) => m.trim())
    .filter(Boolean);
  if (materials.length > 12) errors.materials = '材料最多12项';
  else if (materials.some((m) => Array.from(m).length > 40)) errors.materials = '每项材料不能超过40个字';
  const minutes = Number(v.durationMinutes);
  if (!/^\d+$/.test(v.durationMinutes.trim()) || minutes < 1 || minutes > 480)
    errors.durationMinutes = '请填1到480之间的分钟数';
  if (!v.bookable && !v.errand) errors.form = '至少要能预约或能代办';
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name,
      icon: v.icon,
      summary: v.summary.trim().slice(0, 200),
      materials,
      durationMinutes: minutes,
      servedBy: v.servedBy.trim().slice(0, 40),
      bookable: v.bookable,
      errand: v.errand,
    },
  };
}

const NEW = 'new';

export function ServiceCatalogueAdmin({ village }: { village: DeskVillage }) {
  const list = useLoad(() => servicesApi.list(village.villageId), village.villageId);
  const [picked, setPicked] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const items = list.data?.items ?? [];
  const chosen = picked ?? items[0]?.id ?? NEW;

  const afterChange = (message: string, select: string | null) => {
    setDone(message);
    setPicked(select);
    list.reload();
  };

  return (
    <View>
      <PageTitle sub={village.villageName}>服务项目</PageTitle>
      {done ? <Note tone="success">{done}</Note> : null}
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorNote error={list.error} onRetry={list.reload} />
      {list.data ? (
        <View className="choice-grid" data-testid="service-picker">
          {items.map((s) => (
            <View
              key={s.id}
              className={s.id === chosen ? 'choice choice-on' : 'choice'}
              onClick={() => {
                setPicked(s.id);
                setDone(null);
              }}
              data-testid={`pick-${s.name}`}
            >
              <Text>{s.name}</Text>
            </View>
          ))}
          <View
            className={chosen === NEW ? 'choice choice-on' : 'choice'}
            onClick={() => {
              setPicked(NEW);
              setDone(null);
            }}
            data-testid="pick-new"
          >
            <Text>＋ 加一项服务</Text>
          </View>
        </View>
      ) : null}
      {list.data && chosen === NEW ? (
        <NewService
          villageId={village.villageId}
          onCreated={(s) => afterChange(`已加上“${s.name}”。请再设好办理时间。`, s.id)}
        />
      ) : null}
      {list.data && chosen !== NEW ? (
        <EditService
          key={chosen}
          villageId={village.villageId}
          serviceId={chosen}
          others={items.filter((s) => s.id !== chosen && s.bookable)}
          onSaved={() => {
            setDone('已保存');
            list.reload();
          }}
          onRetired={(name, notified) =>
            afterChange(notified ? `“${name}”已停办，已通知 ${notified} 位村民` : `“${name}”已停办`, null)
          }
        />
      ) : null}
      <LinkRow
        label="办理时间和暂停安排"
        onClick={() => go(SERVICE_PAGES.hours, { villageId: village.villageId })}
        testId="go-hours"
      />
    </View>
  );
}

function ServiceForm({
  values,
  errors,
  onChange,
}: {
  values: ServiceFormValues;
  errors: ServiceFormErrors;
  onChange: (v: Partial<ServiceFormValues>) => void;
}) {
  return (
    <View>
      <Field
        label="服务名称"
        name="svc-name"
        value={values.name}
        onChange={(name) => onChange({ name })}
        maxlength={20}
        error={errors.name}
      />
      <Text className="field-label">图标</Text>
      <View className="choice-grid icon-choices">
        {SERVICE_ICONS.map((icon) => (
          <View
            key={icon}
            className={icon === values.icon ? 'choice choice-on icon-choice' : 'choice icon-choice'}
            onClick={() => onChange({ icon })}
            data-testid={`icon-${icon}`}
          >
            <ServiceIconBadge icon={icon} small />
            <Text>{ICON_WORDS[icon]}</Text>
          </View>
        ))}
      </View>
      <Field
        label="简单介绍"
        name="svc-summary"
        value={values.summary}
        onChange={(summary) => onChange({ summary })}
        maxlength={200}
        optional
      />
      <Field
        label="要带的材料（用顿号隔开）"
        name="svc-materials"
        value={values.materials}
        onChange={(materials) => onChange({ materials })}
        placeholder="身份证、户口本"
        optional
        error={errors.materials}
      />
      <Field
        label="大约要多少分钟"
        name="svc-minutes"
        type="number"
        value={values.durationMinutes}
        onChange={(durationMinutes) => onChange({ durationMinutes })}
        maxlength={3}
        error={errors.durationMinutes}
      />
      <Field
        label="谁来接待"
        name="svc-served-by"
        value={values.servedBy}
        onChange={(servedBy) => onChange({ servedBy })}
        placeholder="比如：文书 李桂兰"
        maxlength={40}
        optional
      />
      <ToggleRow
        label="可以预约"
        on={values.bookable}
        onChange={(bookable) => onChange({ bookable })}
        testId="svc-bookable"
      />
      <ToggleRow
        label="可以请村里代办"
        on={values.errand}
        onChange={(errand) => onChange({ errand })}
        testId="svc-errand"
      />
      {errors.form ? (
        <Text className="field-error" data-testid="svc-form-error">
          {errors.form}
        </Text>
      ) : null}
    </View>
  );
}

function NewService({ villageId, onCreated }: { villageId: string; onCreated: (s: TServiceDetail) => void }) {
  const [values, setValues] = useState(formOf());
  const [errors, setErrors] = useState<ServiceFormErrors>({});
  const [busy, setBusy] = useState(false);
  const [fail, setFail] = useState<Error | null>(null);
  const add = async () => {
    const body = serviceFormBody(values);
    if (!body.ok) return setErrors(body.errors);
    setErrors({});
    setBusy(true);
    setFail(null);
    try {
      onCreated(await servicesApi.create(villageId, body.value));
    } catch (e) {
      setFail(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="加一项服务">
      <ServiceForm values={values} errors={errors} onChange={(v) => setValues((o) => ({ ...o, ...v }))} />
      <ErrorNote error={fail} />
      <Btn onClick={() => void add()} busy={busy} testId="add-service">
        加上这项服务
      </Btn>
    </Card>
  );
}

function EditService({
  villageId,
  serviceId,
  others,
  onSaved,
  onRetired,
}: {
  villageId: string;
  serviceId: string;
  others: TService[];
  onSaved: () => void;
  onRetired: (name: string, notified: number) => void;
}) {
  const { data, error, loading, reload, setData } = useLoad(
    () => servicesApi.detail(villageId, serviceId),
    serviceId,
  );
  const [values, setValues] = useState<ServiceFormValues | null>(null);
  const [errors, setErrors] = useState<ServiceFormErrors>({});
  const [fail, setFail] = useState<Error | null>(null);
  const [busy, setBusy] = useState<'save' | 'retire' | null>(null);
  const [reason, setReason] = useState('');
  const [reasonErr, setReasonErr] = useState<string | null>(null);
  const [replacement, setReplacement] = useState<string | null>(null);

  if (loading && !data) return <Loading />;
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (!data) return null;
  const form = values ?? formOf(data);

  const save = async () => {
    const body = serviceFormBody(form);
    if (!body.ok) return setErrors(body.errors);
    setErrors({});
    setBusy('save');
    setFail(null);
    try {
      const saved = await servicesApi.update(villageId, serviceId, body.value);
      setData(saved);
      setValues(formOf(saved));
      onSaved();
    } catch (e) {
      setFail(e as Error);
    } finally {
      setBusy(null);
    }
  };

  const retire = async () => {
    setReasonErr(null);
    if (!reason.trim()) return setReasonErr('请写上为什么不再办理');
    const to = others.find((s) => s.id === replacement);
    const r = await Taro.showModal({
      title: `不再办理“${data.name}”？`,
      content: to
        ? `村民看不到这项服务了。已经预约的村民会收到通知，可以改约到“${to.name}”。`
        : '村民看不到这项服务了。已经预约的村民会收到取消通知。',
      confirmText: '不再办理',
      cancelText: '再想想',
    });
    if (!r.confirm) return;
    setBusy('retire');
    setFail(null);
    try {
      const res = await servicesApi.retire(villageId, serviceId, {
        reason: reason.trim(),
        ...(to ? { replacementId: to.id } : {}),
      });
      onRetired(data.name, res.notified);
    } catch (e) {
      setFail(e as Error);
      setBusy(null);
    }
  };

  return (
    <View>
      <Card
        title={
          <View className="svc-head">
            <ServiceIconBadge icon={form.icon} small />
            <Text>{`修改“${data.name}”`}</Text>
          </View>
        }
      >
        <ServiceForm values={form} errors={errors} onChange={(v) => setValues({ ...form, ...v })} />
        <Btn onClick={() => void save()} busy={busy === 'save'} testId="save-service">
          保存修改
        </Btn>
      </Card>
      <ErrorNote error={fail} />
      <Card title="不再办理这项服务">
        <Text className="muted">
          停办后村民看不到这项服务。已经约了以后时间的村民会收到取消通知；选一项替代的服务，通知里会告诉他们可以改约的时间。
        </Text>
        <Field
          label="为什么不再办理"
          name="retire-reason"
          value={reason}
          onChange={setReason}
          placeholder="比如：改到镇便民服务中心办理"
          maxlength={100}
          error={reasonErr}
        />
        <Text className="field-label">可以改到哪项服务（选填）</Text>
        <View className="choice-grid" data-testid="replacement-picker">
          <View
            className={replacement === null ? 'choice choice-on' : 'choice'}
            onClick={() => setReplacement(null)}
            data-testid="replace-none"
          >
            <Text>不指定</Text>
          </View>
          {others.map((s) => (
            <View
              key={s.id}
              className={s.id === replacement ? 'choice choice-on' : 'choice'}
              onClick={() => setReplacement(s.id)}
              data-testid={`replace-${s.name}`}
            >
              <Text>{s.name}</Text>
            </View>
          ))}
        </View>
        <Btn kind="danger" onClick={() => void retire()} busy={busy === 'retire'} testId="retire-service">
          不再办理
        </Btn>
      </Card>
    </View>
  );
}

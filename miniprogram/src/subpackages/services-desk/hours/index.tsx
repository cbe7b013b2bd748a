/**
 * 办理时间 — a cadre sets each service's weekly hours (evening sessions included) and its
 * exceptions: a closed day or part of one (holiday, a cadre away: booked people are told and
 * offered other times), or extra hours.
 */
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { WEEKDAY_LABELS, isCalendarDate, isTimeOfDay, minuteOfDay } from '@shared/services/rules';
import { useState } from 'react';
import { errorMessage } from '../../../api';
import { type TServiceDetail, servicesApi } from '../../../api/services';
import { EveningTag, ServiceIconBadge } from '../../../components/services';
import { Btn, Card, Empty, ErrorNote, Field, Loading, Note, PageTitle } from '../../../components/ui';
import { useLoad } from '../../../lib/use-load';
import { DeskPage, type DeskVillage } from '../common';

export default function HoursPage() {
  return <DeskPage>{(v) => <ServiceHours village={v} />}</DeskPage>;
}

type Window = { weekday: number; start: string; end: string; capacity: number };

export function validateWindow(w: {
  weekday: number | null;
  start: string;
  end: string;
  capacity: string;
}): { ok: true; value: Window } | { ok: false; error: string } {
  if (!w.weekday) return { ok: false, error: '请选择星期几' };
  if (!isTimeOfDay(w.start) || !isTimeOfDay(w.end)) return { ok: false, error: '时间要写成 19:00 这样' };
  if (minuteOfDay(w.start) >= minuteOfDay(w.end)) return { ok: false, error: '结束时间要晚于开始时间' };
  const c = Number(w.capacity);
  if (!Number.isInteger(c) || c < 1 || c > 50) return { ok: false, error: '每个时段1到50人' };
  return { ok: true, value: { weekday: w.weekday, start: w.start, end: w.end, capacity: c } };
}

export function ServiceHours({ village }: { village: DeskVillage }) {
  const list = useLoad(() => servicesApi.list(village.villageId), village.villageId);
  const [serviceId, setServiceId] = useState<string | null>(null);
  const chosen = serviceId ?? list.data?.items[0]?.id ?? null;
  return (
    <View>
      <PageTitle sub={village.villageName}>办理时间</PageTitle>
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorNote error={list.error} onRetry={list.reload} />
      <View className="choice-grid">
        {list.data?.items.map((s) => (
          <View
            key={s.id}
            className={s.id === chosen ? 'choice choice-on' : 'choice'}
            onClick={() => setServiceId(s.id)}
            data-testid={`pick-${s.name}`}
          >
            <Text>{s.name}</Text>
          </View>
        ))}
      </View>
      {chosen ? <HoursEditor key={chosen} villageId={village.villageId} serviceId={chosen} /> : null}
    </View>
  );
}

function HoursEditor({ villageId, serviceId }: { villageId: string; serviceId: string }) {
  const { data, error, loading, reload, setData } = useLoad(
    () => servicesApi.detail(villageId, serviceId),
    serviceId,
  );
  const [weekday, setWeekday] = useState<number | null>(null);
  const [start, setStart] = useState('19:00');
  const [end, setEnd] = useState('21:00');
  const [capacity, setCapacity] = useState('2');
  const [err, setErr] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [exDate, setExDate] = useState('');
  const [exReason, setExReason] = useState('');
  const [exErr, setExErr] = useState<string | null>(null);

  if (loading && !data) return <Loading />;
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (!data) return null;

  const save = async (hours: Window[], message: string) => {
    setErr(null);
    try {
      setData(await servicesApi.setHours(villageId, serviceId, { hours }));
      setSaved(message);
    } catch (e) {
      setErr(errorMessage(e));
    }
  };
  const current = (d: TServiceDetail): Window[] => d.hours.map((h) => ({ ...h }));
  const add = () => {
    const v = validateWindow({ weekday, start, end, capacity });
    if (!v.ok) return setErr(v.error);
    void save([...current(data), v.value], '已加上这个时段');
  };
  const remove = (i: number) =>
    void save(
      current(data).filter((_, j) => j !== i),
      '已删掉这个时段',
    );
  const closeDay = async () => {
    setExErr(null);
    if (!isCalendarDate(exDate)) return setExErr('日期要写成 2026-12-03 这样');
    if (!exReason.trim()) return setExErr('请写上原因');
    const r = await Taro.showModal({
      title: `${exDate} 暂停办理？`,
      content: '这一天已经预约的村民会收到通知，并看到可以改约的时间。',
      confirmText: '暂停办理',
      cancelText: '再想想',
    });
    if (!r.confirm) return;
    try {
      const res = await servicesApi.addException(villageId, serviceId, {
        date: exDate,
        kind: 'closed',
        reason: exReason.trim(),
      });
      setData(res);
      setSaved(res.cancelledBookings ? `已暂停，已通知 ${res.cancelledBookings} 位预约的村民` : '已暂停办理');
      setExDate('');
      setExReason('');
    } catch (e) {
      setExErr(errorMessage(e));
    }
  };
  const removeException = async (id: string) => {
    try {
      setData(await servicesApi.removeException(villageId, serviceId, id));
    } catch (e) {
      setExErr(errorMessage(e));
    }
  };

  return (
    <View>
      <View className="svc-head">
        <ServiceIconBadge icon={data.icon} small />
        <Text className="svc-name">{data.name}</Text>
      </View>
      {saved ? <Note tone="success">{saved}</Note> : null}
      <Card title="每周办理时间">
        {data.hours.length === 0 ? <Empty>还没有设办理时间。</Empty> : null}
        {data.hours.map((h, i) => (
          <View key={`${h.weekday}-${h.start}-${h.end}`} className="desk-row desk-row-flex">
            <Text>{`${WEEKDAY_LABELS[h.weekday as 1]} ${h.start}–${h.end}，每个时段${h.capacity}人 `}</Text>
            {minuteOfDay(h.start) >= 18 * 60 ? <EveningTag /> : null}
            <Btn small kind="plain" onClick={() => remove(i)}>
              删掉
            </Btn>
          </View>
        ))}
      </Card>
      <Card title="加一个时段（晚上也可以）">
        <View className="choice-grid">
          {[1, 2, 3, 4, 5, 6, 7].map((w) => (
            <View
              key={w}
              className={w === weekday ? 'choice choice-on' : 'choice'}
              onClick={() => setWeekday(w)}
              data-testid={`weekday-${w}`}
            >
              <Text>{WEEKDAY_LABELS[w as 1]}</Text>
            </View>
          ))}
        </View>
        <Field label="开始" name="start" value={start} onChange={setStart} placeholder="19:00" />
        <Field label="结束" name="end" value={end} onChange={setEnd} placeholder="21:00" />
        <Field label="每个时段几个人" name="capacity" type="number" value={capacity} onChange={setCapacity} />
        {err ? (
          <Text className="field-error" data-testid="error-window">
            {err}
          </Text>
        ) : null}
        <Btn onClick={add} testId="add-window">
          加上
        </Btn>
      </Card>
      <Card title="暂停办理（节假日、干部外出）">
        {data.exceptions.map((e) => (
          <View key={e.id} className="desk-row desk-row-flex">
            <Text>{`${e.date} ${e.start ? `${e.start}–${e.end}` : '全天'} ${e.kind === 'closed' ? '暂停' : '加开'}：${e.reason} `}</Text>
            <Btn small kind="plain" onClick={() => void removeException(e.id)}>
              撤销
            </Btn>
          </View>
        ))}
        <Field label="日期" name="ex-date" value={exDate} onChange={setExDate} placeholder="2026-12-03" />
        <Field
          label="原因"
          name="ex-reason"
          value={exReason}
          onChange={setExReason}
          placeholder="比如：干部去镇里开会"
          error={exErr}
        />
        <Btn kind="danger" onClick={() => void closeDay()} testId="close-day">
          这一天暂停办理
        </Btn>
      </Card>
    </View>
  );
}

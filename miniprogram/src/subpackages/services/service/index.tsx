/**
 * One service: what to bring, how long, who serves, when it is open; the calendar of free slots
 * (evening ones dark and marked 夜间). Tapping a free slot opens the confirm page — or, when
 * rescheduling (`bookingId` in the query), moves the booking there after one confirm. A full slot
 * offers the waitlist; an errand service (代办) can be asked for here.
 */
import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { WEEKDAY_LABELS, minuteOfDay } from '@shared/services/rules';
import { useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../../api';
import { type TServiceDetail, type TSlot, servicesApi } from '../../../api/services';
import { Gate } from '../../../components/gate';
import { ReadAloud } from '../../../components/read-aloud';
import {
  EveningTag,
  SERVICE_PAGES,
  ServiceIconBadge,
  SlotButtons,
  friendlyDay,
  slotLabel,
} from '../../../components/services';
import { Btn, Card, Empty, ErrorNote, Field, Loading, Note, PageTitle, Screen } from '../../../components/ui';
import { go, replaceWith } from '../../../lib/nav';
import { serviceSpeech } from '../../../lib/speech-text';
import { CONSENT_MOMENTS, loadTemplates, requestConsent } from '../../../lib/subscribe';
import { useLoad } from '../../../lib/use-load';
import { uuidV4 } from '../../../lib/uuid';

export default function ServicePage() {
  const { villageId, serviceId, bookingId } = useRouter().params;
  return (
    <Screen>
      <Gate>
        {() =>
          villageId && serviceId ? (
            <ServiceView villageId={villageId} serviceId={serviceId} bookingId={bookingId} />
          ) : (
            <Empty>没有找到这项服务。</Empty>
          )
        }
      </Gate>
    </Screen>
  );
}

/** Weekly windows grouped by time: "周一至周五 09:00–11:30", "每天 19:00–21:00" (夜间). */
export function hoursText(
  d: Pick<TServiceDetail, 'hours'>,
): { key: string; text: string; evening: boolean }[] {
  const byTime = new Map<string, number[]>();
  for (const h of d.hours) {
    const k = `${h.start}–${h.end}`;
    byTime.set(k, [...(byTime.get(k) ?? []), h.weekday]);
  }
  const days = (ws: number[]) => {
    const set = [...new Set(ws)].sort((a, b) => a - b);
    if (set.length === 7) return '每天';
    if (set.join() === '1,2,3,4,5') return '周一至周五';
    if (set.join() === '6,7') return '周末';
    return set.map((w) => WEEKDAY_LABELS[w as 1]).join('、');
  };
  return [...byTime.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, ws]) => ({ key: k, text: `${days(ws)} ${k}`, evening: minuteOfDay(k.slice(0, 5)) >= 18 * 60 }));
}

export function ServiceView({
  villageId,
  serviceId,
  bookingId,
}: {
  villageId: string;
  serviceId: string;
  bookingId?: string;
}) {
  const load = useLoad(async () => {
    const [detail, slots] = await Promise.all([
      servicesApi.detail(villageId, serviceId),
      servicesApi.slots(villageId, serviceId, 14),
    ]);
    return { detail, slots: slots.items };
  }, `${villageId}/${serviceId}`);
  const [day, setDay] = useState<string | null>(null);
  // A week of days at first: fewer choices on screen; the second week on request.
  const [allDays, setAllDays] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  // weapp: templates loaded ahead, so a confirm tap can ask for message consent at once.
  useEffect(() => {
    void loadTemplates();
  }, []);

  const days = useMemo(() => {
    const by = new Map<string, TSlot[]>();
    for (const s of load.data?.slots ?? []) by.set(s.date, [...(by.get(s.date) ?? []), s]);
    return [...by.entries()];
  }, [load.data]);
  const shownDay = day ?? days[0]?.[0] ?? null;
  const daySlots = days.find(([d]) => d === shownDay)?.[1] ?? [];

  if (load.loading && !load.data) return <Loading />;
  if (load.error) return <ErrorNote error={load.error} onRetry={load.reload} />;
  if (!load.data) return null;
  const d = load.data.detail;

  const pick = async (s: TSlot) => {
    setError(null);
    if (s.status === 'cancelled') return;
    if (s.status === 'full') {
      const r = await Taro.showModal({
        title: '已约满',
        content: `${slotLabel(new Date(s.startsAt))} 已约满。要排队等空位吗？有人取消时会通知您。`,
        confirmText: '排队',
        cancelText: '不用了',
      });
      if (!r.confirm) return;
      // Asked right after the confirm tap (weapp; a no-op on h5), not waited for.
      void requestConsent(CONSENT_MOMENTS.waitlisted);
      try {
        const w = await servicesApi.waitlist(villageId, serviceId, s.startsAt);
        setNote(`已排队，您排第${w.position}位。有空位会通知您。`);
      } catch (e) {
        setError(e);
      }
      return;
    }
    if (bookingId) {
      const r = await Taro.showModal({
        title: '改到这个时间？',
        content: `${d.name}：${slotLabel(new Date(s.startsAt))}${s.evening ? '（夜间）' : ''}`,
        confirmText: '改时间',
        cancelText: '再想想',
      });
      if (!r.confirm) return;
      void requestConsent(CONSENT_MOMENTS.rescheduled);
      setBusy(true);
      try {
        await servicesApi.reschedule(villageId, bookingId, s.startsAt);
        replaceWith(SERVICE_PAGES.bookings, { villageId, changed: '1' });
      } catch (e) {
        setError(e);
        load.reload();
      } finally {
        setBusy(false);
      }
      return;
    }
    go(SERVICE_PAGES.book, { villageId, serviceId, startsAt: s.startsAt });
  };

  return (
    <View>
      <View className="svc-head">
        <ServiceIconBadge icon={d.icon} small />
        <PageTitle sub={d.summary || undefined}>{d.name}</PageTitle>
      </View>
      {bookingId ? <Note tone="warn">请选一个新的时间，原来的预约会自动改过去。</Note> : null}
      <ReadAloud title={d.name} speak={serviceSpeech(d, hoursText(d))} showText={false} />
      <Card title="办事须知">
        <View className="kv">
          <Text className="kv-key">要带</Text>
          <Text className="kv-value" data-testid="materials">
            {d.materials.length ? d.materials.join('、') : '不用带材料'}
          </Text>
        </View>
        <View className="kv">
          <Text className="kv-key">要多久</Text>
          <Text className="kv-value">大约 {d.durationMinutes} 分钟</Text>
        </View>
        {d.servedBy ? (
          <View className="kv">
            <Text className="kv-key">谁来办</Text>
            <Text className="kv-value">{d.servedBy}</Text>
          </View>
        ) : null}
        {d.hours.length ? (
          <View className="kv">
            <Text className="kv-key">办理时间</Text>
            <View className="kv-value">
              {hoursText(d).map((h) => (
                <View key={h.key}>
                  <Text>{h.text} </Text>
                  {h.evening ? <EveningTag /> : null}
                </View>
              ))}
            </View>
          </View>
        ) : null}
      </Card>

      {note ? <Note tone="success">{note}</Note> : null}
      <ErrorNote error={error ? errorMessage(error) : null} />

      {d.bookable ? (
        <Card title={bookingId ? '选新的时间' : '选一个时间'}>
          {days.length === 0 ? <Empty>最近两周没有可以预约的时间。</Empty> : null}
          <View className="day-strip" data-testid="day-strip">
            {days.slice(0, allDays ? undefined : 7).map(([date, slots]) => (
              <View
                key={date}
                className={date === shownDay ? 'day-chip day-chip-on' : 'day-chip'}
                onClick={() => setDay(date)}
                data-testid={`day-${date}`}
              >
                <Text>{friendlyDay(date)}</Text>
                <Text className="slot-mark">
                  {slots.some((s) => s.evening && s.status === 'open')
                    ? '有夜间'
                    : `${slots.filter((s) => s.status === 'open').length}个时段`}
                </Text>
              </View>
            ))}
          </View>
          {days.length > 7 && !allDays ? (
            <View className="actions">
              <Btn kind="plain" small onClick={() => setAllDays(true)} testId="more-days">
                看下一周
              </Btn>
            </View>
          ) : null}
          {busy ? (
            <Loading text="正在改时间…" />
          ) : (
            <SlotButtons slots={daySlots} onPick={(s) => void pick(s)} />
          )}
        </Card>
      ) : (
        <Note>这项服务不用预约，可以直接请村里代办。</Note>
      )}

      {d.errand && !bookingId ? (
        <ErrandForm villageId={villageId} serviceId={serviceId} name={d.name} />
      ) : null}
    </View>
  );
}

function ErrandForm({ villageId, serviceId, name }: { villageId: string; serviceId: string; name: string }) {
  const [text, setText] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const key = useRef(uuidV4());
  const send = async () => {
    if (!text.trim()) {
      setErr('请写上要办的事');
      return;
    }
    setBusy(true);
    setErr(null);
    try {
      await servicesApi.errand(villageId, serviceId, text.trim(), key.current);
      setDone(true);
    } catch (e) {
      setErr(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  if (done) return <Note tone="success">已交给村里代办，网格员会联系您。进度可以在“议事”里看到。</Note>;
  return (
    <Card title="不方便来？请村里代办">
      <Field
        label={`${name}：要办什么`}
        name="errand-note"
        value={text}
        onChange={setText}
        placeholder="比如：帮我交今年的医保"
        error={err}
        maxlength={500}
      />
      <Btn kind="secondary" onClick={() => void send()} busy={busy} testId="errand">
        请村里代办
      </Btn>
    </Card>
  );
}

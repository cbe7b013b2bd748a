/**
 * 办事窗口 — the desk's day: check in by booking code (the main action: scan the villager's QR code
 * in WeChat, or type the 6 digits) or from the list by name;
 * then 办好了 or 没来. Earlier no-shows are shown to the desk so they can call ahead; the system
 * never refuses anyone for them.
 */
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { beijingDate } from '@shared/services/rules';
import { useState } from 'react';
import { errorMessage } from '../../../api';
import { type TDeskEntry, servicesApi } from '../../../api/services';
import { EveningTag, SERVICE_PAGES, StatusTag, friendlyDay } from '../../../components/services';
import {
  Btn,
  Card,
  Empty,
  ErrorNote,
  Field,
  LinkRow,
  Loading,
  Note,
  PageTitle,
  Tag,
} from '../../../components/ui';
import { go } from '../../../lib/nav';
import { useLoad } from '../../../lib/use-load';
import { DeskPage, type DeskVillage } from '../common';

export default function DeskIndexPage() {
  return <DeskPage>{(v) => <DeskDay village={v} />}</DeskPage>;
}

const clockOf = (iso: string) => {
  const b = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return `${String(b.getUTCHours()).padStart(2, '0')}:${String(b.getUTCMinutes()).padStart(2, '0')}`;
};

export function DeskDay({
  village,
  now = new Date(),
  canScan = process.env.TARO_ENV === 'weapp',
}: {
  village: DeskVillage;
  now?: Date;
  /** weapp: scan the villager's QR code (Taro.scanCode); everywhere: type the 6 digits. */
  canScan?: boolean;
}) {
  const days = [0, 1, 2].map((n) => beijingDate(new Date(now.getTime() + n * 86400_000)));
  const [day, setDay] = useState(days[0]!);
  const { data, error, loading, reload, setData } = useLoad(
    () => servicesApi.desk(village.villageId, day),
    `${village.villageId}/${day}`,
  );
  const [code, setCode] = useState('');
  const [codeErr, setCodeErr] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [fail, setFail] = useState<string | null>(null);

  const replace = (e: TDeskEntry) =>
    setData((d) => (d ? { ...d, items: d.items.map((x) => (x.id === e.id ? e : x)) } : d));

  const checkInCode = async (value: string) => {
    setDone(null);
    if (!/^\d{6}$/.test(value)) {
      setCodeErr('预约码是6位数字');
      return;
    }
    setCodeErr(null);
    try {
      const e = await servicesApi.checkIn(village.villageId, value);
      setDone(`${e.villagerName} 已签到：${e.serviceName} ${clockOf(e.startsAt)}`);
      setCode('');
      if (beijingDate(new Date(e.startsAt)) === day) replace(e);
    } catch (e) {
      setCodeErr(errorMessage(e));
    }
  };
  /** The villager's 我的预约 shows the code as a QR code holding exactly the 6 digits. */
  const scan = async () => {
    setDone(null);
    setCodeErr(null);
    let scanned: string;
    try {
      const r = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] });
      scanned = (r.result ?? '').trim();
    } catch {
      return; // the scanner was closed
    }
    if (!/^\d{6}$/.test(scanned)) {
      setCodeErr('这不是预约码。请村民打开“我的预约”再扫，或者输入6位数字。');
      return;
    }
    await checkInCode(scanned);
  };
  const act = async (e: TDeskEntry, action: 'check_in' | 'done' | 'no_show') => {
    setFail(null);
    try {
      replace(await servicesApi.deskAction(village.villageId, e.id, action));
    } catch (err) {
      setFail(errorMessage(err));
      reload();
    }
  };

  const items = (data?.items ?? []).filter((e) => !name.trim() || e.villagerName.includes(name.trim()));
  const started = (e: TDeskEntry) => new Date(e.startsAt) <= new Date();

  return (
    <View>
      <PageTitle sub={village.villageName}>办事窗口</PageTitle>
      <Card title="按预约码签到">
        {canScan ? (
          <Btn onClick={() => void scan()} testId="scan-code">
            扫码签到
          </Btn>
        ) : null}
        <Field
          label="预约码（6位数字）"
          name="code"
          type="number"
          value={code}
          onChange={setCode}
          maxlength={6}
          error={codeErr}
        />
        <Btn
          kind={canScan ? 'secondary' : 'primary'}
          onClick={() => void checkInCode(code)}
          testId="check-in-code"
        >
          {canScan ? '输入预约码签到' : '签到'}
        </Btn>
        {done ? <Note tone="success">{done}</Note> : null}
      </Card>

      <View className="segments">
        {days.map((d) => (
          <View
            key={d}
            className={d === day ? 'segment segment-on' : 'segment'}
            onClick={() => setDay(d)}
            data-testid={`desk-day-${d}`}
          >
            <Text>{friendlyDay(d, now)}</Text>
          </View>
        ))}
      </View>
      <Field label="按姓名找" name="search" value={name} onChange={setName} optional placeholder="输入姓名" />
      {loading && !data ? <Loading /> : null}
      <ErrorNote error={error ?? fail} onRetry={error ? reload : undefined} />
      {data && items.length === 0 ? <Empty>这一天没有预约。</Empty> : null}
      {items.length ? (
        <Card title={`共 ${items.length} 个预约`}>
          {items.map((e) => (
            <View key={e.id} className="desk-row" data-testid={`desk-${e.id}`}>
              <View>
                <Text className="desk-name">{e.villagerName}</Text>
                <StatusTag status={e.status} />
                {e.noShows > 0 ? (
                  <Tag tone={e.repeatedNoShow ? 'danger' : 'warn'}>{`以前没来${e.noShows}次`}</Tag>
                ) : null}
              </View>
              <View>
                <Text>{`${clockOf(e.startsAt)} ${e.serviceName} `}</Text>
                {e.evening ? <EveningTag /> : null}
              </View>
              <Text className="muted">{`预约码 ${e.code}${e.villagerPhone ? ` · ${e.villagerPhone}` : ''}`}</Text>
              {e.materialsChecked.length ? (
                <Text className="muted">{`已备好：${e.materialsChecked.join('、')}`}</Text>
              ) : null}
              {e.note ? <Text className="muted">{`说明：${e.note}`}</Text> : null}
              <View className="actions-row">
                {e.status === 'booked' ? (
                  <Btn small onClick={() => void act(e, 'check_in')} testId={`desk-check-in-${e.id}`}>
                    签到
                  </Btn>
                ) : null}
                {e.status === 'booked' || e.status === 'checked_in' ? (
                  <Btn
                    small
                    kind="secondary"
                    onClick={() => void act(e, 'done')}
                    testId={`desk-done-${e.id}`}
                  >
                    办好了
                  </Btn>
                ) : null}
                {e.status === 'booked' && started(e) ? (
                  <Btn
                    small
                    kind="plain"
                    onClick={() => void act(e, 'no_show')}
                    testId={`desk-no-show-${e.id}`}
                  >
                    没来
                  </Btn>
                ) : null}
              </View>
            </View>
          ))}
        </Card>
      ) : null}
      <LinkRow
        label="办理时间和暂停安排"
        onClick={() => go(SERVICE_PAGES.hours, { villageId: village.villageId })}
      />
      <LinkRow
        label="服务项目（加、改、停办）"
        onClick={() => go(SERVICE_PAGES.catalogue, { villageId: village.villageId })}
      />
    </View>
  );
}

/**
 * My bookings: each coming booking with its code as a large QR code and in big digits (scanned
 * or read out at the desk), the time
 * (夜间 marked), what to bring; 改时间 and 取消预约 until the cut-off. Waitlist places: a place
 * offered to me (take it before it lapses) or my position.
 */
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../api';
import { type TBooking, type TWaitlistEntry, servicesApi } from '../../../api/services';
import { Gate } from '../../../components/gate';
import {
  EveningTag,
  SERVICE_PAGES,
  ServiceIconBadge,
  StatusTag,
  slotLabel,
} from '../../../components/services';
import { Btn, Card, Empty, ErrorNote, Loading, Note, PageTitle, Screen } from '../../../components/ui';
import { formatTime } from '../../../lib/format';
import { go } from '../../../lib/nav';
import { useLoad } from '../../../lib/use-load';
import { BookingQr } from '../booking-qr';

export default function MyBookingsPage() {
  const { villageId, booked, changed } = useRouter().params;
  const [shown, setShown] = useState(0);
  useDidShow(() => setShown((n) => n + 1));
  return (
    <Screen>
      <Gate>
        {() =>
          villageId ? (
            <MyBookings villageId={villageId} booked={booked} changed={changed === '1'} shown={shown} />
          ) : (
            <Empty>没有找到。</Empty>
          )
        }
      </Gate>
    </Screen>
  );
}

const ACTIVE = new Set(['booked', 'checked_in']);

export function MyBookings({
  villageId,
  booked,
  changed,
  shown = 0,
}: {
  villageId: string;
  booked?: string;
  changed?: boolean;
  shown?: number;
}) {
  const { data, error, loading, reload } = useLoad(() => servicesApi.mine(villageId), villageId);
  const [fail, setFail] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shown` is the reload trigger
  useEffect(() => {
    if (shown > 1) reload();
  }, [shown]);

  const cancel = async (b: TBooking) => {
    const r = await Taro.showModal({
      title: '取消这个预约？',
      content: `${b.serviceName}：${slotLabel(new Date(b.startsAt))}`,
      confirmText: '取消预约',
      cancelText: '不取消',
    });
    if (!r.confirm) return;
    try {
      await servicesApi.cancel(villageId, b.id);
      void Taro.showToast({ title: '已取消' });
      reload();
    } catch (e) {
      setFail(errorMessage(e));
    }
  };
  const accept = async (w: TWaitlistEntry) => {
    try {
      await servicesApi.acceptOffer(villageId, w.id);
      reload();
    } catch (e) {
      setFail(errorMessage(e));
      reload();
    }
  };
  const leave = async (w: TWaitlistEntry) => {
    try {
      await servicesApi.leaveWaitlist(villageId, w.id);
      reload();
    } catch (e) {
      setFail(errorMessage(e));
    }
  };

  const coming = data?.items.filter((b) => ACTIVE.has(b.status)) ?? [];
  const past = data?.items.filter((b) => !ACTIVE.has(b.status)) ?? [];

  return (
    <View>
      <PageTitle sub="到村里时，把预约码给工作人员看">我的预约</PageTitle>
      {booked ? <Note tone="success">预约成功！到时请带好材料。</Note> : null}
      {changed ? <Note tone="success">时间已改好。</Note> : null}
      {loading && !data ? <Loading /> : null}
      <ErrorNote error={error ?? fail} onRetry={error ? reload : undefined} />

      {data?.waitlist.map((w) => (
        <Card key={w.id} title={w.status === 'offered' ? '有空位了！' : '排队等空位'}>
          <Text>{`${w.serviceName}：${slotLabel(new Date(w.startsAt))}`}</Text>
          {w.evening ? <EveningTag /> : null}
          {w.status === 'offered' ? (
            <View>
              <Text className="muted">{`请在 ${formatTime(w.offerExpiresAt!)} 前确认，过时会让给下一位。`}</Text>
              <View className="actions">
                <Btn onClick={() => void accept(w)} testId={`accept-${w.id}`}>
                  要这个位置
                </Btn>
              </View>
            </View>
          ) : (
            <View>
              <Text className="muted">{`您排第${w.position}位，有空位会通知您。`}</Text>
              <View className="actions">
                <Btn kind="plain" small onClick={() => void leave(w)}>
                  不排了
                </Btn>
              </View>
            </View>
          )}
        </Card>
      ))}

      {data && coming.length === 0 && data.waitlist.length === 0 ? (
        <Empty>现在没有预约。去“办事”选一项服务预约吧。</Empty>
      ) : null}

      {coming.map((b) => (
        <Card
          key={b.id}
          title={
            <View className="svc-head">
              <ServiceIconBadge icon={b.serviceIcon} small />
              <Text>{b.serviceName}</Text>
            </View>
          }
          extra={<StatusTag status={b.status} />}
        >
          <View data-testid={`booking-${b.id}`}>
            <Text className="fs-large">{slotLabel(new Date(b.startsAt))} </Text>
            {b.evening ? <EveningTag /> : null}
            <Text className="muted">
              {b.status === 'booked' ? '预约码（到村里请工作人员扫一扫）' : '预约码'}
            </Text>
            {b.status === 'booked' ? <BookingQr code={b.code} /> : null}
            <Text className="booking-code" data-testid="booking-code">
              {b.code}
            </Text>
            {b.servedBy ? <Text className="muted">{`接待：${b.servedBy}`}</Text> : null}
            {b.materials.length ? <Text className="muted">{`要带：${b.materials.join('、')}`}</Text> : null}
            {b.note ? <Text className="muted">{`说明：${b.note}`}</Text> : null}
            {b.canChange ? (
              <View className="actions-row">
                <Btn
                  kind="secondary"
                  onClick={() =>
                    go(SERVICE_PAGES.service, { villageId, serviceId: b.serviceId, bookingId: b.id })
                  }
                  testId={`reschedule-${b.id}`}
                >
                  改时间
                </Btn>
                <Btn kind="danger" onClick={() => void cancel(b)} testId={`cancel-${b.id}`}>
                  取消预约
                </Btn>
              </View>
            ) : b.status === 'booked' ? (
              <Text className="muted">快到时间了，不能再改。有事请打电话给村里。</Text>
            ) : null}
          </View>
        </Card>
      ))}

      {past.length ? (
        <Card title="以前的预约">
          {past.map((b) => (
            <View key={b.id} className="desk-row">
              <Text>{`${b.serviceName} ${slotLabel(new Date(b.startsAt))} `}</Text>
              <StatusTag status={b.status} />
              {b.cancelReason && b.status === 'cancelled' ? (
                <Text className="muted">{`（${b.cancelReason}）`}</Text>
              ) : null}
            </View>
          ))}
        </Card>
      ) : null}
    </View>
  );
}

/**
 * Booking confirm: the time in large type (夜间 marked), the materials to tick off, a short note,
 * one main action 确认预约. The idempotency key lives as long as this screen, so a retried tap
 * or a dropped answer gives the same booking, never two.
 */
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { NOTE_MAX } from '@shared/services/rules';
import { useEffect, useRef, useState } from 'react';
import { isApiError } from '../../../api';
import { servicesApi } from '../../../api/services';
import { Gate } from '../../../components/gate';
import { EveningTag, SERVICE_PAGES, slotLabel } from '../../../components/services';
import { Btn, Card, Empty, ErrorNote, Field, Loading, Note, PageTitle, Screen } from '../../../components/ui';
import { replaceWith } from '../../../lib/nav';
import { CONSENT_MOMENTS, loadTemplates, requestConsent } from '../../../lib/subscribe';
import { useLoad } from '../../../lib/use-load';
import { uuidV4 } from '../../../lib/uuid';
import { isEvening } from '@shared/services/rules';

export default function BookPage() {
  const { villageId, serviceId, startsAt } = useRouter().params;
  return (
    <Screen>
      <Gate>
        {() =>
          villageId && serviceId && startsAt ? (
            // h5 hands query values over still percent-encoded; weapp decodes them.
            <BookConfirm
              villageId={villageId}
              serviceId={serviceId}
              startsAt={decodeURIComponent(startsAt)}
            />
          ) : (
            <Empty>没有选时间。</Empty>
          )
        }
      </Gate>
    </Screen>
  );
}

export function BookConfirm({
  villageId,
  serviceId,
  startsAt,
}: {
  villageId: string;
  serviceId: string;
  startsAt: string;
}) {
  const { data, error, loading, reload } = useLoad(() => servicesApi.detail(villageId, serviceId), serviceId);
  const [checked, setChecked] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [fail, setFail] = useState<unknown>(null);
  const [queued, setQueued] = useState<number | null>(null);
  const key = useRef(uuidV4());
  const at = new Date(startsAt);
  // weapp: the subscribe templates are loaded ahead, so the tap can ask at once (lib/subscribe.ts).
  useEffect(() => {
    void loadTemplates();
  }, []);

  if (loading && !data) return <Loading />;
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (!data) return null;

  const toggle = (m: string) => setChecked((c) => (c.includes(m) ? c.filter((x) => x !== m) : [...c, m]));
  const full = isApiError(fail) && fail.code === 'SLOT_FULL';

  const submit = async () => {
    // Reminders and a cancellation by the village come as WeChat messages only with consent,
    // asked in the tap itself (weapp; a no-op on h5). The booking does not wait for the answer.
    void requestConsent(CONSENT_MOMENTS.booked);
    setBusy(true);
    setFail(null);
    try {
      const b = await servicesApi.book(
        villageId,
        serviceId,
        { startsAt, note: note.trim(), materialsChecked: checked },
        key.current,
      );
      replaceWith(SERVICE_PAGES.bookings, { villageId, booked: b.id });
    } catch (e) {
      setFail(e);
    } finally {
      setBusy(false);
    }
  };
  const queue = async () => {
    void requestConsent(CONSENT_MOMENTS.waitlisted);
    try {
      const w = await servicesApi.waitlist(villageId, serviceId, startsAt);
      setQueued(w.position);
    } catch (e) {
      setFail(e);
    }
  };

  return (
    <View>
      <PageTitle sub="请看一下，没问题就确认">确认预约</PageTitle>
      <Card>
        <Text className="muted">{data.name}</Text>
        <View>
          <Text className="big-number" data-testid="confirm-time">
            {slotLabel(at)}
          </Text>
        </View>
        {isEvening(at) ? (
          <View>
            <EveningTag />
            <Text className="muted"> 夜间办公，下班后也能来</Text>
          </View>
        ) : null}
        {data.servedBy ? <Text className="muted">{`接待：${data.servedBy}`}</Text> : null}
      </Card>
      {data.materials.length ? (
        <Card title="请带好这些材料（备好了就点一下）">
          {data.materials.map((m) => {
            const on = checked.includes(m);
            return (
              <View
                key={m}
                className={on ? 'check-row check-row-on' : 'check-row'}
                onClick={() => toggle(m)}
                role="checkbox"
                aria-checked={on ? 'true' : 'false'}
                data-testid={`material-${m}`}
              >
                <Text className="check-box">{on ? '✓ 已备好' : '○ 未备好'}</Text>
                <Text>{m}</Text>
              </View>
            );
          })}
        </Card>
      ) : null}
      <Card>
        <Field
          label="想说明的情况"
          name="note"
          value={note}
          onChange={setNote}
          optional
          maxlength={NOTE_MAX}
          placeholder="比如：老人腿脚不便，需要有人扶"
        />
      </Card>
      {queued !== null ? <Note tone="success">{`已排队，您排第${queued}位。有空位会通知您。`}</Note> : null}
      {fail ? <ErrorNote error={fail as Error} /> : null}
      {full && queued === null ? (
        <View className="actions">
          <Btn onClick={() => void queue()} testId="join-waitlist">
            排队等空位
          </Btn>
          <Btn kind="plain" onClick={() => replaceWith(SERVICE_PAGES.service, { villageId, serviceId })}>
            换个时间
          </Btn>
        </View>
      ) : queued === null ? (
        <View className="actions">
          <Btn onClick={() => void submit()} busy={busy} testId="confirm-book">
            确认预约
          </Btn>
        </View>
      ) : null}
    </View>
  );
}

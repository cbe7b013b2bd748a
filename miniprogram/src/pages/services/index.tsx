/**
 * 办事 tab: the village's services as large tiles (a character icon with the name), 我的预约 at
 * the top; cadres also find the desk (办事窗口) here.
 */
import { Text, View } from '@tarojs/components';
import { servicesApi } from '../../api/services';
import { Gate } from '../../components/gate';
import { SERVICE_PAGES, ServiceIconBadge } from '../../components/services';
import { Btn, Card, Empty, ErrorNote, LinkRow, Loading, PageTitle, Screen, Tag } from '../../components/ui';
import { go } from '../../lib/nav';
import { type VillageView, villagesOf } from '../../lib/roles';
import { useLoad } from '../../lib/use-load';

export default function ServicesPage() {
  return (
    <Screen>
      <Gate>
        {(me) => {
          const villages = villagesOf(me);
          const v = villages.find((x) => x.roles.includes('villager')) ?? villages[0];
          if (!v) {
            return (
              <>
                <PageTitle sub="在手机上预约，到村里一次办好。">办事</PageTitle>
                <Card title="还没有加入村">
                  <Text className="muted">加入本村后，就能预约村里的服务。</Text>
                </Card>
              </>
            );
          }
          return <ServicesHome village={v} />;
        }}
      </Gate>
    </Screen>
  );
}

export function ServicesHome({
  village,
}: {
  village: Pick<VillageView, 'villageId' | 'villageName' | 'roles'>;
}) {
  const { data, error, loading, reload } = useLoad(
    () => servicesApi.list(village.villageId),
    village.villageId,
  );
  const params = { villageId: village.villageId };
  return (
    <View>
      <PageTitle sub={`${village.villageName} · 在手机上预约，到村里一次办好。`}>办事</PageTitle>
      <View className="page-action">
        <Btn kind="secondary" onClick={() => go(SERVICE_PAGES.bookings, params)} testId="my-bookings">
          我的预约
        </Btn>
      </View>
      {loading && !data ? <Loading /> : null}
      <ErrorNote error={error} onRetry={reload} />
      {data && data.items.length === 0 ? <Empty>村里还没有开放预约的服务。</Empty> : null}
      {data && data.items.length > 0 ? (
        <View className="svc-grid" data-testid="service-catalogue">
          {data.items.map((s) => (
            <View
              key={s.id}
              className="svc-tile"
              hoverClass="card-hover"
              onClick={() => go(SERVICE_PAGES.service, { ...params, serviceId: s.id })}
              data-testid={`service-${s.name}`}
            >
              <ServiceIconBadge icon={s.icon} />
              <Text className="svc-name">{s.name}</Text>
              <View className="svc-tags">
                {s.bookable ? <Tag tone="primary">可预约</Tag> : null}
                {s.hasEvening ? <Tag tone="neutral">有夜间</Tag> : null}
                {s.errand ? <Tag tone="success">可代办</Tag> : null}
              </View>
            </View>
          ))}
        </View>
      ) : null}
      {village.roles.includes('cadre') ? (
        <Card title="工作人员">
          <LinkRow
            label="办事窗口（签到、今天的预约）"
            onClick={() => go(SERVICE_PAGES.desk, params)}
            testId="go-desk"
          />
          <LinkRow
            label="办理时间和暂停安排"
            onClick={() => go(SERVICE_PAGES.hours, params)}
            testId="go-hours"
          />
          <LinkRow
            label="服务项目（加、改、停办）"
            onClick={() => go(SERVICE_PAGES.catalogue, params)}
            testId="go-catalogue"
          />
        </Card>
      ) : null}
    </View>
  );
}

import { Text, View } from '@tarojs/components';
import { Gate } from '../../../components/gate';
import { Card, LinkRow, PageTitle, Screen } from '../../../components/ui';
import { PAGES, go } from '../../../lib/nav';
import { villagesOf } from '../../../lib/roles';

/** Entry to village management: one card per village where the user is a cadre or supervisor. */
export default function ManageIndexPage() {
  return (
    <Screen>
      <Gate>
        {(me) => {
          const villages = villagesOf(me).filter(
            (v) => v.roles.includes('cadre') || v.roles.includes('supervisor'),
          );
          return (
            <View>
              <PageTitle>村务管理</PageTitle>
              {villages.length === 0 ? (
                <Card>
                  <Text className="muted">只有村干部和监委会成员能用这里。</Text>
                </Card>
              ) : null}
              {villages.map((v) => {
                const p = { villageId: v.villageId, villageName: v.villageName };
                const cadre = v.roles.includes('cadre');
                const supervisor = v.roles.includes('supervisor');
                return (
                  <Card key={v.villageId} title={v.villageName}>
                    <LinkRow label="通知公告" onClick={() => go(PAGES.manageNotices, p)} />
                    <LinkRow label="内容审核" onClick={() => go(PAGES.contentReviews, p)} />
                    {cadre ? (
                      <LinkRow label="入村申请审核" onClick={() => go(PAGES.joinRequests, p)} />
                    ) : null}
                    {cadre ? <LinkRow label="导入花名册" onClick={() => go(PAGES.roster, p)} /> : null}
                    {cadre ? <LinkRow label="户和网格" onClick={() => go(PAGES.households, p)} /> : null}
                    {cadre ? <LinkRow label="村民和身份" onClick={() => go(PAGES.members, p)} /> : null}
                    {supervisor ? <LinkRow label="操作记录" onClick={() => go(PAGES.audit, p)} /> : null}
                  </Card>
                );
              })}
            </View>
          );
        }}
      </Gate>
    </Screen>
  );
}

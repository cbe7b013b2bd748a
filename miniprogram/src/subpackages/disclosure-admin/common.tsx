/** Shared by the disclosure admin pages: the village from the query, if the user is a cadre or supervisor there. */
import { Text } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import type { ReactNode } from 'react';
import type { Role, TMe } from '../../api/types';
import { Gate } from '../../components/gate';
import { Card, Screen } from '../../components/ui';
import { type VillageView, villagesOf } from '../../lib/roles';
import '../../components/disclosures.scss';

export const ADMIN_PAGES = {
  index: '/subpackages/disclosure-admin/index/index',
  edit: '/subpackages/disclosure-admin/edit/index',
  review: '/subpackages/disclosure-admin/review/index',
} as const;

export function AdminPage({
  roles,
  wide,
  children,
}: {
  roles: Role[];
  wide?: boolean;
  children: (village: VillageView, me: TMe, params: Record<string, string | undefined>) => ReactNode;
}) {
  const params = useRouter().params;
  return (
    <Screen className={wide ? 'screen-wide' : undefined}>
      <Gate>
        {(me) => {
          const mine = villagesOf(me).filter((v) => v.roles.some((r) => roles.includes(r)));
          const v = params.villageId ? mine.find((x) => x.villageId === params.villageId) : mine[0];
          if (!v) {
            return (
              <Card title="不能查看">
                <Text className="muted">这一页只有本村的村干部或监委会成员能看。</Text>
              </Card>
            );
          }
          return children(v, me, params);
        }}
      </Gate>
    </Screen>
  );
}

/** Shared by the management pages: which village, and whether the user may manage it. */
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import type { ReactNode } from 'react';
import type { Role, TMe } from '../../api/types';
import { Gate } from '../../components/gate';
import { Card, Screen } from '../../components/ui';
import { villagesOf, type VillageView } from '../../lib/roles';

export type ManagedVillage = { villageId: string; villageName: string };

/** The village named in the page's query, if the user holds one of `roles` there. */
export function pickVillage(
  me: TMe,
  roles: Role[],
  params: Record<string, string | undefined>,
): VillageView | null {
  const mine = villagesOf(me).filter((v) => v.roles.some((r) => roles.includes(r)));
  if (params.villageId) return mine.find((v) => v.villageId === params.villageId) ?? null;
  return mine.length === 1 ? (mine[0] ?? null) : null;
}

/** Page frame: signed in, holding one of `roles` in the village of the query, else a plain refusal. */
export function ManagePage({
  roles,
  children,
}: {
  roles: Role[];
  children: (village: ManagedVillage, me: TMe) => ReactNode;
}) {
  const router = useRouter();
  return (
    <Screen>
      <Gate>
        {(me) => {
          const v = pickVillage(me, roles, router.params);
          if (!v) {
            return (
              <Card title="不能查看">
                <Text className="muted">这一页只有本村的村干部或监委会成员能看。</Text>
              </Card>
            );
          }
          return <View>{children({ villageId: v.villageId, villageName: v.villageName }, me)}</View>;
        }}
      </Gate>
    </Screen>
  );
}

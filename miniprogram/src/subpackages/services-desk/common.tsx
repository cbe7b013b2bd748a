/** The desk pages' frame: signed in and a cadre of the village in the query, else a plain refusal. */
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import type { ReactNode } from 'react';
import { Gate } from '../../components/gate';
import { Card, Screen } from '../../components/ui';
import { villagesOf } from '../../lib/roles';

export type DeskVillage = { villageId: string; villageName: string };

export function DeskPage({ children }: { children: (v: DeskVillage) => ReactNode }) {
  const { villageId } = useRouter().params;
  return (
    <Screen>
      <Gate>
        {(me) => {
          const mine = villagesOf(me).filter((v) => v.roles.includes('cadre'));
          const v = villageId
            ? mine.find((x) => x.villageId === villageId)
            : mine.length === 1
              ? mine[0]
              : undefined;
          if (!v) {
            return (
              <Card title="不能查看">
                <Text className="muted">这一页只有本村的村干部能看。</Text>
              </Card>
            );
          }
          return <View>{children({ villageId: v.villageId, villageName: v.villageName })}</View>;
        }}
      </Gate>
    </Screen>
  );
}

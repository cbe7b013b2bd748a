/** 公开管理: the village's unpublished disclosures (draft, submitted, returned); cadres start a new one, supervisors review. */
import { Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { api } from '../../../api';
import type { TDraft } from '../../../api/disclosures';
import { Btn, Card, Empty, ErrorNote, Loading, PageTitle, Tag } from '../../../components/ui';
import { go } from '../../../lib/nav';
import { useLoad } from '../../../lib/use-load';
import { ADMIN_PAGES, AdminPage } from '../common';

const TONE: Record<TDraft['status'], 'neutral' | 'primary' | 'warn' | 'success'> = {
  draft: 'neutral',
  submitted: 'primary',
  returned: 'warn',
  published: 'success',
};

export default function DisclosureAdminIndex() {
  return (
    <AdminPage roles={['cadre', 'supervisor']}>
      {(v) => (
        <Drafts
          villageId={v.villageId}
          cadre={v.roles.includes('cadre')}
          supervisor={v.roles.includes('supervisor')}
        />
      )}
    </AdminPage>
  );
}

function Drafts({
  villageId,
  cadre,
  supervisor,
}: {
  villageId: string;
  cadre: boolean;
  supervisor: boolean;
}) {
  const list = useLoad(() => api.disclosures.drafts(villageId), villageId);
  useDidShow(() => list.reload());
  const open = (d: TDraft) => {
    if (d.actions.includes('approve')) go(ADMIN_PAGES.review, { villageId, id: d.disclosureId });
    else if (cadre) go(ADMIN_PAGES.edit, { villageId, id: d.disclosureId });
    else go(ADMIN_PAGES.review, { villageId, id: d.disclosureId });
  };
  return (
    <View>
      <PageTitle sub={supervisor ? '监委会审核签字后才会公开。' : '起草后提交给村务监督委员会审核。'}>
        公开管理
      </PageTitle>
      {cadre ? (
        <View className="actions-row">
          <Btn onClick={() => go(ADMIN_PAGES.edit, { villageId, kind: 'finance' })} testId="new-finance">
            ＋ 新建财务公开
          </Btn>
          <Btn
            kind="secondary"
            onClick={() => go(ADMIN_PAGES.edit, { villageId, kind: 'affairs' })}
            testId="new-affairs"
          >
            ＋ 村务/党务公开
          </Btn>
        </View>
      ) : null}
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorNote error={list.error} onRetry={list.reload} />
      {list.data && list.data.items.length === 0 ? <Empty>没有待办的公开。</Empty> : null}
      {list.data?.items.map((d) => (
        <Card
          key={d.id}
          title={d.title}
          extra={<Tag tone={TONE[d.status]}>{d.statusLabel}</Tag>}
          onClick={() => open(d)}
        >
          <View data-testid={`draft-${d.disclosureId}`}>
            <Text className="muted">
              {d.periodLabel} · 第{d.versionNo}版 · 起草人 {d.draftedBy}
            </Text>
            {d.reviews.at(-1)?.decision === 'return' && d.status === 'returned' ? (
              <Text className="muted">退回意见：{d.reviews.at(-1)!.comment}</Text>
            ) : null}
            <Text className="muted">{d.actions.includes('approve') ? '点开审核 ›' : '点开查看 ›'}</Text>
          </View>
        </Card>
      ))}
    </View>
  );
}

import { Screen, PageTitle, ComingSoon } from '../../components/ui';

export default function DisclosurePage() {
  return (
    <Screen>
      <PageTitle sub="村里的权力、事务和钱，都公开给大家看。">公开</PageTitle>
      <ComingSoon title="小微权力清单">低保申请、宅基地审批、开证明等事怎么办、谁负责、多久办完。</ComingSoon>
      <ComingSoon title="党务、村务公开">村里定期公开的事项，可以听读。</ComingSoon>
      <ComingSoon title="财务公开">每月或每季度的收入和支出，一笔一笔列清楚。</ComingSoon>
    </Screen>
  );
}

import { Screen, PageTitle, ComingSoon } from '../../components/ui';

export default function CouncilPage() {
  return (
    <Screen>
      <PageTitle sub="村里的大事，大家一起商量、一起投票。">议事</PageTitle>
      <ComingSoon title="村民议事">对村里的提议发表意见、提出问题。</ComingSoon>
      <ComingSoon title="投票表决">村民会议、村民代表会议、党员大会在手机上投票，结果可以核对。</ComingSoon>
      <ComingSoon title="联名提议">够人数联名，就可以要求召开村民会议。</ComingSoon>
    </Screen>
  );
}

import { Screen, PageTitle, ComingSoon } from '../../components/ui';

export default function ServicesPage() {
  return (
    <Screen>
      <PageTitle sub="在手机上预约，到村里一次办好。">办事</PageTitle>
      <ComingSoon title="预约办事">社保认证、开证明、医保缴费代办、法律咨询、农技指导。</ComingSoon>
      <ComingSoon title="夜间办公">白天没空，可以预约晚上的时间。</ComingSoon>
    </Screen>
  );
}

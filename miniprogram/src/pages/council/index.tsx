/**
 * 议事 tab: open votes first (one tap to the ballot), then proposals with their 四议两公开
 * progress, petitions collecting names, and a receipt check. Cadres and supervisors see the way
 * into 议事管理.
 */
import { Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import { api } from '../../api';
import { MEETING_TYPE_LABELS, ProposalStatus, stepLine } from '../../components/council';
import { Gate } from '../../components/gate';
import { Btn, Card, Empty, ErrorNote, LinkRow, Loading, PageTitle, Screen, Tag } from '../../components/ui';
import { formatDayTime } from '../../lib/format';
import { PAGES, go } from '../../lib/nav';
import { type VillageView, villagesOf } from '../../lib/roles';
import { useLoad } from '../../lib/use-load';

export default function CouncilPage() {
  const [shown, setShown] = useState(0);
  useDidShow(() => setShown((n) => n + 1));
  return (
    <Screen>
      <PageTitle sub="村里的大事，大家一起商量、一起投票。">议事</PageTitle>
      <Gate>
        {(me) => {
          const villages = villagesOf(me);
          if (villages.length === 0) return <Empty>加入村子后，就能参加村里的议事和投票。</Empty>;
          return villages.map((v) => <VillageCouncil key={v.villageId} village={v} shown={shown} />);
        }}
      </Gate>
    </Screen>
  );
}

function VillageCouncil({ village, shown }: { village: VillageView; shown: number }) {
  const { villageId } = village;
  const { data, error, loading, reload } = useLoad(
    () => Promise.all([api.councils.votes(villageId), api.councils.proposals(villageId)]),
    `${villageId}/${shown}`,
  );
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (loading && !data) return <Loading />;
  if (!data) return null;
  const [votes, proposals] = data;
  const open = votes.items.filter((x) => x.status === 'open');
  const closed = votes.items.filter((x) => x.status === 'closed').slice(0, 5);
  const petitions = proposals.items.filter((p) => p.source === 'petition' && p.status === 'active');
  const others = proposals.items.filter((p) => p.source !== 'petition' || p.status !== 'active');
  const manage = village.roles.includes('cadre') || village.roles.includes('supervisor');
  // 18+ villagers and representatives may start one (the server checks the roster).
  const canPetition = village.roles.includes('villager') || village.roles.includes('representative');
  return (
    <View data-testid={`council-${villageId}`}>
      <Card title={`正在投票（${open.length}）`}>
        {open.length === 0 ? <Text className="muted">现在没有进行中的投票。</Text> : null}
        {open.map((x) => (
          <LinkRow
            key={x.id}
            testId="open-vote"
            label={`${MEETING_TYPE_LABELS[x.meetingType]}：${x.question}`}
            value={x.myBallot ? '已投票' : x.eligible ? '去投票' : '查看'}
            onClick={() => go(PAGES.councilVote, { villageId, id: x.id })}
          />
        ))}
      </Card>
      <Card title="议题">
        {others.length === 0 ? <Text className="muted">还没有议题。</Text> : null}
        {others.map((p) => (
          <View
            key={p.id}
            className="link-row"
            hoverClass="link-row-hover"
            data-testid="proposal-row"
            onClick={() => go(PAGES.councilProposal, { villageId, id: p.id })}
          >
            <View>
              <Text className="link-row-label">{p.title} </Text>
              <ProposalStatus status={p.status} />
              <Text className="step-count" style={{ display: 'block' }}>
                {stepLine(p.doneStages, p.nextStage)}
              </Text>
            </View>
            <Text className="link-row-value">查看 ›</Text>
          </View>
        ))}
      </Card>
      {petitions.length > 0 || canPetition ? (
        <Card title="联名提议">
          {petitions.map((p) => (
            <LinkRow
              key={p.id}
              testId="petition-row"
              label={p.title}
              value={p.pendingCheck ? '审核中' : '看进度'}
              onClick={() => go(PAGES.councilPetition, { villageId, id: p.id })}
            />
          ))}
          {canPetition ? (
            <View className="actions">
              <Btn
                kind="secondary"
                testId="new-petition"
                onClick={() => go(PAGES.councilNewPetition, { villageId })}
              >
                发起联名提议
              </Btn>
            </View>
          ) : null}
        </Card>
      ) : null}
      {closed.length > 0 ? (
        <Card title="投票结果">
          {closed.map((x) => (
            <LinkRow
              key={x.id}
              testId="closed-vote"
              label={`${x.question}（${formatDayTime(x.closesAt)}结束）`}
              value={x.result?.outcomeLabel ?? '查看'}
              onClick={() => go(PAGES.councilVote, { villageId, id: x.id })}
            />
          ))}
        </Card>
      ) : null}
      {manage ? (
        <Card title="议事管理" extra={<Tag tone="primary">干部</Tag>}>
          <LinkRow
            label="新建议题、会议和投票，录入纸质票，会签"
            value="进入"
            onClick={() => go(PAGES.councilAdmin, { villageId, villageName: village.villageName })}
          />
        </Card>
      ) : null}
    </View>
  );
}

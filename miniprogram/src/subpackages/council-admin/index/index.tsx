/**
 * 议事管理 (cadres; supervisors see the votes to co-sign paper ballots): draft a proposal, convene a
 * meeting and open its vote, and reach each vote's paper-ballot page and each proposal's next step.
 */
import { Text, Textarea, View } from '@tarojs/components';
import { useDidShow, useRouter } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { api } from '../../../api';
import { errorMessage } from '../../../api/client';
import { MEETING_TYPE_LABELS, stepLine } from '../../../components/council';
import { Gate } from '../../../components/gate';
import {
  Btn,
  Card,
  ErrorNote,
  Field,
  LinkRow,
  Loading,
  Note,
  PageTitle,
  Screen,
} from '../../../components/ui';
import { PAGES, decodeParam, go } from '../../../lib/nav';
import { villagesOf } from '../../../lib/roles';
import { useLoad } from '../../../lib/use-load';
import { NewVote } from './new-vote';
import '../admin.scss';

export default function CouncilAdminPage() {
  const { villageId = '', villageName = '' } = useRouter().params;
  return (
    <Screen>
      <PageTitle sub={decodeParam(villageName)}>议事管理</PageTitle>
      <Gate>
        {(me) => {
          const v = villagesOf(me).find((x) => x.villageId === villageId);
          if (!v) return <Text className="muted">没有找到这个村。</Text>;
          return (
            <Admin
              villageId={villageId}
              cadre={v.roles.includes('cadre')}
              moderator={v.roles.includes('cadre') || v.roles.includes('supervisor')}
            />
          );
        }}
      </Gate>
    </Screen>
  );
}

function Admin({ villageId, cadre, moderator }: { villageId: string; cadre: boolean; moderator: boolean }) {
  const [n, setN] = useState(0);
  // Back from a page opened here (reports settled, a stage recorded): show the counts as they are now.
  const shownOnce = useRef(false);
  useDidShow(() => {
    if (shownOnce.current) setN((x) => x + 1);
    shownOnce.current = true;
  });
  const { data, error, reload } = useLoad(
    () =>
      Promise.all([
        api.councils.votes(villageId),
        api.councils.proposals(villageId),
        moderator ? api.councils.reported(villageId) : Promise.resolve(null),
      ]),
    `${villageId}/${n}`,
  );
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  // Reloading after a form is sent keeps the forms (and their 已…了 notes) on screen.
  if (!data) return <Loading />;
  const [votes, proposals, reported] = data;
  return (
    <View>
      {reported ? (
        <Card title="被举报的意见">
          <LinkRow
            testId="go-reports"
            label={
              reported.items.length > 0
                ? `有 ${reported.items.length} 条意见被举报，请处理`
                : '现在没有待处理的举报'
            }
            value="查看"
            onClick={() => go(PAGES.councilReports, { villageId })}
          />
        </Card>
      ) : null}
      {cadre ? <NewProposal villageId={villageId} onDone={() => setN((x) => x + 1)} /> : null}
      {cadre ? (
        <NewVote
          villageId={villageId}
          proposals={proposals.items.filter((p) => p.status === 'active')}
          onDone={() => setN((x) => x + 1)}
        />
      ) : null}
      <Card title="投票（纸质选票录入与会签）">
        {votes.items.map((x) => (
          <LinkRow
            key={x.id}
            label={`${MEETING_TYPE_LABELS[x.meetingType]}：${x.question}`}
            value={x.status === 'open' ? '纸质票' : x.status === 'closed' ? '已结束' : '未开始'}
            onClick={() => go(PAGES.councilPaper, { villageId, id: x.id })}
          />
        ))}
      </Card>
      {cadre ? (
        <Card title="议题进度">
          {proposals.items
            .filter((p) => p.nextStage)
            .map((p) => (
              <LinkRow
                key={p.id}
                label={`${p.title}：${stepLine(p.doneStages, p.nextStage)}`}
                value="记录"
                onClick={() => go(PAGES.councilStage, { villageId, id: p.id })}
              />
            ))}
        </Card>
      ) : null}
    </View>
  );
}

function NewProposal({ villageId, onDone }: { villageId: string; onDone: () => void }) {
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async () => {
    setBusy(true);
    try {
      await api.councils.createProposal(villageId, { title, text });
      setTitle('');
      setText('');
      setMsg({ ok: true, text: '议题已建好，请党组织记录“提议”。' });
      onDone();
    } catch (e) {
      setMsg({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="新建议题">
      <Field label="题目" name="title" value={title} onChange={setTitle} maxlength={60} />
      <Textarea
        className="textarea"
        value={text}
        maxlength={2000}
        placeholder="写清楚要办什么事、花多少钱"
        onInput={(e) => setText(e.detail.value)}
      />
      <View className="actions">
        <Btn busy={busy} disabled={!title.trim() || !text.trim()} onClick={() => void save()}>
          建议题
        </Btn>
      </View>
      {msg ? msg.ok ? <Note tone="success">{msg.text}</Note> : <ErrorNote error={msg.text} /> : null}
    </Card>
  );
}

/**
 * 议事管理 (cadres; supervisors see the votes to co-sign paper ballots): draft a proposal, convene a
 * meeting and open its vote, and reach each vote's paper-ballot page and each proposal's next step.
 */
import { Text, Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
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

const TYPES = Object.keys(MEETING_TYPE_LABELS) as (keyof typeof MEETING_TYPE_LABELS)[];

export default function CouncilAdminPage() {
  const { villageId = '', villageName = '' } = useRouter().params;
  return (
    <Screen>
      <PageTitle sub={decodeParam(villageName)}>议事管理</PageTitle>
      <Gate>
        {(me) => {
          const v = villagesOf(me).find((x) => x.villageId === villageId);
          if (!v) return <Text className="muted">没有找到这个村。</Text>;
          return <Admin villageId={villageId} cadre={v.roles.includes('cadre')} />;
        }}
      </Gate>
    </Screen>
  );
}

function Admin({ villageId, cadre }: { villageId: string; cadre: boolean }) {
  const [n, setN] = useState(0);
  const { data, error, loading, reload } = useLoad(
    () => Promise.all([api.councils.votes(villageId), api.councils.proposals(villageId)]),
    `${villageId}/${n}`,
  );
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (loading || !data) return <Loading />;
  const [votes, proposals] = data;
  return (
    <View>
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

function NewVote({
  villageId,
  proposals,
  onDone,
}: {
  villageId: string;
  proposals: { id: string; title: string }[];
  onDone: () => void;
}) {
  const [type, setType] = useState<(typeof TYPES)[number]>('villagers_assembly');
  const [question, setQuestion] = useState('');
  const [hours, setHours] = useState('24');
  const [secret, setSecret] = useState(true);
  const [proposalId, setProposalId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async () => {
    setBusy(true);
    try {
      const now = Date.now();
      const m = await api.councils.createMeeting(villageId, {
        type,
        title: `${MEETING_TYPE_LABELS[type]}：${question.slice(0, 40)}`,
        heldAt: new Date(now).toISOString(),
        ...(proposalId ? { proposalId } : {}),
      });
      await api.councils.createVote(villageId, {
        meetingId: m.id,
        question,
        kind: 'yes_no',
        ballotMode: secret ? 'secret' : 'open',
        liveTally: true,
        opensAt: new Date(now).toISOString(),
        closesAt: new Date(now + Math.max(1, Number(hours) || 24) * 3600_000).toISOString(),
      });
      setQuestion('');
      setMsg({ ok: true, text: '投票已开始，名单已确定，村民会收到通知。' });
      onDone();
    } catch (e) {
      setMsg({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="开会投票">
      <Text className="field-label">会议类型</Text>
      <View className="choice-row">
        {TYPES.map((t) => (
          <Btn key={t} small kind={type === t ? 'primary' : 'secondary'} onClick={() => setType(t)}>
            {MEETING_TYPE_LABELS[t]}
          </Btn>
        ))}
      </View>
      <Field
        label="表决事项"
        name="question"
        value={question}
        onChange={setQuestion}
        maxlength={200}
        placeholder="是否同意……？"
      />
      <Field label="投票时长（小时）" name="hours" type="number" value={hours} onChange={setHours} />
      <View className="choice-row">
        <Btn small kind={secret ? 'primary' : 'secondary'} onClick={() => setSecret(true)}>
          无记名
        </Btn>
        <Btn small kind={!secret ? 'primary' : 'secondary'} onClick={() => setSecret(false)}>
          记名
        </Btn>
      </View>
      {proposals.length > 0 ? (
        <>
          <Text className="field-label">关联议题（选填）</Text>
          <View className="choice-row">
            {proposals.map((p) => (
              <Btn
                key={p.id}
                small
                kind={proposalId === p.id ? 'primary' : 'secondary'}
                onClick={() => setProposalId(proposalId === p.id ? null : p.id)}
              >
                {p.title}
              </Btn>
            ))}
          </View>
        </>
      ) : null}
      <View className="actions">
        <Btn busy={busy} disabled={!question.trim()} onClick={() => void save()}>
          开始投票（同意/反对/弃权）
        </Btn>
      </View>
      {msg ? msg.ok ? <Note tone="success">{msg.text}</Note> : <ErrorNote error={msg.text} /> : null}
    </Card>
  );
}

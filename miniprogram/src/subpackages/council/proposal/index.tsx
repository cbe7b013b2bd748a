/**
 * One proposal: what it is, the 四议两公开 steps (done, next, who records it), its votes, the
 * petition if any, 民评 once implemented, and the deliberation (comments, questions, answers).
 */
import { Text, Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { api } from '../../../api';
import { errorMessage, isApiError } from '../../../api/client';
import type { TProposalDetail } from '../../../api/types';
import { ProposalStatus, StageSteps } from '../../../components/council';
import { Gate } from '../../../components/gate';
import { ReadAloud } from '../../../components/read-aloud';
import { Btn, Card, ErrorNote, LinkRow, Loading, Note, Screen, Tag } from '../../../components/ui';
import { formatDayTime } from '../../../lib/format';
import { PAGES, go } from '../../../lib/nav';
import { proposalSpeech } from '../../../lib/speech-text';
import { useLoad } from '../../../lib/use-load';
import '../council-pages.scss';
import { PetitionCard } from '../petition/card';
import { StageFiles } from './stage-files';

const RATING_WORDS = { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' } as const;

export default function ProposalPage() {
  const { villageId = '', id = '' } = useRouter().params;
  return (
    <Screen>
      <Gate>{() => <ProposalView villageId={villageId} proposalId={id} />}</Gate>
    </Screen>
  );
}

export function ProposalView({ villageId, proposalId }: { villageId: string; proposalId: string }) {
  const { data, error, loading, reload, setData } = useLoad(
    () => api.councils.proposal(villageId, proposalId),
    `${villageId}/${proposalId}`,
  );
  if (error && isApiError(error) && error.status === 404) {
    return (
      <Card title="找不到这个议题">
        <Text className="muted">可能不是本村的议题。</Text>
      </Card>
    );
  }
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (loading || !data) return <Loading />;
  return (
    <View data-testid="proposal-page">
      <View className="notice-tags">
        <ProposalStatus status={data.status} />
        {data.source === 'matter' ? <Tag>来自村民反映</Tag> : null}
        {data.source === 'petition' ? <Tag tone="warn">村民联名</Tag> : null}
        {data.pendingCheck ? <Tag>内容审核中</Tag> : null}
      </View>
      <Text className="notice-title">{data.title}</Text>
      <Text style={{ display: 'block', margin: '8px 0 16px' }}>{data.text}</Text>
      <ReadAloud title={data.title} speak={proposalSpeech(data)} showText={false} />
      <Card title="四议两公开">
        <StageSteps done={data.doneStages} records={data.stages} />
        {data.canRecordNext ? (
          <View className="actions">
            <Btn kind="secondary" onClick={() => go(PAGES.councilStage, { villageId, id: data.id })}>
              记录下一步
            </Btn>
          </View>
        ) : null}
      </Card>
      <StageFiles stages={data.stages} />
      {data.petition ? (
        <PetitionCard
          villageId={villageId}
          proposalId={data.id}
          petition={data.petition}
          onChange={(p) => setData({ ...data, petition: p })}
        />
      ) : null}
      {data.votes.length > 0 ? (
        <Card title="投票">
          {data.votes.map((v) => (
            <LinkRow
              key={v.id}
              label={v.question}
              value={v.status === 'open' ? '去投票' : v.status === 'closed' ? '看结果' : '未开始'}
              onClick={() => go(PAGES.councilVote, { villageId, id: v.id })}
            />
          ))}
        </Card>
      ) : null}
      {data.status === 'done' ? <Rating villageId={villageId} data={data} onRated={reload} /> : null}
      <Comments villageId={villageId} data={data} onPosted={reload} />
    </View>
  );
}

function Rating({
  villageId,
  data,
  onRated,
}: {
  villageId: string;
  data: TProposalDetail;
  onRated: () => void;
}) {
  const [err, setErr] = useState<string | null>(null);
  const r = data.ratings;
  return (
    <Card title="民评：您对实施结果满意吗？">
      <Text className="muted">{`满意 ${r.satisfied} · 基本满意 ${r.basic} · 不满意 ${r.unsatisfied}`}</Text>
      {data.canRate ? (
        <View className="choice-row">
          {(Object.keys(RATING_WORDS) as (keyof typeof RATING_WORDS)[]).map((k) => (
            <Btn
              key={k}
              small
              kind={r.mine === k ? 'primary' : 'secondary'}
              onClick={() =>
                void api.councils
                  .rate(villageId, data.id, k)
                  .then(onRated)
                  .catch((e: unknown) => setErr(errorMessage(e)))
              }
            >
              {RATING_WORDS[k]}
            </Btn>
          ))}
        </View>
      ) : null}
      {err ? <ErrorNote error={err} /> : null}
    </Card>
  );
}

function Comments({
  villageId,
  data,
  onPosted,
}: {
  villageId: string;
  data: TProposalDetail;
  onPosted: () => void;
}) {
  const [text, setText] = useState('');
  const [kind, setKind] = useState<'comment' | 'question'>('comment');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const post = async () => {
    setBusy(true);
    setErr(null);
    try {
      const r = await api.councils.comment(villageId, data.id, { kind, text });
      setText('');
      setNote(r.visible ? '已发表。' : '已提交，审核通过后大家就能看到。');
      onPosted();
    } catch (e) {
      setErr(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={`大家的意见（${data.comments.length}）`}>
      {data.comments.map((c) => (
        <View key={c.id} className={c.kind === 'answer' ? 'comment comment-answer' : 'comment'}>
          <View className="comment-head">
            <Text>{`${c.kind === 'question' ? '提问 · ' : c.kind === 'answer' ? '村干部回答 · ' : ''}${c.authorName}`}</Text>
            <Text>{formatDayTime(c.createdAt)}</Text>
          </View>
          <Text style={{ display: 'block' }}>{c.text}</Text>
          {c.hidden ? (
            <Note tone="warn">{`这条意见已被隐藏，其他人看不到。原因：${c.hiddenReason ?? ''}`}</Note>
          ) : null}
          {!c.hidden && c.pendingCheck && c.mine ? <Text className="muted">审核中，只有您能看到</Text> : null}
          {!c.mine ? <ReportComment villageId={villageId} commentId={c.id} /> : null}
        </View>
      ))}
      <View className="choice-row">
        <Btn small kind={kind === 'comment' ? 'primary' : 'secondary'} onClick={() => setKind('comment')}>
          发表意见
        </Btn>
        <Btn small kind={kind === 'question' ? 'primary' : 'secondary'} onClick={() => setKind('question')}>
          提个问题
        </Btn>
      </View>
      <Textarea
        className="textarea"
        value={text}
        maxlength={1000}
        placeholder={kind === 'question' ? '想问什么？村干部会回答' : '说说您的看法'}
        onInput={(e) => setText(e.detail.value)}
      />
      <View className="actions">
        <Btn busy={busy} disabled={!text.trim()} onClick={() => void post()}>
          提交
        </Btn>
      </View>
      {note ? <Note tone="success">{note}</Note> : null}
      {err ? <ErrorNote error={err} /> : null}
    </Card>
  );
}

const REPORT_REASONS = ['与议题无关', '含有别人的个人信息', '言语不文明', '广告'] as const;

/** 举报: pick why, and it is sent; the cadres see it on their list of reported comments. */
function ReportComment({ villageId, commentId }: { villageId: string; commentId: string }) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<'idle' | 'busy' | 'done'>('idle');
  const [err, setErr] = useState<string | null>(null);
  const send = async (reason: string) => {
    setState('busy');
    setErr(null);
    try {
      await api.councils.report(villageId, commentId, reason);
      setState('done');
    } catch (e) {
      setErr(errorMessage(e));
      setState('idle');
    }
  };
  if (state === 'done') return <Text className="muted">已举报，村干部会处理。</Text>;
  if (!open) {
    return (
      <View>
        <Btn small kind="plain" testId={`report-${commentId}`} onClick={() => setOpen(true)}>
          举报
        </Btn>
      </View>
    );
  }
  return (
    <View data-testid={`report-reasons-${commentId}`}>
      <Text className="field-label">为什么举报？</Text>
      <View className="choice-row">
        {REPORT_REASONS.map((r) => (
          <Btn key={r} small kind="secondary" disabled={state === 'busy'} onClick={() => void send(r)}>
            {r}
          </Btn>
        ))}
        <Btn small kind="plain" disabled={state === 'busy'} onClick={() => setOpen(false)}>
          不举报了
        </Btn>
      </View>
      {err ? <ErrorNote error={err} /> : null}
    </View>
  );
}

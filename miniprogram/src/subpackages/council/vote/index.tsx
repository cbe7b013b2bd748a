/**
 * The ballot page: the question, one large button per choice, a confirm step that says the
 * ballot is final, then the receipt. After the close: the result with turnout against quorum.
 * Opened from the 议事 tab or a WeChat message (?villageId=…&id=…).
 */
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { api } from '../../../api';
import { errorMessage, isApiError } from '../../../api/client';
import type { TReceipt, TVoteView } from '../../../api/types';
import { MEETING_TYPE_LABELS, ResultCard, Tally } from '../../../components/council';
import { Gate } from '../../../components/gate';
import { ReadAloud } from '../../../components/read-aloud';
import { Btn, Card, ErrorNote, Loading, Note, Screen, Tag } from '../../../components/ui';
import { cx, formatDayTime } from '../../../lib/format';
import { PAGES, go } from '../../../lib/nav';
import { voteSpeech } from '../../../lib/speech-text';
import { useLoad } from '../../../lib/use-load';
import { uuidV4 } from '../../../lib/uuid';

export default function VotePage() {
  const { villageId = '', id = '' } = useRouter().params;
  return (
    <Screen>
      <Gate>{() => <VoteView villageId={villageId} voteId={id} />}</Gate>
    </Screen>
  );
}

export function VoteView({ villageId, voteId }: { villageId: string; voteId: string }) {
  const { data, error, loading, reload, setData } = useLoad(
    () => api.councils.vote(villageId, voteId),
    `${villageId}/${voteId}`,
  );
  if (error && isApiError(error) && error.status === 404) {
    return (
      <Card title="找不到这次投票">
        <Text className="muted">可能不是本村的投票。</Text>
      </Card>
    );
  }
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (loading || !data) return <Loading />;
  const onCast = (r: TReceipt) => {
    setData({ ...data, myBallot: { receipt: r.receipt, option: r.option, castAt: r.castAt } });
    reload(); // the tally now counts this ballot
  };
  return (
    <View data-testid="vote-page">
      <View className="notice-tags">
        <Tag tone="primary">{MEETING_TYPE_LABELS[data.meetingType]}</Tag>
        <Tag>{data.ballotMode === 'secret' ? '无记名投票' : '记名投票'}</Tag>
        <Tag tone={data.status === 'open' ? 'success' : 'neutral'}>
          {data.status === 'open' ? '投票中' : data.status === 'closed' ? '已结束' : '未开始'}
        </Tag>
      </View>
      <Text className="notice-title" data-testid="vote-question">
        {data.question}
      </Text>
      <Text className="muted" style={{ display: 'block' }}>
        {`${formatDayTime(data.opensAt)} 开始，${formatDayTime(data.closesAt)} 结束`}
      </Text>
      <ReadAloud speak={voteSpeech(data)} showText={false} />
      {data.status === 'scheduled' ? <Note>投票还没有开始，到时间再来。</Note> : null}
      {data.status === 'open' ? (
        <OpenVote vote={data} villageId={villageId} onCast={onCast} onRefresh={reload} />
      ) : null}
      {data.status === 'closed' && data.result ? (
        <>
          {data.myBallot ? <MyReceipt vote={data} villageId={villageId} /> : null}
          <ResultCard result={data.result} options={data.options} meetingType={data.meetingType} />
        </>
      ) : null}
      {data.status !== 'scheduled' ? (
        <View className="actions">
          <Btn
            kind="secondary"
            testId="go-receipt"
            onClick={() => go(PAGES.councilReceipt, { villageId, id: voteId })}
          >
            核对回执
          </Btn>
        </View>
      ) : null}
    </View>
  );
}

function MyReceipt({ vote, villageId }: { vote: TVoteView; villageId: string }) {
  const mine = vote.myBallot!;
  const label = vote.options.find((o) => o.key === mine.option)?.label ?? mine.option;
  return (
    <Card title="您已投票" extra={<Tag tone="success">已计入</Tag>}>
      <Text>{`您选择了：${label}`}</Text>
      <Text className="muted" style={{ display: 'block' }}>
        回执码（请记下，可以核对您的票是否算进去了）：
      </Text>
      <Text className="receipt-code" data-testid="receipt-code" selectable>
        {mine.receipt}
      </Text>
      <Text className="muted">{`投票时间：${formatDayTime(mine.castAt)}`}</Text>
      <View style={{ display: 'none' }}>{villageId}</View>
    </Card>
  );
}

function OpenVote({
  vote,
  villageId,
  onCast,
  onRefresh,
}: {
  vote: TVoteView;
  villageId: string;
  onCast: (r: TReceipt) => void;
  onRefresh: () => void;
}) {
  const [choice, setChoice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  // One key per confirmed choice: a retried tap sends the same key and gets the same receipt.
  const key = useRef<string>(uuidV4());

  const live = vote.tally ? (
    <Card title="当前票数" extra={<Tag>实时</Tag>}>
      <Tally options={vote.options} counts={vote.tally.counts} participants={vote.tally.participants} />
      <Text className="bar-caption">{`已有 ${vote.tally.participants} 人投票，共 ${vote.electors ?? 0} 人可以投票`}</Text>
    </Card>
  ) : (
    <Note>票数在投票结束后公布。</Note>
  );

  if (vote.myBallot) {
    return (
      <>
        <MyReceipt vote={vote} villageId={villageId} />
        {live}
      </>
    );
  }
  if (!vote.eligible) {
    return (
      <>
        <Note tone="warn">您不在这次投票的名单里（名单在投票开始时确定）。</Note>
        {live}
      </>
    );
  }
  const picked = vote.options.find((o) => o.key === choice);
  if (picked) {
    const confirm = async () => {
      setBusy(true);
      setErr(null);
      try {
        onCast(await api.councils.cast(villageId, vote.id, picked.key, key.current));
      } catch (e) {
        if (isApiError(e) && e.code === 'ALREADY_VOTED') onRefresh();
        setErr(errorMessage(e));
      } finally {
        setBusy(false);
      }
    };
    return (
      <Card title="请确认您的选票">
        <Text className="outcome" data-testid="confirm-choice">
          {picked.label}
        </Text>
        <Note tone="warn">选票投出后不能更改，也不能再投一次。</Note>
        {err ? <ErrorNote error={err} /> : null}
        <View className="actions">
          <Btn testId="confirm-cast" busy={busy} onClick={() => void confirm()}>
            {`确认投“${picked.label}”`}
          </Btn>
          <Btn kind="secondary" disabled={busy} onClick={() => setChoice(null)}>
            重新选择
          </Btn>
        </View>
      </Card>
    );
  }
  return (
    <>
      <Text style={{ display: 'block', marginTop: '16px' }}>请选一项：</Text>
      <View className="ballot-options">
        {vote.options.map((o) => (
          <View
            key={o.key}
            className={cx(
              'ballot-option',
              o.key === 'yes' && 'ballot-option-yes',
              o.key === 'no' && 'ballot-option-no',
              o.label.length > 6 && 'ballot-option-long',
            )}
            hoverClass="btn-hover"
            data-testid={`option-${o.key}`}
            onClick={() => {
              key.current = uuidV4();
              setChoice(o.key);
            }}
          >
            <Text>{o.label}</Text>
          </View>
        ))}
      </View>
      {live}
    </>
  );
}

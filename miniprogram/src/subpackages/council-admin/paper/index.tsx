/**
 * Paper ballots of one vote: a cadre enters each ballot cast at the meeting (only people on the
 * frozen electorate who have not voted); a supervisor co-signs or rejects each one. Only co-signed
 * paper ballots count; nobody counts twice (online and paper share one database constraint).
 */
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { api } from '../../../api';
import { errorMessage } from '../../../api/client';
import { Gate } from '../../../components/gate';
import { Btn, Card, ErrorNote, Field, Loading, Note, Screen, Tag } from '../../../components/ui';
import { villagesOf } from '../../../lib/roles';
import { useLoad } from '../../../lib/use-load';

export default function PaperPage() {
  const { villageId = '', id = '' } = useRouter().params;
  return (
    <Screen>
      <Gate>
        {(me) => {
          const roles = villagesOf(me).find((v) => v.villageId === villageId)?.roles ?? [];
          return (
            <Paper
              villageId={villageId}
              voteId={id}
              cadre={roles.includes('cadre')}
              supervisor={roles.includes('supervisor')}
              meId={me.id}
            />
          );
        }}
      </Gate>
    </Screen>
  );
}

function Paper({
  villageId,
  voteId,
  cadre,
  supervisor,
  meId,
}: {
  villageId: string;
  voteId: string;
  cadre: boolean;
  supervisor: boolean;
  meId: string;
}) {
  const [n, setN] = useState(0);
  const { data, error, loading, reload } = useLoad(
    () =>
      Promise.all([
        api.councils.vote(villageId, voteId),
        api.councils.electors(villageId, voteId),
        api.councils.paperBallots(villageId, voteId),
      ]),
    `${villageId}/${voteId}/${n}`,
  );
  const [q, setQ] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (loading || !data) return <Loading />;
  const [vote, electors, paper] = data;
  const labelOf = (k: string) => vote.options.find((o) => o.key === k)?.label ?? k;
  const done = (text: string) => {
    setMsg({ ok: true, text });
    setN((x) => x + 1);
  };
  const fail = (e: unknown) => setMsg({ ok: false, text: errorMessage(e) });
  const candidates = q.trim()
    ? electors.items.filter((e) => !e.voted && e.name.includes(q.trim())).slice(0, 8)
    : [];
  return (
    <View>
      <Card title={vote.question}>
        <Text className="muted">
          {vote.status === 'open' ? '投票进行中，可以录入纸质票。' : '投票不在进行中，不能录入或会签。'}
        </Text>
      </Card>
      {cadre && vote.status === 'open' ? (
        <Card title="录入纸质票">
          <Field label="投票人姓名" name="q" value={q} onChange={setQ} placeholder="输入姓名查找" />
          {candidates.map((e) => (
            <View key={e.id} className="comment">
              <Text style={{ display: 'block' }}>{e.name}</Text>
              <View className="choice-row">
                {vote.options.map((o) => (
                  <Btn
                    key={o.key}
                    small
                    kind="secondary"
                    onClick={() =>
                      void api.councils
                        .enterPaper(villageId, voteId, { electorId: e.id, option: o.key })
                        .then(() => done(`已录入 ${e.name}：${o.label}，等监委会会签。`))
                        .catch(fail)
                    }
                  >
                    {o.label}
                  </Btn>
                ))}
              </View>
            </View>
          ))}
        </Card>
      ) : null}
      <Card title={`纸质票（${paper.items.length}）`}>
        {paper.items.map((b) => (
          <View key={b.id} className="comment">
            <View className="comment-head">
              <Text>{`${b.name}：${labelOf(b.option)}`}</Text>
              {b.status === 'counted' ? <Tag tone="success">已会签</Tag> : <Tag tone="warn">待会签</Tag>}
            </View>
            {supervisor && b.status === 'pending_cosign' && b.enteredBy !== meId && vote.status === 'open' ? (
              <View className="choice-row">
                <Btn
                  small
                  onClick={() =>
                    void api.councils
                      .cosign(villageId, voteId, b.id, true)
                      .then(() => done('已会签，计入票数。'))
                      .catch(fail)
                  }
                >
                  会签
                </Btn>
                <Btn
                  small
                  kind="danger"
                  onClick={() =>
                    void api.councils
                      .cosign(villageId, voteId, b.id, false)
                      .then(() => done('已退回，不计入。'))
                      .catch(fail)
                  }
                >
                  退回
                </Btn>
              </View>
            ) : null}
          </View>
        ))}
      </Card>
      {msg ? msg.ok ? <Note tone="success">{msg.text}</Note> : <ErrorNote error={msg.text} /> : null}
    </View>
  );
}

/**
 * 开会投票: convene a meeting and open its vote at once. The choices are 同意/反对/弃权, or the
 * cadre writes their own (2–10 different choices, each at most 30 characters; the server checks
 * the same rules in shared/councils/schemas.ts and says what is wrong).
 */
import { Text, View } from '@tarojs/components';
import { useRef, useState } from 'react';
import { api } from '../../../api';
import { errorMessage } from '../../../api/client';
import { MEETING_TYPE_LABELS } from '../../../components/council';
import { Btn, Card, ErrorNote, Field, Note } from '../../../components/ui';

const TYPES = Object.keys(MEETING_TYPE_LABELS) as (keyof typeof MEETING_TYPE_LABELS)[];
export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 10;
export const OPTION_MAX_CHARS = 30;

/** What is wrong with the written choices, in the words the server would use; null when fine. */
export function optionsProblem(labels: string[]): string | null {
  const clean = labels.map((l) => l.trim());
  if (clean.length < MIN_OPTIONS) return `至少要有 ${MIN_OPTIONS} 个选项`;
  if (clean.length > MAX_OPTIONS) return `最多 ${MAX_OPTIONS} 个选项`;
  if (clean.some((l) => !l)) return '选项不能是空的';
  if (clean.some((l) => l.length > OPTION_MAX_CHARS)) return `每个选项最多 ${OPTION_MAX_CHARS} 个字`;
  const same = new Set(clean.map((l) => l.replace(/\s+/g, '').toLowerCase()));
  if (same.size !== clean.length) return '选项不能重复';
  return null;
}

export function NewVote({
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
  const [custom, setCustom] = useState(false);
  // Each written choice keeps its own id, so removing one does not shift what the others show.
  const nextId = useRef(2);
  const [choices, setChoices] = useState([
    { id: 0, label: '' },
    { id: 1, label: '' },
  ]);
  const labels = choices.map((c) => c.label);
  const [proposalId, setProposalId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);

  const setLabel = (id: number, label: string) =>
    setChoices((cs) => cs.map((c) => (c.id === id ? { ...c, label } : c)));
  const addChoice = () => setChoices((cs) => [...cs, { id: nextId.current++, label: '' }]);
  const save = async () => {
    const problem = custom ? optionsProblem(labels) : null;
    if (problem) {
      setMsg({ ok: false, text: problem });
      return;
    }
    setBusy(true);
    setMsg(null);
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
        ...(custom
          ? {
              kind: 'single' as const,
              options: labels.map((l, i) => ({ key: `o${i + 1}`, label: l.trim() })),
            }
          : { kind: 'yes_no' as const }),
        ballotMode: secret ? 'secret' : 'open',
        liveTally: true,
        opensAt: new Date(now).toISOString(),
        closesAt: new Date(now + Math.max(1, Number(hours) || 24) * 3600_000).toISOString(),
      });
      setQuestion('');
      setChoices((cs) => cs.map((c) => ({ ...c, label: '' })));
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
        placeholder={custom ? '选哪一个……？' : '是否同意……？'}
      />
      <Text className="field-label">怎么投</Text>
      <View className="choice-row">
        <Btn
          small
          testId="kind-yes-no"
          kind={!custom ? 'primary' : 'secondary'}
          onClick={() => setCustom(false)}
        >
          同意/反对/弃权
        </Btn>
        <Btn
          small
          testId="kind-single"
          kind={custom ? 'primary' : 'secondary'}
          onClick={() => setCustom(true)}
        >
          自己写选项（选一项）
        </Btn>
      </View>
      {custom ? (
        <View data-testid="vote-options">
          {choices.map((c, i) => (
            <View key={c.id} className="option-edit">
              <Field
                label={`选项 ${i + 1}`}
                name={`option-${i + 1}`}
                value={c.label}
                onChange={(v) => setLabel(c.id, v)}
                maxlength={OPTION_MAX_CHARS}
                hint={`最多 ${OPTION_MAX_CHARS} 个字`}
              />
              {labels.length > MIN_OPTIONS ? (
                <Btn
                  small
                  kind="plain"
                  testId={`remove-option-${i + 1}`}
                  onClick={() => setChoices((cs) => cs.filter((x) => x.id !== c.id))}
                >
                  {`删除选项 ${i + 1}`}
                </Btn>
              ) : null}
            </View>
          ))}
          {labels.length < MAX_OPTIONS ? (
            <Btn small kind="secondary" testId="add-option" onClick={addChoice}>
              ＋ 加一个选项
            </Btn>
          ) : (
            <Text className="muted">{`最多 ${MAX_OPTIONS} 个选项`}</Text>
          )}
        </View>
      ) : null}
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
        <Btn testId="start-vote" busy={busy} disabled={!question.trim()} onClick={() => void save()}>
          {custom ? `开始投票（${labels.length} 个选项，选一项）` : '开始投票（同意/反对/弃权）'}
        </Btn>
      </View>
      {msg ? msg.ok ? <Note tone="success">{msg.text}</Note> : <ErrorNote error={msg.text} /> : null}
    </Card>
  );
}

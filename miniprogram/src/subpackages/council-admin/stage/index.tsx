/** Record the next 四议两公开 step of a proposal (the role that owns it; the server checks). */
import { Text, Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { STAGE_RULES } from '@shared/councils/stages';
import { api } from '../../../api';
import { errorMessage } from '../../../api/client';
import { StageSteps } from '../../../components/council';
import { Gate } from '../../../components/gate';
import { Btn, Card, ErrorNote, Field, Loading, Note, Screen } from '../../../components/ui';
import { beijingToday } from '../../../lib/format';
import { useLoad } from '../../../lib/use-load';
import '../admin.scss';
import { type AttachmentItem, StageAttachments, attachmentsState } from './attachments';

export default function StagePage() {
  const { villageId = '', id = '' } = useRouter().params;
  return (
    <Screen>
      <Gate>{() => <StageForm villageId={villageId} proposalId={id} />}</Gate>
    </Screen>
  );
}

export function StageForm({ villageId, proposalId }: { villageId: string; proposalId: string }) {
  const [n, setN] = useState(0);
  const { data, error, loading, reload } = useLoad(
    () => Promise.all([api.councils.proposal(villageId, proposalId), api.councils.votes(villageId)]),
    `${villageId}/${proposalId}/${n}`,
  );
  const [heldOn, setHeldOn] = useState(beijingToday());
  const [attendance, setAttendance] = useState('');
  const [participants, setParticipants] = useState('');
  const [minutes, setMinutes] = useState('');
  const [outcome, setOutcome] = useState<'passed' | 'rejected'>('passed');
  const [voteId, setVoteId] = useState<string | null>(null);
  const [files, setFiles] = useState<AttachmentItem[]>([]);
  const [pickError, setPickError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (loading || !data) return <Loading />;
  const [p, votes] = data;
  const next = p.nextStage;
  if (!next) return <Note>{`“${p.title}”六步已走完或已结束。`}</Note>;
  const rule = STAGE_RULES[next];
  const closed = votes.items.filter(
    (v) => v.status === 'closed' && (rule.meetings as string[]).includes(v.meetingType),
  );
  const uploads = attachmentsState(files);
  const save = async () => {
    setBusy(true);
    try {
      await api.councils.recordStage(villageId, proposalId, {
        stage: next,
        heldOn,
        minutes,
        participants: participants.split(/[，,、\s]+/).filter(Boolean),
        ...(attendance ? { attendance: Number(attendance) } : {}),
        outcome,
        ...(voteId ? { voteId } : {}),
        attachmentIds: uploads.ids,
      });
      setMsg({ ok: true, text: `已记录“${rule.label}”。` });
      setMinutes('');
      setVoteId(null);
      setFiles([]);
      setN((x) => x + 1);
    } catch (e) {
      setMsg({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <View>
      <Card title={p.title}>
        <StageSteps done={p.doneStages} records={p.stages} />
      </Card>
      <Card title={`记录：${rule.label}`}>
        <Text className="muted" style={{ display: 'block' }}>{`由${rule.owner}记录`}</Text>
        <Field label="日期" name="heldOn" value={heldOn} onChange={setHeldOn} placeholder="2026-12-03" />
        <Field
          label="参加人员"
          name="participants"
          value={participants}
          onChange={setParticipants}
          optional
          hint="用逗号隔开"
        />
        <Field
          label="到会人数"
          name="attendance"
          type="number"
          value={attendance}
          onChange={setAttendance}
          optional
        />
        <Text className="field-label">会议记录</Text>
        <Textarea
          className="textarea"
          name="minutes"
          placeholder="会上说了什么、定了什么"
          value={minutes}
          maxlength={5000}
          onInput={(e) => setMinutes(e.detail.value)}
        />
        {closed.length > 0 ? (
          <>
            <Text className="field-label">表决结果来自投票（结果以投票为准）</Text>
            <View className="choice-row">
              {closed.map((v) => (
                <Btn
                  key={v.id}
                  small
                  kind={voteId === v.id ? 'primary' : 'secondary'}
                  onClick={() => setVoteId(voteId === v.id ? null : v.id)}
                >
                  {`${v.question}（${v.result?.outcomeLabel ?? ''}）`}
                </Btn>
              ))}
            </View>
          </>
        ) : null}
        {!voteId ? (
          <View className="choice-row">
            <Btn
              small
              kind={outcome === 'passed' ? 'primary' : 'secondary'}
              onClick={() => setOutcome('passed')}
            >
              通过
            </Btn>
            <Btn
              small
              kind={outcome === 'rejected' ? 'primary' : 'secondary'}
              onClick={() => setOutcome('rejected')}
            >
              未通过
            </Btn>
          </View>
        ) : null}
        <StageAttachments
          villageId={villageId}
          items={files}
          onChange={setFiles}
          pickError={pickError}
          onPickError={setPickError}
        />
        {uploads.uploading ? <Note>照片和文件还在上传，传完才能保存。</Note> : null}
        {uploads.failed ? <Note tone="warn">有照片或文件没传上：请重传，或删掉它。</Note> : null}
        <View className="actions">
          <Btn
            testId="save-stage"
            busy={busy}
            disabled={uploads.uploading || uploads.failed}
            onClick={() => void save()}
          >
            保存这一步
          </Btn>
        </View>
        {msg ? msg.ok ? <Note tone="success">{msg.text}</Note> : <ErrorNote error={msg.text} /> : null}
      </Card>
    </View>
  );
}

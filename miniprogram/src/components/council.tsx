/** Pieces the council pages share: the 四议两公开 steps, bars for turnout and tally, the result. */
import { Text, View } from '@tarojs/components';
import { MEETING_TYPE_LABELS } from '@shared/councils/labels';
import { STAGES, STAGE_RULES, type Stage } from '@shared/councils/stages';
import type { TResult } from '../api/types';
import { cx } from '../lib/format';
import { Card, Tag } from './ui';
import './council.scss';

export { MEETING_TYPE_LABELS };

const STATUS_WORDS: Record<
  string,
  { text: string; tone: 'primary' | 'success' | 'warn' | 'danger' | 'neutral' }
> = {
  active: { text: '进行中', tone: 'primary' },
  adopted: { text: '已通过', tone: 'success' },
  rejected: { text: '未通过', tone: 'danger' },
  done: { text: '已实施', tone: 'success' },
};

export function ProposalStatus({ status }: { status: string }) {
  const s = STATUS_WORDS[status] ?? { text: status, tone: 'neutral' as const };
  return <Tag tone={s.tone}>{s.text}</Tag>;
}

/** "第 3 步，共 6 步：党员大会审议" — one line for lists. */
export function stepLine(doneStages: number, nextStage: Stage | null): string {
  if (!nextStage) return `六步已走完（${doneStages}/6）`;
  return `已完成 ${doneStages}/6 步 · 下一步：${STAGE_RULES[nextStage].label}`;
}

export function StageSteps({
  done,
  records,
}: {
  done: number;
  records: {
    stage: Stage;
    heldOn: string;
    attendance: number | null;
    outcome: string;
    publishedAt: string | null;
  }[];
}) {
  return (
    <View className="stages" data-testid="stage-steps">
      {STAGES.map((s, i) => {
        const rec = records.find((r) => r.stage === s);
        const state = i < done ? 'done' : i === done ? 'next' : 'todo';
        return (
          <View key={s} className={cx('stage-row', `stage-${state}`)}>
            <View className="stage-dot">
              <Text>{state === 'done' ? '✓' : String(i + 1)}</Text>
            </View>
            <View>
              <Text className="stage-label">{STAGE_RULES[s].label}</Text>
              <Text className="stage-meta">
                {rec
                  ? `${rec.heldOn}${rec.attendance != null ? ` · ${rec.attendance} 人参加` : ''}${rec.outcome === 'rejected' ? ' · 未通过' : ''}${rec.publishedAt ? ' · 已公开' : ''}`
                  : state === 'next'
                    ? `等待${STAGE_RULES[s].owner}`
                    : '未开始'}
              </Text>
            </View>
          </View>
        );
      })}
    </View>
  );
}

/** A horizontal bar with an optional mark (the quorum line). */
export function Bar({
  value,
  max,
  mark,
  ok,
}: {
  value: number;
  max: number;
  mark?: number | null;
  ok?: boolean;
}) {
  const pct = max > 0 ? Math.min(100, (value / max) * 100) : 0;
  const markPct = mark != null && max > 0 ? Math.min(100, (mark / max) * 100) : null;
  return (
    <View className="bar">
      <View className={cx('bar-fill', ok && 'bar-fill-ok')} style={{ width: `${pct}%` }} />
      {markPct != null ? <View className="bar-mark" style={{ left: `calc(${markPct}% - 3px)` }} /> : null}
    </View>
  );
}

export function Tally({
  options,
  counts,
  participants,
}: {
  options: { key: string; label: string }[];
  counts: Record<string, number>;
  participants: number;
}) {
  return (
    <View data-testid="tally">
      {options.map((o) => (
        <View key={o.key} className="tally-row">
          <View className="tally-head">
            <Text>{o.label}</Text>
            <Text>{`${counts[o.key] ?? 0} 票`}</Text>
          </View>
          <Bar value={counts[o.key] ?? 0} max={Math.max(participants, 1)} />
        </View>
      ))}
    </View>
  );
}

export function ResultCard({
  result,
  options,
  meetingType,
}: {
  result: TResult;
  options: { key: string; label: string }[];
  meetingType: string;
}) {
  const adopted = result.outcome === 'adopted' || result.outcome === 'advisory';
  return (
    <Card title="投票结果">
      <Text className={cx('outcome', adopted ? 'outcome-adopted' : 'outcome-other')} data-testid="outcome">
        {result.outcomeLabel}
      </Text>
      <Text className="bar-caption">{`${MEETING_TYPE_LABELS[meetingType as keyof typeof MEETING_TYPE_LABELS] ?? ''}，依据${result.basis}`}</Text>
      <View className="tally-row" data-testid="turnout">
        <View className="tally-head">
          <Text>参加人数</Text>
          <Text>{`${result.participants} / ${result.electors} 人`}</Text>
        </View>
        <Bar
          value={result.participants}
          max={result.electors}
          mark={result.quorumRequired}
          ok={result.quorumMet}
        />
        <Text className="bar-caption">
          {result.quorumRequired == null
            ? '不需要达到法定人数'
            : `${result.quorumMet ? '已达到' : '未达到'}法定人数（至少 ${result.quorumRequired} 人，红线处）${result.householdsTakingPart ? `；${result.householdsTakingPart}/${result.households} 户的户代表参加` : ''}`}
        </Text>
      </View>
      <Tally options={options} counts={result.counts} participants={result.participants} />
      <Text className="bar-caption">{`通过需要超过参加人数的一半：至少 ${result.majorityRequired} 票`}</Text>
      <Text className="bar-caption">{`网上 ${result.online} 票，纸质 ${result.paper} 票${result.uncosignedPaper ? `，${result.uncosignedPaper} 张纸质票未会签未计入` : ''}`}</Text>
      <Text className="bar-caption">{`核对码（链头）：${result.chainHead.slice(0, 16)}…`}</Text>
    </Card>
  );
}

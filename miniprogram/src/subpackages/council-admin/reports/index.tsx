/**
 * 被举报的意见 (cadres and supervisors): comments members reported, most reported first. For each:
 * what was said, on which proposal, how many reported it and why; then 保留 (nothing wrong) or
 * 隐藏 with a reason its author will see. Either answer settles the reports; someone else's later
 * report brings it back. A moderator's own comment is left to another moderator.
 */
import { Text, Textarea, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { api } from '../../../api';
import { errorMessage, isApiError } from '../../../api/client';
import type { TReportedComment } from '../../../api/types';
import { Gate } from '../../../components/gate';
import { Btn, Card, Empty, ErrorNote, Loading, Note, PageTitle, Screen, Tag } from '../../../components/ui';
import { formatDayTime } from '../../../lib/format';
import { PAGES, go } from '../../../lib/nav';
import { villagesOf } from '../../../lib/roles';
import { useLoad } from '../../../lib/use-load';
import '../admin.scss';

/** Reasons a moderator picks from (or writes their own); the author reads the one chosen. */
export const HIDE_REASONS = ['含有别人的个人信息', '与议题无关', '言语不文明', '广告'] as const;
const KIND_WORDS = { comment: '意见', question: '提问', answer: '村干部回答' } as const;

export default function ReportsPage() {
  const { villageId = '' } = useRouter().params;
  return (
    <Screen>
      <PageTitle sub="不合适的隐藏（写的人会看到原因），没问题的保留。">被举报的意见</PageTitle>
      <Gate>
        {(me) => {
          const v = villagesOf(me).find((x) => x.villageId === villageId);
          if (!v || !(v.roles.includes('cadre') || v.roles.includes('supervisor'))) {
            return <Note tone="warn">只有村干部和监委会成员可以处理举报。</Note>;
          }
          return <ReportedComments villageId={villageId} />;
        }}
      </Gate>
    </Screen>
  );
}

export function ReportedComments({ villageId }: { villageId: string }) {
  const { data, error, loading, reload, setData } = useLoad(
    () => api.councils.reported(villageId),
    villageId,
  );
  const [done, setDone] = useState<string | null>(null);
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (loading || !data) return <Loading />;
  const settled = (item: TReportedComment, text: string) => {
    setData((d) => (d ? { items: d.items.filter((x) => x.commentId !== item.commentId) } : d));
    setDone(text);
  };
  return (
    <View data-testid="reported-comments">
      {done ? <Note tone="success">{done}</Note> : null}
      {data.items.length === 0 ? <Empty>现在没有待处理的举报。</Empty> : null}
      {data.items.map((item) => (
        <ReportedCard
          key={item.commentId}
          villageId={villageId}
          item={item}
          onSettled={(text) => settled(item, text)}
          onStale={reload}
        />
      ))}
    </View>
  );
}

function ReportedCard({
  villageId,
  item,
  onSettled,
  onStale,
}: {
  villageId: string;
  item: TReportedComment;
  onSettled: (text: string) => void;
  onStale: () => void;
}) {
  const [hiding, setHiding] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const run = async (call: () => Promise<unknown>, text: string) => {
    setBusy(true);
    setErr(null);
    try {
      await call();
      onSettled(text);
    } catch (e) {
      setErr(errorMessage(e));
      // Someone else settled it meanwhile: show the list as it is now.
      if (isApiError(e) && (e.status === 409 || e.status === 404)) {
        void Taro.showToast({ title: errorMessage(e), icon: 'none' });
        onStale();
      }
    } finally {
      setBusy(false);
    }
  };
  const reasons = item.reasons.map((r) => `${r.reason}（${r.count} 人）`).join('、');
  return (
    <Card
      title={`${KIND_WORDS[item.kind]} · 被 ${item.reports} 人举报`}
      extra={item.pendingCheck ? <Tag tone="warn">还在审核</Tag> : null}
    >
      <View data-testid={`reported-${item.commentId}`}>
        <Text className="reported-text">{item.text}</Text>
        <Text className="muted" style={{ display: 'block' }}>
          {`${item.authorName} · ${formatDayTime(item.createdAt)}`}
        </Text>
        <Text style={{ display: 'block' }}>{`举报理由：${reasons}`}</Text>
        <View className="actions">
          <Btn
            small
            kind="plain"
            onClick={() => go(PAGES.councilProposal, { villageId, id: item.proposalId })}
          >
            {`看议题：${item.proposalTitle}`}
          </Btn>
        </View>
        {item.mine ? (
          <Note>这是您自己写的，要由别的村干部或监委会成员处理。</Note>
        ) : hiding ? (
          <View data-testid="hide-form">
            <Text className="field-label">隐藏的原因（写的人能看到）</Text>
            <View className="choice-row">
              {HIDE_REASONS.map((r) => (
                <Btn key={r} small kind={reason === r ? 'primary' : 'secondary'} onClick={() => setReason(r)}>
                  {r}
                </Btn>
              ))}
            </View>
            <Textarea
              className="textarea"
              name="hide-reason"
              value={reason}
              maxlength={200}
              placeholder="也可以自己写原因"
              onInput={(e) => setReason(e.detail.value)}
            />
            <View className="actions-row">
              <Btn
                kind="danger"
                testId="confirm-hide"
                busy={busy}
                disabled={!reason.trim()}
                onClick={() =>
                  void run(
                    () => api.councils.hide(villageId, item.commentId, reason.trim()),
                    '已隐藏，写的人会看到原因。',
                  )
                }
              >
                确认隐藏
              </Btn>
              <Btn kind="secondary" disabled={busy} onClick={() => setHiding(false)}>
                不隐藏了
              </Btn>
            </View>
          </View>
        ) : (
          <View className="actions-row">
            <Btn
              kind="secondary"
              testId="keep"
              busy={busy}
              onClick={() =>
                void run(() => api.councils.keep(villageId, item.commentId), '已保留，大家还能看到这条。')
              }
            >
              保留
            </Btn>
            <Btn kind="danger" testId="hide" disabled={busy} onClick={() => setHiding(true)}>
              隐藏
            </Btn>
          </View>
        )}
        {err ? <ErrorNote error={err} /> : null}
      </View>
    </Card>
  );
}

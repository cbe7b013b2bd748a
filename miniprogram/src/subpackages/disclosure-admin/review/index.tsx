/**
 * A supervisor reviews a submitted disclosure: the ledger with totals, each line's voucher photos
 * and any reconciliation issue, earlier returns; then approves — their recorded co-signature, which publishes it into the
 * village's chain — or returns it with what must change. Never their own draft (the server refuses).
 */
import { Text, Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { api } from '../../../api';
import { Btn, Card, ErrorNote, Loading, Note, PageTitle } from '../../../components/ui';
import { useLoad } from '../../../lib/use-load';
import { yuan } from '@shared/disclosures/ledger';
import { AdminPage } from '../common';
import { DraftVoucherThumbs } from '../vouchers';

export default function DisclosureReview() {
  return <AdminPage roles={['supervisor', 'cadre']}>{(v) => <Review villageId={v.villageId} />}</AdminPage>;
}

function Review({ villageId }: { villageId: string }) {
  const id = useRouter().params.id ?? '';
  const draft = useLoad(() => api.disclosures.draft(villageId, id), `${villageId}/${id}`);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (draft.loading && !draft.data) return <Loading />;
  if (!draft.data) return <ErrorNote error={draft.error ?? '没有找到'} onRetry={draft.reload} />;
  const d = draft.data;
  const decide = async (decision: 'approve' | 'return') => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.disclosures.review(villageId, id, decision, comment);
      setDone(r.status === 'published' ? `已签字，已公开（公开链第 ${r.seq} 号）` : '已退回给村干部修改');
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <View>
      <PageTitle sub={`${d.periodLabel} · 第${d.versionNo}版 · ${d.statusLabel} · 起草人 ${d.draftedBy}`}>
        {d.title}
      </PageTitle>
      {d.reason ? <Note tone="warn">更正原因：{d.reason}</Note> : null}
      {d.body ? (
        <Card title="说明">
          <Text className="notice-body">{d.body}</Text>
        </Card>
      ) : null}
      {d.ledger && d.totals ? (
        <Card title="收支明细">
          {d.ledger.entries.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity (a fixed, ordered list)
            <View className="ledger-row" key={`${i}-${e.item}`} data-testid={`review-line-${i + 1}`}>
              <View className="ledger-main">
                <Text className="ledger-item">
                  {i + 1}. {e.item}
                </Text>
                {e.incomeFen > 0 ? (
                  <Text className="amount-in">收入 {yuan(e.incomeFen)} 元</Text>
                ) : (
                  <Text className="amount-out">支出 {yuan(e.expenseFen)} 元</Text>
                )}
              </View>
              <Text className="muted">
                {e.date} · {e.category} · {e.counterpart}
              </Text>
              {e.voucherIds?.length ? (
                <DraftVoucherThumbs ids={e.voucherIds} testId={`review-vouchers-${i + 1}`} />
              ) : (
                <Text className="muted">这一笔没有凭证照片</Text>
              )}
            </View>
          ))}
          <Text className="muted" data-testid="review-totals">
            期初 {yuan(d.ledger.openingFen)} 元，收入 {yuan(d.totals.incomeFen)} 元，支出{' '}
            {yuan(d.totals.expenseFen)} 元，期末 {yuan(d.totals.closingFen)} 元
          </Text>
        </Card>
      ) : null}
      {d.sections?.map((s) => (
        <Card key={s.heading} title={s.heading}>
          <Text className="notice-body">{s.text}</Text>
        </Card>
      ))}
      {d.issues.map((i) => (
        <Note key={i.message} tone="warn">
          {i.message}
        </Note>
      ))}
      {d.reviews.map((r) => (
        <Text key={r.at} className="muted">
          {r.by}：{r.decision === 'approve' ? '同意' : `退回（${r.comment}）`}
        </Text>
      ))}
      {done ? (
        <Note tone="success">{done}</Note>
      ) : d.actions.includes('approve') ? (
        <Card title="审核意见">
          <Textarea
            className="field-input"
            style={{ minHeight: '100px', width: '100%' }}
            value={comment}
            maxlength={1000}
            placeholder="退回时写明要改什么；同意可不写"
            onInput={(e) => setComment(e.detail.value)}
            data-testid="review-comment"
          />
          <ErrorNote error={error} />
          <View className="actions-row">
            <Btn kind="danger" onClick={() => void decide('return')} busy={busy} testId="review-return">
              ↩ 退回修改
            </Btn>
            <Btn onClick={() => void decide('approve')} busy={busy} testId="review-approve">
              ✓ 签字公开
            </Btn>
          </View>
        </Card>
      ) : (
        <Note>
          {d.status === 'submitted' ? '这份是您起草或提交的，要由其他监委会成员审核。' : '还没有提交审核。'}
        </Note>
      )}
    </View>
  );
}

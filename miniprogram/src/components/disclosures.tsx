/**
 * Pieces of the 公开 pages: a power item's flow diagram (steps as boxes joined by arrows, built
 * from Views so it renders the same in WeChat and h5), a ledger with totals, voucher photos and
 * the question / answer beside each line, and the differences between two versions.
 */
import { Image, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { yuan } from '@shared/disclosures/ledger';
import type { TDisclosureDetail, TPowerItem, TPublishedVersion } from '../api/disclosures';
import { cx } from '../lib/format';
import { Btn, Card, Tag } from './ui';
import './disclosures.scss';

export function FlowDiagram({ steps }: { steps: TPowerItem['steps'] }) {
  return (
    <View className="flow" data-testid="flow-diagram">
      {steps.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity (a fixed, ordered list)
        <View key={`${i}-${s.title}`}>
          {i > 0 ? (
            <View className="flow-arrow" aria-hidden="true">
              <View className="flow-arrow-line" />
              <View className="flow-arrow-head" />
            </View>
          ) : null}
          <View className="flow-step">
            <Text className="flow-step-no">第{i + 1}步</Text>
            <Text className="flow-step-title">{s.title}</Text>
            <Text className="flow-step-meta">
              谁来办：{s.actor}
              {s.limitDays !== null ? `　时限：${s.limitDays}个工作日内` : ''}
            </Text>
          </View>
        </View>
      ))}
    </View>
  );
}

export function PowerItemView({ item }: { item: TPowerItem }) {
  return (
    <Card title={item.title}>
      <Text className="muted">依据：{item.legalBasis}</Text>
      <Text className="muted">责任人：{item.responsible}</Text>
      {item.materials.length ? <Text className="muted">要带的材料：{item.materials.join('、')}</Text> : null}
      <View style={{ marginTop: '12px' }}>
        <FlowDiagram steps={item.steps} />
      </View>
    </Card>
  );
}

export function Totals({
  totals,
  openingFen,
}: {
  totals: NonNullable<TPublishedVersion['totals']>;
  openingFen: number;
}) {
  const cell = (label: string, fen: number, testId: string) => (
    <View className="total-cell" data-testid={testId}>
      <Text className="total-label">{label}</Text>
      <Text className="total-value">{yuan(fen)} 元</Text>
    </View>
  );
  return (
    <View className="totals">
      {cell('期初余额', openingFen, 'total-opening')}
      {cell('本期收入', totals.incomeFen, 'total-income')}
      {cell('本期支出', totals.expenseFen, 'total-expense')}
      {cell('期末余额', totals.closingFen, 'total-closing')}
    </View>
  );
}

/**
 * A line's voucher photos (凭证照片) as thumbnails; a tap opens them large (WeChat's viewer, or
 * Taro's on h5: pinch to zoom, tap to close). `srcs` are URLs an <Image> can load by itself (the
 * public voucher URLs, or local paths of photos fetched with the login). A null src is still
 * loading; an empty one could not be fetched.
 */
export function VoucherThumbs({ srcs, testId }: { srcs: (string | null)[]; testId?: string }) {
  const [broken, setBroken] = useState<Set<number>>(new Set());
  if (srcs.length === 0) return null;
  const ready = srcs.filter((s): s is string => !!s);
  const open = (src: string) => void Taro.previewImage({ current: src, urls: ready }).catch(() => undefined);
  return (
    <View className="vouchers" data-testid={testId}>
      <Text className="vouchers-label">凭证照片 {srcs.length} 张（点照片看大图）</Text>
      <View className="vouchers-row">
        {srcs.map((src, i) =>
          src && !broken.has(i) ? (
            <Image
              // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity (a fixed, ordered list)
              key={i}
              className="voucher-thumb"
              src={src}
              mode="aspectFill"
              imgProps={{ alt: `第${i + 1}张凭证照片，点开看大图` }}
              onClick={() => open(src)}
              onError={() => setBroken((b) => new Set(b).add(i))}
            />
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity (a fixed, ordered list)
            <View key={i} className="voucher-thumb voucher-thumb-missing">
              <Text>{src === null ? '加载中' : '打不开'}</Text>
            </View>
          ),
        )}
      </View>
    </View>
  );
}

type Question = TDisclosureDetail['questions'][number];

/** The ledger lines; each can be questioned, a question's answer shows beside its line, and its vouchers under it. */
export function LedgerLines({
  version,
  questions,
  onQuestion,
  voucherSrc,
}: {
  version: TPublishedVersion;
  questions: Question[];
  onQuestion?: (lineNo: number) => void;
  /** The URL of a published voucher photo (GET …/disclosures/{id}/vouchers/{mediaId}). */
  voucherSrc?: (mediaId: string) => string;
}) {
  const entries = version.ledger?.entries ?? [];
  return (
    <View>
      {entries.map((e, i) => {
        const lineNo = i + 1;
        const qs = questions.filter((q) => q.versionNo === version.versionNo && q.lineNo === lineNo);
        return (
          <View className="ledger-row" key={lineNo} data-testid={`ledger-line-${lineNo}`}>
            <View className="ledger-main">
              <Text className="ledger-item">
                {lineNo}. {e.item}
              </Text>
              {e.incomeFen > 0 ? (
                <Text className="amount-in">收入 {yuan(e.incomeFen)} 元</Text>
              ) : (
                <Text className="amount-out">支出 {yuan(e.expenseFen)} 元</Text>
              )}
            </View>
            <View className="ledger-sub">
              <Text className="muted">
                {e.date} · {e.category}
                {e.counterpart ? ` · ${e.counterpart}` : ''}
              </Text>
              {onQuestion ? (
                <Btn
                  kind="secondary"
                  small
                  onClick={() => onQuestion(lineNo)}
                  testId={`question-line-${lineNo}`}
                >
                  ？ 质询
                </Btn>
              ) : null}
            </View>
            {voucherSrc && e.voucherIds?.length ? (
              <VoucherThumbs srcs={e.voucherIds.map(voucherSrc)} testId={`vouchers-${lineNo}`} />
            ) : null}
            {qs.map((q) => (
              <Text key={q.id} className={cx('answer', !q.answer && 'answer-pending')}>
                {q.answer ? `监委会答复：${q.answer}` : `有村民质询这一笔，${q.state}`}
              </Text>
            ))}
          </View>
        );
      })}
    </View>
  );
}

export function Changes({ version }: { version: TPublishedVersion }) {
  if (version.changes.length === 0) return null;
  return (
    <View data-testid={`changes-${version.versionNo}`}>
      {version.changes.map((c, i) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity (a fixed, ordered list)
          key={`${i}-${c.text}`}
          className={cx('diff-line', c.op === 'added' ? 'diff-added' : 'diff-removed')}
        >
          {c.op === 'added' ? '新增：' : '删去：'}
          {c.text}
        </Text>
      ))}
    </View>
  );
}

export function VersionTag({ versionNo, current }: { versionNo: number; current: number }) {
  return versionNo === current ? (
    <Tag tone="success">第{versionNo}版 · 现行</Tag>
  ) : (
    <Tag>第{versionNo}版 · 已更正</Tag>
  );
}

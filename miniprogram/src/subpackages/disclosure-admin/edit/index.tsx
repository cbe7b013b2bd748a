/**
 * A cadre drafts or fixes a disclosure. Finance: the ledger, one card per entry (date, 科目, 摘要,
 * 收入 or 支出 in 元 — turned into integer 分 by string arithmetic — the counterpart, and its
 * voucher photos, uploaded as they are chosen), with the totals and balance computed as they type
 * and the server's reconciliation issues shown by name. Wider screens (the h5 build on a desktop)
 * lay each entry out on one row.
 */
import { Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { api } from '../../../api';
import type { TDraft } from '../../../api/disclosures';
import { Btn, Card, ErrorNote, Field, Loading, Note, PageTitle } from '../../../components/ui';
import { cx } from '../../../lib/format';
import { uuidV4 } from '../../../lib/uuid';
import { type LedgerEntry, ledgerTotals, parseYuan, yuan } from '@shared/disclosures/ledger';
import { ADMIN_PAGES, AdminPage } from '../common';
import { type VoucherItem, VoucherPicker, savedVouchers, vouchersState } from '../vouchers';

type Row = {
  /** Local identity: uploads finishing later find their line even if lines above were deleted. */
  key: string;
  date: string;
  category: string;
  item: string;
  side: 'in' | 'out';
  amount: string;
  counterpart: string;
  vouchers: VoucherItem[];
};
type Kind = 'finance' | 'affairs' | 'party' | 'major';

const blankRow = (date: string): Row => ({
  key: uuidV4(),
  date,
  category: '',
  item: '',
  side: 'out',
  amount: '',
  counterpart: '',
  vouchers: [],
});
const thisMonth = () => {
  const b = new Date(Date.now() + 8 * 3600_000);
  return `${b.getUTCFullYear()}-${String(b.getUTCMonth() + 1).padStart(2, '0')}`;
};
const fenText = (fen: number) => yuan(fen).replace(/,/g, '');

export default function DisclosureEdit() {
  return (
    <AdminPage roles={['cadre']} wide>
      {(v, _me, params) => (
        <Editor
          villageId={v.villageId}
          id={params.id ?? null}
          correcting={params.correct === '1'}
          initialKind={(params.kind as Kind) ?? 'finance'}
        />
      )}
    </AdminPage>
  );
}

function Editor({
  villageId,
  id: initialId,
  correcting: startsAsCorrection,
  initialKind,
}: {
  villageId: string;
  id: string | null;
  /** Start a correction of the published disclosure `id`: prefilled from its current version. */
  correcting: boolean;
  initialKind: Kind;
}) {
  const [id, setId] = useState<string | null>(initialId);
  const [correcting, setCorrecting] = useState(startsAsCorrection);
  const [reason, setReason] = useState('');
  const [draft, setDraft] = useState<TDraft | null>(null);
  const [loading, setLoading] = useState(!!initialId);
  const [kind, setKind] = useState<Kind>(initialKind);
  const [period, setPeriod] = useState(thisMonth());
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [opening, setOpening] = useState('0');
  const [closing, setClosing] = useState('');
  const [rows, setRows] = useState<Row[]>([blankRow(`${thisMonth()}-01`)]);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const load = (d: TDraft) => {
    setDraft(d);
    setKind(d.kind as Kind);
    setPeriod(d.period ?? '');
    setTitle(d.title);
    setBody(d.body);
    if (d.ledger) {
      setOpening(fenText(d.ledger.openingFen));
      setClosing(fenText(d.ledger.declaredClosingFen));
      setRows(
        d.ledger.entries.map((e) => ({
          key: uuidV4(),
          date: e.date,
          category: e.category,
          item: e.item,
          side: e.incomeFen > 0 ? 'in' : 'out',
          amount: fenText(e.incomeFen || e.expenseFen),
          counterpart: e.counterpart,
          vouchers: savedVouchers(e.voucherIds),
        })),
      );
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per draft opened
  useEffect(() => {
    if (!initialId) return;
    const loading = startsAsCorrection
      ? api.disclosures.detail(villageId, initialId).then((d) => {
          const cur = d.versions.find((x) => x.versionNo === d.current)!;
          load({
            id: cur.id,
            disclosureId: d.id,
            kind: d.kind,
            period: d.period,
            periodLabel: d.periodLabel,
            versionNo: d.current + 1,
            status: 'draft',
            statusLabel: '更正草稿',
            title: cur.title,
            body: cur.body,
            reason: null,
            ledger: cur.ledger,
            totals: cur.totals,
            sections: cur.sections,
            draftedBy: '',
            reviews: [],
            issues: [],
            actions: ['edit', 'submit'],
            updatedAt: cur.publishedAt,
          });
        })
      : api.disclosures.draft(villageId, initialId).then(load);
    loading.catch((e: Error) => setError(e)).finally(() => setLoading(false));
  }, [villageId, initialId]);

  // The ledger as the server wants it; null amounts are shown as row errors and block saving.
  const entries: (LedgerEntry | null)[] = rows.map((r) => {
    const fen = parseYuan(r.amount);
    if (fen === null || fen <= 0) return null;
    return {
      date: r.date,
      category: r.category,
      item: r.item,
      incomeFen: r.side === 'in' ? fen : 0,
      expenseFen: r.side === 'out' ? fen : 0,
      counterpart: r.counterpart,
      voucherIds: vouchersState(r.vouchers).ids,
    };
  });
  const openingFen = parseYuan(opening);
  const closingFen = parseYuan(closing);
  const valid = entries.filter((e): e is LedgerEntry => e !== null);
  const totals = openingFen !== null ? ledgerTotals({ openingFen, entries: valid }) : null;
  const badRows = entries
    .map((e, i) => (e === null && rows[i]!.amount !== '' ? i : -1))
    .filter((i) => i >= 0);
  const editable = !draft || draft.actions.includes('edit');

  const setRow = (i: number, patch: Partial<Row>) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const setVouchers = (key: string) => (f: (items: VoucherItem[]) => VoucherItem[]) =>
    setRows((all) => all.map((r) => (r.key === key ? { ...r, vouchers: f(r.vouchers) } : r)));
  const vouchers = vouchersState(rows.flatMap((r) => r.vouchers));

  const save = async (): Promise<TDraft | null> => {
    setError(null);
    setSaved(null);
    if (kind === 'finance' && (openingFen === null || closingFen === null || badRows.length > 0)) {
      setError(new Error('金额要填数字，最多两位小数（单位：元）'));
      return null;
    }
    if (vouchers.uploading) {
      setError(new Error('凭证照片还在上传，请等一下再保存'));
      return null;
    }
    if (vouchers.failed) {
      setError(new Error('有凭证照片没传上，请点“重传”或删除它'));
      return null;
    }
    const ledger =
      kind === 'finance'
        ? { openingFen: openingFen!, declaredClosingFen: closingFen!, entries: valid }
        : undefined;
    setBusy(true);
    try {
      const d =
        id && correcting
          ? await api.disclosures.correct(villageId, id, { title, body, ledger, reason })
          : id
            ? await api.disclosures.update(villageId, id, { title, body, ledger })
            : await api.disclosures.create(villageId, {
                kind,
                period: kind === 'major' ? undefined : period,
                title,
                body,
                ledger,
              });
      setId(d.disclosureId);
      setCorrecting(false);
      load(d);
      setSaved('已保存');
      return d;
    } catch (e) {
      setError(e as Error);
      return null;
    } finally {
      setBusy(false);
    }
  };

  const submit = async () => {
    const d = await save();
    if (!d) return;
    setBusy(true);
    try {
      load(await api.disclosures.submit(villageId, d.disclosureId));
      setSaved('已提交给村务监督委员会审核');
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  if (loading) return <Loading />;
  const lastReturn = draft?.reviews.filter((r) => r.decision === 'return').at(-1);
  return (
    <View>
      <PageTitle sub={draft ? `${draft.statusLabel} · 第${draft.versionNo}版` : '录入后先保存，再提交审核。'}>
        {kind === 'finance' ? '财务公开' : '村务、党务公开'}
      </PageTitle>
      {draft?.status === 'returned' && lastReturn ? (
        <Note tone="warn">
          {lastReturn.by} 退回：{lastReturn.comment}
        </Note>
      ) : null}
      {draft?.status === 'submitted' ? <Note>已提交，等监委会审核。审核前不能修改。</Note> : null}
      {correcting ? (
        <Card title="更正原因">
          <Field
            label="为什么要更正"
            name="reason"
            value={reason}
            onChange={setReason}
            placeholder="例如：路灯维修实付180元，原录错"
            hint="更正后，原来的版本仍然保留，大家能看到改了什么"
          />
        </Card>
      ) : null}
      <Card title="基本信息">
        {!id && kind !== 'finance' ? (
          <View className="seg">
            {(['affairs', 'party', 'major'] as const).map((k) => (
              <View
                key={k}
                className={cx('seg-item', kind === k && 'seg-item-on')}
                onClick={() => setKind(k)}
              >
                <Text>{k === 'affairs' ? '村务' : k === 'party' ? '党务' : '重大事项'}</Text>
              </View>
            ))}
          </View>
        ) : null}
        {!id && kind !== 'major' ? (
          <Field
            label="期间"
            name="period"
            value={period}
            onChange={setPeriod}
            hint="按月填 2026-11，按季度填 2026-Q4"
          />
        ) : null}
        <Field
          label="标题"
          name="title"
          value={title}
          onChange={setTitle}
          placeholder="例如：东坪村2026年11月财务收支公开"
        />
        <Text className="field-label">说明</Text>
        <Textarea
          className="field-input"
          style={{ minHeight: '100px', width: '100%' }}
          value={body}
          maxlength={5000}
          onInput={(e) => setBody(e.detail.value)}
          placeholder={kind === 'finance' ? '选填：凭证在哪里备查等' : '公开的内容'}
        />
      </Card>
      {kind === 'finance' ? (
        <>
          <Card title="余额（单位：元）">
            <View className="entry-grid">
              <Field
                label="期初余额"
                name="opening"
                type="digit"
                value={opening}
                onChange={setOpening}
                hint="上期的期末余额"
              />
              <Field
                label="期末余额（实有数）"
                name="closing"
                type="digit"
                value={closing}
                onChange={setClosing}
                hint="现金和存款实有数"
              />
            </View>
          </Card>
          <Card title={`收支明细（${rows.length}笔）`}>
            {rows.map((r, i) => (
              <View className="entry-card" key={r.key} data-testid={`entry-${i + 1}`}>
                <View className="entry-grid">
                  <Field
                    label={`第${i + 1}笔 日期`}
                    name={`date-${i}`}
                    value={r.date}
                    onChange={(x) => setRow(i, { date: x })}
                  />
                  <Field
                    label="科目"
                    name={`category-${i}`}
                    value={r.category}
                    onChange={(x) => setRow(i, { category: x })}
                    placeholder="管理费用"
                  />
                  <Field
                    label="摘要"
                    name={`item-${i}`}
                    value={r.item}
                    onChange={(x) => setRow(i, { item: x })}
                    placeholder="买了什么、做了什么"
                  />
                  <Field
                    label={r.side === 'in' ? '收入（元）' : '支出（元）'}
                    name={`amount-${i}`}
                    type="digit"
                    value={r.amount}
                    onChange={(x) => setRow(i, { amount: x })}
                    error={badRows.includes(i) ? '金额要填数字，最多两位小数' : null}
                  />
                  <Field
                    label="对方"
                    name={`counterpart-${i}`}
                    value={r.counterpart}
                    onChange={(x) => setRow(i, { counterpart: x })}
                    optional
                  />
                </View>
                <View className="entry-side">
                  <Btn
                    small
                    kind={r.side === 'in' ? 'primary' : 'secondary'}
                    onClick={() => setRow(i, { side: 'in' })}
                    testId={`side-in-${i + 1}`}
                  >
                    收入
                  </Btn>
                  <Btn
                    small
                    kind={r.side === 'out' ? 'primary' : 'secondary'}
                    onClick={() => setRow(i, { side: 'out' })}
                    testId={`side-out-${i + 1}`}
                  >
                    支出
                  </Btn>
                  <Btn
                    small
                    kind="plain"
                    onClick={() => setRows(rows.filter((_, j) => j !== i))}
                    testId={`remove-${i + 1}`}
                  >
                    删除这笔
                  </Btn>
                </View>
                <VoucherPicker
                  villageId={villageId}
                  line={i + 1}
                  items={r.vouchers}
                  onChange={setVouchers(r.key)}
                />
              </View>
            ))}
            <Btn
              kind="secondary"
              onClick={() => setRows([...rows, blankRow(rows.at(-1)?.date ?? `${period}-01`)])}
              testId="add-entry"
            >
              ＋ 再加一笔
            </Btn>
          </Card>
          {totals ? (
            <Card title="合计">
              <Text className="muted" data-testid="live-totals">
                期初 {yuan(totals.closingFen - totals.incomeFen + totals.expenseFen)} 元 + 收入{' '}
                {yuan(totals.incomeFen)} 元 − 支出 {yuan(totals.expenseFen)} 元 = {yuan(totals.closingFen)} 元
              </Text>
              {closingFen !== null && closingFen !== totals.closingFen ? (
                <Note tone="warn">和填的期末余额相差 {yuan(closingFen - totals.closingFen)} 元</Note>
              ) : closingFen !== null ? (
                <Note tone="success">账平了</Note>
              ) : null}
            </Card>
          ) : null}
        </>
      ) : null}
      {draft?.issues.length ? (
        <Card title="提交前要改的地方">
          {draft.issues.map((i) => (
            <Text key={i.code + i.message} className="muted" data-testid="issue">
              • {i.message}
            </Text>
          ))}
        </Card>
      ) : null}
      <ErrorNote error={error} />
      {saved ? <Note tone="success">{saved}</Note> : null}
      {editable ? (
        <View className="actions-row">
          <Btn kind="secondary" onClick={() => void save()} busy={busy} testId="save-draft">
            保存草稿
          </Btn>
          <Btn onClick={() => void submit()} busy={busy} testId="submit-draft">
            提交审核
          </Btn>
        </View>
      ) : (
        <View className="actions">
          <Btn
            kind="secondary"
            onClick={() => void Taro.redirectTo({ url: `${ADMIN_PAGES.index}?villageId=${villageId}` })}
          >
            回到公开管理
          </Btn>
        </View>
      )}
    </View>
  );
}

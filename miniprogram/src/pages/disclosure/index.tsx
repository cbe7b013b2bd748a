/**
 * 公开 tab: the village's board — 财务/村务/党务 disclosures by period, resolutions and major
 * matters, and the 小微权力清单 with flow diagrams. A disclosure opens in place: the ledger with
 * totals and balance, a question (质询) on any line with its answer beside it, every version with
 * what changed, the chain position, verification, and the printable page.
 */
import { Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import type { TBoard, TBoardItem, TDisclosureDetail, TPowerItem, TVerify } from '../../api/disclosures';
import { Changes, LedgerLines, PowerItemView, Totals, VersionTag } from '../../components/disclosures';
import { Gate } from '../../components/gate';
import { ReadAloud } from '../../components/read-aloud';
import { disclosureSpeech } from '../../lib/speech-text';
import {
  Btn,
  Card,
  Empty,
  ErrorNote,
  LinkRow,
  Loading,
  Note,
  PageTitle,
  Screen,
  Tag,
} from '../../components/ui';
import { cx, formatDayTime } from '../../lib/format';
import { PAGES, go } from '../../lib/nav';
import { villagesOf } from '../../lib/roles';
import { useLoad } from '../../lib/use-load';
import { yuan } from '@shared/disclosures/ledger';
import '../../components/disclosures.scss';

const ADMIN = '/subpackages/disclosure-admin/index/index';
const API_BASE = process.env.TARO_APP_API_BASE ?? '/api';

type Section = 'finance' | 'affairs' | 'party' | 'decisions' | 'power';
const SECTIONS: { key: Section; label: string; kinds: string[] }[] = [
  { key: 'finance', label: '财务公开', kinds: ['finance'] },
  { key: 'affairs', label: '村务公开', kinds: ['affairs'] },
  { key: 'party', label: '党务公开', kinds: ['party'] },
  { key: 'decisions', label: '决议和重大事项', kinds: ['resolution', 'implementation', 'major'] },
  { key: 'power', label: '小微权力清单', kinds: [] },
];

export default function DisclosurePage() {
  return (
    <Screen>
      <PageTitle sub="村里的权力、事务和钱，都公开给大家看。">公开</PageTitle>
      <Gate>
        {(me) => {
          const village = villagesOf(me)[0];
          const towns = me.memberships.filter((m) => m.role === 'town_officer' && m.townId);
          const townLinks = towns.map((t) => (
            <LinkRow
              key={t.id}
              label={`${t.townName ?? '本镇'}各村公开超期情况`}
              value="查看"
              onClick={() => go(PAGES.townDisclosures, { townId: t.townId! })}
              testId={`town-disclosures-${t.townId}`}
            />
          ));
          if (!village) {
            return towns.length ? (
              <View>{townLinks}</View>
            ) : (
              <Note>加入村子后，就能看到村里的公开内容。</Note>
            );
          }
          const manages = village.roles.some((r) => r === 'cadre' || r === 'supervisor');
          return (
            <>
              {townLinks}
              {manages ? (
                <LinkRow
                  label="公开管理（起草、审核）"
                  value="进入"
                  onClick={() => go(ADMIN, { villageId: village.villageId })}
                  testId="open-disclosure-admin"
                />
              ) : null}
              <Board
                villageId={village.villageId}
                canQuestion={village.roles.includes('villager')}
                cadre={village.roles.includes('cadre')}
              />
            </>
          );
        }}
      </Gate>
    </Screen>
  );
}

function Board({
  villageId,
  canQuestion,
  cadre,
}: {
  villageId: string;
  canQuestion: boolean;
  cadre: boolean;
}) {
  const [section, setSection] = useState<Section>('finance');
  const [openId, setOpenId] = useState<string | null>(null);
  const board = useLoad(() => api.disclosures.board(villageId), villageId);
  if (openId) {
    return (
      <DetailView
        villageId={villageId}
        id={openId}
        canQuestion={canQuestion}
        cadre={cadre}
        onBack={() => {
          setOpenId(null);
          board.reload();
        }}
      />
    );
  }
  return (
    <View>
      <View className="seg">
        {SECTIONS.map((s) => (
          <View
            key={s.key}
            className={cx('seg-item', section === s.key && 'seg-item-on')}
            onClick={() => setSection(s.key)}
            data-testid={`section-${s.key}`}
          >
            <Text>{s.label}</Text>
          </View>
        ))}
      </View>
      {section === 'power' ? (
        <PowerList villageId={villageId} />
      ) : board.loading && !board.data ? (
        <Loading />
      ) : board.error ? (
        <ErrorNote error={board.error} onRetry={board.reload} />
      ) : board.data ? (
        <>
          <Items
            board={board.data}
            kinds={SECTIONS.find((s) => s.key === section)!.kinds}
            onOpen={setOpenId}
          />
          <Overdue board={board.data} />
          <ChainCard villageId={villageId} board={board.data} />
        </>
      ) : null}
    </View>
  );
}

function Items({ board, kinds, onOpen }: { board: TBoard; kinds: string[]; onOpen: (id: string) => void }) {
  const items = board.items.filter((i) => kinds.includes(i.kind));
  if (items.length === 0) return <Empty>这一栏还没有公开的内容。</Empty>;
  return (
    <View>
      {items.map((i: TBoardItem) => (
        <Card
          key={i.id}
          title={i.title}
          extra={i.versionNo > 1 ? <Tag tone="warn">有更正</Tag> : <Tag tone="success">已公开</Tag>}
          onClick={() => onOpen(i.id)}
        >
          <View data-testid={`board-item-${i.id}`}>
            <Text className="muted">
              {i.periodLabel} · 第{i.versionNo}版 · {formatDayTime(i.publishedAt)} 公开
            </Text>
            {i.totals ? (
              <Text className="muted">
                收入 {yuan(i.totals.incomeFen)} 元，支出 {yuan(i.totals.expenseFen)} 元，结余{' '}
                {yuan(i.totals.closingFen)} 元
              </Text>
            ) : null}
            <Text className="muted">已有 {board.reads[i.id] ?? 0} 户看过 · 点开查看 ›</Text>
          </View>
        </Card>
      ))}
    </View>
  );
}

function Overdue({ board }: { board: TBoard }) {
  if (board.overdue.length === 0) return null;
  return (
    <Note tone="warn">超期未公开：{board.overdue.map((o) => o.periodLabel).join('、')}。已提醒村干部。</Note>
  );
}

function ChainCard({ villageId, board }: { villageId: string; board: TBoard }) {
  const [result, setResult] = useState<TVerify | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const check = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.disclosures.verify(villageId));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="公开记录核对">
      <Text className="muted">
        每份公开都按顺序编号、互相锁定，改动任何一份都能查出来。现在共 {board.head.seq} 份。
      </Text>
      <Text className="chain-line">最新指纹：{board.head.hash.slice(0, 32) || '（还没有）'}</Text>
      <View className="actions">
        <Btn kind="secondary" onClick={check} busy={busy} testId="verify-chain">
          ✓ 核对公开记录
        </Btn>
      </View>
      {result ? (
        result.ok ? (
          <Note tone="success">核对无误：{result.length} 份公开都没有被改动过。</Note>
        ) : (
          <Note tone="warn">发现问题：{result.broken?.message}</Note>
        )
      ) : null}
      <ErrorNote error={error} />
    </Card>
  );
}

function PowerList({ villageId }: { villageId: string }) {
  const list = useLoad(() => api.disclosures.powerList(villageId), villageId);
  const [open, setOpen] = useState<TPowerItem | null>(null);
  if (list.loading && !list.data) return <Loading />;
  if (list.error) return <ErrorNote error={list.error} onRetry={list.reload} />;
  const items = list.data?.items ?? [];
  if (open) {
    return (
      <View>
        <View className="actions">
          <Btn kind="secondary" onClick={() => setOpen(null)} testId="power-back">
            ‹ 返回清单
          </Btn>
        </View>
        <PowerItemView item={open} />
      </View>
    );
  }
  if (items.length === 0) return <Empty>村里还没有公布小微权力清单。</Empty>;
  const group = (g: 'collective' | 'service', label: string) => (
    <Card title={label}>
      {items
        .filter((i) => i.group === g)
        .map((i) => (
          <LinkRow
            key={i.id}
            label={i.title}
            value="看流程"
            onClick={() => setOpen(i)}
            testId={`power-${i.key ?? i.id}`}
          />
        ))}
    </Card>
  );
  return (
    <View>
      {group('service', '便民服务事项')}
      {group('collective', '集体管理事项')}
    </View>
  );
}

function DetailView({
  villageId,
  id,
  canQuestion,
  cadre,
  onBack,
}: {
  villageId: string;
  id: string;
  canQuestion: boolean;
  cadre: boolean;
  onBack: () => void;
}) {
  const detail = useLoad(() => api.disclosures.detail(villageId, id), `${villageId}/${id}`);
  const [versionNo, setVersionNo] = useState<number | null>(null);
  const [asking, setAsking] = useState<number | null>(null);
  const [readers, setReaders] = useState<number | null>(null);
  useEffect(() => {
    api.disclosures
      .read(villageId, id)
      .then((r) => setReaders(r.readHouseholds))
      .catch(() => {});
  }, [villageId, id]);

  const back = (
    <View className="actions">
      <Btn kind="secondary" onClick={onBack} testId="detail-back">
        ‹ 返回公开栏
      </Btn>
    </View>
  );
  if (detail.loading && !detail.data) return <Loading />;
  if (detail.error || !detail.data)
    return (
      <View>
        {back}
        <ErrorNote error={detail.error ?? '没有找到'} onRetry={detail.reload} />
      </View>
    );
  const d: TDisclosureDetail = detail.data;
  const shown = d.versions.find((v) => v.versionNo === (versionNo ?? d.current)) ?? d.versions.at(-1)!;
  const print = () => {
    const url = api.disclosures.printUrl(API_BASE, villageId, id, shown.versionNo);
    if (process.env.TARO_ENV === 'h5') window.open(url, '_blank');
    else void Taro.setClipboardData({ data: url });
  };
  return (
    <View data-testid="disclosure-detail">
      {back}
      <Card title={shown.title} extra={<VersionTag versionNo={shown.versionNo} current={d.current} />}>
        <Text className="muted">
          {d.kindLabel} · {d.periodLabel} · {formatDayTime(shown.publishedAt)} 公开
        </Text>
        <Text className="muted">监委会审核签字：{shown.cosignedBy}</Text>
        <Text className="muted" data-testid="read-households">
          已有 {readers ?? d.readHouseholds} 户看过
        </Text>
        <ReadAloud title={shown.title} speak={disclosureSpeech(shown)} showText={false} />
        {shown.reason ? <Note tone="warn">更正原因：{shown.reason}</Note> : null}
        {shown.body ? <Text className="notice-body">{shown.body}</Text> : null}
      </Card>
      {shown.ledger && shown.totals ? (
        <>
          <Card title="收支合计">
            <Totals totals={shown.totals} openingFen={shown.ledger.openingFen} />
          </Card>
          <Card title="收支明细">
            <LedgerLines
              version={shown}
              questions={d.questions}
              onQuestion={canQuestion && shown.versionNo === d.current ? setAsking : undefined}
              voucherSrc={(mediaId) => api.disclosures.voucherUrl(API_BASE, villageId, id, mediaId)}
            />
          </Card>
        </>
      ) : null}
      {shown.sections?.length ? (
        <Card title="公开内容">
          {shown.sections.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity (a fixed, ordered list)
            <View key={`${i}-${s.heading}`} style={{ marginBottom: '12px' }}>
              <Text className="card-title">{s.heading}</Text>
              <Text className="notice-body">{s.text}</Text>
            </View>
          ))}
        </Card>
      ) : null}
      {asking !== null ? (
        <AskForm
          villageId={villageId}
          id={id}
          versionNo={shown.versionNo}
          lineNo={asking}
          onDone={() => {
            setAsking(null);
            detail.reload();
          }}
        />
      ) : null}
      <Card title={`版本记录（共${d.versions.length}版）`}>
        {[...d.versions].reverse().map((v) => (
          <View key={v.versionNo} style={{ marginBottom: '16px' }} data-testid={`version-${v.versionNo}`}>
            <LinkRow
              label={`第${v.versionNo}版 · ${formatDayTime(v.publishedAt)}`}
              value={v.versionNo === shown.versionNo ? '正在看' : '看这一版'}
              onClick={() => setVersionNo(v.versionNo)}
            />
            {v.reason ? <Text className="muted">更正原因：{v.reason}</Text> : null}
            <Changes version={v} />
            <Text className="chain-line">
              公开链第 {v.seq} 号 · 指纹 {v.hash.slice(0, 16)}…
            </Text>
          </View>
        ))}
      </Card>
      {cadre ? (
        <View className="actions">
          <Btn
            kind="secondary"
            onClick={() => go('/subpackages/disclosure-admin/edit/index', { villageId, id, correct: '1' })}
            testId="start-correction"
          >
            有错要更正
          </Btn>
        </View>
      ) : null}
      <View className="actions">
        <Btn kind="secondary" onClick={print} testId="print">
          打印张贴版（A4）
        </Btn>
      </View>
    </View>
  );
}

function AskForm({
  villageId,
  id,
  versionNo,
  lineNo,
  onDone,
}: {
  villageId: string;
  id: string;
  versionNo: number;
  lineNo: number;
  onDone: () => void;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [sent, setSent] = useState(false);
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.disclosures.question(villageId, id, { versionNo, lineNo, text });
      setSent(true);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  if (sent) {
    return (
      <Card title="质询已提交">
        <Note tone="success">已转给村务监督委员会，答复会显示在这一笔旁边，也会通知您。</Note>
        <View className="actions">
          <Btn onClick={onDone}>好的</Btn>
        </View>
      </Card>
    );
  }
  return (
    <Card title={`对第${lineNo}笔提出质询`}>
      <Text className="muted">写下您的疑问，会交给村务监督委员会办理，村干部看不到您是谁。</Text>
      <Textarea
        className="field-input"
        style={{ minHeight: '120px', width: '100%' }}
        value={text}
        maxlength={500}
        placeholder="例如：这笔钱花在哪里了？"
        onInput={(e) => setText(e.detail.value)}
        data-testid="question-text"
      />
      <ErrorNote error={error} />
      <View className="actions">
        <Btn onClick={send} busy={busy} disabled={text.trim().length < 2} testId="question-send">
          提交质询
        </Btn>
      </View>
    </Card>
  );
}

/**
 * What the 朗读 button says on the councils, disclosures and services pages: plain sentences an
 * elderly villager can follow by ear, built from what the page already has. Pure (tested in
 * tests/miniprogram/read-aloud-pages.test.tsx); each page passes the result to `<ReadAloud>`.
 */
import { summarizeLedgerForSpeech } from '@shared/speech/ledger';

/** A sentence ends with 。！？ — add 。 when it does not. */
const sentence = (s: string) => {
  const t = s.trim();
  return !t ? '' : /[。！？.!?；;]$/.test(t) ? t : `${t}。`;
};

type LedgerEntryLike = { category: string; item: string; incomeFen: number; expenseFen: number };
type DisclosureVersionLike = {
  title: string;
  body: string;
  ledger: { entries: LedgerEntryLike[] } | null;
  sections: { heading: string; text: string }[] | null;
};

/**
 * A disclosure: a finance ledger as its spoken summary (totals, balance and the largest items,
 * not every row), any other disclosure as its text and sections. `speak` is what is heard; the
 * page keeps showing its own text and table.
 */
export function disclosureSpeech(v: DisclosureVersionLike): string {
  if (v.ledger) {
    const summary = summarizeLedgerForSpeech({
      title: v.title,
      items: v.ledger.entries.map((e) => ({
        label: e.item.trim() || e.category,
        amountFen: e.incomeFen > 0 ? e.incomeFen : e.expenseFen,
        kind: e.incomeFen > 0 ? ('income' as const) : ('expense' as const),
      })),
    });
    return [summary, sentence(v.body)].filter(Boolean).join('');
  }
  const parts = [sentence(v.body)];
  for (const s of v.sections ?? []) parts.push(sentence(s.heading), sentence(s.text));
  return parts.filter(Boolean).join('');
}

type VoteLike = {
  question: string;
  status: string;
  ballotMode: string;
  options: { key: string; label: string }[];
  closesAt: string;
};

const dayTime = (iso: string) => {
  // Beijing time, as the page shows it: 12月3日 18点30分.
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  const m = d.getUTCMinutes();
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日${d.getUTCHours()}点${m ? `${m}分` : ''}`;
};

/** A vote: the question, the choices in order, and when it closes. */
export function voteSpeech(v: VoteLike): string {
  const choices = v.options.map((o) => `“${o.label}”`).join('、');
  const parts = [
    sentence(v.question),
    v.ballotMode === 'secret' ? '这是无记名投票。' : '这是记名投票。',
    `可以选：${choices}。`,
    v.status === 'open'
      ? `投票到${dayTime(v.closesAt)}结束。选好后点下面的按钮，投出后不能更改。`
      : v.status === 'closed'
        ? '投票已经结束，结果在下面。'
        : '投票还没有开始。',
  ];
  return parts.join('');
}

type ProposalLike = {
  title: string;
  text: string;
  votes: { question: string; status: string }[];
};

/** A proposal: what it is about and the votes on it. */
export function proposalSpeech(p: ProposalLike): string {
  const parts = [sentence(p.text)];
  for (const v of p.votes) {
    const state = v.status === 'open' ? '正在投票' : v.status === 'closed' ? '已经投完' : '还没开始投票';
    parts.push(`投票：${sentence(v.question)}${state}。`);
  }
  return parts.filter(Boolean).join('');
}

type ServiceLike = {
  summary?: string | null;
  materials: string[];
  durationMinutes: number;
  servedBy?: string | null;
  bookable: boolean;
};

/** A service: what to bring, how long, who serves and when (the hours as the page words them). */
export function serviceSpeech(d: ServiceLike, hours: { text: string; evening: boolean }[]): string {
  const parts = [
    sentence(d.summary ?? ''),
    d.materials.length ? `要带：${d.materials.join('、')}。` : '不用带材料。',
    `大约要${d.durationMinutes}分钟。`,
    d.servedBy ? `由${d.servedBy}来办。` : '',
    hours.length
      ? `办理时间：${hours
          .map((h) => `${h.text.replace('–', '到')}${h.evening ? '，是夜间' : ''}`)
          .join('；')}。`
      : '',
    d.bookable ? '可以在下面选一个时间预约。' : '这项服务不用预约，可以请村里代办。',
  ];
  return parts.filter(Boolean).join('');
}

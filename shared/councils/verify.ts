/**
 * Recomputes a published ballot list (GET …/votes/{id}/ballots): the chain over every ballot, the
 * tally per option, and compares both with the published result. Pure; the command
 * scripts/verify-ballots.ts reads a file or URL and prints the report.
 */
import { chainGenesis, chainStep, leafHash } from './chain';
import type { TBallotList } from './schemas';

export type VerifyReport = {
  ok: boolean;
  ballots: number;
  chainHead: string;
  tally: Record<string, number>;
  problems: string[];
};

export function verifyBallotList(list: TBallotList): VerifyReport {
  const problems: string[] = [];
  let h = chainGenesis(list.voteId);
  const tally: Record<string, number> = Object.fromEntries(list.options.map((o) => [o.key, 0]));
  const receipts = new Set<string>();
  list.ballots.forEach((b, i) => {
    if (b.seq !== i + 1) problems.push(`第 ${i + 1} 张选票的序号是 ${b.seq}（应为 ${i + 1}）`);
    if (receipts.has(b.receipt)) problems.push(`回执 ${b.receipt} 出现了两次`);
    receipts.add(b.receipt);
    if (!(b.option in tally)) problems.push(`第 ${b.seq} 张选票的选项 ${b.option} 不存在`);
    else tally[b.option]! += 1;
    if (list.ballotMode === 'secret' && b.name) problems.push(`无记名投票的第 ${b.seq} 张选票带有姓名`);
    h = chainStep(
      h,
      leafHash(list.voteId, { seq: b.seq, receipt: b.receipt, option: b.option, name: b.name }),
    );
    if (h !== b.hash) problems.push(`哈希链在第 ${b.seq} 张选票处断开`);
  });
  if (h !== list.result.chainHead)
    problems.push(`链头 ${h.slice(0, 12)}… 与公布的 ${list.result.chainHead.slice(0, 12)}… 不一致`);
  for (const o of list.options) {
    const published = list.result.counts[o.key] ?? 0;
    if (published !== tally[o.key])
      problems.push(`“${o.label}”公布 ${published} 票，重新计算为 ${tally[o.key]} 票`);
  }
  if (list.result.participants !== list.ballots.length) {
    problems.push(`公布的参加人数 ${list.result.participants} 与选票数 ${list.ballots.length} 不一致`);
  }
  return { ok: problems.length === 0, ballots: list.ballots.length, chainHead: h, tally, problems };
}

/** The verifier: recomputes a ballot list's chain and tally; the command reports breaks with exit 1. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildChain } from '../../shared/councils/chain';
import type { TBallotList } from '../../shared/councils/schemas';
import { verifyBallotList } from '../../shared/councils/verify';

const voteId = '3f1c2a9e-5b7d-4c1e-9a2b-0d4e6f8a1b2c';
function list(): TBallotList {
  const ballots = ['yes', 'yes', 'no', 'abstain', 'yes'].map((option, i) => ({
    seq: i + 1,
    receipt: `R${i}AA-BBBB-CCCC`,
    option,
    name: null,
  }));
  const chain = buildChain(voteId, ballots);
  return {
    format: 'cmcy-ballots-v1',
    voteId,
    question: '是否同意？',
    ballotMode: 'secret',
    options: [
      { key: 'yes', label: '同意' },
      { key: 'no', label: '反对' },
      { key: 'abstain', label: '弃权' },
    ],
    ballots: ballots.map((b, i) => ({ ...b, source: 'online' as const, hash: chain.hashes[i]! })),
    result: {
      counts: { yes: 3, no: 1, abstain: 1 },
      electors: 8,
      households: 4,
      householdsTakingPart: 0,
      participants: 5,
      quorumMet: true,
      quorumRequired: 5,
      majorityRequired: 3,
      winner: 'yes',
      outcome: 'adopted',
      outcomeLabel: '通过',
      online: 5,
      paper: 0,
      uncosignedPaper: 0,
      chainHead: chain.head,
      closedAt: '2026-12-03T10:00:00.000Z',
      basis: '《村民委员会组织法》第二十二条',
    },
  };
}

describe('verifyBallotList', () => {
  it('accepts an untouched list', () => {
    expect(verifyBallotList(list())).toMatchObject({ ok: true, ballots: 5, problems: [] });
  });
  it('names the first broken position, a dropped ballot, a wrong published tally', () => {
    const flipped = list();
    flipped.ballots[2]!.option = 'yes';
    expect(verifyBallotList(flipped).problems[0]).toContain('第 3 张');
    const dropped = list();
    dropped.ballots.splice(1, 1);
    expect(verifyBallotList(dropped).ok).toBe(false);
    const inflated = list();
    inflated.result.counts.yes = 4;
    expect(verifyBallotList(inflated).problems.some((p) => p.includes('同意'))).toBe(true);
    const named = list();
    named.ballots[0]!.name = '王秀英';
    expect(verifyBallotList(named).problems.some((p) => p.includes('无记名'))).toBe(true);
  });
  it('the command exits 0 on a good file and 1 with BREAK lines on a tampered one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'verify-'));
    const good = path.join(dir, 'good.json');
    const bad = path.join(dir, 'bad.json');
    writeFileSync(good, JSON.stringify(list()));
    const t = list();
    t.ballots[4]!.receipt = 'ZZZZ-ZZZZ-ZZZZ';
    writeFileSync(bad, JSON.stringify(t));
    const run = (f: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify-ballots.ts', f], { encoding: 'utf8' });
    const ok = run(good);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('OK');
    const broken = run(bad);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('BREAK');
  }, 30_000);
});

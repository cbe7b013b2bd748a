/**
 * npm run verify:ballots -- <file-or-url> [--token <bearer>]
 * Recomputes the tally and the hash chain of a downloaded ballot list (GET
 * /api/villages/{villageId}/votes/{voteId}/ballots) and reports any break. Exit code 0 when
 * everything matches the published result, 1 when something does not, 2 on bad input.
 */
import { readFileSync } from 'node:fs';
import { ZBallotList } from '../shared/councils/schemas';
import { verifyBallotList } from '../shared/councils/verify';

async function load(src: string, token?: string): Promise<unknown> {
  if (/^https?:\/\//.test(src)) {
    const res = await fetch(src, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!res.ok) throw new Error(`${src}: HTTP ${res.status}`);
    return res.json();
  }
  return JSON.parse(readFileSync(src, 'utf8'));
}

async function main() {
  const args = process.argv.slice(2);
  const ti = args.indexOf('--token');
  const token = ti >= 0 ? args[ti + 1] : process.env.CMCY_TOKEN;
  const src = args.find((a, i) => !a.startsWith('--') && (ti < 0 || i !== ti + 1));
  if (!src) {
    console.error('usage: npm run verify:ballots -- <file-or-url> [--token <bearer>]');
    process.exit(2);
  }
  const parsed = ZBallotList.safeParse(await load(src, token));
  if (!parsed.success) {
    console.error('not a ballot list (format cmcy-ballots-v1):', parsed.error.issues.slice(0, 3));
    process.exit(2);
  }
  const r = verifyBallotList(parsed.data);
  const l = parsed.data;
  console.log(`vote ${l.voteId}: ${l.question}`);
  console.log(`ballots ${r.ballots}, recomputed tally ${JSON.stringify(r.tally)}, chain head ${r.chainHead}`);
  console.log(`published: ${l.result.outcomeLabel}, ${l.result.participants}/${l.result.electors} took part`);
  if (r.ok) {
    console.log('OK: tally and chain match the published result');
    return;
  }
  for (const p of r.problems) console.log(`BREAK: ${p}`);
  process.exit(1);
}

main().catch((err) => {
  console.error(String(err));
  process.exit(2);
});

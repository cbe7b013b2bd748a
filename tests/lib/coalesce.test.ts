import { describe, expect, it } from 'vitest';
import { batchedLookup, coalescedRead, inTurns } from '../../api/_lib/coalesce';

/** A fake store whose reads the test releases by hand, recording what each read saw. */
function store() {
  let value = 0;
  const reads: { saw: number; release: () => void }[] = [];
  const read = (_owner: object, key: string) =>
    new Promise<string>((resolve) => {
      const saw = value;
      reads.push({ saw, release: () => resolve(`${key}:${saw}`) });
    });
  return { reads, read, set: (v: number) => (value = v) };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('coalescedRead', () => {
  it('shares one query among requests that arrive before it is sent', async () => {
    const s = store();
    const get = coalescedRead(s.read);
    const owner = {};
    const a = get(owner, 'v');
    expect(s.reads).toHaveLength(1);
    // Arrive while the first is in flight: they wait for the next query, one for all of them.
    const rest = [get(owner, 'v'), get(owner, 'v'), get(owner, 'v')];
    expect(s.reads).toHaveLength(1);
    s.reads[0]!.release();
    expect(await a).toBe('v:0');
    await tick();
    expect(s.reads).toHaveLength(2);
    s.reads[1]!.release();
    expect(await Promise.all(rest)).toEqual(['v:0', 'v:0', 'v:0']);
  });

  it('never answers a request with a read sent before it arrived', async () => {
    const s = store();
    const get = coalescedRead(s.read);
    const owner = {};
    const early = get(owner, 'v'); // read 0 sees 0
    s.set(1); // a publish commits while read 0 is in flight…
    const late = get(owner, 'v'); // …so this request must not take read 0's answer
    s.reads[0]!.release();
    expect(await early).toBe('v:0');
    await tick();
    s.reads[1]!.release();
    expect(await late).toBe('v:1');
  });

  it('keeps keys and owners apart, and recovers after a failed read', async () => {
    let fail = true;
    const calls: string[] = [];
    const get = coalescedRead(async (owner: { name: string }, key: string) => {
      calls.push(`${owner.name}/${key}`);
      if (fail) throw new Error('db down');
      return `${owner.name}/${key}`;
    });
    const a = { name: 'a' };
    const b = { name: 'b' };
    await expect(get(a, 'x')).rejects.toThrow('db down');
    fail = false;
    expect(await Promise.all([get(a, 'x'), get(b, 'x'), get(a, 'y')])).toEqual(['a/x', 'b/x', 'a/y']);
    expect(calls).toEqual(['a/x', 'a/x', 'b/x', 'a/y']);
  });
});

describe('batchedLookup', () => {
  /** A fake table whose lookups the test releases by hand, recording the keys each was sent. */
  function table() {
    const rows = new Map<string, number>([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const lookups: { keys: string[]; release: () => void; fail: (e: Error) => void }[] = [];
    const read = (_owner: object, keys: string[]) =>
      new Promise<Map<string, number>>((resolve, reject) => {
        const seen = new Map(keys.filter((k) => rows.has(k)).map((k) => [k, rows.get(k)!]));
        lookups.push({ keys, release: () => resolve(seen), fail: reject });
      });
    return { rows, lookups, read };
  }

  it('gathers the requests of one turn into one lookup, sent when the turn ends', async () => {
    const t = table();
    const get = batchedLookup(t.read);
    const owner = {};
    const all = [get(owner, 'a'), get(owner, 'b'), get(owner, 'c'), get(owner, 'b'), get(owner, 'zz')];
    expect(t.lookups).toHaveLength(0); // not before the turn ends
    await tick();
    expect(t.lookups.map((l) => l.keys)).toEqual([['a', 'b', 'c', 'zz']]); // each key once
    t.lookups[0]!.release();
    expect(await Promise.all(all)).toEqual([1, 2, 3, 2, undefined]);
  });

  it('a later turn does not wait for a lookup in flight, up to four at once; then it waits for one', async () => {
    const t = table();
    const get = batchedLookup(t.read);
    const owner = {};
    const answers: Promise<number | undefined>[] = [];
    for (let turn = 0; turn < 6; turn++) {
      answers.push(get(owner, 'a'));
      await tick();
    }
    expect(t.lookups).toHaveLength(4); // turns 5 and 6 wait, together
    t.lookups[1]!.release();
    await tick();
    expect(t.lookups).toHaveLength(5);
    expect(t.lookups[4]!.keys).toEqual(['a']);
    for (const l of t.lookups) l.release();
    expect(await Promise.all(answers)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('never answers a request with a lookup sent before it arrived', async () => {
    const t = table();
    const get = batchedLookup(t.read);
    const owner = {};
    const early = get(owner, 'a');
    await tick();
    t.rows.set('a', 10); // changed while the first lookup is in flight…
    const late = get(owner, 'a'); // …so this request gets a lookup of its own
    await tick();
    expect(t.lookups).toHaveLength(2);
    t.lookups[1]!.release();
    expect(await late).toBe(10);
    t.lookups[0]!.release();
    expect(await early).toBe(1);
  });

  it('a failed lookup fails only its own requests; the next batch goes out; owners are apart', async () => {
    const t = table();
    const get = batchedLookup(t.read);
    const [x, y] = [{}, {}];
    const a = get(x, 'a');
    const other = get(y, 'c');
    await tick();
    const b = get(x, 'b');
    await tick();
    expect(t.lookups.map((l) => l.keys)).toEqual([['a'], ['c'], ['b']]); // one per owner and turn
    t.lookups[0]!.fail(new Error('db down'));
    await expect(a).rejects.toThrow('db down');
    t.lookups[2]!.release();
    expect(await b).toBe(2);
    t.lookups[1]!.release();
    expect(await other).toBe(3);
  });
});

describe('inTurns', () => {
  /** A call the test finishes by hand, recording when it started. */
  function calls() {
    const started: string[] = [];
    const finish = new Map<string, (v: string) => void>();
    const fail = new Map<string, (e: unknown) => void>();
    const call = (name: string) => () =>
      new Promise<string>((resolve, reject) => {
        started.push(name);
        finish.set(name, resolve);
        fail.set(name, reject);
      });
    return { started, finish, fail, call };
  }

  it('runs calls with one key one at a time, in order; other keys do not wait', async () => {
    const c = calls();
    const turn = inTurns(() => ({}));
    const [owner, other] = [{}, {}];
    const a1 = turn(owner, 'a', c.call('a1'));
    const a2 = turn(owner, 'a', c.call('a2'));
    const b1 = turn(owner, 'b', c.call('b1'));
    const elsewhere = turn(other, 'a', c.call('a1 elsewhere')); // another owner's queue
    await tick();
    expect(c.started).toEqual(['a1', 'b1', 'a1 elsewhere']);
    c.finish.get('a1 elsewhere')!('x');
    expect(await elsewhere).toBe('x');
    c.fail.get('a1')!(new Error('a1 failed')); // a failure does not stop the queue
    await expect(a1).rejects.toThrow('a1 failed');
    await tick();
    expect(c.started).toEqual(['a1', 'b1', 'a1 elsewhere', 'a2']);
    c.finish.get('a2')!('two');
    c.finish.get('b1')!('one');
    expect(await a2).toBe('two');
    expect(await b1).toBe('one');
  });

  it('calls run in the order they came; a burst shares state, the next starts fresh', async () => {
    const turn = inTurns(() => ({ seen: [] as string[] }));
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const owner = {};
    const first = turn(owner, 'k', async (state) => {
      state.seen.push('first');
      await gate; // the others arrive meanwhile
      return state;
    });
    const rest = ['second', 'third'].map((name) =>
      turn(owner, 'k', async (state) => {
        state.seen.push(name);
        return state;
      }),
    );
    release();
    const states = await Promise.all([first, ...rest]);
    expect(new Set(states).size).toBe(1);
    expect(states[0]!.seen).toEqual(['first', 'second', 'third']);
    await tick();
    // The queue emptied: a new burst, new state.
    const next = await turn(owner, 'k', async (state) => state);
    expect(next.seen).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { coalescedRead } from '../../api/_lib/coalesce';

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

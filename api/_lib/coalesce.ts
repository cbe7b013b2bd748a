/**
 * Read coalescing that never serves a read older than its request.
 *
 * Many concurrent requests for the same key share one query, but a request only ever joins a
 * query that is sent *after* it arrived: while a query is in flight, newcomers gather in the next
 * batch, which is sent when the one in flight settles. So whatever had committed before a request
 * arrived is visible to the answer it gets (a publish that answered before the read started is
 * always seen), while a burst of N reads costs about two queries instead of N.
 *
 * Scoped per owner object (e.g. a database handle) so two databases in one process never share.
 * Requests with the same key must mean the same read: a batch runs with its first request's args.
 */
type Batch<V> = { promise: Promise<V>; resolve: (v: V) => void; reject: (e: unknown) => void };
type Slot<V> = { inflight: boolean; next?: Batch<V> };

function batch<V>(): Batch<V> {
  let resolve!: (v: V) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<V>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function coalescedRead<O extends object, V, A extends unknown[] = []>(
  read: (owner: O, key: string, ...args: A) => Promise<V>,
) {
  const slots = new WeakMap<O, Map<string, Slot<V>>>();

  function send(owner: O, key: string, args: A, byKey: Map<string, Slot<V>>, slot: Slot<V>) {
    const b = slot.next!;
    slot.next = undefined;
    slot.inflight = true;
    read(owner, key, ...args)
      .then(b.resolve, b.reject)
      .finally(() => {
        slot.inflight = false;
        if (slot.next) send(owner, key, args, byKey, slot);
        else byKey.delete(key);
      });
  }

  return (owner: O, key: string, ...args: A): Promise<V> => {
    let byKey = slots.get(owner);
    if (!byKey) {
      byKey = new Map();
      slots.set(owner, byKey);
    }
    let slot = byKey.get(key);
    if (!slot) {
      slot = { inflight: false };
      byKey.set(key, slot);
    }
    if (!slot.next) slot.next = batch<V>();
    const { promise } = slot.next;
    if (!slot.inflight) send(owner, key, args, byKey, slot);
    return promise;
  };
}

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

/**
 * The same rule for lookups by many keys (e.g. sessions by id): the requests that arrive in one
 * turn of the event loop go out together in one lookup at the end of that turn (setImmediate), so
 * a burst of N read from the sockets at once costs one lookup, not N, and no request is answered
 * from a lookup sent before it arrived. A lookup in flight does not hold the next one back — a
 * request waits for its own lookup only — until `maxInFlight` are out; requests then gather until
 * one settles. `read` answers with what it found, by key (a key it did not find resolves to
 * undefined).
 *
 * (Before, a lookup went out only when the one in flight had settled. Under a burst a lookup took
 * as long as a turn of the busy event loop, 20-40 ms, and the requests that came meanwhile waited
 * for it before their own was even sent.)
 */
export function batchedLookup<O extends object, V>(
  read: (owner: O, keys: string[]) => Promise<Map<string, V>>,
  maxInFlight = 4,
) {
  type Waiter = { key: string; resolve: (v: V | undefined) => void; reject: (e: unknown) => void };
  type State = { inflight: number; scheduled: boolean; waiting: Waiter[] };
  const states = new WeakMap<O, State>();

  function send(owner: O, state: State) {
    state.scheduled = false;
    if (state.waiting.length === 0 || state.inflight >= maxInFlight) return;
    const batch = state.waiting;
    state.waiting = [];
    state.inflight++;
    read(owner, [...new Set(batch.map((w) => w.key))])
      .then(
        (found) => {
          for (const w of batch) w.resolve(found.get(w.key));
        },
        (e) => {
          for (const w of batch) w.reject(e);
        },
      )
      .finally(() => {
        state.inflight--;
        if (state.waiting.length > 0 && !state.scheduled) send(owner, state);
      });
  }

  return (owner: O, key: string): Promise<V | undefined> => {
    let state = states.get(owner);
    if (!state) {
      state = { inflight: 0, scheduled: false, waiting: [] };
      states.set(owner, state);
    }
    const s = state;
    return new Promise<V | undefined>((resolve, reject) => {
      s.waiting.push({ key, resolve, reject });
      if (!s.scheduled && s.inflight < maxInFlight) {
        s.scheduled = true;
        setImmediate(() => send(owner, s));
      }
    });
  };
}

/**
 * Calls with the same key run one at a time, in the order they came, on this instance; calls with
 * different keys do not wait for each other. The calls of one burst (from the first call on a key
 * until its queue is empty again) share a `state` object, made by `init`.
 *
 * For writes that would otherwise queue on one row lock inside PostgreSQL, each holding a pooled
 * connection while it waits. Scoped per owner, like the reads above.
 */
export function inTurns<S extends object>(init: () => S) {
  type Queue = { tail: Promise<unknown>; state: S };
  /** Per owner (e.g. a database handle): two instances in one process never share a queue. */
  const owners = new WeakMap<object, Map<string, Queue>>();
  return <T>(owner: object, key: string, fn: (state: S) => Promise<T>): Promise<T> => {
    let queues = owners.get(owner);
    if (!queues) {
      queues = new Map();
      owners.set(owner, queues);
    }
    const byKey = queues;
    let q = byKey.get(key);
    if (!q) {
      q = { tail: Promise.resolve(), state: init() };
      byKey.set(key, q);
    }
    const queue = q;
    const run = queue.tail.then(() => fn(queue.state));
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    queue.tail = tail;
    void tail.then(() => {
      if (queue.tail === tail) byKey.delete(key);
    });
    return run;
  };
}

// SettleWatches in plain Node, on timers the test fires by hand: no sleeps, every end of a watch.
import * as assert from 'node:assert/strict';
import { SettleWatches, type ResetSource, type Scheduler, type Settling } from '../../../src/ops/settle';
import { RegionStore } from '../../../src/state/store';
import { tick } from '../async';

/** Timers that fire only when the test says so. */
class ManualTimers implements Scheduler {
  private readonly pending = new Map<number, { fn: () => void; ms: number }>();
  private next = 1;
  set(fn: () => void, ms: number): unknown {
    const h = this.next++;
    this.pending.set(h, { fn, ms });
    return h;
  }
  clear(h: unknown): void {
    this.pending.delete(h as number);
  }
  get delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }
  /** Fires every pending timer and lets the re-reads they start finish. */
  async fire(): Promise<void> {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.fn();
    await tick();
  }
}

class Resets implements ResetSource {
  private readonly listeners = new Set<(r: string | undefined) => void>();
  onChange(l: (r: string | undefined) => void) {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }
  emit(r: string | undefined): void {
    for (const l of this.listeners) l(r);
  }
  get count(): number {
    return this.listeners.size;
  }
}

/** A database that reports `states` in turn (the last one from then on), counting reads. */
function database(...states: Settling[]) {
  const d = { reads: 0, refresh: async (): Promise<Settling> => states[Math.min(d.reads++, states.length - 1)] };
  return d;
}
const modifying: Settling = { status: 'modifying', securityGroups: [{ status: 'adding' }] };
const adding: Settling = { status: 'available', securityGroups: [{ status: 'active' }, { status: 'adding' }] };
const settled: Settling = { status: 'available', securityGroups: [{ status: 'active' }, {}] };

describe('ops: SettleWatches', () => {
  it('re-reads after the first delay, then at each interval, until the database and its groups settle', async () => {
    const timers = new ManualTimers();
    const w = new SettleWatches(new Resets(), timers);
    const db = database(modifying, adding, settled);
    const watch = w.watch('r/cluster/a', db.refresh, { firstMs: 5, everyMs: 7 });
    assert.deepEqual(timers.delays, [5]);
    assert.equal(db.reads, 0, 'nothing read before the first delay');
    await timers.fire();
    assert.equal(db.reads, 1);
    assert.deepEqual(timers.delays, [7]);
    await timers.fire();
    assert.equal(db.reads, 2, 'a group still adding is not settled');
    await timers.fire();
    assert.equal(await watch.done, 'settled');
    assert.equal(db.reads, 3);
    assert.deepEqual(timers.delays, [], 'no timer left');
    assert.equal(w.isWatching('r/cluster/a'), false);
  });

  it('the defaults: 5 s first, then every 10 s', async () => {
    const timers = new ManualTimers();
    const w = new SettleWatches(new Resets(), timers);
    w.watch('k', database(modifying).refresh);
    assert.deepEqual(timers.delays, [5_000]);
    await timers.fire();
    assert.deepEqual(timers.delays, [10_000]);
    w.dispose();
  });

  it('gives up after maxTries re-reads; stops when the database is gone or its read fails', async () => {
    const timers = new ManualTimers();
    const w = new SettleWatches(new Resets(), timers);
    const stuck = database(modifying);
    const a = w.watch('a', stuck.refresh, { maxTries: 3 });
    const b = w.watch('b', database(undefined).refresh);
    const c = w.watch('c', async () => Promise.reject(new Error('throttled')));
    for (let i = 0; i < 3; i++) await timers.fire();
    assert.equal(await a.done, 'gave up');
    assert.equal(stuck.reads, 3);
    assert.equal(await b.done, 'gone');
    assert.equal(await c.done, 'gone');
    assert.equal(w.size, 0);
  });

  it('a newer watch of the same key replaces the older one; other keys go on', async () => {
    const timers = new ManualTimers();
    const w = new SettleWatches(new Resets(), timers);
    const first = database(modifying);
    const second = database(modifying);
    const other = database(modifying);
    const w1 = w.watch('k', first.refresh);
    w.watch('other', other.refresh);
    await timers.fire();
    const w2 = w.watch('k', second.refresh);
    assert.equal(await w1.done, 'replaced');
    await timers.fire();
    await timers.fire();
    assert.equal(first.reads, 1, 'the replaced watch reads no more');
    assert.equal(second.reads, 2);
    assert.equal(other.reads, 3);
    assert.equal(w.size, 2);
    w2.cancel();
    assert.equal(await w2.done, 'cancelled');
    assert.equal(w.isWatching('k'), false);
    assert.ok(w.isWatching('other'));
  });

  it('a watch replaced while its re-read is in flight does not schedule another', async () => {
    const timers = new ManualTimers();
    const w = new SettleWatches(new Resets(), timers);
    let release!: (s: Settling) => void;
    const w1 = w.watch('k', () => new Promise<Settling>((r) => (release = r)));
    await timers.fire();
    const later = database(modifying);
    w.watch('k', later.refresh);
    release(modifying);
    await tick();
    assert.equal(await w1.done, 'replaced');
    assert.equal(timers.delays.length, 1, 'only the newer watch has a timer');
  });

  it('all stop when the store resets (a change with no Region), not on a change of one Region', async () => {
    const timers = new ManualTimers();
    const resets = new Resets();
    const w = new SettleWatches(resets, timers);
    const a = w.watch('a', database(modifying).refresh);
    const b = w.watch('b', database(modifying).refresh);
    resets.emit('us-east-1');
    assert.equal(w.size, 2);
    resets.emit(undefined);
    assert.deepEqual(await Promise.all([a.done, b.done]), ['reset', 'reset']);
    assert.deepEqual(timers.delays, []);
  });

  it('with the real store: reset() stops every watch', async () => {
    const store = new RegionStore(async () => Promise.reject(new Error('no AWS here')), ['us-east-1']);
    const w = new SettleWatches(store, new ManualTimers());
    const a = w.watch('a', database(modifying).refresh);
    store.reset(async () => Promise.reject(new Error('no AWS here')), ['eu-west-1']);
    assert.equal(await a.done, 'reset');
  });

  it('dispose stops every watch and the subscription; a watch asked for afterwards ends at once', async () => {
    const timers = new ManualTimers();
    const resets = new Resets();
    const w = new SettleWatches(resets, timers);
    const db = database(modifying);
    const a = w.watch('a', db.refresh);
    w.dispose();
    assert.equal(await a.done, 'disposed');
    assert.equal(resets.count, 0, 'no longer listening to the store');
    const late = w.watch('b', db.refresh);
    assert.equal(await late.done, 'disposed');
    await timers.fire();
    assert.equal(db.reads, 0);
    assert.equal(w.size, 0);
  });

  it('cancelAll stops every watch; the service goes on taking new ones', async () => {
    const timers = new ManualTimers();
    const w = new SettleWatches(new Resets(), timers);
    const a = w.watch('a', database(modifying).refresh);
    w.cancelAll();
    assert.equal(await a.done, 'cancelled');
    const b = w.watch('b', database(settled).refresh);
    await timers.fire();
    assert.equal(await b.done, 'settled');
  });
});

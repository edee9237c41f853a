// Reliability of the Region store: shared loads under rapid refreshes, cancellation that leaves a
// consistent state, no reload loop after a failure, partial refreshes that a slower full load
// does not undo, and (property-based, with fast-check's scheduler) any interleaving of loads,
// cancels, refreshes and failures.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RegionSnapshot, SecurityGroup, SecurityGroupRule } from '../../src/domain/model';
import { RegionStore, type RegionSource } from '../../src/state/store';
import { deferred, tick, type Deferred } from './async';

const R = 'us-east-1';

const group = (groupId: string, description = `${groupId} v1`): SecurityGroup => ({
  region: R,
  groupId,
  groupName: groupId,
  description,
  vpcId: 'vpc-1',
  tags: {},
});

function snapshot(loadedAt: number, description = 'from load'): RegionSnapshot {
  return {
    region: R,
    vpcs: [{ region: R, vpcId: 'vpc-1', cidrBlocks: ['10.0.0.0/16'], ipv6CidrBlocks: [], isDefault: false, tags: {} }],
    groups: [group('sg-1', description), group('sg-2')],
    rules: [],
    clusters: [],
    instances: [],
    loadedAt,
  };
}

/** A source whose loads are settled by the test. */
class ManualSource implements RegionSource {
  readonly loads: Array<{ d: Deferred<RegionSnapshot>; signal?: AbortSignal }> = [];
  groupsDescription = 'refreshed';
  loadRegion(_region: string, o?: { abortSignal?: AbortSignal }): Promise<RegionSnapshot> {
    const d = deferred<RegionSnapshot>();
    this.loads.push({ d, signal: o?.abortSignal });
    return d.promise;
  }
  async readGroups(_r: string, ids: string[]): Promise<SecurityGroup[]> {
    return ids.map((id) => group(id, this.groupsDescription));
  }
  async readRules(): Promise<SecurityGroupRule[]> {
    return [];
  }
  async readCluster() {
    return undefined;
  }
  async readInstance() {
    return undefined;
  }
}

const abortError = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });

describe('reliability: rapid refreshes share one load', () => {
  it('50 rapid load() calls, refreshAll() and ensure() calls make one load, and all get the same index', async () => {
    const src = new ManualSource();
    const store = new RegionStore(async () => src, [R]);
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) all.push(i % 3 === 0 ? store.load(R) : i % 3 === 1 ? store.refreshAll() : store.ensure(R));
    await tick();
    assert.equal(src.loads.length, 1, 'one load for 50 refreshes');
    src.loads[0].d.resolve(snapshot(1));
    await Promise.all(all);
    const idx = store.index(R);
    for (const p of all.filter((_, i) => i % 3 !== 1)) assert.equal(await p, idx);
    // Once it is done, the next refresh reads again: rapid refreshes never get stuck on an old load.
    const again = store.load(R);
    await tick();
    assert.equal(src.loads.length, 2);
    src.loads[1].d.resolve(snapshot(2));
    assert.equal((await again).snapshot.loadedAt, 2);
  });

  it('while loading, the store reports loading once, and never more than one load runs at a time', async () => {
    const src = new ManualSource();
    const store = new RegionStore(async () => src, [R]);
    const events: Array<string | undefined> = [];
    store.onChange((r) => events.push(r));
    for (let round = 0; round < 5; round++) {
      const ps = Array.from({ length: 20 }, () => store.load(R));
      await tick();
      assert.equal(store.isLoading(R), true);
      assert.equal(src.loads.length, round + 1);
      src.loads[round].d.resolve(snapshot(round));
      await Promise.all(ps);
      assert.equal(store.isLoading(R), false);
    }
    // one event when each load starts and one when it ends
    assert.equal(events.length, 10);
  });
});

describe('reliability: a refresh asked while a load is reading', () => {
  it('gets the load that follows it, one for every such caller, never one beside it', async () => {
    const src = new ManualSource();
    const store = new RegionStore(async () => src, [R]);
    const first = store.load(R);
    await tick();
    assert.equal(src.loads.length, 1, 'the first load is reading');
    // Someone changed the account in the console, then pressed Refresh (twice), and a command re-read.
    const late = [store.load(R), store.refreshAll(), store.load(R)];
    const joined = store.ensure(R); // ensure() wants any data: it joins the running load
    await tick();
    assert.equal(src.loads.length, 1, 'no second load beside the first');
    src.loads[0].d.resolve(snapshot(1));
    assert.equal((await first).snapshot.loadedAt, 1);
    assert.equal((await joined).snapshot.loadedAt, 1);
    await tick();
    assert.equal(src.loads.length, 2, 'one follow-up load for all the late callers');
    src.loads[1].d.resolve(snapshot(2));
    const [a, , c] = await Promise.all(late);
    assert.equal((a as { snapshot: RegionSnapshot }).snapshot.loadedAt, 2, 'the late caller sees data read after its request');
    assert.equal(a, c);
    assert.equal(store.index(R)?.snapshot.loadedAt, 2);
    assert.equal(src.loads.length, 2);
  });

  it('a failed load is followed by the follow-up all the same', async () => {
    const src = new ManualSource();
    const store = new RegionStore(async () => src, [R]);
    const first = store.load(R).catch((e) => e);
    await tick();
    const late = store.load(R);
    src.loads[0].d.reject(Object.assign(new Error('throttled'), { name: 'Throttling' }));
    assert.equal(((await first) as Error).name, 'Throttling');
    await tick();
    assert.equal(src.loads.length, 2);
    src.loads[1].d.resolve(snapshot(2));
    assert.equal((await late).snapshot.loadedAt, 2);
    assert.equal(store.state(R)?.error, undefined);
  });

  it('cancel() and reset() cancel the follow-up too: nothing loads after them', async () => {
    for (const how of ['cancel', 'reset'] as const) {
      const src = new ManualSource();
      const store = new RegionStore(async () => src, [R]);
      const first = store.load(R).catch((e) => e);
      await tick();
      const late = store.load(R).catch((e) => e);
      if (how === 'cancel') store.cancel(R);
      else store.reset(async () => src, [R]);
      src.loads[0].d.reject(abortError());
      assert.equal(((await first) as Error).name, 'AbortError', how);
      assert.equal(((await late) as Error).name, 'AbortError', how);
      await tick();
      assert.equal(src.loads.length, 1, `${how}: no follow-up load`);
      assert.equal(store.isLoading(R), false, how);
    }
  });
});

describe('reliability: cancellation', () => {
  it('cancel() keeps the last good data, stops loading at once, and the next load starts afresh', async () => {
    const src = new ManualSource();
    const store = new RegionStore(async () => src, [R]);
    const first = store.load(R);
    await tick();
    src.loads[0].d.resolve(snapshot(1));
    const good = await first;

    const slow = store.load(R);
    await tick();
    assert.equal(store.state(R)?.loading, true);
    store.cancel(R);
    assert.equal(src.loads[1].signal?.aborted, true, 'the signal reached the source');
    const s = store.state(R)!;
    assert.equal(s.loading, false);
    assert.equal(s.index, good, 'the last good data stays');
    assert.equal(s.error, undefined, 'a cancelled reload with data is not an error');
    assert.equal(store.isLoading(R), false);

    // A refresh right after the cancel is a new load, not the cancelled one.
    const next = store.load(R);
    await tick();
    assert.equal(src.loads.length, 3);
    // The cancelled load's answer, arriving late, is ignored.
    src.loads[1].d.resolve(snapshot(99, 'stale'));
    await assert.rejects(slow, { name: 'AbortError' });
    assert.equal(store.index(R), good);
    src.loads[2].d.resolve(snapshot(3));
    assert.equal((await next).snapshot.loadedAt, 3);
    assert.equal(store.index(R)?.snapshot.loadedAt, 3);
  });

  it('a cancelled first load shows a cancellation (no data), and the tree does not restart it by itself', async () => {
    const src = new ManualSource();
    const store = new RegionStore(async () => src, [R]);
    const p = store.ensure(R);
    await tick();
    store.cancel(R);
    src.loads[0].d.reject(abortError());
    await assert.rejects(p, { name: 'AbortError' });
    const s = store.state(R)!;
    assert.equal(s.loading, false);
    assert.equal(s.index, undefined);
    assert.match((s.error as Error).message, /cancelled/);
    // What the tree calls on every repaint: no new load.
    await assert.rejects(store.ensure(R), /cancelled/);
    assert.equal(src.loads.length, 1);
    // A command (retryFailed) or an explicit refresh loads again.
    const again = store.ensure(R, { retryFailed: true });
    await tick();
    assert.equal(src.loads.length, 2);
    src.loads[1].d.resolve(snapshot(2));
    await again;
    assert.equal(store.state(R)?.error, undefined);
  });

  it('cancelAll() cancels every Region; cancel() of an idle Region does nothing', async () => {
    const src = new ManualSource();
    const store = new RegionStore(async () => src, [R, 'eu-west-1']);
    store.cancel(R);
    assert.equal(store.state(R), undefined);
    const ps = [store.load(R), store.load('eu-west-1')].map((p) => p.catch((e) => e));
    await tick();
    store.cancelAll();
    assert.deepEqual(
      src.loads.map((l) => l.signal?.aborted),
      [true, true],
    );
    assert.equal(store.isLoading(R), false);
    assert.equal(store.isLoading('eu-west-1'), false);
    for (const l of src.loads) l.d.reject(abortError());
    for (const e of await Promise.all(ps)) assert.equal((e as Error).name, 'AbortError');
  });
});

describe('reliability: a source that throws at once', () => {
  it('is recorded as the error, and the next load starts afresh (never stuck on a settled load)', async () => {
    let calls = 0;
    const store = new RegionStore(
      (() => {
        calls++;
        throw new Error('SDK bundle missing');
      }) as unknown as () => Promise<RegionSource>,
      [R],
    );
    await assert.rejects(store.load(R), /SDK bundle missing/);
    assert.equal(store.isLoading(R), false);
    assert.match((store.state(R)?.error as Error).message, /SDK bundle missing/);
    await assert.rejects(store.load(R), /SDK bundle missing/);
    assert.equal(calls, 2, 'the second load tried again');
  });
});

describe('reliability: a failing Region is not reloaded in a loop', () => {
  it('a load the tree started and that failed is not repeated by the next ensure(); load() repeats it', async () => {
    const src = new ManualSource();
    const store = new RegionStore(async () => src, [R]);
    let emits = 0;
    // Like the tree: every change repaints, and a repaint calls ensure().
    store.onChange(() => {
      emits++;
      void store.ensure(R).catch(() => undefined);
    });
    const p = store.ensure(R).catch((e) => e);
    await tick();
    src.loads[0].d.reject(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' }));
    assert.equal(((await p) as Error).name, 'ServiceUnavailable');
    for (let i = 0; i < 10; i++) await tick();
    assert.equal(src.loads.length, 1, 'no reload loop');
    assert.ok(emits <= 3, `${emits} change events`);
    // The error node's retry is an explicit load.
    const retry = store.load(R);
    await tick();
    assert.equal(src.loads.length, 2);
    src.loads[1].d.resolve(snapshot(2));
    await retry;
    assert.ok(store.index(R));
  });
});

describe('reliability: partial refreshes during a full load', () => {
  it('a group re-read after a change survives a full load that started before it', async () => {
    const src = new ManualSource();
    const store = new RegionStore(async () => src, [R]);
    const first = store.load(R);
    await tick();
    src.loads[0].d.resolve(snapshot(1));
    await first;

    const full = store.load(R); // reads the groups now, before the change below
    await tick();
    src.groupsDescription = 'after my change';
    await store.refreshGroups(R, ['sg-1']);
    assert.equal(store.index(R)?.groupsById.get('sg-1')?.description, 'after my change');
    src.loads[1].d.resolve(snapshot(2, 'read before the change'));
    await full;
    assert.equal(store.index(R)?.snapshot.loadedAt, 2);
    assert.equal(store.index(R)?.groupsById.get('sg-1')?.description, 'after my change', 'the older read does not undo the change');
    assert.equal(store.index(R)?.groupsById.get('sg-2')?.description, 'sg-2 v1');
  });
});

describe('reliability: any interleaving of loads, cancels, refreshes and failures (fast-check scheduler)', () => {
  type Op = 'load' | 'ensure' | 'ensureRetry' | 'cancel' | 'refreshGroup' | 'refreshAll' | 'answer';
  // 'answer' lets the scheduler settle one pending call (in an order it chooses).
  const op = fc.constantFrom<Op>('load', 'ensure', 'ensureRetry', 'cancel', 'refreshGroup', 'refreshAll', 'answer', 'answer');

  it('never runs two loads at once, never goes back to older data, keeps its own changes, and always settles', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(op, { minLength: 1, maxLength: 30 }),
        fc.array(fc.constantFrom('ok', 'fail', 'ignoresAbort'), { minLength: 25, maxLength: 25 }),
        async (s, ops, outcomes) => {
          let clock = 0;
          let loadsStarted = 0;
          let patchValue = 0;
          const active = new Set<AbortSignal | undefined>();
          const source: RegionSource = {
            loadRegion: (_r, o) => {
              const started = ++clock;
              // Never two live loads: any other load still running has been cancelled.
              for (const other of active) assert.ok(other?.aborted, `load@${started} started while another load was live`);
              active.add(o?.abortSignal);
              // Some loads fail; some answer even after a cancel (a source that ignores the signal).
              const outcome = outcomes[loadsStarted++ % outcomes.length];
              // Each load's groups are as read when it started.
              return s
                .schedule(Promise.resolve(), `load@${started}`)
                .finally(() => active.delete(o?.abortSignal))
                .then(() => {
                  if (o?.abortSignal?.aborted && outcome !== 'ignoresAbort') throw abortError();
                  if (outcome === 'fail') throw Object.assign(new Error('throttled'), { name: 'Throttling' });
                  return snapshot(started, `load@${started}`);
                });
            },
            readGroups: (_r, ids) => {
              const v = ++patchValue;
              return s.schedule(Promise.resolve(ids.map((id) => group(id, `patch#${v}`))), `readGroups#${v}`);
            },
            readRules: () => Promise.resolve([]),
            readCluster: () => Promise.resolve(undefined),
            readInstance: () => Promise.resolve(undefined),
          };
          const store = new RegionStore(async () => source, [R]);
          const seen: number[] = [];
          const patchShownAt: number[] = [];
          let shown: string | undefined;
          store.onChange(() => {
            const idx = store.index(R);
            if (!idx) return;
            seen.push(idx.snapshot.loadedAt);
            const d = idx.groupsById.get('sg-1')?.description;
            if (d !== shown && d?.startsWith('patch#')) patchShownAt.push(++clock);
            shown = d;
          });
          const pending: Promise<unknown>[] = [];
          for (const o of ops) {
            if (o === 'load') pending.push(store.load(R).catch(() => undefined));
            else if (o === 'ensure') pending.push(store.ensure(R).catch(() => undefined));
            else if (o === 'ensureRetry') pending.push(store.ensure(R, { retryFailed: true }).catch(() => undefined));
            else if (o === 'refreshAll') pending.push(store.refreshAll());
            else if (o === 'cancel') store.cancel(R);
            else if (o === 'refreshGroup') pending.push(store.refreshGroups(R, ['sg-1']).catch(() => undefined));
            await tick();
            if (o === 'answer' && s.count() > 0) await s.waitOne();
          }
          // A follow-up load starts only when the load before it settles: keep answering until every
          // call has settled (a call that never settles fails the run).
          let settled = false;
          void Promise.all(pending).then(() => (settled = true));
          for (let rounds = 0; !settled || s.count() > 0; rounds++) {
            assert.ok(rounds < 1000, 'every call settles');
            if (s.count() > 0) await s.waitAll();
            else await tick();
          }

          assert.equal(store.isLoading(R), false, 'settled');
          assert.notEqual(store.state(R)?.loading, true, 'nothing shows as loading');
          for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `the data went back from load@${seen[i - 1]} to load@${seen[i]}`);
          const last = store.index(R)?.snapshot.loadedAt;
          if (last !== undefined) for (const at of seen) assert.ok(last >= at, `the data shown went back from load@${at} to load@${last}`);
          const d = store.index(R)?.groupsById.get('sg-1')?.description;
          if (d?.startsWith('load@')) {
            // The final data is a load's read: no re-read of ours was shown after that load started.
            const at = Number(d.slice(5));
            for (const t of patchShownAt) assert.ok(t < at, `a re-read shown at ${t} was undone by load@${at}`);
          } else if (d !== undefined) {
            assert.match(d, /^patch#\d+$/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

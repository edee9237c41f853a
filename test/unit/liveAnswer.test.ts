// One source of truth for the views that show an analysis: the store's stamp (a revision that every
// change of a Region's data moves on) and LiveAnswer, which recomputes on every change, one at a time,
// and says when what it holds is on older data.
import * as assert from 'node:assert/strict';
import type { RegionIndex, RegionSnapshot, SecurityGroup } from '../../src/domain/model';
import { LiveAnswer, staleNote } from '../../src/state/liveAnswer';
import { RegionStore, type RegionSource } from '../../src/state/store';
import { deferred } from './async';

const R = 'us-east-1';
const group = (groupId: string): SecurityGroup => ({ region: R, groupId, groupName: groupId, description: groupId, vpcId: 'vpc-1', tags: {} });
const snapshot = (groups: string[], loadedAt = Date.UTC(2026, 11, 2, 14, 2)): RegionSnapshot => ({
  region: R,
  vpcs: [],
  groups: groups.map(group),
  rules: [],
  clusters: [],
  instances: [],
  loadedAt,
});

/** A source whose next load returns `next`, and whose group reads return the groups asked for. */
function source(): RegionSource & { next: RegionSnapshot } {
  return {
    next: snapshot(['sg-1']),
    async loadRegion() {
      return this.next;
    },
    readGroups: async (_r: string, ids: string[]) => ids.map(group),
    readRules: async () => [],
    readCluster: async () => undefined,
    readInstance: async () => undefined,
  };
}

/** Resolves on the answer's next computation. */
const nextChange = (a: LiveAnswer<unknown>) =>
  new Promise<void>((resolve) => {
    const sub = a.onDidChange(() => {
      sub.dispose();
      resolve();
    });
  });

const names = (idx: RegionIndex) => idx.snapshot.groups.map((g) => g.groupId).join(',');

describe('store stamp: one revision per change of the data, whoever made it', () => {
  it('a load, a partial refresh, a noted change and a reset each move the revision on; the start of a load does not', async () => {
    const src = source();
    const store = new RegionStore(async () => src, [R]);
    assert.deepEqual(store.stamp(R), { region: R, revision: 0, loadedAt: undefined });
    await store.load(R);
    const a = store.stamp(R);
    assert.ok(a.revision > 0);
    assert.equal(a.loadedAt, src.next.loadedAt);
    const p = store.load(R);
    assert.equal(store.stamp(R).revision, a.revision, 'a load in flight has not changed the data yet');
    await p;
    const b = store.stamp(R);
    assert.ok(b.revision > a.revision);
    await store.refreshGroups(R, ['sg-2']);
    const c = store.stamp(R);
    assert.ok(c.revision > b.revision);
    assert.equal(c.loadedAt, b.loadedAt, 'a partial refresh keeps the time of the full load');
    store.noteChange(R);
    const d = store.stamp(R);
    assert.ok(d.revision > c.revision, 'a change the snapshot does not hold (an EC2 instance joined a group) too');
    store.reset(async () => src, [R]);
    assert.ok(store.stamp(R).revision > d.revision);
  });
});

describe('LiveAnswer: recomputed on every change of the data, one computation at a time', () => {
  it('follows the extension’s own re-reads and reloads, without being asked', async () => {
    const src = source();
    const store = new RegionStore(async () => src, [R]);
    await store.load(R);
    const live = new LiveAnswer(store, R, names);
    live.onDidChange(() => undefined); // a view that shows it (the answer follows the store while one does)
    await live.update();
    assert.equal(live.value, 'sg-1');
    assert.equal(live.stale, false);
    const changed = nextChange(live);
    await store.refreshGroups(R, ['sg-2']);
    await changed;
    assert.equal(live.value, 'sg-1,sg-2');
    assert.deepEqual(live.stamp, store.stamp(R));
    src.next = snapshot(['sg-3']);
    const reloaded = nextChange(live);
    await store.load(R);
    await reloaded;
    assert.equal(live.value, 'sg-3');
    assert.equal(staleNote(live), undefined);
    live.dispose();
  });

  it('never runs two computations at once; a change during one makes exactly one more, on the newest data', async () => {
    const src = source();
    const store = new RegionStore(async () => src, [R]);
    await store.load(R);
    const gate = deferred<void>();
    let running = 0;
    let most = 0;
    let runs = 0;
    const live = new LiveAnswer(store, R, async (idx) => {
      runs++;
      running++;
      most = Math.max(most, running);
      if (runs === 2) await gate.promise;
      running--;
      return names(idx);
    });
    await live.update();
    const second = store.refreshGroups(R, ['sg-2']);
    await second;
    // The second computation waits on the gate; two more changes come meanwhile.
    await store.refreshGroups(R, ['sg-3']);
    await store.refreshGroups(R, ['sg-4']);
    const settled = live.update();
    gate.resolve();
    await settled;
    assert.equal(most, 1);
    assert.equal(runs, 3, 'the first, the one the gate held, and one for both later changes');
    assert.equal(live.value, 'sg-1,sg-2,sg-3,sg-4');
    live.dispose();
  });

  it('an answer that cannot be computed on the new data stays, marked as computed on older data, with the reason and the time', async () => {
    const src = source();
    const store = new RegionStore(async () => src, [R]);
    await store.load(R);
    const live = new LiveAnswer(store, R, async (idx) => {
      await Promise.resolve(); // as the views' computations do (they read the EC2 instances first)
      if (!idx.groupsById.has('sg-1')) throw new Error('sg-1 is no longer in the loaded data');
      return names(idx);
    });
    live.onDidChange(() => undefined);
    await live.update();
    src.next = snapshot(['sg-9'], Date.UTC(2026, 11, 2, 14, 30));
    // What a view draws when told: the note is there already.
    const drawn = new Promise<string | undefined>((resolve) => {
      const sub = live.onDidChange(() => {
        resolve(staleNote(live));
        sub.dispose();
      });
    });
    await store.load(R);
    assert.ok(await drawn);
    assert.equal(live.value, 'sg-1', 'the older answer stays');
    assert.equal(live.stale, true);
    assert.equal(live.lost, 'sg-1 is no longer in the loaded data');
    const note = staleNote(live);
    assert.match(
      note ?? '',
      /^Computed on data loaded at \d\d:\d\d; the account has changed since \(sg-1 is no longer in the loaded data\)\. Refresh to recompute\.$/,
    );
    live.dispose();
  });

  it('stops following the store when its last view lets go', async () => {
    const src = source();
    const store = new RegionStore(async () => src, [R]);
    await store.load(R);
    let runs = 0;
    const live = new LiveAnswer(store, R, (idx) => (runs++, names(idx)));
    const sub = live.onDidChange(() => undefined);
    await live.update();
    sub.dispose();
    await store.refreshGroups(R, ['sg-2']);
    await live.update();
    assert.equal(runs, 1);
  });
});

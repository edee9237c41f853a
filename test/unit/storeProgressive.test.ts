// Progressive loading (issue 16): the store publishes each part of a Region's load as it arrives
// (RegionState.partial, for the tree), while `index` stays the last full load that the analysis and
// the commands use. Every wait is on a promise the test settles, never on time.
import * as assert from 'node:assert/strict';
import { findings } from '../../src/domain/analysis';
import type { DbCluster, DbInstance, RegionRead, RegionSnapshot, SecurityGroup, SecurityGroupRule } from '../../src/domain/model';
import { readFailed, RegionIndex, requireRead } from '../../src/domain/model';
import { RegionStore, type RegionSource } from '../../src/state/store';
import { deferred, tick, type Deferred } from './async';

const R = 'us-east-1';

const group = (groupId: string, vpcId = 'vpc-1'): SecurityGroup => ({ region: R, groupId, groupName: groupId, description: groupId, vpcId, tags: {} });
const rule = (ruleId: string, groupId: string, cidr = '10.0.0.0/8'): SecurityGroupRule => ({
  region: R,
  ruleId,
  groupId,
  isEgress: false,
  protocol: 'tcp',
  fromPort: 3306,
  toPort: 3306,
  peer: { kind: 'cidr4', cidr },
});
const cluster = (clusterId: string, vpcId?: string): DbCluster => ({
  region: R,
  clusterId,
  kind: 'aurora',
  engine: 'aurora-mysql',
  status: 'available',
  members: [],
  securityGroups: [{ groupId: 'sg-1', status: 'active' }],
  port: 3306,
  ...(vpcId ? { vpcId } : {}),
});

function full(tag: string): RegionSnapshot {
  return {
    region: R,
    vpcs: [{ region: R, vpcId: 'vpc-1', cidrBlocks: ['10.0.0.0/16'], ipv6CidrBlocks: [], isDefault: false, tags: { Name: tag } }],
    groups: [group('sg-1'), group(`sg-${tag}`)],
    rules: [rule(`sgr-${tag}`, 'sg-1'), rule(`sgr-world-${tag}`, 'sg-1', '0.0.0.0/0')],
    clusters: [cluster(`db-${tag}`, 'vpc-1')],
    instances: [],
    loadedAt: 1,
  };
}

/** A part of `s`: the reads named are in, the others pending (their lists empty), as readRegion publishes them. */
function part(s: RegionSnapshot, answered: RegionRead[]): RegionSnapshot {
  const all: RegionRead[] = ['vpcs', 'groups', 'rules', 'subnetGroups', 'clusters', 'instances', 'peerings', 'limits', 'networkInterfaces', 'prefixLists'];
  const has = (r: RegionRead) => answered.includes(r);
  return {
    ...s,
    vpcs: has('vpcs') ? s.vpcs : [],
    groups: has('groups') ? s.groups : [],
    rules: has('rules') ? s.rules : [],
    // Before the groups answer a database's VPC may be unresolved.
    clusters: has('clusters') ? s.clusters.map((c) => (has('groups') ? c : { ...c, vpcId: undefined })) : [],
    instances: has('instances') ? s.instances : [],
    pending: all.filter((r) => !has(r)),
  };
}

/** A source whose loads the test drives: each load is a deferred result and an onPart to call. */
class DrivenSource implements RegionSource {
  loads: { result: Deferred<RegionSnapshot>; onPart?: (p: RegionSnapshot) => void; signal?: AbortSignal; heavyAnswersAfter?: Promise<void> }[] = [];
  private waiters: (() => void)[] = [];
  loadRegion(
    _region: string,
    o?: { abortSignal?: AbortSignal; onPart?: (p: RegionSnapshot) => void; heavyAnswersAfter?: Promise<void> },
  ): Promise<RegionSnapshot> {
    const result = deferred<RegionSnapshot>();
    this.loads.push({ result, onPart: o?.onPart, signal: o?.abortSignal, heavyAnswersAfter: o?.heavyAnswersAfter });
    for (const w of this.waiters.splice(0)) w();
    return result.promise;
  }
  /** Resolves when load number `n` (from 1) has begun. */
  async started(n: number): Promise<DrivenSource['loads'][number]> {
    while (this.loads.length < n) await new Promise<void>((r) => this.waiters.push(r));
    return this.loads[n - 1]!;
  }
  readGroups = async (): Promise<SecurityGroup[]> => [];
  readRules = async (): Promise<SecurityGroupRule[]> => [];
  readCluster = async (): Promise<DbCluster | undefined> => undefined;
  readInstance = async (): Promise<DbInstance | undefined> => undefined;
}

function setup() {
  const src = new DrivenSource();
  const store = new RegionStore(async () => src, [R]);
  const events: string[] = [];
  store.onChange((r) => events.push(String(r)));
  return { src, store, events };
}

describe('store: progressive loading (issue 16)', () => {
  it('publishes each part in the order it arrives; index stays empty until the full load, whose index is the result', async () => {
    const { src, store, events } = setup();
    const done = store.load(R);
    const l = await src.started(1);
    const s = full('a');
    const before = events.length;
    l.onPart!(part(s, ['vpcs']));
    assert.deepEqual(
      store.view(R)?.snapshot.vpcs.map((v) => v.vpcId),
      ['vpc-1'],
    );
    assert.equal(store.index(R), undefined, 'the analysis and the commands see no partial data');
    assert.equal(store.stamp(R).revision, 0, 'no revision for a partial: the views recompute only on the full load');
    l.onPart!(part(s, ['vpcs', 'clusters', 'instances']));
    assert.equal(store.view(R)?.snapshot.clusters.length, 1);
    l.onPart!(part(s, ['vpcs', 'clusters', 'instances', 'groups', 'subnetGroups']));
    assert.deepEqual(store.view(R)?.snapshot.pending, ['rules', 'peerings', 'limits', 'networkInterfaces', 'prefixLists']);
    assert.equal(store.view(R)?.snapshot.rules.length, 0);
    assert.equal(events.length - before, 3, 'one change event per part');
    assert.equal(store.isLoading(R), true);
    l.result.resolve(s);
    const idx = await done;
    assert.equal(idx.snapshot, s, 'the final snapshot is the one the load returned, untouched');
    assert.equal(store.index(R), idx);
    assert.equal(store.view(R), idx);
    assert.equal(store.state(R)?.partial, undefined);
  });

  it("the load's heavyAnswersAfter settles when the tree says it has taken the first rows (rowsShown), or when the load ends", async () => {
    const { src, store } = setup();
    const done = store.load(R);
    const l = await src.started(1);
    let shown = false;
    void l.heavyAnswersAfter!.then(() => (shown = true));
    l.onPart!(part(full('a'), ['vpcs', 'clusters']));
    await tick();
    assert.equal(shown, false, 'not before the tree says so');
    store.rowsShown(R);
    await l.heavyAnswersAfter;
    l.result.resolve(full('a'));
    await done;
    // A load the tree never shows: its promise settles with the load.
    const again = store.load(R);
    const l2 = await src.started(2);
    l2.result.resolve(full('b'));
    await again;
    await l2.heavyAnswersAfter;
    store.rowsShown(R); // no load in flight: nothing to do
    // No view drawing the rows (firstRowsWanted false): the load holds nothing back.
    store.firstRowsWanted = () => false;
    const closed = store.load(R);
    const l3 = await src.started(3);
    assert.equal(l3.heavyAnswersAfter, undefined);
    l3.result.resolve(full('c'));
    await closed;
  });

  it('ensure() (what the commands and the analysis use) waits for the full load, not a part', async () => {
    const { src, store } = setup();
    const ensured = store.ensure(R);
    const l = await src.started(1);
    let settled = false;
    void ensured.then(() => (settled = true));
    l.onPart!(part(full('a'), ['vpcs', 'groups']));
    await tick();
    assert.equal(settled, false);
    l.result.resolve(full('a'));
    assert.equal((await ensured).snapshot.pending, undefined);
  });

  it('a cancelled load publishes nothing more: its late parts are dropped and the last good data stays', async () => {
    const { src, store, events } = setup();
    void store.load(R);
    const first = await src.started(1);
    first.result.resolve(full('old'));
    await store.ensure(R);
    const old = store.index(R)!;
    const again = store.load(R).catch((e: Error) => e);
    const l = await src.started(2);
    l.onPart!(part(full('new'), ['vpcs']));
    assert.notEqual(store.view(R), old);
    store.cancel(R);
    assert.equal(store.view(R), old, 'cancelling drops the partial at once');
    const seen = events.length;
    l.onPart!(part(full('new'), ['vpcs', 'groups']));
    l.result.resolve(full('new'));
    assert.equal(((await again) as Error).name, 'AbortError');
    assert.equal(events.length, seen, 'no change event after the cancel');
    assert.equal(store.view(R), old);
    assert.equal(store.index(R), old);
  });

  it('a refresh keeps the old rows until the new parts arrive, part by part (no flicker to empty)', async () => {
    const { src, store } = setup();
    void store.load(R);
    (await src.started(1)).result.resolve(full('old'));
    const old = await store.ensure(R);
    const refreshed = store.load(R);
    const l = await src.started(2);
    assert.equal(store.view(R), old, 'before any part: the old index');
    // The VPCs and clusters answer; the groups and rules not yet.
    l.onPart!(part(full('new'), ['vpcs', 'clusters', 'instances']));
    const v = store.view(R)!.snapshot;
    assert.equal(v.vpcs[0]!.tags['Name'], 'new');
    assert.deepEqual(
      v.clusters.map((c) => [c.clusterId, c.vpcId]),
      [['db-new', undefined]],
      'a new cluster keeps no made-up VPC',
    );
    assert.deepEqual(
      v.groups.map((g) => g.groupId),
      ['sg-1', 'sg-old'],
      'the old groups stay until theirs arrive',
    );
    assert.deepEqual(
      v.rules.map((r) => r.ruleId),
      ['sgr-old', 'sgr-world-old'],
    );
    assert.equal(store.index(R), old, 'the full index is still the old one');
    l.onPart!(part(full('new'), ['vpcs', 'clusters', 'instances', 'groups', 'rules']));
    assert.deepEqual(
      store.view(R)!.snapshot.rules.map((r) => r.ruleId),
      ['sgr-new', 'sgr-world-new'],
    );
    l.result.resolve(full('new'));
    assert.equal((await refreshed).snapshot.rules[0]!.ruleId, 'sgr-new');
    assert.equal(store.state(R)?.partial, undefined);
  });

  it('a refresh that fails after some parts drops them: the old data and the error show', async () => {
    const { src, store } = setup();
    void store.load(R);
    (await src.started(1)).result.resolve(full('old'));
    const old = await store.ensure(R);
    const refreshed = store.load(R).catch((e: Error) => e);
    const l = await src.started(2);
    l.onPart!(part(full('new'), ['vpcs']));
    l.result.reject(Object.assign(new Error('no network'), { name: 'TimeoutError' }));
    assert.equal(((await refreshed) as Error).name, 'TimeoutError');
    assert.equal(store.view(R), old);
    assert.equal(store.state(R)?.error !== undefined, true);
  });

  it('viewReady() settles at the first part (the tree shows it), ensure() only at the end', async () => {
    const { src, store } = setup();
    const ready = store.viewReady(R);
    const l = await src.started(1);
    l.onPart!(part(full('a'), ['clusters']));
    await ready;
    assert.equal(store.view(R)?.snapshot.clusters.length, 1);
    l.result.resolve(full('a'));
    await store.ensure(R);
  });
});

describe('firstRows(): the first rows in one pass', () => {
  it('waits past a part with the VPCs alone for the DB clusters, then settles', async () => {
    const { src, store } = setup();
    let settled = false;
    const rows = store.firstRows(R, 60_000).then(() => (settled = true));
    const l = await src.started(1);
    l.onPart!(part(full('a'), ['vpcs']));
    await tick();
    assert.equal(settled, false, 'the VPCs alone are not the first rows while the clusters read runs');
    l.onPart!(part(full('a'), ['vpcs', 'clusters']));
    await rows;
    assert.equal(store.view(R)?.snapshot.clusters.length, 1);
    l.result.resolve(full('a'));
    await store.ensure(R);
  });

  it("settles with the clusters' first pages (more to come) and at the load's end whatever it holds", async () => {
    const { src, store } = setup();
    const rows = store.firstRows(R, 60_000);
    const l = await src.started(1);
    l.onPart!({ ...part(full('a'), ['vpcs']), firstPages: ['clusters'], clusters: full('a').clusters });
    await rows;
    l.result.resolve(full('a'));
    await store.ensure(R);
    const { src: src2, store: store2 } = setup();
    const rows2 = store2.firstRows(R, 60_000);
    const l2 = await src2.started(1);
    l2.onPart!(part(full('a'), ['groups']));
    await tick();
    l2.result.resolve(full('a'));
    await rows2;
  });

  it('does not wait after its bound: the rows that are in show', async () => {
    const { src, store } = setup();
    const rows = store.firstRows(R, 0);
    const l = await src.started(1);
    l.onPart!(part(full('a'), ['vpcs']));
    await rows;
    assert.equal(store.isLoading(R), true);
    l.result.resolve(full('a'));
    await store.ensure(R);
  });
});

describe('partial snapshots: the analysis treats a read still loading like one not read', () => {
  it('no findings on a partial snapshot; the same data in full has some', () => {
    const s = full('a');
    assert.ok(findings(new RegionIndex(s)).length > 0, 'the world-open rule is a finding on the full load');
    assert.deepEqual(findings(new RegionIndex({ ...s, pending: ['networkInterfaces'] })), []);
  });

  it('requireRead refuses a read still loading with a "still loading" message; readFailed is true for it', () => {
    const s = { ...part(full('a'), ['vpcs', 'groups']) };
    assert.ok(readFailed(s, 'rules') && !readFailed(s, 'groups'));
    assert.throws(() => requireRead(s, ['rules'], 'tell who can reach the database'), {
      name: 'UserError',
      message: /^Cannot tell who can reach the database yet: the security group rules of us-east-1 are still loading\./,
    });
    assert.doesNotThrow(() => requireRead(s, ['groups'], 'list the groups'));
  });
});

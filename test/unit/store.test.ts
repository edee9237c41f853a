import * as assert from 'node:assert/strict';
import type { DbCluster, DbInstance, RegionSnapshot, SecurityGroup, SecurityGroupRule } from '../../src/domain/model';
import { RegionStore, type RegionSource } from '../../src/state/store';
import { deferred, tick } from './async';

const R = 'us-east-1';

const group = (groupId: string, over: Partial<SecurityGroup> = {}): SecurityGroup => ({
  region: R,
  groupId,
  groupName: groupId,
  description: `${groupId} v1`,
  vpcId: 'vpc-1',
  tags: {},
  ...over,
});
const rule = (ruleId: string, groupId: string, fromPort = 3306): SecurityGroupRule => ({
  region: R,
  ruleId,
  groupId,
  isEgress: false,
  protocol: 'tcp',
  fromPort,
  toPort: fromPort,
  peer: { kind: 'cidr4', cidr: '10.0.0.0/8' },
});
const cluster = (clusterId: string, over: Partial<DbCluster> = {}): DbCluster => ({
  region: R,
  clusterId,
  kind: 'aurora',
  engine: 'aurora-mysql',
  status: 'available',
  members: [{ instanceId: `${clusterId}-1`, isWriter: true }],
  securityGroups: [{ groupId: 'sg-1', status: 'active' }],
  vpcId: 'vpc-1',
  ...over,
});
const instance = (instanceId: string, over: Partial<DbInstance> = {}): DbInstance => ({
  region: R,
  instanceId,
  engine: 'mysql',
  status: 'available',
  securityGroups: [{ groupId: 'sg-3', status: 'active' }],
  vpcId: 'vpc-1',
  ...over,
});

function snapshot(region = R, over: Partial<RegionSnapshot> = {}): RegionSnapshot {
  return {
    region,
    vpcs: [{ region, vpcId: 'vpc-1', cidrBlocks: ['10.0.0.0/16'], ipv6CidrBlocks: [], isDefault: false, tags: {} }],
    groups: [group('sg-1'), group('sg-2'), group('sg-3')],
    rules: [rule('sgr-1a', 'sg-1'), rule('sgr-1b', 'sg-1', 22), rule('sgr-2a', 'sg-2'), rule('sgr-3a', 'sg-3')],
    clusters: [cluster('orders'), cluster('billing', { vpcId: 'vpc-2' })],
    instances: [instance('reports'), instance('orders-1', { clusterId: 'orders' })],
    loadedAt: 1,
    ...over,
  };
}

/** A RegionSource whose every method is counted; behaviour set per test. */
class FakeSource implements RegionSource {
  loads: Array<{ region: string; signal?: AbortSignal }> = [];
  groupReads: string[][] = [];
  ruleReads: string[][] = [];
  clusterReads: string[] = [];
  instanceReads: string[] = [];

  loadImpl: (region: string) => Promise<RegionSnapshot> = async (region) => snapshot(region);
  readGroupsImpl: (ids: string[]) => Promise<SecurityGroup[]> = async (ids) => ids.map((id) => group(id));
  readRulesImpl: (ids: string[]) => Promise<SecurityGroupRule[]> = async () => [];
  readClusterImpl: (id: string) => Promise<DbCluster | undefined> = async () => undefined;
  readInstanceImpl: (id: string) => Promise<DbInstance | undefined> = async () => undefined;

  loadRegion(region: string, o?: { abortSignal?: AbortSignal }): Promise<RegionSnapshot> {
    this.loads.push({ region, signal: o?.abortSignal });
    return this.loadImpl(region);
  }
  readGroups(_region: string, groupIds: string[]): Promise<SecurityGroup[]> {
    this.groupReads.push([...groupIds]);
    return this.readGroupsImpl(groupIds);
  }
  readRules(_region: string, groupIds: string[]): Promise<SecurityGroupRule[]> {
    this.ruleReads.push([...groupIds]);
    return this.readRulesImpl(groupIds);
  }
  readCluster(_region: string, clusterId: string): Promise<DbCluster | undefined> {
    this.clusterReads.push(clusterId);
    return this.readClusterImpl(clusterId);
  }
  readInstance(_region: string, instanceId: string): Promise<DbInstance | undefined> {
    this.instanceReads.push(instanceId);
    return this.readInstanceImpl(instanceId);
  }
}

function storeWith(src: FakeSource, regions: readonly string[] = [R]): { store: RegionStore; events: Array<string | undefined> } {
  const store = new RegionStore(async () => src, regions);
  const events: Array<string | undefined> = [];
  store.onChange((r) => events.push(r));
  return { store, events };
}

const notFound = (name: string, message = 'not found') => Object.assign(new Error(message), { name });

describe('store: load', () => {
  it('concurrent load() and ensure() calls share one load', async () => {
    const src = new FakeSource();
    const d = deferred<RegionSnapshot>();
    src.loadImpl = () => d.promise;
    const { store } = storeWith(src);
    const a = store.load(R);
    const b = store.load(R);
    const c = store.ensure(R);
    await tick();
    assert.equal(store.state(R)?.loading, true);
    d.resolve(snapshot());
    const [ia, ib, ic] = await Promise.all([a, b, c]);
    assert.equal(src.loads.length, 1);
    assert.equal(ia, ib);
    assert.equal(ia, ic);
    assert.equal(store.index(R), ia);
    assert.equal(store.state(R)?.loading, false);
    assert.equal(store.state(R)?.error, undefined);
  });

  it('ensure() uses the loaded index; load() after a finished load reads again', async () => {
    const src = new FakeSource();
    const { store } = storeWith(src);
    const first = await store.ensure(R);
    assert.equal(await store.ensure(R), first);
    assert.equal(src.loads.length, 1);
    const second = await store.load(R);
    assert.equal(src.loads.length, 2);
    assert.notEqual(second, first);
    assert.equal(store.index(R), second);
  });

  it('Regions load independently', async () => {
    const src = new FakeSource();
    const { store } = storeWith(src, [R, 'eu-west-1']);
    await store.refreshAll();
    assert.deepEqual(src.loads.map((l) => l.region).sort(), ['eu-west-1', R]);
    assert.equal(store.index('eu-west-1')?.snapshot.region, 'eu-west-1');
    assert.equal(store.index(R)?.snapshot.region, R);
  });

  it('builds an index of the snapshot', async () => {
    const src = new FakeSource();
    const { store } = storeWith(src);
    const idx = await store.load(R);
    assert.deepEqual(
      idx.rulesOf('sg-1').map((r) => r.ruleId),
      ['sgr-1a', 'sgr-1b'],
    );
    assert.equal(idx.clustersById.get('orders')?.vpcId, 'vpc-1');
  });

  it('keeps the last good index visible while reloading', async () => {
    const src = new FakeSource();
    const { store } = storeWith(src);
    const good = await store.load(R);
    const d = deferred<RegionSnapshot>();
    src.loadImpl = () => d.promise;
    const p = store.load(R);
    assert.equal(store.state(R)?.loading, true);
    assert.equal(store.index(R), good);
    d.resolve(snapshot());
    await p;
  });

  it('a failed load keeps the last good index and records the error; a later good load clears it', async () => {
    const src = new FakeSource();
    const { store } = storeWith(src);
    const good = await store.load(R);
    const boom = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    src.loadImpl = async () => {
      throw boom;
    };
    await assert.rejects(store.load(R), (e) => e === boom);
    const s = store.state(R)!;
    assert.equal(s.loading, false);
    assert.equal(s.error, boom);
    assert.equal(s.index, good);
    assert.equal(store.index(R), good);

    src.loadImpl = async (region) => snapshot(region);
    const again = await store.load(R);
    assert.equal(store.state(R)?.error, undefined);
    assert.equal(store.index(R), again);
  });

  it('a failed first load records the error without an index; the next load is a new one', async () => {
    const src = new FakeSource();
    const { store } = storeWith(src);
    src.loadImpl = async () => {
      throw new Error('no network');
    };
    await assert.rejects(store.load(R), /no network/);
    assert.equal(store.index(R), undefined);
    assert.match(String((store.state(R)?.error as Error).message), /no network/);
    src.loadImpl = async (region) => snapshot(region);
    await store.ensure(R);
    assert.equal(src.loads.length, 2);
    assert.ok(store.index(R));
  });

  it('a failing source factory is recorded as the error too', async () => {
    const store = new RegionStore(async () => {
      throw new Error('SDK failed to load');
    }, [R]);
    await assert.rejects(store.load(R), /SDK failed to load/);
    assert.match((store.state(R)?.error as Error).message, /SDK failed to load/);
    assert.equal(store.state(R)?.loading, false);
  });

  it('cancel() aborts the signal given to the source', async () => {
    const src = new FakeSource();
    const d = deferred<RegionSnapshot>();
    src.loadImpl = () => d.promise;
    const { store } = storeWith(src);
    const p = store.load(R);
    await tick();
    const signal = src.loads[0].signal!;
    assert.equal(signal.aborted, false);
    store.cancel(R);
    assert.equal(signal.aborted, true);
    d.reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    await assert.rejects(p, { name: 'AbortError' });
  });
});

describe('store: reset', () => {
  it('drops the data, takes the new Regions and cancels loads in flight', async () => {
    const src = new FakeSource();
    const { store, events } = storeWith(src);
    await store.load(R);
    const d = deferred<RegionSnapshot>();
    src.loadImpl = () => d.promise;
    const p = store.load(R);
    await tick();
    const signal = src.loads[1].signal!;
    events.length = 0;

    const src2 = new FakeSource();
    store.reset(async () => src2, ['eu-west-1']);
    assert.equal(signal.aborted, true);
    assert.equal(store.state(R), undefined);
    assert.equal(store.index(R), undefined);
    assert.deepEqual(store.getRegions(), ['eu-west-1']);
    assert.deepEqual(events, [undefined]);

    d.resolve(snapshot());
    await p.catch(() => undefined);
    await store.load('eu-west-1');
    assert.equal(src2.loads.length, 1);
    assert.equal(src.loads.length, 2, 'the old source is not asked again');
  });

  it('a stale load finishing after reset does not overwrite the new state', async () => {
    const src = new FakeSource();
    const stale = deferred<RegionSnapshot>();
    src.loadImpl = () => stale.promise;
    const { store, events } = storeWith(src);
    const p = store.load(R);
    await tick();

    const src2 = new FakeSource();
    const fresh = deferred<RegionSnapshot>();
    src2.loadImpl = () => fresh.promise;
    store.reset(async () => src2, [R]);
    const p2 = store.load(R);
    await tick();
    events.length = 0;

    // The old load finishes now, with the old connection's data.
    stale.resolve(snapshot(R, { vpcs: [], loadedAt: 111 }));
    await p.catch(() => undefined);
    await tick();
    assert.equal(store.index(R), undefined, 'the stale snapshot must not show');
    assert.equal(store.state(R)?.loading, true, 'the new load is still in flight');
    assert.deepEqual(events, [], 'no change is announced for a stale load');

    // It did not drop the new load's in-flight entry: a third call does not start a second load
    // beside it, but the one that follows it (the new load was already reading).
    const p3 = store.load(R);
    await tick();
    assert.equal(src2.loads.length, 1);

    fresh.resolve(snapshot(R, { loadedAt: 222 }));
    const [i2, i3] = await Promise.all([p2, p3]);
    assert.equal(src2.loads.length, 2);
    assert.notEqual(i2, i3);
    assert.equal(store.index(R), i3);
    assert.equal(store.index(R)?.snapshot.loadedAt, 222);
  });

  it('a stale load failing after reset records no error', async () => {
    const src = new FakeSource();
    const stale = deferred<RegionSnapshot>();
    src.loadImpl = () => stale.promise;
    const { store } = storeWith(src);
    const p = store.load(R);
    await tick();
    store.reset(async () => new FakeSource(), [R]);
    stale.reject(new Error('aborted'));
    await assert.rejects(p);
    assert.equal(store.state(R), undefined);
  });
});

describe('store: refreshGroups', () => {
  it('replaces only those groups and their rules, and drops a group that no longer exists', async () => {
    const src = new FakeSource();
    const { store, events } = storeWith(src);
    await store.load(R);
    events.length = 0;

    src.readGroupsImpl = async (ids) => {
      if (ids.includes('sg-2')) throw notFound('InvalidGroup.NotFound', "The security group 'sg-2' does not exist");
      return ids.map((id) => group(id, { description: `${id} v2` }));
    };
    src.readRulesImpl = async (ids) => {
      assert.deepEqual(ids, ['sg-1', 'sg-2']);
      return [rule('sgr-1new', 'sg-1', 5432)];
    };
    await store.refreshGroups(R, ['sg-1', 'sg-2']);

    // The batch failed on sg-2: each id was then read alone.
    assert.deepEqual(src.groupReads, [['sg-1', 'sg-2'], ['sg-1'], ['sg-2']]);
    const idx = store.index(R)!;
    assert.deepEqual([...idx.groupsById.keys()].sort(), ['sg-1', 'sg-3']);
    assert.equal(idx.groupsById.get('sg-1')?.description, 'sg-1 v2');
    assert.equal(idx.groupsById.get('sg-3')?.description, 'sg-3 v1', 'other groups are untouched');
    assert.deepEqual(
      idx.rulesOf('sg-1').map((r) => r.ruleId),
      ['sgr-1new'],
    );
    assert.deepEqual(idx.rulesOf('sg-2'), [], "the deleted group's rules are gone");
    assert.deepEqual(
      idx.rulesOf('sg-3').map((r) => r.ruleId),
      ['sgr-3a'],
    );
    // The rest of the snapshot is kept.
    assert.equal(idx.snapshot.clusters.length, 2);
    assert.equal(idx.snapshot.vpcs.length, 1);
    assert.ok(events.includes(R), 'onChange fired for the Region');
  });

  it('a batch read that succeeds is used as is', async () => {
    const src = new FakeSource();
    const { store } = storeWith(src);
    await store.load(R);
    src.readGroupsImpl = async (ids) => ids.map((id) => group(id, { groupName: `${id}-renamed` }));
    src.readRulesImpl = async () => [rule('sgr-3z', 'sg-3', 443)];
    await store.refreshGroups(R, ['sg-3']);
    assert.deepEqual(src.groupReads, [['sg-3']]);
    const idx = store.index(R)!;
    assert.equal(idx.groupsById.get('sg-3')?.groupName, 'sg-3-renamed');
    assert.deepEqual(
      idx.rulesOf('sg-3').map((r) => r.ruleId),
      ['sgr-3z'],
    );
    assert.deepEqual(
      idx.rulesOf('sg-1').map((r) => r.ruleId),
      ['sgr-1a', 'sgr-1b'],
    );
  });

  it('adds a group that is new (just created)', async () => {
    const src = new FakeSource();
    const { store } = storeWith(src);
    await store.load(R);
    src.readRulesImpl = async () => [rule('sgr-new', 'sg-new', 443)];
    await store.refreshGroups(R, ['sg-new']);
    assert.ok(store.index(R)!.groupsById.has('sg-new'));
    assert.equal(store.index(R)!.groupsById.size, 4);
    assert.deepEqual(
      store
        .index(R)!
        .rulesOf('sg-new')
        .map((r) => r.ruleId),
      ['sgr-new'],
    );
  });

  it('another error fails the refresh and leaves the data as it was', async () => {
    const src = new FakeSource();
    const { store } = storeWith(src);
    const before = await store.load(R);
    src.readGroupsImpl = async () => {
      throw notFound('UnauthorizedOperation', 'not allowed');
    };
    await assert.rejects(store.refreshGroups(R, ['sg-1']), { name: 'UnauthorizedOperation' });
    assert.equal(store.index(R), before);
  });
});

describe('store: refreshCluster / refreshInstance', () => {
  it('refreshCluster replaces that cluster only and keeps the old VPC when the fresh one has none', async () => {
    const src = new FakeSource();
    const { store, events } = storeWith(src);
    await store.load(R);
    events.length = 0;
    const fresh = cluster('orders', {
      vpcId: undefined,
      securityGroups: [
        { groupId: 'sg-1', status: 'active' },
        { groupId: 'sg-2', status: 'adding' },
      ],
    });
    src.readClusterImpl = async () => fresh;
    const out = await store.refreshCluster(R, 'orders');
    assert.equal(out?.vpcId, 'vpc-1', 'the returned cluster is the merged one');
    assert.deepEqual(out?.securityGroups, fresh.securityGroups);
    const idx = store.index(R)!;
    const c = idx.clustersById.get('orders')!;
    assert.deepEqual(
      c.securityGroups.map((g) => g.groupId),
      ['sg-1', 'sg-2'],
    );
    assert.equal(c.vpcId, 'vpc-1');
    assert.equal(idx.clustersById.get('billing')?.vpcId, 'vpc-2');
    assert.equal(idx.snapshot.clusters.length, 2);
    assert.deepEqual(events, [R]);
  });

  it('refreshCluster takes the fresh VPC when there is one', async () => {
    const src = new FakeSource();
    const { store } = storeWith(src);
    await store.load(R);
    src.readClusterImpl = async () => cluster('orders', { vpcId: 'vpc-9' });
    await store.refreshCluster(R, 'orders');
    assert.equal(store.index(R)!.clustersById.get('orders')?.vpcId, 'vpc-9');
  });

  it('refreshCluster of a cluster not seen before takes the VPC of its first known group', async () => {
    const src = new FakeSource();
    const { store } = storeWith(src);
    await store.load(R);
    src.readClusterImpl = async () => cluster('fresh', { vpcId: undefined, securityGroups: [{ groupId: 'sg-unknown' }, { groupId: 'sg-2' }] });
    const out = await store.refreshCluster(R, 'fresh');
    assert.equal(out?.vpcId, 'vpc-1');
    assert.equal(store.index(R)!.clustersById.get('fresh')?.vpcId, 'vpc-1');
  });

  it('refreshCluster drops a cluster that no longer exists', async () => {
    const src = new FakeSource();
    const { store } = storeWith(src);
    await store.load(R);
    src.readClusterImpl = async () => {
      throw notFound('DBClusterNotFoundFault', 'DBCluster orders not found.');
    };
    assert.equal(await store.refreshCluster(R, 'orders'), undefined);
    assert.deepEqual([...store.index(R)!.clustersById.keys()], ['billing']);
  });

  it('refreshCluster passes other errors on', async () => {
    const src = new FakeSource();
    const { store } = storeWith(src);
    const before = await store.load(R);
    src.readClusterImpl = async () => {
      throw notFound('ThrottlingException');
    };
    await assert.rejects(store.refreshCluster(R, 'orders'), { name: 'ThrottlingException' });
    assert.equal(store.index(R), before);
  });

  it('refreshInstance replaces that instance only and keeps the old VPC when the fresh one has none', async () => {
    const src = new FakeSource();
    const { store, events } = storeWith(src);
    await store.load(R);
    events.length = 0;
    src.readInstanceImpl = async () => instance('reports', { vpcId: undefined, status: 'modifying', securityGroups: [{ groupId: 'sg-2' }] });
    const out = await store.refreshInstance(R, 'reports');
    assert.equal(out?.status, 'modifying');
    assert.equal(out?.vpcId, 'vpc-1', 'the returned instance is the merged one');
    const idx = store.index(R)!;
    const i = idx.instancesById.get('reports')!;
    assert.equal(i.status, 'modifying');
    assert.equal(i.vpcId, 'vpc-1');
    assert.deepEqual(
      i.securityGroups.map((g) => g.groupId),
      ['sg-2'],
    );
    assert.equal(idx.instancesById.get('orders-1')?.clusterId, 'orders');
    assert.equal(idx.snapshot.instances.length, 2);
    assert.deepEqual(events, [R]);
  });

  it('refreshInstance drops an instance that no longer exists (both error names)', async () => {
    for (const name of ['DBInstanceNotFound', 'DBInstanceNotFoundFault']) {
      const src = new FakeSource();
      const { store } = storeWith(src);
      await store.load(R);
      src.readInstanceImpl = async () => {
        throw notFound(name);
      };
      assert.equal(await store.refreshInstance(R, 'reports'), undefined, name);
      assert.deepEqual([...store.index(R)!.instancesById.keys()], ['orders-1'], name);
    }
  });

  it('refreshes before any load change nothing', async () => {
    const src = new FakeSource();
    const { store, events } = storeWith(src);
    src.readClusterImpl = async () => cluster('orders');
    await store.refreshCluster(R, 'orders');
    await store.refreshGroups(R, ['sg-1']);
    assert.equal(store.index(R), undefined);
    assert.deepEqual(events, []);
  });
});

describe('store: onChange', () => {
  it('fires when a load starts and when it ends, with the Region', async () => {
    const src = new FakeSource();
    const d = deferred<RegionSnapshot>();
    src.loadImpl = () => d.promise;
    const { store, events } = storeWith(src);
    const p = store.load(R);
    assert.deepEqual(events, [R]);
    assert.equal(store.state(R)?.loading, true);
    d.resolve(snapshot());
    await p;
    assert.deepEqual(events, [R, R]);
  });

  it('fires after a failed load too, with the error in the state by then', async () => {
    const src = new FakeSource();
    src.loadImpl = async () => {
      throw new Error('boom');
    };
    const store = new RegionStore(async () => src, [R]);
    const seen: Array<unknown> = [];
    store.onChange((r) => seen.push(r === R ? store.state(R)?.error : r));
    await store.load(R).catch(() => undefined);
    assert.equal(seen.length, 2);
    assert.match((seen[1] as Error).message, /boom/);
  });

  it('stops after dispose', async () => {
    const src = new FakeSource();
    const store = new RegionStore(async () => src, [R]);
    const seen: Array<string | undefined> = [];
    const sub = store.onChange((r) => seen.push(r));
    await store.load(R);
    const n = seen.length;
    assert.ok(n > 0);
    sub.dispose();
    await store.load(R);
    store.reset(async () => src, [R]);
    assert.equal(seen.length, n);
  });
});

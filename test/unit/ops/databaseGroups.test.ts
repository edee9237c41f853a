// setDatabaseGroups in plain Node: a fake AWS (clusters and instances whose group lists the fake
// gateway writes, with scripted failures), the real RegionStore over it, a scripted UI, and
// SettleWatches on timers that never fire. Every branch of the reconcile, in milliseconds.
import * as assert from 'node:assert/strict';
import type { AwsGateway } from '../../../src/aws/index';
import type { DbCluster, DbInstance, RegionSnapshot, SecurityGroup } from '../../../src/domain/model';
import { setDatabaseGroups, type DatabaseOpsContext, type DatabaseTarget, type GroupEdit, type SetGroupsOptions } from '../../../src/ops/databaseGroups';
import { SettleWatches } from '../../../src/ops/settle';
import { RegionStore, type RegionSource } from '../../../src/state/store';
import type { Prompter } from '../../../src/ui/prompter';

const R = 'us-east-1';

const group = (groupId: string, vpcId = 'vpc-1'): SecurityGroup => ({
  region: R,
  groupId,
  groupName: `name-${groupId}`,
  description: groupId,
  vpcId,
  tags: {},
});
const attached = (ids: readonly string[], status = 'active') => ids.map((groupId) => ({ groupId, status }));

type Db = { status: string; groups: string[]; groupStatus?: string; clusterId?: string; pending?: string[]; engine?: string; clusterKind?: 'multi-az' };

/** What a write does: applies the list and answers; or fails in one of the ways that may or may not have applied it. */
type WriteBehaviour =
  | 'ok'
  | 'lost, applied'
  | 'lost, not applied'
  | { lostWith: string[] }
  | 'lost, re-read fails'
  | { appliesAs: string[] }
  | { thenStatus: string; groupStatus?: string };

/** The account: databases by id, read and written through the fake source and gateway. */
class FakeAws implements RegionSource {
  readonly clusters = new Map<string, Db>();
  readonly instances = new Map<string, Db>();
  readonly writes: Array<{ kind: 'cluster' | 'instance'; id: string; list: string[] }> = [];
  reads = 0;
  /** Runs before each read of a database (after `reads` is counted): stage a change made elsewhere. */
  beforeRead?: (n: number) => void;
  failReads = false;
  behaviour: WriteBehaviour = 'ok';

  loadRegion = async (): Promise<RegionSnapshot> => ({
    region: R,
    vpcs: [],
    groups: [group('sg-1'), group('sg-2'), group('sg-3'), group('sg-4'), group('sg-5'), group('sg-6'), group('sg-x', 'vpc-2')],
    rules: [],
    clusters: [...this.clusters.keys()].map((id) => this.cluster(id)!),
    instances: [...this.instances.keys()].map((id) => this.instance(id)!),
    loadedAt: 1,
  });
  readGroups = async () => [];
  readRules = async () => [];
  readCluster = async (_r: string, id: string) => {
    this.read();
    return this.cluster(id);
  };
  readInstance = async (_r: string, id: string) => {
    this.read();
    return this.instance(id);
  };

  private read(): void {
    this.reads++;
    this.beforeRead?.(this.reads);
    if (this.failReads) throw Object.assign(new Error('Throttling'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
  }
  private cluster(id: string): DbCluster | undefined {
    const d = this.clusters.get(id);
    return (
      d && {
        region: R,
        clusterId: id,
        kind: d.clusterKind ?? 'aurora',
        engine: d.engine ?? 'aurora-mysql',
        status: d.status,
        members: [],
        securityGroups: attached(d.groups, d.groupStatus),
        vpcId: 'vpc-1',
        ...(d.pending ? { pendingChanges: d.pending } : {}),
      }
    );
  }
  private instance(id: string): DbInstance | undefined {
    const d = this.instances.get(id);
    return (
      d && {
        region: R,
        instanceId: id,
        engine: d.engine ?? 'mysql',
        status: d.status,
        clusterId: d.clusterId,
        securityGroups: attached(d.groups, d.groupStatus),
        vpcId: 'vpc-1',
        ...(d.pending ? { pendingChanges: d.pending } : {}),
      }
    );
  }

  write(kind: 'cluster' | 'instance', id: string, list: readonly string[]): DbCluster | DbInstance | undefined {
    this.writes.push({ kind, id, list: [...list] });
    const d = (kind === 'cluster' ? this.clusters : this.instances).get(id)!;
    const b = this.behaviour;
    const lost = (attempts = 3) =>
      Object.assign(new Error('We encountered an internal error.'), {
        name: 'InternalFailure',
        $fault: 'server',
        $metadata: { httpStatusCode: 500, attempts },
      });
    if (b === 'lost, not applied') throw Object.assign(lost(), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503, attempts: 3 } });
    if (typeof b === 'object' && 'lostWith' in b) {
      d.groups = [...b.lostWith];
      throw lost();
    }
    d.groups = typeof b === 'object' && 'appliesAs' in b ? [...b.appliesAs] : [...list];
    if (typeof b === 'object' && 'thenStatus' in b) {
      d.status = b.thenStatus;
      d.groupStatus = b.groupStatus;
    }
    if (b === 'lost, applied') throw lost();
    if (b === 'lost, re-read fails') {
      this.failReads = true;
      throw lost();
    }
    return kind === 'cluster' ? this.cluster(id) : this.instance(id);
  }
}

class FakeUi implements Prompter {
  readonly confirms: Array<{ before: readonly string[]; after: readonly string[] }> = [];
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  readonly progressTitles: string[] = [];
  readonly progressAbort = new AbortController();
  async pick<T>(): Promise<T> {
    throw new Error('no pick expected');
  }
  async pickMany<T>(): Promise<T[]> {
    throw new Error('no pickMany expected');
  }
  async input(): Promise<string> {
    throw new Error('no input expected');
  }
  async confirm(): Promise<boolean> {
    throw new Error('ask through the confirm option');
  }
  async copy(): Promise<void> {
    throw new Error('no copy expected');
  }

  async choose(): Promise<string | undefined> {
    throw new Error('no choice expected');
  }
  async progress<T>(title: string, work: (signal: AbortSignal, report: (m: string) => void) => Promise<T>): Promise<T> {
    this.progressTitles.push(title);
    return work(this.progressAbort.signal, () => undefined);
  }
  info(m: string): void {
    this.infos.push(m);
  }
  warn(m: string): void {
    this.warnings.push(m);
  }
  error(m: string): void {
    throw new Error(`ops never shows an error itself: ${m}`);
  }
}

interface World {
  aws: FakeAws;
  store: RegionStore;
  ui: FakeUi;
  log: string[];
  settle: SettleWatches;
  ctx: DatabaseOpsContext;
}

async function world(setup: (aws: FakeAws) => void): Promise<World> {
  const aws = new FakeAws();
  setup(aws);
  const store = new RegionStore(async () => aws, [R]);
  await store.load(R);
  aws.reads = 0;
  const ui = new FakeUi();
  const log: string[] = [];
  const settle = new SettleWatches(store, { set: () => ({}), clear: () => undefined });
  const gateway = {
    setClusterGroups: async (_r: string, id: string, list: readonly string[]) => aws.write('cluster', id, list),
    setInstanceGroups: async (_r: string, id: string, list: readonly string[]) => aws.write('instance', id, list),
  } as unknown as AwsGateway;
  const ctx: DatabaseOpsContext = {
    gateway: () => gateway,
    store,
    ui,
    settle,
    settings: {},
    log: { info: (m) => log.push(`info ${m}`), warn: (m) => log.push(`warn ${m}`), error: (m) => log.push(`error ${m}`) },
  };
  return { aws, store, ui, log, settle, ctx };
}

const orders: DatabaseTarget = { kind: 'cluster', region: R, id: 'orders' };
const reports: DatabaseTarget = { kind: 'instance', region: R, id: 'reports' };

/** Runs the change with a confirmation that says yes (and records what it was shown). */
function change(w: World, t: DatabaseTarget, edit: GroupEdit, o: SetGroupsOptions = {}) {
  return setDatabaseGroups(w.ctx, t, edit, {
    confirm: async (before, after) => {
      w.ui.confirms.push({ before, after });
      return true;
    },
    ...o,
  });
}

const withOrders =
  (groups = ['sg-1'], status = 'available') =>
  (aws: FakeAws) =>
    void aws.clusters.set('orders', { status, groups });

describe('ops: setDatabaseGroups', () => {
  it('applied: re-reads, confirms with the lists before and after, sends the merged list, reads it back', async () => {
    const w = await world(withOrders(['sg-1', 'sg-2']));
    const r = await change(w, orders, { add: ['sg-3'] });
    assert.deepEqual(w.aws.writes, [{ kind: 'cluster', id: 'orders', list: ['sg-1', 'sg-2', 'sg-3'] }]);
    assert.deepEqual(w.ui.confirms, [{ before: ['sg-1', 'sg-2'], after: ['sg-1', 'sg-2', 'sg-3'] }]);
    assert.deepEqual(r, {
      changed: true,
      before: ['sg-1', 'sg-2'],
      sent: ['sg-1', 'sg-2', 'sg-3'],
      after: ['sg-1', 'sg-2', 'sg-3'],
      recovered: undefined,
      warnings: [],
    });
    assert.deepEqual(w.ui.progressTitles, ['Associating name-sg-3 (sg-3) with orders…']);
    assert.equal(w.aws.reads, 3, 'read before the question, again right before the write, and after it');
    assert.deepEqual(w.ui.warnings, []);
    assert.equal(w.settle.size, 0, 'settled at once: no watch');
    assert.ok(w.log.includes('info ModifyDBCluster orders: before [sg-1, sg-2], sent [sg-1, sg-2, sg-3], now [sg-1, sg-2, sg-3]'), w.log.join('\n'));
    assert.deepEqual(
      w.store
        .index(R)!
        .clustersById.get('orders')!
        .securityGroups.map((g) => g.groupId),
      ['sg-1', 'sg-2', 'sg-3'],
      'the store follows',
    );
  });

  it('the confirmation says when the change applies and names what is pending on the database, which it leaves pending', async () => {
    const w = await world((aws) => {
      aws.clusters.set('orders', { status: 'available', groups: ['sg-1'], pending: ['engine version 8.0.mysql_aurora.3.08.0', 'master password'] });
      aws.instances.set('reports', { status: 'available', groups: ['sg-1'] });
    });
    const timings: string[] = [];
    const confirm = async (_b: readonly string[], _a: readonly string[], timing: string) => (timings.push(timing), true);
    await setDatabaseGroups(w.ctx, orders, { add: ['sg-2'] }, { confirm });
    await setDatabaseGroups(w.ctx, reports, { add: ['sg-2'] }, { confirm });
    assert.equal(
      timings[0],
      'RDS applies the group change as soon as possible to every instance of orders; the change itself causes no outage. ' +
        'Pending on orders: engine version 8.0.mysql_aurora.3.08.0; master password. This change does not apply them: they stay pending until the next maintenance window.',
    );
    assert.deepEqual(timings.slice(1), ['RDS applies the group change as soon as possible; the change itself causes no outage.']);
    assert.deepEqual(
      w.aws.writes.map((x) => x.id),
      ['orders', 'reports'],
    );
  });

  it('removes a group, keeping the others in order', async () => {
    const w = await world(withOrders(['sg-1', 'sg-2', 'sg-3']));
    const r = await change(w, orders, { remove: ['sg-2'] });
    assert.deepEqual(r.sent, ['sg-1', 'sg-3']);
    assert.deepEqual(w.ui.progressTitles, ['Removing name-sg-2 (sg-2) from orders…']);
  });

  it('a lost answer that was applied is a success, once, with the phrase for the message', async () => {
    const w = await world(withOrders());
    w.aws.behaviour = 'lost, applied';
    const r = await change(w, orders, { add: ['sg-2'] });
    assert.equal(r.changed, true);
    assert.deepEqual(r.after, ['sg-1', 'sg-2']);
    assert.match(r.recovered ?? '', /first answer was lost; the retry found it in place/);
    assert.equal(w.aws.writes.length, 1, 'not sent again');
    assert.ok(
      w.log.some((l) => /^info change the groups of orders: the call failed .* but it was applied/.test(l)),
      w.log.join('\n'),
    );
  });

  it('a lost answer that was not applied says that nothing was changed and what the database still has', async () => {
    const w = await world(withOrders());
    w.aws.behaviour = 'lost, not applied';
    await assert.rejects(change(w, orders, { add: ['sg-2'] }), (e: Error) => {
      assert.equal(e.name, 'UserError');
      assert.match(e.message, /HTTP 503.* Nothing was changed: orders still has name-sg-1 \(sg-1\)\.$/);
      return true;
    });
  });

  it('a lost answer after which the list is neither: says what it has now and what was sent', async () => {
    const w = await world(withOrders());
    w.aws.behaviour = { lostWith: ['sg-1', 'sg-4'] };
    await assert.rejects(
      change(w, orders, { add: ['sg-2'] }),
      /orders now has name-sg-1 \(sg-1\), name-sg-4 \(sg-4\) \(sent: name-sg-1 \(sg-1\), name-sg-2 \(sg-2\)\); check it before trying again\.$/,
    );
  });

  it('a lost answer and a re-read that fails too: the outcome is unknown, and said so', async () => {
    const w = await world(withOrders());
    w.aws.behaviour = 'lost, re-read fails';
    await assert.rejects(change(w, orders, { add: ['sg-2'] }), /Could not tell whether that was applied: reading AWS again failed too\. Refresh the tree/);
  });

  it('changed meanwhile: the fresh list differs from the one the user saw (as a set) and nothing is sent', async () => {
    const w = await world(withOrders(['sg-1', 'sg-2']));
    await assert.rejects(
      change(w, orders, { add: ['sg-3'] }, { expected: ['sg-1'] }),
      /^UserError: The groups of orders changed while you were choosing \(now: name-sg-1 \(sg-1\), name-sg-2 \(sg-2\)\)\. Nothing was changed; run the command again\.$/,
    );
    await assert.rejects(
      change(w, orders, { add: ['sg-3'] }, { expected: ['sg-1'], seen: 'preview' }),
      /changed since the preview \(now .*\): nothing was sent\. Check the updated preview and apply again\./,
    );
    assert.deepEqual(w.aws.writes, []);
    assert.deepEqual(w.ui.confirms, []);
    // The same groups in another order are the same list.
    const r = await change(w, orders, { add: ['sg-3'] }, { expected: ['sg-2', 'sg-1'] });
    assert.deepEqual(r.sent, ['sg-1', 'sg-2', 'sg-3']);
  });

  it('changed while the confirmation was shown: the read right before the write refuses, and keeps the other change', async () => {
    const w = await world(withOrders());
    const r = setDatabaseGroups(
      w.ctx,
      orders,
      { add: ['sg-2'] },
      {
        confirm: async () => {
          w.aws.clusters.get('orders')!.groups = ['sg-1', 'sg-4'];
          return true;
        },
      },
    );
    await assert.rejects(r, /changed while you were choosing \(now: name-sg-1 \(sg-1\), name-sg-4 \(sg-4\)\)/);
    assert.deepEqual(w.aws.writes, []);
    assert.deepEqual(w.aws.clusters.get('orders')!.groups, ['sg-1', 'sg-4']);
  });

  it('without an expected list, a change made elsewhere before the first read is kept', async () => {
    const w = await world(withOrders());
    w.aws.clusters.get('orders')!.groups = ['sg-1', 'sg-4'];
    const r = await change(w, orders, { add: ['sg-2'] });
    assert.deepEqual(r.sent, ['sg-1', 'sg-4', 'sg-2']);
  });

  it('not available: refused before anything is asked or sent', async () => {
    const w = await world(withOrders(['sg-1'], 'modifying'));
    await assert.rejects(
      change(w, orders, { add: ['sg-2'] }),
      /^UserError: DB cluster orders is modifying, not available\. Wait until it is available and try again\.$/,
    );
    assert.deepEqual(w.aws.writes, []);
    assert.deepEqual(w.ui.confirms, []);
  });

  it('nothing to do: the groups are already there (or already gone); nothing asked or sent', async () => {
    const w = await world(withOrders(['sg-1', 'sg-2']));
    const r = await change(w, orders, { add: ['sg-2'] });
    assert.equal(r.changed, false);
    assert.match(r.unchanged ?? '', /already associated with orders/);
    assert.deepEqual(r.after, ['sg-1', 'sg-2']);
    const r2 = await change(w, orders, { remove: ['sg-5'] });
    assert.equal(r2.changed, false);
    assert.match(r2.unchanged ?? '', /^Not associated with orders: sg-5\./);
    assert.deepEqual(w.aws.writes, []);
    assert.deepEqual(w.ui.confirms, []);
    assert.deepEqual(w.ui.progressTitles, []);
  });

  it('refuses what would drop a group or what AWS refuses: more than five, the last group, another VPC, an unknown group, an empty edit', async () => {
    const w = await world(withOrders(['sg-1', 'sg-2', 'sg-3', 'sg-4']));
    await assert.rejects(change(w, orders, { add: ['sg-5', 'sg-6'] }), /at most 5 security groups/);
    await assert.rejects(
      change(w, orders, { add: ['sg-x'] }),
      /name-sg-x \(sg-x\) is in vpc-2, but the database is in vpc-1: a database can only use groups of its own VPC\./,
    );
    await assert.rejects(change(w, orders, { add: ['sg-nope'] }), /Security group sg-nope is not in us-east-1/);
    await assert.rejects(change(w, orders, { add: [] }), /^UserError: No group was given to associate\.$/);
    await assert.rejects(change(w, orders, { remove: [] }), /^UserError: No group was given to remove\.$/);
    const one = await world(withOrders(['sg-1']));
    await assert.rejects(change(one, orders, { remove: ['sg-1'] }), /must keep at least one security group/);
    assert.deepEqual([...w.aws.writes, ...one.aws.writes], []);
  });

  it('a declined confirmation is a cancellation, and nothing is sent', async () => {
    const w = await world(withOrders());
    await assert.rejects(setDatabaseGroups(w.ctx, orders, { add: ['sg-2'] }, { confirm: async () => false }), { name: 'CancelledError' });
    assert.deepEqual(w.aws.writes, []);
  });

  it('a progress cancelled before the write sends nothing', async () => {
    const w = await world(withOrders());
    w.ui.progressAbort.abort();
    await assert.rejects(change(w, orders, { add: ['sg-2'] }), { name: 'CancelledError' });
    assert.deepEqual(w.aws.writes, []);
  });

  it('a database gone since the tree loaded is said so', async () => {
    const w = await world(withOrders());
    w.aws.clusters.delete('orders');
    await assert.rejects(change(w, orders, { add: ['sg-2'] }), /^UserError: DB cluster orders no longer exists in us-east-1\. Refresh the tree\.$/);
  });

  it('warns when a group that should have stayed is missing after the write', async () => {
    const w = await world(withOrders(['sg-1', 'sg-2']));
    w.aws.behaviour = { appliesAs: ['sg-2', 'sg-3'] };
    const r = await change(w, orders, { add: ['sg-3'] });
    assert.deepEqual(r.after, ['sg-2', 'sg-3']);
    assert.deepEqual(w.ui.warnings, ['AWS reports orders without sg-1; check the cluster in the console.']);
    assert.deepEqual(r.warnings, w.ui.warnings);
  });

  it('warns when the list read back differs from what was sent (changed elsewhere at the same time)', async () => {
    const w = await world(withOrders());
    w.aws.behaviour = { appliesAs: ['sg-1', 'sg-2', 'sg-4'] };
    await change(w, orders, { add: ['sg-2'] });
    assert.equal(w.ui.warnings.length, 1);
    assert.match(
      w.ui.warnings[0],
      /^orders now has .*sg-4.*, not what was sent \(name-sg-1 \(sg-1\), name-sg-2 \(sg-2\)\): it was changed elsewhere at the same time\.$/,
    );
  });

  it('a failed read after a successful write is a warning, not an error: the change is in place', async () => {
    const w = await world(withOrders());
    w.aws.beforeRead = (n) => {
      if (n === 3) w.aws.failReads = true;
    };
    const r = await change(w, orders, { add: ['sg-2'] });
    assert.equal(r.changed, true);
    assert.deepEqual(r.after, ['sg-1', 'sg-2']);
    assert.match(w.ui.warnings[0], /orders was changed, but reading it again failed/);
  });

  it('starts a settle watch while the database or a group is not settled; a newer change replaces it; a reset and dispose stop it', async () => {
    const w = await world(withOrders());
    w.aws.behaviour = { thenStatus: 'available', groupStatus: 'adding' };
    await change(w, orders, { add: ['sg-2'] });
    assert.ok(w.settle.isWatching('us-east-1/cluster/orders'), 'a group still being added');
    w.aws.clusters.get('orders')!.groupStatus = 'active';
    w.aws.behaviour = { thenStatus: 'modifying' };
    await change(w, orders, { add: ['sg-3'] });
    assert.equal(w.settle.size, 1, 'the newer watch of the same database replaced the older');
    w.store.reset(async () => w.aws, [R]);
    assert.equal(w.settle.size, 0, 'the store reset stopped it');
    await w.store.load(R);
    w.aws.clusters.get('orders')!.status = 'available';
    await change(w, orders, { add: ['sg-4'] });
    assert.equal(w.settle.size, 1);
    w.settle.dispose();
    assert.equal(w.settle.size, 0, 'disposed');
  });

  it('an instance: the same path through ModifyDBInstance', async () => {
    const w = await world((aws) => void aws.instances.set('reports', { status: 'available', groups: ['sg-3'] }));
    w.aws.behaviour = { thenStatus: 'modifying' };
    const r = await change(w, reports, { add: ['sg-1'] });
    assert.deepEqual(w.aws.writes, [{ kind: 'instance', id: 'reports', list: ['sg-3', 'sg-1'] }]);
    assert.deepEqual(r.after, ['sg-3', 'sg-1']);
    assert.ok(w.settle.isWatching('us-east-1/instance/reports'), 'the instance status is watched as well');
    w.aws.instances.get('reports')!.status = 'available';
    w.aws.behaviour = { appliesAs: ['sg-1', 'sg-2'] };
    await change(w, reports, { add: ['sg-2'] });
    assert.deepEqual(w.ui.warnings, ['AWS reports reports without sg-3; check the instance in the console.'], 'the lost-group check covers instances too');
  });

  it("an Aurora member instance is refused: its groups are the cluster's, and ModifyDBInstance never gets a list", async () => {
    const w = await world((aws) => {
      aws.clusters.set('orders', { status: 'available', groups: ['sg-1'] });
      aws.instances.set('orders-1', { status: 'available', groups: ['sg-1'], clusterId: 'orders' });
    });
    await assert.rejects(
      change(w, { kind: 'instance', region: R, id: 'orders-1' }, { add: ['sg-2'] }),
      /orders-1 belongs to Aurora DB cluster orders: change the groups of the cluster instead\./,
    );
    assert.deepEqual(w.aws.writes, []);
  });

  it('a member of a Multi-AZ DB cluster is refused the same way, and named as one (not as Aurora)', async () => {
    const w = await world((aws) => {
      aws.clusters.set('ledger', { status: 'available', groups: ['sg-1'], engine: 'postgres', clusterKind: 'multi-az' });
      aws.instances.set('ledger-1', { status: 'available', groups: ['sg-1'], clusterId: 'ledger', engine: 'postgres' });
    });
    await assert.rejects(
      change(w, { kind: 'instance', region: R, id: 'ledger-1' }, { add: ['sg-2'] }),
      /^UserError: ledger-1 belongs to Multi-AZ DB cluster ledger: change the groups of the cluster instead\.$/,
    );
    assert.deepEqual(w.aws.writes, []);
  });

  // ModifyDBInstanceMessage VpcSecurityGroupIds: "This setting doesn't apply to RDS Custom DB instances" (RDS API Reference).
  for (const edit of [{ add: ['sg-2'] }, { remove: ['sg-1'] }] as GroupEdit[]) {
    it(`an RDS Custom instance is refused before any call (${'add' in edit ? 'add' : 'remove'})`, async () => {
      const w = await world((aws) => void aws.instances.set('erp', { status: 'available', groups: ['sg-1'], engine: 'custom-oracle-ee' }));
      await assert.rejects(change(w, { kind: 'instance', region: R, id: 'erp' }, edit), (e: Error) => {
        assert.equal(e.name, 'UserError');
        assert.match(e.message, /^erp is an RDS Custom DB instance \(custom-oracle-ee\): .*does not apply.*Nothing was changed\.$/);
        return true;
      });
      assert.equal(w.aws.reads, 0, 'not even a read: the store already knows the engine');
      assert.deepEqual(w.aws.writes, []);
      assert.deepEqual(w.ui.progressTitles, []);
    });
  }

  it('an RDS Custom instance the store did not know yet is refused on the fresh read, before the write', async () => {
    const w = await world(() => undefined);
    w.aws.instances.set('crm', { status: 'available', groups: ['sg-1'], engine: 'custom-sqlserver-se' });
    await assert.rejects(change(w, { kind: 'instance', region: R, id: 'crm' }, { add: ['sg-2'] }), /^UserError: crm is an RDS Custom DB instance/);
    assert.equal(w.aws.reads, 1);
    assert.deepEqual(w.aws.writes, []);
  });
});

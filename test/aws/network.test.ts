// The topologies of issue 15 seeded in moto (one Region each) and read back through the real SDK
// clients and the AWS-rules layer: the network reads (DB subnet groups, subnets, route tables,
// network ACLs, prefix list entries, PubliclyAccessible) give the answers AWS documents for them
// (test/harness/topologies.ts), the same the unit layer gets from built snapshots.
import * as assert from 'node:assert/strict';
import { createGateway, type AwsGateway, type CallRecord } from '../../src/aws/index';
import { RegionIndex } from '../../src/domain/model';
import { databasePrefixLists, NetworkIndex } from '../../src/domain/network';
import { startFaultProxy, type FaultProxy } from '../harness/faultProxy';
import { type MotoServer, startMoto, useTestKeys } from '../harness/moto';
import { rulesAudit } from '../harness/rulesAudit';
import { seedTopology, TOPOLOGY_REGIONS, type SeededTopology } from '../harness/seedTopologies';
import { TOPOLOGIES } from '../harness/topologies';
import { topologyAnswers } from '../harness/topologyAnswers';

describe('AWS network reads against moto: the topologies of issue 15', function () {
  this.timeout(300_000);
  let moto: MotoServer;
  let rules: FaultProxy;
  let audit: ReturnType<typeof rulesAudit>;
  let gw: AwsGateway;
  const seeded: SeededTopology[] = [];
  const calls: CallRecord[] = [];
  let restoreKeys: () => void = () => undefined;

  before(async () => {
    restoreKeys = useTestKeys();
    moto = await startMoto();
    for (const [i, t] of TOPOLOGIES.entries()) seeded.push(await seedTopology(moto.url, TOPOLOGY_REGIONS[i]!, t));
    rules = await startFaultProxy(moto.url);
    audit = rulesAudit(rules);
    gw = createGateway({ endpoint: rules.url }, (call) => calls.push(call));
  });

  after(async () => {
    gw?.dispose();
    await rules?.close();
    await moto?.stop();
    restoreKeys();
    audit?.check();
  });

  for (const [i, t] of TOPOLOGIES.entries()) {
    it(`${t.name}: the answers AWS documents`, async () => {
      const s = seeded[i]!;
      const snap = await gw.loadRegion(s.region);
      assert.equal(snap.failures, undefined);
      const idx = new RegionIndex(snap);
      const net = new NetworkIndex(await gw.loadNetwork(s.region, databasePrefixLists(idx)));
      assert.deepEqual(net.snapshot.failures, []);
      const ec2 = await gw.readEc2Instances(s.region);
      assert.deepEqual(topologyAnswers(t, idx, net, ec2, s.clusterId), t.expect);
    });
  }

  it('reads PubliclyAccessible per Aurora instance, the subnets of the DB subnet group and the explicit route table and ACL associations', async () => {
    const k = TOPOLOGIES.findIndex((t) => t.name === 'writer public and readers private');
    const s = seeded[k]!;
    const snap = await gw.loadRegion(s.region);
    assert.deepEqual(snap.instances.map((x) => [x.instanceId, x.publiclyAccessible]).sort(), [
      ['r1', false],
      ['w1', true],
    ]);
    const net = new NetworkIndex(await gw.loadNetwork(s.region));
    assert.deepEqual(net.subnetGroups.get('dbsubnets')?.subnetIds, [s.subnetIds.get('db-a'), s.subnetIds.get('db-b')]);
    const dbA = net.subnets.get(s.subnetIds.get('db-a')!)!;
    const rt = net.routeTableOf(dbA)!;
    assert.equal(rt.main, false);
    assert.ok(rt.routes.some((r) => r.destination === '0.0.0.0/0' && r.target.startsWith('igw-')));
    const a = TOPOLOGIES.findIndex((t) => t.name === 'an ACL denying the port');
    const sa = seeded[a]!;
    const netA = new NetworkIndex(await gw.loadNetwork(sa.region));
    const acl = netA.aclOf(sa.subnetIds.get('db-a')!)!;
    assert.equal(acl.networkAclId, sa.aclIds.get('db'));
    assert.deepEqual(
      acl.entries.filter((e) => e.ruleNumber === 90),
      [{ ruleNumber: 90, egress: false, protocol: '6', allow: false, cidr: '10.0.0.0/16', fromPort: 3306, toPort: 3306 }],
    );
  });

  it('prefix list entries are read on demand, once per list (cached), and again after forgetPrefixLists', async () => {
    const k = TOPOLOGIES.findIndex((t) => t.name === 'a prefix list containing 0.0.0.0/0');
    const s = seeded[k]!;
    const idx = new RegionIndex(await gw.loadRegion(s.region));
    const lists = databasePrefixLists(idx);
    assert.equal(lists.length, 1);
    // The topology's own test read them already (the same gateway): start from an empty cache.
    gw.forgetPrefixLists(s.region);
    calls.length = 0;
    const first = await gw.loadNetwork(s.region, lists);
    assert.deepEqual([...(first.prefixLists.get(lists[0]!) ?? [])].sort(), ['0.0.0.0/0', '198.51.100.0/24']);
    await gw.loadNetwork(s.region, lists);
    assert.equal(calls.filter((c) => c.command.includes('GetManagedPrefixListEntries')).length, 1, 'cached');
    gw.forgetPrefixLists(s.region);
    await gw.loadNetwork(s.region, lists);
    assert.equal(calls.filter((c) => c.command.includes('GetManagedPrefixListEntries')).length, 2, 'read again after a refresh');
  });

  it('a refused DescribeNetworkAcls leaves the ACL part unknown, named with its permission; the rest is read', async () => {
    const a = TOPOLOGIES.findIndex((t) => t.name === 'an ACL denying the port');
    const s = seeded[a]!;
    // EC2 answers a missing permission with UnauthorizedOperation, HTTP 403 (EC2 API Reference, "Error codes").
    const remove = rules.add({
      action: 'DescribeNetworkAcls',
      kind: 'error',
      status: 403,
      code: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation.',
      times: Infinity,
    });
    try {
      const snap = await gw.loadNetwork(s.region);
      assert.deepEqual(
        snap.failures.map((f) => [f.read, f.action]),
        [['networkAcls', 'ec2:DescribeNetworkAcls']],
      );
      assert.deepEqual(snap.networkAcls, []);
      assert.ok(snap.routeTables.length > 0 && snap.subnets.length > 0);
    } finally {
      remove();
    }
  });
});

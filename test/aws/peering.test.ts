// Peered VPCs against moto: the peerings read returns what AWS would (an accepted connection is
// active, an unaccepted one pending-acceptance), the reachable VPCs follow from it, and stale rules
// come from DescribeStaleSecurityGroups as AWS answers it (the AWS-rules layer answers; moto gives
// HTTP 500, which stays "unknown", never a finding).
import * as assert from 'node:assert/strict';
import { AuthorizeSecurityGroupIngressCommand, DeleteVpcPeeringConnectionCommand } from '@aws-sdk/client-ec2';
import { createGateway, type AwsGateway, type CallRecord } from '../../src/aws/index';
import { findings } from '../../src/domain/analysis';
import { RegionIndex } from '../../src/domain/model';
import { reachableGroupVpcs } from '../../src/domain/peering';
import { startFaultProxy, type FaultProxy } from '../harness/faultProxy';
import { type MotoServer, startMoto, useTestKeys } from '../harness/moto';
import { rulesAudit } from '../harness/rulesAudit';
import { clientsFor, seedPeeredVpcs, type PeeredVpcIds } from '../harness/seed';

const REGION = 'ap-southeast-2';

describe('AWS peerings against moto', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  // The gateway talks to moto through the AWS-rules layer; seeding and direct reads go to moto.
  let rules: FaultProxy;
  let audit: ReturnType<typeof rulesAudit>;
  let gw: AwsGateway;
  let ids: PeeredVpcIds;
  const calls: CallRecord[] = [];
  let restoreKeys: () => void = () => undefined;

  before(async () => {
    restoreKeys = useTestKeys();
    moto = await startMoto();
    ids = await seedPeeredVpcs(moto.url, REGION);
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

  it('loadRegion reads the peerings: the accepted one active, the unaccepted one pending-acceptance, with both sides', async () => {
    const snap = await gw.loadRegion(REGION);
    assert.equal(snap.failures, undefined);
    const byId = new Map((snap.peerings ?? []).map((p) => [p.peeringId, p]));
    const active = byId.get(ids.peered.peeringId)!;
    assert.equal(active.status, 'active');
    assert.deepEqual([active.requester.vpcId, active.accepter.vpcId], [ids.home.vpcId, ids.peered.vpcId]);
    assert.ok(active.requester.ownerId && active.accepter.ownerId, 'owners are given');
    assert.equal(byId.get(ids.pending.peeringId)!.status, 'pending-acceptance');
    const reach = reachableGroupVpcs(ids.home.vpcId, snap.peerings, REGION);
    assert.deepEqual([...reach.vpcIds].sort(), [ids.home.vpcId, ids.peered.vpcId].sort());
  });

  it('a cross-VPC reference makes the load ask DescribeStaleSecurityGroups for that VPC (answered as AWS does): nothing stale while the peering is active', async () => {
    const c = clientsFor(moto.url, REGION);
    await c.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: ids.home.app,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: ids.peered.group }] }],
      }),
    );
    calls.length = 0;
    const snap = await gw.loadRegion(REGION);
    assert.deepEqual(
      calls.filter((x) => /DescribeStaleSecurityGroups/.test(x.command)).map((x) => x.region),
      [REGION],
      'asked once, for the home VPC',
    );
    assert.deepEqual(snap.staleChecks, [{ vpcId: ids.home.vpcId, rules: [] }]);
    assert.equal(
      rules.requests.filter((r) => r.action === 'DescribeStaleSecurityGroups').at(-1)?.answeredBy,
      'DescribeStaleSecurityGroups answered as AWS does',
    );
    assert.deepEqual(
      findings(new RegionIndex(snap)).filter((f) => f.kind === 'stale-reference'),
      [],
    );
  });

  it('a VPC that does not answer DescribeStaleSecurityGroups is unknown: no finding invented, not a failed part of the tree', async () => {
    const off = rules.add({ action: 'DescribeStaleSecurityGroups', kind: 'http500', times: Infinity });
    try {
      const snap = await gw.loadRegion(REGION);
      assert.deepEqual(snap.staleChecks, [], 'the VPC that did not answer is left out');
      assert.equal(snap.failures, undefined);
      assert.deepEqual(
        findings(new RegionIndex(snap)).filter((f) => f.kind === 'stale-reference'),
        [],
      );
    } finally {
      off();
    }
  });

  it('once the peering connection is deleted, AWS reports the rule stale and the finding names the peering', async () => {
    const c = clientsFor(moto.url, REGION);
    await c.ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: ids.peered.peeringId }));
    const snap = await gw.loadRegion(REGION);
    const home = snap.staleChecks?.find((x) => x.vpcId === ids.home.vpcId);
    assert.ok(home && home.rules.length === 1, `one stale rule in the home VPC: ${JSON.stringify(snap.staleChecks)}`);
    const stale = findings(new RegionIndex(snap)).filter((f) => f.kind === 'stale-reference');
    assert.equal(stale.length, 1, JSON.stringify(stale));
    assert.equal(stale[0]!.groupId, ids.home.app);
    assert.match(stale[0]!.why, new RegExp(`${ids.peered.peeringId}.*deleted`));
  });
});

// The AWS-rules layer (test/harness/awsRules.ts): the real SDK clients, through the fault proxy in
// front of moto, get AWS's refusal where moto alone accepts.
import * as assert from 'node:assert/strict';
import {
  AcceptVpcPeeringConnectionCommand,
  AttachNetworkInterfaceCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteSecurityGroupCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeSecurityGroupReferencesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeStaleSecurityGroupsCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  ModifySecurityGroupRulesCommand,
  CreateSecurityGroupCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeDBClustersCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  StopDBClusterCommand,
  StartDBClusterCommand,
} from '@aws-sdk/client-rds';
import { EXPECT_REFUSAL_PATH, startFaultProxy, type FaultProxy } from '../harness/faultProxy';
import { auditProxy } from '../harness/rulesAudit';
import { startMoto, type MotoServer } from '../harness/moto';
import { createVpc, seedTestAccount, type TestAccountIds } from '../harness/seed';

const US = 'us-east-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const clients = (endpoint: string) => ({
  ec2: new EC2Client({ endpoint, region: US, credentials, maxAttempts: 1 }),
  rds: new RDSClient({ endpoint, region: US, credentials, maxAttempts: 1 }),
});

async function refusal(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { name: string; message: string };
  }
  assert.fail('expected AWS (the rules layer) to refuse the call');
}

describe('AWS rules layer (what AWS refuses where moto is lenient)', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let proxy: FaultProxy;
  let ids: TestAccountIds;
  let viaRules: ReturnType<typeof clients>;
  let direct: ReturnType<typeof clients>;
  const extraGroups: string[] = [];

  before(async () => {
    moto = await startMoto();
    ids = await seedTestAccount(moto.url);
    proxy = await startFaultProxy(moto.url);
    viaRules = clients(proxy.url);
    direct = clients(moto.url);
    for (let i = 0; i < 6; i++) {
      const g = await direct.ec2.send(new CreateSecurityGroupCommand({ GroupName: `quota-${i}`, Description: 'quota', VpcId: ids.vpcId }));
      extraGroups.push(g.GroupId!);
    }
  });
  after(async () => {
    await proxy?.close();
    await moto?.stop();
  });

  it('ModifyDBCluster with ApplyImmediately=true is refused loudly (the project never sends it); moto alone accepts', async () => {
    const input = { DBClusterIdentifier: ids.mysqlClusterId, VpcSecurityGroupIds: [ids.dbGroupId], ApplyImmediately: true };
    const e = await refusal(viaRules.rds.send(new ModifyDBClusterCommand(input)));
    assert.equal(e.name, 'InvalidParameterCombination');
    assert.match(e.message, /ApplyImmediately=true/);
    const rec = proxy.requests.find((r) => r.action === 'ModifyDBCluster')!;
    assert.equal(rec.forwarded, false);
    assert.equal(rec.refusedBy, 'never ApplyImmediately=true');
    await direct.rds.send(new ModifyDBClusterCommand(input));
  });

  it('six groups on a DB cluster exceed the quota of 5; moto alone accepts', async () => {
    const input = { DBClusterIdentifier: ids.pgClusterId, VpcSecurityGroupIds: extraGroups };
    const e = await refusal(viaRules.rds.send(new ModifyDBClusterCommand(input)));
    assert.equal(e.name, 'InvalidParameterValue');
    assert.match(e.message, /at most 5 VPC security groups/);
  });

  it('six groups on an instance exceed the per-interface quota of 5', async () => {
    const e = await refusal(viaRules.ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: ids.appServerInstanceId, Groups: extraGroups })));
    assert.equal(e.name, 'SecurityGroupsPerInterfaceLimitExceeded');
  });

  it('ModifyDBInstance VpcSecurityGroupIds on an Aurora member: InvalidParameterCombination (moto changes the member, then answers 500)', async () => {
    const member = (await direct.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: ids.mysqlClusterId }))).DBClusters![0].DBClusterMembers![0];
    const e = await refusal(
      viaRules.rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: member.DBInstanceIdentifier!, VpcSecurityGroupIds: [ids.appGroupId] })),
    );
    assert.equal(e.name, 'InvalidParameterCombination');
    assert.match(e.message, /ModifyDBCluster/);
  });

  it('ModifyDBCluster on a stopped cluster: InvalidDBClusterStateFault', async () => {
    await direct.rds.send(new StopDBClusterCommand({ DBClusterIdentifier: ids.pgClusterId }));
    try {
      const e = await refusal(viaRules.rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: ids.pgClusterId, VpcSecurityGroupIds: [ids.pgGroupId] })));
      assert.equal(e.name, 'InvalidDBClusterStateFault');
    } finally {
      await direct.rds.send(new StartDBClusterCommand({ DBClusterIdentifier: ids.pgClusterId }));
    }
  });

  it('ModifySecurityGroupRules may not change a CIDR rule into a group reference; moto alone answers success', async () => {
    const rules = (await direct.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [ids.appGroupId] }] })))
      .SecurityGroupRules!;
    const cidrRule = rules.find((r) => !r.IsEgress && r.CidrIpv4)!;
    const input = {
      GroupId: ids.appGroupId,
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: cidrRule.SecurityGroupRuleId!,
          SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ReferencedGroupId: ids.dbGroupId },
        },
      ],
    };
    const e = await refusal(viaRules.ec2.send(new ModifySecurityGroupRulesCommand(input)));
    assert.equal(e.name, 'InvalidParameterValue');
    assert.match(e.message, /cannot change the type/);
    await direct.ec2.send(new ModifySecurityGroupRulesCommand(input));
  });

  describe('across VPCs, interfaces and deletes', () => {
    // A VPC of its own per test, so nothing here changes what the tests above rely on.
    let n = 40;
    async function vpcWithGroup(name: string): Promise<{ vpcId: string; groupId: string; subnetId: string }> {
      const v = await createVpc(direct, `10.${n++}.0.0/16`, name);
      const g = await direct.ec2.send(new CreateSecurityGroupCommand({ GroupName: `${name}-sg`, Description: name, VpcId: v.vpcId }));
      return { vpcId: v.vpcId, groupId: g.GroupId!, subnetId: v.subnetIds[0]! };
    }
    const refRule = (groupId: string, peer: string) =>
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: peer }] }],
      });

    it('a rule referencing a group of an unpeered VPC: InvalidGroup.NotFound "different networks"; moto alone accepts', async () => {
      const a = await vpcWithGroup('unpeered-a');
      const b = await vpcWithGroup('unpeered-b');
      const e = await refusal(viaRules.ec2.send(refRule(a.groupId, b.groupId)));
      assert.equal(e.name, 'InvalidGroup.NotFound');
      assert.match(e.message, /belong to different networks/);
      assert.equal(proxy.requests.at(-1)?.refusedBy, 'group reference across unpeered VPCs');
      await direct.ec2.send(refRule(a.groupId, b.groupId));
    });

    it('with an active peering connection the same rule is accepted', async () => {
      const a = await vpcWithGroup('peered-a');
      const b = await vpcWithGroup('peered-b');
      const pcx = await direct.ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: a.vpcId, PeerVpcId: b.vpcId }));
      await direct.ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx.VpcPeeringConnection!.VpcPeeringConnectionId! }));
      await viaRules.ec2.send(refRule(a.groupId, b.groupId));
      assert.equal(proxy.requests.at(-1)?.refusedBy, undefined);
    });

    it('ModifyInstanceAttribute groups on an instance with two interfaces: InvalidInstanceID; moto alone changes the primary one', async () => {
      const v = await vpcWithGroup('two-enis');
      const run = await direct.ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: v.subnetId }));
      const instanceId = run.Instances![0]!.InstanceId!;
      const eni = await direct.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: v.subnetId }));
      await direct.ec2.send(
        new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterface!.NetworkInterfaceId!, InstanceId: instanceId, DeviceIndex: 1 }),
      );
      const e = await refusal(viaRules.ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instanceId, Groups: [v.groupId] })));
      assert.equal(e.name, 'InvalidInstanceID');
      assert.match(e.message, /multiple interfaces attached to instance/);
      await direct.ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instanceId, Groups: [v.groupId] }));
    });

    it('DeleteSecurityGroup of a group another group of its VPC references, or an interface carries: DependencyViolation; moto alone deletes', async () => {
      const v = await vpcWithGroup('in-use');
      const referenced = await direct.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'referenced', Description: 'r', VpcId: v.vpcId }));
      await direct.ec2.send(refRule(v.groupId, referenced.GroupId!));
      const e = await refusal(viaRules.ec2.send(new DeleteSecurityGroupCommand({ GroupId: referenced.GroupId! })));
      assert.equal(e.name, 'DependencyViolation');
      const carried = await direct.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'carried', Description: 'c', VpcId: v.vpcId }));
      await direct.ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: v.subnetId, Groups: [carried.GroupId!] }));
      assert.equal((await refusal(viaRules.ec2.send(new DeleteSecurityGroupCommand({ GroupId: carried.GroupId! })))).name, 'DependencyViolation');
      const unused = await direct.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'unused', Description: 'u', VpcId: v.vpcId }));
      await viaRules.ec2.send(new DeleteSecurityGroupCommand({ GroupId: unused.GroupId! }));
      await direct.ec2.send(new DeleteSecurityGroupCommand({ GroupId: referenced.GroupId! }));
    });

    it('DescribeStaleSecurityGroups is answered as AWS does (moto: HTTP 500): a rule whose peer group was deleted, and one whose peering was deleted', async () => {
      const a = await vpcWithGroup('stale-a');
      const b = await vpcWithGroup('stale-b');
      const pcx = (await direct.ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: a.vpcId, PeerVpcId: b.vpcId }))).VpcPeeringConnection!
        .VpcPeeringConnectionId!;
      await direct.ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
      const gone = await direct.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'gone', Description: 'g', VpcId: b.vpcId }));
      await viaRules.ec2.send(refRule(a.groupId, b.groupId));
      await viaRules.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: a.groupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: gone.GroupId! }] }],
        }),
      );
      let stale = await viaRules.ec2.send(new DescribeStaleSecurityGroupsCommand({ VpcId: a.vpcId }));
      assert.deepEqual(stale.StaleSecurityGroupSet, [], 'nothing is stale while the peering and both groups exist');
      await viaRules.ec2.send(new DeleteSecurityGroupCommand({ GroupId: gone.GroupId! }));
      stale = await viaRules.ec2.send(new DescribeStaleSecurityGroupsCommand({ VpcId: a.vpcId }));
      assert.equal(stale.StaleSecurityGroupSet?.length, 1);
      const sg = stale.StaleSecurityGroupSet![0]!;
      assert.equal(sg.GroupId, a.groupId);
      assert.deepEqual(
        sg.StaleIpPermissions?.map((p) => [p.IpProtocol, p.FromPort, p.ToPort, p.UserIdGroupPairs?.map((u) => u.GroupId)]),
        [['tcp', 3306, 3306, [gone.GroupId]]],
      );
      await direct.ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
      stale = await viaRules.ec2.send(new DescribeStaleSecurityGroupsCommand({ VpcId: a.vpcId }));
      const pairs = stale.StaleSecurityGroupSet![0]!.StaleIpPermissions!.flatMap((p) => p.UserIdGroupPairs ?? []);
      const viaPeering = pairs.find((u) => u.GroupId === b.groupId);
      assert.ok(viaPeering, 'the rule across the deleted peering is stale');
      assert.equal(viaPeering.VpcId, b.vpcId);
      assert.equal(viaPeering.VpcPeeringConnectionId, pcx);
      assert.equal(viaPeering.PeeringStatus, 'deleted');
      assert.equal((await refusal(viaRules.ec2.send(new DescribeStaleSecurityGroupsCommand({ VpcId: a.vpcId, MaxResults: 3 })))).name, 'InvalidParameterValue');
    });

    it('DescribeSecurityGroupReferences is answered as AWS does (moto: HTTP 500): the peered VPCs whose rules reference the group', async () => {
      const a = await vpcWithGroup('refs-a');
      const b = await vpcWithGroup('refs-b');
      const pcx = (await direct.ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: a.vpcId, PeerVpcId: b.vpcId }))).VpcPeeringConnection!
        .VpcPeeringConnectionId!;
      await direct.ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
      let refs = await viaRules.ec2.send(new DescribeSecurityGroupReferencesCommand({ GroupId: [b.groupId] }));
      assert.deepEqual(refs.SecurityGroupReferenceSet, []);
      await viaRules.ec2.send(refRule(a.groupId, b.groupId));
      refs = await viaRules.ec2.send(new DescribeSecurityGroupReferencesCommand({ GroupId: [b.groupId] }));
      assert.deepEqual(
        refs.SecurityGroupReferenceSet?.map((r) => [r.GroupId, r.ReferencingVpcId, r.VpcPeeringConnectionId]),
        [[b.groupId, a.vpcId, pcx]],
      );
      assert.equal(
        (await refusal(viaRules.ec2.send(new DescribeSecurityGroupReferencesCommand({ GroupId: ['sg-0000000000000dead'] })))).name,
        'InvalidGroup.NotFound',
      );
    });
  });

  it('a test in another process declares an expected refusal over HTTP; the audit accepts it and no other', async () => {
    const own = await startFaultProxy(moto.url);
    try {
      const c = clients(own.url);
      await refusal(c.rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: ids.mysqlClusterId, VpcSecurityGroupIds: extraGroups })));
      assert.equal(auditProxy(own).length, 1, 'an undeclared refusal fails the audit');
      const r = await fetch(new URL(EXPECT_REFUSAL_PATH, own.url), {
        method: 'POST',
        body: JSON.stringify({ action: 'ModifyDBCluster', rule: 'groups per DB quota' }),
      });
      assert.equal(r.status, 204);
      assert.deepEqual(auditProxy(own), []);
      assert.equal((await fetch(new URL(EXPECT_REFUSAL_PATH, own.url), { method: 'POST', body: '{}' })).status, 400);
      assert.equal(own.requests.length, 1, 'declarations are not recorded as AWS requests');
    } finally {
      await own.close();
    }
  });

  it('opting out is explicit: awsRules: false forwards what AWS would refuse', async () => {
    const lenient = await startFaultProxy(moto.url, { awsRules: false });
    try {
      const c = clients(lenient.url);
      await c.rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: ids.mysqlClusterId, VpcSecurityGroupIds: extraGroups }));
      assert.equal(lenient.requests.find((r) => r.action === 'ModifyDBCluster')?.forwarded, true);
    } finally {
      await lenient.close();
    }
  });
});

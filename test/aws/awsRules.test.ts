// The AWS-rules layer (test/harness/awsRules.ts): the real SDK clients, through the fault proxy in
// front of moto, get AWS's refusal where moto alone accepts.
import * as assert from 'node:assert/strict';
import {
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  ModifySecurityGroupRulesCommand,
  CreateSecurityGroupCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeDBClustersCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  StopDBClusterCommand,
  StartDBClusterCommand,
} from '@aws-sdk/client-rds';
import { startFaultProxy, type FaultProxy } from '../harness/faultProxy';
import { startMoto, type MotoServer } from '../harness/moto';
import { seedTestAccount, type TestAccountIds } from '../harness/seed';

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

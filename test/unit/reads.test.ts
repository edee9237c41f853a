import * as assert from 'node:assert/strict';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import type { RegionClients } from '../../src/aws/clients';
import {
  pendingChangesOf,
  readClusters,
  readEc2Instances,
  readGroups,
  readInstances,
  readRegion,
  readRules,
  resolveVpcs,
  toCluster,
  toEc2Instance,
  toGroup,
  toInstance,
  toRule,
  toVpc,
} from '../../src/aws/reads';
import { readFailed, type DbCluster, type DbInstance, type RegionSnapshot, type SecurityGroup } from '../../src/domain/model';

const REGION = 'us-east-1';

// ---------------------------------------------------------------------------------------------
// Mapping functions
// ---------------------------------------------------------------------------------------------

describe('reads: toVpc', () => {
  it('maps ids, owner, Name tag, state, default flag and tags', () => {
    const v = toVpc(REGION, {
      VpcId: 'vpc-1',
      OwnerId: '123456789012',
      CidrBlock: '10.0.0.0/16',
      CidrBlockAssociationSet: [{ CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } }],
      IsDefault: false,
      State: 'available',
      Tags: [
        { Key: 'Name', Value: 'shop-vpc' },
        { Key: 'env', Value: 'prod' },
      ],
    });
    assert.deepEqual(v, {
      region: REGION,
      vpcId: 'vpc-1',
      ownerId: '123456789012',
      name: 'shop-vpc',
      cidrBlocks: ['10.0.0.0/16'],
      ipv6CidrBlocks: [],
      isDefault: false,
      state: 'available',
      tags: { Name: 'shop-vpc', env: 'prod' },
    });
  });

  it('lists every associated IPv4 block and leaves out disassociated ones', () => {
    const v = toVpc(REGION, {
      VpcId: 'vpc-1',
      CidrBlock: '10.0.0.0/16',
      CidrBlockAssociationSet: [
        { CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } },
        { CidrBlock: '10.1.0.0/16', CidrBlockState: { State: 'disassociated' } },
        { CidrBlock: '100.64.0.0/16' },
      ],
    });
    assert.deepEqual(v.cidrBlocks, ['10.0.0.0/16', '100.64.0.0/16']);
  });

  it('falls back to CidrBlock without an association set; nothing at all gives []', () => {
    assert.deepEqual(toVpc(REGION, { VpcId: 'vpc-1', CidrBlock: '172.31.0.0/16' }).cidrBlocks, ['172.31.0.0/16']);
    assert.deepEqual(toVpc(REGION, { VpcId: 'vpc-1' }).cidrBlocks, []);
  });

  it('maps IPv6 blocks', () => {
    const v = toVpc(REGION, {
      VpcId: 'vpc-1',
      Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f18:abcd:1200::/56', Ipv6CidrBlockState: { State: 'associated' } }],
    });
    assert.deepEqual(v.ipv6CidrBlocks, ['2600:1f18:abcd:1200::/56']);
  });

  it('leaves out disassociated IPv6 blocks, as it does for IPv4', () => {
    const v = toVpc(REGION, {
      VpcId: 'vpc-1',
      Ipv6CidrBlockAssociationSet: [
        { Ipv6CidrBlock: '2600:1f18:abcd:1200::/56', Ipv6CidrBlockState: { State: 'associated' } },
        { Ipv6CidrBlock: '2600:1f18:dead:beef::/56', Ipv6CidrBlockState: { State: 'disassociated' } },
      ],
    });
    assert.deepEqual(v.ipv6CidrBlocks, ['2600:1f18:abcd:1200::/56']);
  });

  it('the default VPC, and a blank Name tag gives no name', () => {
    const v = toVpc(REGION, { VpcId: 'vpc-d', IsDefault: true, Tags: [{ Key: 'Name', Value: '  ' }] });
    assert.equal(v.isDefault, true);
    assert.equal(v.name, undefined);
    assert.deepEqual(v.tags, { Name: '  ' });
  });
});

describe('reads: toGroup', () => {
  it('maps a group', () => {
    assert.deepEqual(
      toGroup(REGION, {
        GroupId: 'sg-1',
        GroupName: 'appsrv1',
        Description: 'App servers',
        VpcId: 'vpc-1',
        OwnerId: '123456789012',
        Tags: [{ Key: 'team', Value: 'shop' }, { Key: 'empty' }],
      }),
      {
        region: REGION,
        groupId: 'sg-1',
        groupName: 'appsrv1',
        description: 'App servers',
        vpcId: 'vpc-1',
        ownerId: '123456789012',
        tags: { team: 'shop', empty: '' },
      },
    );
  });

  it('a group without a name shows its id; no description gives ""', () => {
    const g = toGroup(REGION, { GroupId: 'sg-2' });
    assert.equal(g.groupName, 'sg-2');
    assert.equal(g.description, '');
    assert.deepEqual(g.tags, {});
  });
});

describe('reads: toRule', () => {
  it('IPv4 CIDR, inbound tcp 3306 with a description', () => {
    assert.deepEqual(
      toRule(REGION, {
        SecurityGroupRuleId: 'sgr-1',
        GroupId: 'sg-1',
        GroupOwnerId: '123456789012',
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 3306,
        ToPort: 3306,
        CidrIpv4: '10.0.0.0/16',
        Description: 'office',
      }),
      {
        region: REGION,
        ruleId: 'sgr-1',
        groupId: 'sg-1',
        isEgress: false,
        protocol: 'tcp',
        fromPort: 3306,
        toPort: 3306,
        peer: { kind: 'cidr4', cidr: '10.0.0.0/16' },
        description: 'office',
      },
    );
  });

  it('IPv6 CIDR, all traffic: ports become -1', () => {
    const r = toRule(REGION, { SecurityGroupRuleId: 'sgr-2', GroupId: 'sg-1', IsEgress: true, IpProtocol: '-1', FromPort: 0, ToPort: 65535, CidrIpv6: '::/0' });
    assert.deepEqual(r.peer, { kind: 'cidr6', cidr: '::/0' });
    assert.equal(r.isEgress, true);
    assert.equal(r.protocol, '-1');
    assert.equal(r.fromPort, -1);
    assert.equal(r.toPort, -1);
    assert.equal(r.description, undefined);
  });

  it('prefix list', () => {
    const r = toRule(REGION, { SecurityGroupRuleId: 'sgr-3', GroupId: 'sg-1', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListId: 'pl-63a5400a' });
    assert.deepEqual(r.peer, { kind: 'prefixList', prefixListId: 'pl-63a5400a' });
    assert.equal(r.isEgress, false);
  });

  it('referenced group with account, VPC and peering connection', () => {
    const r = toRule(REGION, {
      SecurityGroupRuleId: 'sgr-4',
      GroupId: 'sg-1',
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      ReferencedGroupInfo: { GroupId: 'sg-9', UserId: '210987654321', VpcId: 'vpc-9', VpcPeeringConnectionId: 'pcx-1' },
      Description: 'From app servers',
    });
    assert.deepEqual(r.peer, { kind: 'group', groupId: 'sg-9', userId: '210987654321', vpcId: 'vpc-9', peeringConnectionId: 'pcx-1' });
    assert.equal(r.description, 'From app servers');
  });

  it('protocol numbers: 6 becomes tcp, 58 icmpv6, 47 stays a number; missing ports are -1', () => {
    assert.equal(toRule(REGION, { SecurityGroupRuleId: 'a', GroupId: 'g', IpProtocol: '6', FromPort: 22, ToPort: 22, CidrIpv4: '1.2.3.4/32' }).protocol, 'tcp');
    const icmp6 = toRule(REGION, { SecurityGroupRuleId: 'b', GroupId: 'g', IpProtocol: '58', FromPort: 128, ToPort: -1, CidrIpv6: '::/0' });
    assert.equal(icmp6.protocol, 'icmpv6');
    assert.equal(icmp6.fromPort, 128);
    assert.equal(icmp6.toPort, -1);
    const gre = toRule(REGION, { SecurityGroupRuleId: 'c', GroupId: 'g', IpProtocol: '47', CidrIpv4: '10.0.0.0/8' });
    assert.equal(gre.protocol, '47');
    assert.equal(gre.fromPort, -1);
    assert.equal(gre.toPort, -1);
  });

  it('an empty description is no description', () => {
    assert.equal(
      toRule(REGION, { SecurityGroupRuleId: 'a', GroupId: 'g', IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIpv4: '1.2.3.4/32', Description: '' })
        .description,
      undefined,
    );
  });
});

describe('reads: toCluster', () => {
  const sdkCluster = {
    DBClusterIdentifier: 'orders-mysql',
    DBClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:orders-mysql',
    Engine: 'aurora-mysql',
    EngineVersion: '8.0.mysql_aurora.3.05.2',
    Port: 3306,
    Status: 'available',
    Endpoint: 'orders-mysql.cluster-abc.us-east-1.rds.amazonaws.com',
    ReaderEndpoint: 'orders-mysql.cluster-ro-abc.us-east-1.rds.amazonaws.com',
    DBClusterMembers: [
      { DBInstanceIdentifier: 'orders-mysql-1', IsClusterWriter: true, PromotionTier: 1 },
      { DBInstanceIdentifier: 'orders-mysql-2', IsClusterWriter: false, PromotionTier: 2 },
    ],
    VpcSecurityGroups: [
      { VpcSecurityGroupId: 'sg-1', Status: 'active' },
      { VpcSecurityGroupId: 'sg-2', Status: 'adding' },
    ],
    DBSubnetGroup: 'shop-db-subnets',
  };

  it('maps a cluster, its members with the writer flag and its groups', () => {
    assert.deepEqual(toCluster(REGION, sdkCluster, new Map([['shop-db-subnets', 'vpc-1']])), {
      region: REGION,
      clusterId: 'orders-mysql',
      arn: sdkCluster.DBClusterArn,
      kind: 'aurora',
      engine: 'aurora-mysql',
      engineVersion: '8.0.mysql_aurora.3.05.2',
      port: 3306,
      status: 'available',
      endpoint: sdkCluster.Endpoint,
      readerEndpoint: sdkCluster.ReaderEndpoint,
      members: [
        { instanceId: 'orders-mysql-1', isWriter: true, promotionTier: 1 },
        { instanceId: 'orders-mysql-2', isWriter: false, promotionTier: 2 },
      ],
      securityGroups: [
        { groupId: 'sg-1', status: 'active' },
        { groupId: 'sg-2', status: 'adding' },
      ],
      subnetGroupName: 'shop-db-subnets',
      vpcId: 'vpc-1',
    });
  });

  it('no VPC without the subnet group map, or when the subnet group is not in it', () => {
    assert.equal(toCluster(REGION, sdkCluster).vpcId, undefined);
    assert.equal(toCluster(REGION, sdkCluster, new Map([['other', 'vpc-9']])).vpcId, undefined);
  });

  it('defaults for a sparse answer', () => {
    const c = toCluster(REGION, { DBClusterIdentifier: 'x' });
    assert.equal(c.engine, 'unknown');
    assert.equal(c.status, 'unknown');
    assert.deepEqual(c.members, []);
    assert.deepEqual(c.securityGroups, []);
    assert.equal(c.subnetGroupName, undefined);
  });
});

describe('reads: toInstance', () => {
  it('maps an Aurora member (no subnet group) and a standalone instance', () => {
    const member = toInstance(REGION, {
      DBInstanceIdentifier: 'orders-mysql-1',
      DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:orders-mysql-1',
      DBClusterIdentifier: 'orders-mysql',
      Engine: 'aurora-mysql',
      DBInstanceClass: 'db.r6g.large',
      DBInstanceStatus: 'available',
      VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-1', Status: 'active' }],
      Endpoint: { Address: 'orders-mysql-1.abc.us-east-1.rds.amazonaws.com', Port: 3306 },
      AvailabilityZone: 'us-east-1a',
    });
    assert.deepEqual(member, {
      region: REGION,
      instanceId: 'orders-mysql-1',
      arn: 'arn:aws:rds:us-east-1:123456789012:db:orders-mysql-1',
      clusterId: 'orders-mysql',
      engine: 'aurora-mysql',
      instanceClass: 'db.r6g.large',
      status: 'available',
      securityGroups: [{ groupId: 'sg-1', status: 'active' }],
      vpcId: undefined,
      endpointAddress: 'orders-mysql-1.abc.us-east-1.rds.amazonaws.com',
      port: 3306,
      availabilityZone: 'us-east-1a',
    });

    const standalone = toInstance(REGION, {
      DBInstanceIdentifier: 'reports-mysql',
      DBClusterIdentifier: '',
      Engine: 'mysql',
      DBInstanceStatus: 'creating',
      DBSubnetGroup: { DBSubnetGroupName: 'shop-db-subnets', VpcId: 'vpc-1' },
      DbInstancePort: 3307,
    });
    assert.equal(standalone.clusterId, undefined);
    assert.equal(standalone.vpcId, 'vpc-1');
    assert.equal(standalone.port, 3307, 'no endpoint yet: DbInstancePort');
    assert.equal(standalone.status, 'creating');
    assert.deepEqual(standalone.securityGroups, []);
  });
});

describe('reads: pending modifications (PendingModifiedValues)', () => {
  it('a cluster: each pending field one phrase, values shown but never the password, empty parts left out', () => {
    const c = toCluster(REGION, {
      DBClusterIdentifier: 'orders',
      PendingModifiedValues: {
        EngineVersion: '8.0.mysql_aurora.3.08.0',
        MasterUserPassword: '****',
        IAMDatabaseAuthenticationEnabled: true,
        BackupRetentionPeriod: 14,
        PendingCloudwatchLogsExports: { LogTypesToEnable: ['audit'] },
        CertificateDetails: {},
      },
    });
    assert.deepEqual(c.pendingChanges, [
      'engine version 8.0.mysql_aurora.3.08.0',
      'master password',
      'IAM database authentication on',
      'backup retention 14 days',
      'CloudWatch log exports',
    ]);
  });

  it('an instance: class, storage, Multi-AZ; a field without a label is named after itself', () => {
    const i = toInstance(REGION, {
      DBInstanceIdentifier: 'reports',
      PendingModifiedValues: { DBInstanceClass: 'db.m6g.xlarge', AllocatedStorage: 200, MultiAZ: false, ProcessorFeatures: [], SomeNewSetting: 'x' } as never,
    });
    assert.deepEqual(i.pendingChanges, ['instance class db.m6g.xlarge', 'allocated storage 200 GiB', 'Multi-AZ off', 'some new setting x']);
  });

  it('nothing pending (absent, null as moto answers, or empty): no pendingChanges at all', () => {
    assert.equal('pendingChanges' in toCluster(REGION, { DBClusterIdentifier: 'x' }), false);
    assert.equal('pendingChanges' in toCluster(REGION, { DBClusterIdentifier: 'x', PendingModifiedValues: {} }), false);
    assert.equal('pendingChanges' in toInstance(REGION, { DBInstanceIdentifier: 'x', PendingModifiedValues: null as never }), false);
    assert.deepEqual(pendingChangesOf({ PendingCloudwatchLogsExports: { LogTypesToEnable: [] } }), []);
    assert.deepEqual(pendingChangesOf({ PendingCloudwatchLogsExports: { LogTypesToDisable: ['audit'] } }), ['CloudWatch log exports']);
  });
});

describe('reads: toEc2Instance', () => {
  it('collects groups from the instance and its network interfaces, without duplicates', () => {
    const i = toEc2Instance(REGION, {
      InstanceId: 'i-1',
      Tags: [{ Key: 'Name', Value: 'app-server-1' }],
      State: { Name: 'running' },
      VpcId: 'vpc-1',
      PrivateIpAddress: '10.0.1.4',
      PublicIpAddress: '54.1.2.3',
      SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'appsrv1' }],
      NetworkInterfaces: [{ Groups: [{ GroupId: 'sg-1' }, { GroupId: 'sg-2' }] }, { Groups: [{ GroupId: 'sg-3' }] }],
    });
    assert.deepEqual(i, {
      region: REGION,
      instanceId: 'i-1',
      name: 'app-server-1',
      state: 'running',
      vpcId: 'vpc-1',
      privateIp: '10.0.1.4',
      publicIp: '54.1.2.3',
      securityGroupIds: ['sg-1', 'sg-2', 'sg-3'],
    });
  });

  it('an instance without tags or groups', () => {
    const i = toEc2Instance(REGION, { InstanceId: 'i-2' });
    assert.equal(i.name, undefined);
    assert.deepEqual(i.securityGroupIds, []);
  });
});

describe('reads: resolveVpcs', () => {
  const group = (groupId: string, vpcId?: string): SecurityGroup => ({ region: REGION, groupId, groupName: groupId, description: '', vpcId, tags: {} });
  const cluster = (clusterId: string, over: Partial<DbCluster> = {}): DbCluster => ({
    region: REGION,
    clusterId,
    kind: 'aurora',
    engine: 'aurora-mysql',
    status: 'available',
    members: [],
    securityGroups: [],
    ...over,
  });
  const instance = (instanceId: string, over: Partial<DbInstance> = {}): DbInstance => ({
    region: REGION,
    instanceId,
    engine: 'aurora-mysql',
    status: 'available',
    securityGroups: [],
    ...over,
  });
  const groups = [group('sg-a', 'vpc-a'), group('sg-b', 'vpc-b'), group('sg-novpc')];
  const subnets = new Map([['subnets-s', 'vpc-s']]);

  it("takes the cluster's VPC from the subnet group map, even when its groups are elsewhere", () => {
    const { clusters } = resolveVpcs([cluster('c', { subnetGroupName: 'subnets-s', securityGroups: [{ groupId: 'sg-a' }] })], [], groups, subnets);
    assert.equal(clusters[0].vpcId, 'vpc-s');
  });

  it('else from the VPC of the first attached group whose VPC is known', () => {
    const { clusters } = resolveVpcs(
      [
        cluster('c', {
          subnetGroupName: 'unknown-subnets',
          securityGroups: [{ groupId: 'sg-gone' }, { groupId: 'sg-novpc' }, { groupId: 'sg-b' }, { groupId: 'sg-a' }],
        }),
      ],
      [],
      groups,
      subnets,
    );
    assert.equal(clusters[0].vpcId, 'vpc-b');
  });

  it('without a subnet group map at all, from the attached group', () => {
    const { clusters } = resolveVpcs([cluster('c', { subnetGroupName: 'subnets-s', securityGroups: [{ groupId: 'sg-a' }] })], [], groups);
    assert.equal(clusters[0].vpcId, 'vpc-a');
  });

  it('keeps a VPC already known, and leaves it unknown when nothing tells', () => {
    const { clusters } = resolveVpcs(
      [cluster('known', { vpcId: 'vpc-k', subnetGroupName: 'subnets-s' }), cluster('lost', { securityGroups: [{ groupId: 'sg-gone' }] })],
      [],
      groups,
      subnets,
    );
    assert.equal(clusters[0].vpcId, 'vpc-k');
    assert.equal(clusters[1].vpcId, undefined);
  });

  it("members without a subnet group get their cluster's VPC; standalone instances their group's", () => {
    const { instances } = resolveVpcs(
      [cluster('c', { subnetGroupName: 'subnets-s', members: [{ instanceId: 'm1', isWriter: true }] })],
      [
        instance('m1', { clusterId: 'c', securityGroups: [{ groupId: 'sg-a' }] }),
        instance('m2', { clusterId: 'c' }),
        instance('solo', { engine: 'mysql', securityGroups: [{ groupId: 'sg-b' }] }),
        instance('own', { engine: 'mysql', vpcId: 'vpc-own', securityGroups: [{ groupId: 'sg-b' }] }),
        instance('orphan', { clusterId: 'gone-cluster', securityGroups: [{ groupId: 'sg-a' }] }),
        instance('nothing', { engine: 'mysql' }),
      ],
      groups,
      subnets,
    );
    const byId = new Map(instances.map((i) => [i.instanceId, i.vpcId]));
    assert.equal(byId.get('m1'), 'vpc-s');
    assert.equal(byId.get('m2'), 'vpc-s');
    assert.equal(byId.get('solo'), 'vpc-b');
    assert.equal(byId.get('own'), 'vpc-own');
    assert.equal(byId.get('orphan'), 'vpc-a');
    assert.equal(byId.get('nothing'), undefined);
  });

  it("a member gets the cluster's VPC when that came from the cluster's group", () => {
    const { instances } = resolveVpcs([cluster('c', { securityGroups: [{ groupId: 'sg-b' }] })], [instance('m1', { clusterId: 'c' })], groups);
    assert.equal(instances[0].vpcId, 'vpc-b');
  });

  it('does not change its inputs', () => {
    const c = cluster('c', { subnetGroupName: 'subnets-s' });
    const i = instance('m1', { clusterId: 'c' });
    resolveVpcs([c], [i], groups, subnets);
    assert.equal(c.vpcId, undefined);
    assert.equal(i.vpcId, undefined);
  });
});

// ---------------------------------------------------------------------------------------------
// Multi-page reads through real SDK clients whose `send` is replaced by a fake
// ---------------------------------------------------------------------------------------------

interface Recorded {
  readonly command: string;
  readonly input: Record<string, unknown>;
  readonly options: { abortSignal?: AbortSignal } | undefined;
}

type Pages = Record<string, { token: 'NextToken' | 'Marker'; pages: Array<Record<string, unknown>> }>;

/**
 * A fake `send` serving `pages[command].pages` one after another: page k>0 is only served for the
 * token the page before it handed out; any other token is an error, as AWS would answer.
 */
function fakeSend(pages: Pages, calls: Recorded[]) {
  return async (cmd: { constructor: { name: string }; input: Record<string, unknown> }, options?: { abortSignal?: AbortSignal }) => {
    const command = cmd.constructor.name.replace(/Command$/, '');
    // The paginators reuse one input object across pages: record a copy.
    calls.push({ command, input: { ...cmd.input }, options });
    const spec = pages[command];
    if (!spec) throw new Error(`fake: unexpected ${command}`);
    const token = cmd.input[spec.token] as string | undefined;
    let k = 0;
    if (token !== undefined) {
      const m = new RegExp(`^${command}-token-(\\d+)$`).exec(token);
      if (!m) throw Object.assign(new Error(`fake: bad token ${token}`), { name: 'InvalidNextToken' });
      k = Number(m[1]);
    }
    await new Promise((r) => setImmediate(r));
    const body = spec.pages[k];
    return { ...body, [spec.token]: k + 1 < spec.pages.length ? `${command}-token-${k + 1}` : undefined, $metadata: {} };
  };
}

function fakeClients(pages: Pages): { clients: RegionClients; calls: Recorded[] } {
  const config = { region: REGION, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' } };
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  const calls: Recorded[] = [];
  (ec2 as any).send = fakeSend(pages, calls);
  (rds as any).send = fakeSend(pages, calls);
  return { clients: { region: REGION, ec2, rds }, calls };
}

function accountPages(): Pages {
  return {
    // The quota read (quotaReads.ts): one answer, not paged.
    DescribeAccountAttributes: {
      token: 'NextToken',
      pages: [{ AccountAttributes: [{ AttributeName: 'vpc-max-security-groups-per-interface', AttributeValues: [{ AttributeValue: '5' }] }] }],
    },
    DescribeVpcs: {
      token: 'NextToken',
      pages: [{ Vpcs: [{ VpcId: 'vpc-1', Tags: [{ Key: 'Name', Value: 'one' }] }] }, { Vpcs: [{ VpcId: 'vpc-2' }] }, { Vpcs: [{ VpcId: 'vpc-3' }] }],
    },
    DescribeSecurityGroups: {
      token: 'NextToken',
      pages: [
        {
          SecurityGroups: [
            { GroupId: 'sg-1', GroupName: 'a', VpcId: 'vpc-1' },
            { GroupId: 'sg-2', GroupName: 'b', VpcId: 'vpc-2' },
          ],
        },
        { SecurityGroups: [{ GroupId: 'sg-3', GroupName: 'c', VpcId: 'vpc-3' }] },
      ],
    },
    DescribeSecurityGroupRules: {
      token: 'NextToken',
      pages: [
        { SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, CidrIpv4: '10.0.0.0/8' }] },
        // AWS may hand out an empty page with a token: keep going.
        { SecurityGroupRules: [] },
        { SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-2', GroupId: 'sg-2', IpProtocol: '-1', CidrIpv6: '::/0', IsEgress: true }] },
        {
          SecurityGroupRules: [
            { SecurityGroupRuleId: 'sgr-3', GroupId: 'sg-3', IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: { GroupId: 'sg-1' } },
            { SecurityGroupRuleId: 'sgr-4', GroupId: 'sg-2', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListId: 'pl-1' },
          ],
        },
      ],
    },
    // The prefix lists the rules reference, asked after the rules (their size counts against the quota).
    DescribeManagedPrefixLists: {
      token: 'NextToken',
      pages: [{ PrefixLists: [{ PrefixListId: 'pl-1', PrefixListName: 'offices', OwnerId: '111122223333', MaxEntries: 10 }] }],
    },
    // Every interface of the Region with its groups: an instance's, and a Lambda function's.
    DescribeNetworkInterfaces: {
      token: 'NextToken',
      pages: [
        { NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', InterfaceType: 'interface', Attachment: { InstanceId: 'i-1' }, Groups: [{ GroupId: 'sg-1' }] }] },
        { NetworkInterfaces: [{ NetworkInterfaceId: 'eni-2', InterfaceType: 'lambda', Description: 'AWS Lambda VPC ENI-fn', Groups: [{ GroupId: 'sg-3' }] }] },
      ],
    },
    // Two pages: an active peering of vpc-1 with vpc-3, and one that was deleted (EC2 API Reference, VpcPeeringConnection).
    DescribeVpcPeeringConnections: {
      token: 'NextToken',
      pages: [
        {
          VpcPeeringConnections: [
            {
              VpcPeeringConnectionId: 'pcx-1',
              Status: { Code: 'active', Message: 'Active' },
              RequesterVpcInfo: { VpcId: 'vpc-1', OwnerId: '111122223333', Region: REGION },
              AccepterVpcInfo: { VpcId: 'vpc-3', OwnerId: '111122223333', Region: REGION },
            },
          ],
        },
        {
          VpcPeeringConnections: [
            {
              VpcPeeringConnectionId: 'pcx-2',
              Status: { Code: 'deleted', Message: 'Deleted by 111122223333' },
              RequesterVpcInfo: { VpcId: 'vpc-2', OwnerId: '111122223333', Region: REGION },
              AccepterVpcInfo: { VpcId: 'vpc-9', OwnerId: '444455556666', Region: REGION },
            },
          ],
        },
      ],
    },
    // sgr-3 (sg-3 in vpc-3) references sg-1 of vpc-1: vpc-3 is asked; AWS's shape (StaleSecurityGroup).
    DescribeStaleSecurityGroups: {
      token: 'NextToken',
      pages: [
        {
          StaleSecurityGroupSet: [
            {
              GroupId: 'sg-3',
              GroupName: 'c',
              VpcId: 'vpc-3',
              StaleIpPermissions: [
                {
                  IpProtocol: 'tcp',
                  FromPort: 5432,
                  ToPort: 5432,
                  UserIdGroupPairs: [{ GroupId: 'sg-1', VpcId: 'vpc-1', VpcPeeringConnectionId: 'pcx-1', PeeringStatus: 'deleted' }],
                },
              ],
              StaleIpPermissionsEgress: [],
            },
          ],
        },
      ],
    },
    DescribeDBSubnetGroups: {
      token: 'Marker',
      pages: [
        { DBSubnetGroups: [{ DBSubnetGroupName: 'subnets-a', VpcId: 'vpc-1' }] },
        { DBSubnetGroups: [{ DBSubnetGroupName: 'subnets-b', VpcId: 'vpc-2' }] },
      ],
    },
    DescribeDBClusters: {
      token: 'Marker',
      pages: [
        {
          DBClusters: [
            {
              DBClusterIdentifier: 'orders',
              Engine: 'aurora-mysql',
              DBSubnetGroup: 'subnets-b',
              VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-1' }],
              DBClusterMembers: [{ DBInstanceIdentifier: 'orders-1', IsClusterWriter: true }],
            },
            { DBClusterIdentifier: 'docs', Engine: 'docdb', DBSubnetGroup: 'subnets-a' },
          ],
        },
        {
          DBClusters: [
            { DBClusterIdentifier: 'graph', Engine: 'neptune', DBSubnetGroup: 'subnets-a' },
            { DBClusterIdentifier: 'billing', Engine: 'aurora-postgresql', VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-3' }] },
          ],
        },
      ],
    },
    DescribeDBInstances: {
      token: 'Marker',
      pages: [
        {
          DBInstances: [
            { DBInstanceIdentifier: 'orders-1', DBClusterIdentifier: 'orders', Engine: 'aurora-mysql' },
            { DBInstanceIdentifier: 'docs-1', DBClusterIdentifier: 'docs', Engine: 'docdb' },
          ],
        },
        { DBInstances: [{ DBInstanceIdentifier: 'graph-1', DBClusterIdentifier: 'graph', Engine: 'neptune' }] },
        {
          DBInstances: [
            { DBInstanceIdentifier: 'reports', Engine: 'mysql', DBSubnetGroup: { VpcId: 'vpc-1' }, VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-2' }] },
          ],
        },
      ],
    },
  };
}

describe('reads: readRegion over several pages', () => {
  it('returns every item of every page and follows the tokens', async () => {
    const { clients, calls } = fakeClients(accountPages());
    const snap = await readRegion(clients);
    assert.equal(snap.region, REGION);
    assert.deepEqual(
      snap.vpcs.map((v) => v.vpcId),
      ['vpc-1', 'vpc-2', 'vpc-3'],
    );
    assert.equal(snap.vpcs[0].name, 'one');
    assert.deepEqual(
      snap.groups.map((g) => g.groupId),
      ['sg-1', 'sg-2', 'sg-3'],
    );
    assert.deepEqual(
      snap.rules.map((r) => r.ruleId),
      ['sgr-1', 'sgr-2', 'sgr-3', 'sgr-4'],
    );
    assert.deepEqual(snap.prefixLists, [{ prefixListId: 'pl-1', name: 'offices', ownerId: '111122223333', maxEntries: 10 }]);
    assert.deepEqual(
      calls.filter((x) => x.command === 'DescribeManagedPrefixLists').map((x) => x.input.Filters),
      [[{ Name: 'prefix-list-id', Values: ['pl-1'] }]],
      'asked once, for the lists the rules reference',
    );
    assert.deepEqual(snap.interfaces, [
      { interfaceId: 'eni-1', interfaceType: 'interface', instanceId: 'i-1', groupIds: ['sg-1'] },
      { interfaceId: 'eni-2', interfaceType: 'lambda', description: 'AWS Lambda VPC ENI-fn', groupIds: ['sg-3'] },
    ]);
    assert.deepEqual(snap.rules[2].peer, { kind: 'group', groupId: 'sg-1', userId: undefined, vpcId: undefined, peeringConnectionId: undefined });
    assert.ok(typeof snap.loadedAt === 'number' && snap.loadedAt > 0);

    const countOf = (c: string) => calls.filter((x) => x.command === c).length;
    assert.equal(countOf('DescribeVpcs'), 3);
    assert.equal(countOf('DescribeSecurityGroups'), 2);
    assert.equal(countOf('DescribeSecurityGroupRules'), 4);
    assert.equal(countOf('DescribeDBSubnetGroups'), 2);
    assert.equal(countOf('DescribeDBClusters'), 2);
    assert.equal(countOf('DescribeDBInstances'), 3);
    assert.equal(countOf('DescribeVpcPeeringConnections'), 2);
    assert.deepEqual(
      snap.peerings?.map((p) => [p.peeringId, p.status, p.requester.vpcId, p.accepter.vpcId, p.accepter.ownerId]),
      [
        ['pcx-1', 'active', 'vpc-1', 'vpc-3', '111122223333'],
        ['pcx-2', 'deleted', 'vpc-2', 'vpc-9', '444455556666'],
      ],
    );
    // Only vpc-3 holds a rule referencing another VPC: one DescribeStaleSecurityGroups call, for it.
    assert.deepEqual(
      calls.filter((x) => x.command === 'DescribeStaleSecurityGroups').map((x) => x.input.VpcId),
      ['vpc-3'],
    );
    assert.deepEqual(snap.staleChecks, [
      {
        vpcId: 'vpc-3',
        rules: [
          {
            groupId: 'sg-3',
            isEgress: false,
            protocol: 'tcp',
            fromPort: 5432,
            toPort: 5432,
            referencedGroupId: 'sg-1',
            peeringConnectionId: 'pcx-1',
            peeringStatus: 'deleted',
          },
        ],
      },
    ]);

    for (const [command, tokenName] of [
      ['DescribeVpcs', 'NextToken'],
      ['DescribeSecurityGroupRules', 'NextToken'],
      ['DescribeDBInstances', 'Marker'],
    ] as const) {
      const tokens = calls.filter((x) => x.command === command).map((x) => x.input[tokenName]);
      const n = tokens.length;
      assert.deepEqual(tokens, [undefined, ...Array.from({ length: n - 1 }, (_v, i) => `${command}-token-${i + 1}`)], command);
    }
  });

  it('leaves out DocumentDB and Neptune clusters and instances', async () => {
    const { clients } = fakeClients(accountPages());
    const snap = await readRegion(clients);
    assert.deepEqual(
      snap.clusters.map((c) => c.clusterId),
      ['orders', 'billing'],
    );
    assert.deepEqual(
      snap.instances.map((i) => i.instanceId),
      ['orders-1', 'reports'],
    );
  });

  it("resolves the VPCs: a subnet group from the second page, a cluster's group, the member from its cluster", async () => {
    const { clients } = fakeClients(accountPages());
    const snap = await readRegion(clients);
    const cluster = new Map(snap.clusters.map((c) => [c.clusterId, c]));
    assert.equal(cluster.get('orders')!.vpcId, 'vpc-2', 'subnets-b is on the second DescribeDBSubnetGroups page');
    assert.equal(cluster.get('billing')!.vpcId, 'vpc-3', 'no subnet group: the VPC of sg-3');
    const inst = new Map(snap.instances.map((i) => [i.instanceId, i]));
    assert.equal(inst.get('orders-1')!.vpcId, 'vpc-2');
    assert.equal(inst.get('reports')!.vpcId, 'vpc-1');
  });

  it('asks for the largest pages by default: MaxResults 1000 (EC2), MaxRecords 100 (RDS)', async () => {
    const { clients, calls } = fakeClients(accountPages());
    await readRegion(clients);
    for (const c of calls) {
      if (c.command === 'DescribeAccountAttributes') continue; // not paged
      if (c.command.startsWith('DescribeDB')) {
        assert.equal(c.input.MaxRecords, 100, c.command);
        assert.equal(c.input.MaxResults, undefined, c.command);
      } else if (c.command === 'DescribeStaleSecurityGroups') {
        assert.equal(c.input.MaxResults, 255, 'its largest page (5-255)');
      } else if (c.command === 'DescribeManagedPrefixLists') {
        assert.equal(c.input.MaxResults, 100, 'its largest page (1-100)');
      } else {
        assert.equal(c.input.MaxResults, 1000, c.command);
      }
    }
  });

  it("the tree's load (onPart) asks its first DB clusters page at RDS's least MaxRecords, 20, and 100 after", async () => {
    const { clients, calls } = fakeClients(accountPages());
    await readRegion(clients, { onPart: () => undefined });
    const asked = calls.filter((c) => c.command === 'DescribeDBClusters').map((c) => [c.input.Marker === undefined ? 'first' : 'next', c.input.MaxRecords]);
    assert.deepEqual(asked, [
      ['first', 20],
      ['next', 100],
    ]);
  });

  it('passes the configured page sizes', async () => {
    const { clients, calls } = fakeClients(accountPages());
    await readRegion(clients, { ec2PageSize: 5, rdsPageSize: 20 });
    for (const c of calls) {
      if (c.command === 'DescribeAccountAttributes') continue; // not paged
      if (c.command.startsWith('DescribeDB')) assert.equal(c.input.MaxRecords, 20, c.command);
      else assert.equal(c.input.MaxResults, 5, c.command);
    }
  });

  it('passes the abort signal with every call', async () => {
    const { clients, calls } = fakeClients(accountPages());
    const abort = new AbortController();
    await readRegion(clients, { abortSignal: abort.signal });
    // The last 1: RDS's count of the instances, asked as the DB instances come in more than one page.
    assert.equal(calls.length, 3 + 2 + 4 + 2 + 2 + 3 + 2 + 1 + 1 + 2 + 1 + 1);
    for (const c of calls) assert.equal(c.options?.abortSignal, abort.signal, c.command);
  });

  it('asks the stale references and the prefix lists as soon as the groups and rules are read, while the DB instances are still being read', async () => {
    const { clients } = fakeClients(accountPages());
    const rdsSend = (clients.rds as any).send;
    const ec2Send = (clients.ec2 as any).send;
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    const asked = new Map<string, () => void>();
    const seen = (name: string) => new Promise<void>((r) => asked.set(name, r));
    const staleAsked = seen('DescribeStaleSecurityGroupsCommand');
    const listsAsked = seen('DescribeManagedPrefixListsCommand');
    (clients.rds as any).send = async (cmd: any, o: any) => {
      if (cmd.constructor.name === 'DescribeDBInstancesCommand') await gate; // held back until both were asked
      return rdsSend(cmd, o);
    };
    (clients.ec2 as any).send = async (cmd: any, o: any) => {
      asked.get(cmd.constructor.name)?.();
      return ec2Send(cmd, o);
    };
    const load = readRegion(clients);
    await Promise.all([staleAsked, listsAsked]); // never resolved if they waited for every read
    openGate();
    const snap = await load;
    assert.deepEqual(
      snap.staleChecks?.map((x) => x.vpcId),
      ['vpc-3'],
    );
    assert.deepEqual(
      snap.prefixLists?.map((x) => x.prefixListId),
      ['pl-1'],
    );
    assert.equal(snap.instances.length, 2);
  });

  it('an error on a later page fails that read only: the others load, the failure names the IAM action, the list is empty', async () => {
    const { clients } = fakeClients(accountPages());
    const realSend = (clients.rds as any).send;
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    (clients.rds as any).send = async (cmd: any, o: any) => {
      if (cmd.constructor.name === 'DescribeDBInstancesCommand' && cmd.input.Marker) throw throttled;
      return realSend(cmd, o);
    };
    const snap = await readRegion(clients);
    assert.deepEqual(
      snap.failures?.map((f) => [f.read, f.action, f.error]),
      [['instances', 'rds:DescribeDBInstances', throttled]],
    );
    assert.equal(snap.instances.length, 0);
    assert.ok(snap.groups.length > 0 && snap.rules.length > 0 && snap.clusters.length > 0, 'the other reads are kept');
    assert.ok(readFailed(snap, 'instances') && !readFailed(snap, 'rules'));
  });

  it('every read failing throws the first error (nothing to show); a cancelled load throws its cancellation', async () => {
    const { clients } = fakeClients(accountPages());
    const denied = Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' });
    (clients.rds as any).send = async () => {
      throw denied;
    };
    (clients.ec2 as any).send = async () => {
      throw denied;
    };
    await assert.rejects(readRegion(clients), denied);
    const { clients: c1 } = fakeClients(accountPages());
    const expired = Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' });
    const send1 = (c1.ec2 as any).send;
    (c1.ec2 as any).send = async (cmd: any, o: any) => {
      if (cmd.constructor.name === 'DescribeVpcsCommand') throw expired;
      return send1(cmd, o);
    };
    await assert.rejects(readRegion(c1), expired, 'a credentials error on one read is the whole Region: sign in again');
    const abort = new AbortController();
    abort.abort();
    const { clients: c2 } = fakeClients(accountPages());
    (c2.ec2 as any).send = async () => {
      throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    };
    await assert.rejects(readRegion(c2, { abortSignal: abort.signal }), { name: 'AbortError' });
  });
});

describe('reads: targeted reads', () => {
  it('readRules for some groups filters by group id and pages by hand', async () => {
    const { clients, calls } = fakeClients({
      DescribeSecurityGroupRules: {
        token: 'NextToken',
        pages: [
          { SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIpv4: '1.1.1.1/32' }] },
          { SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-2', GroupId: 'sg-2', IpProtocol: 'udp', FromPort: 2, ToPort: 2, CidrIpv4: '2.2.2.2/32' }] },
        ],
      },
    });
    const abort = new AbortController();
    const rules = await readRules(clients, { abortSignal: abort.signal }, ['sg-1', 'sg-2']);
    assert.deepEqual(
      rules.map((r) => r.ruleId),
      ['sgr-1', 'sgr-2'],
    );
    assert.equal(calls.length, 2);
    for (const c of calls) {
      assert.deepEqual(c.input.Filters, [{ Name: 'group-id', Values: ['sg-1', 'sg-2'] }]);
      assert.equal(c.input.MaxResults, 1000);
      assert.equal(c.options?.abortSignal, abort.signal);
    }
    assert.equal(calls[0].input.NextToken, undefined);
    assert.equal(calls[1].input.NextToken, 'DescribeSecurityGroupRules-token-1');
  });

  it('readGroups / readRules for no groups make no call', async () => {
    const { clients, calls } = fakeClients({});
    assert.deepEqual(await readGroups(clients, {}, []), []);
    assert.deepEqual(await readRules(clients, {}, []), []);
    assert.equal(calls.length, 0);
  });

  it('readGroups for some groups asks by GroupIds (GroupNames only work in the default VPC)', async () => {
    const { clients, calls } = fakeClients({
      DescribeSecurityGroups: { token: 'NextToken', pages: [{ SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'a' }] }] },
    });
    const groups = await readGroups(clients, {}, ['sg-1']);
    assert.deepEqual(
      groups.map((g) => g.groupName),
      ['a'],
    );
    assert.deepEqual(calls[0].input.GroupIds, ['sg-1']);
    assert.equal(calls[0].input.GroupNames, undefined);
  });

  it('readClusters / readInstances for one id ask for that id', async () => {
    const { clients, calls } = fakeClients({
      DescribeDBClusters: { token: 'Marker', pages: [{ DBClusters: [{ DBClusterIdentifier: 'orders', Engine: 'aurora-mysql' }] }] },
      DescribeDBInstances: { token: 'Marker', pages: [{ DBInstances: [{ DBInstanceIdentifier: 'orders-1', Engine: 'aurora-mysql' }] }] },
    });
    assert.deepEqual(
      (await readClusters(clients, {}, 'orders')).map((c) => c.clusterId),
      ['orders'],
    );
    assert.deepEqual(
      (await readInstances(clients, {}, 'orders-1')).map((i) => i.instanceId),
      ['orders-1'],
    );
    assert.equal(calls[0].input.DBClusterIdentifier, 'orders');
    assert.equal(calls[1].input.DBInstanceIdentifier, 'orders-1');
  });

  it('readClusters / readInstances carry what is pending on the database into the model', async () => {
    const { clients } = fakeClients({
      DescribeDBClusters: {
        token: 'Marker',
        pages: [
          { DBClusters: [{ DBClusterIdentifier: 'orders', Engine: 'aurora-mysql', PendingModifiedValues: { EngineVersion: '8.0.mysql_aurora.3.08.0' } }] },
        ],
      },
      DescribeDBInstances: {
        token: 'Marker',
        pages: [{ DBInstances: [{ DBInstanceIdentifier: 'reports', Engine: 'mysql', PendingModifiedValues: { DBInstanceClass: 'db.r6g.large' } }] }],
      },
    });
    assert.deepEqual((await readClusters(clients, {}, 'orders'))[0].pendingChanges, ['engine version 8.0.mysql_aurora.3.08.0']);
    assert.deepEqual((await readInstances(clients))[0].pendingChanges, ['instance class db.r6g.large']);
  });

  it('readEc2Instances pages through reservations and filters by VPC, group and live state', async () => {
    const { clients, calls } = fakeClients({
      DescribeInstances: {
        token: 'NextToken',
        pages: [
          { Reservations: [{ Instances: [{ InstanceId: 'i-1', SecurityGroups: [{ GroupId: 'sg-1' }] }] }, { Instances: [{ InstanceId: 'i-2' }] }] },
          { Reservations: [{ Instances: [{ InstanceId: 'i-3' }, { InstanceId: 'i-4' }] }] },
        ],
      },
    });
    const abort = new AbortController();
    const out = await readEc2Instances(clients, { abortSignal: abort.signal }, { vpcId: 'vpc-1', groupIds: ['sg-1'] });
    assert.deepEqual(
      out.map((i) => i.instanceId),
      ['i-1', 'i-2', 'i-3', 'i-4'],
    );
    assert.equal(calls.length, 2);
    assert.deepEqual(calls[0].input.Filters, [
      { Name: 'vpc-id', Values: ['vpc-1'] },
      { Name: 'instance.group-id', Values: ['sg-1'] },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ]);
    assert.equal(calls[0].input.MaxResults, 1000);
    assert.equal(calls[1].input.NextToken, 'DescribeInstances-token-1');
    for (const c of calls) assert.equal(c.options?.abortSignal, abort.signal);
  });

  it('readEc2Instances maps a two-interface instance: the union of groups, and the primary interface (device index 0) with its own groups', async () => {
    const { clients } = fakeClients({
      DescribeInstances: {
        token: 'NextToken',
        pages: [
          {
            Reservations: [
              {
                Instances: [
                  {
                    InstanceId: 'i-1',
                    // DescribeInstances' SecurityGroups are the primary interface's; the secondary comes first here on purpose.
                    SecurityGroups: [{ GroupId: 'sg-app' }, { GroupId: 'sg-web' }],
                    NetworkInterfaces: [
                      { NetworkInterfaceId: 'eni-second', Attachment: { DeviceIndex: 1 }, Groups: [{ GroupId: 'sg-batch' }, { GroupId: 'sg-web' }] },
                      { NetworkInterfaceId: 'eni-primary', Attachment: { DeviceIndex: 0 }, Groups: [{ GroupId: 'sg-app' }, { GroupId: 'sg-web' }] },
                    ],
                  },
                  { InstanceId: 'i-2', NetworkInterfaces: [{ NetworkInterfaceId: 'eni-only', Attachment: { DeviceIndex: 0 }, Groups: [] }] },
                ],
              },
            ],
          },
        ],
      },
    });
    const [two, one] = await readEc2Instances(clients);
    assert.deepEqual(two.securityGroupIds, ['sg-app', 'sg-web', 'sg-batch']);
    assert.deepEqual(two.primaryInterface, { networkInterfaceId: 'eni-primary', groupIds: ['sg-app', 'sg-web'] });
    assert.deepEqual(one.primaryInterface, { networkInterfaceId: 'eni-only', groupIds: [] });
    // No interface at device index 0 in the answer: none is guessed.
    assert.equal(
      toEc2Instance(REGION, { InstanceId: 'i-3', NetworkInterfaces: [{ NetworkInterfaceId: 'eni-x', Attachment: { DeviceIndex: 1 } }] }).primaryInterface,
      undefined,
    );
  });
});

describe('reads: Aurora and RDS Multi-AZ DB clusters, RDS Custom instances (issue 13 defect 9)', () => {
  // DescribeDBClusters returns "Aurora DB clusters and Multi-AZ DB clusters" (RDS API Reference); a
  // Multi-AZ DB cluster has engine mysql / postgres and DBClusterInstanceClass set.
  const pages = (): Pages => ({
    DescribeDBClusters: {
      token: 'Marker',
      pages: [
        {
          DBClusters: [
            { DBClusterIdentifier: 'orders', Engine: 'aurora-mysql', EngineMode: 'provisioned', Status: 'available' },
            { DBClusterIdentifier: 'legacy', Engine: 'aurora-postgresql', EngineMode: 'serverless', Status: 'available' },
          ],
        },
        {
          DBClusters: [
            { DBClusterIdentifier: 'ledger', Engine: 'postgres', EngineMode: 'provisioned', DBClusterInstanceClass: 'db.m6gd.large', Status: 'available' },
            { DBClusterIdentifier: 'carts', Engine: 'mysql', DBClusterInstanceClass: 'db.r6gd.xlarge', Status: 'available' },
          ],
        },
      ],
    },
    DescribeDBInstances: {
      token: 'Marker',
      pages: [
        {
          DBInstances: [
            { DBInstanceIdentifier: 'erp', Engine: 'custom-oracle-ee', DBInstanceStatus: 'available' },
            { DBInstanceIdentifier: 'crm', Engine: 'custom-sqlserver-se', DBInstanceStatus: 'available' },
            { DBInstanceIdentifier: 'ledger-1', DBClusterIdentifier: 'ledger', Engine: 'postgres', DBInstanceStatus: 'available' },
          ],
        },
      ],
    },
  });

  it('reads the kind, the engine mode and the cluster instance class of every cluster', async () => {
    const { clients } = fakeClients(pages());
    const got = (await readClusters(clients)).map((c) => [c.clusterId, c.kind, c.engineMode, c.instanceClass]);
    assert.deepEqual(got, [
      ['orders', 'aurora', 'provisioned', undefined],
      ['legacy', 'aurora', 'serverless', undefined],
      ['ledger', 'multi-az', 'provisioned', 'db.m6gd.large'],
      ['carts', 'multi-az', undefined, 'db.r6gd.xlarge'],
    ]);
  });

  it('a single cluster read maps the kind too', async () => {
    const { clients } = fakeClients({
      DescribeDBClusters: {
        token: 'Marker',
        pages: [{ DBClusters: [{ DBClusterIdentifier: 'ledger', Engine: 'postgres', DBClusterInstanceClass: 'db.m6gd.large' }] }],
      },
    });
    const [c] = await readClusters(clients, {}, 'ledger');
    assert.equal(c.kind, 'multi-az');
    assert.equal(c.instanceClass, 'db.m6gd.large');
  });

  it('keeps RDS Custom instances, with their engine, so the commands can refuse them', async () => {
    const { clients } = fakeClients(pages());
    const got = (await readInstances(clients)).map((i) => [i.instanceId, i.engine, i.clusterId]);
    assert.deepEqual(got, [
      ['erp', 'custom-oracle-ee', undefined],
      ['crm', 'custom-sqlserver-se', undefined],
      ['ledger-1', 'postgres', 'ledger'],
    ]);
  });
});

describe('reads: readRegion publishes each part as it arrives (onPart, issue 16)', () => {
  /** The clients with the rules read held back: its first page is answered only when `release` is called. */
  function heldRules() {
    const { clients, calls } = fakeClients(accountPages());
    const realSend = (clients.ec2 as any).send;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let asked!: () => void;
    const rulesAsked = new Promise<void>((r) => (asked = r));
    (clients.ec2 as any).send = async (cmd: any, o: any) => {
      if (cmd.constructor.name === 'DescribeSecurityGroupRulesCommand' && !cmd.input.NextToken) {
        asked();
        await gate;
        // As the SDK does: a call whose signal was aborted meanwhile ends with AbortError.
        if (o?.abortSignal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      }
      return realSend(cmd, o);
    };
    return { clients, calls, release, rulesAsked };
  }

  it('the VPCs, groups and databases come while the rules read is pending; the rules last; the result is what a load without onPart returns', async () => {
    const { clients, release, rulesAsked } = heldRules();
    const parts: RegionSnapshot[] = [];
    let allButRules!: () => void;
    const waiting = new Promise<void>((r) => (allButRules = r));
    const load = readRegion(clients, {
      onPart: (p) => {
        parts.push(p);
        if (p.pending?.length === 2) allButRules();
      },
    });
    await rulesAsked;
    await waiting; // every read but the rules has answered (event, not time)
    const last = parts.at(-1)!;
    assert.deepEqual(last.pending, ['rules', 'prefixLists']);
    assert.deepEqual(
      last.vpcs.map((v) => v.vpcId),
      ['vpc-1', 'vpc-2', 'vpc-3'],
    );
    assert.equal(last.groups.length, 3);
    assert.ok(last.clusters.length > 0, 'the clusters are shown before the rules');
    assert.equal(last.rules.length, 0);
    assert.ok(readFailed(last, 'rules'), 'a pending read is unknown, like a failed one');
    // Each part adds one read (the pending lists shrink one at a time, in the order the reads
    // answered) but one: the clusters' first page (of two), shown before their read answers, which
    // stays pending and is named in firstPages until it does.
    let before = 10;
    let pageParts = 0;
    parts.forEach((p, i) => {
      const n = p.pending!.length;
      if (n === before) {
        pageParts++;
        assert.deepEqual(p.firstPages, ['clusters'], `part ${i}`);
        assert.ok(readFailed(p, 'clusters'), 'a read showing its first pages is still unknown');
        assert.ok(p.clusters.length > 0 && p.clusters.length < last.clusters.length, 'the first page only');
      } else assert.equal(n, before - 1, `part ${i}`);
      assert.equal(
        !!p.firstPages,
        p.pending!.includes('clusters') && pageParts === 1,
        `part ${i}: firstPages while the clusters are pending after their first page`,
      );
      before = n;
    });
    assert.equal(pageParts, 1);
    assert.equal(parts.length, 9);
    release();
    const snap = await load;
    assert.equal(parts.length, 10, 'the rules part, then the result');
    assert.deepEqual(parts.at(-1)!.pending, ['prefixLists']);
    assert.equal(snap.pending, undefined, 'the result is a full snapshot');
    const plain = await readRegion(fakeClients(accountPages()).clients);
    assert.deepEqual({ ...snap, loadedAt: 0 }, { ...plain, loadedAt: 0 });
  });

  it('a cancelled load publishes nothing more', async () => {
    const { clients, release, rulesAsked } = heldRules();
    const abort = new AbortController();
    const parts: RegionSnapshot[] = [];
    const load = readRegion(clients, { abortSignal: abort.signal, onPart: (p) => parts.push(p) });
    await rulesAsked;
    abort.abort();
    const seen = parts.length;
    release();
    await assert.rejects(load);
    assert.equal(parts.length, seen);
  });

  it('a read that fails stays pending in the parts; its failure comes with the result (every read may yet fail)', async () => {
    const { clients } = fakeClients(accountPages());
    const realSend = (clients.rds as any).send;
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
    (clients.rds as any).send = async (cmd: any, o: any) => {
      if (cmd.constructor.name === 'DescribeDBClustersCommand') throw denied;
      return realSend(cmd, o);
    };
    const parts: RegionSnapshot[] = [];
    const snap = await readRegion(clients, { onPart: (p) => parts.push(p) });
    assert.ok(parts.length > 0);
    for (const p of parts) {
      assert.equal(p.failures, undefined);
      assert.ok(p.pending!.includes('clusters'));
    }
    assert.deepEqual(
      snap.failures?.map((f) => f.read),
      ['clusters'],
    );
  });

  it('a sign-in failure of one read stops the parts (the whole load fails)', async () => {
    const { clients } = fakeClients(accountPages());
    const expired = Object.assign(new Error('expired'), { name: 'ExpiredToken' });
    (clients.ec2 as any).send = async () => {
      throw expired;
    };
    const parts: RegionSnapshot[] = [];
    await assert.rejects(readRegion(clients, { onPart: (p) => parts.push(p) }), (e) => e === expired);
    assert.ok(
      parts.every((p) => !p.failures?.some((f) => f.error === expired)),
      'no part shows the sign-in failure as a read failure',
    );
  });
});

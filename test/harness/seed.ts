// Seeds moto through the real SDK clients: the seed document's starting point (demo) and the
// richer account the extension tests browse.
import {
  AcceptVpcPeeringConnectionCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RunInstancesCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { CreateDBClusterCommand, CreateDBInstanceCommand, CreateDBSubnetGroupCommand, RDSClient } from '@aws-sdk/client-rds';

export interface Clients {
  ec2: EC2Client;
  rds: RDSClient;
}

export function clientsFor(endpoint: string, region: string, maxAttempts = 2): Clients {
  const config = { endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts };
  return { ec2: new EC2Client(config), rds: new RDSClient(config) };
}

export async function createVpc(c: Clients, cidr: string, name: string): Promise<{ vpcId: string; subnetIds: string[]; defaultGroupId: string }> {
  const vpc = await c.ec2.send(new CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: name }] }] }));
  const vpcId = vpc.Vpc!.VpcId!;
  const base = cidr.split('.').slice(0, 2).join('.');
  const region = await c.ec2.config.region();
  const subnetIds: string[] = [];
  for (const [i, az] of ['a', 'b'].entries()) {
    const s = await c.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `${base}.${i + 1}.0/24`, AvailabilityZone: `${region}${az}` }));
    subnetIds.push(s.Subnet!.SubnetId!);
  }
  const dg = await c.ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: ['default'] },
      ],
    }),
  );
  return { vpcId, subnetIds, defaultGroupId: dg.SecurityGroups![0].GroupId! };
}

export async function createGroup(c: Clients, vpcId: string, name: string, description: string, inbound: IpPermission[] = []): Promise<string> {
  const g = await c.ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: description }));
  // One permission per call: moto returns only the last permission's rules.
  for (const p of inbound) await c.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: g.GroupId!, IpPermissions: [p] }));
  return g.GroupId!;
}

export async function createAuroraCluster(
  c: Clients,
  o: { clusterId: string; engine: 'aurora-mysql' | 'aurora-postgresql'; subnetGroup: string; groupIds: string[]; instances: number; port?: number },
): Promise<string[]> {
  await c.rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: o.clusterId,
      Engine: o.engine,
      MasterUsername: 'admin_user',
      MasterUserPassword: 'not-a-real-password-1',
      DBSubnetGroupName: o.subnetGroup,
      VpcSecurityGroupIds: o.groupIds,
      Port: o.port,
    }),
  );
  const ids: string[] = [];
  for (let i = 1; i <= o.instances; i++) {
    const id = `${o.clusterId}-${i}`;
    await c.rds.send(
      new CreateDBInstanceCommand({ DBInstanceIdentifier: id, DBClusterIdentifier: o.clusterId, Engine: o.engine, DBInstanceClass: 'db.r6g.large' }),
    );
    ids.push(id);
  }
  return ids;
}

/**
 * An RDS Multi-AZ DB cluster (engine postgres with a cluster instance class), which moto 5.2.1
 * creates and describes as AWS does (EngineMode, DBClusterInstanceClass).
 */
export async function createMultiAzCluster(rds: RDSClient, clusterId: string): Promise<void> {
  await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: clusterId,
      Engine: 'postgres',
      DBClusterInstanceClass: 'db.m6gd.large',
      AllocatedStorage: 100,
      StorageType: 'io1',
      Iops: 1000,
      MasterUsername: 'ledger',
      MasterUserPassword: 'not-a-secret-1',
    }),
  );
}

export async function runEc2Instance(c: Clients, subnetId: string, groupIds: string[], name: string): Promise<string> {
  const r = await c.ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetId,
      SecurityGroupIds: groupIds,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }] }],
    }),
  );
  return r.Instances![0].InstanceId!;
}

export interface ScenarioIds {
  region: string;
  vpcId: string;
  subnetIds: string[];
  defaultGroupId: string;
  appServerInstanceId: string;
  clusterId: string;
  clusterInstanceIds: string[];
}

/** The seed document's starting point: a VPC, an app-server EC2 instance, an Aurora MySQL cluster with two instances. */
export async function seedScenarioStart(endpoint: string, region = 'us-east-1'): Promise<ScenarioIds> {
  const c = clientsFor(endpoint, region);
  const { vpcId, subnetIds, defaultGroupId } = await createVpc(c, '10.0.0.0/16', 'app-vpc');
  await c.rds.send(new CreateDBSubnetGroupCommand({ DBSubnetGroupName: 'app-db-subnets', DBSubnetGroupDescription: 'Aurora subnets', SubnetIds: subnetIds }));
  const appServerInstanceId = await runEc2Instance(c, subnetIds[0], [defaultGroupId], 'app-server-1');
  const clusterInstanceIds = await createAuroraCluster(c, {
    clusterId: 'orders-db',
    engine: 'aurora-mysql',
    subnetGroup: 'app-db-subnets',
    groupIds: [defaultGroupId],
    instances: 2,
  });
  return { region, vpcId, subnetIds, defaultGroupId, appServerInstanceId, clusterId: 'orders-db', clusterInstanceIds };
}

export interface TestAccountIds {
  region: string;
  vpcId: string;
  otherVpcId: string;
  defaultGroupId: string;
  appGroupId: string;
  dbGroupId: string;
  pgGroupId: string;
  legacyGroupId: string;
  mysqlClusterId: string;
  pgClusterId: string;
  rdsInstanceId: string;
  appServerInstanceId: string;
}

/** The account the extension tests browse: groups that reference groups and CIDRs, two Aurora clusters, one plain RDS instance. */
export async function seedTestAccount(endpoint: string, region = 'us-east-1'): Promise<TestAccountIds> {
  const c = clientsFor(endpoint, region);
  const { vpcId, subnetIds, defaultGroupId } = await createVpc(c, '10.20.0.0/16', 'shop-vpc');
  const other = await createVpc(c, '10.30.0.0/16', 'analytics-vpc');
  await c.rds.send(new CreateDBSubnetGroupCommand({ DBSubnetGroupName: 'shop-db-subnets', DBSubnetGroupDescription: 'DB subnets', SubnetIds: subnetIds }));
  const appGroupId = await createGroup(c, vpcId, 'appsrv1', 'App servers', [
    { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'Client offices' }] },
  ]);
  const dbGroupId = await createGroup(c, vpcId, 'dbsrv1', 'Aurora MySQL access', [
    { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: appGroupId, Description: 'From app servers' }] },
  ]);
  const pgGroupId = await createGroup(c, vpcId, 'pgsrv1', 'Aurora PostgreSQL access', [
    { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: appGroupId }] },
    { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '198.51.100.0/24', Description: 'BI tools' }] },
  ]);
  const legacyGroupId = await createGroup(c, vpcId, 'legacy-db', 'Old reporting DB', [
    { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'temporary' }] },
    { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }] },
  ]);
  await createAuroraCluster(c, { clusterId: 'orders-mysql', engine: 'aurora-mysql', subnetGroup: 'shop-db-subnets', groupIds: [dbGroupId], instances: 2 });
  await createAuroraCluster(c, {
    clusterId: 'billing-pg',
    engine: 'aurora-postgresql',
    subnetGroup: 'shop-db-subnets',
    groupIds: [pgGroupId],
    instances: 2,
    port: 5432,
  });
  await c.rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'reports-mysql',
      Engine: 'mysql',
      DBInstanceClass: 'db.t3.medium',
      AllocatedStorage: 20,
      MasterUsername: 'admin_user',
      MasterUserPassword: 'not-a-real-password-1',
      DBSubnetGroupName: 'shop-db-subnets',
      VpcSecurityGroupIds: [legacyGroupId],
    }),
  );
  const appServerInstanceId = await runEc2Instance(c, subnetIds[0], [appGroupId], 'app-server-1');
  await c.ec2.send(new CreateTagsCommand({ Resources: [appGroupId], Tags: [{ Key: 'team', Value: 'shop' }] }));
  c.ec2.destroy();
  c.rds.destroy();
  return {
    region,
    vpcId,
    otherVpcId: other.vpcId,
    defaultGroupId,
    appGroupId,
    dbGroupId,
    pgGroupId,
    legacyGroupId,
    mysqlClusterId: 'orders-mysql',
    pgClusterId: 'billing-pg',
    rdsInstanceId: 'reports-mysql',
    appServerInstanceId,
  };
}

export interface PeeredVpcIds {
  /** The VPC the rules are added to, with group `app` (and its default group). */
  readonly home: { vpcId: string; app: string };
  /** Peered with home by an accepted (active) peering connection. */
  readonly peered: { vpcId: string; group: string; peeringId: string };
  /** Peering requested but never accepted (pending-acceptance): not reachable. */
  readonly pending: { vpcId: string; group: string; peeringId: string };
}

/**
 * Three VPCs in `region` for the peering tests: home (group peer-home-app), one actively peered
 * with it (group peer-linked-app) and one whose peering request was not accepted
 * (group peer-unlinked-app).
 */
export async function seedPeeredVpcs(endpoint: string, region: string): Promise<PeeredVpcIds> {
  const c = clientsFor(endpoint, region);
  const home = await createVpc(c, '10.40.0.0/16', 'peer-home');
  const linked = await createVpc(c, '10.41.0.0/16', 'peer-linked');
  const unlinked = await createVpc(c, '10.42.0.0/16', 'peer-unlinked');
  const app = await createGroup(c, home.vpcId, 'peer-home-app', 'home app servers');
  const group = await createGroup(c, linked.vpcId, 'peer-linked-app', 'peered app servers');
  const far = await createGroup(c, unlinked.vpcId, 'peer-unlinked-app', 'unpeered app servers');
  const p1 = await c.ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: home.vpcId, PeerVpcId: linked.vpcId }));
  const peeringId = p1.VpcPeeringConnection!.VpcPeeringConnectionId!;
  await c.ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: peeringId }));
  const p2 = await c.ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: home.vpcId, PeerVpcId: unlinked.vpcId }));
  return {
    home: { vpcId: home.vpcId, app },
    peered: { vpcId: linked.vpcId, group, peeringId },
    pending: { vpcId: unlinked.vpcId, group: far, peeringId: p2.VpcPeeringConnection!.VpcPeeringConnectionId! },
  };
}

// Seeds a topology of test/harness/topologies.ts in moto, one Region each: VPCs, subnets, an
// internet gateway, route tables with explicit associations, custom network ACLs, a peering
// connection (accepted or not), a managed prefix list, the groups, the DB subnet group, an Aurora
// cluster with its instances (PubliclyAccessible per instance) and the app server.
//
// moto 5.2.1 differs from AWS here in ways the answers do not depend on: a new custom ACL has no
// '*' entries (AWS adds them; the engine treats "no entry matched" as the same deny), and the
// default ACL of a VPC with IPv6 has no ::/0 entries.
import {
  AcceptVpcPeeringConnectionCommand,
  AssociateRouteTableCommand,
  AssociateVpcCidrBlockCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateManagedPrefixListCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeNetworkAclsCommand,
  DescribeVpcsCommand,
  type IpPermission,
  ReplaceNetworkAclAssociationCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateDBClusterCommand, CreateDBInstanceCommand, CreateDBSubnetGroupCommand } from '@aws-sdk/client-rds';
import { clientsFor } from './seed';
import { PORT, type Topology } from './topologies';

/** Regions with zones a and b in moto, one per topology. */
export const TOPOLOGY_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-north-1',
  'ap-south-1',
];

export interface SeededTopology {
  readonly region: string;
  readonly clusterId: string;
  readonly appInstanceId?: string;
  readonly dbGroupId: string;
  readonly subnetIds: ReadonlyMap<string, string>;
  readonly aclIds: ReadonlyMap<string, string>;
}

export const TOPOLOGY_CLUSTER = 'topo-db';

export async function seedTopology(endpoint: string, region: string, t: Topology): Promise<SeededTopology> {
  const c = clientsFor(endpoint, region);
  const vpcIds = new Map<string, string>();
  const vpcIpv6 = new Map<string, string>();
  for (const v of t.vpcs) {
    const out = await c.ec2.send(new CreateVpcCommand({ CidrBlock: v.cidr }));
    const id = out.Vpc!.VpcId!;
    vpcIds.set(v.key, id);
    if (v.ipv6) {
      await c.ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: id, AmazonProvidedIpv6CidrBlock: true }));
      const d = await c.ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }));
      const block = d.Vpcs![0]!.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
      if (!block) throw new Error('moto gave the VPC no IPv6 block');
      vpcIpv6.set(v.key, block);
    }
  }
  const subnetIds = new Map<string, string>();
  for (const s of t.subnets) {
    const v6 = vpcIpv6.get(s.vpc);
    const out = await c.ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcIds.get(s.vpc)!,
        CidrBlock: s.cidr,
        AvailabilityZone: `${region}${s.az}`,
        ...(s.ipv6 && v6 ? { Ipv6CidrBlock: v6.replace(/\/\d+$/, '/64') } : {}),
      }),
    );
    subnetIds.set(s.key, out.Subnet!.SubnetId!);
  }
  const igwIds = new Map<string, string>();
  for (const v of t.igws ?? []) {
    const igw = await c.ec2.send(new CreateInternetGatewayCommand({}));
    const id = igw.InternetGateway!.InternetGatewayId!;
    await c.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcIds.get(v)! }));
    igwIds.set(v, id);
  }
  let pcx: string | undefined;
  if (t.peering) {
    const p = await c.ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: vpcIds.get(t.peering.from)!, PeerVpcId: vpcIds.get(t.peering.to)! }));
    pcx = p.VpcPeeringConnection!.VpcPeeringConnectionId!;
    if (t.peering.active) await c.ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  }
  for (const rt of t.routeTables ?? []) {
    const out = await c.ec2.send(new CreateRouteTableCommand({ VpcId: vpcIds.get(rt.vpc)! }));
    const id = out.RouteTable!.RouteTableId!;
    for (const r of rt.routes) {
      const dest = r.dest.includes(':') ? { DestinationIpv6CidrBlock: r.dest } : { DestinationCidrBlock: r.dest };
      await c.ec2.send(
        new CreateRouteCommand({ RouteTableId: id, ...dest, ...(r.to === 'igw' ? { GatewayId: igwIds.get(rt.vpc)! } : { VpcPeeringConnectionId: pcx! }) }),
      );
    }
    for (const s of rt.subnets) await c.ec2.send(new AssociateRouteTableCommand({ RouteTableId: id, SubnetId: subnetIds.get(s)! }));
  }
  const aclIds = new Map<string, string>();
  for (const a of t.acls ?? []) {
    const out = await c.ec2.send(new CreateNetworkAclCommand({ VpcId: vpcIds.get(a.vpc)! }));
    const id = out.NetworkAcl!.NetworkAclId!;
    aclIds.set(a.key, id);
    for (const e of a.entries) {
      await c.ec2.send(
        new CreateNetworkAclEntryCommand({
          NetworkAclId: id,
          RuleNumber: e.n,
          Egress: e.egress,
          RuleAction: e.allow ? 'allow' : 'deny',
          Protocol: e.ports ? '6' : '-1',
          ...(e.cidr.includes(':') ? { Ipv6CidrBlock: e.cidr } : { CidrBlock: e.cidr }),
          ...(e.ports ? { PortRange: { From: e.ports[0], To: e.ports[1] } } : {}),
        }),
      );
    }
    for (const s of a.subnets) {
      const sid = subnetIds.get(s)!;
      const cur = await c.ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [sid] }] }));
      const assoc = cur.NetworkAcls?.flatMap((x) => x.Associations ?? []).find((x) => x.SubnetId === sid);
      if (!assoc?.NetworkAclAssociationId) throw new Error(`no ACL association for ${sid}`);
      await c.ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc.NetworkAclAssociationId, NetworkAclId: id }));
    }
  }
  let plId: string | undefined;
  if (t.prefixList) {
    const out = await c.ec2.send(
      new CreateManagedPrefixListCommand({
        PrefixListName: 'partners',
        AddressFamily: 'IPv4',
        MaxEntries: 5,
        Entries: t.prefixList.map((cidr) => ({ Cidr: cidr })),
      }),
    );
    plId = out.PrefixList!.PrefixListId!;
  }
  const dbVpc = vpcIds.get(t.db.vpc)!;
  const appVpc = vpcIds.get(t.app?.vpc ?? t.db.vpc)!;
  const group = async (vpcId: string, name: string) =>
    (await c.ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: name }))).GroupId!;
  const appGroupId = await group(appVpc, 'app');
  const dbGroupId = await group(dbVpc, 'db');
  const perms: IpPermission[] = t.db.rules.map((r) => ({
    IpProtocol: 'tcp',
    FromPort: PORT,
    ToPort: PORT,
    ...(r === 'app'
      ? { UserIdGroupPairs: [{ GroupId: appGroupId }] }
      : r === 'pl'
        ? { PrefixListIds: [{ PrefixListId: plId! }] }
        : r.includes(':')
          ? { Ipv6Ranges: [{ CidrIpv6: r }] }
          : { IpRanges: [{ CidrIp: r }] }),
  }));
  // One call per permission: moto answers only the last one's rules for several.
  for (const p of perms) await c.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: dbGroupId, IpPermissions: [p] }));
  await c.rds.send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: 'dbsubnets',
      DBSubnetGroupDescription: 'database subnets',
      SubnetIds: t.db.subnets.map((s) => subnetIds.get(s)!),
    }),
  );
  await c.rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: TOPOLOGY_CLUSTER,
      Engine: 'aurora-mysql',
      MasterUsername: 'admin_user',
      MasterUserPassword: 'not-a-real-password-1',
      DBSubnetGroupName: 'dbsubnets',
      VpcSecurityGroupIds: [dbGroupId],
      Port: PORT,
      ...(t.db.networkType ? { NetworkType: t.db.networkType } : {}),
    }),
  );
  // The writer first: moto makes the first instance of a cluster its writer.
  for (const i of [...t.db.instances].sort((a, b) => Number(b.writer) - Number(a.writer))) {
    await c.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: i.id,
        DBClusterIdentifier: TOPOLOGY_CLUSTER,
        Engine: 'aurora-mysql',
        DBInstanceClass: 'db.r6g.large',
        PubliclyAccessible: i.public,
        AvailabilityZone: `${region}${i.az}`,
      }),
    );
  }
  let appInstanceId: string | undefined;
  if (t.app) {
    const r = await c.ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-12c6146b',
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnetIds.get(t.app.subnet)!,
        PrivateIpAddress: t.app.ip,
        SecurityGroupIds: [appGroupId],
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'app' }] }],
      }),
    );
    appInstanceId = r.Instances![0]!.InstanceId!;
  }
  c.ec2.destroy();
  c.rds.destroy();
  return { region, clusterId: TOPOLOGY_CLUSTER, ...(appInstanceId ? { appInstanceId } : {}), dbGroupId, subnetIds, aclIds };
}

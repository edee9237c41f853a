// Seeds moto with a large Region for the benchmark, fast: calls run concurrently and each
// AuthorizeSecurityGroupIngress carries many permissions.
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
} from '@aws-sdk/client-rds';
import { clientsFor } from './seed';
import { mulberry32 } from './syntheticRegion';

export interface BigRegionSpec {
  vpcs: number;
  groups: number;
  rules: number;
  clusters: number;
  instancesPerCluster: number;
  /** Groups in the first VPC (the "large VPC" the tree render is measured on). */
  groupsInFirstVpc?: number;
}

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

export async function seedBigRegion(
  endpoint: string,
  region: string,
  spec: BigRegionSpec,
  concurrency = 6,
): Promise<{ calls: number; groupIds: string[]; firstVpcId: string }> {
  const c = clientsFor(endpoint, region);
  let calls = 0;
  const rand = mulberry32(42);
  const vpcIds: string[] = [];
  const subnets: string[][] = [];
  for (let v = 0; v < spec.vpcs; v++) {
    const vpc = await c.ec2.send(
      new CreateVpcCommand({ CidrBlock: `10.${v}.0.0/16`, TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: `bench-vpc-${v}` }] }] }),
    );
    calls++;
    vpcIds.push(vpc.Vpc!.VpcId!);
    const s: string[] = [];
    for (const [i, az] of ['a', 'b'].entries()) {
      const sn = await c.ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: `10.${v}.${i}.0/24`, AvailabilityZone: `${region}${az}` }));
      calls++;
      s.push(sn.Subnet!.SubnetId!);
    }
    subnets.push(s);
    await c.rds.send(new CreateDBSubnetGroupCommand({ DBSubnetGroupName: `bench-subnets-${v}`, DBSubnetGroupDescription: 'bench', SubnetIds: s }));
    calls++;
  }
  // Groups: the first VPC gets groupsInFirstVpc, the rest are spread evenly.
  const first = Math.min(spec.groupsInFirstVpc ?? Math.ceil(spec.groups / spec.vpcs), spec.groups);
  const vpcOf = (i: number) => (i < first ? 0 : 1 + ((i - first) % Math.max(1, spec.vpcs - 1)));
  const groupIds: string[] = new Array(spec.groups);
  const groupVpc: number[] = new Array(spec.groups);
  await pool([...Array(spec.groups).keys()], concurrency, async (i) => {
    const v = spec.vpcs > 1 ? vpcOf(i) : 0;
    const name = `bench-${i}`;
    // A create retried after a lost answer meets its own first attempt: then look the group up.
    const g = await c.ec2
      .send(new CreateSecurityGroupCommand({ VpcId: vpcIds[v], GroupName: name, Description: `bench group ${i}` }))
      .catch(async (e: Error) => {
        if (e.name !== 'InvalidGroup.Duplicate') throw e;
        const found = await c.ec2.send(
          new DescribeSecurityGroupsCommand({
            Filters: [
              { Name: 'vpc-id', Values: [vpcIds[v]] },
              { Name: 'group-name', Values: [name] },
            ],
          }),
        );
        return { GroupId: found.SecurityGroups![0].GroupId };
      });
    calls++;
    groupIds[i] = g.GroupId!;
    groupVpc[i] = v;
  });
  // Rules: per group a batch of distinct permissions (one call per group). A group-sourced rule
  // references a group of its own VPC: AWS refuses a group of another VPC unless the two are peered
  // ("You have specified two resources that belong to different networks": aws-facts.md), though
  // moto accepts it.
  const inVpc = new Map<number, number[]>();
  for (let i = 0; i < spec.groups; i++) {
    const list = inVpc.get(groupVpc[i]!) ?? [];
    list.push(i);
    inVpc.set(groupVpc[i]!, list);
  }
  const posInVpc = new Map<number, number>();
  for (const list of inVpc.values()) list.forEach((g, k) => posInVpc.set(g, k));
  const perGroup = Math.floor(spec.rules / spec.groups);
  let extra = spec.rules - perGroup * spec.groups;
  const ports = [22, 80, 443, 3306, 5432, 6379, 8080, 9000];
  await pool([...Array(spec.groups).keys()], concurrency, async (i) => {
    const n = perGroup + (extra-- > 0 ? 1 : 0);
    const perms: IpPermission[] = [];
    for (let k = 0; k < n; k++) {
      const port = ports[k % ports.length] + Math.floor(k / ports.length) * 1000;
      const r = rand();
      if (r < 0.45) {
        const mates = inVpc.get(groupVpc[i]!)!;
        const peer = groupIds[mates[(posInVpc.get(i)! + 1 + Math.floor(rand() * 50)) % mates.length]!];
        perms.push({ IpProtocol: 'tcp', FromPort: port, ToPort: port, UserIdGroupPairs: [{ GroupId: peer }] });
      } else if (r < 0.9) {
        perms.push({
          IpProtocol: 'tcp',
          FromPort: port,
          ToPort: port,
          IpRanges: [{ CidrIp: `10.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.0/24`, Description: 'bench' }],
        });
      } else if (r < 0.97) {
        perms.push({
          IpProtocol: 'tcp',
          FromPort: port,
          ToPort: port + 10,
          IpRanges: [{ CidrIp: `${100 + Math.floor(rand() * 100)}.${Math.floor(rand() * 255)}.0.0/16` }],
        });
      } else {
        perms.push({ IpProtocol: 'tcp', FromPort: port, ToPort: port, Ipv6Ranges: [{ CidrIpv6: `2001:db8:${(i % 65535).toString(16)}::/48` }] });
      }
    }
    if (perms.length) {
      await c.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupIds[i], IpPermissions: perms })).catch((e: Error) => {
        if (e.name !== 'InvalidPermission.Duplicate') throw e; // a retry of a call that went through
      });
      calls++;
    }
  });
  // Clusters, each guarded by a group of its VPC, with their instances. moto snapshots each new
  // cluster and can answer HTTP 500 under concurrent cluster creation: create them one at a time,
  // without SDK retries (a retried create collides with the first), checking after a failure
  // whether the create went through.
  const rdsOnce = clientsFor(endpoint, region, 1).rds;
  const once = async (create: () => Promise<unknown>, exists: () => Promise<boolean>) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await create();
        calls++;
        return;
      } catch (e) {
        if (await exists().catch(() => false)) return;
        if (attempt >= 4) throw e;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  };
  for (let k = 0; k < spec.clusters; k++) {
    const gi = (k * 7) % spec.groups;
    const v = groupVpc[gi];
    const engine = k % 2 ? 'aurora-postgresql' : 'aurora-mysql';
    const clusterId = `bench-cluster-${k}`;
    await once(
      () =>
        rdsOnce.send(
          new CreateDBClusterCommand({
            DBClusterIdentifier: clusterId,
            Engine: engine,
            MasterUsername: 'bench_admin',
            MasterUserPassword: 'bench-password-1',
            DBSubnetGroupName: `bench-subnets-${v}`,
            VpcSecurityGroupIds: [groupIds[gi]],
          }),
        ),
      async () => !!(await rdsOnce.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }))).DBClusters?.length,
    );
    for (let j = 1; j <= spec.instancesPerCluster; j++) {
      const id = `${clusterId}-${j}`;
      await once(
        () =>
          rdsOnce.send(
            new CreateDBInstanceCommand({ DBInstanceIdentifier: id, DBClusterIdentifier: clusterId, Engine: engine, DBInstanceClass: 'db.r6g.large' }),
          ),
        async () => !!(await rdsOnce.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.length,
      );
    }
  }
  c.ec2.destroy();
  c.rds.destroy();
  rdsOnce.destroy();
  return { calls, groupIds, firstVpcId: vpcIds[0] };
}

// Seeds moto with a large Region for the benchmark, fast: calls run concurrently and each
// AuthorizeSecurityGroupIngress carries many permissions.
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, type IpPermission } from '@aws-sdk/client-ec2';
import { CreateDBClusterCommand, CreateDBInstanceCommand, CreateDBSubnetGroupCommand } from '@aws-sdk/client-rds';
import { clientsFor } from './seed';

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

/** A deterministic pseudo-random sequence. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function seedBigRegion(endpoint: string, region: string, spec: BigRegionSpec, concurrency = 12): Promise<{ calls: number; groupIds: string[]; firstVpcId: string }> {
  const c = clientsFor(endpoint, region);
  let calls = 0;
  const rand = rng(42);
  const vpcIds: string[] = [];
  const subnets: string[][] = [];
  for (let v = 0; v < spec.vpcs; v++) {
    const vpc = await c.ec2.send(new CreateVpcCommand({ CidrBlock: `10.${v}.0.0/16`, TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: `bench-vpc-${v}` }] }] }));
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
    const g = await c.ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcIds[v], GroupName: `bench-${i}`, Description: `bench group ${i}` }));
    calls++;
    groupIds[i] = g.GroupId!;
    groupVpc[i] = v;
  });
  // Rules: per group a batch of distinct permissions (one call per group).
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
        const peer = groupIds[(i + 1 + Math.floor(rand() * 50)) % spec.groups];
        perms.push({ IpProtocol: 'tcp', FromPort: port, ToPort: port, UserIdGroupPairs: [{ GroupId: peer }] });
      } else if (r < 0.9) {
        perms.push({ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: `10.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.0/24`, Description: 'bench' }] });
      } else if (r < 0.97) {
        perms.push({ IpProtocol: 'tcp', FromPort: port, ToPort: port + 10, IpRanges: [{ CidrIp: `${100 + Math.floor(rand() * 100)}.${Math.floor(rand() * 255)}.0.0/16` }] });
      } else {
        perms.push({ IpProtocol: 'tcp', FromPort: port, ToPort: port, Ipv6Ranges: [{ CidrIpv6: `2001:db8:${(i % 65535).toString(16)}::/48` }] });
      }
    }
    if (perms.length) {
      await c.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupIds[i], IpPermissions: perms }));
      calls++;
    }
  });
  // Clusters, each guarded by a group of its VPC, with their instances. moto snapshots each new
  // cluster: a retried create would collide with that snapshot, so no retries and less concurrency here.
  const rdsOnce = clientsFor(endpoint, region, 1).rds;
  await pool([...Array(spec.clusters).keys()], Math.min(4, concurrency), async (k) => {
    const gi = (k * 7) % spec.groups;
    const v = groupVpc[gi];
    const engine = k % 2 ? 'aurora-postgresql' : 'aurora-mysql';
    await rdsOnce.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: `bench-cluster-${k}`,
        Engine: engine,
        MasterUsername: 'bench_admin',
        MasterUserPassword: 'bench-password-1',
        DBSubnetGroupName: `bench-subnets-${v}`,
        VpcSecurityGroupIds: [groupIds[gi]],
      }),
    );
    calls++;
    for (let j = 1; j <= spec.instancesPerCluster; j++) {
      await rdsOnce.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: `bench-cluster-${k}-${j}`, DBClusterIdentifier: `bench-cluster-${k}`, Engine: engine, DBInstanceClass: 'db.r6g.large' }));
      calls++;
    }
  });
  c.ec2.destroy();
  c.rds.destroy();
  rdsOnce.destroy();
  return { calls, groupIds, firstVpcId: vpcIds[0] };
}

// Paginated reads that turn AWS answers into the domain model.
import { setMaxListeners } from 'node:events';
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  paginateDescribeInstances,
  paginateDescribeManagedPrefixLists,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  paginateDescribeStaleSecurityGroups,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  type Instance,
  type SecurityGroup as SdkGroup,
  type SecurityGroupRule as SdkRule,
  type Tag,
  type StaleSecurityGroup,
  type Vpc as SdkVpc,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import {
  DescribeAccountAttributesCommand as DescribeRdsAccountAttributesCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  paginateDescribeDBInstances,
  paginateDescribeDBSubnetGroups,
  type ClusterPendingModifiedValues,
  type DBCluster,
  type DBInstance,
  type PendingModifiedValues,
} from '@aws-sdk/client-rds';
import type {
  DbCluster,
  DbInstance,
  Ec2Instance,
  NetworkInterfaceUse,
  OtherDatabase,
  PrefixListInfo,
  ReadFailure,
  RegionRead,
  RegionSnapshot,
  RulePeer,
  SecurityGroup,
  SecurityGroupRule,
  StaleRuleRef,
  Tags,
  Vpc,
  VpcPeering,
} from '../domain/model';
import { clusterKindOf } from '../domain/engines';
import { displayName, REGION_READS } from '../domain/model';
import type { AccountLimits } from '../domain/quotas';
import { normaliseIpProtocol } from '../domain/rules';
import { holdAnswers, holdRequests, type RegionClients } from './clients';
import { CREDENTIAL_CODES } from './errors';
import { readLimits } from './quotaReads';

export interface ReadOptions {
  readonly abortSignal?: AbortSignal;
  /** Page size for EC2 (5-1000) and RDS (20-100) reads; the largest by default. */
  readonly ec2PageSize?: number;
  readonly rdsPageSize?: number;
  /**
   * How the load reads the rules: 'auto' (the default) reads them in parallel by group-id batches
   * when the first page comes back full, else follows the one token chain; 'chain' always follows
   * the chain; 'parallel' switches whenever there is a second page.
   */
  readonly rulesStrategy?: 'auto' | 'chain' | 'parallel';
  /** The parallel rules read: batches in flight at most (halved on each throttling answer); default RULES_CONCURRENCY. */
  readonly rulesConcurrency?: number;
  /** The parallel rules read: the wait before a throttled batch is asked again, times its attempt; default 250 ms. */
  readonly rulesRetryDelayMs?: number;
}

/** Engines that are not Aurora/RDS databases though the RDS API lists them. */
const OTHER_PRODUCTS = new Set(['docdb', 'neptune']);

function tagsOf(list: readonly Tag[] | undefined): Tags {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

async function collect<P, T>(pages: AsyncIterable<P>, pick: (page: P) => readonly T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

export function toVpc(region: string, v: SdkVpc): Vpc {
  const tags = tagsOf(v.Tags);
  const cidrs = (v.CidrBlockAssociationSet ?? [])
    .filter((a) => !a.CidrBlockState?.State || a.CidrBlockState.State === 'associated')
    .map((a) => a.CidrBlock!)
    .filter(Boolean);
  return {
    region,
    vpcId: v.VpcId!,
    ownerId: v.OwnerId,
    name: displayName(tags),
    cidrBlocks: cidrs.length ? cidrs : v.CidrBlock ? [v.CidrBlock] : [],
    ipv6CidrBlocks: (v.Ipv6CidrBlockAssociationSet ?? [])
      .filter((a) => !a.Ipv6CidrBlockState?.State || a.Ipv6CidrBlockState.State === 'associated')
      .map((a) => a.Ipv6CidrBlock!)
      .filter(Boolean),
    isDefault: v.IsDefault === true,
    state: v.State,
    tags,
  };
}

export function toGroup(region: string, g: SdkGroup): SecurityGroup {
  return {
    region,
    groupId: g.GroupId!,
    groupName: g.GroupName ?? g.GroupId!,
    description: g.Description ?? '',
    vpcId: g.VpcId,
    ownerId: g.OwnerId,
    tags: tagsOf(g.Tags),
  };
}

/**
 * AWS sends a protocol name or number; anything else (an emulator's or a proxy's invention) is
 * kept readable but can never be taken for a known protocol or an object property ('constructor').
 */
export function safeProtocol(p: string): string {
  if (/^(-1|tcp|udp|icmp|icmpv6|\d{1,3}|x-[a-z0-9-]+)$/.test(p)) return p;
  return `x-${p.replace(/[^a-z0-9-]/g, '').slice(0, 20) || 'unknown'}`;
}

export function toRule(region: string, r: SdkRule): SecurityGroupRule {
  let peer: RulePeer;
  if (r.CidrIpv4) peer = { kind: 'cidr4', cidr: r.CidrIpv4 };
  else if (r.CidrIpv6) peer = { kind: 'cidr6', cidr: r.CidrIpv6 };
  else if (r.PrefixListId) peer = { kind: 'prefixList', prefixListId: r.PrefixListId };
  else
    peer = {
      kind: 'group',
      groupId: r.ReferencedGroupInfo?.GroupId ?? 'unknown',
      userId: r.ReferencedGroupInfo?.UserId,
      vpcId: r.ReferencedGroupInfo?.VpcId,
      peeringConnectionId: r.ReferencedGroupInfo?.VpcPeeringConnectionId,
      ...(r.ReferencedGroupInfo?.PeeringStatus ? { peeringStatus: r.ReferencedGroupInfo.PeeringStatus } : {}),
    };
  const protocol = safeProtocol(normaliseIpProtocol(r.IpProtocol));
  return {
    region,
    ruleId: r.SecurityGroupRuleId!,
    groupId: r.GroupId!,
    isEgress: r.IsEgress === true,
    protocol,
    fromPort: protocol === '-1' ? -1 : (r.FromPort ?? -1),
    toPort: protocol === '-1' ? -1 : (r.ToPort ?? -1),
    peer,
    description: r.Description || undefined,
  };
}

export function toPeering(p: VpcPeeringConnection): VpcPeering {
  const side = (v: VpcPeeringConnection['RequesterVpcInfo']) => ({ vpcId: v?.VpcId, ownerId: v?.OwnerId, region: v?.Region });
  return { peeringId: p.VpcPeeringConnectionId!, status: p.Status?.Code ?? 'unknown', requester: side(p.RequesterVpcInfo), accepter: side(p.AccepterVpcInfo) };
}

/**
 * The rules of DescribeStaleSecurityGroups' answer for one VPC (EC2 API Reference,
 * StaleSecurityGroup: StaleIpPermissions inbound, StaleIpPermissionsEgress outbound, each with
 * UserIdGroupPairs naming the referenced group and the peering connection).
 */
export function toStaleRules(list: readonly StaleSecurityGroup[]): StaleRuleRef[] {
  const out: StaleRuleRef[] = [];
  for (const g of list) {
    if (!g.GroupId) continue;
    for (const [isEgress, perms] of [
      [false, g.StaleIpPermissions],
      [true, g.StaleIpPermissionsEgress],
    ] as const) {
      for (const p of perms ?? []) {
        const protocol = safeProtocol(normaliseIpProtocol(p.IpProtocol));
        for (const pair of p.UserIdGroupPairs ?? []) {
          if (!pair.GroupId) continue;
          out.push({
            groupId: g.GroupId,
            isEgress,
            protocol,
            fromPort: protocol === '-1' ? -1 : (p.FromPort ?? -1),
            toPort: protocol === '-1' ? -1 : (p.ToPort ?? -1),
            referencedGroupId: pair.GroupId,
            ...(pair.VpcPeeringConnectionId ? { peeringConnectionId: pair.VpcPeeringConnectionId } : {}),
            ...(pair.PeeringStatus ? { peeringStatus: pair.PeeringStatus } : {}),
          });
        }
      }
    }
  }
  return out;
}

/** How a field of PendingModifiedValues / ClusterPendingModifiedValues is named to the user. */
const PENDING_LABELS: Readonly<Record<string, string>> = {
  EngineVersion: 'engine version',
  Engine: 'engine',
  DBInstanceClass: 'instance class',
  DBClusterInstanceClass: 'instance class',
  AllocatedStorage: 'allocated storage',
  StorageType: 'storage type',
  Iops: 'IOPS',
  StorageThroughput: 'storage throughput',
  MultiAZ: 'Multi-AZ',
  Port: 'port',
  DBInstanceIdentifier: 'new identifier',
  DBClusterIdentifier: 'new identifier',
  DBSubnetGroupName: 'DB subnet group',
  CACertificateIdentifier: 'CA certificate',
  CertificateDetails: 'CA certificate',
  MasterUserPassword: 'master password',
  BackupRetentionPeriod: 'backup retention',
  IAMDatabaseAuthenticationEnabled: 'IAM database authentication',
  PendingCloudwatchLogsExports: 'CloudWatch log exports',
  ProcessorFeatures: 'processor features',
  LicenseModel: 'license model',
};

const PENDING_UNITS: Readonly<Record<string, string>> = { AllocatedStorage: ' GiB', BackupRetentionPeriod: ' days' };

/** Nothing in it: undefined, null, or a list or an object with nothing in it ({ LogTypesToEnable: [] }). */
const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) ? v.every(isEmpty) : typeof v === 'object' && !(v instanceof Date) && Object.values(v).every(isEmpty));

/**
 * What waits in a cluster's or an instance's pending-modifications queue, one short phrase a
 * field: these stay pending until the maintenance window unless something applies them at once
 * (ApplyImmediately=true would, which is why it is never sent: RDS user guide,
 * Overview.DBInstance.Modifying). A field without a label is named after itself; a value is shown
 * only when it is a plain value and not the password.
 */
export function pendingChangesOf(p: PendingModifiedValues | ClusterPendingModifiedValues | undefined | null): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(p ?? {})) {
    if (isEmpty(v)) continue;
    const label = PENDING_LABELS[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    const plain = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    const value = key === 'MasterUserPassword' || !plain ? '' : typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v).slice(0, 80);
    out.push(value ? `${label} ${value}${PENDING_UNITS[key] ?? ''}` : label);
  }
  return out;
}

/** `{ pendingChanges }` when something is pending, else nothing (the field stays absent). */
const pendingField = (p: PendingModifiedValues | ClusterPendingModifiedValues | undefined) => {
  const pending = pendingChangesOf(p);
  return pending.length ? { pendingChanges: pending } : {};
};

/** `{ tags }` from an RDS TagList when it has any (DescribeDBClusters / DescribeDBInstances return it), else nothing. */
const rdsTags = (list: readonly { Key?: string; Value?: string }[] | undefined) => (list?.length ? { tags: tagsOf(list as Tag[]) } : {});

export function toCluster(region: string, c: DBCluster, subnetVpc?: ReadonlyMap<string, string>): DbCluster {
  return {
    region,
    clusterId: c.DBClusterIdentifier!,
    arn: c.DBClusterArn,
    // Aurora, or an RDS Multi-AZ DB cluster (mysql / postgres with DBClusterInstanceClass): see clusterKindOf.
    kind: clusterKindOf(c.Engine ?? 'unknown', c.DBClusterInstanceClass),
    engine: c.Engine ?? 'unknown',
    engineVersion: c.EngineVersion,
    ...(c.EngineMode ? { engineMode: c.EngineMode } : {}),
    ...(c.DBClusterInstanceClass ? { instanceClass: c.DBClusterInstanceClass } : {}),
    port: c.Port,
    status: c.Status ?? 'unknown',
    endpoint: c.Endpoint,
    readerEndpoint: c.ReaderEndpoint,
    members: (c.DBClusterMembers ?? []).map((m) => ({
      instanceId: m.DBInstanceIdentifier!,
      isWriter: m.IsClusterWriter === true,
      promotionTier: m.PromotionTier,
    })),
    securityGroups: (c.VpcSecurityGroups ?? []).map((g) => ({ groupId: g.VpcSecurityGroupId!, status: g.Status })),
    subnetGroupName: c.DBSubnetGroup,
    vpcId: c.DBSubnetGroup ? subnetVpc?.get(c.DBSubnetGroup) : undefined,
    ...pendingField(c.PendingModifiedValues),
    ...rdsTags(c.TagList),
    // Aurora clusters answer PubliclyAccessible too (moto: always false), but it is per instance there.
    ...(c.PubliclyAccessible !== undefined && c.DBClusterInstanceClass ? { publiclyAccessible: c.PubliclyAccessible } : {}),
    ...(c.NetworkType ? { networkType: c.NetworkType } : {}),
  };
}

export function toInstance(region: string, i: DBInstance): DbInstance {
  return {
    region,
    instanceId: i.DBInstanceIdentifier!,
    arn: i.DBInstanceArn,
    clusterId: i.DBClusterIdentifier || undefined,
    engine: i.Engine ?? 'unknown',
    instanceClass: i.DBInstanceClass,
    status: i.DBInstanceStatus ?? 'unknown',
    securityGroups: (i.VpcSecurityGroups ?? []).map((g) => ({ groupId: g.VpcSecurityGroupId!, status: g.Status })),
    vpcId: i.DBSubnetGroup?.VpcId,
    endpointAddress: i.Endpoint?.Address,
    port: i.Endpoint?.Port ?? i.DbInstancePort,
    availabilityZone: i.AvailabilityZone,
    ...pendingField(i.PendingModifiedValues),
    ...rdsTags(i.TagList),
    ...(i.PubliclyAccessible !== undefined ? { publiclyAccessible: i.PubliclyAccessible } : {}),
    ...(i.NetworkType ? { networkType: i.NetworkType } : {}),
    ...(i.DBSubnetGroup?.DBSubnetGroupName ? { subnetGroupName: i.DBSubnetGroup.DBSubnetGroupName } : {}),
    ...(i.DBSubnetGroup?.Subnets?.length ? { subnetIds: i.DBSubnetGroup.Subnets.flatMap((s) => (s.SubnetIdentifier ? [s.SubnetIdentifier] : [])) } : {}),
  };
}

export function toEc2Instance(region: string, i: Instance): Ec2Instance {
  const ids = new Set<string>();
  for (const g of i.SecurityGroups ?? []) if (g.GroupId) ids.add(g.GroupId);
  for (const n of i.NetworkInterfaces ?? []) for (const g of n.Groups ?? []) if (g.GroupId) ids.add(g.GroupId);
  // The primary interface is the one attached at device index 0 (EC2 user guide, "Elastic network
  // interfaces": the primary network interface cannot be detached); its own groups, not the union.
  const primary = (i.NetworkInterfaces ?? []).find((n) => n.Attachment?.DeviceIndex === 0 && n.NetworkInterfaceId);
  return {
    region,
    instanceId: i.InstanceId!,
    name: displayName(tagsOf(i.Tags)),
    state: i.State?.Name,
    vpcId: i.VpcId,
    privateIp: i.PrivateIpAddress,
    publicIp: i.PublicIpAddress,
    ...(i.SubnetId ? { subnetId: i.SubnetId } : {}),
    securityGroupIds: [...ids],
    ...(primary
      ? {
          primaryInterface: {
            networkInterfaceId: primary.NetworkInterfaceId!,
            groupIds: (primary.Groups ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : [])),
          },
        }
      : {}),
  };
}

/**
 * Fill in each cluster's and instance's VPC: from the subnet group, else from the VPC of an
 * attached security group (Aurora members often report no subnet group of their own).
 */
export function resolveVpcs(
  clusters: readonly DbCluster[],
  instances: readonly DbInstance[],
  groups: readonly SecurityGroup[],
  subnetVpc: ReadonlyMap<string, string> = new Map(),
): { clusters: DbCluster[]; instances: DbInstance[] } {
  const groupVpc = new Map(groups.map((g) => [g.groupId, g.vpcId]));
  const viaGroups = (attached: readonly { groupId: string }[]) => attached.map((a) => groupVpc.get(a.groupId)).find((v): v is string => !!v);
  const outClusters = clusters.map((c) =>
    c.vpcId ? c : { ...c, vpcId: (c.subnetGroupName ? subnetVpc.get(c.subnetGroupName) : undefined) ?? viaGroups(c.securityGroups) },
  );
  const clusterVpc = new Map(outClusters.map((c) => [c.clusterId, c.vpcId]));
  const outInstances = instances.map((i) =>
    i.vpcId ? i : { ...i, vpcId: (i.clusterId ? clusterVpc.get(i.clusterId) : undefined) ?? viaGroups(i.securityGroups) },
  );
  return { clusters: outClusters, instances: outInstances };
}

const isDatabaseEngine = (engine: string | undefined) => !OTHER_PRODUCTS.has((engine ?? '').toLowerCase());

export async function readVpcs(c: RegionClients, o: ReadOptions = {}): Promise<Vpc[]> {
  const pages = paginateDescribeVpcs({ client: c.ec2, pageSize: o.ec2PageSize ?? 1000 }, {}, { abortSignal: o.abortSignal });
  return (await collect(pages, (p) => p.Vpcs)).map((v) => toVpc(c.region, v));
}

export async function readGroups(c: RegionClients, o: ReadOptions = {}, groupIds?: string[]): Promise<SecurityGroup[]> {
  if (groupIds && groupIds.length === 0) return [];
  if (groupIds) {
    const out = await c.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groupIds }), { abortSignal: o.abortSignal });
    return (out.SecurityGroups ?? []).map((g) => toGroup(c.region, g));
  }
  const pages = paginateDescribeSecurityGroups({ client: c.ec2, pageSize: o.ec2PageSize ?? 1000 }, {}, { abortSignal: o.abortSignal });
  return (await collect(pages, (p) => p.SecurityGroups)).map((g) => toGroup(c.region, g));
}

/** Filtered DescribeSecurityGroups calls of the groups read's split: the VPCs are shared out among this many (one round trip). */
const GROUPS_CALLS = 8;
/** The groups read splits by VPC unless one VPC holds this share of its first page. */
const SPLIT_BELOW_SHARE = 0.9;

/**
 * The groups read of a Region's load. DescribeSecurityGroups pages at 1,000 (EC2 API Reference,
 * DescribeSecurityGroups, MaxResults 5-1000), one round trip per thousand groups in sequence, and
 * the rules read's batches wait for their group ids. When the first page comes back full (a big
 * Region; the rules read decides the same way) and its groups spread over the VPCs (no VPC holds
 * SPLIT_BELOW_SHARE of them), the groups are asked again by vpc-id filters, GROUPS_CALLS calls in
 * one round trip (a VPC of more than a thousand still pages within its call): every group belongs
 * to one VPC, so together they are the whole list. A Region whose groups sit in one VPC (or whose
 * VPCs could not be read) follows the chain: asking again would only add a round trip. The rules
 * read is fed either way.
 */
export async function readLoadGroups(c: RegionClients, o: ReadOptions, vpcs: Promise<Vpc[]>, feed: GroupIdFeed): Promise<SecurityGroup[]> {
  const size = o.ec2PageSize ?? 1000;
  const toModel = (list: readonly SdkGroup[] | undefined) => {
    const got = (list ?? []).map((g) => toGroup(c.region, g));
    feed.push(got.map((g) => g.groupId));
    return got;
  };
  const readPages = async (filter: { Filters?: { Name: string; Values: string[] }[] }, from?: string) => {
    const got: SecurityGroup[] = [];
    for (let token = from, more = true; more; more = !!token) {
      const page = await c.ec2.send(new DescribeSecurityGroupsCommand({ ...filter, MaxResults: size, NextToken: token }), { abortSignal: o.abortSignal });
      got.push(...toModel(page.SecurityGroups));
      token = page.NextToken;
    }
    return got;
  };
  try {
    const first = await c.ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: size }), { abortSignal: o.abortSignal });
    const firstGroups = toModel(first.SecurityGroups);
    let out = firstGroups;
    if (first.NextToken) {
      const vpcIds = (await vpcs.catch(() => undefined))?.map((v) => v.vpcId) ?? [];
      const inFirst = new Map<string, number>();
      for (const g of firstGroups) inFirst.set(g.vpcId ?? '', (inFirst.get(g.vpcId ?? '') ?? 0) + 1);
      const full = firstGroups.length >= size;
      const spread = full && vpcIds.length > 1 && Math.max(...inFirst.values()) < SPLIT_BELOW_SHARE * firstGroups.length && !inFirst.has('');
      if (spread) {
        // A filter takes up to 200 values (EC2 API Reference, Filter).
        const per = Math.min(200, Math.ceil(vpcIds.length / GROUPS_CALLS));
        const calls: string[][] = [];
        for (let i = 0; i < vpcIds.length; i += per) calls.push(vpcIds.slice(i, i + per));
        const lists = await Promise.all(calls.map((ids) => readPages({ Filters: [{ Name: 'vpc-id', Values: ids }] })));
        const byId = new Map<string, SecurityGroup>();
        for (const g of lists.flat()) byId.set(g.groupId, g);
        out = [...byId.values()];
      } else out = firstGroups.concat(await readPages({}, first.NextToken));
    }
    feed.end();
    return out;
  } catch (e) {
    feed.fail(e);
    throw e;
  }
}

/**
 * What a read has listed so far, page by page as its pages arrive, for a read that splits on it
 * (the rules by group ids, the DB instances by clusters). Items are kept once, by `key`.
 */
export class PageFeed<T> {
  private readonly list: T[] = [];
  private readonly seen = new Set<string>();
  private finished = false;
  private error: unknown;
  private waiters: (() => void)[] = [];
  constructor(private readonly key: (item: T) => string) {}
  push(items: readonly T[]): void {
    for (const item of items) {
      const k = this.key(item);
      if (this.seen.has(k)) continue;
      this.seen.add(k);
      this.list.push(item);
    }
    this.wake();
  }
  end(): void {
    this.finished = true;
    this.wake();
  }
  fail(e: unknown): void {
    this.error = e ?? new Error('the read failed');
    this.finished = true;
    this.wake();
  }
  /** Resolves once there are more than `count` items, or the read has ended (or failed). */
  async after(count: number): Promise<{ ids: readonly T[]; done: boolean; error?: unknown }> {
    while (this.list.length <= count && !this.finished) await new Promise<void>((r) => this.waiters.push(r));
    return { ids: this.list, done: this.finished, ...(this.error !== undefined ? { error: this.error } : {}) };
  }
  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** The group ids of the groups read, page by page as they arrive, for the parallel rules read. */
export class GroupIdFeed extends PageFeed<string> {
  constructor() {
    super((id) => id);
  }
}

/** The groups of a VPC with this exact name (to find a group whose creation answer was lost). */
export async function readGroupsByName(c: RegionClients, vpcId: string, groupName: string, o: ReadOptions = {}): Promise<SecurityGroup[]> {
  const out = await c.ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: [groupName] },
      ],
    }),
    { abortSignal: o.abortSignal },
  );
  return (out.SecurityGroups ?? []).filter((g) => g.GroupName === groupName).map((g) => toGroup(c.region, g));
}

export async function readRules(c: RegionClients, o: ReadOptions = {}, groupIds?: string[]): Promise<SecurityGroupRule[]> {
  if (groupIds && groupIds.length === 0) return [];
  const input = groupIds ? { Filters: [{ Name: 'group-id', Values: groupIds }] } : {};
  if (groupIds) {
    // A filtered read: page through by hand so a filter and MaxResults work together.
    const out: SecurityGroupRule[] = [];
    let token: string | undefined;
    do {
      const page = await c.ec2.send(new DescribeSecurityGroupRulesCommand({ ...input, NextToken: token, MaxResults: 1000 }), {
        abortSignal: o.abortSignal,
      });
      out.push(...(page.SecurityGroupRules ?? []).map((r) => toRule(c.region, r)));
      token = page.NextToken;
    } while (token);
    return out;
  }
  const pages = paginateDescribeSecurityGroupRules({ client: c.ec2, pageSize: o.ec2PageSize ?? 1000 }, input, {
    abortSignal: o.abortSignal,
  });
  return (await collect(pages, (p) => p.SecurityGroupRules)).map((r) => toRule(c.region, r));
}

/** Group ids in one DescribeSecurityGroupRules call of the parallel read (a filter takes up to 200 values: EC2 API Reference, Filter). */
export const RULES_BATCH = 100;
/**
 * Batches of the parallel rules read in flight at first. EC2 answers non-mutating actions from a
 * bucket of 100 requests refilled at 20 a second (EC2 API Reference, "Request throttling"); a load
 * of the largest Region sends about 80 calls, so 16 at once stays inside it, and a throttling
 * answer halves the number from then on.
 */
export const RULES_CONCURRENCY = 16;
/** Throttling answers: EC2 RequestLimitExceeded (EC2 API Reference, "Request throttling"), RDS Throttling. */
const THROTTLING = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException']);
/** A throttled batch is asked again this many times before the read fails. */
const RULES_ATTEMPTS = 6;

/**
 * The rules read of a Region's load. DescribeSecurityGroupRules pages at 1,000 rules (EC2 API
 * Reference, DescribeSecurityGroupRules, MaxResults 5-1000), so one token chain is one round trip
 * per thousand rules, in sequence. The first page is asked unfiltered, beside the groups read; when
 * it comes back full (a big Region), the rules are read again by group-id batches of RULES_BATCH
 * as the groups read's pages arrive, up to `rulesConcurrency` batches at once; a throttled batch
 * halves the concurrency and is asked again. The result is the same rules (a rule belongs to one
 * group, and the batches split the groups), in batch order: the order of the groups read. If the
 * groups read fails, the chain is followed from the first page instead.
 */
export async function readRegionRules(c: RegionClients, o: ReadOptions, feed: GroupIdFeed): Promise<SecurityGroupRule[]> {
  const strategy = o.rulesStrategy ?? 'auto';
  if (strategy === 'chain') return readRules(c, o);
  const size = o.ec2PageSize ?? 1000;
  const first = await c.ec2.send(new DescribeSecurityGroupRulesCommand({ MaxResults: size }), { abortSignal: o.abortSignal });
  const firstRules = (first.SecurityGroupRules ?? []).map((r) => toRule(c.region, r));
  const full = (first.SecurityGroupRules?.length ?? 0) >= size;
  if (first.NextToken && (full || strategy === 'parallel')) {
    const parallel = await readRulesByBatches(c, o, feed);
    if (parallel) return parallel;
  }
  // The chain, from the first page's token.
  const out = firstRules;
  for (let token = first.NextToken; token;) {
    const page = await c.ec2.send(new DescribeSecurityGroupRulesCommand({ MaxResults: size, NextToken: token }), { abortSignal: o.abortSignal });
    out.push(...(page.SecurityGroupRules ?? []).map((r) => toRule(c.region, r)));
    token = page.NextToken;
  }
  return out;
}

/** The batches of the parallel rules read; undefined when the groups read failed (the caller follows the chain). */
async function readRulesByBatches(c: RegionClients, o: ReadOptions, feed: GroupIdFeed): Promise<SecurityGroupRule[] | undefined> {
  const stop = new AbortController();
  const signal = o.abortSignal ? AbortSignal.any([o.abortSignal, stop.signal]) : stop.signal;
  // Each batch in flight listens to it (16 at first): above Node's default warning level of 10.
  setMaxListeners(100, signal);
  const results: SecurityGroupRule[][] = [];
  const queue: { index: number; ids: string[]; attempt: number }[] = [];
  let limit = Math.max(1, o.rulesConcurrency ?? RULES_CONCURRENCY);
  let running = 0;
  let cut = 0;
  let producing = true;
  let failed: { error: unknown } | undefined;
  let groupsFailed = false;
  let settle!: () => void;
  const finished = new Promise<void>((r) => (settle = r));
  const check = () => {
    if (failed || groupsFailed || (!producing && queue.length === 0 && running === 0)) settle();
  };
  const readBatch = async (ids: string[]): Promise<SecurityGroupRule[]> => {
    const out: SecurityGroupRule[] = [];
    let token: string | undefined;
    do {
      const page = await c.ec2.send(
        new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: ids }], MaxResults: o.ec2PageSize ?? 1000, NextToken: token }),
        { abortSignal: signal },
      );
      out.push(...(page.SecurityGroupRules ?? []).map((r) => toRule(c.region, r)));
      token = page.NextToken;
    } while (token);
    return out;
  };
  const pump = () => {
    while (!failed && running < limit && queue.length) {
      const job = queue.shift()!;
      running++;
      void (async () => {
        if (job.attempt > 0) await new Promise((r) => setTimeout(r, (o.rulesRetryDelayMs ?? 250) * job.attempt));
        try {
          results[job.index] = await readBatch(job.ids);
        } catch (e) {
          if (THROTTLING.has((e as Error)?.name ?? '') && job.attempt + 1 < RULES_ATTEMPTS && !signal.aborted) {
            // Throttled: fewer at once from now on, and this batch again (first in line).
            limit = Math.max(1, Math.floor(limit / 2));
            queue.unshift({ ...job, attempt: job.attempt + 1 });
          } else failed ??= { error: e };
        } finally {
          running--;
          pump();
          check();
        }
      })();
    }
  };
  void (async () => {
    let seen = 0;
    for (;;) {
      // A whole batch more, or the end (after() resolves at once while it has more than the count).
      const f = await feed.after(seen + RULES_BATCH - 1);
      if (f.error !== undefined) {
        groupsFailed = true;
        break;
      }
      // Whole batches while the groups arrive; the rest once they all have.
      while (f.ids.length - seen >= RULES_BATCH || (f.done && seen < f.ids.length)) {
        const ids = f.ids.slice(seen, seen + RULES_BATCH);
        queue.push({ index: cut++, ids, attempt: 0 });
        seen += ids.length;
      }
      pump();
      if (f.done) break;
    }
    producing = false;
    check();
  })();
  await finished;
  stop.abort();
  if (failed) throw failed.error;
  if (groupsFailed) return undefined;
  return results.flat();
}

export async function readSubnetGroupVpcs(c: RegionClients, o: ReadOptions = {}): Promise<Map<string, string>> {
  const pages = paginateDescribeDBSubnetGroups({ client: c.rds, pageSize: o.rdsPageSize ?? 100 }, {}, { abortSignal: o.abortSignal });
  const map = new Map<string, string>();
  for (const s of await collect(pages, (p) => p.DBSubnetGroups)) {
    if (s.DBSubnetGroupName && s.VpcId) map.set(s.DBSubnetGroupName, s.VpcId);
  }
  return map;
}

export async function readClusters(c: RegionClients, o: ReadOptions = {}, clusterId?: string): Promise<DbCluster[]> {
  if (clusterId) {
    const out = await c.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }), { abortSignal: o.abortSignal });
    return (out.DBClusters ?? []).map((x) => toCluster(c.region, x));
  }
  return (await readAllClusters(c, o)).clusters;
}

/** The first page of the clusters read when its pages show as they come (RDS's least MaxRecords). */
const FIRST_CLUSTERS_PAGE = 20;

/**
 * The clusters read of the load: the databases, and the Neptune / DocumentDB clusters kept aside
 * (they carry groups). `onPage` sees what the pages so far hold, after each page that has a next one.
 */
async function readAllClusters(
  c: RegionClients,
  o: ReadOptions,
  onPage?: (sofar: { clusters: DbCluster[]; others: OtherDatabase[] }) => void,
  feed?: PageFeed<ClusterMembers>,
): Promise<{ clusters: DbCluster[]; others: OtherDatabase[] }> {
  const clusters: DbCluster[] = [];
  const others: OtherDatabase[] = [];
  try {
    // The tree's load asks a small first page: its rows show after one round trip and a short parse
    // (RDS pages DescribeDBClusters at 20 to 100 records: RDS API Reference, DescribeDBClusters, MaxRecords).
    let marker: string | undefined;
    let size = o.rdsPageSize ?? (onPage ? FIRST_CLUSTERS_PAGE : 100);
    do {
      const p = await c.rds.send(new DescribeDBClustersCommand({ MaxRecords: size, ...(marker ? { Marker: marker } : {}) }), { abortSignal: o.abortSignal });
      marker = p.Marker;
      size = o.rdsPageSize ?? 100;
      for (const x of p.DBClusters ?? [])
        if (isDatabaseEngine(x.Engine)) clusters.push(toCluster(c.region, x));
        else
          others.push({
            clusterId: x.DBClusterIdentifier ?? '',
            engine: x.Engine === 'neptune' ? 'Neptune' : x.Engine === 'docdb' ? 'DocumentDB' : (x.Engine ?? ''),
            groupIds: (x.VpcSecurityGroups ?? []).flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [])),
          });
      feed?.push((p.DBClusters ?? []).flatMap((x) => (x.DBClusterIdentifier ? [{ id: x.DBClusterIdentifier, members: x.DBClusterMembers?.length ?? 0 }] : [])));
      // A Marker means another page follows (RDS API Reference, DescribeDBClusters): show this one meanwhile.
      if (onPage && p.Marker) onPage({ clusters: [...clusters], others: [...others] });
    } while (marker);
  } catch (e) {
    feed?.fail(e);
    throw e;
  }
  feed?.end();
  return { clusters, others };
}

/** A cluster of the clusters read (any engine) and how many DB instances it names as members. */
export interface ClusterMembers {
  readonly id: string;
  readonly members: number;
}

/** Members asked in one filtered DescribeDBInstances call: one page (RDS pages at 100 at most). */
const INSTANCES_BATCH = 100;
/** Cluster identifiers in one db-cluster-id filter (the API reference names no bound; kept modest). */
const CLUSTERS_PER_FILTER = 50;
/** Filtered DescribeDBInstances calls in flight at once. */
const INSTANCES_CONCURRENCY = 10;

/**
 * RDS's own count of the account's DB instances in the Region: DescribeAccountAttributes, quota
 * "DBInstances", Used (RDS API Reference, DescribeAccountAttributes / AccountQuota). Undefined
 * when it cannot be read (refused, or not answered: moto does not implement the action).
 */
async function readInstanceCount(c: RegionClients, o: ReadOptions): Promise<number | undefined> {
  try {
    const out = await c.rds.send(new DescribeRdsAccountAttributesCommand({}), { abortSignal: o.abortSignal });
    const used = out.AccountQuotas?.find((q) => q.AccountQuotaName === 'DBInstances')?.Used;
    return typeof used === 'number' && Number.isInteger(used) && used >= 0 ? used : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The DB instances of a Region's load. DescribeDBInstances pages at 100 (RDS API Reference,
 * DescribeDBInstances, MaxRecords 20-100), so one Marker chain is a round trip per hundred
 * instances, in sequence. The first page is asked beside the clusters read. When it has a next
 * one, the chain goes on and, beside it, RDS's count of the Region's instances is asked
 * (readInstanceCount) and the clusters' members by db-cluster-id filters as the clusters' pages
 * arrive (up to 100 members a call, INSTANCES_CONCURRENCY at once). Those answers stand for the
 * whole list only when the count equals both the members the clusters name and the instances the
 * filtered calls return: an instance outside every cluster (RDS for MySQL, say) makes them differ.
 * The first complete answer wins and the other stops; without the count, the chain is the answer.
 */
async function readLoadInstances(c: RegionClients, o: ReadOptions, clusters: PageFeed<ClusterMembers>): Promise<DbInstance[]> {
  const size = o.rdsPageSize ?? 100;
  const toModel = (list: readonly DBInstance[]) => list.filter((x) => isDatabaseEngine(x.Engine)).map((x) => toInstance(c.region, x));
  const first = await c.rds.send(new DescribeDBInstancesCommand({ MaxRecords: size }), { abortSignal: o.abortSignal });
  if (!first.Marker) return toModel(first.DBInstances ?? []);
  const list = await chainOrSplit(
    o,
    async (goesOn) => {
      const out = [...(first.DBInstances ?? [])];
      for (let marker = first.Marker; marker && goesOn();) {
        const page = await c.rds.send(new DescribeDBInstancesCommand({ MaxRecords: size, Marker: marker }), { abortSignal: o.abortSignal });
        out.push(...(page.DBInstances ?? []));
        marker = page.Marker;
      }
      return out;
    },
    (signal) => readInstancesByClusters(c, signal, size, clusters, readInstanceCount(c, o)),
  );
  return toModel(list);
}

/**
 * A long list read two ways at once: `chain`, the one chain of page tokens (going on from a first
 * page already read, while `goesOn()`), and `split`, the same list by filtered calls in parallel
 * (undefined when they cannot stand for the whole list). The first complete answer wins: the
 * split's calls are cancelled through the signal it is given, the chain stops before its next
 * page. The chain's failure fails the read only when the split has no answer.
 */
async function chainOrSplit<T>(
  o: ReadOptions,
  chain: (goesOn: () => boolean) => Promise<T>,
  split: (signal: AbortSignal) => Promise<T | undefined>,
): Promise<T> {
  const stop = new AbortController();
  const signal = o.abortSignal ? AbortSignal.any([o.abortSignal, stop.signal]) : stop.signal;
  // Each filtered call in flight listens to it: above Node's default warning level of 10.
  setMaxListeners(100, signal);
  let splitWon = false;
  try {
    return await new Promise<T>((resolve, reject) => {
      let chainFailed: { error: unknown } | undefined;
      let splitOut = false;
      chain(() => !splitWon).then(resolve, (error: unknown) => {
        chainFailed = { error };
        if (splitOut) reject(error);
      });
      split(signal).then(
        (list) => {
          splitOut = true;
          if (list !== undefined) {
            splitWon = true;
            resolve(list);
          } else if (chainFailed) reject(chainFailed.error);
        },
        () => {
          splitOut = true;
          if (chainFailed) reject(chainFailed.error);
        },
      );
    });
  } finally {
    stop.abort();
  }
}

/** The filtered calls of readLoadInstances; undefined when they cannot stand for the whole list (or one failed). */
async function readInstancesByClusters(
  c: RegionClients,
  signal: AbortSignal,
  size: number,
  clusters: PageFeed<ClusterMembers>,
  count: Promise<number | undefined>,
): Promise<DBInstance[] | undefined> {
  const expected = await count;
  if (expected === undefined || signal.aborted) return undefined;
  let running = 0;
  const slots: (() => void)[] = [];
  const readBatch = async (ids: string[]): Promise<DBInstance[] | undefined> => {
    while (running >= INSTANCES_CONCURRENCY) await new Promise<void>((r) => slots.push(r));
    running++;
    try {
      const out: DBInstance[] = [];
      for (let marker: string | undefined, more = true; more; more = !!marker) {
        const page = await c.rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: ids }], MaxRecords: size, Marker: marker }), {
          abortSignal: signal,
        });
        out.push(...(page.DBInstances ?? []));
        marker = page.Marker;
      }
      return out;
    } catch {
      return undefined; // the chain answers instead
    } finally {
      running--;
      slots.shift()?.();
    }
  };
  const batches: Promise<DBInstance[] | undefined>[] = [];
  let batch: string[] = [];
  let inBatch = 0;
  let members = 0;
  const flush = () => {
    if (batch.length) batches.push(readBatch(batch));
    batch = [];
    inBatch = 0;
  };
  for (let seen = 0; ;) {
    const f = await clusters.after(seen);
    if (f.error !== undefined || signal.aborted) return undefined;
    for (const cl of f.ids.slice(seen)) {
      if (cl.members === 0) continue;
      if (inBatch + cl.members > INSTANCES_BATCH || batch.length >= CLUSTERS_PER_FILTER) flush();
      batch.push(cl.id);
      inBatch += cl.members;
      members += cl.members;
    }
    seen = f.ids.length;
    // More members than instances: the counts disagree already.
    if (members > expected) return undefined;
    if (f.done) break;
  }
  flush();
  if (members !== expected) return undefined;
  const lists = await Promise.all(batches);
  if (lists.some((l) => !l)) return undefined;
  const byId = new Map<string, DBInstance>();
  for (const x of lists.flat()) byId.set(x!.DBInstanceIdentifier ?? '', x!);
  return byId.size === expected ? [...byId.values()] : undefined;
}

export async function readInstances(c: RegionClients, o: ReadOptions = {}, instanceId?: string): Promise<DbInstance[]> {
  if (instanceId) {
    const out = await c.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }), { abortSignal: o.abortSignal });
    return (out.DBInstances ?? []).map((x) => toInstance(c.region, x));
  }
  const pages = paginateDescribeDBInstances({ client: c.rds, pageSize: o.rdsPageSize ?? 100 }, {}, { abortSignal: o.abortSignal });
  return (await collect(pages, (p) => p.DBInstances)).filter((x) => isDatabaseEngine(x.Engine)).map((x) => toInstance(c.region, x));
}

export async function readPeerings(c: RegionClients, o: ReadOptions = {}): Promise<VpcPeering[]> {
  const pages = paginateDescribeVpcPeeringConnections({ client: c.ec2, pageSize: o.ec2PageSize ?? 1000 }, {}, { abortSignal: o.abortSignal });
  return (await collect(pages, (p) => p.VpcPeeringConnections)).filter((p) => p.VpcPeeringConnectionId).map(toPeering);
}

/**
 * The VPCs worth asking DescribeStaleSecurityGroups about: those holding a rule that references a
 * group of another VPC or across a peering connection. A same-VPC reference cannot go stale (AWS
 * refuses to delete a group another group of its VPC references: EC2 API Reference,
 * DeleteSecurityGroup), so most accounts need no call at all.
 */
export function vpcsToCheckForStale(groups: readonly SecurityGroup[], rules: readonly SecurityGroupRule[]): string[] {
  const vpcOf = new Map(groups.map((g) => [g.groupId, g.vpcId]));
  const out = new Set<string>();
  for (const r of rules) {
    if (r.peer.kind !== 'group') continue;
    const vpc = vpcOf.get(r.groupId);
    if (!vpc) continue;
    const peerVpc = r.peer.vpcId ?? vpcOf.get(r.peer.groupId);
    if (r.peer.peeringConnectionId || (peerVpc && peerVpc !== vpc)) out.add(vpc);
  }
  return [...out].sort();
}

/**
 * DescribeStaleSecurityGroups for each VPC (it takes one VpcId a call, MaxResults 5-255). A VPC
 * whose call fails is left out: unknown, never "nothing stale" (moto answers HTTP 500 to it).
 * Cancellation is passed on.
 */
export async function readStaleChecks(c: RegionClients, vpcIds: readonly string[], o: ReadOptions = {}): Promise<{ vpcId: string; rules: StaleRuleRef[] }[]> {
  const settled = await Promise.allSettled(
    vpcIds.map(async (vpcId) => {
      const pages = paginateDescribeStaleSecurityGroups(
        { client: c.ec2, pageSize: Math.min(o.ec2PageSize ?? 255, 255) },
        { VpcId: vpcId },
        { abortSignal: o.abortSignal },
      );
      return { vpcId, rules: toStaleRules(await collect(pages, (p) => p.StaleSecurityGroupSet)) };
    }),
  );
  const cancelled = settled.find((r) => r.status === 'rejected' && isCancellation(r.reason));
  if (cancelled) throw (cancelled as PromiseRejectedResult).reason;
  return settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

/** The reads the tree is made of; when all of them fail there is nothing to show. */
const CORE_READS: readonly RegionRead[] = ['vpcs', 'groups', 'rules', 'subnetGroups', 'clusters', 'instances'];

/** An error that means the load was cancelled, not that a read failed. */
const isCancellation = (e: unknown) => (e as Error)?.name === 'AbortError';

/** The reads of a load, in the order readRegion starts them. */
const LOAD_READS: readonly RegionRead[] = ['vpcs', 'groups', 'rules', 'subnetGroups', 'clusters', 'instances', 'peerings', 'limits', 'networkInterfaces'];

export interface RegionReadOptions extends ReadOptions {
  /**
   * Called each time one of the reads answers (and after each page of the clusters read that has a
   * next one), before the load is complete, with a partial
   * snapshot: what has been read so far, and in `pending` the reads not answered yet (a failed read
   * stays pending: its failure row comes with the result). Not called once the load is cancelled or
   * a sign-in failure has ended it; never called with the final snapshot (readRegion's result).
   */
  readonly onPart?: (partial: RegionSnapshot) => void;
  /**
   * With onPart: the big reads (the groups, the rules, the DB instances, the network interfaces)
   * are sent (holdRequests) only once the VPCs and the clusters' first page are in and this settles (the tree
   * has taken their rows), or 300 ms after those are in, so the first rows get the CPU first; from
   * the moment those are in until then, every other answer waits too.
   * Never later than 1.5 s after the load starts. Must never reject.
   */
  readonly heavyAnswersAfter?: Promise<void>;
}

/** The calls readRegion sends only after the first rows (RegionReadOptions.heavyAnswersAfter): the big answers. */
const HEAVY_EC2 = ['DescribeSecurityGroupsCommand', 'DescribeSecurityGroupRulesCommand', 'DescribeNetworkInterfacesCommand'];
const HEAVY_RDS = ['DescribeDBInstancesCommand'];
/** How long the first rows may keep the big reads waiting once their reads are in, and at most from the start. */
const ROWS_GRACE_MS = 300;
const ROWS_CAP_MS = 1500;

/** The snapshot made of the reads that have settled so far (`settled[i]` is LOAD_READS[i]'s, undefined while it runs). */
function assemble(region: string, settled: readonly (PromiseSettledResult<unknown> | undefined)[]): { snapshot: RegionSnapshot; failures: ReadFailure[] } {
  const failures: ReadFailure[] = [];
  settled.forEach((r, i) => {
    if (r?.status === 'rejected') failures.push({ read: LOAD_READS[i]!, action: REGION_READS[LOAD_READS[i]!].action, error: r.reason });
  });
  const has = (i: number) => settled[i]?.status === 'fulfilled';
  const value = <T>(i: number, empty: T): T => (has(i) ? (settled[i] as PromiseFulfilledResult<T>).value : empty);
  const groups = value<SecurityGroup[]>(1, []);
  const allClusters = value<{ clusters: DbCluster[]; others: OtherDatabase[] } | undefined>(4, undefined);
  const { clusters, instances } = resolveVpcs(allClusters?.clusters ?? [], value<DbInstance[]>(5, []), groups, value<Map<string, string>>(3, new Map()));
  const limits = value<AccountLimits | undefined>(7, undefined);
  const snapshot: RegionSnapshot = {
    region,
    vpcs: value<Vpc[]>(0, []),
    groups,
    rules: value<SecurityGroupRule[]>(2, []),
    clusters,
    instances,
    loadedAt: Date.now(),
    ...(limits ? { limits } : {}),
    ...(has(6) ? { peerings: value<VpcPeering[]>(6, []) } : {}),
    ...(allClusters ? { otherDatabases: allClusters.others } : {}),
    ...(has(8) ? { interfaces: value<NetworkInterfaceUse[]>(8, []) } : {}),
  };
  return { snapshot, failures };
}

/**
 * Everything the tree shows for one Region: the paginated reads run in parallel and each settles
 * on its own, so one missing permission does not blank the Region. A read that fails leaves its
 * list empty and is named, with the IAM action it needs, in `failures`. When every read fails
 * (no credentials, no network, a wrong endpoint) or the load is cancelled, the first error is
 * thrown: there is nothing to show. With `onPart`, each read that settles first publishes a
 * partial snapshot (the tree fills in part by part; the result is the same as without it).
 */
export async function readRegion(c: RegionClients, o: RegionReadOptions = {}): Promise<RegionSnapshot> {
  const so: ReadOptions = { abortSignal: o.abortSignal, ec2PageSize: o.ec2PageSize, rdsPageSize: o.rdsPageSize, rulesStrategy: o.rulesStrategy };
  // The rules read sees the group ids as they arrive (for its parallel strategy: readRegionRules).
  const feed = new GroupIdFeed();
  // The DB instances read sees the clusters as they arrive (readLoadInstances).
  const clusterFeed = new PageFeed<ClusterMembers>((x) => x.id);
  // What the pages so far of a read still running hold, shown in the partial snapshots (`early[i]` for LOAD_READS[i]).
  const early: unknown[] = [];
  let clustersIn = () => {};
  const vpcsRead = readVpcs(c, so);
  const reads: Promise<unknown>[] = [
    vpcsRead,
    readLoadGroups(c, so, vpcsRead, feed),
    readRegionRules(c, so, feed),
    readSubnetGroupVpcs(c, so),
    // Its pages show as they come (200 clusters are two round trips; the first rows need one).
    readAllClusters(c, so, o.onPart ? (sofar) => ((early[4] = sofar), publish(), clustersIn()) : undefined, clusterFeed),
    readLoadInstances(c, so, clusterFeed),
    readPeerings(c, so),
    readLimits(c, so),
    readNetworkInterfaces(c, so),
  ];
  // The first rows first (heavyAnswersAfter): the big reads wait, within bounds, until they are shown.
  let openHeavy = () => {};
  let settledAll = false;
  const timers: ReturnType<typeof setTimeout>[] = [];
  if (o.onPart && o.heavyAnswersAfter) {
    const gate = new Promise<void>((r) => (openHeavy = r));
    holdRequests(c.ec2, HEAVY_EC2, gate);
    holdRequests(c.rds, HEAVY_RDS, gate);
    timers.push(setTimeout(openHeavy, ROWS_CAP_MS));
    o.abortSignal?.addEventListener('abort', openHeavy, { once: true });
    const settledOrFirstPage = new Promise<void>((r) => (clustersIn = r));
    const after = o.heavyAnswersAfter;
    const noop = () => undefined;
    void Promise.all([reads[0]!.then(noop, noop), Promise.race([settledOrFirstPage, reads[4]!.then(noop, noop)])]).then(() => {
      if (settledAll) return;
      // The tree takes the first rows now, in a few round trips to VS Code that each wait for the
      // extension host's CPU: until it has, every answer waits (the clusters' next pages too).
      holdAnswers(c.ec2, 'all', gate);
      holdAnswers(c.rds, 'all', gate);
      timers.push(setTimeout(openHeavy, ROWS_GRACE_MS));
      void after.then(openHeavy);
    });
  }
  // Asked as soon as their inputs are read, so their round trips overlap the reads still running
  // (on a big Region the DB instances' chain of pages ends after the rules): the stale references of
  // the few VPCs that reference another VPC (usually none; failing, unknown: see readStaleChecks), and
  // the prefix lists the rules reference (their size counts against the rules quota). The findings
  // pass stays a pure function of the snapshot. Neither promise rejects but for a cancellation.
  const groupsAndRules = Promise.all([reads[1] as Promise<SecurityGroup[]>, reads[2] as Promise<SecurityGroupRule[]>]);
  const staleRead = groupsAndRules.then(
    ([groups, rules]) => {
      const vpcIds = vpcsToCheckForStale(groups, rules);
      return vpcIds.length ? readStaleChecks(c, vpcIds, so) : undefined;
    },
    () => undefined, // without the groups or the rules there is nothing to check
  );
  const prefixRead = (reads[2] as Promise<SecurityGroupRule[]>).then(
    (rules) => {
      const ids = [...new Set(rules.flatMap((r) => (r.peer.kind === 'prefixList' ? [r.peer.prefixListId] : [])))].sort();
      return ids.length
        ? readPrefixLists(c, ids, so).then(
            (lists) => ({ lists }),
            (error: unknown) => ({ error }),
          )
        : undefined;
    },
    () => undefined,
  );
  // Handled now, so a load that fails as a whole leaves no unhandled rejection behind.
  const extras = Promise.allSettled([staleRead, prefixRead]);
  const sofar: (PromiseSettledResult<unknown> | undefined)[] = reads.map(() => undefined);
  // A sign-in problem or a cancellation fails the whole load: nothing partial is shown for it.
  const fatal = (e: unknown) => isCancellation(e) || CREDENTIAL_CODES.has((e as Error)?.name ?? '');
  let publishing = !!o.onPart;
  function publish() {
    if (!publishing || o.abortSignal?.aborted) return;
    // Only what was read: a read that failed stays pending until the end, for the whole load may yet
    // fail (every read failing is a Region that cannot be loaded, not six failure rows). A read that
    // shows its first pages stays pending too.
    const answered = sofar.map((x) => (x?.status === 'fulfilled' ? x : undefined));
    const pending = LOAD_READS.filter((_, j) => !answered[j]).concat('prefixLists');
    const shown = answered.map((x, j): PromiseSettledResult<unknown> | undefined => x ?? (j in early ? { status: 'fulfilled', value: early[j] } : undefined));
    const firstPages = LOAD_READS.filter((_, j) => !answered[j] && j in early);
    o.onPart!({ ...assemble(c.region, shown).snapshot, pending, ...(firstPages.length ? { firstPages } : {}) });
  }
  const part = (i: number, r: PromiseSettledResult<unknown>) => {
    sofar[i] = r;
    if (r.status === 'rejected' && fatal(r.reason)) publishing = false;
    if (r.status === 'fulfilled') publish();
  };
  const settled = await Promise.allSettled(
    reads.map((p, i) =>
      p.then(
        (value) => (part(i, { status: 'fulfilled', value }), value),
        (reason: unknown) => {
          part(i, { status: 'rejected', reason });
          throw reason;
        },
      ),
    ),
  );
  // Every read has settled: nothing is held any more.
  settledAll = true;
  openHeavy();
  for (const t of timers) clearTimeout(t);
  const { snapshot, failures } = assemble(c.region, settled);
  const cancelled = failures.find((f) => isCancellation(f.error)) ?? (o.abortSignal?.aborted ? failures[0] : undefined);
  if (cancelled) throw cancelled.error;
  // Credentials that are missing, expired or wrong for the Region fail every read sooner or
  // later: that is a sign-in problem for the whole Region, not a part that could not be read.
  const credentials = failures.find((f) => CREDENTIAL_CODES.has((f.error as Error)?.name ?? ''));
  if (credentials) throw credentials.error;
  // Nothing of the tree could be read (the reads after the first six only add to it).
  if (failures.filter((f) => CORE_READS.includes(f.read)).length === CORE_READS.length) throw failures[0]!.error;
  const [stale, lists] = await extras;
  for (const r of [stale, lists]) if (r.status === 'rejected') throw r.reason; // a cancellation
  const staleRules = stale.status === 'fulfilled' ? stale.value : undefined;
  const staleChecks = staleRules ? { staleChecks: staleRules } : {};
  const listRead = lists.status === 'fulfilled' ? lists.value : undefined;
  let prefixLists: { prefixLists?: PrefixListInfo[] } = {};
  if (listRead && 'lists' in listRead) prefixLists = { prefixLists: listRead.lists };
  else if (listRead) {
    if (isCancellation(listRead.error) || o.abortSignal?.aborted) throw listRead.error;
    failures.push({ read: 'prefixLists', action: REGION_READS.prefixLists.action, error: listRead.error });
  }
  return {
    ...snapshot,
    loadedAt: Date.now(),
    ...(failures.length ? { failures } : {}),
    ...staleChecks,
    ...prefixLists,
  };
}

/** Every network interface of the Region with its groups (EC2 API Reference, DescribeNetworkInterfaces). */
export async function readNetworkInterfaces(c: RegionClients, o: ReadOptions = {}): Promise<NetworkInterfaceUse[]> {
  const pages = paginateDescribeNetworkInterfaces({ client: c.ec2, pageSize: o.ec2PageSize ?? 1000 }, {}, { abortSignal: o.abortSignal });
  return (await collect(pages, (p) => p.NetworkInterfaces)).map((n) => ({
    interfaceId: n.NetworkInterfaceId ?? '',
    interfaceType: n.InterfaceType ?? 'interface',
    ...(n.Description ? { description: n.Description } : {}),
    ...(n.Attachment?.InstanceId ? { instanceId: n.Attachment.InstanceId } : {}),
    groupIds: (n.Groups ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : [])),
  }));
}

/**
 * The managed prefix lists with these ids (EC2 API Reference, DescribeManagedPrefixLists; the
 * `prefix-list-id` filter, so a list that is gone or shared away is just absent, where the
 * PrefixListIds parameter would fail the whole call with InvalidPrefixListID.NotFound).
 */
export async function readPrefixLists(c: RegionClients, ids: readonly string[], o: ReadOptions = {}): Promise<PrefixListInfo[]> {
  const out: PrefixListInfo[] = [];
  // A filter takes at most 200 values (EC2 API Reference, Filter).
  for (let i = 0; i < ids.length; i += 200) {
    const pages = paginateDescribeManagedPrefixLists(
      // MaxResults 1-100 (EC2 API Reference, DescribeManagedPrefixLists).
      { client: c.ec2, pageSize: Math.min(o.ec2PageSize ?? 100, 100) },
      { Filters: [{ Name: 'prefix-list-id', Values: ids.slice(i, i + 200) }] },
      { abortSignal: o.abortSignal },
    );
    for (const pl of await collect(pages, (p) => p.PrefixLists))
      if (pl.PrefixListId)
        out.push({
          prefixListId: pl.PrefixListId,
          ...(pl.PrefixListName ? { name: pl.PrefixListName } : {}),
          ...(pl.OwnerId ? { ownerId: pl.OwnerId } : {}),
          ...(pl.MaxEntries !== undefined ? { maxEntries: pl.MaxEntries } : {}),
        });
  }
  return out;
}

/** EC2 instances, optionally only those in one VPC or carrying one of the given groups. */
export async function readEc2Instances(c: RegionClients, o: ReadOptions = {}, filter?: { vpcId?: string; groupIds?: string[] }): Promise<Ec2Instance[]> {
  const Filters = [
    ...(filter?.vpcId ? [{ Name: 'vpc-id', Values: [filter.vpcId] }] : []),
    ...(filter?.groupIds?.length ? [{ Name: 'instance.group-id', Values: filter.groupIds }] : []),
    { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
  ];
  const pages = paginateDescribeInstances({ client: c.ec2, pageSize: o.ec2PageSize ?? 1000 }, { Filters }, { abortSignal: o.abortSignal });
  const out: Ec2Instance[] = [];
  for await (const p of pages) for (const r of p.Reservations ?? []) for (const i of r.Instances ?? []) out.push(toEc2Instance(c.region, i));
  return out;
}

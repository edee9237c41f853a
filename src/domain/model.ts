// The domain model: plain data read from AWS, independent of VS Code and of the AWS SDK.

export type Tags = Readonly<Record<string, string>>;

export interface Vpc {
  readonly region: string;
  readonly vpcId: string;
  readonly ownerId?: string;
  readonly name?: string;
  readonly cidrBlocks: readonly string[];
  readonly ipv6CidrBlocks: readonly string[];
  readonly isDefault: boolean;
  readonly state?: string;
  readonly tags: Tags;
}

export interface SecurityGroup {
  readonly region: string;
  readonly groupId: string;
  readonly groupName: string;
  readonly description: string;
  readonly vpcId?: string;
  readonly ownerId?: string;
  readonly tags: Tags;
}

/** Where a rule lets traffic come from (inbound) or go to (outbound): exactly one kind. */
export type RulePeer =
  | { readonly kind: 'cidr4'; readonly cidr: string }
  | { readonly kind: 'cidr6'; readonly cidr: string }
  | { readonly kind: 'prefixList'; readonly prefixListId: string }
  | {
      readonly kind: 'group';
      readonly groupId: string;
      readonly userId?: string;
      readonly vpcId?: string;
      readonly peeringConnectionId?: string;
      /** ReferencedGroupInfo.PeeringStatus: the status of that peering connection ('active', 'deleted', ...), when AWS gives one. */
      readonly peeringStatus?: string;
    };

/**
 * What a security group rule allows, in which group: a rule to create, or (with its Region and
 * id) one read from AWS. `protocol` is AWS's IpProtocol lower-cased: 'tcp', 'udp', 'icmp',
 * 'icmpv6', '-1' (all traffic) or a protocol number as text. Ports are -1 where AWS gives none.
 */
export interface RuleSpec {
  readonly groupId: string;
  readonly isEgress: boolean;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly peer: RulePeer;
  readonly description?: string;
}

/** One security group rule as AWS holds it. */
export interface SecurityGroupRule extends RuleSpec {
  readonly region: string;
  readonly ruleId: string;
}

export interface AttachedGroup {
  readonly groupId: string;
  /** 'active', 'adding', 'removing', ... as RDS reports it. */
  readonly status?: string;
}

export interface DbClusterMember {
  readonly instanceId: string;
  readonly isWriter: boolean;
  readonly promotionTier?: number;
}

/**
 * What DescribeDBClusters returned: an Aurora DB cluster, or an RDS Multi-AZ DB cluster (engine
 * mysql / postgres, DBClusterInstanceClass set; RDS API Reference, DescribeDBClusters: "Aurora DB
 * clusters and Multi-AZ DB clusters"). Both take their security groups on the cluster
 * (ModifyDBCluster VpcSecurityGroupIds is "Valid for: Aurora DB clusters and Multi-AZ DB clusters").
 */
export type DbClusterKind = 'aurora' | 'multi-az';

export interface DbCluster {
  readonly region: string;
  readonly clusterId: string;
  readonly arn?: string;
  readonly kind: DbClusterKind;
  readonly engine: string;
  readonly engineVersion?: string;
  /** EngineMode: 'provisioned', 'serverless' (Aurora Serverless v1), ...; absent when AWS gives none. */
  readonly engineMode?: string;
  /** DBClusterInstanceClass: the class of every instance of a Multi-AZ DB cluster; absent for Aurora. */
  readonly instanceClass?: string;
  readonly port?: number;
  readonly status: string;
  readonly endpoint?: string;
  readonly readerEndpoint?: string;
  readonly members: readonly DbClusterMember[];
  readonly securityGroups: readonly AttachedGroup[];
  readonly subnetGroupName?: string;
  /** Resolved from the subnet group, else from the VPC of an attached group. */
  readonly vpcId?: string;
  /**
   * What waits in the database's pending-modifications queue (PendingModifiedValues), one phrase
   * each ("engine version 8.0.mysql_aurora.3.05.2", "instance class db.r6g.large"); absent when
   * nothing is pending. A group change does not apply these (ApplyImmediately is never sent).
   */
  readonly pendingChanges?: readonly string[];
  /** TagList of DescribeDBClusters (absent when it has none): who manages the cluster (src/domain/code/managed.ts). */
  readonly tags?: Tags;
  /**
   * PubliclyAccessible of a Multi-AZ DB cluster, where RDS keeps it (RDS API Reference, DBCluster:
   * "valid for Multi-AZ DB clusters only"); for Aurora it is per instance.
   */
  readonly publiclyAccessible?: boolean;
  /** NetworkType: 'IPV4' or 'DUAL' (dual-stack). */
  readonly networkType?: string;
}

export interface DbInstance {
  readonly region: string;
  readonly instanceId: string;
  readonly arn?: string;
  readonly clusterId?: string;
  readonly engine: string;
  readonly instanceClass?: string;
  readonly status: string;
  readonly securityGroups: readonly AttachedGroup[];
  readonly vpcId?: string;
  readonly endpointAddress?: string;
  readonly port?: number;
  readonly availabilityZone?: string;
  /** PubliclyAccessible: whether its endpoint resolves to a public address (with a route to an internet gateway, reachable from the internet). */
  readonly publiclyAccessible?: boolean;
  /** NetworkType: 'IPV4' (RDS's default) or 'DUAL' (dual-stack: an IPv6 address too). */
  readonly networkType?: string;
  /** Its DB subnet group's name (absent for Aurora members in some answers: the cluster's applies). */
  readonly subnetGroupName?: string;
  /** The subnets of its DB subnet group, when DescribeDBInstances gave them. */
  readonly subnetIds?: readonly string[];
  /**
   * What waits in the database's pending-modifications queue (PendingModifiedValues), one phrase
   * each ("engine version 8.0.mysql_aurora.3.05.2", "instance class db.r6g.large"); absent when
   * nothing is pending. A group change does not apply these (ApplyImmediately is never sent).
   */
  readonly pendingChanges?: readonly string[];
  /** TagList of DescribeDBInstances (absent when it has none). */
  readonly tags?: Tags;
}

/** An EC2 instance, for "who carries this group" and the walkthrough's app server. */
export interface Ec2Instance {
  readonly region: string;
  readonly instanceId: string;
  readonly name?: string;
  readonly state?: string;
  readonly vpcId?: string;
  readonly privateIp?: string;
  readonly publicIp?: string;
  /** The subnet of its primary network interface (Instance.SubnetId). */
  readonly subnetId?: string;
  /** The groups of all its network interfaces (who carries a group, through any interface). */
  readonly securityGroupIds: readonly string[];
  /**
   * Its primary network interface (attachment device index 0) and that interface's own groups:
   * the list a change of "the instance's groups" replaces (EC2 API Reference,
   * ModifyInstanceAttribute Groups; a multi-interface instance is changed per interface with
   * ModifyNetworkInterfaceAttribute). Absent when DescribeInstances named no such interface.
   */
  readonly primaryInterface?: { readonly networkInterfaceId: string; readonly groupIds: readonly string[] };
}

/**
 * The reads a Region's load is made of. Each settles on its own: one that fails (a missing
 * permission, most often) leaves its part empty and is named in `RegionSnapshot.failures`.
 */
export type RegionRead = 'vpcs' | 'groups' | 'rules' | 'subnetGroups' | 'clusters' | 'instances' | 'peerings' | 'limits' | 'networkInterfaces' | 'prefixLists';

/** What a failed read is called in the tree and the IAM action it needs. */
export const REGION_READS: Readonly<Record<RegionRead, { readonly label: string; readonly action: string }>> = {
  vpcs: { label: 'VPCs', action: 'ec2:DescribeVpcs' },
  groups: { label: 'security groups', action: 'ec2:DescribeSecurityGroups' },
  rules: { label: 'security group rules', action: 'ec2:DescribeSecurityGroupRules' },
  subnetGroups: { label: 'DB subnet groups', action: 'rds:DescribeDBSubnetGroups' },
  clusters: { label: 'DB clusters', action: 'rds:DescribeDBClusters' },
  instances: { label: 'DB instances', action: 'rds:DescribeDBInstances' },
  peerings: { label: 'VPC peering connections', action: 'ec2:DescribeVpcPeeringConnections' },
  limits: { label: 'security group quotas', action: 'ec2:DescribeAccountAttributes' },
  networkInterfaces: { label: 'network interfaces', action: 'ec2:DescribeNetworkInterfaces' },
  prefixLists: { label: 'managed prefix lists', action: 'ec2:DescribeManagedPrefixLists' },
};

/**
 * A network interface and the groups it carries (DescribeNetworkInterfaces): EC2 instances, and
 * Lambda, load balancers, VPC endpoints, RDS Proxy, EFS, ECS, ... by `interfaceType` and description
 * (usage.ts interfaceOwner). A group on any interface is in use.
 */
export interface NetworkInterfaceUse {
  readonly interfaceId: string;
  readonly interfaceType: string;
  readonly description?: string;
  readonly instanceId?: string;
  readonly groupIds: readonly string[];
}

/**
 * A managed prefix list a rule references (DescribeManagedPrefixLists): a reference counts against
 * the rules quota as its max entries, or, for an AWS-managed list, as its weight (quotas.ts).
 */
export interface PrefixListInfo {
  readonly prefixListId: string;
  readonly name?: string;
  /** 'AWS' for an AWS-managed list. */
  readonly ownerId?: string;
  readonly maxEntries?: number;
}

/**
 * A VPC peering connection as DescribeVpcPeeringConnections gives it (EC2 API Reference,
 * VpcPeeringConnection): its status code ('pending-acceptance', 'failed', 'expired',
 * 'provisioning', 'active', 'deleting', 'deleted', 'rejected') and both sides, each with its
 * VPC, owner account and Region. Only an `active` one lets a rule reference the other side's
 * groups, and only within one Region (VPC Peering Guide, "Update your security groups to
 * reference peer security groups").
 */
export interface VpcPeering {
  readonly peeringId: string;
  readonly status: string;
  readonly requester: PeeringSide;
  readonly accepter: PeeringSide;
}

export interface PeeringSide {
  readonly vpcId?: string;
  readonly ownerId?: string;
  readonly region?: string;
}

/**
 * A rule DescribeStaleSecurityGroups reported: the group that holds it, its direction, protocol
 * and ports, and the group it references (StaleIpPermission UserIdGroupPairs).
 */
export interface StaleRuleRef {
  readonly groupId: string;
  readonly isEgress: boolean;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly referencedGroupId: string;
  readonly peeringConnectionId?: string;
  readonly peeringStatus?: string;
}

/** A read of a Region's load that failed; the rest of the snapshot was read. */
export interface ReadFailure {
  readonly read: RegionRead;
  /** The IAM action the read needs (REGION_READS), e.g. 'ec2:DescribeSecurityGroupRules'. */
  readonly action: string;
  /** The error as the AWS layer threw it (translated for display by the caller). */
  readonly error: unknown;
}

/** A security group quota of the account (src/domain/quotas.ts reads and counts against it). */
export interface QuotaValue {
  readonly value: number;
  /** 'account': the account's value was read; 'default': AWS's default, because the read was refused. */
  readonly source: 'account' | 'default';
  /** Why the default is used (set when source is 'default'). */
  readonly note?: string;
}

export interface AccountLimits {
  /** Service Quotas vpc L-0EA8095F, per direction and per IP family. */
  readonly rulesPerDirection: QuotaValue;
  /** DescribeAccountAttributes vpc-max-security-groups-per-interface (Service Quotas vpc L-2AFB9258). */
  readonly groupsPerInterface: QuotaValue;
}

/** Everything the tree shows for one Region, as read at `loadedAt`. */
/** A Neptune or DocumentDB cluster: listed by the RDS API, not a database of this extension, but it carries groups. */
export interface OtherDatabase {
  readonly clusterId: string;
  readonly engine: string;
  readonly groupIds: readonly string[];
}

export interface RegionSnapshot {
  readonly region: string;
  readonly vpcs: readonly Vpc[];
  readonly groups: readonly SecurityGroup[];
  readonly rules: readonly SecurityGroupRule[];
  readonly clusters: readonly DbCluster[];
  readonly instances: readonly DbInstance[];
  readonly loadedAt: number;
  /**
   * Reads that failed while the others succeeded (absent or empty: everything was read). The
   * lists of a failed read are empty and mean "unknown", never "none": the tree shows the failure
   * on the node it belongs to, and no analysis may conclude anything from the missing part.
   */
  readonly failures?: readonly ReadFailure[];
  /**
   * The Region's VPC peering connections (DescribeVpcPeeringConnections). Absent when that read
   * failed: unknown, so no group across a peering is offered as reachable and no rule is called
   * stale for its peering being gone.
   */
  readonly peerings?: readonly VpcPeering[];
  /**
   * DescribeStaleSecurityGroups, per VPC it answered for (asked only for VPCs whose rules reference
   * another VPC or a peering). A VPC not listed was not asked or did not answer: unknown.
   */
  readonly staleChecks?: readonly { readonly vpcId: string; readonly rules: readonly StaleRuleRef[] }[];
  /** The account's security group quotas in this Region (absent: AWS's defaults, quotas.ts). */
  readonly limits?: AccountLimits;
  /** Neptune / DocumentDB clusters from the clusters read (absent when it failed): they use groups too. */
  readonly otherDatabases?: readonly OtherDatabase[];
  /** Every network interface of the Region and its groups (absent when that read failed: unknown). */
  readonly interfaces?: readonly NetworkInterfaceUse[];
  /**
   * The managed prefix lists the rules reference (asked only when a rule references one). Absent
   * when not asked or the read failed: a reference then counts as one rule (quotas.ts), said so.
   */
  readonly prefixLists?: readonly PrefixListInfo[];
  /**
   * Present only on a partial snapshot: what the store shows in the tree while a load is under way
   * (RegionState.partial), never its index. Holds the reads that have not answered yet: their lists
   * are empty (a first load), still the previous load's (a refresh), or, for a read named in
   * `firstPages` too, what its first pages held (a first load of a read that shows its pages as they
   * come: the clusters). Like a failed read, a pending one is unknown: readFailed is true for it and
   * requireRead refuses it ("still loading").
   */
  readonly pending?: readonly RegionRead[];
  /** On a partial snapshot: the pending reads whose lists hold their first pages (more are coming). */
  readonly firstPages?: readonly RegionRead[];
}

/** Whether this read of a partial snapshot shows its first pages, with more to come. */
export function readShowsFirstPages(snapshot: RegionSnapshot, read: RegionRead): boolean {
  return snapshot.firstPages?.includes(read) ?? false;
}

/** Whether this read of the snapshot is still loading (a partial snapshot, RegionSnapshot.pending). */
export function readPending(snapshot: RegionSnapshot, read: RegionRead): boolean {
  return snapshot.pending?.includes(read) ?? false;
}

/** Whether the snapshot is a partial one (some read of its load has not answered yet). */
export function isPartial(snapshot: RegionSnapshot): boolean {
  return snapshot.pending !== undefined;
}

/**
 * Whether this read of the snapshot is unknown: it failed (its list is empty because it is
 * unknown), or it has not answered yet (a partial snapshot): either way nothing may be concluded from it.
 */
export function readFailed(snapshot: RegionSnapshot, read: RegionRead): boolean {
  return (snapshot.failures?.some((f) => f.read === read) ?? false) || readPending(snapshot, read);
}

/** The failures among `reads`, in the order given (empty: every one of them was read). */
export function failedReads(snapshot: RegionSnapshot, reads: readonly RegionRead[]): ReadFailure[] {
  return reads.flatMap((r) => snapshot.failures?.filter((f) => f.read === r) ?? []);
}

/** "the security group rules (needs ec2:DescribeSecurityGroupRules)": what could not be read, and the permission for it. */
export function unreadText(failures: readonly ReadFailure[]): string {
  return failures.map((f) => `the ${REGION_READS[f.read]?.label ?? f.read} (needs ${f.action})`).join(' and ');
}

/**
 * Refuses to answer from a part of the snapshot that could not be read: its empty list means
 * "unknown", and an answer from it ("nothing can connect", "no rule") would be made up. The error
 * is named UserError, so a command shows its message as it is.
 */
export function requireRead(snapshot: RegionSnapshot, reads: readonly RegionRead[], what: string): void {
  const loading = reads.filter((r) => readPending(snapshot, r));
  if (loading.length)
    throw Object.assign(
      new Error(
        `Cannot ${what} yet: ${loading.map((r) => `the ${REGION_READS[r]?.label ?? r}`).join(' and ')} of ${snapshot.region} are still loading. Try again when the load has finished.`,
      ),
      { name: 'UserError' },
    );
  const failed = failedReads(snapshot, reads);
  if (!failed.length) return;
  throw Object.assign(
    new Error(`Cannot ${what}: ${unreadText(failed)} of ${snapshot.region} could not be read. Grant the permission, then refresh the Region.`),
    { name: 'UserError' },
  );
}

/** Indexed view of a snapshot for the lookups the tree and the commands make. */
export class RegionIndex {
  readonly groupsById = new Map<string, SecurityGroup>();
  readonly groupsByVpc = new Map<string, SecurityGroup[]>();
  readonly rulesByGroup = new Map<string, SecurityGroupRule[]>();
  readonly clustersById = new Map<string, DbCluster>();
  readonly instancesById = new Map<string, DbInstance>();

  constructor(readonly snapshot: RegionSnapshot) {
    for (const g of snapshot.groups) {
      this.groupsById.set(g.groupId, g);
      const key = g.vpcId ?? '';
      let list = this.groupsByVpc.get(key);
      if (!list) this.groupsByVpc.set(key, (list = []));
      list.push(g);
    }
    for (const r of snapshot.rules) {
      let list = this.rulesByGroup.get(r.groupId);
      if (!list) this.rulesByGroup.set(r.groupId, (list = []));
      list.push(r);
    }
    for (const c of snapshot.clusters) this.clustersById.set(c.clusterId, c);
    for (const i of snapshot.instances) this.instancesById.set(i.instanceId, i);
  }

  rulesOf(groupId: string, isEgress?: boolean): SecurityGroupRule[] {
    const all = this.rulesByGroup.get(groupId) ?? [];
    return isEgress === undefined ? all : all.filter((r) => r.isEgress === isEgress);
  }

  /** Plain RDS instances: those that belong to no cluster. */
  standaloneInstances(): DbInstance[] {
    return this.snapshot.instances.filter((i) => !i.clusterId);
  }

  /** Clusters and standalone instances that a group is attached to. */
  attachmentsOf(groupId: string): { clusters: DbCluster[]; instances: DbInstance[] } {
    return {
      clusters: this.snapshot.clusters.filter((c) => c.securityGroups.some((g) => g.groupId === groupId)),
      instances: this.standaloneInstances().filter((i) => i.securityGroups.some((g) => g.groupId === groupId)),
    };
  }

  /** Rules of other groups whose peer is this group. */
  referencesTo(groupId: string): SecurityGroupRule[] {
    return this.snapshot.rules.filter((r) => r.peer.kind === 'group' && r.peer.groupId === groupId && r.groupId !== groupId);
  }
}

export function displayName(tags: Tags): string | undefined {
  const n = tags['Name'];
  return n && n.trim() ? n : undefined;
}

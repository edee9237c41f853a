// What decides reachability beyond security groups, as plain data read from AWS: the subnets of
// the DB subnet groups, route tables, network ACLs and managed prefix list entries. Read on demand
// after the tree (src/aws/networkReads.ts); no vscode, no SDK.
import type { RegionIndex } from './model';

/** A subnet (EC2 API Reference, Subnet). */
export interface Subnet {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone?: string;
  readonly cidrBlock?: string;
  readonly ipv6CidrBlocks: readonly string[];
}

/**
 * One route (EC2 API Reference, Route): a destination (IPv4, IPv6 or a prefix list) and what it
 * goes to: 'local', an internet gateway `igw-`, an egress-only internet gateway `eigw-` (IPv6,
 * outbound only), a peering connection `pcx-`, a NAT gateway `nat-`, a transit gateway `tgw-`, ...
 * A route whose State is 'blackhole' goes nowhere.
 */
export interface Route {
  readonly destination?: string;
  readonly destinationPrefixListId?: string;
  /** 'local', or the id of the gateway, peering connection, NAT gateway, interface, ... */
  readonly target: string;
  readonly state: 'active' | 'blackhole';
}

/** A route table and the subnets explicitly associated with it; the main one applies to every other subnet of its VPC. */
export interface RouteTable {
  readonly routeTableId: string;
  readonly vpcId: string;
  readonly main: boolean;
  readonly subnetIds: readonly string[];
  readonly routes: readonly Route[];
}

/**
 * A numbered network ACL entry (EC2 API Reference, NetworkAclEntry). Protocol as AWS gives it: '-1'
 * (all) or a protocol number ('6' tcp). Entries are evaluated in ascending rule number, the first
 * that matches decides; the '*' entry (32767) denies what nothing else matched.
 */
export interface NetworkAclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  readonly protocol: string;
  readonly allow: boolean;
  /** CidrBlock or Ipv6CidrBlock. */
  readonly cidr: string;
  /** PortRange; absent: every port (protocol -1). */
  readonly fromPort?: number;
  readonly toPort?: number;
}

export interface NetworkAcl {
  readonly networkAclId: string;
  readonly vpcId: string;
  readonly isDefault: boolean;
  readonly subnetIds: readonly string[];
  readonly entries: readonly NetworkAclEntry[];
}

export interface DbSubnetGroup {
  readonly name: string;
  readonly vpcId?: string;
  readonly subnetIds: readonly string[];
}

/** The reads of the network part, each failing on its own. */
export type NetworkRead = 'dbSubnetGroups' | 'subnets' | 'routeTables' | 'networkAcls' | 'prefixLists';

export const NETWORK_READS: Readonly<Record<NetworkRead, { readonly label: string; readonly action: string }>> = {
  dbSubnetGroups: { label: 'DB subnet groups', action: 'rds:DescribeDBSubnetGroups' },
  subnets: { label: 'subnets', action: 'ec2:DescribeSubnets' },
  routeTables: { label: 'route tables', action: 'ec2:DescribeRouteTables' },
  networkAcls: { label: 'network ACLs', action: 'ec2:DescribeNetworkAcls' },
  prefixLists: { label: 'prefix list entries', action: 'ec2:GetManagedPrefixListEntries' },
};

export interface NetworkSnapshot {
  readonly region: string;
  readonly subnets: readonly Subnet[];
  readonly routeTables: readonly RouteTable[];
  readonly networkAcls: readonly NetworkAcl[];
  readonly dbSubnetGroups: readonly DbSubnetGroup[];
  /** Prefix list id -> its entries' CIDRs (only the lists the databases' rules use). A list missing here is unknown. */
  readonly prefixLists: ReadonlyMap<string, readonly string[]>;
  /** Reads that failed: their lists are empty and mean "unknown". */
  readonly failures: readonly { readonly read: NetworkRead; readonly action: string; readonly error?: unknown }[];
  readonly loadedAt: number;
}

/** Indexed view: which route table and ACL applies to a subnet. */
export class NetworkIndex {
  readonly subnets = new Map<string, Subnet>();
  readonly subnetGroups = new Map<string, DbSubnetGroup>();
  private readonly explicitRt = new Map<string, RouteTable>();
  private readonly mainRt = new Map<string, RouteTable>();
  private readonly aclBySubnet = new Map<string, NetworkAcl>();
  private readonly failed = new Map<NetworkRead, string>();

  constructor(readonly snapshot: NetworkSnapshot) {
    for (const s of snapshot.subnets) this.subnets.set(s.subnetId, s);
    for (const g of snapshot.dbSubnetGroups) this.subnetGroups.set(g.name, g);
    for (const rt of snapshot.routeTables) {
      if (rt.main) this.mainRt.set(rt.vpcId, rt);
      for (const s of rt.subnetIds) this.explicitRt.set(s, rt);
    }
    for (const a of snapshot.networkAcls) for (const s of a.subnetIds) this.aclBySubnet.set(s, a);
    for (const f of snapshot.failures) this.failed.set(f.read, f.action);
  }

  /** The IAM action a failed read needs, or undefined when it was read. */
  failure(read: NetworkRead): string | undefined {
    return this.failed.get(read);
  }

  /** The subnet's route table: its explicit association, else its VPC's main table (VPC User Guide, "Configure route tables"). */
  routeTableOf(subnet: Subnet): RouteTable | undefined {
    return this.explicitRt.get(subnet.subnetId) ?? this.mainRt.get(subnet.vpcId);
  }

  /** Every subnet is associated with exactly one network ACL (VPC User Guide, "Control subnet traffic with network access control lists"). */
  aclOf(subnetId: string): NetworkAcl | undefined {
    return this.aclBySubnet.get(subnetId);
  }
}

/** The prefix lists the databases' groups reference (their entries decide who a rule lets in). */
export function databasePrefixLists(idx: RegionIndex): string[] {
  const dbGroups = new Set<string>();
  for (const c of idx.snapshot.clusters) for (const g of c.securityGroups) dbGroups.add(g.groupId);
  for (const i of idx.snapshot.instances) for (const g of i.securityGroups) dbGroups.add(g.groupId);
  const out = new Set<string>();
  for (const gid of dbGroups) for (const r of idx.rulesOf(gid)) if (r.peer.kind === 'prefixList' && r.peer.prefixListId) out.add(r.peer.prefixListId);
  return [...out].sort();
}

// What every analysis starts from: the database resolved to its port and groups, whether a rule
// allows TCP on a port, parsed CIDRs (memoised), and the small lookups the other parts share.
//
// Security group semantics assumed throughout the analysis (as AWS documents them):
// - Rules only allow; the groups attached to a network interface are a union, so traffic is let
//   in when any inbound rule of any attached group matches.
// - Groups are stateful: replies are allowed automatically, so only the initiating direction
//   counts (outbound on the client's groups, inbound on the database's groups).
// - Protocol '-1' is every protocol on every port; 'tcp' with from/to -1 is read as every port.
import { Cidr, parseCidr, PRIVATE_RANGES } from '../cidr';
import { defaultPortFor } from '../engines';
import type { AttachedGroup, DbCluster, DbInstance, Ec2Instance, RegionIndex, RegionSnapshot, RulePeer, SecurityGroupRule, StaleRuleRef } from '../model';
import type { NetworkIndex } from '../network';
import { normaliseIpProtocol } from '../rules';

/** A database to analyse: a DB cluster, or a DB instance (a cluster member or a standalone one). */
export type DbTarget = { readonly clusterId: string } | { readonly instanceId: string };

/** A database resolved to what matters for access: its engine port and its security groups. */
export interface ResolvedTarget {
  readonly kind: 'cluster' | 'instance';
  /** The cluster id or the instance id, as asked. */
  readonly id: string;
  /** The cluster whose groups and port apply (for a cluster, or a member instance of one). */
  readonly clusterId?: string;
  /** Set when the target was an instance. */
  readonly instanceId?: string;
  readonly engine: string;
  readonly port: number;
  /** The attached groups, deduplicated, in the order RDS lists them. */
  readonly groupIds: readonly string[];
  readonly vpcId?: string;
}

export interface AnalysisOptions {
  /** EC2 instances of the Region, for "who carries this group". */
  readonly ec2Instances?: readonly Ec2Instance[];
  /**
   * The network part of the Region (subnets, route tables, ACLs, prefix list entries): with it the
   * answers say what really reaches the database; without it (not read yet) they are about the
   * security groups only, as they say.
   */
  readonly network?: NetworkIndex;
}

export { defaultPortFor };

function uniqueGroupIds(list: readonly AttachedGroup[]): string[] {
  return [...new Set(list.map((g) => g.groupId))];
}

function resolveCluster(c: DbCluster): ResolvedTarget {
  return {
    kind: 'cluster',
    id: c.clusterId,
    clusterId: c.clusterId,
    instanceId: undefined,
    engine: c.engine,
    port: c.port ?? defaultPortFor(c.engine),
    groupIds: uniqueGroupIds(c.securityGroups),
    vpcId: c.vpcId,
  };
}

function resolveInstance(i: DbInstance, cluster: DbCluster | undefined): ResolvedTarget {
  if (cluster) {
    // Aurora: the cluster's groups apply to every member; the port is the cluster's.
    return {
      kind: 'instance',
      id: i.instanceId,
      clusterId: cluster.clusterId,
      instanceId: i.instanceId,
      engine: cluster.engine || i.engine,
      port: cluster.port ?? i.port ?? defaultPortFor(cluster.engine || i.engine),
      groupIds: uniqueGroupIds(cluster.securityGroups.length ? cluster.securityGroups : i.securityGroups),
      vpcId: cluster.vpcId ?? i.vpcId,
    };
  }
  return {
    kind: 'instance',
    id: i.instanceId,
    clusterId: i.clusterId,
    instanceId: i.instanceId,
    engine: i.engine,
    port: i.port ?? defaultPortFor(i.engine),
    groupIds: uniqueGroupIds(i.securityGroups),
    vpcId: i.vpcId,
  };
}

/** The database's port and groups. Throws when the cluster or instance is not in the index. */
export function resolveDbTarget(idx: RegionIndex, target: DbTarget): ResolvedTarget {
  if ('clusterId' in target) {
    const c = idx.clustersById.get(target.clusterId);
    if (!c) throw new Error(`DB cluster ${target.clusterId} is not in ${idx.snapshot.region} (refresh the tree).`);
    return resolveCluster(c);
  }
  const i = idx.instancesById.get(target.instanceId);
  if (!i) throw new Error(`DB instance ${target.instanceId} is not in ${idx.snapshot.region} (refresh the tree).`);
  return resolveInstance(i, i.clusterId ? idx.clustersById.get(i.clusterId) : undefined);
}

/** Every database of the Region: each cluster, and each DB instance that belongs to no cluster. */
export function databasesOf(idx: RegionIndex): ResolvedTarget[] {
  const out = idx.snapshot.clusters.map(resolveCluster);
  for (const i of idx.snapshot.instances) {
    // Members of a loaded cluster are covered by the cluster; a member whose cluster is missing
    // from the snapshot is analysed on its own so its groups are not forgotten.
    if (i.clusterId && idx.clustersById.has(i.clusterId)) continue;
    out.push(resolveInstance(i, undefined));
  }
  return out;
}

/** The port range of a tcp/udp rule; -1 (no ports given) reads as every port. */
function portRangeOf(r: Pick<SecurityGroupRule, 'fromPort' | 'toPort'>): [number, number] {
  if (r.fromPort < 0 || r.toPort < 0) return [0, 65535];
  return [r.fromPort, r.toPort];
}

/** Whether the rule allows TCP on the port: tcp with from <= port <= to, or all traffic. */
export function allowsTcpPort(r: Pick<SecurityGroupRule, 'protocol' | 'fromPort' | 'toPort'>, port: number): boolean {
  const p = normaliseIpProtocol(r.protocol);
  if (p === '-1') return true;
  if (p !== 'tcp') return false;
  const [lo, hi] = portRangeOf(r);
  return lo <= port && port <= hi;
}

// whoCanReach and explainPath parse the same CIDR texts again and again (one call per database),
// so parsed ranges are memoised. The results are never handed out or changed; the cache is
// dropped when it grows large so it cannot leak.
const CIDR_CACHE_LIMIT = 100_000;
const cidrCache = new Map<string, Cidr | null>();

export function cidrOf(text: string): Cidr | undefined {
  let c = cidrCache.get(text);
  if (c === undefined) {
    const parsed = parseCidr(text);
    c = 'error' in parsed ? null : parsed;
    if (cidrCache.size >= CIDR_CACHE_LIMIT) cidrCache.clear();
    cidrCache.set(text, c);
  }
  return c ?? undefined;
}

export function peerCidr(peer: RulePeer): Cidr | undefined {
  return peer.kind === 'cidr4' || peer.kind === 'cidr6' ? cidrOf(peer.cidr) : undefined;
}

/** The IPv4 private ranges of cidr.ts (isPrivateCidr), as 32-bit network and prefix. */
const PRIVATE_V4: ReadonlyArray<readonly [number, number]> = PRIVATE_RANGES.filter((c) => c.version === 4).map((c) => [Number(c.network), c.prefix] as const);

/** The same answer as isPrivateCidr, for an IPv4 range given as network and prefix. */
export function isPrivateV4(network: number, prefix: number): boolean {
  return PRIVATE_V4.some(([pn, pp]) => pp <= prefix && (pn ^ network) >>> (32 - pp) === 0);
}

/** 1234567 -> '1,234,567' (toLocaleString goes through Intl, which is slow in a hot loop). */
export function thousands(n: bigint | number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const homeAccountCache = new WeakMap<RegionIndex, Set<string>>();

/** The account ids that own the loaded groups and VPCs. */
function homeAccounts(idx: RegionIndex): Set<string> {
  let s = homeAccountCache.get(idx);
  if (!s) {
    s = new Set<string>();
    for (const g of idx.snapshot.groups) if (g.ownerId) s.add(g.ownerId);
    for (const v of idx.snapshot.vpcs) if (v.ownerId) s.add(v.ownerId);
    homeAccountCache.set(idx, s);
  }
  return s;
}

/**
 * Whether a group reference points outside what the snapshot can show: a group of another
 * account (UserId differs from the owner of the rule's group, or from every loaded owner when
 * that is unknown), or a group across a VPC peering connection (possibly another Region).
 * Such groups are legitimately absent from the index, so they are never called stale.
 */
export function isForeignReference(idx: RegionIndex, rule: SecurityGroupRule): boolean {
  const peer = rule.peer;
  if (peer.kind !== 'group') return false;
  if (peer.peeringConnectionId) return true;
  if (!peer.userId) return false;
  const owner = idx.groupsById.get(rule.groupId)?.ownerId;
  if (owner) return peer.userId !== owner;
  const home = homeAccounts(idx);
  return home.size > 0 && !home.has(peer.userId);
}

/** Peering statuses after which a reference across the connection matches nothing (VpcPeeringConnectionStateReason Code). */
const GONE_PEERING = new Set(['deleted', 'deleting', 'rejected', 'expired', 'failed']);

const staleCache = new WeakMap<RegionSnapshot, ReadonlyMap<string, string>>();

/**
 * The stale rules of a snapshot: rule id -> why it matches nothing. A rule is stale when
 * - DescribeStaleSecurityGroups reported it for its VPC (snapshot.staleChecks);
 * - ReferencedGroupInfo.PeeringStatus says its peering connection is gone (deleted, deleting,
 *   rejected, expired, failed);
 * - its peering connection is not among the Region's active ones, when those were read;
 * - AWS named no group at all.
 * A reference to a group missing from the snapshot is NOT stale by itself: AWS refuses to delete a
 * group that a group of its own VPC references (EC2 API Reference, DeleteSecurityGroup,
 * DependencyViolation), so a same-VPC reference cannot dangle, and a group missing from a partial
 * or old snapshot says nothing. Rules go stale only across a peering (or a transit gateway, or a
 * security group VPC association), which is what DescribeStaleSecurityGroups lists (EC2 API
 * Reference, DescribeStaleSecurityGroups; VPC Peering Guide, "Identify your referenced security groups").
 */
export function staleReferences(idx: RegionIndex): ReadonlyMap<string, string> {
  const snap = idx.snapshot;
  let out = staleCache.get(snap) as Map<string, string> | undefined;
  if (out) return out;
  out = new Map();
  const reported = new Map<string, StaleRuleRef>();
  const key = (groupId: string, isEgress: boolean, protocol: string, from: number, to: number, ref: string) =>
    `${groupId}|${isEgress ? 1 : 0}|${protocol}|${from}|${to}|${ref}`;
  for (const c of snap.staleChecks ?? [])
    for (const r of c.rules) reported.set(key(r.groupId, r.isEgress, r.protocol, r.fromPort, r.toPort, r.referencedGroupId), r);
  const active = snap.peerings ? new Set(snap.peerings.filter((p) => p.status === 'active').map((p) => p.peeringId)) : undefined;
  for (const r of snap.rules) {
    const peer = r.peer;
    if (peer.kind !== 'group') continue;
    const gid = peer.groupId;
    if (typeof gid !== 'string' || !gid || gid === 'unknown') {
      out.set(r.ruleId, 'AWS names no referenced group for it.');
      continue;
    }
    const aws = reported.size ? reported.get(key(r.groupId, r.isEgress, r.protocol, r.fromPort, r.toPort, gid)) : undefined;
    const pcx = peer.peeringConnectionId ?? aws?.peeringConnectionId;
    const status = peer.peeringStatus ?? aws?.peeringStatus;
    if (aws)
      out.set(
        r.ruleId,
        `AWS reports it stale (DescribeStaleSecurityGroups)${pcx ? `: ${pcx}${status ? ` is ${status}` : ''}` : ''}; the referenced group or its peering connection was deleted.`,
      );
    else if (status && GONE_PEERING.has(status)) out.set(r.ruleId, `Its VPC peering connection${pcx ? ` ${pcx}` : ''} is ${status}.`);
    else if (pcx && active && !active.has(pcx)) out.set(r.ruleId, `Its VPC peering connection ${pcx} is not among the Region's active peering connections.`);
  }
  staleCache.set(snap, out);
  return out;
}

/** 'name (sg-…)' for a loaded group, else the id. */
export function groupText(idx: RegionIndex, groupId: string): string {
  const g = idx.groupsById.get(groupId);
  return g ? `${g.groupName} (${groupId})` : groupId;
}

const carrierCache = new WeakMap<readonly Ec2Instance[], Map<string, Ec2Instance[]>>();

/** Group id -> the EC2 instances carrying it; memoised per instance list. */
export function carriersByGroup(list: readonly Ec2Instance[] | undefined): Map<string, Ec2Instance[]> {
  if (!list) return new Map();
  let m = carrierCache.get(list);
  if (!m) {
    m = new Map();
    for (const inst of list) {
      for (const g of new Set(inst.securityGroupIds)) {
        let l = m.get(g);
        if (!l) m.set(g, (l = []));
        l.push(inst);
      }
    }
    carrierCache.set(list, m);
  }
  return m;
}

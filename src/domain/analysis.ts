// Access analysis over one Region: who can reach a database, why a path is open or closed, and
// what in the security groups deserves a look (findings). Pure functions over a RegionIndex:
// no vscode, no AWS SDK. Also a seeded generator of synthetic Regions for benchmarks and tests.
//
// Security group semantics assumed throughout (as AWS documents them):
// - Rules only allow; the groups attached to a network interface are a union, so traffic is let
//   in when any inbound rule of any attached group matches.
// - Groups are stateful: replies are allowed automatically, so only the initiating direction
//   counts (outbound on the client's groups, inbound on the database's groups).
// - Protocol '-1' is every protocol on every port; 'tcp' with from/to -1 is read as every port.
import { defaultPortFor } from './engines';
import {
  canonicalCidr,
  Cidr,
  cidrContains,
  cidrOverlaps,
  cidrSize,
  fastIpv4,
  fastIpv6,
  fastRead,
  formatCidr,
  IpVersion,
  isPrivateCidr,
  isWorld,
  mergeCidrs,
  parseCidr,
  samePrefix6,
} from './cidr';
import { MAX_RULES_PER_DIRECTION } from './changes';
import type {
  AttachedGroup,
  DbCluster,
  DbInstance,
  Ec2Instance,
  RegionIndex,
  RegionSnapshot,
  RulePeer,
  SecurityGroup,
  SecurityGroupRule,
  Vpc,
} from './model';
import { peerKey, peerLabel, portLabel, ruleLabel } from './rules';
import { DATABASE_PORTS } from './validation';

// =============================================================================================
// Shared helpers

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
function databasesOf(idx: RegionIndex): ResolvedTarget[] {
  const out = idx.snapshot.clusters.map(resolveCluster);
  for (const i of idx.snapshot.instances) {
    // Members of a loaded cluster are covered by the cluster; a member whose cluster is missing
    // from the snapshot is analysed on its own so its groups are not forgotten.
    if (i.clusterId && idx.clustersById.has(i.clusterId)) continue;
    out.push(resolveInstance(i, undefined));
  }
  return out;
}

/** The protocol with numbers for the named ones folded in ('6' -> 'tcp', 'all' -> '-1'). */
function protoOf(protocol: string): string {
  switch (protocol) {
    case '6': return 'tcp';
    case '17': return 'udp';
    case '1': return 'icmp';
    case '58': return 'icmpv6';
    case 'all': return '-1';
    default: return protocol;
  }
}

/** The port range of a tcp/udp rule; -1 (no ports given) reads as every port. */
function portRangeOf(r: Pick<SecurityGroupRule, 'fromPort' | 'toPort'>): [number, number] {
  if (r.fromPort < 0 || r.toPort < 0) return [0, 65535];
  return [r.fromPort, r.toPort];
}

/** Whether the rule allows TCP on the port: tcp with from <= port <= to, or all traffic. */
export function allowsTcpPort(r: Pick<SecurityGroupRule, 'protocol' | 'fromPort' | 'toPort'>, port: number): boolean {
  const p = protoOf(r.protocol);
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

function cidrOf(text: string): Cidr | undefined {
  let c = cidrCache.get(text);
  if (c === undefined) {
    const parsed = parseCidr(text);
    c = 'error' in parsed ? null : parsed;
    if (cidrCache.size >= CIDR_CACHE_LIMIT) cidrCache.clear();
    cidrCache.set(text, c);
  }
  return c ?? undefined;
}

function peerCidr(peer: RulePeer): Cidr | undefined {
  return peer.kind === 'cidr4' || peer.kind === 'cidr6' ? cidrOf(peer.cidr) : undefined;
}

const PRIVATE_V4: ReadonlyArray<readonly [number, number]> = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16']
  .map((t) => {
    const prefix = fastIpv4(t);
    return [fastRead.v4, prefix] as const;
  });

/** The same answer as isPrivateCidr, for an IPv4 range given as network and prefix. */
function isPrivateV4(network: number, prefix: number): boolean {
  return PRIVATE_V4.some(([pn, pp]) => pp <= prefix && ((pn ^ network) >>> (32 - pp)) === 0);
}

/** 1234567 -> '1,234,567' (toLocaleString goes through Intl, which is slow in a hot loop). */
function thousands(n: bigint | number): string {
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
function isForeignReference(idx: RegionIndex, rule: SecurityGroupRule): boolean {
  const peer = rule.peer;
  if (peer.kind !== 'group') return false;
  if (peer.peeringConnectionId) return true;
  if (!peer.userId) return false;
  const owner = idx.groupsById.get(rule.groupId)?.ownerId;
  if (owner) return peer.userId !== owner;
  const home = homeAccounts(idx);
  return home.size > 0 && !home.has(peer.userId);
}

function isStaleReference(idx: RegionIndex, rule: SecurityGroupRule): boolean {
  return rule.peer.kind === 'group' && !idx.groupsById.has(rule.peer.groupId) && !isForeignReference(idx, rule);
}

function groupText(idx: RegionIndex, groupId: string): string {
  const g = idx.groupsById.get(groupId);
  return g ? `${g.groupName} (${groupId})` : groupId;
}

// =============================================================================================
// whoCanReach

/** One rule that lets traffic in, as the reachability lists show it. */
export interface ReachRule {
  readonly ruleId: string;
  /** The database's group that holds the rule. */
  readonly groupId: string;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  /** The rule's own peer as AWS stores it: its CIDR before merging, a group id or a prefix list id. */
  readonly peer: string;
  readonly description?: string;
}

/** A block of addresses let in, after merging overlapping and adjacent CIDRs. */
export interface ReachCidr {
  /** Canonical text of the merged block. */
  readonly cidr: string;
  readonly version: IpVersion;
  /** The number of addresses, in decimal (an IPv6 block can exceed Number.MAX_SAFE_INTEGER). */
  readonly size: string;
  /** Some of the block is on the internet (it is not wholly private, see isPrivateCidr). */
  readonly public: boolean;
  /** 0.0.0.0/0 or ::/0. */
  readonly world: boolean;
  /** Every rule whose CIDR lies in this block. */
  readonly rules: readonly ReachRule[];
}

/** A security group whose members are let in. */
export interface ReachGroup {
  readonly groupId: string;
  readonly groupName?: string;
  /** The group is in the index. */
  readonly exists: boolean;
  /** Missing from the index and neither another account's nor across a peering connection. */
  readonly stale: boolean;
  /** The group belongs to another account or sits across a VPC peering connection. */
  readonly foreign: boolean;
  readonly userId?: string;
  /** A rule of this very group lets its own members in. */
  readonly selfReference: boolean;
  /** The group is one of the database's own groups. */
  readonly attached: boolean;
  readonly rules: readonly ReachRule[];
  /** EC2 instances (from opts.ec2Instances) that carry the group: one level, never followed further. */
  readonly ec2Instances: readonly Ec2Instance[];
}

export interface ReachPrefixList {
  readonly prefixListId: string;
  readonly rules: readonly ReachRule[];
}

export interface Reachability {
  readonly target: ResolvedTarget;
  readonly engine: string;
  readonly port: number;
  readonly attachedGroupIds: readonly string[];
  /** Attached groups that the index does not hold. */
  readonly missingAttachedGroupIds: readonly string[];
  /** IPv4 blocks first, then IPv6, each in address order. */
  readonly cidrs: readonly ReachCidr[];
  /** Sorted by group id. */
  readonly groups: readonly ReachGroup[];
  /** Sorted by prefix list id. */
  readonly prefixLists: readonly ReachPrefixList[];
  /** Some block is 0.0.0.0/0 or ::/0. */
  readonly worldOpen: boolean;
}

export interface AnalysisOptions {
  /** EC2 instances of the Region, for "who carries this group". */
  readonly ec2Instances?: readonly Ec2Instance[];
}

const carrierCache = new WeakMap<readonly Ec2Instance[], Map<string, Ec2Instance[]>>();

/** Group id -> the EC2 instances carrying it; memoised per instance list. */
function carriersByGroup(list: readonly Ec2Instance[] | undefined): Map<string, Ec2Instance[]> {
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

function reachRule(r: SecurityGroupRule): ReachRule {
  return {
    ruleId: r.ruleId,
    groupId: r.groupId,
    protocol: r.protocol,
    fromPort: r.fromPort,
    toPort: r.toPort,
    peer: peerKey(r.peer),
    ...(r.description !== undefined ? { description: r.description } : {}),
  };
}

/**
 * Who can open a TCP connection to the database's port: every inbound rule of its groups that
 * allows TCP on that port (tcp with the port in range, or all traffic), grouped by source.
 * Throws when the target is not in the index.
 */
export function whoCanReach(idx: RegionIndex, target: DbTarget, opts: AnalysisOptions = {}): Reachability {
  const db = resolveDbTarget(idx, target);
  const port = db.port;
  const attachedSet = new Set(db.groupIds);

  const cidrRules: Array<{ cidr: Cidr; rule: SecurityGroupRule }> = [];
  const byGroup = new Map<string, SecurityGroupRule[]>();
  const byPrefixList = new Map<string, SecurityGroupRule[]>();
  for (const gid of db.groupIds) {
    for (const r of idx.rulesOf(gid)) {
      if (r.isEgress || !allowsTcpPort(r, port)) continue;
      const peer = r.peer;
      switch (peer.kind) {
        case 'cidr4':
        case 'cidr6': {
          // An unparsable CIDR cannot come from AWS; such a rule is left out rather than guessed at.
          const c = cidrOf(peer.cidr);
          if (c) cidrRules.push({ cidr: c, rule: r });
          break;
        }
        case 'group': {
          let l = byGroup.get(peer.groupId);
          if (!l) byGroup.set(peer.groupId, (l = []));
          l.push(r);
          break;
        }
        case 'prefixList': {
          let l = byPrefixList.get(peer.prefixListId);
          if (!l) byPrefixList.set(peer.prefixListId, (l = []));
          l.push(r);
          break;
        }
      }
    }
  }

  // Merge, then hand each original rule to the merged block holding its range. Each original
  // CIDR lies inside exactly one merged block (aligned blocks nest, and mergeCidrs returns the
  // maximal aligned blocks of each run), and both lists are in (version, address) order, so
  // one forward walk pairs them; a rule the walk cannot place (never expected) is matched by
  // overlap so that no rule is lost.
  const merged = mergeCidrs(cidrRules.map((x) => x.cidr));
  const sorted = [...cidrRules].sort((a, b) =>
    a.cidr.version - b.cidr.version || (a.cidr.network < b.cidr.network ? -1 : a.cidr.network > b.cidr.network ? 1 : 0));
  const rulesOfBlock: ReachRule[][] = merged.map(() => []);
  let at = 0;
  for (const x of sorted) {
    while (at < merged.length && !cidrContains(merged[at]!, x.cidr)) at++;
    if (at < merged.length) {
      rulesOfBlock[at]!.push(reachRule(x.rule));
    } else {
      at = 0;
      merged.forEach((block, i) => { if (cidrOverlaps(block, x.cidr)) rulesOfBlock[i]!.push(reachRule(x.rule)); });
    }
  }
  const cidrs: ReachCidr[] = merged.map((block, i) => ({
    cidr: formatCidr(block),
    version: block.version,
    size: cidrSize(block).toString(),
    public: !isPrivateCidr(block),
    world: isWorld(block),
    rules: rulesOfBlock[i]!,
  }));

  const carriers = carriersByGroup(opts.ec2Instances);
  const groups: ReachGroup[] = [...byGroup.keys()].sort().map((gid) => {
    const rules = byGroup.get(gid)!;
    const g = idx.groupsById.get(gid);
    const first = rules[0]!;
    const peer = first.peer as Extract<RulePeer, { kind: 'group' }>;
    const foreign = !g && rules.some((r) => isForeignReference(idx, r));
    return {
      groupId: gid,
      ...(g ? { groupName: g.groupName } : {}),
      exists: g !== undefined,
      stale: !g && !foreign,
      foreign,
      ...(peer.userId ? { userId: peer.userId } : {}),
      selfReference: rules.some((r) => r.groupId === gid),
      attached: attachedSet.has(gid),
      rules: rules.map(reachRule),
      ec2Instances: carriers.get(gid) ?? [],
    };
  });

  const prefixLists: ReachPrefixList[] = [...byPrefixList.keys()].sort().map((id) => ({
    prefixListId: id,
    rules: byPrefixList.get(id)!.map(reachRule),
  }));

  return {
    target: db,
    engine: db.engine,
    port,
    attachedGroupIds: db.groupIds,
    missingAttachedGroupIds: db.groupIds.filter((g) => !idx.groupsById.has(g)),
    cidrs,
    groups,
    prefixLists,
    worldOpen: cidrs.some((c) => c.world),
  };
}

// =============================================================================================
// explainPath

export type PathSource =
  | { readonly cidr: string }
  | { readonly groupId: string }
  | { readonly ec2Instance: Ec2Instance };

export interface PathHop {
  /** 'source': where traffic starts; 'egress': the source's outbound rules; 'ingress': one database group. */
  readonly kind: 'source' | 'egress' | 'ingress';
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
  /** The rules that let the traffic through at this hop. */
  readonly ruleIds: readonly string[];
  /** The database group (ingress hops). */
  readonly groupId?: string;
}

/** A rule to add, in the shape of changes.ts's RuleInput (for outbound rules `source` is the destination). */
export interface MissingRule {
  readonly groupId: string;
  readonly isEgress: boolean;
  readonly protocol: 'tcp';
  readonly fromPort: number;
  readonly toPort: number;
  readonly source: { readonly cidr: string } | { readonly groupId: string };
}

export interface PathExplanation {
  readonly target: ResolvedTarget;
  readonly port: number;
  readonly open: boolean;
  readonly hops: readonly PathHop[];
  /**
   * When closed: the first rule to add. The inbound rule on the database's first attached group
   * when no database group lets the source in; otherwise the outbound rule on the source's group.
   */
  readonly missingRule?: MissingRule;
  /** Every rule to add for the path to open (inbound first, then outbound). */
  readonly missingRules: readonly MissingRule[];
}

/** An address as a one-address CIDR, or undefined when it is not an address. */
function hostCidr(ip: string | undefined): Cidr | undefined {
  if (!ip) return undefined;
  const c = parseCidr(ip);
  if ('error' in c) return undefined;
  return c.prefix === (c.version === 4 ? 32 : 128) ? c : undefined;
}

function describeCidr(c: Cidr): string {
  const size = cidrSize(c);
  const what = isWorld(c) ? 'every address' : size === 1n ? 'one address' : `${thousands(size)} addresses`;
  return `IPv${c.version}, ${what}, ${isPrivateCidr(c) ? 'private' : 'public'}`;
}

/**
 * Whether `source` can open a TCP connection to the database on `port` (default: the database's
 * port), hop by hop: the source; for a group or EC2 instance source, its outbound rules (to one
 * of the database's groups, or to a CIDR overlapping the database VPC's ranges, or any CIDR when
 * that VPC is unknown); then one hop per database group saying whether an inbound rule lets the
 * source in. Inbound, one group letting the source in is enough (rules are a union).
 *
 * Matching: a CIDR source needs a rule CIDR containing it; a group source a rule referencing
 * that group; an EC2 instance a rule referencing one of its groups or a CIDR containing its
 * private or public IP. Prefix lists are not resolved (their entries are not loaded), so they
 * never match; the detail says when one might. Routing, NACLs and public accessibility are not
 * modelled. Throws when the target is not in the index.
 */
export function explainPath(idx: RegionIndex, source: PathSource, target: DbTarget, port?: number): PathExplanation {
  const db = resolveDbTarget(idx, target);
  const p = port ?? db.port;
  const hops: PathHop[] = [];
  let matches: (r: SecurityGroupRule) => boolean;
  let suggested: MissingRule['source'] | undefined;
  let sourceGroups: string[] = [];
  let sourceText: string;

  if ('cidr' in source) {
    const c = canonicalCidr(source.cidr);
    const parsed = 'error' in c ? undefined : cidrOf(c.cidr);
    if ('error' in c || !parsed) {
      hops.push({ kind: 'source', label: `Source ${source.cidr.trim() || '(empty)'}`, ok: false, detail: 'error' in c ? c.error : 'Not a CIDR range.', ruleIds: [] });
      return { target: db, port: p, open: false, hops, missingRules: [] };
    }
    const changed = c.changed ? ` (written ${source.cidr.trim()})` : '';
    hops.push({ kind: 'source', label: `Source ${c.cidr}`, ok: true, detail: `${describeCidr(parsed)}${changed}`, ruleIds: [] });
    matches = (r) => {
      const rc = peerCidr(r.peer);
      return rc !== undefined && cidrContains(rc, parsed);
    };
    suggested = { cidr: c.cidr };
    sourceText = c.cidr;
  } else if ('groupId' in source) {
    const gid = source.groupId.trim();
    const g = idx.groupsById.get(gid);
    const where = g
      ? `${g.vpcId ? `In ${g.vpcId}` : 'In EC2-Classic or an unknown VPC'}${db.vpcId && g.vpcId && g.vpcId !== db.vpcId ? `, not the database's ${db.vpcId}: a group reference works only within a VPC or across a peering connection` : ''}.`
      : 'Not in this Region\'s snapshot (another account, or deleted); its outbound rules cannot be checked.';
    hops.push({ kind: 'source', label: `Source group ${groupText(idx, gid)}`, ok: true, detail: where, ruleIds: [] });
    matches = (r) => r.peer.kind === 'group' && r.peer.groupId === gid;
    suggested = { groupId: gid };
    sourceGroups = [gid];
    sourceText = groupText(idx, gid);
  } else {
    const inst = source.ec2Instance;
    const groups = [...new Set(inst.securityGroupIds)];
    const ips = [hostCidr(inst.privateIp), hostCidr(inst.publicIp)].filter((c): c is Cidr => c !== undefined);
    const groupSet = new Set(groups);
    const parts: string[] = [];
    if (inst.privateIp) parts.push(`private IP ${inst.privateIp}`);
    if (inst.publicIp) parts.push(`public IP ${inst.publicIp}`);
    parts.push(groups.length ? `groups ${groups.map((g) => groupText(idx, g)).join(', ')}` : 'no security groups');
    if (db.vpcId && inst.vpcId && inst.vpcId !== db.vpcId) parts.push(`in ${inst.vpcId}, not the database's ${db.vpcId}`);
    const name = inst.name ? `${inst.name} (${inst.instanceId})` : inst.instanceId;
    hops.push({ kind: 'source', label: `EC2 instance ${name}`, ok: true, detail: `${parts.join('; ')}.`, ruleIds: [] });
    matches = (r) => {
      if (r.peer.kind === 'group') return groupSet.has(r.peer.groupId);
      const rc = peerCidr(r.peer);
      return rc !== undefined && ips.some((ip) => cidrContains(rc, ip));
    };
    const firstGroup = groups[0];
    const ipCidr = ips[0];
    suggested = firstGroup ? { groupId: firstGroup } : ipCidr ? { cidr: formatCidr(ipCidr) } : undefined;
    sourceGroups = groups;
    sourceText = name;
  }

  // Outbound from the source's groups.
  let egressOk = true;
  let egressGroup: string | undefined;
  if (sourceGroups.length) {
    const dbGroups = new Set(db.groupIds);
    const vpc: Vpc | undefined = db.vpcId ? idx.snapshot.vpcs.find((v) => v.vpcId === db.vpcId) : undefined;
    const dbRanges = vpc ? [...vpc.cidrBlocks, ...vpc.ipv6CidrBlocks].map(cidrOf).filter((c): c is Cidr => c !== undefined) : [];
    const allowing: SecurityGroupRule[] = [];
    const known: string[] = [];
    const unknown: string[] = [];
    for (const gid of sourceGroups) {
      if (!idx.groupsById.has(gid) && !idx.rulesByGroup.has(gid)) {
        unknown.push(gid);
        continue;
      }
      known.push(gid);
      for (const r of idx.rulesOf(gid, true)) {
        if (!allowsTcpPort(r, p)) continue;
        if (r.peer.kind === 'group' ? dbGroups.has(r.peer.groupId) : (() => {
          const rc = peerCidr(r.peer);
          return rc !== undefined && (dbRanges.length === 0 || dbRanges.some((d) => cidrOverlaps(d, rc)));
        })()) allowing.push(r);
      }
    }
    egressGroup = known[0];
    egressOk = allowing.length > 0 || unknown.length > 0;
    const lookup = (id: string) => idx.groupsById.get(id);
    let detail: string;
    if (allowing.length) {
      detail = allowing.map((r) => `${r.ruleId} of ${groupText(idx, r.groupId)} allows ${ruleLabel(r, lookup)}`).join('; ') + '.';
    } else if (unknown.length) {
      detail = `Not checked: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in this Region's snapshot.`;
    } else {
      const where = vpc ? `or to ${vpc.vpcId}'s addresses` : 'or to a CIDR';
      detail = `No outbound rule of ${known.map((g) => groupText(idx, g)).join(', ')} allows tcp ${p} to the database's groups ${where}.`;
    }
    hops.push({
      kind: 'egress',
      label: `Outbound from ${sourceGroups.join(', ')}`,
      ok: egressOk,
      detail,
      ruleIds: allowing.map((r) => r.ruleId),
    });
  }

  // Inbound at each database group.
  let ingressOk = false;
  if (db.groupIds.length === 0) {
    hops.push({ kind: 'ingress', label: 'Database groups', ok: false, detail: `${db.kind === 'cluster' ? 'DB cluster' : 'DB instance'} ${db.id} has no security groups.`, ruleIds: [] });
  }
  const lookup = (id: string) => idx.groupsById.get(id);
  for (const gid of db.groupIds) {
    const known = idx.groupsById.has(gid) || idx.rulesByGroup.has(gid);
    const onPort = idx.rulesOf(gid, false).filter((r) => allowsTcpPort(r, p));
    const letIn = onPort.filter(matches);
    const maybe = onPort.filter((r) => r.peer.kind === 'prefixList' && !letIn.includes(r));
    let detail: string;
    if (!known) detail = `${gid} is not in this Region's snapshot (a stale attachment, or not loaded).`;
    else if (letIn.length) detail = letIn.map((r) => `${r.ruleId} allows ${ruleLabel(r, lookup)}`).join('; ') + '.';
    else {
      detail = `No inbound rule allows tcp ${p} from ${sourceText}.`;
      if (maybe.length) {
        detail += ` Prefix list ${[...new Set(maybe.map((r) => peerKey(r.peer)))].join(', ')} may include it (its entries are not loaded).`;
      }
    }
    if (letIn.length) ingressOk = true;
    hops.push({ kind: 'ingress', label: `Inbound to ${groupText(idx, gid)}`, ok: letIn.length > 0, detail, ruleIds: letIn.map((r) => r.ruleId), groupId: gid });
  }

  const missingRules: MissingRule[] = [];
  // The first attached group that is loaded (a stale attachment cannot take a rule), else the first.
  const dbGroup = db.groupIds.find((g) => idx.groupsById.has(g)) ?? db.groupIds[0];
  if (!ingressOk && dbGroup && suggested) {
    missingRules.push({ groupId: dbGroup, isEgress: false, protocol: 'tcp', fromPort: p, toPort: p, source: suggested });
  }
  if (!egressOk && egressGroup && dbGroup) {
    missingRules.push({ groupId: egressGroup, isEgress: true, protocol: 'tcp', fromPort: p, toPort: p, source: { groupId: dbGroup } });
  }
  const open = ingressOk && egressOk;
  return {
    target: db,
    port: p,
    open,
    hops,
    ...(missingRules[0] ? { missingRule: missingRules[0] } : {}),
    missingRules,
  };
}

// =============================================================================================
// findings

export type FindingKind =
  | 'db-port-world'
  | 'any-port-world-on-db-group'
  | 'wide-public-cidr'
  | 'all-traffic'
  | 'stale-reference'
  | 'unused-group'
  | 'shadowed-rule'
  | 'port-not-covered'
  | 'near-quota';

export type Severity = 'high' | 'medium' | 'low' | 'info';

export type FindingFix =
  | { readonly kind: 'revoke'; readonly groupId: string; readonly ruleIds: readonly string[] }
  | { readonly kind: 'narrow'; readonly groupId: string; readonly ruleId: string; readonly suggestion: string };

export interface Finding {
  /** Stable across calls for the same snapshot: `${kind}:${ruleId}` or `${kind}:${groupId}[:...]`. */
  readonly id: string;
  readonly kind: FindingKind;
  readonly severity: Severity;
  readonly groupId?: string;
  readonly ruleId?: string;
  readonly clusterId?: string;
  readonly instanceId?: string;
  readonly title: string;
  readonly why: string;
  readonly fix?: FindingFix;
}

const SEVERITY_RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };
const KIND_RANK: Record<FindingKind, number> = {
  'db-port-world': 0,
  'any-port-world-on-db-group': 1,
  'all-traffic': 2,
  'wide-public-cidr': 3,
  'port-not-covered': 4,
  'stale-reference': 5,
  'shadowed-rule': 6,
  'near-quota': 7,
  'unused-group': 8,
};

/** Findings threshold: this many rules in one direction and IP family is "near" the quota of 60. */
export const NEAR_QUOTA_RULES = 50;

/** Ports where exposure to the world is serious: remote administration and databases. */
const SENSITIVE_PORTS: readonly number[] = [22, 23, 3389, 5900, ...DATABASE_PORTS];

function dbRef(db: ResolvedTarget): { clusterId?: string; instanceId?: string } {
  return db.kind === 'cluster' ? { clusterId: db.id } : { instanceId: db.id };
}

function dbText(db: ResolvedTarget): string {
  return `${db.kind === 'cluster' ? 'DB cluster' : 'DB instance'} ${db.id}`;
}

function dbListText(dbs: readonly ResolvedTarget[]): string {
  const shown = dbs.slice(0, 3).map(dbText).join(', ');
  return dbs.length > 3 ? `${shown} and ${dbs.length - 3} more` : shown;
}

// Protocols as numbers for the hot loops: -1 all, 6 tcp, 17 udp, 1 icmp, 58 icmpv6, the number
// for other numeric protocols, and codes from 1000 up for any other name.
function protoCode(protocol: string): number {
  switch (protocol) {
    case 'tcp': case '6': return 6;
    case '-1': case 'all': return -1;
    case 'udp': case '17': return 17;
    case 'icmp': case '1': return 1;
    case 'icmpv6': case '58': return 58;
    default: return otherProtoCode(protocol);
  }
}

const OTHER_PROTO_CODES = new Map<string, number>();

function otherProtoCode(protocol: string): number {
  let c = OTHER_PROTO_CODES.get(protocol);
  if (c === undefined) {
    c = /^\d+$/.test(protocol) ? Number(protocol) : 1000 + OTHER_PROTO_CODES.size;
    OTHER_PROTO_CODES.set(protocol, c);
  }
  return c;
}

// GroupScratch.flags
const EGRESS = 1;
const MISSING_PEER = 2;
const SELF_PEER = 4;

/**
 * Facts about the rules of one group, as parallel arrays reused from group to group, so the
 * pass over tens of thousands of rules allocates little: a sort view per CIDR bucket and the
 * findings themselves (allocation and the garbage collector were most of the cost with one
 * object per rule).
 */
class GroupScratch {
  cap = 0;
  n = 0;
  /** The rules of the group being scanned (slot i is rules[i]). */
  private rules: readonly SecurityGroupRule[] = [];
  /** See protoCode. */
  pc = new Int32Array(0);
  /** tcp/udp: the port range (every port when AWS gives -1); icmp: type and code (-1 = all). */
  lo = new Int32Array(0);
  hi = new Int32Array(0);
  /** 0 when the peer is not a CIDR or does not parse, else 4 or 6. */
  ver = new Uint8Array(0);
  prefix = new Uint8Array(0);
  /** IPv4 network as an unsigned number. */
  n4 = new Uint32Array(0);
  /** IPv6 network as four 32-bit words at 4 * i. */
  w6 = new Uint32Array(0);
  /** Group peer id (for other group peers: its length, the id and the peering connection) or prefix list id; '' for CIDRs. */
  key: string[] = [];
  /** For a group peer in the snapshot without a peering connection: the group's ordinal (see begin); else -1. */
  ord = new Int32Array(0);
  /** EGRESS, MISSING_PEER (a group peer not in the snapshot), SELF_PEER (the group itself). */
  flags = new Uint8Array(0);
  // The group being filled, and what set() needs of the whole pass (see begin()).
  private groupId = '';
  private ordinal: ReadonlyMap<string, number> = new Map();
  private referenced: Uint8Array = new Uint8Array(0);
  /** Sum of what prefetch() read, kept so that the reads are not optimised away. */
  private touched = 0;
  /** direction * 4 + peer kind, and the rule indexes ordered by it. */
  bucket = new Uint8Array(0);
  order = new Int32Array(0);
  readonly start = new Int32Array(9);
  private readonly next = new Int32Array(8);
  /** Pairs (narrow, wide) of rule indexes found by shadowed(). */
  found = new Int32Array(0);
  /** Per rule: the first rule found to shadow it, or -1. */
  private best = new Int32Array(0);
  // sameKey: the chains of equal keys (first and last member, next member); the chain heads by
  // group ordinal (valid where the stamp is the current one), else by key.
  private readonly heads = new Map<string, number>();
  private ordHead = new Int32Array(0);
  private ordStamp = new Int32Array(0);
  private stamp = 0;
  private first = new Int32Array(0);
  private last = new Int32Array(0);
  private link = new Int32Array(0);
  // sweepIpv4: the sort keys, the rule indexes in sorted order, and the stack of enclosing ranges.
  private keys = new Float64Array(0);
  private sortedIdx = new Int32Array(0);
  private readonly stkFrom = new Int32Array(34);
  private readonly stkTo = new Int32Array(34);
  private readonly stkEnd = new Float64Array(34);

  reset(n: number): void {
    if (n > this.cap) {
      const cap = Math.max(n, this.cap * 2, 64);
      this.cap = cap;
      this.pc = new Int32Array(cap);
      this.lo = new Int32Array(cap);
      this.hi = new Int32Array(cap);
      this.ver = new Uint8Array(cap);
      this.prefix = new Uint8Array(cap);
      this.n4 = new Uint32Array(cap);
      this.bucket = new Uint8Array(cap);
      this.order = new Int32Array(cap);
      this.found = new Int32Array(cap * 2);
      this.best = new Int32Array(cap);
      this.ord = new Int32Array(cap);
      this.flags = new Uint8Array(cap);
      this.first = new Int32Array(cap);
      this.last = new Int32Array(cap);
      this.link = new Int32Array(cap);
      this.keys = new Float64Array(cap);
      this.sortedIdx = new Int32Array(cap);
      this.w6 = new Uint32Array(cap * 4);
      // A plain array sized once and never shrunk, so the pass does not reallocate it per group.
      this.key = new Array<string>(cap).fill('');
    }
    this.n = n;
  }

  /**
   * Starts a pass: `ordinal` numbers the groups of the snapshot, and `referenced` (by ordinal)
   * gets a 1 for each group that another group's rule references.
   */
  begin(ordinal: ReadonlyMap<string, number>, referenced: Uint8Array): void {
    this.ordinal = ordinal;
    this.referenced = referenced;
    this.groupId = '';
    this.rules = [];
    this.key.fill('');
    this.heads.clear();
    const groups = referenced.length;
    if (groups > this.ordHead.length) {
      this.ordHead = new Int32Array(groups);
      this.ordStamp = new Int32Array(groups);
      this.stamp = 0;
    }
  }

  /**
   * Reads each rule, its peer and the peer's text in a tight loop before the real work. The
   * pass is bound by memory: the rule objects of a Region lie all over the heap, and the long
   * dependent work of set() waits for each miss in turn. This loop has no dependencies between
   * iterations, so the processor fetches many rules at once and set() then finds them in cache
   * (about a quarter off the pass in the bench).
   */
  prefetch(rules: readonly SecurityGroupRule[]): void {
    let t = 0;
    for (let i = 0; i < rules.length; i++) {
      const peer = rules[i]!.peer;
      const text = peer.kind === 'group' ? peer.groupId : peer.kind === 'cidr4' || peer.kind === 'cidr6' ? peer.cidr : undefined;
      if (typeof text === 'string') t += text.length;
    }
    this.touched = (this.touched + t) & 0xffff;
  }

  /** Fills slot i from the rule. */
  set(i: number, r: SecurityGroupRule): void {
    const pc = protoCode(r.protocol);
    this.pc[i] = pc;
    let lo = r.fromPort;
    let hi = r.toPort;
    if ((pc === 6 || pc === 17) && (lo < 0 || hi < 0)) {
      lo = 0;
      hi = 65535;
    }
    this.lo[i] = lo;
    this.hi[i] = hi;
    const peer = r.peer;
    const dir = r.isEgress ? 4 : 0;
    this.flags[i] = dir === 0 ? 0 : EGRESS;
    // key is read only for group and prefix list peers, n4 and w6 only for their version: no need to clear them.
    this.ver[i] = 0;
    this.ord[i] = -1;
    switch (peer.kind) {
      case 'cidr4':
      case 'cidr6': {
        this.bucket[i] = dir + (peer.kind === 'cidr4' ? 0 : 1);
        const text = peer.cidr;
        let p = fastIpv4(text);
        if (p >= 0) {
          this.ver[i] = 4;
          this.prefix[i] = p;
          this.n4[i] = fastRead.v4;
        } else if ((p = fastIpv6(text)) >= 0) {
          this.ver[i] = 6;
          this.prefix[i] = p;
          this.w6.set(fastRead.v6, i * 4);
        } else {
          const c = cidrOf(text);
          if (c) {
            this.ver[i] = c.version;
            this.prefix[i] = c.prefix;
            if (c.version === 4) this.n4[i] = Number(c.network);
            else for (let k = 0; k < 4; k++) this.w6[i * 4 + k] = Number((c.network >> BigInt(96 - 32 * k)) & 0xffffffffn);
          }
        }
        break;
      }
      case 'prefixList':
        this.bucket[i] = dir + 2;
        this.key[i] = peer.prefixListId;
        break;
      case 'group': {
        this.bucket[i] = dir + 3;
        const id = peer.groupId;
        const pcx = peer.peeringConnectionId;
        const self = id === this.groupId;
        if (self) this.flags[i] |= SELF_PEER;
        // One lookup answers "may be stale", marks the use and gives sameKey its number; only
        // the other group peers need a key string, and theirs cannot be mistaken for an id.
        const o = this.ordinal.get(id);
        if (o === undefined) this.flags[i] |= MISSING_PEER;
        else if (!self) this.referenced[o] = 1;
        if (o !== undefined && !pcx) {
          this.ord[i] = o;
          this.key[i] = id;
        } else {
          this.key[i] = pcx ? `${String(id).length}:${id}|${pcx}` : `${String(id).length}:${id}`;
        }
        break;
      }
      default:
        // Not a peer AWS gives: a key bucket with no key, so it neither covers nor is covered.
        this.bucket[i] = dir + 2;
        this.key[i] = '';
        break;
    }
  }

  /** Fills the slots from the rules of group `groupId` (after reset and prefetch). */
  fill(groupId: string, rules: readonly SecurityGroupRule[]): void {
    this.groupId = groupId;
    this.rules = rules;
    for (let i = 0; i < rules.length; i++) this.set(i, rules[i]!);
  }

  /** Orders the rule indexes by bucket (counting sort); bucket b is order[start[b]..start[b+1]). */
  sortBuckets(): void {
    const start = this.start;
    start.fill(0);
    for (let i = 0; i < this.n; i++) start[this.bucket[i]! + 1]!++;
    for (let b = 1; b <= 8; b++) start[b]! += start[b - 1]!;
    const next = this.next;
    for (let b = 0; b < 8; b++) next[b] = start[b]!;
    for (let i = 0; i < this.n; i++) this.order[next[this.bucket[i]!]!++] = i;
  }

  /** Whether rule w's protocol and ports include all of rule r's. */
  protoPortsCover(w: number, r: number): boolean {
    const pc = this.pc[w]!;
    if (pc === -1) return true;
    if (pc !== this.pc[r]) return false;
    if (pc === 6 || pc === 17) return this.lo[w]! <= this.lo[r]! && this.hi[r]! <= this.hi[w]!;
    if (pc === 1 || pc === 58) {
      // lo is the ICMP type and hi the code; -1 means all.
      const wt = this.lo[w]!;
      if (wt === -1) return true;
      const wc = this.hi[w]!;
      return wt === this.lo[r] && (wc === -1 || wc === this.hi[r]);
    }
    // Other protocols (gre, esp, ...) have no ports.
    return true;
  }

  /** Whether rule w's peer includes all of rule r's; both are in the same bucket (same peer kind). */
  peerCovers(w: number, r: number): boolean {
    const v = this.ver[w]!;
    if (v === 0) {
      const k = this.key[w]!;
      return k !== '' && k === this.key[r];
    }
    const wp = this.prefix[w]!;
    if (this.ver[r] !== v || wp > this.prefix[r]!) return false;
    if (v === 6) return samePrefix6(this.w6, w * 4, r * 4, wp);
    return wp === 0 || ((this.n4[w]! ^ this.n4[r]!) >>> (32 - wp)) === 0;
  }

  covers(w: number, r: number): boolean {
    return this.protoPortsCover(w, r) && this.peerCovers(w, r);
  }

  /**
   * Finds each rule that another single rule of the same direction and peer kind fully covers,
   * with that wider rule (the first such rule in the group's order), as pairs (narrow, wide) of
   * indexes in `found`, in bucket and then rule order; answers the pair count. When two rules
   * cover each other (the same permission twice), only the one with the larger rule id is
   * reported, so exactly one of the pair is suggested for removal.
   *
   * Comparing every pair of a bucket was most of the cost of findings() (groups of 20-60 rules),
   * so candidates are found by peer first: rules of a group or prefix list peer meet only rules
   * with the same key (a hash chain); IPv4 ranges, which either nest or do not overlap, are
   * sorted by start and then width, and a sweep keeps the ranges that contain the current one on
   * a stack. Only those candidates get the protocol and port test. IPv6 (rare) is compared pairwise.
   */
  shadowed(): number {
    const { order, start } = this;
    let pairs = 0;
    for (let b = 0; b < 8; b++) {
      const s = start[b]!;
      const e = start[b + 1]!;
      if (e - s < 2) continue;
      for (let x = s; x < e; x++) this.best[order[x]!] = -1;
      if ((b & 3) < 2) {
        this.sweepIpv4(s, e);
        this.pairwiseIpv6(s, e);
      } else {
        this.sameKey(s, e);
      }
      for (let x = s; x < e; x++) {
        const r = order[x]!;
        const w = this.best[r]!;
        if (w < 0) continue;
        this.found[pairs * 2] = r;
        this.found[pairs * 2 + 1] = w;
        pairs++;
      }
    }
    return pairs;
  }

  /** Whether w shadows r, given that w's peer includes r's; records the first such w in best. */
  private consider(w: number, r: number): void {
    if (!this.protoPortsCover(w, r)) return;
    // The same permission twice: keep the rule with the smaller id.
    if (this.rules[r]!.ruleId < this.rules[w]!.ruleId && this.covers(r, w)) return;
    const cur = this.best[r]!;
    if (cur < 0 || w < cur) this.best[r] = w;
  }

  /** Group and prefix list peers: only rules with the same key can cover each other. */
  private sameKey(s: number, e: number): void {
    const { order, key, ord, first, link, last, ordHead, ordStamp } = this;
    if (this.stamp >= 0x3fffffff) {
      ordStamp.fill(0);
      this.stamp = 0;
    }
    const stamp = ++this.stamp;
    let mapUsed = false;
    let shared = false;
    for (let x = s; x < e; x++) {
      const r = order[x]!;
      link[r] = -1;
      const o = ord[r]!;
      let h: number | undefined;
      if (o >= 0) {
        if (ordStamp[o] === stamp) h = ordHead[o];
        else {
          ordStamp[o] = stamp;
          ordHead[o] = r;
        }
      } else {
        const k = key[r]!;
        if (k === '') {
          first[r] = -1;
          continue;
        }
        if (!mapUsed) {
          this.heads.clear();
          mapUsed = true;
        }
        h = this.heads.get(k);
        if (h === undefined) this.heads.set(k, r);
      }
      if (h === undefined) {
        first[r] = r;
        last[r] = r;
      } else {
        first[r] = h;
        link[last[h]!] = r;
        last[h] = r;
        shared = true;
      }
    }
    if (!shared) return;
    for (let x = s; x < e; x++) {
      const r = order[x]!;
      const h = first[r]!;
      if (h < 0 || (h === r && link[r] === -1)) continue;
      for (let w = h; w >= 0; w = link[w]!) if (w !== r) this.consider(w, r);
    }
  }

  /** IPv4 ranges of a CIDR bucket: sorted by (start, prefix), then a sweep with a stack of the enclosing ranges. */
  private sweepIpv4(s: number, e: number): void {
    const { order, ver, prefix, n4 } = this;
    const idx = this.sortedIdx;
    let m = 0;
    if (this.n <= 32768) {
      // start (32 bits), prefix (6 bits) and rule index (15 bits) in one exact double, sorted natively.
      const keys = this.keys;
      for (let x = s; x < e; x++) {
        const r = order[x]!;
        if (ver[r] === 4) keys[m++] = (n4[r]! * 64 + prefix[r]!) * 32768 + r;
      }
      if (m < 2) return;
      const sorted = keys.subarray(0, m).sort();
      for (let j = 0; j < m; j++) idx[j] = sorted[j]! % 32768;
    } else {
      // More rules than AWS allows in a group: the same order, with a comparison function.
      for (let x = s; x < e; x++) if (ver[order[x]!] === 4) idx[m++] = order[x]!;
      if (m < 2) return;
      idx.subarray(0, m).sort((a, b) => n4[a]! - n4[b]! || prefix[a]! - prefix[b]! || a - b);
    }
    const stkFrom = this.stkFrom;
    const stkTo = this.stkTo;
    const stkEnd = this.stkEnd;
    let depth = 0;
    let a = 0;
    while (a < m) {
      const ra = idx[a]!;
      const net = n4[ra]!;
      const p = prefix[ra]!;
      let z = a + 1;
      while (z < m && n4[idx[z]!] === net && prefix[idx[z]!] === p) z++;
      // Ranges that end before this one starts contain neither it nor anything after it.
      while (depth > 0 && stkEnd[depth - 1]! < net) depth--;
      for (let j = a; j < z; j++) {
        const r = idx[j]!;
        for (let d = 0; d < depth; d++) for (let q = stkFrom[d]!; q < stkTo[d]!; q++) this.consider(idx[q]!, r);
        for (let q = a; q < z; q++) if (q !== j) this.consider(idx[q]!, r);
      }
      stkFrom[depth] = a;
      stkTo[depth] = z;
      stkEnd[depth] = net + 2 ** (32 - p) - 1;
      depth++;
      a = z;
    }
  }

  /** Every pair of the bucket's IPv6 ranges (rare in rules). */
  private pairwiseIpv6(s: number, e: number): void {
    const { order, ver } = this;
    for (let x = s; x < e; x++) {
      const r = order[x]!;
      if (ver[r] !== 6) continue;
      for (let y = s; y < e; y++) {
        const w = order[y]!;
        if (y !== x && ver[w] === 6 && this.peerCovers(w, r)) this.consider(w, r);
      }
    }
  }
}

/**
 * One scratch for every findings() call (the pass is synchronous). Besides saving the buffers,
 * keeping an instance alive keeps its hidden class alive: when the last instance died, the next
 * garbage collection dropped the class and with it the optimised code of the whole pass, so
 * every later call ran unoptimised again.
 */
const SCRATCH = new GroupScratch();

interface ScanContext {
  readonly idx: RegionIndex;
  readonly out: Finding[];
  readonly lookup: (groupId: string) => SecurityGroup | undefined;
  readonly dbsByGroup: ReadonlyMap<string, readonly ResolvedTarget[]>;
  /** By ordinal (position in snapshot.groups): 1 for groups that some other group's rule references. */
  readonly referenced: Uint8Array;
  readonly sc: GroupScratch;
}

const NO_DBS: readonly ResolvedTarget[] = [];
const NO_ORDINALS: ReadonlyMap<string, number> = new Map();
const NO_MARKS = new Uint8Array(0);

/**
 * The per-rule checks of one group, and its shadowed rules and quota. Kept small, with the
 * finding texts built in separate functions, so V8 optimises this loop once and keeps it.
 */
function scanGroup(ctx: ScanContext, groupId: string, rules: readonly SecurityGroupRule[]): void {
  const { idx, sc } = ctx;
  const guarded = ctx.dbsByGroup.get(groupId) ?? NO_DBS;
  const n = rules.length;
  sc.reset(n);
  sc.prefetch(rules);
  sc.fill(groupId, rules);
  const { flags, pc, ver, prefix } = sc;
  for (let i = 0; i < n; i++) {
    const f = flags[i]!;
    if ((f & MISSING_PEER) !== 0 && isStaleReference(idx, rules[i]!)) emitStale(ctx, groupId, rules[i]!);
    if ((f & EGRESS) !== 0) continue;
    const p = pc[i]!;
    const v = ver[i]!;
    const world = v !== 0 && prefix[i] === 0;
    let worldFinding = false;
    if (world && guarded.length) worldFinding = emitWorld(ctx, groupId, rules[i]!, guarded, p, sc.lo[i]!, sc.hi[i]!);
    if (p === -1 && !worldFinding && (f & SELF_PEER) === 0) emitAllTraffic(ctx, groupId, rules[i]!, guarded, world);
    if (v === 4 && prefix[i]! >= 1 && prefix[i]! <= 23 && !isPrivateV4(sc.n4[i]!, prefix[i]!)) emitWide(ctx, groupId, rules[i]!, guarded, sc.n4[i]!, prefix[i]!);
  }
  sc.sortBuckets();
  if (n > 1) {
    const pairs = sc.shadowed();
    for (let p = 0; p < pairs; p++) emitShadowed(ctx, groupId, rules[sc.found[p * 2]!]!, rules[sc.found[p * 2 + 1]!]!);
  }
  // Buckets are direction * 4 + peer kind (cidr4, cidr6, prefix list, group); a group or prefix
  // list reference counts once for IPv4 and once for IPv6.
  const st = sc.start;
  const in4 = st[1]! - st[0]! + st[4]! - st[2]!;
  const in6 = st[2]! - st[1]! + st[4]! - st[2]!;
  const out4 = st[5]! - st[4]! + st[8]! - st[6]!;
  const out6 = st[6]! - st[5]! + st[8]! - st[6]!;
  if (in4 >= NEAR_QUOTA_RULES) emitQuota(ctx, groupId, in4, 'inbound', 'IPv4');
  if (in6 >= NEAR_QUOTA_RULES) emitQuota(ctx, groupId, in6, 'inbound', 'IPv6');
  if (out4 >= NEAR_QUOTA_RULES) emitQuota(ctx, groupId, out4, 'outbound', 'IPv4');
  if (out6 >= NEAR_QUOTA_RULES) emitQuota(ctx, groupId, out6, 'outbound', 'IPv6');
}

function emitStale(ctx: ScanContext, groupId: string, r: SecurityGroupRule): void {
  ctx.out.push({
    id: `stale-reference:${r.ruleId}`,
    kind: 'stale-reference',
    severity: 'low',
    groupId,
    ruleId: r.ruleId,
    title: `References missing group ${peerKey(r.peer)}`,
    why: `${r.isEgress ? 'Outbound' : 'Inbound'} rule ${r.ruleId} (${ruleLabel(r, ctx.lookup)}) names a group that is not in this Region: it was deleted, or the snapshot is old. It matches nothing and only adds clutter.`,
    fix: { kind: 'revoke', groupId, ruleIds: [r.ruleId] },
  });
}

/** db-port-world or any-port-world-on-db-group for a world-open inbound rule; false when neither applies. */
function emitWorld(ctx: ScanContext, groupId: string, r: SecurityGroupRule, guarded: readonly ResolvedTarget[], pc: number, lo: number, hi: number): boolean {
  const { idx, lookup } = ctx;
  const hit = guarded.filter((db) => allowsTcpPort(r, db.port));
  if (hit.length) {
    const ports = [...new Set(hit.map((d) => d.port))].join(', ');
    ctx.out.push({
      id: `db-port-world:${r.ruleId}`,
      kind: 'db-port-world',
      severity: 'high',
      groupId,
      ruleId: r.ruleId,
      ...dbRef(hit[0]!),
      title: `Database port ${ports} open to ${peerKey(r.peer)}`,
      why: `${ruleLabel(r, lookup)} lets anyone on the internet try to connect to ${dbListText(hit)} on port ${ports}; only its password stands in the way. Allow the application's security group or specific addresses instead.`,
      fix: { kind: 'revoke', groupId, ruleIds: [r.ruleId] },
    });
    return true;
  }
  // ICMP from the world (ping, path MTU discovery) is not a port and is left alone.
  if (pc === 1 || pc === 58) return false;
  // High: TCP to an administration or database port, or a range of 100 ports or more.
  const sensitive = (pc === 6 && SENSITIVE_PORTS.some((p) => lo <= p && p <= hi)) || ((pc === 6 || pc === 17) && hi - lo >= 100);
  ctx.out.push({
    id: `any-port-world-on-db-group:${r.ruleId}`,
    kind: 'any-port-world-on-db-group',
    severity: sensitive ? 'high' : 'medium',
    groupId,
    ruleId: r.ruleId,
    ...dbRef(guarded[0]!),
    title: `${portLabel(r)} open to ${peerKey(r.peer)} on a database group`,
    why: `${groupText(idx, groupId)} guards ${dbListText(guarded)}, and ${ruleLabel(r, lookup)} exposes ${sensitive ? 'an administration or database port, or a wide port range, ' : ''}${guarded.length === 1 ? 'it' : 'them'} to the whole internet. A database group should admit only the database port, from known sources.`,
    fix: { kind: 'revoke', groupId, ruleIds: [r.ruleId] },
  });
  return true;
}

function emitAllTraffic(ctx: ScanContext, groupId: string, r: SecurityGroupRule, guarded: readonly ResolvedTarget[], world: boolean): void {
  const ports = [...new Set(guarded.map((d) => d.port))];
  const from = peerLabel(r.peer, ctx.lookup);
  ctx.out.push({
    id: `all-traffic:${r.ruleId}`,
    kind: 'all-traffic',
    severity: 'medium',
    groupId,
    ruleId: r.ruleId,
    ...(guarded[0] ? dbRef(guarded[0]) : {}),
    title: `All traffic from ${from}`,
    why: `${r.ruleId} allows every protocol and port from ${from}${world ? ', that is from the whole internet' : ''}. Allow only what is used${ports.length ? ` (tcp ${ports.join(', ')} for the database)` : ''}.`,
    fix: {
      kind: 'narrow',
      groupId,
      ruleId: r.ruleId,
      suggestion: ports.length
        ? `Replace with tcp ${ports.join(', ')} from ${peerKey(r.peer)}.`
        : `Replace with the protocols and ports that are used, from ${peerKey(r.peer)}.`,
    },
  });
}

function emitWide(ctx: ScanContext, groupId: string, r: SecurityGroupRule, guarded: readonly ResolvedTarget[], network: number, prefix: number): void {
  const text = formatCidr({ version: 4, network: BigInt(network), prefix });
  const size = thousands(2 ** (32 - prefix));
  ctx.out.push({
    id: `wide-public-cidr:${r.ruleId}`,
    kind: 'wide-public-cidr',
    severity: 'medium',
    groupId,
    ruleId: r.ruleId,
    ...(guarded[0] ? dbRef(guarded[0]) : {}),
    title: `${portLabel(r)} from ${text}: ${size} public addresses`,
    why: `${r.ruleId} admits a public range of ${size} addresses, far more than any one office or service uses: whoever else holds addresses there gets in too.`,
    fix: {
      kind: 'narrow',
      groupId,
      ruleId: r.ruleId,
      suggestion: `Replace ${text} with the exact addresses that need access (/32 each, or a /24 or narrower), or a managed prefix list.`,
    },
  });
}

function emitShadowed(ctx: ScanContext, groupId: string, narrow: SecurityGroupRule, wide: SecurityGroupRule): void {
  ctx.out.push({
    id: `shadowed-rule:${narrow.ruleId}`,
    kind: 'shadowed-rule',
    severity: 'low',
    groupId,
    ruleId: narrow.ruleId,
    title: `Covered by ${wide.ruleId}`,
    why: `${narrow.ruleId} (${ruleLabel(narrow, ctx.lookup)}) allows nothing that ${wide.ruleId} (${ruleLabel(wide, ctx.lookup)}) does not already allow. Removing it changes no access and frees a rule.`,
    fix: { kind: 'revoke', groupId, ruleIds: [narrow.ruleId] },
  });
}

function emitQuota(ctx: ScanContext, groupId: string, n: number, direction: 'inbound' | 'outbound', family: 'IPv4' | 'IPv6'): void {
  ctx.out.push({
    id: `near-quota:${groupId}:${direction}:${family.toLowerCase()}`,
    kind: 'near-quota',
    severity: 'low',
    groupId,
    title: `${n} of ${MAX_RULES_PER_DIRECTION} ${direction} ${family} rules`,
    why: `${groupText(ctx.idx, groupId)} is close to the default quota of ${MAX_RULES_PER_DIRECTION} ${direction} ${family} rules; adding rules will soon fail with RulesPerSecurityGroupLimitExceeded. Merge CIDRs, use a prefix list or reference a group instead.`,
  });
}

/**
 * What in the Region's security groups deserves a look, most severe first. Choices:
 * - Only databases' groups get the "world" findings; a web server's 443 open to 0.0.0.0/0 is normal.
 * - A rule gets at most one of db-port-world / any-port-world-on-db-group, and a rule that got
 *   either is not also reported as all-traffic (the world finding already says more).
 * - all-traffic ignores a group's rule that references the group itself: that is the default
 *   group's "members talk to each other" rule, found in every VPC (default-VPC noise).
 * - wide-public-cidr takes public IPv4 blocks from /1 to /23 (the brief's /8 to /23, plus the
 *   even wider /1 to /7, which are as bad); /0 is left to the world findings. Private ranges
 *   (RFC 1918, CGNAT, ...) are never "wide public".
 * - unused-group never reports a group named 'default' (AWS will not delete it); without
 *   opts.ec2Instances it cannot see carriers, so its text says the group may still be in use.
 * - port-not-covered: medium when no group of the database covers the port (nothing can
 *   connect); info when another group covers it (the group may be there for outbound calls).
 *   A database whose groups have no inbound rules at all is reported on its first group.
 * - near-quota counts a group or prefix list reference in both the IPv4 and the IPv6 count,
 *   as AWS does; a prefix list counts as one rule here (its max entries are not loaded).
 */
export function findings(idx: RegionIndex, opts: AnalysisOptions = {}): Finding[] {
  // Databases by attached group, and every group attached to any database or DB instance.
  const dbs = databasesOf(idx);
  const dbsByGroup = new Map<string, ResolvedTarget[]>();
  const attachedAnywhere = new Set<string>();
  for (const db of dbs) {
    for (const g of db.groupIds) {
      attachedAnywhere.add(g);
      let l = dbsByGroup.get(g);
      if (!l) dbsByGroup.set(g, (l = []));
      l.push(db);
    }
  }
  for (const i of idx.snapshot.instances) for (const g of i.securityGroups) attachedAnywhere.add(g.groupId);

  const groups = idx.snapshot.groups;
  const ordinal = new Map<string, number>();
  for (let k = 0; k < groups.length; k++) ordinal.set(groups[k]!.groupId, k);
  const ctx: ScanContext = {
    idx,
    out: [],
    lookup: (id: string) => idx.groupsById.get(id),
    dbsByGroup,
    referenced: new Uint8Array(groups.length),
    sc: SCRATCH,
  };
  // One pass over every group's rules (the hot part: see scanGroup). The scratch keeps no
  // reference to this Region's objects afterwards (only numbers in its buffers).
  SCRATCH.begin(ordinal, ctx.referenced);
  try {
    idx.rulesByGroup.forEach((rules, groupId) => scanGroup(ctx, groupId, rules));
  } finally {
    SCRATCH.begin(NO_ORDINALS, NO_MARKS);
  }
  const out = ctx.out;
  const referenced = ctx.referenced;

  // port-not-covered, aggregated per (group, port) so a group guarding several databases on the
  // same port is reported once, at the most severe level.
  const covers = new Map<string, boolean>();
  const coversPort = (gid: string, port: number): boolean => {
    const key = `${gid}\u0000${port}`;
    let v = covers.get(key);
    if (v === undefined) {
      v = idx.rulesOf(gid, false).some((r) => allowsTcpPort(r, port));
      covers.set(key, v);
    }
    return v;
  };
  const notCovered = new Map<string, { groupId: string; port: number; severity: Severity; db: ResolvedTarget; dbs: ResolvedTarget[]; empty: boolean }>();
  for (const db of dbs) {
    const loaded = db.groupIds.filter((g) => idx.groupsById.has(g) || idx.rulesByGroup.has(g));
    if (!loaded.length) continue;
    const anyCovers = loaded.some((g) => coversPort(g, db.port));
    const withInbound = loaded.filter((g) => idx.rulesOf(g, false).length > 0);
    const candidates = withInbound.length ? withInbound.filter((g) => !coversPort(g, db.port)) : [loaded[0]!];
    for (const g of candidates) {
      const key = `${g}:${db.port}`;
      const severity: Severity = anyCovers ? 'info' : 'medium';
      const prev = notCovered.get(key);
      if (!prev) notCovered.set(key, { groupId: g, port: db.port, severity, db, dbs: [db], empty: !withInbound.length });
      else {
        prev.dbs.push(db);
        if (SEVERITY_RANK[severity] < SEVERITY_RANK[prev.severity]) { prev.severity = severity; prev.db = db; }
      }
    }
  }
  for (const n of notCovered.values()) {
    const why = n.severity === 'medium'
      ? n.empty
        ? `None of the groups of ${dbListText(n.dbs)} has an inbound rule, so nothing can connect to port ${n.port}.`
        : `No group of ${dbListText(n.dbs)} allows tcp ${n.port}, so nothing can connect to the database. Check the database port, or add a rule for it.`
      : `${groupText(idx, n.groupId)} has inbound rules, but none for tcp ${n.port}, the port of ${dbListText(n.dbs)}: it adds nothing to who can connect (another group does). It may be there for outbound calls.`;
    out.push({
      id: `port-not-covered:${n.groupId}:${n.port}`,
      kind: 'port-not-covered',
      severity: n.severity,
      groupId: n.groupId,
      ...dbRef(n.db),
      title: n.empty ? `No inbound rules for tcp ${n.port}` : `No rule for tcp ${n.port}`,
      why,
    });
  }

  // unused-group
  const carriers = opts.ec2Instances ? carriersByGroup(opts.ec2Instances) : undefined;
  for (const g of groups) {
    if (g.groupName === 'default') continue;
    if (attachedAnywhere.has(g.groupId) || referenced[ordinal.get(g.groupId)!]) continue;
    if (carriers?.has(g.groupId)) continue;
    out.push({
      id: `unused-group:${g.groupId}`,
      kind: 'unused-group',
      severity: 'info',
      groupId: g.groupId,
      title: 'Not in use',
      why: carriers
        ? `${groupText(idx, g.groupId)} guards no database, no loaded EC2 instance carries it and no other group's rule references it. Other network interfaces (load balancers, Lambda, endpoints) may still use it: check before deleting.`
        : `${groupText(idx, g.groupId)} guards no database and no other group's rule references it. EC2 instances were not checked, and other network interfaces may use it: check before deleting.`,
    });
  }

  // Most severe first, then by kind; within a kind in snapshot order (groups, then their rules),
  // which is stable for the same snapshot. Bucketing instead of sorting: comparing thousands of
  // freshly built id strings cost more than all the analysis.
  const buckets: Finding[][] = [];
  for (const f of out) {
    const rank = SEVERITY_RANK[f.severity] * 16 + KIND_RANK[f.kind];
    (buckets[rank] ??= []).push(f);
  }
  return buckets.flat();
}

// =============================================================================================
// syntheticRegion

export interface SyntheticOptions {
  readonly vpcs: number;
  readonly groups: number;
  readonly rules: number;
  readonly clusters: number;
  readonly instancesPerCluster: number;
  readonly region?: string;
  readonly seed?: number;
}

/** mulberry32: a small, fast, seeded PRNG with good enough spread for test data. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Role = 'default' | 'db' | 'app' | 'web' | 'bastion' | 'misc';

interface SynthGroup {
  readonly group: SecurityGroup;
  readonly role: Role;
  readonly vpcIndex: number;
  readonly dbPort: number;
  readonly weight: number;
  inbound: number;
  outbound: number;
  /** Has the usual allow-all outbound rule (else it gets specific outbound rules). */
  openEgress: boolean;
  /** A web group open to the whole internet on 80/443 (else open to listed addresses). */
  readonly worldWeb: boolean;
}

/**
 * A deterministic Region for benchmarks and tests: the same options give the same snapshot.
 * Each VPC has a default group; the other groups are database, application, web, bastion and
 * miscellaneous groups. Database groups admit their engine port from application groups,
 * private and some public CIDRs, prefix lists and IPv6 ranges, with a few world-open and wide
 * rules, port ranges, udp rules and stale references mixed in; groups vary in size (a few
 * near the quota). Exactly `groups` groups and `rules` rules (as long as `groups` is at least
 * `vpcs`); each cluster gets 1-3 groups and `instancesPerCluster` member instances.
 */
export function syntheticRegion(opts: SyntheticOptions): RegionSnapshot {
  const region = opts.region ?? 'us-east-1';
  const rnd = mulberry32(opts.seed ?? 1);
  const int = (n: number): number => Math.floor(rnd() * n);
  const chance = (p: number): boolean => rnd() < p;
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const hex = (n: number, width = 17): string => n.toString(16).padStart(width, '0');
  const owner = '123456789012';

  const vpcCount = Math.max(1, Math.floor(opts.vpcs));
  const vpcs: Vpc[] = [];
  for (let i = 0; i < vpcCount; i++) {
    const isDefault = i === 0;
    vpcs.push({
      region,
      vpcId: `vpc-${hex(0xa000 + i)}`,
      ownerId: owner,
      name: isDefault ? undefined : `vpc-${i}`,
      cidrBlocks: [isDefault ? '172.31.0.0/16' : `10.${i & 255}.0.0/16`],
      ipv6CidrBlocks: i % 3 === 1 ? [`2600:1f18:${(i + 1).toString(16)}:ff00::/56`] : [],
      isDefault,
      state: 'available',
      tags: isDefault ? {} : { Name: `vpc-${i}` },
    });
  }
  const vpcPrivate = (vi: number, prefix: 16 | 24 | 28): string => {
    const base = vi === 0 ? '172.31' : `10.${vi & 255}`;
    if (prefix === 16) return `${base}.0.0/16`;
    if (prefix === 24) return `${base}.${int(256)}.0/24`;
    return `${base}.${int(256)}.${int(16) * 16}/28`;
  };

  // Groups.
  const synth: SynthGroup[] = [];
  const byRole = new Map<string, SynthGroup[]>();
  const addGroup = (role: Role, vpcIndex: number): SynthGroup => {
    const n = synth.length;
    const groupId = `sg-${hex(0xb0000 + n)}`;
    const name = role === 'default' ? 'default' : `${role}-${n}`;
    const dbPort = role === 'db' ? (chance(0.6) ? 3306 : 5432) : 0;
    // A few big groups (near the quota), most small.
    const weight = role === 'default' ? 0.2 : chance(0.03) ? 6 : 0.3 + rnd() * 1.7;
    const s: SynthGroup = {
      group: {
        region,
        groupId,
        groupName: name,
        description: role === 'default' ? 'default VPC security group' : `${role} tier`,
        vpcId: vpcs[vpcIndex]!.vpcId,
        ownerId: owner,
        tags: role === 'default' ? {} : { Name: name, Tier: role },
      },
      role,
      vpcIndex,
      dbPort,
      weight,
      inbound: 0,
      outbound: 0,
      openEgress: false,
      worldWeb: role === 'web' && chance(0.5),
    };
    synth.push(s);
    for (const key of [role, `${role}:${vpcIndex}`]) {
      let l = byRole.get(key);
      if (!l) byRole.set(key, (l = []));
      l.push(s);
    }
    return s;
  };
  const groupTotal = Math.max(0, Math.floor(opts.groups));
  for (let i = 0; i < vpcCount && synth.length < groupTotal; i++) addGroup('default', i);
  const roleTable: Array<[Role, number]> = [['db', 0.16], ['app', 0.3], ['web', 0.1], ['bastion', 0.05], ['misc', 0.39]];
  while (synth.length < groupTotal) {
    let x = rnd();
    let role: Role = 'misc';
    for (const [r, p] of roleTable) {
      if (x < p) { role = r; break; }
      x -= p;
    }
    addGroup(role, int(vpcCount));
  }
  const inVpc = (role: Role, vi: number): SynthGroup | undefined => {
    const local = byRole.get(`${role}:${vi}`);
    if (local?.length) return pick(local);
    const any = byRole.get(role);
    return any?.length ? pick(any) : undefined;
  };

  // Rules.
  const ruleTotal = Math.max(0, Math.floor(opts.rules));
  const rules: SecurityGroupRule[] = [];
  const seen = new Set<string>();
  let staleN = 0;
  type Spec = { egress?: boolean; protocol: string; from: number; to: number; peer: RulePeer; description?: string };
  const add = (s: SynthGroup, spec: Spec): boolean => {
    if (rules.length >= ruleTotal) return false;
    const egress = !!spec.egress;
    const key = `${s.group.groupId}|${egress}|${spec.protocol}|${spec.from}|${spec.to}|${peerKey(spec.peer)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (egress) s.outbound++;
    else s.inbound++;
    rules.push({
      region,
      ruleId: `sgr-${hex(0xc00000 + rules.length)}`,
      groupId: s.group.groupId,
      isEgress: egress,
      protocol: spec.protocol,
      fromPort: spec.from,
      toPort: spec.to,
      peer: spec.peer,
      ...(spec.description ? { description: spec.description } : {}),
    });
    return true;
  };
  const groupPeer = (g: SynthGroup | undefined, fallback: SynthGroup): RulePeer =>
    ({ kind: 'group', groupId: (g ?? fallback).group.groupId, userId: owner });
  const cidr4 = (cidr: string): RulePeer => ({ kind: 'cidr4', cidr });
  const cidr6 = (cidr: string): RulePeer => ({ kind: 'cidr6', cidr });
  const publicHost = (): string => `${pick([3, 13, 18, 34, 35, 44, 52, 54, 63, 99, 198, 203])}.${int(256)}.${int(256)}.${1 + int(254)}/32`;
  const publicWide = (): string => {
    const a = pick([3, 13, 18, 34, 35, 52, 54, 99]);
    switch (int(4)) {
      case 0: return `${a}.0.0.0/8`;
      case 1: return `${a}.${int(256)}.0.0/16`;
      case 2: return `${a}.${int(256)}.${int(16) * 16}.0/20`;
      default: return `${a}.${int(256)}.${int(128) * 2}.0/23`;
    }
  };
  const public6 = (): string => `2600:1f18:${(1 + int(0xfffe)).toString(16)}:${(1 + int(0xfffe)).toString(16)}::/64`;
  const private6 = (): string => `fd00:${(1 + int(0xfffe)).toString(16)}::/48`;
  const prefixList = (): RulePeer => ({ kind: 'prefixList', prefixListId: `pl-${hex(0xd00 + int(12), 8)}` });
  const stalePeer = (): RulePeer => ({ kind: 'group', groupId: `sg-${hex(0xdead0000 + staleN++)}`, userId: owner });

  const single = (port: number, peer: RulePeer, egress = false): Spec => ({ egress, protocol: 'tcp', from: port, to: port, peer });

  // Base rules every group has: the default group's self rule, and allow-all outbound for most.
  for (const s of synth) {
    if (s.role === 'default') {
      add(s, { protocol: '-1', from: -1, to: -1, peer: groupPeer(s, s) });
      add(s, { egress: true, protocol: '-1', from: -1, to: -1, peer: cidr4('0.0.0.0/0') });
      s.openEgress = true;
    } else if (chance(0.85)) {
      s.openEgress = true;
      add(s, { egress: true, protocol: '-1', from: -1, to: -1, peer: cidr4('0.0.0.0/0') });
      if (vpcs[s.vpcIndex]!.ipv6CidrBlocks.length) add(s, { egress: true, protocol: '-1', from: -1, to: -1, peer: cidr6('::/0') });
    }
    if (s.role === 'db') add(s, { ...single(s.dbPort, groupPeer(inVpc('app', s.vpcIndex), s)), description: 'app servers' });
    if (s.worldWeb) {
      for (const p of [80, 443]) add(s, single(p, cidr4('0.0.0.0/0')));
      if (vpcs[s.vpcIndex]!.ipv6CidrBlocks.length) add(s, single(443, cidr6('::/0')));
    }
  }

  // Mostly clean data with a realistic sprinkling of problems: a few percent of rules are wide,
  // world-open, stale or redundant, as in a long-lived account.
  const randomSpec = (s: SynthGroup): Spec => {
    const vi = s.vpcIndex;
    if (!s.openEgress && chance(0.3)) {
      // Groups without allow-all outbound list what they may reach.
      const y = rnd();
      if (y < 0.35) return { egress: true, protocol: 'tcp', from: 443, to: 443, peer: chance(0.6) ? cidr4('0.0.0.0/0') : prefixList() };
      if (y < 0.8) {
        const db = inVpc('db', vi);
        return single(db?.dbPort ?? 3306, groupPeer(db, s), true);
      }
      if (y < 0.95) return single(pick([53, 123, 6379, 9200]), cidr4(vpcPrivate(vi, 24)), true);
      return { egress: true, protocol: 'tcp', from: 1024, to: 65535, peer: cidr4(vpcPrivate(vi, 16)) };
    }
    const port = s.dbPort;
    const y = rnd();
    switch (s.role) {
      case 'db': {
        if (y < 0.3) return single(port, groupPeer(inVpc(pick(['app', 'app', 'bastion', 'misc'] as const), vi), s));
        if (y < 0.62) return { ...single(port, cidr4(chance(0.8) ? vpcPrivate(vi, 24) : vpcPrivate(vi, 28))), description: 'private subnet' };
        if (y < 0.76) return { ...single(port, cidr4(publicHost())), description: 'office' };
        if (y < 0.8) return single(port, prefixList());
        if (y < 0.85) return single(port, cidr6(chance(0.5) ? public6() : private6()));
        if (y < 0.855) return single(port, chance(0.7) ? cidr4('0.0.0.0/0') : cidr6('::/0'));
        if (y < 0.865) return single(port, cidr4(publicWide()));
        if (y < 0.93) return single(22, groupPeer(inVpc('bastion', vi), s));
        if (y < 0.94) return single(port, stalePeer());
        if (y < 0.95) return { protocol: 'udp', from: port, to: port, peer: cidr4(vpcPrivate(vi, 24)) };
        if (y < 0.965) return { protocol: 'tcp', from: port - 6, to: port + 4, peer: cidr4(vpcPrivate(vi, 24)) };
        if (y < 0.97) return { protocol: '-1', from: -1, to: -1, peer: cidr4(vpcPrivate(vi, 24)) };
        if (y < 0.975) return single(pick([22, 443]), cidr4('0.0.0.0/0'));
        return { protocol: 'icmp', from: -1, to: -1, peer: cidr4(vpcPrivate(vi, 16)) };
      }
      case 'app': {
        if (y < 0.3) return single(443, groupPeer(inVpc('web', vi), s));
        if (y < 0.5) return { protocol: 'tcp', from: 8080, to: 8090, peer: cidr4(vpcPrivate(vi, 24)) };
        if (y < 0.65) return single(22, groupPeer(inVpc('bastion', vi), s));
        if (y < 0.82) return single(pick([80, 443, 8443, 9000]), groupPeer(inVpc('app', vi), s));
        if (y < 0.95) return single(443, cidr4(publicHost()));
        if (y < 0.96) return { protocol: '-1', from: -1, to: -1, peer: groupPeer(inVpc('app', vi), s) };
        return { protocol: 'udp', from: 53, to: 53, peer: cidr4(vpcPrivate(vi, 16)) };
      }
      case 'web': {
        // A public site (open to the world, see the base rules) or a partner endpoint (listed addresses).
        if (s.worldWeb) {
          if (y < 0.4) return single(pick([8080, 8443]), groupPeer(inVpc('web', vi), s));
          if (y < 0.9) return single(22, groupPeer(inVpc('bastion', vi), s));
          return { protocol: 'icmp', from: 8, to: -1, peer: cidr4('0.0.0.0/0') };
        }
        if (y < 0.6) return single(443, cidr4(publicHost()));
        if (y < 0.63) return single(443, cidr4(publicWide()));
        if (y < 0.8) return single(443, prefixList());
        return single(443, cidr6(public6()));
      }
      case 'bastion': {
        if (y < 0.85) return { ...single(22, cidr4(publicHost())), description: 'admin home' };
        if (y < 0.9) return single(22, cidr4(publicWide()));
        return single(22, cidr6(public6()));
      }
      default: {
        if (y < 0.365) return single(pick([443, 6379, 9200, 11211]), cidr4(vpcPrivate(vi, 24)));
        if (y < 0.37) return { protocol: 'tcp', from: 1024, to: 65535, peer: cidr4(vpcPrivate(vi, 16)) };
        if (y < 0.7) return single(443, groupPeer(inVpc(pick(['app', 'web', 'misc'] as const), vi), s));
        if (y < 0.8) return { protocol: 'udp', from: 500, to: 500, peer: cidr4(publicHost()) };
        if (y < 0.987) return single(pick([443, 8443]), cidr4(publicHost()));
        if (y < 0.99) return { protocol: '-1', from: -1, to: -1, peer: cidr4(vpcPrivate(vi, 16)) };
        return single(443, stalePeer());
      }
    }
  };

  // Weighted choice of a group for each further rule (cumulative weights + binary search).
  const cumulative: number[] = [];
  let totalWeight = 0;
  for (const s of synth) cumulative.push((totalWeight += s.weight));
  const weightedGroup = (): SynthGroup => {
    const x = rnd() * totalWeight;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return synth[lo]!;
  };
  // Stay under the quota of 60 per direction while there is room anywhere.
  const capacity = synth.length * 2 * (MAX_RULES_PER_DIRECTION - 2);
  let guard = 0;
  while (rules.length < ruleTotal && synth.length) {
    let s = weightedGroup();
    const spec = randomSpec(s);
    if (rules.length < capacity) {
      for (let tries = 0; tries < 20 && (spec.egress ? s.outbound : s.inbound) >= MAX_RULES_PER_DIRECTION - 2; tries++) s = pick(synth);
    }
    if (!add(s, spec) && ++guard % 8 === 0) {
      // Repeated duplicates: a fresh public /32 is always new.
      add(s, { protocol: 'tcp', from: 443, to: 443, peer: cidr4(`${pick([52, 54])}.${int(256)}.${int(256)}.${int(256)}/32`) });
    }
  }

  // Clusters and their member instances.
  const clusters: DbCluster[] = [];
  const instances: DbInstance[] = [];
  const dbGroups = byRole.get('db') ?? [];
  for (let i = 0; i < Math.max(0, Math.floor(opts.clusters)); i++) {
    const primary = dbGroups.length ? pick(dbGroups) : synth.length ? pick(synth) : undefined;
    const vi = primary ? primary.vpcIndex : int(vpcCount);
    const postgres = primary?.role === 'db' ? primary.dbPort === 5432 : chance(0.4);
    const engine = postgres ? 'aurora-postgresql' : 'aurora-mysql';
    const y = rnd();
    const port = y < 0.85 ? (postgres ? 5432 : 3306) : y < 0.95 ? undefined : postgres ? 6543 : 13306;
    const groupIds = primary ? [primary.group.groupId] : [];
    if (chance(0.3)) {
      const second = inVpc('db', vi);
      if (second && !groupIds.includes(second.group.groupId)) groupIds.push(second.group.groupId);
    }
    if (chance(0.15)) {
      const def = byRole.get(`default:${vi}`)?.[0];
      if (def && !groupIds.includes(def.group.groupId)) groupIds.push(def.group.groupId);
    }
    const clusterId = `${postgres ? 'pg' : 'mysql'}-cluster-${i}`;
    const attached = groupIds.map((groupId) => ({ groupId, status: 'active' }));
    const members = Array.from({ length: Math.max(0, Math.floor(opts.instancesPerCluster)) }, (_, k) => ({
      instanceId: `${clusterId}-instance-${k + 1}`,
      isWriter: k === 0,
      promotionTier: 1,
    }));
    const vpcId = vpcs[vi]!.vpcId;
    clusters.push({
      region,
      clusterId,
      arn: `arn:aws:rds:${region}:${owner}:cluster:${clusterId}`,
      engine,
      engineVersion: postgres ? '16.4' : '8.0.mysql_aurora.3.08.0',
      ...(port !== undefined ? { port } : {}),
      status: 'available',
      endpoint: `${clusterId}.cluster-abc.${region}.rds.amazonaws.com`,
      readerEndpoint: `${clusterId}.cluster-ro-abc.${region}.rds.amazonaws.com`,
      members,
      securityGroups: attached,
      subnetGroupName: `db-subnets-${vi}`,
      vpcId,
    });
    for (const m of members) {
      instances.push({
        region,
        instanceId: m.instanceId,
        arn: `arn:aws:rds:${region}:${owner}:db:${m.instanceId}`,
        clusterId,
        engine,
        instanceClass: 'db.r6g.large',
        status: 'available',
        securityGroups: attached,
        vpcId,
        endpointAddress: `${m.instanceId}.abc.${region}.rds.amazonaws.com`,
        ...(port !== undefined ? { port } : {}),
      });
    }
  }

  return {
    region,
    vpcs,
    groups: synth.map((s) => s.group),
    rules,
    clusters,
    instances,
    loadedAt: 1_700_000_000_000,
  };
}

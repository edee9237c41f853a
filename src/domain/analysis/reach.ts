// Who can open a TCP connection to a database: every inbound rule of its groups that allows its
// port, grouped by source (merged CIDR blocks, groups, prefix lists).
import { Cidr, cidrContains, cidrOverlaps, cidrSize, formatCidr, IpVersion, isPrivateCidr, isWorld, mergeCidrs } from '../cidr';
import type { Ec2Instance, RegionIndex, RulePeer, SecurityGroupRule } from '../model';
import { requireRead } from '../model';
import { peerKey } from '../rules';
import { briefPaths, dbEndpoints, type DbEndpoint, type HopState, type NetSource } from './network';
import { type InstancePath, instancePath } from './path';
import {
  allowsTcpPort,
  type AnalysisOptions,
  carriersByGroup,
  cidrOf,
  type DbTarget,
  isForeignReference,
  resolveDbTarget,
  type ResolvedTarget,
} from './target';

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
  /**
   * Who really reaches the database once routes, network ACLs and public accessibility are taken
   * into account (absent when the network part was not read: the lists above are then what the
   * security groups allow, no more).
   */
  readonly exposure?: Exposure;
}

/** One source the groups let in, and whether it really gets through to each DB instance. */
export interface SourceReach {
  readonly kind: 'cidr' | 'group' | 'prefixList';
  /** The CIDR block, group id or 'pl-… entry'. */
  readonly source: string;
  /** 'allowed' when it reaches some instance; otherwise 'unknown' when a hop could not be read; else 'blocked'. */
  readonly state: HopState;
  readonly instances: readonly InstancePath[];
}

export interface Exposure {
  /** Public ranges the groups let in: "from the internet". */
  readonly internet: readonly SourceReach[];
  /** Private ranges and groups: "from inside the VPC and peered networks". */
  readonly inside: readonly SourceReach[];
  /** The DB instances that the internet really reaches today (public, routed, allowed). */
  readonly internetInstances: readonly string[];
  /** The DB instances behind the target, with their role. */
  readonly endpoints: readonly { readonly instanceId: string; readonly role: DbEndpoint['role'] }[];
}

const bestState = (list: readonly InstancePath[]): HopState =>
  list.some((i) => i.state === 'allowed') ? 'allowed' : list.some((i) => i.state === 'unknown') ? 'unknown' : 'blocked';

function sourceReach(
  idx: RegionIndex,
  opts: AnalysisOptions,
  endpoints: readonly DbEndpoint[],
  src: NetSource,
  port: number,
): { instances: InstancePath[]; internet: boolean } {
  let internet = false;
  const instances = briefPaths(idx, opts.network!, src, endpoints, port).map((x) => {
    if (x.via === 'internet') internet = true;
    return instancePath(x);
  });
  return { instances, internet };
}

/** Every source of the reachability, through the network (see Exposure). */
function exposureOf(
  idx: RegionIndex,
  opts: AnalysisOptions,
  db: ResolvedTarget,
  cidrs: readonly ReachCidr[],
  groups: readonly ReachGroup[],
  lists: readonly ReachPrefixList[],
): Exposure {
  const net = opts.network!;
  const endpoints = dbEndpoints(idx, net, db);
  const internet: SourceReach[] = [];
  const inside: SourceReach[] = [];
  const add = (kind: SourceReach['kind'], source: string, src: NetSource) => {
    const r = sourceReach(idx, opts, endpoints, src, db.port);
    (r.internet ? internet : inside).push({ kind, source, state: bestState(r.instances), instances: r.instances });
  };
  for (const c of cidrs) {
    const parsed = cidrOf(c.cidr);
    if (parsed) add('cidr', c.cidr, { kind: 'cidr', cidr: parsed });
  }
  for (const g of groups)
    add('group', g.groupId, {
      kind: 'group',
      groupId: g.groupId,
      ...((idx.groupsById.get(g.groupId)?.vpcId ?? db.vpcId) ? { vpcId: idx.groupsById.get(g.groupId)?.vpcId ?? db.vpcId } : {}),
    });
  for (const l of lists) {
    for (const e of net.snapshot.prefixLists.get(l.prefixListId) ?? []) {
      const parsed = cidrOf(e);
      if (parsed) add('prefixList', `${l.prefixListId} ${e}`, { kind: 'cidr', cidr: parsed });
    }
  }
  const reached = new Set<string>();
  for (const s of internet) for (const i of s.instances) if (i.state === 'allowed') reached.add(i.instanceId);
  return {
    internet,
    inside,
    internetInstances: endpoints.map((e) => e.instanceId).filter((id) => reached.has(id)),
    endpoints: endpoints.map((e) => ({ instanceId: e.instanceId, role: e.role })),
  };
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
  // Rules not read are unknown, not "none": no answer rather than "nothing can connect".
  requireRead(idx.snapshot, ['rules'], 'tell who can reach the database');
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
  const sorted = [...cidrRules].sort(
    (a, b) => a.cidr.version - b.cidr.version || (a.cidr.network < b.cidr.network ? -1 : a.cidr.network > b.cidr.network ? 1 : 0),
  );
  const rulesOfBlock: ReachRule[][] = merged.map(() => []);
  let at = 0;
  for (const x of sorted) {
    while (at < merged.length && !cidrContains(merged[at]!, x.cidr)) at++;
    if (at < merged.length) {
      rulesOfBlock[at]!.push(reachRule(x.rule));
    } else {
      at = 0;
      merged.forEach((block, i) => {
        if (cidrOverlaps(block, x.cidr)) rulesOfBlock[i]!.push(reachRule(x.rule));
      });
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

  // A prefix list whose entries were read and include 0.0.0.0/0 or ::/0 opens the database to the world too.
  const listsWorld = prefixLists.some((l) => (opts.network?.snapshot.prefixLists.get(l.prefixListId) ?? []).some((e) => cidrOf(e)?.prefix === 0));
  return {
    target: db,
    engine: db.engine,
    port,
    attachedGroupIds: db.groupIds,
    missingAttachedGroupIds: db.groupIds.filter((g) => !idx.groupsById.has(g)),
    cidrs,
    groups,
    prefixLists,
    worldOpen: cidrs.some((c) => c.world) || listsWorld,
    ...(opts.network ? { exposure: exposureOf(idx, opts, db, cidrs, groups, prefixLists) } : {}),
  };
}

// Who can open a TCP connection to a database: every inbound rule of its groups that allows its
// port, grouped by source (merged CIDR blocks, groups, prefix lists).
import { Cidr, cidrContains, cidrOverlaps, cidrSize, formatCidr, IpVersion, isPrivateCidr, isWorld, mergeCidrs } from '../cidr';
import type { Ec2Instance, RegionIndex, RulePeer, SecurityGroupRule } from '../model';
import { requireRead } from '../model';
import { peerKey } from '../rules';
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

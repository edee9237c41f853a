// THE path engine: whether a source can open a TCP connection to a database, hop by hop (the
// source, its outbound rules, the inbound rules of each database group). Explain Path shows it;
// the walkthrough's verification (walkthrough/verify.ts) checks its hops with the same functions.
import { canonicalCidr, Cidr, cidrContains, cidrOverlaps, cidrSize, formatCidr, isPrivateCidr, isWorld, parseCidr } from '../cidr';
import type { Ec2Instance, RegionIndex, SecurityGroupRule, Vpc } from '../model';
import { requireRead } from '../model';
import { peerKey, ruleLabel } from '../rules';
import { allowsTcpPort, cidrOf, type DbTarget, groupText, peerCidr, resolveDbTarget, type ResolvedTarget, thousands } from './target';

export type PathSource = { readonly cidr: string } | { readonly groupId: string } | { readonly ec2Instance: Ec2Instance };

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
  /**
   * For a closed path from an EC2 instance: groups of its VPC that the database already lets in on
   * the port (and whose outbound rules, with the instance's, reach it). Putting the instance in one
   * is usually the right fix: it opens nothing to anyone else. Best first (fewest other changes).
   */
  readonly joinGroups?: readonly string[];
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

/** Which rules let a source in (the rule's port is checked separately). */
export type SourceMatch = (r: SecurityGroupRule) => boolean;

/** A CIDR source: a rule CIDR must contain all of it. */
export function fromCidr(source: Cidr): SourceMatch {
  return (r) => {
    const rc = peerCidr(r.peer);
    return rc !== undefined && cidrContains(rc, source);
  };
}

/** A group source: a rule must reference that group. */
export function fromGroup(groupId: string): SourceMatch {
  return (r) => r.peer.kind === 'group' && r.peer.groupId === groupId;
}

/** The inbound rules of the group that allow tcp `port` from the source, in rule order. */
export function rulesLettingIn(idx: RegionIndex, groupId: string, matches: SourceMatch, port: number): SecurityGroupRule[] {
  return idx.rulesOf(groupId, false).filter((r) => allowsTcpPort(r, port) && matches(r));
}

/** Where the traffic goes: the database's groups and its VPC (whose ranges outbound CIDR rules must reach). */
export interface PathDestination {
  readonly groupIds: readonly string[];
  readonly vpcId?: string;
}

export interface EgressCheck {
  readonly hop: PathHop;
  /** The first source group that is in the snapshot: where a missing outbound rule goes. */
  readonly group?: string;
}

/**
 * The outbound hop of the source's groups: open when an outbound rule of one of them allows tcp
 * `port` to one of the destination's groups, or to a CIDR overlapping the destination VPC's ranges
 * (any CIDR when that VPC is unknown). A source group missing from the snapshot (another account,
 * or deleted) cannot be checked and does not close the path.
 */
export function egressHop(idx: RegionIndex, sourceGroups: readonly string[], dest: PathDestination, port: number): EgressCheck {
  const destGroups = new Set(dest.groupIds);
  const vpc: Vpc | undefined = dest.vpcId ? idx.snapshot.vpcs.find((v) => v.vpcId === dest.vpcId) : undefined;
  const destRanges = vpc ? [...vpc.cidrBlocks, ...vpc.ipv6CidrBlocks].map(cidrOf).filter((c): c is Cidr => c !== undefined) : [];
  const reachesDest = (r: SecurityGroupRule): boolean => {
    if (r.peer.kind === 'group') return destGroups.has(r.peer.groupId);
    const rc = peerCidr(r.peer);
    return rc !== undefined && (destRanges.length === 0 || destRanges.some((d) => cidrOverlaps(d, rc)));
  };
  const allowing: SecurityGroupRule[] = [];
  const known: string[] = [];
  const unknown: string[] = [];
  for (const gid of sourceGroups) {
    if (!idx.groupsById.has(gid) && !idx.rulesByGroup.has(gid)) {
      unknown.push(gid);
      continue;
    }
    known.push(gid);
    for (const r of idx.rulesOf(gid, true)) if (allowsTcpPort(r, port) && reachesDest(r)) allowing.push(r);
  }
  const ok = allowing.length > 0 || unknown.length > 0;
  const lookup = (id: string) => idx.groupsById.get(id);
  let detail: string;
  if (allowing.length) {
    detail = allowing.map((r) => `${r.ruleId} of ${groupText(idx, r.groupId)} allows ${ruleLabel(r, lookup)}`).join('; ') + '.';
  } else if (unknown.length) {
    detail = `Not checked: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in this Region's snapshot.`;
  } else {
    const where = vpc ? `or to ${vpc.vpcId}'s addresses` : 'or to a CIDR';
    detail = `No outbound rule of ${known.map((g) => groupText(idx, g)).join(', ')} allows tcp ${port} to the database's groups ${where}.`;
  }
  return {
    hop: { kind: 'egress', label: `Outbound from ${sourceGroups.join(', ')}`, ok, detail, ruleIds: allowing.map((r) => r.ruleId) },
    ...(known[0] !== undefined ? { group: known[0] } : {}),
  };
}

/** The inbound hop at one database group: open when one of its rules lets the source in on tcp `port`. */
export function ingressHop(idx: RegionIndex, groupId: string, matches: SourceMatch, port: number, sourceText: string): PathHop {
  const known = idx.groupsById.has(groupId) || idx.rulesByGroup.has(groupId);
  const letIn = rulesLettingIn(idx, groupId, matches, port);
  const lookup = (id: string) => idx.groupsById.get(id);
  let detail: string;
  if (!known) detail = `${groupId} is not in this Region's snapshot (a stale attachment, or not loaded).`;
  else if (letIn.length) detail = letIn.map((r) => `${r.ruleId} allows ${ruleLabel(r, lookup)}`).join('; ') + '.';
  else {
    detail = `No inbound rule allows tcp ${port} from ${sourceText}.`;
    // Prefix lists never match (their entries are not loaded): say when one might.
    const maybe = idx.rulesOf(groupId, false).filter((r) => r.peer.kind === 'prefixList' && allowsTcpPort(r, port));
    if (maybe.length) {
      detail += ` Prefix list ${[...new Set(maybe.map((r) => peerKey(r.peer)))].join(', ')} may include it (its entries are not loaded).`;
    }
  }
  return { kind: 'ingress', label: `Inbound to ${groupText(idx, groupId)}`, ok: letIn.length > 0, detail, ruleIds: letIn.map((r) => r.ruleId), groupId };
}

/** The source hop, and what the later hops need to know of the source. */
interface SourceCheck {
  readonly hop: PathHop;
  /** Undefined when the source is not usable (then the path stops at the source hop). */
  readonly matches?: SourceMatch;
  readonly suggested?: MissingRule['source'];
  readonly groups: readonly string[];
  readonly text: string;
}

function cidrSource(text: string): SourceCheck {
  const c = canonicalCidr(text);
  const parsed = 'error' in c ? undefined : cidrOf(c.cidr);
  if ('error' in c || !parsed) {
    const hop: PathHop = {
      kind: 'source',
      label: `Source ${text.trim() || '(empty)'}`,
      ok: false,
      detail: 'error' in c ? c.error : 'Not a CIDR range.',
      ruleIds: [],
    };
    return { hop, groups: [], text };
  }
  const changed = c.changed ? ` (written ${text.trim()})` : '';
  return {
    hop: { kind: 'source', label: `Source ${c.cidr}`, ok: true, detail: `${describeCidr(parsed)}${changed}`, ruleIds: [] },
    matches: fromCidr(parsed),
    suggested: { cidr: c.cidr },
    groups: [],
    text: c.cidr,
  };
}

function groupSource(idx: RegionIndex, db: ResolvedTarget, groupId: string): SourceCheck {
  const gid = groupId.trim();
  const g = idx.groupsById.get(gid);
  const where = g
    ? `${g.vpcId ? `In ${g.vpcId}` : 'In EC2-Classic or an unknown VPC'}${db.vpcId && g.vpcId && g.vpcId !== db.vpcId ? `, not the database's ${db.vpcId}: a group reference works only within a VPC or across a peering connection` : ''}.`
    : "Not in this Region's snapshot (another account, or deleted); its outbound rules cannot be checked.";
  return {
    hop: { kind: 'source', label: `Source group ${groupText(idx, gid)}`, ok: true, detail: where, ruleIds: [] },
    matches: fromGroup(gid),
    suggested: { groupId: gid },
    groups: [gid],
    text: groupText(idx, gid),
  };
}

function instanceSource(idx: RegionIndex, db: ResolvedTarget, inst: Ec2Instance): SourceCheck {
  const groups = [...new Set(inst.securityGroupIds)];
  const ips = [hostCidr(inst.privateIp), hostCidr(inst.publicIp)].filter((c): c is Cidr => c !== undefined);
  const groupSet = new Set(groups);
  const parts: string[] = [];
  if (inst.privateIp) parts.push(`private IP ${inst.privateIp}`);
  if (inst.publicIp) parts.push(`public IP ${inst.publicIp}`);
  parts.push(groups.length ? `groups ${groups.map((g) => groupText(idx, g)).join(', ')}` : 'no security groups');
  if (db.vpcId && inst.vpcId && inst.vpcId !== db.vpcId) parts.push(`in ${inst.vpcId}, not the database's ${db.vpcId}`);
  const name = inst.name ? `${inst.name} (${inst.instanceId})` : inst.instanceId;
  // A rule admitting the VPC's default group would admit everything that carries it: never offered.
  // The instance's own (non-default) group, else its address alone.
  const firstGroup = groups.find((g) => idx.groupsById.get(g)?.groupName !== 'default');
  const ipCidr = ips[0];
  return {
    hop: { kind: 'source', label: `EC2 instance ${name}`, ok: true, detail: `${parts.join('; ')}.`, ruleIds: [] },
    matches: (r) => {
      if (r.peer.kind === 'group') return groupSet.has(r.peer.groupId);
      const rc = peerCidr(r.peer);
      return rc !== undefined && ips.some((ip) => cidrContains(rc, ip));
    },
    ...(firstGroup ? { suggested: { groupId: firstGroup } } : ipCidr ? { suggested: { cidr: formatCidr(ipCidr) } } : {}),
    groups,
    text: name,
  };
}

/**
 * Whether `source` can open a TCP connection to the database on `port` (default: the database's
 * port), hop by hop: the source; for a group or EC2 instance source, its outbound rules (see
 * egressHop); then one hop per database group saying whether an inbound rule lets the source in
 * (see ingressHop). Inbound, one group letting the source in is enough (rules are a union).
 *
 * Matching: a CIDR source needs a rule CIDR containing it; a group source a rule referencing
 * that group; an EC2 instance a rule referencing one of its groups or a CIDR containing its
 * private or public IP. Prefix lists are not resolved (their entries are not loaded), so they
 * never match; the detail says when one might. Routing, NACLs and public accessibility are not
 * modelled. Throws when the target is not in the index.
 */
export function explainPath(idx: RegionIndex, source: PathSource, target: DbTarget, port?: number): PathExplanation {
  // Rules not read are unknown, not "none": no answer rather than "closed".
  requireRead(idx.snapshot, ['rules'], 'explain the path');
  const db = resolveDbTarget(idx, target);
  const p = port ?? db.port;
  const src =
    'cidr' in source ? cidrSource(source.cidr) : 'groupId' in source ? groupSource(idx, db, source.groupId) : instanceSource(idx, db, source.ec2Instance);
  const hops: PathHop[] = [src.hop];
  const matches = src.matches;
  if (!matches) return { target: db, port: p, open: false, hops, missingRules: [] };

  let egressOk = true;
  let egressGroup: string | undefined;
  if (src.groups.length) {
    const egress = egressHop(idx, src.groups, db, p);
    hops.push(egress.hop);
    egressOk = egress.hop.ok;
    egressGroup = egress.group;
  }

  if (db.groupIds.length === 0) {
    hops.push({
      kind: 'ingress',
      label: 'Database groups',
      ok: false,
      detail: `${db.kind === 'cluster' ? 'DB cluster' : 'DB instance'} ${db.id} has no security groups.`,
      ruleIds: [],
    });
  }
  let ingressOk = false;
  for (const gid of db.groupIds) {
    const hop = ingressHop(idx, gid, matches, p, src.text);
    if (hop.ok) ingressOk = true;
    hops.push(hop);
  }

  const joinGroups = 'ec2Instance' in source && !ingressOk ? groupsToJoin(idx, source.ec2Instance, db, p) : [];
  const missingRules: MissingRule[] = [];
  // The first attached group that is loaded (a stale attachment cannot take a rule), else the first.
  const dbGroup = db.groupIds.find((g) => idx.groupsById.has(g)) ?? db.groupIds[0];
  if (!ingressOk && dbGroup && src.suggested) {
    missingRules.push({ groupId: dbGroup, isEgress: false, protocol: 'tcp', fromPort: p, toPort: p, source: src.suggested });
  }
  if (!egressOk && egressGroup && dbGroup) {
    missingRules.push({ groupId: egressGroup, isEgress: true, protocol: 'tcp', fromPort: p, toPort: p, source: { groupId: dbGroup } });
  }
  return {
    target: db,
    port: p,
    open: ingressOk && egressOk,
    hops,
    ...(missingRules[0] ? { missingRule: missingRules[0] } : {}),
    missingRules,
    ...(joinGroups.length ? { joinGroups } : {}),
  };
}

/**
 * Groups of the instance's VPC it does not carry that a database group lets in on tcp `port` and
 * whose outbound rules (with the instance's own groups) reach the database: joining one opens the
 * path and nothing else. Sorted by name; the VPC's default group is never offered.
 */
function groupsToJoin(idx: RegionIndex, inst: Ec2Instance, db: ResolvedTarget, port: number): string[] {
  const carried = new Set(inst.securityGroupIds);
  const out: string[] = [];
  for (const g of idx.groupsByVpc.get(inst.vpcId ?? '') ?? []) {
    if (carried.has(g.groupId) || g.groupName === 'default') continue;
    if (!db.groupIds.some((dbg) => rulesLettingIn(idx, dbg, fromGroup(g.groupId), port).length > 0)) continue;
    if (!egressHop(idx, [...carried, g.groupId], db, port).hop.ok) continue;
    out.push(g.groupId);
  }
  return out.sort((a, b) => (idx.groupsById.get(a)?.groupName ?? a).localeCompare(idx.groupsById.get(b)?.groupName ?? b));
}

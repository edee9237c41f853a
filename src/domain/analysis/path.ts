// THE path engine: whether a source can open a TCP connection to a database, hop by hop (the
// source, its outbound rules, the inbound rules of each database group). Explain Path shows it;
// the walkthrough's verification (walkthrough/verify.ts) checks its hops with the same functions.
import { canonicalCidr, Cidr, cidrContains, cidrOverlaps, cidrSize, formatCidr, isPrivateCidr, isWorld, parseCidr } from '../cidr';
import type { Ec2Instance, RegionIndex, SecurityGroupRule, Vpc } from '../model';
import { requireRead } from '../model';
import { peerKey, ruleLabel } from '../rules';
import type { NetworkIndex } from '../network';
import { dbEndpoints, type EndpointPath, type HopState, type NetHop, type NetHopKind, networkPath, type NetSource } from './network';
import { allowsTcpPort, type AnalysisOptions, cidrOf, type DbTarget, groupText, peerCidr, resolveDbTarget, type ResolvedTarget, thousands } from './target';

export type PathSource = { readonly cidr: string } | { readonly groupId: string } | { readonly ec2Instance: Ec2Instance };

export interface PathHop {
  /**
   * 'source': where traffic starts; 'egress': the source's outbound rules; 'ingress': one database
   * group. With the network read (AnalysisOptions.network) also: 'public' (PubliclyAccessible /
   * NetworkType), 'route', 'subnet', 'acl-out' (the source subnet's ACL), 'acl-in' (the database
   * subnet's ACL), 'acl-return' and 'acl-return-in' (the replies on the client's ephemeral ports).
   */
  readonly kind: 'source' | 'egress' | 'ingress' | NetHopKind;
  readonly label: string;
  /** The hop lets the traffic through (false when blocked, and when unknown: see `state`). */
  readonly ok: boolean;
  /** 'allowed', 'blocked' or 'unknown' (could not be read: the detail names the permission). */
  readonly state: HopState;
  readonly detail: string;
  /** The rules that let the traffic through at this hop. */
  readonly ruleIds: readonly string[];
  /** The database group (ingress hops). */
  readonly groupId?: string;
  /** Network hops: the DB instances it is about (absent: all of them), and what decided it. */
  readonly instanceIds?: readonly string[];
  readonly entry?: string;
  readonly subnetId?: string;
  readonly networkAclId?: string;
  readonly routeTableId?: string;
  /** For a blocked network hop: exactly what to change (an ACL entry, a route, a setting). */
  readonly fix?: string;
}

/** One DB instance behind the target: whether the source reaches it, and how. */
export interface InstancePath {
  readonly instanceId: string;
  readonly role: 'writer' | 'reader' | 'instance';
  readonly state: HopState;
  readonly via: EndpointPath['via'];
  /** The first hop that blocks it (or is unknown), by label, and its kind. */
  readonly blocking?: string;
  readonly blockingKind?: NetHopKind;
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
  /** verdict === 'open'. */
  readonly open: boolean;
  /**
   * 'open': every hop allows it, for every DB instance; 'closed': a hop blocks it (for every
   * instance); 'partial': some instances are reached, others not; 'unknown': nothing blocks it
   * but a hop could not be read.
   */
  readonly verdict: 'open' | 'closed' | 'partial' | 'unknown';
  /** The network (routes, ACLs, public accessibility) was read and checked; false: the security groups only. */
  readonly networkChecked: boolean;
  /** Per DB instance, when the network was checked. */
  readonly instances?: readonly InstancePath[];
  /** The index in `hops` of the first blocking hop (the one to highlight). */
  readonly blockingHop?: number;
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

/** A CIDR source: a rule CIDR (or an entry of a prefix list whose entries were read) must contain all of it. */
export function fromCidr(source: Cidr, prefixLists?: ReadonlyMap<string, readonly string[]>): SourceMatch {
  return (r) => {
    if (r.peer.kind === 'prefixList') return prefixListContains(prefixLists, r.peer.prefixListId, source);
    const rc = peerCidr(r.peer);
    return rc !== undefined && cidrContains(rc, source);
  };
}

/** Whether an entry of the prefix list contains all of `c` (false when its entries are not known). */
export function prefixListContains(prefixLists: ReadonlyMap<string, readonly string[]> | undefined, id: string, c: Cidr): boolean {
  const entries = prefixLists?.get(id);
  return (
    !!entries &&
    entries.some((e) => {
      const ec = cidrOf(e);
      return ec !== undefined && cidrContains(ec, c);
    })
  );
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
    hop: {
      kind: 'egress',
      label: `Outbound from ${sourceGroups.join(', ')}`,
      ok,
      state: ok ? 'allowed' : 'blocked',
      detail,
      ruleIds: allowing.map((r) => r.ruleId),
    },
    ...(known[0] !== undefined ? { group: known[0] } : {}),
  };
}

/** The inbound hop at one database group: open when one of its rules lets the source in on tcp `port`. */
export function ingressHop(
  idx: RegionIndex,
  groupId: string,
  matches: SourceMatch,
  port: number,
  sourceText: string,
  prefixLists?: ReadonlyMap<string, readonly string[]>,
): PathHop {
  const known = idx.groupsById.has(groupId) || idx.rulesByGroup.has(groupId);
  const letIn = rulesLettingIn(idx, groupId, matches, port);
  const lookup = (id: string) => idx.groupsById.get(id);
  let detail: string;
  if (!known) detail = `${groupId} is not in this Region's snapshot (a stale attachment, or not loaded).`;
  else if (letIn.length) detail = letIn.map((r) => `${r.ruleId} allows ${ruleLabel(r, lookup)}`).join('; ') + '.';
  else {
    detail = `No inbound rule allows tcp ${port} from ${sourceText}.`;
    // A prefix list whose entries were not read never matches: say when one might.
    const maybe = idx.rulesOf(groupId, false).filter((r) => r.peer.kind === 'prefixList' && allowsTcpPort(r, port) && !prefixLists?.has(r.peer.prefixListId));
    if (maybe.length) {
      detail += ` Prefix list ${[...new Set(maybe.map((r) => peerKey(r.peer)))].join(', ')} may include it (its entries are not loaded).`;
    }
  }
  const ok = letIn.length > 0;
  return {
    kind: 'ingress',
    label: `Inbound to ${groupText(idx, groupId)}`,
    ok,
    state: ok ? 'allowed' : 'blocked',
    detail,
    ruleIds: letIn.map((r) => r.ruleId),
    groupId,
  };
}

/** The source hop, and what the later hops need to know of the source. */
interface SourceCheck {
  readonly hop: PathHop;
  /** Undefined when the source is not usable (then the path stops at the source hop). */
  readonly matches?: SourceMatch;
  readonly suggested?: MissingRule['source'];
  readonly groups: readonly string[];
  readonly text: string;
  /** Where it is, for the network hops. */
  readonly net?: NetSource;
}

function cidrSource(text: string, prefixLists?: ReadonlyMap<string, readonly string[]>): SourceCheck {
  const c = canonicalCidr(text);
  const parsed = 'error' in c ? undefined : cidrOf(c.cidr);
  if ('error' in c || !parsed) {
    const hop: PathHop = {
      kind: 'source',
      label: `Source ${text.trim() || '(empty)'}`,
      ok: false,
      state: 'blocked',
      detail: 'error' in c ? c.error : 'Not a CIDR range.',
      ruleIds: [],
    };
    return { hop, groups: [], text };
  }
  const changed = c.changed ? ` (written ${text.trim()})` : '';
  return {
    hop: { kind: 'source', label: `Source ${c.cidr}`, ok: true, state: 'allowed', detail: `${describeCidr(parsed)}${changed}`, ruleIds: [] },
    matches: fromCidr(parsed, prefixLists),
    suggested: { cidr: c.cidr },
    groups: [],
    text: c.cidr,
    net: { kind: 'cidr', cidr: parsed },
  };
}

function groupSource(idx: RegionIndex, db: ResolvedTarget, groupId: string): SourceCheck {
  const gid = groupId.trim();
  const g = idx.groupsById.get(gid);
  const where = g
    ? `${g.vpcId ? `In ${g.vpcId}` : 'In EC2-Classic or an unknown VPC'}${db.vpcId && g.vpcId && g.vpcId !== db.vpcId ? `, not the database's ${db.vpcId}: a group reference works only within a VPC or across a peering connection` : ''}.`
    : "Not in this Region's snapshot (another account, or deleted); its outbound rules cannot be checked.";
  return {
    hop: { kind: 'source', label: `Source group ${groupText(idx, gid)}`, ok: true, state: 'allowed', detail: where, ruleIds: [] },
    matches: fromGroup(gid),
    suggested: { groupId: gid },
    groups: [gid],
    text: groupText(idx, gid),
    net: { kind: 'group', groupId: gid, ...(g?.vpcId ? { vpcId: g.vpcId } : {}) },
  };
}

function instanceSource(idx: RegionIndex, db: ResolvedTarget, inst: Ec2Instance, prefixLists?: ReadonlyMap<string, readonly string[]>): SourceCheck {
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
    hop: { kind: 'source', label: `EC2 instance ${name}`, ok: true, state: 'allowed', detail: `${parts.join('; ')}.`, ruleIds: [] },
    matches: (r) => {
      if (r.peer.kind === 'group') return groupSet.has(r.peer.groupId);
      if (r.peer.kind === 'prefixList') {
        const id = r.peer.prefixListId;
        return ips.some((ip) => prefixListContains(prefixLists, id, ip));
      }
      const rc = peerCidr(r.peer);
      return rc !== undefined && ips.some((ip) => cidrContains(rc, ip));
    },
    ...(firstGroup ? { suggested: { groupId: firstGroup } } : ipCidr ? { suggested: { cidr: formatCidr(ipCidr) } } : {}),
    groups,
    text: name,
    net: {
      kind: 'ec2',
      name,
      ...(inst.vpcId ? { vpcId: inst.vpcId } : {}),
      ...(inst.subnetId ? { subnetId: inst.subnetId } : {}),
      ...(hostCidr(inst.privateIp) ? { privateIp: hostCidr(inst.privateIp) } : {}),
      ...(hostCidr(inst.publicIp) ? { publicIp: hostCidr(inst.publicIp) } : {}),
    },
  };
}

/**
 * Whether `source` can open a TCP connection to the database on `port` (default: the database's
 * port), hop by hop, in the order the traffic meets them: the source; for a group or EC2 instance
 * source, its outbound rules (see egressHop); with the network read (opts.network): the source
 * subnet's ACL out, the routing (same VPC, VPC peering, internet gateway) and public
 * accessibility, the database subnet's ACL in; one hop per database group saying whether an
 * inbound rule lets the source in (see ingressHop; one group letting it in is enough: rules are a
 * union); then the replies through the ACLs (stateless) on the client's ephemeral ports. The
 * network hops are computed for every DB instance (writer and readers can sit in different
 * subnets) and shown once when they agree (analysis/network.ts).
 *
 * Matching: a CIDR source needs a rule CIDR containing it; a group source a rule referencing
 * that group; an EC2 instance a rule referencing one of its groups or a CIDR containing its
 * private or public IP. A prefix list matches when its entries were read (opts.network) and one
 * contains the source; otherwise it never matches and the detail says when one might. Without
 * opts.network, routing, ACLs and public accessibility are not checked (networkChecked false).
 * Throws when the target is not in the index.
 */
export function explainPath(idx: RegionIndex, source: PathSource, target: DbTarget, port?: number, opts: AnalysisOptions = {}): PathExplanation {
  // Rules not read are unknown, not "none": no answer rather than "closed".
  requireRead(idx.snapshot, ['rules'], 'explain the path');
  const db = resolveDbTarget(idx, target);
  const p = port ?? db.port;
  const lists = opts.network?.snapshot.prefixLists;
  const src =
    'cidr' in source
      ? cidrSource(source.cidr, lists)
      : 'groupId' in source
        ? groupSource(idx, db, source.groupId)
        : instanceSource(idx, db, source.ec2Instance, lists);
  const hops: PathHop[] = [src.hop];
  const matches = src.matches;
  if (!matches) return { target: db, port: p, open: false, verdict: 'closed', networkChecked: false, blockingHop: 0, hops, missingRules: [] };

  let egressOk = true;
  let egressGroup: string | undefined;
  if (src.groups.length) {
    const egress = egressHop(idx, src.groups, db, p);
    hops.push(egress.hop);
    egressOk = egress.hop.ok;
    egressGroup = egress.group;
  }

  const net = opts.network && src.net ? networkHops(idx, opts.network, src.net, db, p) : undefined;
  if (net) hops.push(...net.before);

  if (db.groupIds.length === 0) {
    hops.push({
      kind: 'ingress',
      label: 'Database groups',
      ok: false,
      state: 'blocked',
      detail: `${db.kind === 'cluster' ? 'DB cluster' : 'DB instance'} ${db.id} has no security groups.`,
      ruleIds: [],
    });
  }
  let ingressOk = false;
  for (const gid of db.groupIds) {
    const hop = ingressHop(idx, gid, matches, p, src.text, lists);
    if (hop.ok) ingressOk = true;
    hops.push(hop);
  }
  if (net) hops.push(...net.after);

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
  const groupsOpen = ingressOk && egressOk;
  let verdict: PathExplanation['verdict'] = groupsOpen ? 'open' : 'closed';
  if (groupsOpen && net && net.instances.length) {
    const states = net.instances.map((i) => i.state);
    verdict = states.every((s) => s === 'allowed')
      ? 'open'
      : states.every((s) => s === 'blocked')
        ? 'closed'
        : states.some((s) => s === 'allowed')
          ? 'partial'
          : states.includes('unknown')
            ? 'unknown'
            : 'closed';
  } else if (groupsOpen && net) verdict = 'unknown';
  // A group hop that is closed counts only when no group opens (ingress is a union).
  const blocking = hops.findIndex((h) => h.state === 'blocked' && (h.kind !== 'ingress' || !ingressOk));
  return {
    target: db,
    port: p,
    open: verdict === 'open',
    verdict,
    networkChecked: !!net,
    ...(net ? { instances: net.instances } : {}),
    ...(blocking >= 0 ? { blockingHop: blocking } : {}),
    hops,
    ...(missingRules[0] ? { missingRule: missingRules[0] } : {}),
    missingRules,
    ...(joinGroups.length ? { joinGroups } : {}),
  };
}

/** One instance's answer, with the first hop that blocks it (else the first unknown one). */
export function instancePath(x: EndpointPath): InstancePath {
  const b = x.state === 'allowed' ? undefined : (x.hops.find((h) => h.state === 'blocked') ?? x.hops.find((h) => h.state === 'unknown'));
  return {
    instanceId: x.endpoint.instanceId,
    role: x.endpoint.role,
    state: x.state,
    via: x.via,
    ...(b ? { blocking: b.label, blockingKind: b.kind } : {}),
  };
}

const AFTER_GROUPS: ReadonlySet<NetHopKind> = new Set(['acl-return', 'acl-return-in']);

/**
 * The network hops of every DB instance of the target, merged: a hop that is the same for every
 * instance is shown once; one that differs names its instances.
 */
export function networkHops(
  idx: RegionIndex,
  net: NetworkIndex,
  source: NetSource,
  db: ResolvedTarget,
  port: number,
): { before: PathHop[]; after: PathHop[]; instances: InstancePath[]; paths: EndpointPath[] } {
  const endpoints = dbEndpoints(idx, net, db);
  const paths = endpoints.map((ep) => networkPath(idx, net, source, ep, port));
  const merged = new Map<string, { hop: NetHop; ids: string[] }>();
  for (const path of paths)
    for (const h of path.hops) {
      const key = `${h.kind}|${h.label}|${h.state}|${h.detail}`;
      const m = merged.get(key);
      if (m) m.ids.push(path.endpoint.instanceId);
      else merged.set(key, { hop: h, ids: [path.endpoint.instanceId] });
    }
  const role = new Map(endpoints.map((e) => [e.instanceId, e.role]));
  const before: PathHop[] = [];
  const after: PathHop[] = [];
  for (const { hop, ids } of merged.values()) {
    const all = ids.length === endpoints.length;
    const who = ids.map((id) => (role.get(id) === 'instance' ? id : `${id} (${role.get(id)})`)).join(', ');
    const label = all || ids.some((id) => hop.label.startsWith(id)) ? hop.label : `${who}: ${hop.label}`;
    const out: PathHop = {
      kind: hop.kind,
      label,
      ok: hop.state === 'allowed',
      state: hop.state,
      detail: hop.detail,
      ruleIds: [],
      instanceIds: ids,
      ...(hop.entry ? { entry: hop.entry } : {}),
      ...(hop.subnetId ? { subnetId: hop.subnetId } : {}),
      ...(hop.networkAclId ? { networkAclId: hop.networkAclId } : {}),
      ...(hop.routeTableId ? { routeTableId: hop.routeTableId } : {}),
      ...(hop.fix ? { fix: hop.fix } : {}),
    };
    (AFTER_GROUPS.has(hop.kind) ? after : before).push(out);
  }
  const instances: InstancePath[] = paths.map((x) => {
    const b = x.hops.find((h) => h.state === 'blocked') ?? x.hops.find((h) => h.state === 'unknown');
    return {
      instanceId: x.endpoint.instanceId,
      role: x.endpoint.role,
      state: x.state,
      via: x.via,
      ...(b && x.state !== 'allowed' ? { blocking: b.label } : {}),
    };
  });
  return { before, after, instances, paths };
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

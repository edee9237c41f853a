// What in a Region's security groups deserves a look: one finding per problem, most severe
// first, each with why it matters and, where there is one, the fix. The rules behind each kind
// are listed on findings(); the per-rule facts and the shadowed rules come from shadowed.ts.
import { temporaryRules } from '../temporaryAccess';
import { countRules, DEFAULT_LIMITS, DEFAULT_RULES_PER_DIRECTION, prefixListWeights, quotaText, type QuotaValue } from '../quotas';
import { formatCidr } from '../cidr';
import { DATABASE_PORTS } from '../engines';
import type { RegionIndex, SecurityGroup, SecurityGroupRule } from '../model';
import { isPartial, readFailed } from '../model';
import { peerKey, peerLabel, portLabel, ruleLabel } from '../rules';
import { aclProblems, ExposureCache } from './exposure';
import { EGRESS, type GroupFacts, scanGroups, SELF_PEER } from './shadowed';
import {
  allowsTcpPort,
  type AnalysisOptions,
  carriersByGroup,
  cidrOf,
  databasesOf,
  groupText,
  isPrivateV4,
  staleReferences,
  type ResolvedTarget,
  thousands,
} from './target';

export type FindingKind =
  | 'db-port-world'
  | 'any-port-world-on-db-group'
  | 'wide-public-cidr'
  | 'all-traffic'
  | 'stale-reference'
  | 'unused-group'
  | 'shadowed-rule'
  | 'port-not-covered'
  | 'near-quota'
  | 'temporary-expired'
  | 'acl-blocks-port'
  | 'acl-blocks-return';

/** 'critical' only with the network read: the internet reaches a database port today. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

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
  /** For network findings (ACLs, routes): what to open in the console; the fix is not a security group change. */
  readonly networkAclId?: string;
  readonly subnetId?: string;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
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
  'acl-blocks-port': 9,
  'acl-blocks-return': 10,
  'temporary-expired': 11,
};

/** Findings threshold: five sixths of the quota in one direction and IP family is "near" it (50 of the default 60). */
export const nearQuota = (quota: number): number => Math.ceil((quota * 5) / 6);
export const NEAR_QUOTA_RULES = nearQuota(DEFAULT_RULES_PER_DIRECTION);

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

interface ScanContext {
  readonly idx: RegionIndex;
  readonly out: Finding[];
  readonly lookup: (groupId: string) => SecurityGroup | undefined;
  readonly dbsByGroup: ReadonlyMap<string, readonly ResolvedTarget[]>;
  /** Stale rules: rule id -> why (staleReferences). */
  readonly stale: ReadonlyMap<string, string>;
  /** With the network read: whether the internet really reaches a database (its world findings' severity). */
  readonly exposure?: ExposureCache;
}

const NO_DBS: readonly ResolvedTarget[] = [];

/**
 * The per-rule checks of one group, and its shadowed rules and quota, from the facts the scan
 * read (see shadowed.ts). Kept small, with the finding texts built in separate functions, so V8
 * optimises this loop once and keeps it.
 */
function checkGroup(ctx: ScanContext, groupId: string, rules: readonly SecurityGroupRule[], facts: GroupFacts): void {
  const guarded = ctx.dbsByGroup.get(groupId) ?? NO_DBS;
  const n = rules.length;
  const { flags, pc, ver, prefix } = facts;
  for (let i = 0; i < n; i++) {
    const f = flags[i]!;
    if (ctx.stale.size !== 0) {
      const why = ctx.stale.get(rules[i]!.ruleId);
      if (why !== undefined) emitStale(ctx, groupId, rules[i]!, why);
    }
    if ((f & EGRESS) !== 0) continue;
    const p = pc[i]!;
    const v = ver[i]!;
    const world = v !== 0 && prefix[i] === 0;
    let worldFinding = false;
    if (world && guarded.length) worldFinding = emitWorld(ctx, groupId, rules[i]!, guarded, p, facts.lo[i]!, facts.hi[i]!);
    if (p === -1 && !worldFinding && (f & SELF_PEER) === 0) emitAllTraffic(ctx, groupId, rules[i]!, guarded, world);
    if (v === 4 && prefix[i]! >= 1 && prefix[i]! <= 23 && !isPrivateV4(facts.n4[i]!, prefix[i]!))
      emitWide(ctx, groupId, rules[i]!, guarded, facts.n4[i]!, prefix[i]!);
  }
  const found = facts.found;
  for (let p = 0; p < facts.pairs; p++) emitShadowed(ctx, groupId, rules[found[p * 2]!]!, rules[found[p * 2 + 1]!]!);
  checkQuota(ctx, groupId, rules);
}

/** near-quota: the rules counted as the add-rule check counts them (quotas.ts countRules), against the account's quota. */
function checkQuota(ctx: ScanContext, groupId: string, rules: readonly SecurityGroupRule[]): void {
  const q = (ctx.idx.snapshot.limits ?? DEFAULT_LIMITS).rulesPerDirection;
  const near = nearQuota(q.value);
  const weights = prefixListWeights(ctx.idx.snapshot);
  // Without prefix list references each rule counts at most once per family: a short list is never near.
  if (rules.length < near && !(weights.size > 0 && rules.some((r) => r.peer.kind === 'prefixList'))) return;
  for (const isEgress of [false, true]) {
    const c = countRules(rules, groupId, isEgress, weights);
    const direction = isEgress ? 'outbound' : 'inbound';
    if (c.v4 >= near) emitQuota(ctx, groupId, c.v4, q, direction, 'IPv4');
    if (c.v6 >= near) emitQuota(ctx, groupId, c.v6, q, direction, 'IPv6');
  }
}

function emitStale(ctx: ScanContext, groupId: string, r: SecurityGroupRule, why: string): void {
  ctx.out.push({
    id: `stale-reference:${r.ruleId}`,
    kind: 'stale-reference',
    severity: 'low',
    groupId,
    ruleId: r.ruleId,
    title: `Stale reference to ${peerKey(r.peer)}`,
    why: `${r.isEgress ? 'Outbound' : 'Inbound'} rule ${r.ruleId} (${ruleLabel(r, ctx.lookup)}) is stale: ${why} It matches nothing and only adds clutter; if the peering is set up again, reference the group anew.`,
    fix: { kind: 'revoke', groupId, ruleIds: [r.ruleId] },
  });
}

/** db-port-world or any-port-world-on-db-group for a world-open inbound rule; false when neither applies. */
function emitWorld(ctx: ScanContext, groupId: string, r: SecurityGroupRule, guarded: readonly ResolvedTarget[], pc: number, lo: number, hi: number): boolean {
  const { idx, lookup } = ctx;
  const hit = guarded.filter((db) => allowsTcpPort(r, db.port));
  if (hit.length) {
    emitDbPortWorld(ctx, groupId, r, hit, r.peer.kind === 'cidr6' ? 6 : 4, peerKey(r.peer));
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

/**
 * db-port-world: a rule lets the whole internet (of one IP family) in on a database's port. Its
 * severity is the true exposure when the network was read (ExposureCache): critical when the
 * internet reaches an instance today (named), medium when the database is private ("one setting
 * away": the setting named), low for ::/0 on an IPv4-only database (no effect today), high when it
 * could not be told (and without the network read, as before: the groups alone).
 */
function emitDbPortWorld(ctx: ScanContext, groupId: string, r: SecurityGroupRule, hit: readonly ResolvedTarget[], version: 4 | 6, peerText: string): void {
  const ports = [...new Set(hit.map((d) => d.port))].join(', ');
  const label = ruleLabel(r, ctx.lookup);
  let severity: Severity = 'high';
  let db = hit[0]!;
  let why = `${label} lets anyone on the internet try to connect to ${dbListText(hit)} on port ${ports}; only its password stands in the way. Allow the application's security group or specific addresses instead.`;
  if (ctx.exposure) {
    const ex = hit.map((d) => ({ d, w: ctx.exposure!.world(d, version) }));
    const open = ex.find((x) => x.w.state === 'allowed');
    const unknown = ex.find((x) => x.w.state === 'unknown');
    if (open) {
      severity = 'critical';
      db = open.d;
      const names = open.w.reached.map((e) => `${e.instanceId}${e.role === 'instance' ? '' : ` (${e.role})`}`).join(', ');
      why = `${label} lets anyone on the internet connect to ${dbText(open.d)} on port ${open.d.port} today: ${names} ${open.w.reached.length === 1 ? 'is' : 'are'} publicly accessible, in a subnet routed to an internet gateway, and no network ACL stops it. Only the database password stands in the way. Allow the application's security group or specific addresses instead.`;
    } else if (unknown) {
      why += ` Whether the internet really gets through could not be checked (${unknown.w.unknownWhy}).`;
    } else if (ex.every((x) => x.w.ipv4Only)) {
      severity = 'low';
      why = `${label} has no effect today: ${dbListText(hit)} ${hit.length === 1 ? 'is' : 'are'} IPv4-only (NetworkType IPV4), so no IPv6 address reaches ${hit.length === 1 ? 'it' : 'them'}. It would open port ${ports} to the whole IPv6 internet the day the database is switched to dual-stack: remove it.`;
    } else {
      severity = 'medium';
      const b = ex[0]!.w.blocking;
      why = `${label} allows the whole internet, but ${dbListText(hit)} ${hit.length === 1 ? 'is' : 'are'} not reachable from it today${b ? ` (${b.label}: ${b.detail})` : ''}. One setting away from exposure${b?.entry === 'PubliclyAccessible' ? ': turning PubliclyAccessible on' : b?.kind === 'route' ? ': a route to an internet gateway in its subnets' : ''} would open it to anyone; allow the application's security group or specific addresses instead.`;
    }
  }
  ctx.out.push({
    id: `db-port-world:${r.ruleId}`,
    kind: 'db-port-world',
    severity,
    groupId,
    ruleId: r.ruleId,
    ...dbRef(db),
    title: `Database port ${ports} open to ${peerText}`,
    why,
    fix: { kind: 'revoke', groupId, ruleIds: [r.ruleId] },
  });
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

function emitQuota(ctx: ScanContext, groupId: string, n: number, q: QuotaValue, direction: 'inbound' | 'outbound', family: 'IPv4' | 'IPv6'): void {
  ctx.out.push({
    id: `near-quota:${groupId}:${direction}:${family.toLowerCase()}`,
    kind: 'near-quota',
    severity: 'low',
    groupId,
    title: `${n} of ${q.value} ${direction} ${family} rules`,
    why: `${groupText(ctx.idx, groupId)} is close to the ${quotaText(q)} for ${direction} ${family} rules; adding rules will soon fail with RulesPerSecurityGroupLimitExceeded. Merge CIDRs, use a prefix list or reference a group instead.`,
  });
}

/**
 * The findings only the network part can make: a database's port open to a prefix list whose
 * entries include 0.0.0.0/0 or ::/0 (world-open, rated like a CIDR rule), and the network ACLs
 * that stop what the groups allow (aclProblems).
 */
function networkFindings(ctx: ScanContext, dbs: readonly ResolvedTarget[]): void {
  const { idx } = ctx;
  const lists = ctx.exposure!.net.snapshot.prefixLists;
  if (lists.size) {
    for (const [groupId, guarded] of ctx.dbsByGroup) {
      for (const r of idx.rulesOf(groupId, false)) {
        if (r.peer.kind !== 'prefixList') continue;
        const world = (lists.get(r.peer.prefixListId) ?? []).map((e) => cidrOf(e)).filter((c) => c?.prefix === 0);
        if (!world.length) continue;
        const hit = guarded.filter((db) => allowsTcpPort(r, db.port));
        if (!hit.length) continue;
        emitDbPortWorld(
          ctx,
          groupId,
          r,
          hit,
          world.some((c) => c!.version === 4) ? 4 : 6,
          `${r.peer.prefixListId} (it contains ${world.map((c) => formatCidr(c!)).join(', ')})`,
        );
      }
    }
  }
  for (const db of dbs) {
    for (const p of aclProblems(ctx.exposure!, db)) {
      ctx.out.push({
        id: `${p.kind}:${p.networkAclId}:${db.id}`,
        kind: p.kind,
        severity: p.severity,
        ...dbRef(db),
        networkAclId: p.networkAclId,
        subnetId: p.subnetId,
        title:
          p.kind === 'acl-blocks-port'
            ? `Network ACL ${p.networkAclId} denies tcp ${db.port} from ${p.remote}`
            : `Network ACL ${p.networkAclId} ${p.severity === 'medium' ? 'denies' : 'limits'} the replies to ${p.remote}`,
        why: `${p.why} Affects ${p.instanceIds.join(', ')}.`,
      });
    }
  }
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
 * - unused-group never reports a group named 'default' (AWS will not delete it), nor a group any
 *   network interface of the Region carries (snapshot.interfaces: every service's interfaces, by
 *   DescribeNetworkInterfaces); when that read failed, its text says the group may still be in use.
 * - port-not-covered: medium when no group of the database covers the port (nothing can
 *   connect); info when another group covers it (the group may be there for outbound calls).
 *   A database whose groups have no inbound rules at all is reported on its first group.
 * - near-quota counts with quotas.ts countRules, as the add-rule check does: a group or prefix
 *   list reference counts once in the IPv4 and once in the IPv6 count, as AWS does; the quota is
 *   the account's (snapshot limits), else the default, said so.
 */
export function findings(idx: RegionIndex, opts: AnalysisOptions = {}): Finding[] {
  // A part that could not be read is unknown, not empty (RegionSnapshot.failures): every finding
  // rests on the rules, so none is made without them (the Findings view says which read failed).
  if (readFailed(idx.snapshot, 'rules')) return [];
  // A partial snapshot (a load under way) is never analysed: its findings and badges come after the last read.
  if (isPartial(idx.snapshot)) return [];
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

  const ctx: ScanContext = {
    idx,
    out: [],
    lookup: (id: string) => idx.groupsById.get(id),
    dbsByGroup,
    stale: staleReferences(idx),
    ...(opts.network ? { exposure: new ExposureCache(idx, opts.network) } : {}),
  };
  // One pass over every group's rules (the hot part: see checkGroup and shadowed.ts).
  const isReferenced = scanGroups(idx, (groupId, rules, facts) => checkGroup(ctx, groupId, rules, facts));
  const out = ctx.out;

  if (ctx.exposure) networkFindings(ctx, dbs);

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
        if (SEVERITY_RANK[severity] < SEVERITY_RANK[prev.severity]) {
          prev.severity = severity;
          prev.db = db;
        }
      }
    }
  }
  for (const n of notCovered.values()) {
    const why =
      n.severity === 'medium'
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

  // unused-group: not when the databases could not be read (a group may guard one of them).
  // Every network interface of the Region (instances, Lambda, load balancers, endpoints, ...)
  // counts when it was read (snapshot.interfaces); without it only the loaded EC2 instances do.
  const carriers = opts.ec2Instances ? carriersByGroup(opts.ec2Instances) : undefined;
  const interfaces = idx.snapshot.interfaces;
  const onInterface = new Set((interfaces ?? []).flatMap((n) => n.groupIds));
  const databasesRead = !readFailed(idx.snapshot, 'clusters') && !readFailed(idx.snapshot, 'instances');
  const otherDbGroups = new Set((idx.snapshot.otherDatabases ?? []).flatMap((o) => o.groupIds));
  for (const g of databasesRead ? idx.snapshot.groups : []) {
    if (otherDbGroups.has(g.groupId)) continue;
    if (g.groupName === 'default') continue;
    if (attachedAnywhere.has(g.groupId) || isReferenced(g.groupId)) continue;
    if (carriers?.has(g.groupId) || onInterface.has(g.groupId)) continue;
    out.push({
      id: `unused-group:${g.groupId}`,
      kind: 'unused-group',
      severity: 'info',
      groupId: g.groupId,
      title: 'Not in use',
      why: interfaces
        ? `${groupText(idx, g.groupId)} guards no database, no network interface of the Region carries it (EC2 instances, load balancers, Lambda, VPC endpoints and every other service's interfaces) and no other group's rule references it. Security group VPC associations and rules of other accounts' peered VPCs were not checked: Delete Security Group checks them before deleting.`
        : carriers
          ? `${groupText(idx, g.groupId)} guards no database, no loaded EC2 instance carries it and no other group's rule references it. The network interfaces could not be read (needs ec2:DescribeNetworkInterfaces), so load balancers, Lambda or endpoints may still use it: check before deleting.`
          : `${groupText(idx, g.groupId)} guards no database and no other group's rule references it. The network interfaces could not be read (needs ec2:DescribeNetworkInterfaces), so EC2 instances and other services may still use it: check before deleting.`,
    });
  }

  // temporary-expired: a rule "Allow My IP for…" added (domain/temporaryAccess.ts) whose time was up
  // when the data was read; it is removed automatically unless the user turned that off.
  for (const t of temporaryRules(idx)) {
    if (t.mark.expiresAt > idx.snapshot.loadedAt) continue;
    const r = t.rule;
    out.push({
      id: `temporary-expired:${r.ruleId}`,
      kind: 'temporary-expired',
      severity: 'medium',
      groupId: r.groupId,
      ruleId: r.ruleId,
      title: 'Temporary access has expired',
      why: `Inbound rule ${r.ruleId} (${ruleLabel(r, ctx.lookup)}) of ${groupText(idx, r.groupId)} was added by ${t.mark.caller} until ${new Date(t.mark.expiresAt).toISOString().slice(0, 16).replace('T', ' ')} UTC and still admits that address. Remove it (the fix, or Remove Temporary Rules…).`,
      fix: { kind: 'revoke', groupId: r.groupId, ruleIds: [r.ruleId] },
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

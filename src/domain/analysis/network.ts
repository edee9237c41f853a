// The network part of THE path engine: what lies between a source and each database instance
// beyond security groups. Public accessibility, routing (same VPC, VPC peering, internet gateway)
// and network ACLs in both directions (they are stateless: the reply on the client's ephemeral
// port is checked too). Each hop is allowed, blocked or unknown (a read that failed: which
// permission), per DB instance (a writer and its readers can sit in different subnets).
//
// What AWS documents and this follows:
// - Amazon VPC User Guide, "Control subnet traffic with network access control lists": entries
//   are evaluated in order, lowest rule number first, the first that matches decides; the last
//   entry ('*') denies what nothing matched; ACLs are stateless, so responses must be allowed
//   explicitly ("Ephemeral ports": Linux clients use 32768-60999, Windows Server 2008 and later
//   49152-65535, NAT gateways and Elastic Load Balancing 1024-65535). Traffic within one subnet
//   does not cross its ACL.
// - "Configure route tables": a subnet uses its explicitly associated table, else its VPC's main
//   table; the most specific route that matches wins; the local route covers the VPC's ranges;
//   a subnet is public when its table routes to an internet gateway; an egress-only internet
//   gateway passes IPv6 traffic out only.
// - RDS User Guide, "Working with a DB instance in a VPC": a DB instance is reachable from the
//   internet only when PubliclyAccessible is on and its subnets route to an internet gateway;
//   an IPv4-only instance (NetworkType IPV4) has no IPv6 address; "RDS disables internet gateway
//   access" to the IPv6 endpoint of a dual-stack instance that is not publicly accessible.
// Not modelled: firewalls and appliances on the path (Gateway Load Balancer, AWS Network Firewall),
// transit gateways, VPN and Direct Connect (answered unknown), NAT, the operating system's firewall.
import { type Cidr, cidrContains, cidrSize, formatCidr, isPrivateCidr } from '../cidr';
import type { DbCluster, DbInstance, RegionIndex } from '../model';
import { NETWORK_READS, type NetworkAcl, type NetworkAclEntry, NetworkIndex, type NetworkRead, type Route, type Subnet } from '../network';
import { reachableGroupVpcs } from '../peering';
import { cidrOf, type ResolvedTarget } from './target';

export type HopState = 'allowed' | 'blocked' | 'unknown';

export type NetHopKind = 'public' | 'route' | 'acl-out' | 'acl-in' | 'acl-return' | 'acl-return-in' | 'subnet';

/** A hop of the network part, in the shape of PathHop (path.ts) plus what it is about. */
export interface NetHop {
  readonly kind: NetHopKind;
  readonly state: HopState;
  readonly label: string;
  readonly detail: string;
  /** What decided it: 'acl-1 #100', 'rtb-1 0.0.0.0/0 → igw-1', 'PubliclyAccessible'. */
  readonly entry?: string;
  readonly subnetId?: string;
  readonly networkAclId?: string;
  readonly routeTableId?: string;
  /** For a blocked hop: exactly what to change. */
  readonly fix?: string;
}

/** One database instance the traffic goes to. */
export interface DbEndpoint {
  readonly instanceId: string;
  readonly role: 'writer' | 'reader' | 'instance';
  readonly publiclyAccessible?: boolean;
  /** 'IPV4' or 'DUAL'; absent: not reported (IPv4, RDS's default, is assumed). */
  readonly networkType?: string;
  readonly vpcId?: string;
  /** The subnets it may be in: its subnet group's subnets in its Availability Zone (all of them when the zone is unknown). */
  readonly subnetIds: readonly string[];
  /** Why the subnets are not known (then the network hops are unknown). */
  readonly subnetsUnknown?: string;
}

/** Where the traffic comes from, for the network part. */
export type NetSource =
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  | { readonly kind: 'group'; readonly groupId: string; readonly vpcId?: string }
  | { readonly kind: 'ec2'; readonly name: string; readonly vpcId?: string; readonly subnetId?: string; readonly privateIp?: Cidr; readonly publicIp?: Cidr };

export interface EndpointPath {
  readonly endpoint: DbEndpoint;
  readonly state: HopState;
  /** The hops that matter for this source (the local route within a VPC, an ACL within a subnet, ... are left out). */
  readonly hops: readonly NetHop[];
  /** 'internet', 'vpc' (same VPC), 'peered', 'other' (a private range outside the loaded VPCs). */
  readonly via: 'internet' | 'vpc' | 'peered' | 'other';
}

/** Ephemeral ports: every client (NAT gateways, load balancers) and the common operating systems (Linux 32768-60999, Windows 49152-65535). */
export const EPHEMERAL_ALL: readonly [number, number] = [1024, 65535];
export const EPHEMERAL_COMMON: readonly [number, number] = [32768, 65535];

// ---------------------------------------------------------------------------------------------
// Range arithmetic for the hot loops: cidrContains on IPv4 in plain numbers (no BigInt allocated).

/** Exactly cidrContains(outer, inner). */
function within(outer: Cidr, inner: Cidr): boolean {
  if (outer.version !== inner.version || outer.prefix > inner.prefix) return false;
  if (outer.version === 4) {
    const o = Number(outer.network);
    const i = Number(inner.network);
    if (o >= 0 && o <= 0xffffffff && i >= 0 && i <= 0xffffffff && outer.prefix >= 0 && outer.prefix <= 32) {
      const mask = outer.prefix === 0 ? 0 : (0xffffffff << (32 - outer.prefix)) >>> 0;
      return (i & mask) >>> 0 === o;
    }
  }
  return cidrContains(outer, inner);
}

const privates = new WeakMap<Cidr, boolean>();

/** isPrivateCidr, once per Cidr object. */
export function isPrivateRange(c: Cidr): boolean {
  let v = privates.get(c);
  if (v === undefined) privates.set(c, (v = isPrivateCidr(c)));
  return v;
}

// ---------------------------------------------------------------------------------------------
// Network ACLs.

export interface AclVerdict {
  /** 'all': every address of the range on every port passes; 'none': none does; 'some': it depends on the address or the port. */
  readonly result: 'all' | 'none' | 'some';
  /** The entries that decided, in rule-number order (the implicit '*' deny as rule 32767 when nothing matched). */
  readonly entries: readonly NetworkAclEntry[];
}

const tcpEntry = (e: NetworkAclEntry) => e.protocol === '-1' || e.protocol === '6' || e.protocol === 'tcp';

function entryPorts(e: NetworkAclEntry): [number, number] {
  if (e.protocol === '-1' || e.fromPort === undefined || e.toPort === undefined) return [0, 65535];
  return [e.fromPort, e.toPort];
}

const IMPLICIT_DENY = (egress: boolean, version: 4 | 6): NetworkAclEntry => ({
  ruleNumber: 32767,
  egress,
  protocol: '-1',
  allow: false,
  cidr: version === 4 ? '0.0.0.0/0' : '::/0',
});

/**
 * Whether the ACL lets tcp through, in one direction, between the subnet and every address of
 * `remote`, on every port of `ports` (the destination port: the database port on the way in,
 * the client's ephemeral port on the way back). First match in rule-number order decides.
 */
type CompiledEntry = {
  e: NetworkAclEntry;
  c: Cidr;
  p: [number, number];
  /** IPv4: the network and its mask as numbers (containment without BigInt); -1 otherwise. */
  n: number;
  m: number;
};

// An ACL's tcp entries of one direction and address family, parsed and in rule-number order; and the
// verdicts already computed for it (the same ranges come back for every database of a VPC). Both die with the ACL.
const compiled = new WeakMap<NetworkAcl, { in4: CompiledEntry[]; in6: CompiledEntry[]; out4: CompiledEntry[]; out6: CompiledEntry[] }>();
const verdicts = new WeakMap<NetworkAcl, Map<number | string, Map<string, AclVerdict>>>();

function compileEntry(e: NetworkAclEntry): CompiledEntry | undefined {
  const c = cidrOf(e.cidr);
  if (!c) return undefined;
  const n = c.version === 4 ? Number(c.network) : -1;
  const ok = n >= 0 && n <= 0xffffffff && c.prefix >= 0 && c.prefix <= 32;
  return { e, c, p: entryPorts(e), n: ok ? n : -1, m: ok && c.prefix > 0 ? (0xffffffff << (32 - c.prefix)) >>> 0 : 0 };
}

function entriesOf(acl: NetworkAcl, egress: boolean, version: 4 | 6): CompiledEntry[] {
  let c = compiled.get(acl);
  if (!c) {
    const of = (eg: boolean) =>
      acl.entries
        .filter((e) => e.egress === eg && tcpEntry(e))
        .map(compileEntry)
        .filter((x): x is CompiledEntry => x !== undefined)
        .sort((a, b) => a.e.ruleNumber - b.e.ruleNumber);
    const inb = of(false);
    const out = of(true);
    const v = (l: CompiledEntry[], n: 4 | 6) => l.filter((x) => x.c.version === n);
    compiled.set(acl, (c = { in4: v(inb, 4), in6: v(inb, 6), out4: v(out, 4), out6: v(out, 6) }));
  }
  if (version === 4) return egress ? c.out4 : c.in4;
  return egress ? c.out6 : c.in6;
}

export function aclVerdict(acl: NetworkAcl, egress: boolean, remote: Cidr, ports: readonly [number, number]): AclVerdict {
  let memo = verdicts.get(acl);
  if (!memo) verdicts.set(acl, (memo = new Map()));
  const code = portsCode(ports, egress ? 1 : 0, 2);
  let byRange = memo.get(code);
  if (!byRange) memo.set(code, (byRange = new Map()));
  const key = rangeKey(remote);
  let v = byRange.get(key);
  if (!v) byRange.set(key, (v = computeVerdict(acl, egress, remote, ports)));
  return v;
}

/**
 * A port range and a small tag (0 <= tag < span) as one number, so the hot caches hash no new
 * string; a range outside 0-65535 (never from AWS) gets a string, which no number equals.
 */
function portsCode(ports: readonly [number, number], tag: number, span: number): number | string {
  const [a, b] = ports;
  return Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a <= 65535 && b >= 0 && b <= 65535 ? (a * 65536 + b) * span + tag : `${a}|${b}|${tag}`;
}

function computeVerdict(acl: NetworkAcl, egress: boolean, remote: Cidr, ports: readonly [number, number]): AclVerdict {
  const list = entriesOf(acl, egress, remote.version);
  // Elementary port intervals: within one, every entry either covers all ports or none.
  const cuts = new Set<number>([ports[0], ports[1] + 1]);
  for (const x of list) {
    if (x.p[0] > ports[0] && x.p[0] <= ports[1]) cuts.add(x.p[0]);
    if (x.p[1] + 1 > ports[0] && x.p[1] + 1 <= ports[1]) cuts.add(x.p[1] + 1);
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  let anyAllow = false;
  let anyDeny = false;
  const deciding = new Map<number, NetworkAclEntry>();
  const r = remote.version === 4 ? Number(remote.network) : -1;
  const r4 = r >= 0 && r <= 0xffffffff ? r : -1;
  // The entry's range holds all of `remote` (cidrContains, in numbers for IPv4).
  const holds = (x: CompiledEntry) => (x.n >= 0 && r4 >= 0 ? x.c.prefix <= remote.prefix && (r4 & x.m) >>> 0 === x.n : within(x.c, remote));
  let total: bigint | undefined;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const lo = bounds[k]!;
    // Decided parts of `remote` (nested or disjoint CIDRs: only the widest are kept).
    let decided: Cidr[] = [];
    // All of `remote` decided (else what is left falls to the '*' deny).
    let full = false;
    for (const x of list) {
      if (x.p[0] > lo || x.p[1] < lo) continue;
      if (holds(x)) {
        // The rest of the range is decided here (nothing decided all of it before: that ends the loop).
        if (x.e.allow) anyAllow = true;
        else anyDeny = true;
        deciding.set(x.e.ruleNumber * 2 + (x.e.egress ? 1 : 0), x.e);
        full = true;
        break;
      }
      if (!within(remote, x.c)) continue;
      total ??= cidrSize(remote);
      // No effect when earlier entries already decided all of its addresses (one wider range, or several that fill it).
      if (decided.some((d) => within(d, x.c))) continue;
      const inside = decided.reduce((sum, d) => (within(x.c, d) ? sum + cidrSize(d) : sum), 0n);
      if (inside === cidrSize(x.c)) continue;
      decided = decided.filter((d) => !within(x.c, d));
      decided.push(x.c);
      if (x.e.allow) anyAllow = true;
      else anyDeny = true;
      deciding.set(x.e.ruleNumber * 2 + (x.e.egress ? 1 : 0), x.e);
      if (decided.reduce((s, d) => s + cidrSize(d), 0n) === total) {
        full = true;
        break;
      }
    }
    if (!full) {
      anyDeny = true;
      const d = IMPLICIT_DENY(egress, remote.version);
      deciding.set(d.ruleNumber * 2 + (egress ? 1 : 0), d);
    }
  }
  const entries = [...deciding.values()].sort((a, b) => a.ruleNumber - b.ruleNumber);
  return { result: anyAllow && anyDeny ? 'some' : anyAllow ? 'all' : 'none', entries };
}

function entryText(acl: NetworkAcl, e: NetworkAclEntry): string {
  const rule = e.ruleNumber === 32767 ? '*' : `#${e.ruleNumber}`;
  const ports = e.protocol === '-1' ? 'all traffic' : `${e.protocol === '6' ? 'tcp' : `protocol ${e.protocol}`} ${entryPorts(e).join('-')}`;
  return `${acl.networkAclId} ${rule} (${e.allow ? 'allow' : 'deny'} ${ports} ${e.egress ? 'to' : 'from'} ${e.cidr})`;
}

const portText = (p: readonly [number, number]) => (p[0] === p[1] ? `${p[0]}` : `${p[0]}-${p[1]}`);

// Hops depend only on the subnet, the remote range and the ports: computed once per network read,
// in nested maps (a number or tag for the kind and ports, the subnet, the range) so a lookup builds no key.
const hopCache = new WeakMap<NetworkIndex, Map<number | string, Map<string, Map<string, NetHop>>>>();

function cachedHop(net: NetworkIndex, subnetId: string, range: Cidr, code: number | string, make: () => NetHop): NetHop {
  // The few codes and subnets first, the many ranges last: no map per range.
  let byCode = hopCache.get(net);
  if (!byCode) hopCache.set(net, (byCode = new Map()));
  let bySubnet = byCode.get(code);
  if (!bySubnet) byCode.set(code, (bySubnet = new Map()));
  let byRange = bySubnet.get(subnetId);
  if (!byRange) bySubnet.set(subnetId, (byRange = new Map()));
  const rk = rangeKey(range);
  let h = byRange.get(rk);
  if (!h) byRange.set(rk, (h = make()));
  return h;
}

// The key of a range, built once per Cidr object (cidrOf hands out one object per text).
const rangeKeys = new WeakMap<Cidr, string>();

/** A range as a short string that equal ranges share (the caches' keys). */
export function rangeKey(c: Cidr): string {
  let k = rangeKeys.get(c);
  if (k === undefined) {
    k = `${c.version}:${c.version === 4 ? Number(c.network) : c.network.toString(16)}/${c.prefix}`;
    rangeKeys.set(c, k);
  }
  return k;
}

const ACL_KINDS = ['acl-out', 'acl-in', 'acl-return', 'acl-return-in'] as const;

/** One ACL hop: the subnet's ACL, one direction, against the remote range and ports (cached per network read). */
function aclHop(
  net: NetworkIndex,
  kind: 'acl-out' | 'acl-in' | 'acl-return' | 'acl-return-in',
  subnet: Subnet,
  remote: Cidr,
  ports: readonly [number, number],
  brief: boolean,
): NetHop {
  const acl = brief ? net.aclOf(subnet.subnetId) : undefined;
  if (acl) return briefAclHop(net, kind, subnet, acl, remote, ports);
  return cachedHop(net, subnet.subnetId, remote, portsCode(ports, ACL_KINDS.indexOf(kind), 4), () => makeAclHop(net, kind, subnet, remote, ports));
}

// Brief ACL hops carry no text about the range: one per (subnet, kind, state) and network read.
const briefHops = new WeakMap<NetworkIndex, Map<string, NetHop[]>>();
const STATES: readonly HopState[] = ['allowed', 'blocked', 'unknown'];

/** States only (Who Can Reach over every source): no texts built; the verdicts are memoised per ACL. */
function briefAclHop(
  net: NetworkIndex,
  kind: (typeof ACL_KINDS)[number],
  subnet: Subnet,
  acl: NetworkAcl,
  remote: Cidr,
  ports: readonly [number, number],
): NetHop {
  const egress = kind === 'acl-out' || kind === 'acl-return';
  const back = kind === 'acl-return' || kind === 'acl-return-in';
  const v = aclVerdict(acl, egress, remote, back ? EPHEMERAL_ALL : ports);
  const state: HopState = back
    ? returnState(v, v.result === 'all' ? v : aclVerdict(acl, egress, remote, EPHEMERAL_COMMON))
    : v.result === 'all'
      ? 'allowed'
      : v.result === 'none'
        ? 'blocked'
        : 'unknown';
  let bySubnet = briefHops.get(net);
  if (!bySubnet) briefHops.set(net, (bySubnet = new Map()));
  let list = bySubnet.get(subnet.subnetId);
  if (!list) bySubnet.set(subnet.subnetId, (list = []));
  const at = ACL_KINDS.indexOf(kind) * 3 + STATES.indexOf(state);
  let h = list[at];
  if (!h) {
    const label = `Network ACL of ${subnet.subnetId}, ${egress ? 'outbound' : 'inbound'}${back ? ' (replies)' : ''}`;
    list[at] = h = { kind, state, label, detail: '', subnetId: subnet.subnetId, networkAclId: acl.networkAclId };
  }
  return h;
}

/** The replies' state: every client's ephemeral port passes; none of the usual ones does; or it depends. */
function returnState(all: AclVerdict, common: AclVerdict): HopState {
  if (all.result === 'all' || common.result === 'all') return 'allowed';
  return all.result === 'none' ? 'blocked' : 'unknown';
}

function makeAclHop(
  net: NetworkIndex,
  kind: 'acl-out' | 'acl-in' | 'acl-return' | 'acl-return-in',
  subnet: Subnet,
  remote: Cidr,
  ports: readonly [number, number],
): NetHop {
  const what = 'the connection';
  const egress = kind === 'acl-out' || kind === 'acl-return';
  const dir = egress ? 'outbound' : 'inbound';
  const label = `Network ACL of ${subnet.subnetId}, ${dir}${kind === 'acl-return' || kind === 'acl-return-in' ? ' (replies)' : ''}`;
  const missing = net.failure('networkAcls');
  const acl = net.aclOf(subnet.subnetId);
  if (!acl) {
    const why = missing ? `unknown: needs ${missing}` : `unknown: no network ACL of ${subnet.subnetId} was read`;
    return { kind, state: 'unknown', label, detail: `${why}.`, subnetId: subnet.subnetId };
  }
  const remoteText = formatCidr(remote);
  const where = `${egress ? 'to' : 'from'} ${remoteText}`;
  if (kind === 'acl-return' || kind === 'acl-return-in') {
    // Replies go to the client's ephemeral port: all of 1024-65535 is safe for every client; none of 32768-65535 blocks every usual one.
    const all = aclVerdict(acl, egress, remote, EPHEMERAL_ALL);
    const common = all.result === 'all' ? all : aclVerdict(acl, egress, remote, EPHEMERAL_COMMON);
    const by = (v: AclVerdict) => v.entries.map((e) => entryText(acl, e)).join('; ');
    const base = { kind, label, subnetId: subnet.subnetId, networkAclId: acl.networkAclId };
    if (all.result === 'all') return { ...base, state: 'allowed', detail: `Replies ${where} on ports 1024-65535 pass: ${by(all)}.`, entry: by(all) };
    const fix = `Add an ${dir} allow entry to ${acl.networkAclId}: tcp 1024-65535 ${where}, numbered below ${Math.min(...all.entries.filter((e) => !e.allow).map((e) => e.ruleNumber))}.`;
    if (common.result === 'none' && all.result === 'none')
      return {
        ...base,
        state: 'blocked',
        detail: `Replies ${where} to the client's ephemeral ports are denied by ${by(all)}: network ACLs are stateless, so ${what} times out.`,
        entry: by(all),
        fix,
      };
    if (common.result === 'all')
      return {
        ...base,
        state: 'allowed',
        detail: `Replies ${where} pass on 32768-65535 (Linux and Windows clients) but not on all of 1024-65535 (${by(all)}): clients behind a NAT gateway or a load balancer may time out.`,
        entry: by(common),
        fix,
      };
    return {
      ...base,
      state: 'unknown',
      detail: `Replies ${where} pass only on some ephemeral ports (${by(all)}): it depends on the port the client picks.`,
      entry: by(all),
      fix,
    };
  }
  const v = aclVerdict(acl, egress, remote, ports);
  const by = v.entries.map((e) => entryText(acl, e)).join('; ');
  const base = { kind, label, subnetId: subnet.subnetId, networkAclId: acl.networkAclId, entry: by };
  if (v.result === 'all') return { ...base, state: 'allowed', detail: `tcp ${portText(ports)} ${where}: ${by}.` };
  const firstDeny = Math.min(...v.entries.filter((e) => !e.allow).map((e) => e.ruleNumber));
  const fix = `Add an ${dir} allow entry to ${acl.networkAclId}: tcp ${portText(ports)} ${where}, numbered below ${firstDeny}.`;
  if (v.result === 'none') return { ...base, state: 'blocked', detail: `tcp ${portText(ports)} ${where} is denied by ${by}: ${what} times out.`, fix };
  return { ...base, state: 'unknown', detail: `tcp ${portText(ports)} ${where} passes for some addresses only (${by}): it depends on the address.`, fix };
}

// ---------------------------------------------------------------------------------------------
// Routes.

/** The most specific active-or-blackhole route of the table whose destination contains all of `dest` (prefix lists resolved when known). */
export function routeFor(
  table: { readonly routes: readonly Route[] },
  dest: Cidr,
  prefixLists?: ReadonlyMap<string, readonly string[]>,
): { route: Route; via: Cidr } | undefined {
  let best: { route: Route; via: Cidr } | undefined;
  for (const r of table.routes) {
    const dests = r.destination ? [r.destination] : r.destinationPrefixListId ? (prefixLists?.get(r.destinationPrefixListId) ?? []) : [];
    for (const t of dests) {
      const c = cidrOf(t);
      if (!c || !within(c, dest)) continue;
      if (!best || c.prefix > best.via.prefix) best = { route: r, via: c };
    }
  }
  return best;
}

function routeText(rtId: string, r: { route: Route; via: Cidr }): string {
  return `${rtId} ${formatCidr(r.via)} → ${r.route.target}${r.route.state === 'blackhole' ? ' (blackhole)' : ''}`;
}

function unknownRead(kind: NetHopKind, label: string, net: NetworkIndex, read: NetworkRead, subnetId?: string): NetHop {
  return { kind, state: 'unknown', label, detail: `unknown: needs ${net.failure(read) ?? NETWORK_READS[read].action}.`, ...(subnetId ? { subnetId } : {}) };
}

/** The DB subnet routes replies to the internet source through an internet gateway. */
function internetRouteHop(net: NetworkIndex, subnet: Subnet, source: Cidr): NetHop {
  return cachedHop(net, subnet.subnetId, source, 'igw', () => makeInternetRouteHop(net, subnet, source));
}

function makeInternetRouteHop(net: NetworkIndex, subnet: Subnet, source: Cidr): NetHop {
  const label = `Route table of ${subnet.subnetId}`;
  const rt = net.routeTableOf(subnet);
  if (!rt) return unknownRead('route', label, net, 'routeTables', subnet.subnetId);
  const r = routeFor(rt, source, net.snapshot.prefixLists);
  const base = { kind: 'route' as const, label, subnetId: subnet.subnetId, routeTableId: rt.routeTableId };
  const world = source.version === 4 ? '0.0.0.0/0' : '::/0';
  const fix = `Add a route ${world} → an internet gateway (igw-…) to ${rt.routeTableId}, or move the database to a public subnet; only if it must be reachable from the internet.`;
  if (r && r.route.state === 'active' && r.route.target.startsWith('igw-'))
    return { ...base, state: 'allowed', detail: `${routeText(rt.routeTableId, r)}: a public subnet.`, entry: routeText(rt.routeTableId, r) };
  if (r && r.route.target.startsWith('eigw-'))
    return {
      ...base,
      state: 'blocked',
      detail: `${routeText(rt.routeTableId, r)}: an egress-only internet gateway lets IPv6 traffic out, never in.`,
      entry: routeText(rt.routeTableId, r),
      fix,
    };
  return {
    ...base,
    state: 'blocked',
    detail: r
      ? `${routeText(rt.routeTableId, r)}: not an internet gateway, so ${subnet.subnetId} is a private subnet for ${formatCidr(source)}.`
      : `${rt.routeTableId} has no route to ${formatCidr(source)} through an internet gateway: a private subnet.`,
    ...(r ? { entry: routeText(rt.routeTableId, r) } : {}),
    fix,
  };
}

/** The subnet's table sends `dest` over the peering connection. */
function peeringRouteHop(net: NetworkIndex, subnet: Subnet, dest: Cidr, pcx: string, side: string): NetHop {
  return cachedHop(net, subnet.subnetId, dest, `pcx|${pcx}|${side}`, () => makePeeringRouteHop(net, subnet, dest, pcx, side));
}

function makePeeringRouteHop(net: NetworkIndex, subnet: Subnet, dest: Cidr, pcx: string, side: string): NetHop {
  const label = `Route table of ${subnet.subnetId} (${side})`;
  const rt = net.routeTableOf(subnet);
  if (!rt) return unknownRead('route', label, net, 'routeTables', subnet.subnetId);
  const r = routeFor(rt, dest, net.snapshot.prefixLists);
  const base = { kind: 'route' as const, label, subnetId: subnet.subnetId, routeTableId: rt.routeTableId };
  if (r && r.route.state === 'active' && r.route.target === pcx)
    return { ...base, state: 'allowed', detail: `${routeText(rt.routeTableId, r)}.`, entry: routeText(rt.routeTableId, r) };
  return {
    ...base,
    state: 'blocked',
    detail: r ? `${routeText(rt.routeTableId, r)}, not over ${pcx}.` : `${rt.routeTableId} has no route to ${formatCidr(dest)}.`,
    ...(r ? { entry: routeText(rt.routeTableId, r) } : {}),
    fix: `Add a route ${formatCidr(dest)} → ${pcx} to ${rt.routeTableId}.`,
  };
}

// ---------------------------------------------------------------------------------------------
// The database's instances.

/** The instances behind a database target, each with the subnets it may be in (see DbEndpoint). */
export function dbEndpoints(idx: RegionIndex, net: NetworkIndex, db: ResolvedTarget): DbEndpoint[] {
  const cluster: DbCluster | undefined = db.clusterId ? idx.clustersById.get(db.clusterId) : undefined;
  const ids: { id: string; role: DbEndpoint['role'] }[] = [];
  if (db.kind === 'instance') {
    const role = cluster ? (cluster.members.find((m) => m.instanceId === db.instanceId)?.isWriter ? 'writer' : 'reader') : 'instance';
    ids.push({ id: db.instanceId!, role });
  } else if (cluster) {
    for (const m of [...cluster.members].sort((a, b) => Number(b.isWriter) - Number(a.isWriter)))
      ids.push({ id: m.instanceId, role: m.isWriter ? 'writer' : 'reader' });
  }
  return ids.map(({ id, role }) => endpointOf(idx, net, id, role, cluster, db.vpcId));
}

function endpointOf(idx: RegionIndex, net: NetworkIndex, id: string, role: DbEndpoint['role'], cluster: DbCluster | undefined, vpcId?: string): DbEndpoint {
  const inst: DbInstance | undefined = idx.instancesById.get(id);
  // Multi-AZ DB clusters hold PubliclyAccessible on the cluster (RDS API Reference, DBCluster); Aurora per instance.
  const pa = cluster?.kind === 'multi-az' && cluster.publiclyAccessible !== undefined ? cluster.publiclyAccessible : inst?.publiclyAccessible;
  const networkType = inst?.networkType ?? cluster?.networkType;
  const base = {
    instanceId: id,
    role,
    ...(pa !== undefined ? { publiclyAccessible: pa } : {}),
    ...(networkType ? { networkType } : {}),
    vpcId: inst?.vpcId ?? vpcId,
  };
  const groupName = inst?.subnetGroupName ?? cluster?.subnetGroupName;
  const group = groupName ? net.subnetGroups.get(groupName) : undefined;
  const subnetIds = group?.subnetIds ?? inst?.subnetIds;
  if (!subnetIds?.length) {
    const why = !inst
      ? `${id} is not among the loaded DB instances`
      : net.failure('dbSubnetGroups')
        ? `its DB subnet group could not be read (needs ${net.failure('dbSubnetGroups')})`
        : `its DB subnet group ${groupName ?? '(none named)'} was not found`;
    return { ...base, subnetIds: [], subnetsUnknown: why };
  }
  if (net.failure('subnets') && !subnetIds.some((s) => net.subnets.has(s)))
    return { ...base, subnetIds, subnetsUnknown: `its subnets could not be read (needs ${net.failure('subnets')})` };
  // RDS places the instance in its subnet group's subnet of its Availability Zone.
  const az = inst?.availabilityZone;
  const inZone = az ? subnetIds.filter((s) => net.subnets.get(s)?.availabilityZone === az) : [];
  return { ...base, subnetIds: inZone.length ? inZone : subnetIds };
}

// ---------------------------------------------------------------------------------------------
// The path.

/** 'blocked' when a hop blocks, else 'unknown' when one is unknown, else 'allowed'. */
function combineHops(hops: readonly NetHop[]): HopState {
  let out: HopState = 'allowed';
  for (const h of hops) {
    if (h.state === 'blocked') return 'blocked';
    if (h.state === 'unknown') out = 'unknown';
  }
  return out;
}

function subnetRange(s: Subnet, version: 4 | 6): Cidr | undefined {
  const text = version === 4 ? s.cidrBlock : s.ipv6CidrBlocks[0];
  return text ? cidrOf(text) : undefined;
}

const rangesCache = new WeakMap<RegionIndex, Map<string, Cidr[]>>();
const peersCache = new WeakMap<RegionIndex, Map<string, ReturnType<typeof reachableGroupVpcs>>>();

function vpcRanges(idx: RegionIndex, vpcId: string | undefined): Cidr[] {
  if (!vpcId) return [];
  let m = rangesCache.get(idx);
  if (!m) rangesCache.set(idx, (m = new Map()));
  let r = m.get(vpcId);
  if (!r) {
    const v = idx.snapshot.vpcs.find((x) => x.vpcId === vpcId);
    r = v ? [...v.cidrBlocks, ...v.ipv6CidrBlocks].map(cidrOf).filter((c): c is Cidr => c !== undefined) : [];
    m.set(vpcId, r);
  }
  return r;
}

/** The VPCs actively peered with `vpcId` (peering.ts), memoised per snapshot. */
function peersOf(idx: RegionIndex, vpcId: string): ReturnType<typeof reachableGroupVpcs> {
  let m = peersCache.get(idx);
  if (!m) peersCache.set(idx, (m = new Map()));
  let r = m.get(vpcId);
  if (!r) m.set(vpcId, (r = reachableGroupVpcs(vpcId, idx.snapshot.peerings, idx.snapshot.region)));
  return r;
}

// publicHop depends on the endpoint only through these: one object per combination and network read.
const publicHops = new WeakMap<NetworkIndex, Map<string, NetHop[]>>();

/** The hop that says whether the instance has an address the source's family can reach from the internet. */
function publicHop(net: NetworkIndex, ep: DbEndpoint, version: 4 | 6): NetHop {
  let byType = publicHops.get(net);
  if (!byType) publicHops.set(net, (byType = new Map()));
  const type = ep.networkType ?? '\u0000'; // not reported: no text equals it
  let list = byType.get(type);
  if (!list) byType.set(type, (list = []));
  const at = (version === 6 ? 6 : 0) + (ep.role === 'instance' ? 3 : 0) + (ep.publiclyAccessible === undefined ? 0 : ep.publiclyAccessible ? 1 : 2);
  return (list[at] ??= makePublicHop(ep, version));
}

function makePublicHop(ep: DbEndpoint, version: 4 | 6): NetHop {
  const label = 'Publicly accessible';
  const setting = `Modify the ${ep.role === 'instance' ? 'DB instance' : 'DB instance (Aurora) or the Multi-AZ DB cluster'} with PubliclyAccessible=true`;
  const dual = ep.networkType === 'DUAL';
  if (version === 6 && !dual)
    return {
      kind: 'public',
      state: 'blocked',
      label: 'IPv6 address (NetworkType)',
      detail: `NetworkType is ${ep.networkType ?? 'not reported (IPv4, RDS’s default, assumed)'}: an IPv4-only instance has no IPv6 address, so no IPv6 source reaches it.`,
      entry: 'NetworkType',
    };
  if (ep.publiclyAccessible === undefined)
    return { kind: 'public', state: 'unknown', label, detail: 'RDS did not report PubliclyAccessible for it.', entry: 'PubliclyAccessible' };
  if (!ep.publiclyAccessible)
    return {
      kind: 'public',
      state: 'blocked',
      label,
      detail:
        version === 6
          ? 'PubliclyAccessible is off: RDS disables internet-gateway access to the IPv6 endpoint of a dual-stack instance that is not publicly accessible.'
          : 'PubliclyAccessible is off: its endpoint resolves to a private address only.',
      entry: 'PubliclyAccessible',
      fix: `${setting} (only if it must be reachable from the internet).`,
    };
  return {
    kind: 'public',
    state: 'allowed',
    label,
    detail: 'PubliclyAccessible is on: its endpoint resolves to a public address.',
    entry: 'PubliclyAccessible',
  };
}

/**
 * The network hops from `source` to one DB instance on tcp `port`, for one candidate subnet.
 * `vpcOf` gives the source's location.
 */
function pathViaSubnet(idx: RegionIndex, net: NetworkIndex, source: NetSource, ep: DbEndpoint, dbSubnet: Subnet, port: number, brief: boolean): EndpointPath {
  const hops: NetHop[] = [];
  const p: readonly [number, number] = [port, port];
  // Where the source is, and which of its addresses speaks.
  let via: EndpointPath['via'];
  let srcVpc: string | undefined;
  let srcSubnet: Subnet | undefined;
  let srcRange: Cidr | undefined;
  let version: 4 | 6 = 4;
  const dbVpc = ep.vpcId ?? dbSubnet.vpcId;
  if (source.kind === 'cidr') {
    srcRange = source.cidr;
    version = source.cidr.version;
    ({ via, srcVpc } = locate(idx, source, dbVpc));
  } else if (source.kind === 'group') {
    srcVpc = source.vpcId;
    via = !srcVpc || srcVpc === dbVpc ? 'vpc' : 'peered';
  } else {
    srcVpc = source.vpcId;
    srcSubnet = source.subnetId ? net.subnets.get(source.subnetId) : undefined;
    srcRange = source.privateIp;
    via = !srcVpc || srcVpc === dbVpc ? 'vpc' : 'peered';
  }
  if (version === 6 && ep.networkType !== 'DUAL') {
    hops.push(publicHop(net, ep, 6));
    return { endpoint: ep, state: 'blocked', hops, via };
  }
  // From the internet, the instance's own setting comes first: when it keeps the internet out, nothing further matters.
  if (via === 'internet') {
    const pub = publicHop(net, ep, version);
    hops.push(pub);
    if (pub.state === 'blocked') return { endpoint: ep, state: 'blocked', hops, via };
  }
  const dbRange = subnetRange(dbSubnet, version);
  if (!dbRange) {
    hops.push({
      kind: 'subnet',
      state: 'blocked',
      label: `${dbSubnet.subnetId}: IPv${version}`,
      detail: `${dbSubnet.subnetId} has no IPv${version} range.`,
      subnetId: dbSubnet.subnetId,
    });
    return { endpoint: ep, state: 'blocked', hops, via };
  }

  if (via === 'internet') {
    hops.push(internetRouteHop(net, dbSubnet, srcRange!));
  } else if (via === 'other') {
    hops.push({
      kind: 'route',
      state: 'unknown',
      label: `Route to ${formatCidr(srcRange!)}`,
      detail: `${formatCidr(srcRange!)} is a private range outside the loaded VPCs (on premises, or behind a transit gateway, VPN or Direct Connect): routes to it are not modelled.`,
    });
  } else if (via === 'peered') {
    const reach = dbVpc ? peersOf(idx, dbVpc) : undefined;
    const peer = srcVpc ? reach?.peers.get(srcVpc) : undefined;
    if (!reach?.peeringsKnown)
      hops.push({
        kind: 'route',
        state: 'unknown',
        label: `Peering ${srcVpc ?? '?'} ↔ ${dbVpc ?? '?'}`,
        detail: 'unknown: needs ec2:DescribeVpcPeeringConnections.',
      });
    else if (!peer)
      hops.push({
        kind: 'route',
        state: 'blocked',
        label: `Peering ${srcVpc} ↔ ${dbVpc}`,
        detail: `No active VPC peering connection joins ${srcVpc} and ${dbVpc}: the private address is not routable between them.`,
        fix: `Create (and accept) a VPC peering connection between ${srcVpc} and ${dbVpc}, with routes both ways.`,
      });
    else {
      // The source side's route needs the source's subnet (known for an EC2 instance).
      if (srcSubnet) hops.push(peeringRouteHop(net, srcSubnet, dbRange, peer.peeringId, 'source'));
      const back = srcRange ?? vpcRanges(idx, srcVpc).find((c) => c.version === version);
      if (back) hops.push(peeringRouteHop(net, dbSubnet, back, peer.peeringId, 'database'));
    }
  }
  // The ACLs, both ways; none within one subnet.
  const sameSubnet = srcSubnet?.subnetId === dbSubnet.subnetId;
  if (!sameSubnet && via !== 'other') {
    const remoteRanges = srcRange ? [srcRange] : vpcRanges(idx, srcVpc).filter((c) => c.version === version);
    if (srcSubnet) hops.push(aclHop(net, 'acl-out', srcSubnet, dbRange, p, brief));
    if (remoteRanges.length) {
      for (const r of remoteRanges) hops.push(aclHop(net, 'acl-in', dbSubnet, r, p, brief));
      for (const r of remoteRanges) hops.push(aclHop(net, 'acl-return', dbSubnet, r, EPHEMERAL_ALL, brief));
    } else hops.push({ kind: 'acl-in', state: 'unknown', label: `Network ACL of ${dbSubnet.subnetId}`, detail: `The source's addresses are not known.` });
    if (srcSubnet) hops.push(aclHop(net, 'acl-return-in', srcSubnet, dbRange, EPHEMERAL_ALL, brief));
  } else if (via === 'other') {
    hops.push(aclHop(net, 'acl-in', dbSubnet, srcRange!, p, brief));
    hops.push(aclHop(net, 'acl-return', dbSubnet, srcRange!, EPHEMERAL_ALL, brief));
  }
  return { endpoint: ep, state: combineHops(hops), hops, via };
}

/**
 * The network part of the path from `source` to one DB instance on tcp `port`. When the instance
 * may be in several subnets (its subnet group has more than one in its zone) each is checked:
 * the same answer for all is the answer, otherwise it is unknown.
 */
const pathCache = new WeakMap<NetworkIndex, Map<number, Map<string, Map<string, EndpointPath>>>>();
const sourceKeys = new WeakMap<NetSource, string>();
const endpointKeys = new WeakMap<DbEndpoint, string>();
const locations = new WeakMap<RegionIndex, Map<string, Map<string, { via: EndpointPath['via']; srcVpc?: string }>>>(); // by VPC, then source
const cidrSourceKeys = new WeakMap<Cidr, string>();
// The hops computePath labels with the instance's id, and the paths that hold one.
const instanceHops = new WeakSet<NetHop>();
const namesInstance = new WeakSet<EndpointPath>();

function named(h: NetHop): NetHop {
  instanceHops.add(h);
  return h;
}

function sourceKey(s: NetSource): string {
  if (s.kind === 'cidr') {
    // Sources are built afresh per call (Who Can Reach), their ranges are not: keyed by the range.
    let k = cidrSourceKeys.get(s.cidr);
    if (k === undefined) cidrSourceKeys.set(s.cidr, (k = `c${rangeKey(s.cidr)}`));
    return k;
  }
  let k = sourceKeys.get(s);
  if (k === undefined) {
    k = s.kind === 'group' ? `g${s.groupId}|${s.vpcId ?? ''}` : `e${s.subnetId ?? ''}|${s.privateIp ? rangeKey(s.privateIp) : ''}|${s.vpcId ?? ''}`;
    sourceKeys.set(s, k);
  }
  return k;
}

function endpointKey(ep: DbEndpoint): string {
  let k = endpointKeys.get(ep);
  if (k === undefined) {
    k = `${ep.subnetIds.join(',')}|${ep.subnetsUnknown ?? ''}|${ep.vpcId ?? ''}|${ep.publiclyAccessible ?? '?'}|${ep.networkType ?? ''}`;
    endpointKeys.set(ep, k);
  }
  return k;
}

/**
 * Where an address range is, seen from the database's VPC: in it; in a VPC actively peered with
 * it (or another loaded VPC, which then needs a peering); a private range elsewhere ('other': on
 * premises, a transit gateway...); else the internet. Memoised per snapshot.
 */
function locate(idx: RegionIndex, source: Extract<NetSource, { kind: 'cidr' }>, dbVpc: string | undefined): { via: EndpointPath['via']; srcVpc?: string } {
  let byVpc = locations.get(idx);
  if (!byVpc) locations.set(idx, (byVpc = new Map()));
  let m = byVpc.get(dbVpc ?? '');
  if (!m) byVpc.set(dbVpc ?? '', (m = new Map()));
  const key = sourceKey(source);
  let r = m.get(key);
  if (r) return r;
  const inVpc = (v: string | undefined) => vpcRanges(idx, v).some((c) => within(c, source.cidr));
  if (inVpc(dbVpc)) r = { via: 'vpc', srcVpc: dbVpc };
  else {
    const peerVpc = dbVpc ? [...peersOf(idx, dbVpc).peers.keys()].find(inVpc) : undefined;
    const anyVpc = peerVpc ? undefined : idx.snapshot.vpcs.find((v) => v.vpcId !== dbVpc && inVpc(v.vpcId));
    if (peerVpc) r = { via: 'peered', srcVpc: peerVpc };
    else if (anyVpc) r = { via: 'peered', srcVpc: anyVpc.vpcId };
    else r = { via: isPrivateRange(source.cidr) ? 'other' : 'internet' };
  }
  m.set(key, r);
  return r;
}

/**
 * networkPath, memoised for `brief` answers (Who Can Reach over every source): the answer depends
 * on the instance only through its subnets, VPC, PubliclyAccessible and NetworkType, which the
 * instances of one database (and the databases of one subnet group) share.
 */
export function networkPath(idx: RegionIndex, net: NetworkIndex, source: NetSource, ep: DbEndpoint, port: number, brief = false): EndpointPath {
  if (!brief) return computePath(idx, net, source, ep, port, false);
  return briefPath(briefMemo(net, port), idx, net, source, ep, port);
}

/** networkPath(…, brief) for every endpoint of one source (Who Can Reach). */
export function briefPaths(idx: RegionIndex, net: NetworkIndex, source: NetSource, endpoints: readonly DbEndpoint[], port: number): EndpointPath[] {
  const m = briefMemo(net, port);
  return endpoints.map((ep) => briefPath(m, idx, net, source, ep, port));
}

/** The brief answers on one port: by endpoint class, then source (the few first, the many last: no map per source). */
function briefMemo(net: NetworkIndex, port: number): Map<string, Map<string, EndpointPath>> {
  let byPort = pathCache.get(net);
  if (!byPort) pathCache.set(net, (byPort = new Map()));
  let m = byPort.get(port);
  if (!m) byPort.set(port, (m = new Map()));
  return m;
}

function briefPath(
  memo: Map<string, Map<string, EndpointPath>>,
  idx: RegionIndex,
  net: NetworkIndex,
  source: NetSource,
  ep: DbEndpoint,
  port: number,
): EndpointPath {
  const ek = endpointKey(ep);
  let m = memo.get(ek);
  if (!m) memo.set(ek, (m = new Map()));
  const key = sourceKey(source);
  const hit = m.get(key);
  if (hit) {
    if (hit.endpoint === ep) return hit;
    if (!namesInstance.has(hit)) return { ...hit, endpoint: ep };
    // The hops that name the instance ('db-1: one of subnet-a, subnet-b') are named after this one; the rest depends on the key only.
    const was = hit.endpoint.instanceId;
    return { ...hit, endpoint: ep, hops: hit.hops.map((h) => (instanceHops.has(h) ? { ...h, label: ep.instanceId + h.label.slice(was.length) } : h)) };
  }
  const computed = computePath(idx, net, source, ep, port, true);
  // Kept as long as the network read: a compact copy of the hop list (the one built hop by hop has room to spare).
  const r = { ...computed, hops: computed.hops.slice() };
  if (r.hops.some((h) => instanceHops.has(h))) namesInstance.add(r);
  m.set(key, r);
  return r;
}

function computePath(idx: RegionIndex, net: NetworkIndex, source: NetSource, ep: DbEndpoint, port: number, brief: boolean): EndpointPath {
  if (ep.subnetsUnknown || !ep.subnetIds.length) {
    return {
      endpoint: ep,
      state: 'unknown',
      hops: [named({ kind: 'subnet', state: 'unknown', label: `${ep.instanceId}: subnet`, detail: `unknown: ${ep.subnetsUnknown ?? 'no subnet'}.` })],
      via: 'vpc',
    };
  }
  const paths: EndpointPath[] = [];
  for (const id of ep.subnetIds) {
    const s = net.subnets.get(id);
    if (!s) {
      paths.push({
        endpoint: ep,
        state: 'unknown',
        hops: [
          named({
            kind: 'subnet',
            state: 'unknown',
            label: `${ep.instanceId}: subnet ${id}`,
            detail: net.failure('subnets') ? `unknown: needs ${net.failure('subnets')}.` : `${id} was not among the subnets read.`,
            subnetId: id,
          }),
        ],
        via: 'vpc',
      });
      continue;
    }
    paths.push(pathViaSubnet(idx, net, source, ep, s, port, brief));
  }
  const first = paths[0]!;
  if (paths.every((x) => x.state === first.state)) return first;
  const pick = paths.find((x) => x.state === 'blocked') ?? first;
  return {
    ...pick,
    state: 'unknown',
    hops: [
      named({
        kind: 'subnet',
        state: 'unknown',
        label: `${ep.instanceId}: one of ${ep.subnetIds.join(', ')}`,
        detail: `RDS placed it in one of ${ep.subnetIds.join(', ')} (its subnet group's subnets in its zone), and the answer differs between them.`,
      }),
      ...pick.hops,
    ],
  };
}

/** The network source of an address range, an EC2 instance or a group (see NetSource). */
export function netSourceOfCidr(c: Cidr): NetSource {
  return { kind: 'cidr', cidr: c };
}

// Find over the loaded data: which groups, rules and databases a query (query.ts) matches, in every
// scope (one Region of one account: src/domain/scope.ts), and for an address, which databases it
// can reach and on which port, through the one path engine (analysis/path.ts explainPath).
//
// How the terms combine (AND): a group term (sg-…, group:), a tag term or a text term holds when the
// group itself matches it (id, name, description, VPC, tags); a group or text term the group does
// not match must hold on a rule of it instead (a rule referencing that group; text in the rule's
// description, id or peer). Rule terms (address, world, port, proto) hold on rules. A group whose
// own data satisfies every term is a hit as a whole; otherwise the hit is the rules that satisfy
// the rest. Databases are hits when the query has no rule terms and every term holds on them.
import { type Cidr, cidrOverlaps, fastIpv4, fastIpv6, fastRead } from '../cidr';
import { explainPath, type PathExplanation } from '../analysis/path';
import { cidrOf, databasesOf, type ResolvedTarget, resolveDbTarget } from '../analysis/target';
import type { NetworkIndex } from '../network';
import { readFailed, type RegionIndex, type SecurityGroup, type SecurityGroupRule, type Tags, unreadText, failedReads } from '../model';
import { compareRules, normaliseIpProtocol, peerLabel } from '../rules';
import { isRuleTerm, type Query, type Term, termDirection } from './query';

/** One scope's data to search: a Region of an account, as the store keys it. */
export interface FindScope {
  /** The scope key (a Region, or profile/Region). */
  readonly key: string;
  readonly idx: RegionIndex;
  /** The network part, when it was read (its prefix list entries; the path engine's routes and ACLs). */
  readonly network?: NetworkIndex;
}

export interface GroupHit {
  readonly key: string;
  readonly group: SecurityGroup;
  /** The group's own data satisfies every term (then `rules` is empty). */
  readonly whole: boolean;
  /** The rules that satisfy the terms the group does not, in display order. */
  readonly rules: readonly SecurityGroupRule[];
}

export interface DatabaseHit {
  readonly key: string;
  readonly target: ResolvedTarget;
}

/** A database an address can reach, on a port, as the path engine answers. */
export interface ReachHit {
  readonly key: string;
  readonly target: ResolvedTarget;
  /** The address (canonical CIDR) it is about. */
  readonly source: string;
  readonly port: number;
  /** 'open', 'partial' (some instances) or 'unknown' (a hop could not be read); closed paths are not hits. */
  readonly verdict: Exclude<PathExplanation['verdict'], 'closed'>;
  /** The inbound rules that let the address in. */
  readonly ruleIds: readonly string[];
  /** Routes, network ACLs and public accessibility were checked too (else: the security groups only). */
  readonly networkChecked: boolean;
}

export interface FindResult {
  readonly groups: readonly GroupHit[];
  readonly databases: readonly DatabaseHit[];
  readonly reach: readonly ReachHit[];
  /** What could not be searched (a read that failed), one sentence each. */
  readonly notes: readonly string[];
  /** The number of rules among the group hits. */
  readonly ruleCount: number;
}

function tagsText(tags: Tags | undefined): string {
  if (!tags) return '';
  let s = '';
  for (const k in tags) s += ` ${k}=${tags[k]}`;
  return s.toLowerCase();
}

function hasTag(tags: Tags | undefined, t: Extract<Term, { kind: 'tag' }>): boolean {
  if (!tags || !Object.hasOwn(tags, t.key)) return false;
  return t.value === undefined || tags[t.key] === t.value;
}

function groupNameIs(g: SecurityGroup | undefined, name: string): boolean {
  return !!g && g.groupName.toLowerCase() === name;
}

/** Whether the group's own data satisfies a group, tag or text term. */
function groupSatisfies(g: SecurityGroup, t: Term, text: string): boolean {
  switch (t.kind) {
    case 'group':
      return t.id !== undefined ? g.groupId.startsWith(t.id) : groupNameIs(g, t.name!);
    case 'tag':
      return hasTag(g.tags, t);
    case 'text':
      return text.includes(t.text);
    default:
      return false;
  }
}

const PROTO_ALL = 0;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_OTHER = -1;

/**
 * What Find reads of every rule, worked out once per loaded index (indexes are immutable: a refresh
 * makes a new one): the rules in group order, and per rule, by its position, the numbers the hot
 * loops compare (the direction, the protocol, the port range, an IPv4 CIDR's network and prefix).
 * An address query over three large Regions then compares numbers, never parses a CIDR or a protocol.
 */
interface FindIndex {
  /** The rules of snapshot.groups[i] are rules[start[i]] to rules[start[i + 1] - 1]. */
  readonly start: Int32Array;
  readonly rules: readonly SecurityGroupRule[];
  readonly egress: Uint8Array;
  /** PROTO_ALL (all traffic), PROTO_TCP, PROTO_UDP or PROTO_OTHER. */
  readonly proto: Int8Array;
  /** The port range of a tcp/udp rule (-1 ports read as every port, as analysis/target.ts allowsTcpPort does). */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** A plain IPv4 CIDR's prefix length (its masked network in v4net); -1 for any other peer. */
  readonly v4pfx: Int8Array;
  readonly v4net: Int32Array;
  /** Each rule's text for a text term, made when a text query first reads it (ruleText). */
  readonly text: (string | undefined)[];
}

const findIndexes = new WeakMap<RegionIndex, FindIndex>();

/** Builds the find index of a loaded index ahead of a query (Find does it while the user types). */
export function prepareFind(idx: RegionIndex): void {
  findIndexOf(idx);
}

function findIndexOf(idx: RegionIndex): FindIndex {
  let fi = findIndexes.get(idx);
  if (fi) return fi;
  const groups = idx.snapshot.groups;
  const start = new Int32Array(groups.length + 1);
  const rules: SecurityGroupRule[] = [];
  for (let i = 0; i < groups.length; i++) {
    start[i] = rules.length;
    for (const r of idx.rulesOf(groups[i].groupId)) rules.push(r);
  }
  start[groups.length] = rules.length;
  const n = rules.length;
  fi = {
    start,
    rules,
    egress: new Uint8Array(n),
    proto: new Int8Array(n),
    lo: new Int32Array(n),
    hi: new Int32Array(n),
    v4pfx: new Int8Array(n).fill(-1),
    v4net: new Int32Array(n),
    text: new Array<string | undefined>(n).fill(undefined),
  };
  for (let k = 0; k < n; k++) {
    const r = rules[k];
    fi.egress[k] = r.isEgress ? 1 : 0;
    const p = normaliseIpProtocol(r.protocol);
    fi.proto[k] = p === '-1' ? PROTO_ALL : p === 'tcp' ? PROTO_TCP : p === 'udp' ? PROTO_UDP : PROTO_OTHER;
    const every = r.fromPort < 0 || r.toPort < 0;
    fi.lo[k] = every ? 0 : r.fromPort;
    fi.hi[k] = every ? 65535 : r.toPort;
    if (r.peer.kind === 'cidr4') {
      const pfx = fastIpv4(r.peer.cidr);
      if (pfx >= 0) {
        fi.v4pfx[k] = pfx;
        fi.v4net[k] = fastRead.v4 | 0;
      }
    }
  }
  findIndexes.set(idx, fi);
  return fi;
}

/** The entries of a rule's prefix list when they were read (undefined: not known, so it matches no address). */
function listRanges(r: SecurityGroupRule, prefixLists: ReadonlyMap<string, readonly string[]> | undefined): Cidr[] | undefined {
  if (r.peer.kind !== 'prefixList') return undefined;
  return prefixLists
    ?.get(r.peer.prefixListId)
    ?.map(cidrOf)
    .filter((c): c is Cidr => c !== undefined);
}

interface Ctx {
  readonly q: Query;
  readonly idx: RegionIndex;
  readonly fi: FindIndex;
  readonly prefixLists?: ReadonlyMap<string, readonly string[]>;
}

/** A test of the rule at position k of the find index (FindIndex.rules[k] is r). */
type RuleTest = (r: SecurityGroupRule, k: number) => boolean;

/**
 * Whether a rule's CIDR (or a known entry of its prefix list) overlaps the range. The hot loop of an
 * address query reads every rule of every scope: an IPv4 CIDR is compared as 32-bit numbers
 * (cidr.ts fastIpv4), anything else through parseCidr's ranges.
 */
function overlapsTest(c: Ctx, cidr: Cidr): RuleTest {
  const v4 = cidr.version === 4;
  const tn = Number(cidr.network) | 0;
  const tp = cidr.prefix;
  const { v4pfx, v4net } = c.fi;
  return (r, k) => {
    const p = v4pfx[k];
    if (p >= 0) {
      if (!v4) return false;
      const m = p < tp ? p : tp;
      return m === 0 || (v4net[k] ^ tn) >>> (32 - m) === 0;
    }
    const peer = r.peer;
    if (peer.kind === 'cidr4') {
      if (!v4) return false;
    } else if (peer.kind === 'cidr6') {
      if (v4) return false;
    } else if (peer.kind === 'prefixList') {
      return listRanges(r, c.prefixLists)?.some((x) => cidrOverlaps(x, cidr)) ?? false;
    } else return false;
    const x = cidrOf(peer.cidr);
    return x !== undefined && cidrOverlaps(x, cidr);
  };
}

/** Whether a rule's peer is 0.0.0.0/0 or ::/0 (or a known prefix list holding one). */
function worldTest(c: Ctx): RuleTest {
  const { v4pfx } = c.fi;
  return (r, k) => {
    const p = v4pfx[k];
    if (p >= 0) return p === 0;
    const peer = r.peer;
    if (peer.kind === 'cidr4') return cidrOf(peer.cidr)?.prefix === 0;
    if (peer.kind === 'cidr6') {
      const p = fastIpv6(peer.cidr);
      return p >= 0 ? p === 0 : cidrOf(peer.cidr)?.prefix === 0;
    }
    return listRanges(r, c.prefixLists)?.some((x) => x.prefix === 0) ?? false;
  };
}

/** A rule's text for a text term: its description, id and peer (a group by id and name), lower-cased; memoised in the find index. */
function ruleText(c: Ctx, r: SecurityGroupRule, k: number): string {
  let t = c.fi.text[k];
  if (t === undefined) {
    t = `${r.description ?? ''} ${r.ruleId} ${peerLabel(r.peer, (id) => c.idx.groupsById.get(id))}`.toLowerCase();
    c.fi.text[k] = t;
  }
  return t;
}

/** The test of one term on a rule (rule terms, and the group / text terms its group does not satisfy). */
function ruleTest(c: Ctx, t: Term): RuleTest {
  const test = ((): RuleTest => {
    switch (t.kind) {
      case 'address':
        return overlapsTest(c, t.cidr);
      case 'world':
        return worldTest(c);
      case 'port': {
        // Some port of the term allowed: all traffic allows every port; else tcp/udp (the term's protocol, if it names one) overlapping the range.
        const { proto, lo, hi } = c.fi;
        const want = t.protocol === 'tcp' ? PROTO_TCP : t.protocol === 'udp' ? PROTO_UDP : undefined;
        const from = t.fromPort;
        const to = t.toPort;
        return (_r, k) => {
          const p = proto[k];
          if (p === PROTO_ALL) return true;
          if (p === PROTO_OTHER || (want !== undefined && p !== want)) return false;
          return lo[k] <= to && from <= hi[k];
        };
      }
      case 'protocol': {
        const { proto } = c.fi;
        const want = t.protocol === 'tcp' ? PROTO_TCP : t.protocol === 'udp' ? PROTO_UDP : undefined;
        if (want === undefined) return (r) => normaliseIpProtocol(r.protocol) === '-1' || normaliseIpProtocol(r.protocol) === t.protocol;
        return (_r, k) => proto[k] === PROTO_ALL || proto[k] === want;
      }
      case 'group':
        return (r) =>
          r.peer.kind === 'group' && (t.id !== undefined ? r.peer.groupId.startsWith(t.id) : groupNameIs(c.idx.groupsById.get(r.peer.groupId), t.name!));
      case 'text':
        return (r, k) => ruleText(c, r, k).includes(t.text);
      case 'tag':
        return () => false;
    }
  })();
  const dir = isRuleTerm(t) ? termDirection(c.q, t) : undefined;
  if (dir === undefined) return test;
  const want = dir === 'out' ? 1 : 0;
  const { egress } = c.fi;
  return (r, k) => egress[k] === want && test(r, k);
}

const lowerGroup = new WeakMap<SecurityGroup, string>();

/** A group's text for a text term (id, name, description, VPC, tags), lower-cased; memoised per group. */
function groupText(g: SecurityGroup): string {
  let t = lowerGroup.get(g);
  if (t === undefined) {
    t = `${g.groupId} ${g.groupName} ${g.description} ${g.vpcId ?? ''}${tagsText(g.tags)}`.toLowerCase();
    lowerGroup.set(g, t);
  }
  return t;
}

function databaseText(idx: RegionIndex, d: ResolvedTarget): string {
  const c = d.clusterId ? idx.clustersById.get(d.clusterId) : undefined;
  const i = d.instanceId ? idx.instancesById.get(d.instanceId) : undefined;
  return `${d.id} ${d.engine} ${c?.endpoint ?? ''} ${i?.endpointAddress ?? ''} ${d.vpcId ?? ''}${tagsText(i?.tags ?? c?.tags)}`.toLowerCase();
}

/** Whether a database satisfies a group, tag or text term (its attached groups, its tags, its ids and endpoints). */
function databaseSatisfies(idx: RegionIndex, d: ResolvedTarget, t: Term, text: string): boolean {
  switch (t.kind) {
    case 'group':
      return d.groupIds.some((g) => (t.id !== undefined ? g.startsWith(t.id) : groupNameIs(idx.groupsById.get(g), t.name!)));
    case 'tag': {
      const tags = d.instanceId ? idx.instancesById.get(d.instanceId)?.tags : d.clusterId ? idx.clustersById.get(d.clusterId)?.tags : undefined;
      return hasTag(tags, t);
    }
    case 'text':
      return text.includes(t.text);
    default:
      return false;
  }
}

/** Every cluster and every DB instance of the index (cluster members too: an id search names them). */
function allDatabases(idx: RegionIndex): ResolvedTarget[] {
  const out = idx.snapshot.clusters.map((c) => resolveDbTarget(idx, { clusterId: c.clusterId }));
  for (const i of idx.snapshot.instances) out.push(resolveDbTarget(idx, { instanceId: i.instanceId }));
  return out;
}

/** The ports to check for a database: its own, unless the query's port terms exclude it; a single port term is checked as asked. */
function reachPort(q: Query, d: ResolvedTarget): number | undefined {
  let port = d.port;
  for (const t of q.terms) {
    if (t.kind === 'port') {
      if (t.protocol === 'udp') return undefined;
      if (port >= t.fromPort && port <= t.toPort) continue;
      if (t.fromPort !== t.toPort) return undefined;
      port = t.fromPort;
    }
    if (t.kind === 'protocol' && t.protocol !== 'tcp' && t.protocol !== '-1') return undefined;
  }
  return q.terms.every((t) => t.kind !== 'port' || (port >= t.fromPort && port <= t.toPort)) ? port : undefined;
}

/** The cheap tests first: a rule failing its port or direction is never parsed for its CIDR. */
const COST: Readonly<Record<Term['kind'], number>> = { port: 0, protocol: 0, world: 1, address: 2, group: 3, text: 4, tag: 5 };

function scopeGroups(c: Ctx, key: string, out: GroupHit[], sources: readonly Extract<Term, { kind: 'address' }>[], letIn: Set<string>): number {
  const q = c.q;
  const rulesKnown = !readFailed(c.idx.snapshot, 'rules');
  let ruleCount = 0;
  const needsText = q.terms.some((t) => t.kind === 'text');
  const terms = [...q.terms].sort((a, b) => COST[a.kind] - COST[b.kind]);
  const tests = new Map(terms.map((t) => [t, ruleTest(c, t)] as const));
  // Terms no group can satisfy on its own data: their tests are the same for every group.
  const groupLevel: Term[] = terms.filter((t) => t.kind === 'group' || t.kind === 'tag' || t.kind === 'text');
  const ruleOnly = terms.filter((t) => !groupLevel.includes(t)).map((t) => tests.get(t)!);
  // For the reach part: the groups with an inbound rule whose source overlaps every address (on any port).
  const sourceTests = sources.map((t) => tests.get(t)!);
  const { start, rules: all } = c.fi;
  const passes = (k: number, list: readonly RuleTest[]) => {
    const r = all[k];
    for (let i = 0; i < list.length; i++) if (!list[i](r, k)) return false;
    return true;
  };
  /** Whether a rule of the group (its rules from..to-1) lets every address in. */
  const letsIn = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (passes(k, sourceTests)) return true;
    return false;
  };
  // An address-only query: the rule tests are the reach part's, so each rule is tested once.
  const sameAsSources = (list: readonly RuleTest[]) => list.length === sourceTests.length && list.every((f, i) => f === sourceTests[i]);
  const ruleOnlySame = sameAsSources(ruleOnly);
  const groups = c.idx.snapshot.groups;
  for (let gi = 0; gi < groups.length; gi++) {
    const g = groups[gi];
    const from = start[gi];
    const to = start[gi + 1];
    let rest = ruleOnly;
    if (groupLevel.length) {
      const text = needsText ? groupText(g) : '';
      let failed = false;
      const unmet: RuleTest[] = [];
      for (const t of groupLevel) {
        if (groupSatisfies(g, t, text)) continue;
        // A tag belongs to the group: no rule can satisfy it.
        if (t.kind === 'tag') {
          failed = true;
          break;
        }
        unmet.push(tests.get(t)!);
      }
      if (failed && !sourceTests.length) continue;
      rest = failed ? [] : unmet.length ? [...unmet, ...ruleOnly] : ruleOnly;
      if (failed) {
        if (rulesKnown && letsIn(from, to)) letIn.add(g.groupId);
        continue;
      }
    }
    if (!rest.length) {
      out.push({ key, group: g, whole: true, rules: [] });
      if (rulesKnown && sourceTests.length && letsIn(from, to)) letIn.add(g.groupId);
      continue;
    }
    if (!rulesKnown) continue;
    let rules: SecurityGroupRule[] | undefined;
    let lets = false;
    const same = rest === ruleOnly ? ruleOnlySame : sameAsSources(rest);
    for (let k = from; k < to; k++) {
      const ok = passes(k, rest);
      if (ok) (rules ??= []).push(all[k]);
      if (sourceTests.length && !lets) lets = same ? ok : passes(k, sourceTests);
    }
    if (lets) letIn.add(g.groupId);
    if (!rules) continue;
    ruleCount += rules.length;
    out.push({ key, group: g, whole: false, rules: rules.sort(compareRules) });
  }
  return ruleCount;
}

/**
 * Everything the query matches in the scopes. Pure; a scope whose groups or rules could not be read
 * is searched in what was read and named in `notes` (an answer from an unread part would be made up).
 */
export function find(q: Query, scopes: readonly FindScope[]): FindResult {
  const groups: GroupHit[] = [];
  const databases: DatabaseHit[] = [];
  const reach: ReachHit[] = [];
  const notes: string[] = [];
  let ruleCount = 0;
  const hasRuleTerms = q.terms.some(isRuleTerm);
  const dbTerms = q.terms.filter((t) => t.kind === 'group' || t.kind === 'tag' || t.kind === 'text');
  const sources = q.terms.filter((t): t is Extract<Term, { kind: 'address' }> => t.kind === 'address' && termDirection(q, t) === 'in');
  for (const s of scopes) {
    const snap = s.idx.snapshot;
    const failed = failedReads(snap, ['groups', 'rules']);
    if (failed.length) notes.push(`${s.key}: ${unreadText(failed)} could not be read, so what they hold is not searched.`);
    const c: Ctx = { q, idx: s.idx, fi: findIndexOf(s.idx), ...(s.network ? { prefixLists: s.network.snapshot.prefixLists } : {}) };
    const letIn = new Set<string>();
    ruleCount += scopeGroups(c, s.key, groups, sources, letIn);
    const needsText = dbTerms.some((t) => t.kind === 'text');
    const dbMatches = (d: ResolvedTarget) => {
      const text = needsText ? databaseText(s.idx, d) : '';
      return dbTerms.every((t) => databaseSatisfies(s.idx, d, t, text));
    };
    if (!hasRuleTerms && dbTerms.length) for (const d of allDatabases(s.idx)) if (dbMatches(d)) databases.push({ key: s.key, target: d });
    if (!sources.length || readFailed(snap, 'rules')) continue;
    // The address's real question: which databases (each cluster, each instance outside one) it reaches, on their port, through the path engine.
    for (const d of databasesOf(s.idx)) {
      // Only a database one of whose groups lets every address in (on some port) can be reached: the path engine is asked about those.
      if (!d.groupIds.some((g) => letIn.has(g)) || !dbMatches(d)) continue;
      const port = reachPort(q, d);
      if (port === undefined) continue;
      const target = d.kind === 'cluster' ? { clusterId: d.id } : { instanceId: d.id };
      let hit: ReachHit | undefined;
      for (const src of sources) {
        const p = explainPath(s.idx, { cidr: src.text }, target, port, s.network ? { network: s.network } : {});
        if (p.verdict === 'closed') {
          hit = undefined;
          break;
        }
        hit ??= {
          key: s.key,
          target: d,
          source: src.text,
          port,
          verdict: p.verdict,
          ruleIds: p.hops.flatMap((h) => (h.kind === 'ingress' ? h.ruleIds : [])),
          networkChecked: p.networkChecked,
        };
      }
      if (hit) reach.push(hit);
    }
  }
  return { groups, databases, reach, notes, ruleCount };
}

/** "2 groups, 5 rules, 1 database reached": what the results view's title shows. */
export function resultCount(r: FindResult): number {
  return r.groups.length + r.databases.length + r.reach.length;
}

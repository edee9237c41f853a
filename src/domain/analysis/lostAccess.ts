// Who loses access to which database when rules are removed or a group is taken off a database,
// said before the change (issue: "a fix that cuts the only path is not announced"). The answer
// comes from the one path engine (path.ts explainPath), run on the Region as it is and as it would
// be after the change: a source loses access when its path is open now and closed after.
import { cidrContains, formatCidr, parseCidr } from '../cidr';
import { RegionIndex, type Ec2Instance, type RegionSnapshot, type SecurityGroupRule } from '../model';
import { explainPath, type MissingRule, type PathSource } from './path';
import { allowsTcpPort, groupText, peerCidr, resolveDbTarget, type DbTarget } from './target';

export type AccessChange =
  | { readonly kind: 'revoke'; readonly ruleIds: readonly string[] }
  | { readonly kind: 'detach'; readonly target: DbTarget; readonly groupIds: readonly string[] };

export interface LostAccess {
  /** The source as named to the user: "app-server-1 (i-0abc…)", "appsrv1 (sg-…)", "0.0.0.0/0". */
  readonly source: string;
  /** The database's id. */
  readonly database: string;
  readonly port: number;
  /** When the source is an EC2 instance: its id (a narrower replacement may keep it connected). */
  readonly ec2InstanceId?: string;
  /** When the source is a rule's peer: that peer (a detach's replacement lets the same peer in on another group). */
  readonly peer?: { readonly cidr: string } | { readonly groupId: string };
  readonly target: DbTarget;
}

function databasesOf(snapshot: RegionSnapshot): DbTarget[] {
  return [
    ...snapshot.clusters.map((c) => ({ clusterId: c.clusterId })),
    ...snapshot.instances.filter((i) => !i.clusterId).map((i) => ({ instanceId: i.instanceId })),
  ];
}

const idOf = (t: DbTarget) => ('clusterId' in t ? t.clusterId : t.instanceId);

/** The Region as it would be after the change. */
function after(idx: RegionIndex, change: AccessChange): RegionIndex {
  const s = idx.snapshot;
  if (change.kind === 'revoke') {
    const gone = new Set(change.ruleIds);
    return new RegionIndex({ ...s, rules: s.rules.filter((r) => !gone.has(r.ruleId)) });
  }
  const drop = new Set(change.groupIds);
  const id = idOf(change.target);
  const strip = <T extends { securityGroups: readonly { groupId: string }[] }>(x: T): T => ({
    ...x,
    securityGroups: x.securityGroups.filter((g) => !drop.has(g.groupId)),
  });
  return new RegionIndex({
    ...s,
    clusters: s.clusters.map((c) => ('clusterId' in change.target && c.clusterId === id ? strip(c) : c)),
    instances: s.instances.map((i) => ('instanceId' in change.target && i.instanceId === id ? strip(i) : i)),
  });
}

/**
 * The sources whose path to a database is open now and closed after the change: the peers of the
 * inbound rules involved (a CIDR, a group) and the EC2 instances given (by their groups and
 * addresses), for every database the change touches, on each database's port.
 */
export function accessLostBy(idx: RegionIndex, change: AccessChange, ec2: readonly Ec2Instance[] = []): LostAccess[] {
  const next = after(idx, change);
  const rules = change.kind === 'revoke' ? idx.snapshot.rules.filter((r) => change.ruleIds.includes(r.ruleId)) : [];
  const touchedGroups = new Set(change.kind === 'revoke' ? rules.map((r) => r.groupId) : change.groupIds);
  const peerRules = change.kind === 'revoke' ? rules : [...touchedGroups].flatMap((g) => idx.rulesOf(g));
  const sources: { source: PathSource; text: string; instanceId?: string; peer?: LostAccess['peer'] }[] = [];
  const seen = new Set<string>();
  for (const r of peerRules) {
    if (r.isEgress) continue;
    const p = r.peer;
    const key = p.kind === 'group' ? p.groupId : p.kind === 'prefixList' ? '' : p.cidr;
    if (!key || seen.has(key)) continue;
    seen.add(key);
    sources.push(
      p.kind === 'group'
        ? { source: { groupId: p.groupId }, text: groupText(idx, p.groupId), peer: { groupId: p.groupId } }
        : { source: { cidr: key }, text: key, peer: { cidr: key } },
    );
  }
  for (const i of ec2) {
    sources.push({ source: { ec2Instance: i }, text: i.name ? `${i.name} (${i.instanceId})` : i.instanceId, instanceId: i.instanceId });
  }
  const out: LostAccess[] = [];
  for (const t of databasesOf(idx.snapshot)) {
    const db = change.kind === 'detach' ? (idOf(t) === idOf(change.target) ? t : undefined) : t;
    if (!db) continue;
    let target;
    try {
      target = resolveDbTarget(idx, db);
    } catch {
      continue;
    }
    if (!target.groupIds.some((g) => touchedGroups.has(g))) continue;
    for (const s of sources) {
      const now = explainPath(idx, s.source, db);
      if (!now.open) continue;
      if (!explainPath(next, s.source, db).open)
        out.push({
          source: s.text,
          database: target.id,
          port: now.port,
          target: db,
          ...(s.instanceId ? { ec2InstanceId: s.instanceId } : {}),
          ...(s.peer ? { peer: s.peer } : {}),
        });
    }
  }
  return out;
}

/** One line per database: "orders-db (port 3306): app-server-1 (i-…), 203.0.113.0/24". */
export function lostAccessText(lost: readonly LostAccess[]): string {
  const byDb = new Map<string, string[]>();
  for (const l of lost) {
    const k = `${l.database} (port ${l.port})`;
    byDb.set(k, [...(byDb.get(k) ?? []), l.source]);
  }
  return [...byDb].map(([db, s]) => `• ${db}: ${s.join(', ')}`).join('\n');
}

/** A narrower rule that keeps a source connected after a revoke that cuts its only path. */
export interface Replacement {
  /** The inbound rule to add first (tcp on the database's port only). */
  readonly rule: MissingRule;
  /** Why this source: "app-server-1's group", "app-server-1's private address". */
  readonly why: string;
  /** The sources it keeps connected ("app-server-1 (i-…)"), and the databases. */
  readonly keeps: readonly string[];
  readonly databases: readonly string[];
  /**
   * A detach's replacement goes on a group the database keeps; when that group also guards other
   * databases, the rule lets the source into them too: they are named here (and in the question).
   */
  readonly alsoGuards?: readonly string[];
}

/**
 * For each EC2 instance that loses its only path through a revoked CIDR rule (a wide range such as
 * 0.0.0.0/0 that happened to contain it): the narrower inbound rule on the same database group that
 * lets in just that instance, on the database's port: from a security group the instance carries
 * (never the VPC's default group, which would admit everything that carries it, nor a group the
 * revoke itself takes away), else from its private address alone (/32). Each is checked on the
 * path engine: with the revoke done and the rule added, the instance's path is open again.
 * Rules that several instances or databases share are offered once. Empty for detaches and when
 * nothing narrower would do.
 */
export function narrowerReplacements(idx: RegionIndex, change: AccessChange, lost: readonly LostAccess[], ec2: readonly Ec2Instance[]): Replacement[] {
  if (change.kind === 'detach') return detachReplacements(idx, change, lost, ec2);
  const revoked = idx.snapshot.rules.filter((r) => change.ruleIds.includes(r.ruleId) && !r.isEgress);
  const revokedGroupPeers = new Set(revoked.flatMap((r) => (r.peer.kind === 'group' ? [r.peer.groupId] : [])));
  const next = after(idx, change);
  const out = new Map<string, { rule: MissingRule; why: string; keeps: string[]; databases: string[] }>();
  for (const l of lost) {
    const inst = l.ec2InstanceId ? ec2.find((i) => i.instanceId === l.ec2InstanceId) : undefined;
    if (!inst) continue;
    let target;
    try {
      target = resolveDbTarget(idx, l.target);
    } catch {
      continue;
    }
    const ip = inst.privateIp ? parseCidr(inst.privateIp) : undefined;
    const host = ip && !('error' in ip) ? ip : undefined;
    // The revoked CIDR rule of the database's group that let this instance in.
    const wide = revoked.find((r) => {
      if (!target.groupIds.includes(r.groupId) || !allowsTcpPort(r, l.port)) return false;
      const rc = peerCidr(r.peer);
      return rc !== undefined && host !== undefined && rc.version === host.version && cidrContains(rc, host);
    });
    if (!wide) continue;
    const dbGroup = idx.groupsById.get(wide.groupId);
    const own = inst.securityGroupIds.find((g) => {
      const grp = idx.groupsById.get(g);
      return !!grp && grp.groupName !== 'default' && !revokedGroupPeers.has(g) && (!dbGroup?.vpcId || grp.vpcId === dbGroup.vpcId);
    });
    const name = inst.name ?? inst.instanceId;
    const wideCidr = peerCidr(wide.peer);
    const candidates: { source: MissingRule['source']; why: string }[] = [];
    if (own) candidates.push({ source: { groupId: own }, why: `${name}'s group` });
    if (host && wideCidr && wideCidr.prefix < host.prefix) candidates.push({ source: { cidr: formatCidr(host) }, why: `${name}'s private address` });
    for (const c of candidates) {
      const rule: MissingRule = { groupId: wide.groupId, isEgress: false, protocol: 'tcp', fromPort: l.port, toPort: l.port, source: c.source };
      const key = `${rule.groupId}|${'groupId' in c.source ? c.source.groupId : c.source.cidr}|${l.port}`;
      const seen = out.get(key);
      if (seen) {
        if (!seen.keeps.includes(l.source)) seen.keeps.push(l.source);
        if (!seen.databases.includes(l.database)) seen.databases.push(l.database);
        break;
      }
      // Checked on the path engine: the revoke done, this rule added, the instance gets in again.
      const added: SecurityGroupRule = {
        region: dbGroup?.region ?? '',
        ruleId: `replacement-${out.size}`,
        groupId: rule.groupId,
        isEgress: false,
        protocol: 'tcp',
        fromPort: l.port,
        toPort: l.port,
        peer: 'groupId' in c.source ? { kind: 'group', groupId: c.source.groupId } : { kind: host!.version === 4 ? 'cidr4' : 'cidr6', cidr: c.source.cidr },
      };
      const withRule = new RegionIndex({ ...next.snapshot, rules: [...next.snapshot.rules, added] });
      if (!explainPath(withRule, { ec2Instance: inst }, l.target).open) continue;
      out.set(key, { rule, why: c.why, keeps: [l.source], databases: [l.database] });
      break;
    }
  }
  return [...out.values()];
}

/** The databases a group guards, by id (clusters, then instances not in a cluster). */
function guardedBy(idx: RegionIndex, groupId: string): string[] {
  const a = idx.attachmentsOf(groupId);
  return [...a.clusters.map((c) => c.clusterId), ...a.instances.filter((i) => !i.clusterId).map((i) => i.instanceId)];
}

/**
 * For a detach: each source that loses its only path (a peer of the detached group's inbound rules,
 * or an EC2 instance) gets the rule that lets just it in on the database's port, on a group the
 * database keeps. That group is one that guards this database alone when there is one, else the
 * first kept group, and then the other databases it guards are named (the rule lets the source into
 * them too). A world range (0.0.0.0/0, ::/0) is never offered again: what it let in is what the
 * detach takes away. An EC2 instance is let in by a group it carries (never the VPC's default group,
 * nor a detached group), else by its private address (/32). Each is checked on the path engine:
 * with the group removed and the rule added, the source gets in again. Empty when the database
 * keeps no group.
 */
function detachReplacements(
  idx: RegionIndex,
  change: Extract<AccessChange, { kind: 'detach' }>,
  lost: readonly LostAccess[],
  ec2: readonly Ec2Instance[],
): Replacement[] {
  let target;
  try {
    target = resolveDbTarget(idx, change.target);
  } catch {
    return [];
  }
  const dropped = new Set(change.groupIds);
  const kept = target.groupIds.filter((g) => !dropped.has(g) && idx.groupsById.has(g));
  if (!kept.length) return [];
  const host = kept.find((g) => guardedBy(idx, g).every((d) => d === target.id)) ?? kept[0]!;
  const others = guardedBy(idx, host).filter((d) => d !== target.id);
  const hostVpc = idx.groupsById.get(host)?.vpcId;
  const next = after(idx, change);
  const out = new Map<string, Replacement>();
  for (const l of lost) {
    if (l.database !== target.id) continue;
    const candidates: { source: MissingRule['source']; why: string; path: PathSource }[] = [];
    const inst = l.ec2InstanceId ? ec2.find((i) => i.instanceId === l.ec2InstanceId) : undefined;
    if (inst) {
      const name = inst.name ?? inst.instanceId;
      const own = inst.securityGroupIds.find((g) => {
        const grp = idx.groupsById.get(g);
        return !!grp && grp.groupName !== 'default' && !dropped.has(g) && (!hostVpc || grp.vpcId === hostVpc);
      });
      if (own) candidates.push({ source: { groupId: own }, why: `${name}'s group`, path: { ec2Instance: inst } });
      const ip = inst.privateIp ? parseCidr(inst.privateIp) : undefined;
      if (ip && !('error' in ip)) candidates.push({ source: { cidr: formatCidr(ip) }, why: `${name}'s private address`, path: { ec2Instance: inst } });
    } else if (l.peer && 'groupId' in l.peer) {
      candidates.push({ source: { groupId: l.peer.groupId }, why: `the same group, on ${l.port} only`, path: { groupId: l.peer.groupId } });
    } else if (l.peer && 'cidr' in l.peer) {
      const c = parseCidr(l.peer.cidr);
      if (!('error' in c) && c.prefix > 0)
        candidates.push({ source: { cidr: formatCidr(c) }, why: `the same range, on ${l.port} only`, path: { cidr: l.peer.cidr } });
    }
    for (const c of candidates) {
      const rule: MissingRule = { groupId: host, isEgress: false, protocol: 'tcp', fromPort: l.port, toPort: l.port, source: c.source };
      const key = `${host}|${'groupId' in c.source ? c.source.groupId : c.source.cidr}|${l.port}`;
      const seen = out.get(key);
      if (seen) {
        if (!seen.keeps.includes(l.source)) (seen.keeps as string[]).push(l.source);
        break;
      }
      const isCidr = 'cidr' in c.source;
      const added: SecurityGroupRule = {
        region: idx.snapshot.region,
        ruleId: `replacement-${out.size}`,
        groupId: host,
        isEgress: false,
        protocol: 'tcp',
        fromPort: l.port,
        toPort: l.port,
        peer:
          'groupId' in c.source
            ? { kind: 'group', groupId: c.source.groupId }
            : { kind: isCidr && c.source.cidr.includes(':') ? 'cidr6' : 'cidr4', cidr: c.source.cidr },
      };
      const withRule = new RegionIndex({ ...next.snapshot, rules: [...next.snapshot.rules, added] });
      if (!explainPath(withRule, c.path, change.target).open) continue;
      out.set(key, { rule, why: c.why, keeps: [l.source], databases: [target.id], ...(others.length ? { alsoGuards: others } : {}) });
      break;
    }
  }
  return [...out.values()];
}

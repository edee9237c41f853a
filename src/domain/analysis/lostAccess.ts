// Who loses access to which database when rules are removed or a group is taken off a database,
// said before the change (issue: "a fix that cuts the only path is not announced"). The answer
// comes from the one path engine (path.ts explainPath), run on the Region as it is and as it would
// be after the change: a source loses access when its path is open now and closed after.
import { RegionIndex, type Ec2Instance, type RegionSnapshot } from '../model';
import { explainPath, type PathSource } from './path';
import { groupText, resolveDbTarget, type DbTarget } from './target';

export type AccessChange =
  | { readonly kind: 'revoke'; readonly ruleIds: readonly string[] }
  | { readonly kind: 'detach'; readonly target: DbTarget; readonly groupIds: readonly string[] };

export interface LostAccess {
  /** The source as named to the user: "app-server-1 (i-0abc…)", "appsrv1 (sg-…)", "0.0.0.0/0". */
  readonly source: string;
  /** The database's id. */
  readonly database: string;
  readonly port: number;
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
  const sources: { source: PathSource; text: string }[] = [];
  const seen = new Set<string>();
  for (const r of peerRules) {
    if (r.isEgress) continue;
    const p = r.peer;
    const key = p.kind === 'group' ? p.groupId : p.kind === 'prefixList' ? '' : p.cidr;
    if (!key || seen.has(key)) continue;
    seen.add(key);
    sources.push(p.kind === 'group' ? { source: { groupId: p.groupId }, text: groupText(idx, p.groupId) } : { source: { cidr: key }, text: key });
  }
  for (const i of ec2) {
    sources.push({ source: { ec2Instance: i }, text: i.name ? `${i.name} (${i.instanceId})` : i.instanceId });
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
      if (!explainPath(next, s.source, db).open) out.push({ source: s.text, database: target.id, port: now.port });
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

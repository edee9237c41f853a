// Building and checking changes before any AWS call: rule requests, group lists, delete blockers.
import { canonicalCidr } from './cidr';
import { DATABASE_PORTS } from './engines';
import type { RegionIndex, RulePeer, RuleSpec, SecurityGroupRule } from './model';
import { DEFAULT_RULES_PER_DIRECTION } from './quotas';
import { peerLabel } from './rules';
import { normaliseProtocol, validateGroupId, validatePorts, validatePrefixListId, validateRuleDescription } from './validation';

/** Aurora's quota of VPC security groups per DB cluster (and RDS per instance). */
export const MAX_DB_GROUPS = 5;
/** AWS's default rules quota; the account's value is in the snapshot's limits (quotas.ts). */
export const MAX_RULES_PER_DIRECTION = DEFAULT_RULES_PER_DIRECTION;

export type SourceInput = { cidr: string } | { groupId: string; userId?: string } | { prefixListId: string };

export interface RuleInput {
  readonly groupId: string;
  readonly isEgress: boolean;
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly source: SourceInput;
  readonly description?: string;
}

export interface RuleDraft extends RuleSpec {
  /** Set when the CIDR the user typed was canonicalised (host bits dropped). */
  readonly canonicalisedFrom?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };
const fail = <T>(error: string): Result<T> => ({ ok: false, error });

export function parseSource(source: SourceInput | undefined): Result<{ peer: RulePeer; canonicalisedFrom?: string }> {
  if (!source || typeof source !== 'object') return fail('A source is required: { cidr }, { groupId } or { prefixListId }.');
  if ('cidr' in source && typeof source.cidr === 'string') {
    const c = canonicalCidr(source.cidr);
    if ('error' in c) return fail(c.error);
    return {
      ok: true,
      value: {
        peer: c.version === 4 ? { kind: 'cidr4', cidr: c.cidr } : { kind: 'cidr6', cidr: c.cidr },
        canonicalisedFrom: c.changed ? source.cidr.trim() : undefined,
      },
    };
  }
  if ('groupId' in source && typeof source.groupId === 'string') {
    const err = validateGroupId(source.groupId);
    if (err) return fail(err);
    if (source.userId !== undefined && (typeof source.userId !== 'string' || !/^\d{12}$/.test(source.userId)))
      return fail(`userId must be a 12-digit AWS account id, not ${JSON.stringify(source.userId)}.`);
    return { ok: true, value: { peer: { kind: 'group', groupId: source.groupId.trim(), userId: source.userId } } };
  }
  if ('prefixListId' in source && typeof source.prefixListId === 'string') {
    const err = validatePrefixListId(source.prefixListId);
    if (err) return fail(err);
    return { ok: true, value: { peer: { kind: 'prefixList', prefixListId: source.prefixListId.trim() } } };
  }
  return fail('A source is required: { cidr }, { groupId } or { prefixListId }.');
}

/** The source input that builds a rule with this peer again (an edit, a copy). */
export const sourceOf = (p: RulePeer): SourceInput =>
  p.kind === 'cidr4' || p.kind === 'cidr6'
    ? { cidr: p.cidr }
    : p.kind === 'group'
      ? { groupId: p.groupId, userId: p.userId }
      : { prefixListId: p.prefixListId };

/** Validates everything about a new rule; nothing is sent when this fails. */
export function buildRule(input: RuleInput): Result<RuleDraft> {
  const gid = validateGroupId(String(input.groupId ?? ''));
  if (gid) return fail(gid);
  const protocol = normaliseProtocol(String(input.protocol ?? ''));
  if (typeof protocol !== 'string') return fail(protocol.error);
  for (const [name, v] of [
    ['fromPort', input.fromPort],
    ['toPort', input.toPort],
  ] as const) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v))) return fail(`${name} must be a whole number, not ${JSON.stringify(v)}.`);
  }
  if ((protocol === 'tcp' || protocol === 'udp') && input.fromPort === undefined) return fail(`A port is required for ${protocol}.`);
  const ports = validatePorts(protocol, input.fromPort, input.toPort);
  if ('error' in ports) return fail(ports.error);
  const src = parseSource(input.source);
  if (!src.ok) return src;
  if (src.value.peer.kind === 'cidr6' && protocol === 'icmp') return fail('ICMP (IPv4) cannot have an IPv6 source; use icmpv6.');
  if (src.value.peer.kind === 'cidr4' && protocol === 'icmpv6') return fail('ICMPv6 cannot have an IPv4 source; use icmp.');
  if (input.description !== undefined && typeof input.description !== 'string') return fail('description must be text.');
  const description = (input.description ?? '').trim() || undefined;
  if (description) {
    const e = validateRuleDescription(description, src.value.peer.kind);
    if (e) return fail(e);
  }
  return {
    ok: true,
    value: {
      groupId: input.groupId.trim(),
      isEgress: !!input.isEgress,
      protocol,
      fromPort: ports.fromPort,
      toPort: ports.toPort,
      peer: src.value.peer,
      description,
      canonicalisedFrom: src.value.canonicalisedFrom,
    },
  };
}

function samePeer(a: RulePeer, b: RulePeer): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'cidr4':
    case 'cidr6':
      return a.cidr === (b as typeof a).cidr;
    case 'prefixList':
      return a.prefixListId === (b as typeof a).prefixListId;
    case 'group':
      return a.groupId === (b as typeof a).groupId;
  }
}

/** The existing rule that already allows exactly this (AWS would answer InvalidPermission.Duplicate). */
export function findDuplicate(existing: readonly SecurityGroupRule[], d: RuleDraft): SecurityGroupRule | undefined {
  return existing.find(
    (r) =>
      r.groupId === d.groupId &&
      r.isEgress === d.isEgress &&
      r.protocol === d.protocol &&
      r.fromPort === d.fromPort &&
      r.toPort === d.toPort &&
      samePeer(r.peer, d.peer),
  );
}

/** A world-open source (0.0.0.0/0, ::/0) on a database port: needs an explicit confirmation. */
export function worldOpenDatabasePort(d: RuleDraft, extraDbPorts: readonly number[] = []): boolean {
  const world = (d.peer.kind === 'cidr4' && d.peer.cidr === '0.0.0.0/0') || (d.peer.kind === 'cidr6' && d.peer.cidr === '::/0');
  if (!world || d.isEgress) return false;
  if (d.protocol === '-1') return true;
  if (d.protocol !== 'tcp') return false;
  return [...DATABASE_PORTS, ...extraDbPorts].some((p) => d.fromPort <= p && p <= d.toPort);
}

/**
 * The inbound rules of these groups that open a database port to the whole internet (the
 * database's own port, when known, counted as a database port): associating such a group exposes
 * the database as adding the rule would, and is confirmed the same way.
 */
export function worldOpenRulesOf(idx: RegionIndex, groupIds: readonly string[], port?: number): SecurityGroupRule[] {
  // The database's own port when known (3306 open on a PostgreSQL database exposes nothing of it).
  const opens = (r: SecurityGroupRule) =>
    port === undefined ? worldOpenDatabasePort(r) : worldOpenDatabasePort(r, [port]) && (r.protocol === '-1' || (r.fromPort <= port && port <= r.toPort));
  return groupIds.flatMap((g) => idx.rulesOf(g, false).filter(opens));
}

export { ruleQuotaError } from './quotas';

/**
 * When a change of a database's groups takes effect, said before it is made (the confirmation, the
 * walkthrough's preview). RDS user guide, Overview.DBInstance.Modifying, Security group: "The change
 * is applied asynchronously, as soon as possible. This setting ignores the apply immediately
 * setting", and no outage occurs. ApplyImmediately is never sent (requests.ts), so what waits in
 * the pending-modifications queue is not applied with it: it stays pending until the maintenance
 * window. `pending` is the database's queue as read (DbCluster / DbInstance pendingChanges).
 */
export function groupChangeTiming(kind: 'cluster' | 'instance', id: string, pending: readonly string[] = []): string {
  const now = `RDS applies the group change as soon as possible${kind === 'cluster' ? ` to every instance of ${id}` : ''}; the change itself causes no outage.`;
  if (!pending.length) return now;
  const one = pending.length === 1;
  return `${now} Pending on ${id}: ${pending.join('; ')}. This change does not apply ${one ? 'it' : 'them'}: ${one ? 'it stays' : 'they stay'} pending until the next maintenance window.`;
}

/** The new list for a replacing write: current groups first, in order, then the added ones; never drops one. */
export function mergeGroupLists(current: readonly string[], add: readonly string[], max = MAX_DB_GROUPS): Result<{ list: string[]; added: string[] }> {
  const list = [...current];
  const added: string[] = [];
  for (const g of add) {
    if (!list.includes(g)) {
      list.push(g);
      added.push(g);
    }
  }
  if (added.length === 0) return fail('Every chosen group is already associated; nothing to change.');
  if (list.length > max)
    return fail(
      `A database can have at most ${max} security groups: it has ${current.length}, and adding ${added.length} would make ${list.length}. Remove one first, or merge groups.`,
    );
  return { ok: true, value: { list, added } };
}

export function removeFromGroupList(current: readonly string[], remove: readonly string[]): Result<string[]> {
  const missing = remove.filter((g) => !current.includes(g));
  if (missing.length) return fail(`Not associated: ${missing.join(', ')}. Refresh the tree to see the current groups.`);
  const list = current.filter((g) => !remove.includes(g));
  if (list.length === 0) return fail('A database must keep at least one security group; associate another group before removing this one.');
  return { ok: true, value: list };
}

/** Why a group cannot be deleted, from what is loaded; empty when nothing blocks it. */
export function deleteBlockers(idx: RegionIndex, groupId: string, carriers: readonly string[] = []): string[] {
  const g = idx.groupsById.get(groupId);
  const out: string[] = [];
  if (!g) return [`Group ${groupId} is not in this Region (refresh the tree).`];
  if (g.groupName === 'default') out.push('It is the default group of its VPC, which AWS never deletes.');
  const { clusters, instances } = idx.attachmentsOf(groupId);
  for (const c of clusters) out.push(`It guards DB cluster ${c.clusterId}.`);
  for (const i of instances) out.push(`It guards DB instance ${i.instanceId}.`);
  for (const o of idx.snapshot.otherDatabases ?? []) if (o.groupIds.includes(groupId)) out.push(`It guards ${o.engine} cluster ${o.clusterId}.`);
  const lookup = (id: string) => idx.groupsById.get(id);
  for (const r of idx.referencesTo(groupId)) {
    const owner = lookup(r.groupId);
    // Only rules of the same VPC block DeleteSecurityGroup; a rule of a peered VPC's group becomes
    // stale instead (VPC User Guide, "Update your security groups to reference peer security groups").
    if (owner && owner.vpcId !== g.vpcId) continue;
    out.push(
      `A rule of ${owner ? `${owner.groupName} (${r.groupId})` : r.groupId} references it (${r.ruleId}, ${r.isEgress ? 'outbound' : 'inbound'} ${peerLabel(r.peer, lookup)}).`,
    );
  }
  for (const c of carriers) out.push(`EC2 instance ${c} carries it.`);
  return out;
}

/** Rules of groups in other (peered) VPCs that reference the group: they become stale when it is deleted. */
export function peeredReferences(idx: RegionIndex, groupId: string): string[] {
  const g = idx.groupsById.get(groupId);
  if (!g) return [];
  const out: string[] = [];
  for (const r of idx.referencesTo(groupId)) {
    const owner = idx.groupsById.get(r.groupId);
    if (owner && owner.vpcId !== g.vpcId) out.push(`${owner.groupName} (${r.groupId}) in ${owner.vpcId}: ${r.ruleId}`);
  }
  return out;
}

// Undo, planned: what an activity entry needs read from the account, and then, from what that read
// found, either the change that puts things back or the reason it is refused (the resource changed
// since the entry). Pure functions: the ops layer reads, plans here, and reverts through the normal
// write path (src/ops/undo.ts); unit-tested per entry kind.
import type { ActivityEntry, RuleRecord } from './activity';
import { isReversible, undoLabel } from './activity';
import type { RulePeer } from './model';
import { peerLabel, portLabel } from './rules';

/** What must be read before planning. */
export type UndoRead =
  | { readonly kind: 'rules'; readonly groupIds: readonly string[] }
  | { readonly kind: 'dbGroups'; readonly target: { readonly kind: 'cluster' | 'instance'; readonly id: string } }
  | { readonly kind: 'eniGroups'; readonly instanceId: string; readonly networkInterfaceId: string }
  | { readonly kind: 'group'; readonly groupId: string }
  | { readonly kind: 'vpcNames'; readonly vpcId: string };

/** What that read found. */
export interface UndoNow {
  /** The current rules of the groups read (kind 'rules'); a group that is gone has none and is in `goneGroups`. */
  readonly rules?: readonly RuleRecord[];
  readonly goneGroups?: readonly string[];
  /** The database's or the interface's current groups; null when it is gone (or the interface is no longer the primary one). */
  readonly groupIds?: readonly string[] | null;
  /** The group (kind 'group'): undefined when gone; its rules other than AWS's default outbound allow-all. */
  readonly group?: { readonly groupName: string; readonly extraRules: number };
  /** The group names taken in the VPC (kind 'vpcNames'). */
  readonly namesInVpc?: readonly string[];
}

export interface RuleEditPlan {
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly source: { cidr: string } | { groupId: string; userId?: string } | { prefixListId: string };
  readonly description: string;
}

/** The change that reverts an entry, for the ops layer to make through its usual path and confirmation. */
export type UndoPlan =
  | { readonly op: 'revoke'; readonly groupId: string; readonly ruleIds: readonly string[] }
  | { readonly op: 'authorize'; readonly rules: readonly RuleRecord[] }
  | { readonly op: 'modify'; readonly groupId: string; readonly ruleId: string; readonly edit: RuleEditPlan; readonly descriptionOnly: boolean }
  | {
      readonly op: 'dbGroups';
      readonly target: { readonly kind: 'cluster' | 'instance'; readonly id: string };
      readonly edit: { readonly add: readonly string[] } | { readonly remove: readonly string[] };
      readonly expected: readonly string[];
    }
  | { readonly op: 'eniGroups'; readonly instanceId: string; readonly edit: { readonly add: string } | { readonly remove: string } }
  | { readonly op: 'deleteGroup'; readonly groupId: string; readonly groupName: string }
  | {
      readonly op: 'createGroup';
      readonly vpcId: string;
      readonly groupName: string;
      readonly description: string;
      readonly tags?: Readonly<Record<string, string>>;
    };

export type UndoDecision = { readonly ok: true; readonly plan: UndoPlan; readonly summary: string } | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): UndoDecision => ({ ok: false, reason });

/** Why an entry cannot be undone at all, or undefined. */
export function notReversible(e: ActivityEntry): string | undefined {
  if (isReversible(e)) return undefined;
  if (e.status === 'failed') return 'This change failed: nothing was changed, so there is nothing to undo.';
  if (e.status === 'unknown' || e.status === 'partial')
    return 'It is not known exactly what this change left in place (see its outcome): refresh the tree and change it by hand.';
  if (e.change.kind === 'groupDeleted')
    return `${e.change.groupName} had rules when it was deleted: a new group would get a new id and none of them; create it again by hand if it is needed.`;
  return 'This kind of change cannot be undone.';
}

/** What to read for an entry (undefined when it is not reversible). */
export function undoReads(e: ActivityEntry): UndoRead | undefined {
  if (!isReversible(e)) return undefined;
  const c = e.change;
  switch (c.kind) {
    case 'ruleAdded':
      return { kind: 'rules', groupIds: [c.groupId] };
    case 'rulesRevoked':
      return { kind: 'rules', groupIds: [...new Set(c.rules.map((r) => r.groupId))] };
    case 'ruleEdited':
      return { kind: 'rules', groupIds: [c.groupId] };
    case 'dbGroups':
      return { kind: 'dbGroups', target: c.target };
    case 'eniGroups':
      return { kind: 'eniGroups', instanceId: c.instanceId, networkInterfaceId: c.networkInterfaceId };
    case 'groupCreated':
      return { kind: 'group', groupId: c.groupId };
    case 'groupDeleted':
      return c.vpcId ? { kind: 'vpcNames', vpcId: c.vpcId } : undefined;
    case 'none':
      return undefined;
  }
}

const peerKey = (p: RulePeer) => (p.kind === 'group' ? `group:${p.groupId}` : p.kind === 'prefixList' ? `pl:${p.prefixListId}` : `${p.kind}:${p.cidr}`);

/** Same access: direction, protocol, ports and source (the description aside). */
export function sameAccess(a: RuleRecord, b: RuleRecord): boolean {
  return (
    a.groupId === b.groupId &&
    a.isEgress === b.isEgress &&
    a.protocol === b.protocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    peerKey(a.peer) === peerKey(b.peer)
  );
}

const ruleText = (r: RuleRecord) => `${portLabel(r)} ${r.isEgress ? 'to' : 'from'} ${peerLabel(r.peer)}`;
const quoted = (d: string | undefined) => (d ? `"${d}"` : 'no description');

/** How rule `now` differs from what the entry left (`left`), or undefined when it does not. */
export function ruleDifference(left: RuleRecord, now: RuleRecord): string | undefined {
  if (!sameAccess(left, now)) return `it now allows ${ruleText(now)} (the entry left ${ruleText(left)})`;
  if ((left.description ?? '') !== (now.description ?? ''))
    return `its description is now ${quoted(now.description)} (the entry left ${quoted(left.description)})`;
  return undefined;
}

const sourceOf = (p: RulePeer): RuleEditPlan['source'] =>
  p.kind === 'cidr4' || p.kind === 'cidr6'
    ? { cidr: p.cidr }
    : p.kind === 'group'
      ? { groupId: p.groupId, ...(p.userId ? { userId: p.userId } : {}) }
      : { prefixListId: p.prefixListId };

const setText = (ids: readonly string[]) => ids.join(', ') || 'none';
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x)) && b.every((x) => a.includes(x));

/** The reverse of a list change that only added or only removed groups. */
function listEdit(before: readonly string[], after: readonly string[]): { add: string[] } | { remove: string[] } | undefined {
  const added = after.filter((g) => !before.includes(g));
  const removed = before.filter((g) => !after.includes(g));
  if (added.length && !removed.length) return { remove: added };
  if (removed.length && !added.length) return { add: removed };
  return undefined;
}

/**
 * The undo of `e` given what was read now, or why it is refused. Refused whenever the resource is
 * not as the entry left it: Undo never reverts over someone else's change.
 */
export function planUndo(e: ActivityEntry, now: UndoNow): UndoDecision {
  const why = notReversible(e);
  if (why) return refuse(why);
  const verb = undoLabel(e);
  const c = e.change;
  const changed = (what: string) => refuse(`${what} changed since this entry: ${verb} would overwrite that change, so nothing was sent.`);
  switch (c.kind) {
    case 'ruleAdded': {
      const ids: string[] = [];
      for (const left of c.rules) {
        const cur = now.rules?.find((r) => r.ruleId === left.ruleId);
        if (!cur) return refuse(`Rule ${left.ruleId} (${ruleText(left)}) no longer exists: it was removed since this entry. Nothing to ${verb.toLowerCase()}.`);
        const d = ruleDifference(left, cur);
        if (d) return changed(`Rule ${left.ruleId}: ${d}. It`);
        ids.push(left.ruleId);
      }
      return { ok: true, plan: { op: 'revoke', groupId: c.groupId, ruleIds: ids }, summary: `remove ${ids.join(', ')} again` };
    }
    case 'rulesRevoked': {
      const gone = c.rules.find((r) => now.goneGroups?.includes(r.groupId));
      if (gone) return refuse(`Security group ${gone.groupId} no longer exists: its rules cannot be added back.`);
      for (const left of c.rules) {
        const cur = now.rules?.find((r) => sameAccess(left, r));
        if (cur) return refuse(`${ruleText(left)} is allowed again already, by rule ${cur.ruleId} (added since this entry): nothing was sent.`);
      }
      return { ok: true, plan: { op: 'authorize', rules: c.rules }, summary: `add back ${c.rules.map(ruleText).join('; ')}` };
    }
    case 'ruleEdited': {
      if (now.goneGroups?.includes(c.groupId)) return refuse(`Security group ${c.groupId} no longer exists.`);
      const cur = now.rules?.find((r) => r.ruleId === c.after.ruleId);
      if (!cur) return refuse(`Rule ${c.after.ruleId} no longer exists: it was removed since this entry. Nothing to ${verb.toLowerCase()}.`);
      const d = ruleDifference(c.after, cur);
      if (d) return changed(`Rule ${c.after.ruleId}: ${d}. It`);
      const b = c.before;
      return {
        ok: true,
        plan: {
          op: 'modify',
          groupId: c.groupId,
          ruleId: c.after.ruleId,
          edit: { protocol: b.protocol, fromPort: b.fromPort, toPort: b.toPort, source: sourceOf(b.peer), description: b.description ?? '' },
          descriptionOnly: sameAccess(b, { ...c.after, groupId: b.groupId }),
        },
        summary: `set rule ${c.after.ruleId} back to ${ruleText(b)} (${quoted(b.description)})`,
      };
    }
    case 'dbGroups':
    case 'eniGroups': {
      const what =
        c.kind === 'dbGroups'
          ? `${c.target.kind === 'cluster' ? 'DB cluster' : 'DB instance'} ${c.target.id}`
          : `${c.instanceId}'s network interface ${c.networkInterfaceId}`;
      if (now.groupIds === null || now.groupIds === undefined)
        return refuse(`${what} no longer exists${c.kind === 'eniGroups' ? ' (or is no longer the primary interface)' : ''}: nothing was sent.`);
      if (!sameSet(now.groupIds, c.after))
        return refuse(
          `The groups of ${what} changed since this entry: it now has ${setText(now.groupIds)}, not ${setText(c.after)} as the entry left it. Nothing was sent.`,
        );
      const edit = listEdit(c.before, c.after);
      if (!edit) return refuse(`This entry both added and removed groups of ${what}: change it by hand.`);
      if (c.kind === 'dbGroups')
        return { ok: true, plan: { op: 'dbGroups', target: c.target, edit, expected: c.after }, summary: `put back ${setText(c.before)}` };
      const one = 'add' in edit ? edit.add : edit.remove;
      if (one.length !== 1) return refuse(`This entry changed more than one group of ${what}: change it by hand.`);
      return {
        ok: true,
        plan: { op: 'eniGroups', instanceId: c.instanceId, edit: 'add' in edit ? { add: one[0] } : { remove: one[0] } },
        summary: `put back ${setText(c.before)}`,
      };
    }
    case 'groupCreated': {
      if (!now.group) return refuse(`${c.groupName} (${c.groupId}) no longer exists: nothing to ${verb.toLowerCase()}.`);
      if (now.group.groupName !== c.groupName) return changed(`${c.groupId} (now named ${now.group.groupName})`);
      if (now.group.extraRules > 0)
        return refuse(
          `${c.groupName} (${c.groupId}) has ${now.group.extraRules} rule${now.group.extraRules === 1 ? '' : 's'} added since it was created: deleting it would drop them. Nothing was sent.`,
        );
      return { ok: true, plan: { op: 'deleteGroup', groupId: c.groupId, groupName: c.groupName }, summary: `delete ${c.groupName} (${c.groupId}) again` };
    }
    case 'groupDeleted': {
      if (!c.vpcId) return refuse(`The VPC of ${c.groupName} is not known.`);
      if (now.namesInVpc?.some((n) => n.toLowerCase() === c.groupName.toLowerCase()))
        return refuse(`A group named ${c.groupName} exists in ${c.vpcId} again (created since this entry): nothing was sent.`);
      return {
        ok: true,
        plan: { op: 'createGroup', vpcId: c.vpcId, groupName: c.groupName, description: c.description, ...(c.tags ? { tags: c.tags } : {}) },
        summary: `create ${c.groupName} again in ${c.vpcId} (it gets a new id)`,
      };
    }
    case 'none':
      return refuse('This kind of change cannot be undone.');
  }
}

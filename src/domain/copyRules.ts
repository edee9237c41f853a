// Copying a group's rules into another group (an existing one, or a new one in another VPC: the
// console's "Copy to new security group"): what would be copied, remapped, skipped or refused, worked
// out before anything is written, so the confirmation can list it. Plain data, no AWS call.
//
// Group references (VPC Peering Guide, "Update your security groups to reference peer security
// groups"; EC2 API Reference, AuthorizeSecurityGroupIngress): a rule may reference a group of its own
// VPC, or of a VPC peered with it by an active peering connection in the same Region (a group of
// another account with that account's id); AWS refuses anything else with InvalidGroup.NotFound "You
// have specified two resources that belong to different networks", and never lets a rule reference a
// group of another Region. So a reference to the source group itself becomes a reference to the
// target group; a reference to another group is kept when the target's VPC may reference it, and
// refused with that reason otherwise. Prefix lists are per Region: a reference is refused in another.
import { buildRule, findDuplicate, sourceOf, type RuleDraft } from './changes';
import type { RegionIndex, RulePeer, SecurityGroupRule } from './model';
import { reachableGroupVpcs } from './peering';
import { prefixListWeights, ruleQuotaError } from './quotas';
import { peerLabel, portLabel, ruleLabel } from './rules';
import { scopeText } from './ruleText';
import { awsRegion } from './scope';

export { scopeText };

/** The id the plan gives a group not created yet (a new group): replaced by the real id before any write. */
export const NEW_GROUP_ID = 'sg-00000000000000000';

export interface CopyGroup {
  readonly groupId: string;
  readonly groupName: string;
  readonly vpcId?: string;
  readonly ownerId?: string;
}

export interface CopySide {
  /** The scope key of the group's Region and account (src/domain/scope.ts). */
  readonly scope: string;
  /** The loaded data of that scope. */
  readonly idx: RegionIndex;
  readonly group: CopyGroup;
}

export interface CopyTarget extends CopySide {
  /** The target's rules now (a new group: the outbound rule AWS gives every new group). */
  readonly rules: readonly SecurityGroupRule[];
}

export type CopyItem =
  /** Copied; `note` says how a group reference was remapped or why it is kept. */
  | { readonly kind: 'copy'; readonly rule: SecurityGroupRule; readonly draft: RuleDraft; readonly note?: string; readonly remapped?: boolean }
  /** Not copied: the target already allows exactly this. */
  | { readonly kind: 'skip'; readonly rule: SecurityGroupRule; readonly reason: string }
  /** Not copied: AWS would refuse it (or the quota); the reason says what to do. */
  | { readonly kind: 'refuse'; readonly rule: SecurityGroupRule; readonly reason: string };

export interface CopyPlan {
  readonly items: readonly CopyItem[];
  /** The rules to write, in order (inbound first). */
  readonly copies: readonly RuleDraft[];
}

type Mapped = { peer: RulePeer; note?: string; remapped?: boolean } | { refused: string };

/** Where the rule's peer points in the target, or why it cannot. */
function mapPeer(rule: SecurityGroupRule, source: CopySide, target: CopyTarget): Mapped {
  const peer = rule.peer;
  const sameRegion = awsRegion(source.scope) === awsRegion(target.scope);
  const tName = `${target.group.groupName}${target.group.groupId === NEW_GROUP_ID ? ' (new)' : ` (${target.group.groupId})`}`;
  if (peer.kind === 'cidr4' || peer.kind === 'cidr6') return { peer };
  if (peer.kind === 'prefixList') {
    if (sameRegion) return { peer };
    return {
      refused: `prefix list ${peer.prefixListId} is a list of ${awsRegion(source.scope)}; prefix lists belong to one Region. Use a prefix list of ${awsRegion(target.scope)} or CIDRs instead.`,
    };
  }
  const src = source.group;
  if (peer.groupId === src.groupId && (!peer.userId || !src.ownerId || peer.userId === src.ownerId))
    return { peer: { kind: 'group', groupId: target.group.groupId }, note: `the reference to ${src.groupName} itself now points to ${tName}`, remapped: true };
  const ref = source.idx.groupsById.get(peer.groupId);
  const refName = ref ? `${ref.groupName} (${peer.groupId})` : peer.groupId;
  if (!sameRegion)
    return {
      refused: `${refName} is a group of ${awsRegion(source.scope)}: a rule cannot reference a group of another Region. Allow it by CIDR or a prefix list instead.`,
    };
  const tOwner = target.group.ownerId;
  const sameAccountScopes = src.ownerId && tOwner ? src.ownerId === tOwner : source.scope === target.scope;
  const refOwner = peer.userId ?? ref?.ownerId ?? src.ownerId;
  const crossAccount = refOwner && tOwner ? refOwner !== tOwner : peer.userId ? true : !sameAccountScopes;
  if (crossAccount && !refOwner) return { refused: `the account of ${refName} is not known, and a reference to a group of another account needs it.` };
  const kept: RulePeer = { kind: 'group', groupId: peer.groupId, ...(crossAccount && refOwner ? { userId: refOwner } : {}) };
  const tVpc = target.group.vpcId;
  if (!tVpc) return { peer: kept };
  const reach = reachableGroupVpcs(tVpc, target.idx.snapshot.peerings, target.idx.snapshot.region);
  const refVpc = ref?.vpcId ?? (peer.kind === 'group' ? peer.vpcId : undefined);
  if (!crossAccount && !refVpc && !target.idx.groupsById.has(peer.groupId))
    return { refused: `${refName} is not in the loaded data of ${scopeText(target.scope)} (deleted, or not loaded): refresh, or allow it by CIDR.` };
  if (refVpc === tVpc) return { peer: kept, note: `kept: ${refName} is in the same VPC ${tVpc}` };
  if (refVpc && reach.vpcIds.has(refVpc))
    return { peer: kept, note: `kept: ${refName} is in ${refVpc}, peered with ${tVpc} by ${reach.peers.get(refVpc)?.peeringId}` };
  if (!refVpc && crossAccount && [...reach.peers.values()].some((p) => p.ownerId === refOwner))
    return { peer: kept, note: `kept: ${tVpc} is peered with a VPC of account ${refOwner}; AWS checks the group` };
  if (!reach.peeringsKnown)
    return { peer: kept, note: `kept, not checked: the VPC peering connections of ${scopeText(target.scope)} could not be read; AWS decides` };
  return {
    refused:
      `${refName} is in ${refVpc ?? `a VPC of account ${refOwner}`}, which ${tVpc} is not peered with: AWS refuses a reference to a group of a VPC that is not ` +
      'peered by an active connection in the same Region ("You have specified two resources that belong to different networks"). Peer the VPCs, or allow it by CIDR or a prefix list.',
  };
}

/**
 * The plan of copying the source group's rules into the target: every rule of the source once,
 * copied (with its remapping), skipped as a duplicate of a target rule (or of another copied rule),
 * or refused with the reason (a group AWS would not let the target reference, a prefix list of
 * another Region, the rules quota, a value add-rule validation refuses). Nothing of the target is removed.
 */
export function planCopy(source: CopySide, sourceRules: readonly SecurityGroupRule[], target: CopyTarget): CopyPlan {
  const items: CopyItem[] = [];
  const copies: RuleDraft[] = [];
  const planned: SecurityGroupRule[] = [...target.rules];
  const weights = prefixListWeights(target.idx.snapshot);
  const ordered = [...sourceRules].filter((r) => r.groupId === source.group.groupId).sort((a, b) => Number(a.isEgress) - Number(b.isEgress));
  for (const rule of ordered) {
    const m = mapPeer(rule, source, target);
    if ('refused' in m) {
      items.push({ kind: 'refuse', rule, reason: m.refused });
      continue;
    }
    const built = buildRule({
      groupId: target.group.groupId,
      isEgress: rule.isEgress,
      protocol: rule.protocol,
      fromPort: rule.protocol === '-1' ? undefined : rule.fromPort,
      toPort: rule.protocol === '-1' ? undefined : rule.toPort,
      source: sourceOf(m.peer),
      description: rule.description,
    });
    if (!built.ok) {
      items.push({ kind: 'refuse', rule, reason: built.error });
      continue;
    }
    const draft: RuleDraft = m.peer.kind === 'group' ? { ...built.value, peer: m.peer } : built.value;
    const dup = findDuplicate(planned, draft);
    if (dup) {
      const existing = target.rules.includes(dup);
      items.push({
        kind: 'skip',
        rule,
        reason: existing ? `already allowed by ${dup.ruleId === 'planned' ? 'a rule' : `rule ${dup.ruleId}`} of the target` : 'the same as another rule copied',
      });
      continue;
    }
    const quota = ruleQuotaError(planned, draft, target.idx.snapshot.limits, weights);
    if (quota) {
      items.push({ kind: 'refuse', rule, reason: quota });
      continue;
    }
    planned.push({ ...draft, region: target.scope, ruleId: 'planned' });
    copies.push(draft);
    items.push({ kind: 'copy', rule, draft, ...(m.note ? { note: m.note } : {}), ...(m.remapped ? { remapped: true } : {}) });
  }
  return { items, copies };
}

const dir = (r: { isEgress: boolean }) => (r.isEgress ? 'outbound' : 'inbound');

/** The plan as the confirmation lists it: what is copied (and remapped), what skipped, what refused, with the reasons. */
export function copyPlanText(plan: CopyPlan, source: CopySide): string {
  const lookup = (id: string) => source.idx.groupsById.get(id);
  const copied = plan.items.filter((i) => i.kind === 'copy');
  const skipped = plan.items.filter((i) => i.kind === 'skip');
  const refused = plan.items.filter((i) => i.kind === 'refuse');
  const out: string[] = [];
  if (copied.length) {
    out.push(`Copied (${copied.length}):`);
    for (const i of copied)
      out.push(
        `  ${dir(i.rule)} ${portLabel(i.rule)} ${i.rule.isEgress ? 'to' : 'from'} ${i.remapped ? 'the target group itself' : peerLabel(i.draft.peer, lookup)}${i.rule.description ? ` "${i.rule.description}"` : ''}${i.note ? ` (${i.note})` : ''}`,
      );
  }
  if (skipped.length) {
    out.push(`Skipped (${skipped.length}):`);
    for (const i of skipped) out.push(`  ${dir(i.rule)} ${ruleLabel(i.rule, lookup)}: ${i.reason}`);
  }
  if (refused.length) {
    out.push(`Refused (${refused.length}):`);
    for (const i of refused) out.push(`  ${dir(i.rule)} ${ruleLabel(i.rule, lookup)}: ${i.reason}`);
  }
  if (!plan.items.length) out.push('The source group has no rules.');
  return out.join('\n');
}

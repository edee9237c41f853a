// Copying a group's rules into another group, or into a new group in another VPC (the console's
// "Copy to new security group"): both groups read again, the plan worked out in the domain
// (src/domain/copyRules.ts: copied, remapped, skipped, refused, with the reasons), one confirmation
// that lists it, then each rule through the add-rule checks and write (checkNewRule, addRuleWrite:
// the lost-answer protocol, DryRun), recorded as one change. Nothing is written when the user
// declines; nothing of the target is ever removed.
import { findDuplicate, worldOpenDatabasePort, type RuleDraft } from '../domain/changes';
import { copyPlanText, NEW_GROUP_ID, planCopy, scopeText, type CopySide, type CopyTarget } from '../domain/copyRules';
import { requireRead, type RegionIndex, type SecurityGroupRule } from '../domain/model';
import { driftWarning, managedBy } from '../domain/code';
import { countOf, peerLabel, portLabel } from '../domain/rules';
import { validateGroupDescription, validateGroupName } from '../domain/validation';
import { withChange } from './activity';
import type { OpsContext } from './context';
import { createGroup, regionIndex, type Done } from './groups';
import { addRuleWrite, checkNewRule } from './rules';
import { AlreadyAllowedError, UserError } from './userError';

export interface CopySource {
  /** The scope key of the source group (src/domain/scope.ts). */
  readonly scope: string;
  readonly groupId: string;
}

/** Into an existing group, or (with vpcId, name and description) into a new group. */
export type CopyDestination =
  | { readonly scope: string; readonly groupId: string }
  | { readonly scope: string; readonly vpcId: string; readonly groupName: string; readonly description: string };

export interface CopyResult {
  /** The target's scope key and group id. */
  readonly scope: string;
  readonly groupId: string;
  readonly ruleIds: readonly string[];
}

const label = (g: { groupName: string; groupId: string }, scope: string) => `${g.groupName} (${g.groupId}, ${scopeText(scope)})`;

/** The group's data read again (its rules current), or a UserError naming what is missing. */
async function freshGroup(ctx: OpsContext, scope: string, groupId: string, role: string): Promise<RegionIndex> {
  await regionIndex(ctx, scope);
  await ctx.store.refreshGroups(scope, [groupId]);
  const idx = await regionIndex(ctx, scope);
  requireRead(idx.snapshot, ['groups', 'rules'], `copy the rules`);
  if (!idx.groupsById.has(groupId))
    throw new UserError(`The ${role} group ${groupId} is not in ${scopeText(scope)} (deleted?); the tree has been refreshed. Nothing was changed.`);
  return idx;
}

/** AWS gives every new group an outbound rule that allows all traffic (the plan of a new group counts it). */
const defaultEgress = (scope: string, groupId: string): SecurityGroupRule => ({
  region: scope,
  ruleId: 'planned',
  groupId,
  isEgress: true,
  protocol: '-1',
  fromPort: -1,
  toPort: -1,
  peer: { kind: 'cidr4', cidr: '0.0.0.0/0' },
});

const ruleText = (d: RuleDraft, idx: RegionIndex) => `${portLabel(d)} ${d.isEgress ? 'to' : 'from'} ${peerLabel(d.peer, (id) => idx.groupsById.get(id))}`;

/**
 * Copies the rules of `from` into `to`. Undefined when the user declines the confirmation (nothing
 * written). Throws a UserError when there is nothing to copy into an existing group, or a check fails.
 */
export async function copyRules(ctx: OpsContext, from: CopySource, to: CopyDestination): Promise<Done<CopyResult> | undefined> {
  const sIdx = await freshGroup(ctx, from.scope, from.groupId, 'source');
  const sGroup = sIdx.groupsById.get(from.groupId)!;
  const source: CopySide = { scope: from.scope, idx: sIdx, group: sGroup };
  const isNew = !('groupId' in to);
  let target: CopyTarget;
  if ('groupId' in to) {
    if (to.scope === from.scope && to.groupId === from.groupId)
      throw new UserError('A group cannot be copied into itself: pick another group. Nothing was changed.');
    const tIdx = await freshGroup(ctx, to.scope, to.groupId, 'target');
    target = { scope: to.scope, idx: tIdx, group: tIdx.groupsById.get(to.groupId)!, rules: tIdx.rulesOf(to.groupId) };
  } else {
    const tIdx = await regionIndex(ctx, to.scope);
    const vpc = tIdx.snapshot.vpcs.find((v) => v.vpcId === to.vpcId);
    if (!vpc) throw new UserError(`VPC ${to.vpcId} is not in ${scopeText(to.scope)}. Refresh the tree or check the id. Nothing was changed.`);
    const bad =
      validateGroupName(
        to.groupName,
        (tIdx.groupsByVpc.get(to.vpcId) ?? []).map((g) => g.groupName),
      ) ?? validateGroupDescription(to.description);
    if (bad) throw new UserError(bad);
    const group = { groupId: NEW_GROUP_ID, groupName: to.groupName.trim(), vpcId: to.vpcId, ownerId: vpc.ownerId };
    target = { scope: to.scope, idx: tIdx, group, rules: [defaultEgress(to.scope, NEW_GROUP_ID)] };
  }
  const plan = planCopy(source, sIdx.rulesOf(from.groupId), target);
  const text = copyPlanText(plan, source);
  const tLabel = isNew ? `a new group ${target.group.groupName} in ${target.group.vpcId} (${scopeText(to.scope)})` : label(target.group, to.scope);
  if (!plan.copies.length && !isNew) throw new UserError(`Nothing to copy from ${label(sGroup, from.scope)} to ${tLabel}; nothing was changed.\n${text}`);
  const exposes = plan.copies.some((d) =>
    worldOpenDatabasePort(
      d,
      target.idx.snapshot.clusters.map((c) => c.port).filter((p): p is number => !!p),
    ),
  );
  const tg = isNew ? undefined : target.idx.groupsById.get(target.group.groupId);
  const drift = tg ? driftWarning(`${tg.groupName} (${tg.groupId})`, managedBy(tg.tags, ctx.settings.managedByTags), false) : '';
  const account = target.group.ownerId ? ` Account ${target.group.ownerId}.` : '';
  const detail = [
    text,
    exposes ? '\nA copied rule opens a database port to the whole internet.' : '',
    isNew ? `\nAWS gives the new group an outbound rule that allows all traffic; it is kept.` : '\nCopy never removes a rule of the target.',
    `\nInto ${tLabel}.${account}`,
    drift ? `\n${drift}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  const n = countOf(plan.copies.length, 'rule');
  const ok = await ctx.ui.confirm(
    isNew
      ? `Create ${target.group.groupName} in ${target.group.vpcId} (${scopeText(to.scope)}) with ${n} of ${sGroup.groupName}?`
      : `Copy ${n} of ${sGroup.groupName} to ${target.group.groupName}?`,
    detail,
    isNew ? 'Create and Copy' : 'Copy Rules',
    { exposes },
  );
  if (!ok) return undefined;

  let created: string | undefined;
  if (!('groupId' in to)) {
    const done = await createGroup(ctx, target.idx, { region: to.scope, vpcId: to.vpcId, groupName: to.groupName, description: to.description });
    created = done.value;
    const tIdx = await freshGroup(ctx, to.scope, created, 'new');
    target = { scope: to.scope, idx: tIdx, group: tIdx.groupsById.get(created)!, rules: tIdx.rulesOf(created) };
  }
  const groupId = target.group.groupId;
  const scope = to.scope;
  // Exactly the rules confirmed (a new group's placeholder id replaced by its id); what the target
  // has by now (a new group: what AWS gave it) is not sent again.
  const real = (id: string) => (id === NEW_GROUP_ID ? groupId : id);
  const confirmed = plan.copies.map((d) => ({
    ...d,
    groupId: real(d.groupId),
    peer: d.peer.kind === 'group' ? { ...d.peer, groupId: real(d.peer.groupId) } : d.peer,
  }));
  const there = confirmed.filter((d) => findDuplicate(target.idx.rulesOf(groupId), d));
  const drafts = confirmed.filter((d) => !there.includes(d));
  const made = created ? `Created ${target.group.groupName} (${groupId}). ` : '';
  if (!drafts.length) return { value: { scope, groupId, ruleIds: [] }, message: `${made}No rule of ${sGroup.groupName} was copied.\n${text}` };
  // The add-rule checks on the target as it is now, for every rule, before the first write.
  const g = drafts.map((d) => checkNewRule(scope, target.idx, d))[0];
  const what = `copy ${countOf(drafts.length, 'rule')} from ${sGroup.groupName} (${sGroup.groupId}) to ${g.groupName}`;
  const meta = { region: scope, target: `${g.groupName} (${groupId})`, what, account: g.ownerId };
  const { ids, skipped } = await withChange(ctx, meta, async (ctx, rec) => {
    const ids: string[] = [];
    const skipped: string[] = [];
    const added: RuleDraft[] = [];
    await ctx.ui.progress(`Copying ${countOf(drafts.length, 'rule')} to ${g.groupName}…`, async (signal) => {
      for (const d of drafts) {
        try {
          const { value } = await addRuleWrite(ctx, scope, g, d, ruleText(d, target.idx), signal);
          ids.push(...value.map((r) => r.ruleId));
          added.push(d);
        } catch (e) {
          // Someone added the same access since the plan: skipped, and said so.
          if (!(e instanceof AlreadyAllowedError)) throw e;
          skipped.push(`${ruleText(d, target.idx)}: ${e.message}`);
        }
      }
    });
    await ctx.store.refreshGroups(scope, [groupId]);
    const fresh = ctx.store.index(scope)?.rulesOf(groupId) ?? [];
    // Some endpoints do not return the created rules: find them in the re-read group.
    const found = added.map((d) => findDuplicate(fresh, d)?.ruleId).filter((x): x is string => !!x);
    const ruleIds = ids.length >= added.length ? ids : found;
    rec.change = {
      kind: 'ruleAdded',
      groupId,
      rules: added.map((d, i) => ({
        groupId,
        isEgress: d.isEgress,
        protocol: d.protocol,
        fromPort: d.fromPort,
        toPort: d.toPort,
        peer: d.peer,
        ...(d.description ? { description: d.description } : {}),
        ruleId: ruleIds[i] ?? '',
      })),
    };
    return { ids: ruleIds, skipped };
  });
  const late = skipped.length ? ` Skipped, added by someone else meanwhile: ${skipped.join('; ')}.` : '';
  const already = there.length ? ` Already in place, not sent: ${there.map((d) => ruleText(d, target.idx)).join('; ')}.` : '';
  const notCopied = plan.items.filter((i) => i.kind !== 'copy').length;
  const rest = notCopied ? ` ${countOf(notCopied, 'rule')} not copied (skipped or refused, as the confirmation listed).` : '';
  return {
    value: { scope, groupId, ruleIds: ids },
    message: `${made}Copied ${countOf(ids.length, 'rule')} of ${sGroup.groupName} to ${g.groupName} (${groupId}).${late}${already}${rest}`,
  };
}

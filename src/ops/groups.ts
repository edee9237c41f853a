// Creating and deleting security groups: every check against the loaded Region, the write inside a
// cancellable progress, the lost-answer protocol (writeThenVerify), the tree refreshed after.
import { attemptsOf, translateError } from '../aws/errors';
import { deleteBlockers, peeredReferences } from '../domain/changes';
import { driftWarning, managedBy } from '../domain/code';
import type { RegionIndex } from '../domain/model';
import { describeUsers, interfaceOwner, type GroupUsageRead } from '../domain/usage';
import { validateGroupDescription, validateGroupId, validateGroupName } from '../domain/validation';
import type { OpsContext } from './context';
import { UserError } from './userError';
import { withChange } from './activity';
import { writeThenVerify } from './writeThenVerify';

export interface NewGroup {
  readonly region: string;
  readonly vpcId: string;
  readonly groupName: string;
  readonly description: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A change made: what it returns to a caller, and the sentence for the user. */
export interface Done<T> {
  readonly value: T;
  readonly message: string;
}

/** Why tags cannot be sent, or undefined: AWS's limits, checked on the key and value as given. */
export function tagProblem(key: string, value: string): string | undefined {
  if (!key) return `"${key}=${value}" has no key; write key=value.`;
  if (key.length > 128) return `The tag key "${key.slice(0, 20)}…" is longer than 128 characters.`;
  if (value.length > 256) return `The value of tag ${key} is longer than 256 characters.`;
  if (/^aws:/i.test(key)) return 'Tag keys starting with "aws:" are reserved by AWS.';
  return undefined;
}

/** The Region's loaded data for a command (loaded now when needed), or a UserError saying why not. */
export async function regionIndex(ctx: OpsContext, region: string): Promise<RegionIndex> {
  try {
    return await ctx.store.ensure(region, { retryFailed: true });
  } catch (e) {
    throw new UserError(`The data of ${region} could not be loaded: ${translateError(e, { region, endpoint: ctx.settings.endpoint }).message}`);
  }
}

/**
 * CreateSecurityGroup, after the same checks whether the values were typed or passed as arguments:
 * the VPC is in the Region, the name is valid and unique in it, the description is valid.
 * An answer lost after AWS created the group (the retry then says InvalidGroup.Duplicate) is
 * reconciled by looking the group up by name: reported as created, once.
 */
export async function createGroup(ctx: OpsContext, idx: RegionIndex, g: NewGroup): Promise<Done<string>> {
  const { region, vpcId } = g;
  if (!idx.snapshot.vpcs.some((v) => v.vpcId === vpcId)) throw new UserError(`VPC ${vpcId} is not in ${region}. Refresh the tree or check the id.`);
  const names = (idx.groupsByVpc.get(vpcId) ?? []).map((x) => x.groupName);
  const bad = validateGroupName(g.groupName, names) ?? validateGroupDescription(g.description);
  if (bad) throw new UserError(bad);
  for (const [k, v] of Object.entries(g.tags ?? {})) {
    const t = tagProblem(k, v);
    if (t) throw new UserError(t);
  }
  const groupName = g.groupName.trim();
  const description = g.description.trim();
  const tags = { ...(g.tags ?? {}) };
  const account = idx.snapshot.vpcs.find((v) => v.vpcId === vpcId)?.ownerId;
  const meta = { region, target: `${vpcId}`, what: `create the security group ${groupName} in ${vpcId}`, account };
  const { value: groupId, recovered } = await withChange(ctx, meta, (ctx, rec) =>
    ctx.ui.progress(`Creating security group ${groupName} in ${vpcId}…`, async (signal) => {
      const w = await writeThenVerify<string>(ctx, {
        action: `create the security group ${groupName}`,
        region,
        signal,
        call: () => ctx.gateway().createSecurityGroup(region, { vpcId, groupName, description, tags }),
        classify: (e) => ((e as Error)?.name === 'InvalidGroup.Duplicate' && attemptsOf(e) > 1 ? 'verify' : undefined),
        verify: async () => {
          const mine = (await ctx.gateway().findGroupsByName(region, vpcId, groupName)).find((x) => x.description === description);
          return mine ? { applied: true, value: mine.groupId } : { applied: false };
        },
        notApplied: () => `${groupName} does not exist in ${vpcId}: nothing was created.`,
        unknown: (_e, t) => `${t.message} Could not check whether ${groupName} was created; refresh the tree before trying again.`,
        recovered: () => "AWS's answer was lost; the group, looked up by name, was created once",
      });
      rec.change = { kind: 'groupCreated', groupId: w.value, groupName, vpcId, description, ...(Object.keys(tags).length ? { tags } : {}) };
      return w;
    }),
  );
  const note = recovered ? ` (${recovered})` : '';
  await ctx.store.refreshGroups(region, [groupId]);
  ctx.log.info(`Created security group ${groupName} (${groupId}) in ${vpcId}, ${region}${note}`);
  return { value: groupId, message: `Created security group ${groupName} (${groupId})${note}. It has no inbound rules yet: add one to let something in.` };
}

/**
 * DeleteSecurityGroup, refused with the reasons while anything uses the group (read again first:
 * attachments and references must be current), and only after the group's name is typed:
 * `confirmName` is that typed confirmation when the command was called with arguments.
 */
export async function deleteGroup(ctx: OpsContext, region: string, groupId: string, confirmName?: string): Promise<Done<string>> {
  const badId = validateGroupId(groupId);
  if (badId) throw new UserError(badId);
  const idx = await ctx.store.load(region).catch(() => regionIndex(ctx, region));
  const group = idx.groupsById.get(groupId);
  if (!group) throw new UserError(`Security group ${groupId} is not in ${region}. Refresh the tree or check the id.`);
  // moto never raises DependencyViolation: look for EC2 instances that carry the group ourselves.
  const carriers = (await ctx.gateway().readEc2Instances(region, { groupIds: [groupId] })).filter((i) => i.securityGroupIds.includes(groupId));
  const blockers = deleteBlockers(
    idx,
    groupId,
    carriers.map((c) => `${c.name ? `${c.name} ` : ''}(${c.instanceId})`),
  );
  const name = group.groupName;
  if (blockers.length) throw new UserError(`${name} (${groupId}) cannot be deleted: ${blockers.join(' ')}`);
  // Lambda, load balancers, VPC endpoints, RDS Proxy, EFS, ECS… use the group through network
  // interfaces. Those of the EC2 instances and databases counted above are not counted again.
  const warnings: string[] = [];
  try {
    const counted = new Set(carriers.map((c) => c.instanceId));
    const users = (await ctx.gateway().readGroupInterfaces(region, groupId)).filter(
      (n) => !(n.instanceId && counted.has(n.instanceId)) && interfaceOwner(n.interfaceType, n.description) !== 'Amazon RDS',
    );
    if (users.length) throw new UserError(`${name} (${groupId}) cannot be deleted: it is used by ${describeUsers(users)}; nothing was deleted.`);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const why = translateError(e, { region, endpoint: ctx.settings.endpoint }).message;
    warnings.push(
      `Its use by other services could not be checked (this needs ec2:DescribeNetworkInterfaces: ${why}); AWS refuses the delete if it is still in use.`,
    );
  }
  // A group associated with other VPCs cannot be deleted (EC2 API Reference, DeleteSecurityGroup).
  try {
    const assoc = await ctx.gateway().readGroupVpcAssociations(region, groupId);
    if (assoc.length)
      throw new UserError(
        `${name} (${groupId}) cannot be deleted: it is associated with ${assoc.map((a) => `${a.vpcId}${a.state === 'associated' ? '' : ` (${a.state})`}`).join(', ')} (security group VPC associations). Disassociate it from ${assoc.length === 1 ? 'that VPC' : 'those VPCs'} first; nothing was deleted.`,
      );
  } catch (e) {
    if (e instanceof UserError) throw e;
    const why = translateError(e, { region, endpoint: ctx.settings.endpoint }).message;
    warnings.push(
      `Its VPC associations could not be checked (this needs ec2:DescribeSecurityGroupVpcAssociations: ${why}); AWS refuses the delete if it has any.`,
    );
  }
  const peered = peeredReferences(idx, groupId);
  // Peered VPCs of other accounts are in no load of this account: AWS names them (their rules
  // become stale, they do not block the delete: EC2 API Reference, DescribeSecurityGroupReferences).
  try {
    const known = new Set(idx.referencesTo(groupId).map((r) => idx.groupsById.get(r.groupId)?.vpcId));
    const others = (await ctx.gateway().readGroupReferences(region, groupId)).filter((r) => !known.has(r.referencingVpcId));
    for (const r of others) peered.push(`a rule in ${r.referencingVpcId}${r.peeringConnectionId ? ` (across ${r.peeringConnectionId})` : ''}`);
  } catch (e) {
    const why = translateError(e, { region, endpoint: ctx.settings.endpoint }).message;
    warnings.push(`References from peered VPCs of other accounts could not be checked (this needs ec2:DescribeSecurityGroupReferences: ${why}).`);
  }
  if (peered.length) warnings.push(`Rules of peered VPCs that reference it become stale: ${peered.join(', ')}.`);
  // A group a CloudFormation stack or Terraform manages: deleting it here drifts from the source (a
  // stack update may fail on the missing resource, or the next apply re-creates it).
  const drift = driftWarning(`${name} (${groupId})`, managedBy(group.tags, ctx.settings.managedByTags), false);
  if (drift) warnings.push(drift.replace('This change will drift', 'Deleting it here drifts'));
  for (const w of warnings) ctx.log.warn(`Deleting ${name} (${groupId}): ${w}`);
  const typed =
    confirmName ??
    (await ctx.ui.input({
      title: `Delete security group ${name} (${groupId})`,
      confirms: region,
      prompt: `${warnings.map((w) => `${w} `).join('')}This cannot be undone. Type the group's name, ${name}, to confirm.`,
      validate: (v) => (v === name ? undefined : `Type ${name} exactly to confirm.`),
    }));
  if (typed !== name) throw new UserError(`The confirmation "${typed}" does not match the group's name ${name}; nothing was deleted.`);
  // InvalidGroup.NotFound on the first and only attempt: someone else deleted it meanwhile.
  const elsewhere = (e: unknown) => (e as Error)?.name === 'InvalidGroup.NotFound' && attemptsOf(e) <= 1;
  // Only a group with no rules but AWS's default outbound allow-all can be put back (created again, with a new id).
  const rules = idx.rulesOf(groupId);
  const recreatable = rules.every((r) => r.isEgress && r.protocol === '-1' && r.peer.kind === 'cidr4' && r.peer.cidr === '0.0.0.0/0');
  const meta = { region, target: `${name} (${groupId})`, what: `delete the security group ${name} (${groupId})`, account: group.ownerId };
  const { recovered } = await withChange(ctx, meta, (ctx, rec) =>
    ctx.ui.progress(`Deleting ${name} (${groupId})…`, async (signal) => {
      const w = await writeThenVerify<boolean>(ctx, {
        action: `delete ${name} (${groupId})`,
        region,
        signal,
        refreshed: true,
        call: async () => {
          await ctx.gateway().deleteSecurityGroup(region, groupId);
          return false;
        },
        classify: (e) => ((e as Error)?.name === 'InvalidGroup.NotFound' ? 'verify' : undefined),
        verify: async (e) => {
          let exists: boolean;
          try {
            const found = await ctx
              .gateway()
              .readGroups(region, [groupId])
              .catch((x: Error) => (x?.name === 'InvalidGroup.NotFound' ? [] : Promise.reject(x)));
            exists = found.length > 0;
          } finally {
            await ctx.store.refreshGroups(region, [groupId]).catch(() => undefined);
          }
          return exists ? { applied: false } : { applied: true, value: elsewhere(e) };
        },
        notApplied: () => `${name} (${groupId}) still exists: nothing was deleted.`,
        unknown: (_e, t) => `${t.message} Could not check whether ${name} was deleted; refresh the tree before trying again.`,
        recovered: (e) => (elsewhere(e) ? 'it was already deleted elsewhere' : "AWS's answer was lost; the group, read again, is gone: it was deleted once"),
      });
      // Someone else deleted it meanwhile: not this change (the entry says so, as a failure).
      if (w.value) throw new UserError(`${name} (${groupId}) was already deleted elsewhere, since the tree was loaded; the tree has been refreshed.`);
      const tags = Object.keys(group.tags).length ? { tags: group.tags } : {};
      rec.change = { kind: 'groupDeleted', groupId, groupName: name, vpcId: group.vpcId, description: group.description, ...tags, recreatable };
      return w;
    }),
  );
  await ctx.store.refreshGroups(region, [groupId]);
  return { value: groupId, message: `Deleted security group ${name} (${groupId})${recovered ? ` (${recovered})` : ''}.` };
}

/**
 * Who uses a group, for its hover: the EC2 instances that carry it (DescribeInstances, filter
 * instance.group-id) and the network interfaces that do (DescribeNetworkInterfaces, filter
 * group-id). Each read settles on its own; one that fails says what it needs, never "none".
 */
export async function readGroupUsage(ctx: Pick<OpsContext, 'gateway' | 'settings'>, region: string, groupId: string): Promise<GroupUsageRead> {
  const why = (e: unknown, action: string) => `needs ${action} (${translateError(e, { region, endpoint: ctx.settings.endpoint }).message})`;
  const [ec2, interfaces] = await Promise.all([
    ctx
      .gateway()
      .readEc2Instances(region, { groupIds: [groupId] })
      .then(
        (list) => list.filter((i) => i.securityGroupIds.includes(groupId)),
        (e: unknown) => ({ error: why(e, 'ec2:DescribeInstances') }),
      ),
    ctx
      .gateway()
      .readGroupInterfaces(region, groupId)
      .catch((e: unknown) => ({ error: why(e, 'ec2:DescribeNetworkInterfaces') })),
  ]);
  return { ec2, interfaces };
}

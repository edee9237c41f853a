import { deleteBlockers } from '../domain/changes';
import type { Ext } from '../ext';
import { attemptsOf, mayHaveApplied, translateError } from '../aws/errors';
import { validateGroupId } from '../domain/validation';
import { guarded, indexFor, isNode, pickRegion, progress, requireString, say, UserError } from './common';

export interface DeleteGroupArgs {
  region?: string;
  groupId?: string;
  /** With arguments: the group's name, typed as the confirmation. */
  confirmName?: string;
}

/** auroraSg.deleteSecurityGroup: refuses, with the reason, a group that is still in use. */
export function deleteSecurityGroup(ext: Ext, arg?: unknown): Promise<string | undefined> {
  const node = isNode(arg) && arg.kind === 'group' ? arg : undefined;
  const args: DeleteGroupArgs = !isNode(arg) && arg && typeof arg === 'object' ? (arg as DeleteGroupArgs) : {};
  return guarded(ext, 'delete the security group', args.region ?? node?.region, async () => {
    const region = await pickRegion(ext, args.region ?? node?.region, 'Delete security group: Region');
    const groupId = requireString(node?.groupId ?? args.groupId, 'groupId');
    const bad = validateGroupId(groupId);
    if (bad) throw new UserError(bad);
    // Re-read the Region: attachments and references must be current before deciding.
    const idx = await ext.store.load(region).catch(() => indexFor(ext, region));
    const group = idx.groupsById.get(groupId);
    if (!group) throw new UserError(`Security group ${groupId} is not in ${region}. Refresh the tree or check the id.`);
    // moto never raises DependencyViolation: look for EC2 instances that carry the group ourselves.
    const carriers = (await ext.gateway().readEc2Instances(region, { groupIds: [groupId] })).filter((i) => i.securityGroupIds.includes(groupId));
    const blockers = deleteBlockers(idx, groupId, carriers.map((c) => `${c.name ? `${c.name} ` : ''}(${c.instanceId})`));
    if (blockers.length) throw new UserError(`${group.groupName} (${groupId}) cannot be deleted: ${blockers.join(' ')}`);
    const typed =
      args.confirmName ??
      (await ext.ui.input({
        title: `Delete security group ${group.groupName} (${groupId})`,
        prompt: `This cannot be undone. Type the group's name, ${group.groupName}, to confirm.`,
        validate: (v) => (v === group.groupName ? undefined : `Type ${group.groupName} exactly to confirm.`),
      }));
    if (typed !== group.groupName) throw new UserError(`The confirmation "${typed}" does not match the group's name ${group.groupName}; nothing was deleted.`);
    let recovered = '';
    try {
      await progress(`Deleting ${group.groupName} (${groupId})…`, () => ext.gateway().deleteSecurityGroup(region, groupId));
    } catch (e) {
      // Deleted, but the answer was lost (a retry then says InvalidGroup.NotFound)? Read it again.
      const notFound = (e as Error)?.name === 'InvalidGroup.NotFound';
      if (!notFound && !mayHaveApplied(e)) throw e;
      let exists: boolean | undefined;
      try {
        exists = (await ext.gateway().readGroups(region, [groupId]).catch((x: Error) => (x?.name === 'InvalidGroup.NotFound' ? [] : Promise.reject(x)))).length > 0;
      } catch {
        exists = undefined;
      }
      await ext.store.refreshGroups(region, [groupId]).catch(() => undefined);
      const t = translateError(e, { action: `delete ${group.groupName} (${groupId})`, region, profile: ext.settings.profile, endpoint: ext.settings.endpoint, refreshed: true });
      ext.log.error(`delete the security group ${groupId} failed: ${t.code}: ${t.detail ?? ''}`);
      if (exists === undefined) throw new UserError(`${t.message} Could not check whether ${group.groupName} was deleted; refresh the tree before trying again.`);
      if (exists) throw new UserError(`${t.message} ${group.groupName} (${groupId}) still exists: nothing was deleted.`);
      if (notFound && attemptsOf(e) <= 1) throw new UserError(`${group.groupName} (${groupId}) was already deleted elsewhere, since the tree was loaded; the tree has been refreshed.`);
      recovered = " (AWS's answer was lost; the group, read again, is gone: it was deleted once)";
    }
    await ext.store.refreshGroups(region, [groupId]);
    say(ext).info(`Deleted security group ${group.groupName} (${groupId})${recovered}.`);
    return groupId;
  });
}

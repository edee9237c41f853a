import { deleteBlockers } from '../domain/changes';
import type { Ext } from '../ext';
import { guarded, indexFor, isNode, pickRegion, progress, requireString, UserError } from './common';

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
    await progress(`Deleting ${group.groupName} (${groupId})…`, () => ext.gateway().deleteSecurityGroup(region, groupId));
    await ext.store.refreshGroups(region, [groupId]);
    ext.ui.info(`Deleted security group ${group.groupName} (${groupId}).`);
    return groupId;
  });
}

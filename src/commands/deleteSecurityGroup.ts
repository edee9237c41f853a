// auroraSg.deleteSecurityGroup: ops/groups.ts deleteGroup refuses, with the reasons, a group that is
// still in use, and asks for the group's name to be typed (confirmName, with arguments).
import type { Ext } from '../ext';
import { deleteGroup } from '../ops/groups';
import { deleteGroupArgs } from './args';
import { pickRegion, say } from './common';

/** auroraSg.deleteSecurityGroup: returns the deleted group's id. */
export async function deleteSecurityGroup(ext: Ext, arg?: unknown): Promise<string | undefined> {
  const a = deleteGroupArgs(arg);
  const region = await pickRegion(ext, a.region, 'Delete security group: Region');
  const done = await deleteGroup(ext, region, a.groupId, a.confirmName);
  say(ext).info(done.message);
  return done.value;
}

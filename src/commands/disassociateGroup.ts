// Remove a security group from a DB cluster or a standalone DB instance. What only that group
// allowed can no longer reach the database, so the change always asks, with the list before and
// after (arguments never answer that); the write itself is ops/databaseGroups.
import { accessLostBy, lostAccessText } from '../domain/analysis';
import { clusterKindLabel, isRdsCustom, rdsCustomRefusal } from '../domain/engines';
import type { DbInstance } from '../domain/model';
import type { Ext } from '../ext';
import { groupNames, setDatabaseGroups } from '../ops/databaseGroups';
import { databaseListOffer } from './codeOffers';
import { knownDatabase, removeArgs, type RemoveArgs } from './databaseArgs';
import { indexFor, pickRegion, say, UserError } from './common';

/** auroraSg.disassociateFromCluster: a group node under the cluster, or { region, clusterId, groupId | groupIds }. */
export function disassociateFromCluster(ext: Ext, arg?: unknown): Promise<string[] | undefined> {
  return disassociate(ext, removeArgs('cluster', arg));
}

/** auroraSg.disassociateFromInstance: a group node under the instance, or { region, dbInstanceId, groupId | groupIds }. */
export function disassociateFromInstance(ext: Ext, arg?: unknown): Promise<string[] | undefined> {
  return disassociate(ext, removeArgs('instance', arg));
}

async function disassociate(ext: Ext, a: RemoveArgs): Promise<string[] | undefined> {
  const region = await pickRegion(ext, a.region, 'Remove group: Region');
  const idx = await indexFor(ext, region);
  const known = knownDatabase(idx, a.kind, region, a.id);
  const clusterId = a.kind === 'instance' ? (known as DbInstance).clusterId : undefined;
  if (clusterId)
    throw new UserError(
      `${a.id} belongs to ${clusterKindLabel(idx.clustersById.get(clusterId)?.kind)} ${clusterId}: remove the group from the cluster instead.`,
    );
  // RDS Custom: no instance-level group change (ModifyDBInstanceMessage VpcSecurityGroupIds), refused before any call.
  if (a.kind === 'instance' && isRdsCustom(known.engine)) throw new UserError(rdsCustomRefusal(a.id, known.engine));
  const names = (ids: readonly string[]) => groupNames(ext, region, ids);
  const r = await setDatabaseGroups(
    ext,
    { kind: a.kind, region, id: a.id },
    { remove: a.groupIds },
    {
      confirm: async (before, after, timing, unchecked) => {
        // Who loses its only path to the database, said before (the path engine; EC2 instances named when readable).
        const ec2 = await ext
          .gateway()
          .readEc2Instances(region)
          .catch(() => []);
        const target = a.kind === 'cluster' ? { clusterId: a.id } : { instanceId: a.id };
        const lost = accessLostBy(idx, { kind: 'detach', target, groupIds: before.filter((g) => !after.includes(g)) }, ec2);
        const cut = lost.length ? `These lose their only path to the database:\n${lostAccessText(lost)}\n\n` : '';
        const { drift, code } = databaseListOffer(ext, idx, a.kind, known, a.id, after, `Remove ${names(a.groupIds)} from ${a.id}`);
        return ext.ui.confirm(
          `Remove ${names(a.groupIds)} from ${a.id}?`,
          `Before: ${names(before)}\nAfter:  ${names(after)}\n\n${cut}${unchecked ? `${unchecked}\n\n` : ''}Whatever only this group allowed can no longer reach the database. ${timing}${drift ? `\n\n${drift}` : ''}`,
          'Remove',
          { code },
        );
      },
    },
  );
  if (!r.changed) throw new UserError(r.unchanged ?? 'Nothing to change.');
  say(ext).info(`${a.id} is now guarded by ${names(r.after)}${r.recovered ? ` (${r.recovered})` : ''}.`);
  return [...r.after];
}

// Remove a security group from a DB cluster or a standalone DB instance. What only that group
// allowed can no longer reach the database, so the change always asks, with the list before and
// after (arguments never answer that); the write itself is ops/databaseGroups.
import { accessLostBy, lostAccessText, narrowerReplacements } from '../domain/analysis';
import { clusterKindLabel, isRdsCustom, rdsCustomRefusal } from '../domain/engines';
import type { DbInstance } from '../domain/model';
import type { Ext } from '../ext';
import { groupNames, setDatabaseGroups } from '../ops/databaseGroups';
import { addDetachReplacements, replacementText } from '../ops/rules';
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
        const change = { kind: 'detach', target, groupIds: before.filter((g) => !after.includes(g)) } as const;
        const lost = accessLostBy(idx, change, ec2);
        const cut = lost.length ? `These lose their only path to the database:\n${lostAccessText(lost)}\n\n` : '';
        const { drift, code } = databaseListOffer(ext, idx, a.kind, known, a.id, after, `Remove ${names(a.groupIds)} from ${a.id}`);
        const title = `Remove ${names(a.groupIds)} from ${a.id}?`;
        const detail = `Before: ${names(before)}\nAfter:  ${names(after)}\n\n${cut}${unchecked ? `${unchecked}\n\n` : ''}Whatever only this group allowed can no longer reach the database. ${timing}${drift ? `\n\n${drift}` : ''}`;
        // Offered in the same step (issue 14 item 3): the rule on a group the database keeps that lets
        // just those sources in on its port; added and read back before the group is removed.
        const replacements = narrowerReplacements(idx, change, lost, ec2);
        if (!replacements.length) return ext.ui.confirm(title, detail, 'Remove', { code });
        const texts = replacements.map((x) => replacementText(idx, x));
        const replaceLabel = replacements.length === 1 ? `Replace with ${texts[0]!.short}` : `Replace with ${replacements.length} Narrower Rules`;
        const choice = await ext.ui.choose(
          title,
          `${detail}\n\nReplace: ${replacements.length === 1 ? 'this rule is' : 'these rules are'} added and checked first, then the group is removed:\n${texts
            .map((t) => `• ${t.long}`)
            .join('\n')}\n\nRemove only: whatever only this group allowed stops at once.`,
          [replaceLabel, 'Remove Only'],
        );
        if (!choice) return false;
        if (choice === replaceLabel) {
          const added = await addDetachReplacements(ext, region, replacements, a.id, names(change.groupIds));
          ext.log.info(`Before removing ${names(change.groupIds)} from ${a.id}: added ${added.join('; ')}.`);
        }
        return true;
      },
    },
  );
  if (!r.changed) throw new UserError(r.unchanged ?? 'Nothing to change.');
  say(ext).info(`${a.id} is now guarded by ${names(r.after)}${r.recovered ? ` (${r.recovered})` : ''}.`);
  return [...r.after];
}

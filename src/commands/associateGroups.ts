// Associate security groups with a DB cluster or a standalone DB instance. ModifyDBCluster /
// ModifyDBInstance replace the list, so the change always asks, showing the list before and after
// (arguments answer the other questions, never this one); the write itself is ops/databaseGroups.
import { worldOpenRulesOf } from '../domain/changes';
import { peerLabel, portLabel } from '../domain/rules';
import { clusterEngineLabel, clusterKindLabel, engineLabel, isRdsCustom, rdsCustomRefusal } from '../domain/engines';
import type { DbInstance, RegionIndex } from '../domain/model';
import type { Ext } from '../ext';
import { groupNames, setDatabaseGroups, type DatabaseKind } from '../ops/databaseGroups';
import { databaseListOffer } from './codeOffers';
import { associateArgs, knownDatabase, type DatabaseArgs } from './databaseArgs';
import { indexFor, pickRegion, say, UserError } from './common';

/** auroraSg.associateWithCluster: a cluster node (or one of its instances), or { region, clusterId, groupIds }. */
export function associateWithCluster(ext: Ext, arg?: unknown): Promise<string[] | undefined> {
  return associate(ext, associateArgs('cluster', arg));
}

/** auroraSg.associateWithInstance: a DB instance node, or { region, dbInstanceId, groupIds }. An Aurora member changes its cluster. */
export function associateWithInstance(ext: Ext, arg?: unknown): Promise<string[] | undefined> {
  return associate(ext, associateArgs('instance', arg));
}

async function associate(ext: Ext, a: DatabaseArgs): Promise<string[] | undefined> {
  const region = await pickRegion(ext, a.region, 'Associate groups: Region');
  const idx = await indexFor(ext, region, { reads: ['groups', a.kind === 'cluster' ? 'clusters' : 'instances'], what: 'associate groups' });
  const id = a.id ?? (await pickDatabase(ext, idx, a.kind, region));
  const known = knownDatabase(idx, a.kind, region, id);
  const clusterId = a.kind === 'instance' ? (known as DbInstance).clusterId : undefined;
  if (clusterId) {
    // A member of a DB cluster (Aurora or Multi-AZ) takes its groups from the cluster. Never send
    // VpcSecurityGroupIds to ModifyDBInstance here (RDS API Reference, ModifyDBInstanceMessage).
    const cluster = clusterKindLabel(idx.clustersById.get(clusterId)?.kind);
    if (a.groupIds) {
      ext.log.info(`${id} belongs to ${cluster} ${clusterId}: associating ${a.groupIds.join(', ')} with the cluster instead.`);
    } else {
      const ok = await ext.ui.confirm(
        `${id} belongs to ${cluster} ${clusterId}.`,
        `An instance of a DB cluster takes its security groups from the cluster; the change is made on ${clusterId} and applies to every instance in it.`,
        `Associate with ${clusterId}`,
      );
      if (!ok) return undefined;
    }
    return associate(ext, { kind: 'cluster', region, id: clusterId, groupIds: a.groupIds });
  }
  // RDS Custom: no instance-level group change (ModifyDBInstanceMessage VpcSecurityGroupIds), refused before any call.
  if (a.kind === 'instance' && isRdsCustom(known.engine)) throw new UserError(rdsCustomRefusal(id, known.engine));
  const names = (ids: readonly string[]) => groupNames(ext, region, ids);
  let groupIds = a.groupIds;
  let expected: readonly string[] | undefined;
  if (!groupIds) {
    // Choose from what the database has now, not from what the tree loaded.
    const fresh = a.kind === 'cluster' ? await ext.store.refreshCluster(region, id) : await ext.store.refreshInstance(region, id);
    if (!fresh) throw new UserError(`${a.kind === 'cluster' ? 'DB cluster' : 'DB instance'} ${id} no longer exists in ${region}. Refresh the tree.`);
    expected = fresh.securityGroups.map((g) => g.groupId);
    groupIds = await chooseGroups(ext, idx, fresh.vpcId, expected, `Associate security groups with ${id}`);
  }
  const r = await setDatabaseGroups(
    ext,
    { kind: a.kind, region, id },
    { add: groupIds },
    {
      expected,
      // `timing`: applied as soon as possible, no outage, and what stays pending (ops/databaseGroups).
      confirm: (before, after, timing, unchecked) => {
        const added = after.filter((g) => !before.includes(g));
        // A group that admits the whole internet on the database's port exposes the database as
        // adding that rule would: said first, and the safe choice is the default.
        const open = worldOpenRulesOf(idx, added, known.port);
        const exposure = open.length
          ? `${names([...new Set(open.map((r) => r.groupId))])} ${open.length === 1 ? 'has a rule that accepts' : 'have rules that accept'} connections from any address (${open
              .map((r) => `${portLabel(r)} from ${peerLabel(r.peer)}`)
              .join('; ')}): ${id} would be open to the whole internet.\n\n`
          : '';
        // A database a tool manages: the change drifts from it, and is offered as code instead.
        const { drift, code } = databaseListOffer(ext, idx, a.kind, known, id, after, `Associate ${names(added)} with ${id}`);
        return ext.ui.confirm(
          open.length ? `Open ${id} to the whole internet by associating ${names(added)}?` : `Associate ${names(added)} with ${id}?`,
          `${exposure}Before: ${names(before)}\nAfter:  ${names(after)}\n\n${unchecked ? `${unchecked}\n\n` : ''}${timing}${drift ? `\n\n${drift}` : ''}`,
          open.length ? 'Associate Anyway' : 'Associate',
          { exposes: open.length > 0, code },
        );
      },
    },
  );
  if (!r.changed) throw new UserError(r.unchanged ?? 'Nothing to change.');
  say(ext).info(`${id} is now guarded by ${names(r.after)}${r.recovered ? ` (${r.recovered})` : ''}.`);
  return [...r.after];
}

async function pickDatabase(ext: Ext, idx: RegionIndex, kind: DatabaseKind, region: string): Promise<string> {
  const s = idx.snapshot;
  if (kind === 'cluster') {
    if (!s.clusters.length) throw new UserError(`There is no DB cluster in ${region}.`);
    return ext.ui.pick({
      title: 'Associate security groups with a DB cluster',
      placeholder: 'DB cluster',
      items: s.clusters.map((c) => ({
        label: c.clusterId,
        description: `${clusterEngineLabel(c)} · port ${c.port ?? '?'} · ${groupNames(
          ext,
          region,
          c.securityGroups.map((g) => g.groupId),
        )}`,
        value: c.clusterId,
      })),
    });
  }
  // RDS Custom instances are not offered: their groups cannot be changed (see isRdsCustom).
  const offered = s.instances.filter((i) => !isRdsCustom(i.engine));
  if (!offered.length)
    throw new UserError(
      `There is no DB instance in ${region}${s.instances.length ? ' whose security groups can be changed (RDS Custom instances cannot)' : ''}.`,
    );
  return ext.ui.pick({
    title: 'Associate security groups with a DB instance',
    placeholder: 'DB instance',
    items: offered.map((i) => ({
      label: i.instanceId,
      description: i.clusterId ? `member of ${i.clusterId}` : engineLabel(i.engine),
      value: i.instanceId,
    })),
  });
}

async function chooseGroups(ext: Ext, idx: RegionIndex, vpcId: string | undefined, current: readonly string[], title: string): Promise<string[]> {
  const candidates = idx.snapshot.groups.filter((g) => (!vpcId || g.vpcId === vpcId) && !current.includes(g.groupId));
  if (!candidates.length) throw new UserError(`Every security group of ${vpcId ?? 'the VPC'} is already associated. Create a group first.`);
  const picked = await ext.ui.pickMany({
    // The current list in the title, the keys in the placeholder: both short enough to be read whole.
    title: `${title} (now: ${current.length ? groupNames(ext, idx.snapshot.region, current) : 'none'})`,
    placeholder: 'Type to filter; Space checks groups; Enter adds the checked ones, or the highlighted one',
    items: [...candidates]
      .sort((x, y) => x.groupName.localeCompare(y.groupName))
      .map((g) => ({ label: g.groupName, description: g.groupId, detail: g.description, value: g.groupId })),
  });
  if (!picked.length) throw new UserError('No group was chosen; nothing was changed.');
  return picked;
}

// Which groups guard a database. ModifyDBCluster / ModifyDBInstance replace the whole list, so
// every write re-reads the current list first and sends it merged: no group is ever dropped.
import { mergeGroupLists, removeFromGroupList } from '../domain/changes';
import type { DbCluster, DbInstance, RegionIndex } from '../domain/model';
import type { Ext } from '../ext';
import { guarded, indexFor, isNode, pickRegion, progress, requireString, UserError } from './common';
import { engineLabel } from '../tree/provider';

export interface AssociateClusterArgs {
  region?: string;
  clusterId?: string;
  groupIds?: string[];
}
export interface AssociateInstanceArgs {
  region?: string;
  dbInstanceId?: string;
  groupIds?: string[];
}

const names = (idx: RegionIndex, ids: readonly string[]) => ids.map((g) => `${idx.groupsById.get(g)?.groupName ?? '?'} (${g})`).join(', ') || 'none';

async function freshCluster(ext: Ext, region: string, clusterId: string): Promise<DbCluster> {
  const c = await ext.store.refreshCluster(region, clusterId);
  if (!c) throw new UserError(`DB cluster ${clusterId} no longer exists in ${region}. Refresh the tree.`);
  return c;
}

async function freshInstance(ext: Ext, region: string, id: string): Promise<DbInstance> {
  const i = await ext.store.refreshInstance(region, id);
  if (!i) throw new UserError(`DB instance ${id} no longer exists in ${region}. Refresh the tree.`);
  return i;
}

function checkGroups(idx: RegionIndex, region: string, vpcId: string | undefined, groupIds: readonly string[]): void {
  for (const g of groupIds) {
    const grp = idx.groupsById.get(g);
    if (!grp) throw new UserError(`Security group ${g} is not in ${region}. Refresh the tree or check the id.`);
    if (vpcId && grp.vpcId !== vpcId) throw new UserError(`${grp.groupName} (${g}) is in ${grp.vpcId}, but the database is in ${vpcId}: a database can only use groups of its own VPC.`);
  }
}

async function chooseGroups(ext: Ext, idx: RegionIndex, vpcId: string | undefined, current: readonly string[], title: string): Promise<string[]> {
  const candidates = idx.snapshot.groups.filter((g) => (!vpcId || g.vpcId === vpcId) && !current.includes(g.groupId));
  if (!candidates.length) throw new UserError(`Every security group of ${vpcId ?? 'the VPC'} is already associated. Create a group first.`);
  const picked = await ext.ui.pickMany({
    title,
    placeholder: `Currently: ${names(idx, current)}. Choose groups to add (at most 5 in all).`,
    items: candidates
      .sort((a, b) => a.groupName.localeCompare(b.groupName))
      .map((g) => ({ label: g.groupName, description: g.groupId, detail: g.description, value: g.groupId })),
  });
  if (!picked.length) throw new UserError('No group was chosen; nothing was changed.');
  return picked;
}

/** Polls a database that reports a modifying state until it settles (the tree shows the state meanwhile). */
function watchUntilSettled(ext: Ext, region: string, refresh: () => Promise<{ status: string; securityGroups: readonly { status?: string }[] } | undefined>): void {
  let tries = 0;
  const tick = async () => {
    const r = await refresh().catch(() => undefined);
    const settling = r && (r.status !== 'available' || r.securityGroups.some((g) => g.status && g.status !== 'active'));
    if (settling && ++tries < 60) setTimeout(() => void tick(), 10_000);
  };
  setTimeout(() => void tick(), 5_000);
  void region;
  void ext;
}

async function applyClusterList(ext: Ext, region: string, idx: RegionIndex, cluster: DbCluster, list: string[], verb: string): Promise<string[]> {
  const before = cluster.securityGroups.map((g) => g.groupId);
  // Re-read right before the replacing write: a change made elsewhere since must not be dropped.
  const latest = await freshCluster(ext, region, cluster.clusterId);
  const latestIds = latest.securityGroups.map((g) => g.groupId);
  if (latestIds.join() !== before.join()) {
    throw new UserError(`The groups of ${cluster.clusterId} changed while you were choosing (now: ${names(idx, latestIds)}). Nothing was changed; run the command again.`);
  }
  if (latest.status !== 'available') throw new UserError(`DB cluster ${cluster.clusterId} is ${latest.status}, not available. Wait until it is available and try again.`);
  const updated = await progress(`${verb} ${cluster.clusterId}: ${names(idx, list)}…`, () => ext.gateway().setClusterGroups(region, cluster.clusterId, list));
  const after = await freshCluster(ext, region, cluster.clusterId);
  const afterIds = after.securityGroups.map((g) => g.groupId);
  const lost = before.filter((g) => list.includes(g) && !afterIds.includes(g));
  ext.log.info(`ModifyDBCluster ${cluster.clusterId}: before [${before.join(', ')}], sent [${list.join(', ')}], now [${afterIds.join(', ')}]`);
  if (lost.length) ext.ui.warn(`AWS reports ${cluster.clusterId} without ${lost.join(', ')}; check the cluster in the console.`);
  if (updated && (updated.status !== 'available' || updated.securityGroups.some((g) => g.status && g.status !== 'active'))) {
    watchUntilSettled(ext, region, () => ext.store.refreshCluster(region, cluster.clusterId));
  }
  return afterIds;
}

export function associateWithCluster(ext: Ext, arg?: unknown): Promise<string[] | undefined> {
  const node = isNode(arg) ? arg : undefined;
  const args: AssociateClusterArgs = !node && arg && typeof arg === 'object' ? (arg as AssociateClusterArgs) : {};
  return guarded(ext, 'associate the security groups with the DB cluster', args.region ?? node?.region, async () => {
    const region = await pickRegion(ext, args.region ?? node?.region, 'Associate groups: Region');
    const idx = await indexFor(ext, region);
    let clusterId = node?.kind === 'cluster' ? node.clusterId : node?.kind === 'dbInstance' ? node.clusterId : args.clusterId;
    if (!clusterId && !args.groupIds) {
      if (!idx.snapshot.clusters.length) throw new UserError(`There is no DB cluster in ${region}.`);
      clusterId = await ext.ui.pick({
        title: 'Associate security groups with a DB cluster',
        placeholder: 'DB cluster',
        items: idx.snapshot.clusters.map((c) => ({ label: c.clusterId, description: `${engineLabel(c.engine)} · port ${c.port ?? '?'} · ${names(idx, c.securityGroups.map((g) => g.groupId))}`, value: c.clusterId })),
      });
    }
    clusterId = requireString(clusterId, 'clusterId');
    if (!idx.clustersById.has(clusterId)) throw new UserError(`DB cluster ${clusterId} is not in ${region}. Refresh the tree or check the id.`);
    const cluster = await freshCluster(ext, region, clusterId);
    const current = cluster.securityGroups.map((g) => g.groupId);
    const chosen = args.groupIds ?? (await chooseGroups(ext, idx, cluster.vpcId, current, `Associate security groups with ${clusterId}`));
    if (!Array.isArray(chosen) || chosen.some((g) => typeof g !== 'string')) throw new UserError('groupIds must be a list of security group ids.');
    checkGroups(idx, region, cluster.vpcId, chosen);
    const merged = mergeGroupLists(current, chosen);
    if (!merged.ok) throw new UserError(merged.error);
    if (!args.groupIds) {
      const ok = await ext.ui.confirm(
        `Associate ${names(idx, merged.value.added)} with ${clusterId}?`,
        `Before: ${names(idx, current)}\nAfter:  ${names(idx, merged.value.list)}\n\nThe change applies at once to every instance of the cluster, with no outage.`,
        'Associate',
      );
      if (!ok) return undefined;
    }
    const after = await applyClusterList(ext, region, idx, cluster, merged.value.list, 'Associating with');
    ext.ui.info(`${clusterId} is now guarded by ${names(idx, after)}.`);
    return after;
  });
}

export function disassociateFromCluster(ext: Ext, arg?: unknown): Promise<string[] | undefined> {
  const node = isNode(arg) && arg.kind === 'group' ? arg : undefined;
  const args: AssociateClusterArgs & { groupId?: string } = !isNode(arg) && arg && typeof arg === 'object' ? (arg as AssociateClusterArgs) : {};
  return guarded(ext, 'remove the security group from the DB cluster', args.region ?? node?.region, async () => {
    const region = await pickRegion(ext, args.region ?? node?.region, 'Remove group: Region');
    const idx = await indexFor(ext, region);
    const clusterId = requireString(node?.via?.clusterId ?? args.clusterId, 'clusterId');
    const remove = node ? [node.groupId] : args.groupIds ?? (args.groupId ? [args.groupId] : []);
    if (!remove.length) throw new UserError('No group was given to remove.');
    const cluster = await freshCluster(ext, region, clusterId);
    const current = cluster.securityGroups.map((g) => g.groupId);
    const next = removeFromGroupList(current, remove);
    if (!next.ok) throw new UserError(next.error);
    const ok = await ext.ui.confirm(
      `Remove ${names(idx, remove)} from ${clusterId}?`,
      `Before: ${names(idx, current)}\nAfter:  ${names(idx, next.value)}\n\nWhatever only this group allowed can no longer reach the database.`,
      'Remove',
    );
    if (!ok) return undefined;
    const after = await applyClusterList(ext, region, idx, cluster, next.value, 'Updating');
    ext.ui.info(`${clusterId} is now guarded by ${names(idx, after)}.`);
    return after;
  });
}

export function associateWithInstance(ext: Ext, arg?: unknown): Promise<string[] | undefined> {
  const node = isNode(arg) && arg.kind === 'dbInstance' ? arg : undefined;
  const args: AssociateInstanceArgs = !isNode(arg) && arg && typeof arg === 'object' ? (arg as AssociateInstanceArgs) : {};
  return guarded(ext, 'associate the security groups with the DB instance', args.region ?? node?.region, async () => {
    const region = await pickRegion(ext, args.region ?? node?.region, 'Associate groups: Region');
    const idx = await indexFor(ext, region);
    let instanceId = node?.instanceId ?? args.dbInstanceId;
    if (!instanceId) {
      if (!idx.snapshot.instances.length) throw new UserError(`There is no DB instance in ${region}.`);
      instanceId = await ext.ui.pick({
        title: 'Associate security groups with a DB instance',
        placeholder: 'DB instance',
        items: idx.snapshot.instances.map((i) => ({ label: i.instanceId, description: i.clusterId ? `member of ${i.clusterId}` : engineLabel(i.engine), value: i.instanceId })),
      });
    }
    const inst = await freshInstance(ext, region, requireString(instanceId, 'dbInstanceId'));
    if (inst.clusterId) {
      // Aurora: the instance's groups are the cluster's. Never send VpcSecurityGroupIds to ModifyDBInstance here.
      const ok = await ext.ui.confirm(
        `${inst.instanceId} belongs to Aurora cluster ${inst.clusterId}.`,
        `An Aurora instance takes its security groups from its cluster; the change is made on ${inst.clusterId} and applies to every instance in it.`,
        `Associate with ${inst.clusterId}`,
      );
      if (!ok) return undefined;
      return associateWithCluster(ext, { region, clusterId: inst.clusterId, groupIds: args.groupIds });
    }
    const current = inst.securityGroups.map((g) => g.groupId);
    const chosen = args.groupIds ?? (await chooseGroups(ext, idx, inst.vpcId, current, `Associate security groups with ${inst.instanceId}`));
    checkGroups(idx, region, inst.vpcId, chosen);
    const merged = mergeGroupLists(current, chosen);
    if (!merged.ok) throw new UserError(merged.error);
    if (!args.groupIds) {
      const ok = await ext.ui.confirm(`Associate ${names(idx, merged.value.added)} with ${inst.instanceId}?`, `Before: ${names(idx, current)}\nAfter:  ${names(idx, merged.value.list)}`, 'Associate');
      if (!ok) return undefined;
    }
    return applyInstanceList(ext, region, idx, inst, merged.value.list);
  });
}

async function applyInstanceList(ext: Ext, region: string, idx: RegionIndex, inst: DbInstance, list: string[]): Promise<string[]> {
  const latest = await freshInstance(ext, region, inst.instanceId);
  const before = inst.securityGroups.map((g) => g.groupId);
  if (latest.securityGroups.map((g) => g.groupId).join() !== before.join())
    throw new UserError(`The groups of ${inst.instanceId} changed while you were choosing. Nothing was changed; run the command again.`);
  if (latest.status !== 'available') throw new UserError(`DB instance ${inst.instanceId} is ${latest.status}, not available. Wait until it is available and try again.`);
  const updated = await progress(`Updating ${inst.instanceId}: ${names(idx, list)}…`, () => ext.gateway().setInstanceGroups(region, inst.instanceId, list));
  const after = (await freshInstance(ext, region, inst.instanceId)).securityGroups.map((g) => g.groupId);
  ext.log.info(`ModifyDBInstance ${inst.instanceId}: before [${before.join(', ')}], sent [${list.join(', ')}], now [${after.join(', ')}]`);
  if (updated && updated.status !== 'available') watchUntilSettled(ext, region, () => ext.store.refreshInstance(region, inst.instanceId));
  ext.ui.info(`${inst.instanceId} is now guarded by ${names(idx, after)}.`);
  return after;
}

export function disassociateFromInstance(ext: Ext, arg?: unknown): Promise<string[] | undefined> {
  const node = isNode(arg) && arg.kind === 'group' ? arg : undefined;
  const args: AssociateInstanceArgs & { groupId?: string } = !isNode(arg) && arg && typeof arg === 'object' ? (arg as AssociateInstanceArgs) : {};
  return guarded(ext, 'remove the security group from the DB instance', args.region ?? node?.region, async () => {
    const region = await pickRegion(ext, args.region ?? node?.region, 'Remove group: Region');
    const idx = await indexFor(ext, region);
    const inst = await freshInstance(ext, region, requireString(node?.via?.instanceId ?? args.dbInstanceId, 'dbInstanceId'));
    if (inst.clusterId) throw new UserError(`${inst.instanceId} belongs to Aurora cluster ${inst.clusterId}: remove the group from the cluster instead.`);
    const remove = node ? [node.groupId] : args.groupIds ?? (args.groupId ? [args.groupId] : []);
    const current = inst.securityGroups.map((g) => g.groupId);
    const next = removeFromGroupList(current, remove);
    if (!next.ok) throw new UserError(next.error);
    const ok = await ext.ui.confirm(`Remove ${names(idx, remove)} from ${inst.instanceId}?`, `Before: ${names(idx, current)}\nAfter:  ${names(idx, next.value)}`, 'Remove');
    if (!ok) return undefined;
    return applyInstanceList(ext, region, idx, inst, next.value);
  });
}

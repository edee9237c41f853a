// Which groups guard a database. ModifyDBCluster / ModifyDBInstance replace the whole list, so
// every write re-reads the current list first and sends it merged: no group is ever dropped.
import { mergeGroupLists, removeFromGroupList } from '../domain/changes';
import type { DbCluster, DbInstance, RegionIndex } from '../domain/model';
import type { Ext } from '../ext';
import { mayHaveApplied, translateError } from '../aws/errors';
import { guarded, indexFor, isNode, pickRegion, progress, requireString, say, UserError } from './common';
import { engineLabel } from '../domain/engines';

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

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

function groupIdList(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.some((g) => typeof g !== 'string')) throw new UserError(`${what} must be a list of security group ids.`);
  return v as string[];
}

export interface WatchOptions {
  readonly firstMs?: number;
  readonly everyMs?: number;
  readonly maxTries?: number;
}

type Settling = { status: string; securityGroups: readonly { status?: string }[] } | undefined;
const watches = new Map<string, AbortController>();

/**
 * Polls a database that reports a modifying state until it settles (the tree shows the state
 * meanwhile). The wait can be cancelled: through the returned controller, by a newer watch of
 * the same database, by cancelWatches(), or when the connection or Regions change.
 */
export function watchUntilSettled(ext: Ext, key: string, refresh: () => Promise<Settling>, o: WatchOptions = {}): AbortController {
  watches.get(key)?.abort();
  const ac = new AbortController();
  watches.set(key, ac);
  const sub = ext.store.onChange((r) => {
    if (r === undefined) ac.abort();
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  ac.signal.addEventListener(
    'abort',
    () => {
      if (timer) clearTimeout(timer);
      sub.dispose();
      if (watches.get(key) === ac) watches.delete(key);
    },
    { once: true },
  );
  let tries = 0;
  const tick = async () => {
    timer = undefined;
    if (ac.signal.aborted) return;
    const r = await refresh().catch(() => undefined);
    if (ac.signal.aborted) return;
    const settling = r && (r.status !== 'available' || r.securityGroups.some((g) => g.status && g.status !== 'active'));
    if (settling && ++tries < (o.maxTries ?? 60)) timer = setTimeout(() => void tick(), o.everyMs ?? 10_000);
    else ac.abort();
  };
  timer = setTimeout(() => void tick(), o.firstMs ?? 5_000);
  return ac;
}

/** Stops every wait for a database to settle. */
export function cancelWatches(): void {
  for (const ac of [...watches.values()]) ac.abort();
}

/**
 * After a failed replacing write: what the list is now. Applied (the answer was lost) is a
 * success; unchanged or different is said exactly.
 */
function reconcileList(ext: Ext, e: unknown, what: string, region: string, idx: RegionIndex, before: readonly string[], sent: readonly string[], now: readonly string[] | undefined): 'applied' {
  const t = translateError(e, { action: `change the groups of ${what}`, region, profile: ext.settings.profile, endpoint: ext.settings.endpoint });
  ext.log.error(`change the groups of ${what} failed: ${t.code}: ${t.detail ?? ''}`);
  if (!now) throw new UserError(`${t.message} Could not read ${what} again to check what was applied; refresh the tree before trying again.`);
  if (sameSet(now, sent)) return 'applied';
  if (sameSet(now, before)) throw new UserError(`${t.message} Nothing was changed: ${what} still has ${names(idx, now)}.`);
  throw new UserError(`${t.message} ${what} now has ${names(idx, now)} (sent: ${names(idx, sent)}); check it before trying again.`);
}

async function applyClusterList(ext: Ext, region: string, idx: RegionIndex, cluster: DbCluster, list: string[], verb: string): Promise<string[]> {
  const before = cluster.securityGroups.map((g) => g.groupId);
  // Re-read right before the replacing write: a change made elsewhere since must not be dropped.
  const latest = await freshCluster(ext, region, cluster.clusterId);
  const latestIds = latest.securityGroups.map((g) => g.groupId);
  if (!sameSet(latestIds, before)) {
    throw new UserError(`The groups of ${cluster.clusterId} changed while you were choosing (now: ${names(idx, latestIds)}). Nothing was changed; run the command again.`);
  }
  if (latest.status !== 'available') throw new UserError(`DB cluster ${cluster.clusterId} is ${latest.status}, not available. Wait until it is available and try again.`);
  let updated: DbCluster | undefined;
  try {
    updated = await progress(`${verb} ${cluster.clusterId}: ${names(idx, list)}…`, () => ext.gateway().setClusterGroups(region, cluster.clusterId, list));
  } catch (e) {
    if (!mayHaveApplied(e)) throw e;
    const now = await ext.store.refreshCluster(region, cluster.clusterId).then(
      (c) => c?.securityGroups.map((g) => g.groupId),
      () => undefined,
    );
    reconcileList(ext, e, cluster.clusterId, region, idx, before, list, now);
    ext.log.info(`ModifyDBCluster ${cluster.clusterId} failed (${(e as Error)?.name}) but the list reads as sent: it was applied.`);
  }
  const after = await freshCluster(ext, region, cluster.clusterId);
  const afterIds = after.securityGroups.map((g) => g.groupId);
  const lost = before.filter((g) => list.includes(g) && !afterIds.includes(g));
  ext.log.info(`ModifyDBCluster ${cluster.clusterId}: before [${before.join(', ')}], sent [${list.join(', ')}], now [${afterIds.join(', ')}]`);
  if (lost.length) say(ext).warn(`AWS reports ${cluster.clusterId} without ${lost.join(', ')}; check the cluster in the console.`);
  else if (!sameSet(afterIds, list)) say(ext).warn(`${cluster.clusterId} now has ${names(idx, afterIds)}, not what was sent (${names(idx, list)}): it was changed elsewhere at the same time.`);
  if (updated && (updated.status !== 'available' || updated.securityGroups.some((g) => g.status && g.status !== 'active'))) {
    watchUntilSettled(ext, `${region}/cluster/${cluster.clusterId}`, () => ext.store.refreshCluster(region, cluster.clusterId));
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
    if (args.groupIds !== undefined) groupIdList(args.groupIds, 'groupIds');
    const cluster = await freshCluster(ext, region, clusterId);
    const current = cluster.securityGroups.map((g) => g.groupId);
    const chosen = groupIdList(args.groupIds ?? (await chooseGroups(ext, idx, cluster.vpcId, current, `Associate security groups with ${clusterId}`)), 'groupIds');
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
    say(ext).info(`${clusterId} is now guarded by ${names(idx, after)}.`);
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
    if (!idx.clustersById.has(clusterId)) throw new UserError(`DB cluster ${clusterId} is not in ${region}. Refresh the tree or check the id.`);
    const remove = groupIdList(node ? [node.groupId] : args.groupIds ?? (args.groupId !== undefined ? [args.groupId] : []), 'The groups to remove');
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
    say(ext).info(`${clusterId} is now guarded by ${names(idx, after)}.`);
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
    instanceId = requireString(instanceId, 'dbInstanceId');
    if (!idx.instancesById.has(instanceId)) throw new UserError(`DB instance ${instanceId} is not in ${region}. Refresh the tree or check the id.`);
    if (args.groupIds !== undefined) groupIdList(args.groupIds, 'groupIds');
    const inst = await freshInstance(ext, region, instanceId);
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
    const chosen = groupIdList(args.groupIds ?? (await chooseGroups(ext, idx, inst.vpcId, current, `Associate security groups with ${inst.instanceId}`)), 'groupIds');
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
  if (!sameSet(latest.securityGroups.map((g) => g.groupId), before))
    throw new UserError(`The groups of ${inst.instanceId} changed while you were choosing. Nothing was changed; run the command again.`);
  if (latest.status !== 'available') throw new UserError(`DB instance ${inst.instanceId} is ${latest.status}, not available. Wait until it is available and try again.`);
  let updated: DbInstance | undefined;
  try {
    updated = await progress(`Updating ${inst.instanceId}: ${names(idx, list)}…`, () => ext.gateway().setInstanceGroups(region, inst.instanceId, list));
  } catch (e) {
    if (!mayHaveApplied(e)) throw e;
    const now = await ext.store.refreshInstance(region, inst.instanceId).then(
      (i) => i?.securityGroups.map((g) => g.groupId),
      () => undefined,
    );
    reconcileList(ext, e, inst.instanceId, region, idx, before, list, now);
    ext.log.info(`ModifyDBInstance ${inst.instanceId} failed (${(e as Error)?.name}) but the list reads as sent: it was applied.`);
  }
  const after = (await freshInstance(ext, region, inst.instanceId)).securityGroups.map((g) => g.groupId);
  ext.log.info(`ModifyDBInstance ${inst.instanceId}: before [${before.join(', ')}], sent [${list.join(', ')}], now [${after.join(', ')}]`);
  if (updated && updated.status !== 'available') watchUntilSettled(ext, `${region}/instance/${inst.instanceId}`, () => ext.store.refreshInstance(region, inst.instanceId));
  say(ext).info(`${inst.instanceId} is now guarded by ${names(idx, after)}.`);
  return after;
}

export function disassociateFromInstance(ext: Ext, arg?: unknown): Promise<string[] | undefined> {
  const node = isNode(arg) && arg.kind === 'group' ? arg : undefined;
  const args: AssociateInstanceArgs & { groupId?: string } = !isNode(arg) && arg && typeof arg === 'object' ? (arg as AssociateInstanceArgs) : {};
  return guarded(ext, 'remove the security group from the DB instance', args.region ?? node?.region, async () => {
    const region = await pickRegion(ext, args.region ?? node?.region, 'Remove group: Region');
    const idx = await indexFor(ext, region);
    const instanceId = requireString(node?.via?.instanceId ?? args.dbInstanceId, 'dbInstanceId');
    if (!idx.instancesById.has(instanceId)) throw new UserError(`DB instance ${instanceId} is not in ${region}. Refresh the tree or check the id.`);
    const remove = groupIdList(node ? [node.groupId] : args.groupIds ?? (args.groupId !== undefined ? [args.groupId] : []), 'The groups to remove');
    const inst = await freshInstance(ext, region, instanceId);
    if (inst.clusterId) throw new UserError(`${inst.instanceId} belongs to Aurora cluster ${inst.clusterId}: remove the group from the cluster instead.`);
    const current = inst.securityGroups.map((g) => g.groupId);
    const next = removeFromGroupList(current, remove);
    if (!next.ok) throw new UserError(next.error);
    const ok = await ext.ui.confirm(`Remove ${names(idx, remove)} from ${inst.instanceId}?`, `Before: ${names(idx, current)}\nAfter:  ${names(idx, next.value)}`, 'Remove');
    if (!ok) return undefined;
    return applyInstanceList(ext, region, idx, inst, next.value);
  });
}

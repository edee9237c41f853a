// auroraSg.goTo: "Go to Security Group or Database…": one quick pick over every loaded group, DB
// cluster and DB instance of every scope (account and Region), matched on the name, the id, the VPC,
// the Region and the account; the chosen one is revealed in the Access tree. The pick's items are
// shared with the commands that ask for a group (compare, copy).
import type * as vscode from 'vscode';
import type { RegionIndex } from '../domain/model';
import { awsRegion, parseScope } from '../domain/scope';
import type { Ext } from '../ext';
import type { Node } from '../tree/nodes';
import type { TreeFilterControl } from '../tree/treeFilterControl';
import type { PickItem } from '../ui/prompter';
import { UserError } from './common';

/** A group of a scope, as the pickers return it. */
export interface ScopedGroup {
  readonly scope: string;
  readonly groupId: string;
}

/** The scope keys the store holds (the configured ones; else the Regions the connection resolves to). */
export async function scopesOf(ext: Ext): Promise<readonly string[]> {
  const keys = ext.store.getRegions();
  return keys.length ? keys : ext.regions();
}

/** The loaded scopes and their data; loads the scopes not loaded yet first (a failed one is left out). */
export async function loadedScopes(ext: Ext): Promise<{ scope: string; idx: RegionIndex }[]> {
  const scopes = await scopesOf(ext);
  if (scopes.some((s) => !ext.store.index(s)))
    await ext.ui.progress(`Loading ${scopes.join(', ')}…`, () => Promise.allSettled(scopes.map((s) => ext.store.ensure(s))));
  const out = scopes.flatMap((scope) => {
    const idx = ext.store.index(scope);
    return idx ? [{ scope, idx }] : [];
  });
  if (!out.length) throw new UserError('Nothing is loaded: check the connection (Aurora SG: Configure Connection) and refresh the Access view.');
  return out;
}

/** "us-east-1 · prod (123456789012)": the Region, then the account (its profile, its id when known). */
export function whereText(scope: string, ownerId?: string): string {
  const { profile } = parseScope(scope);
  const account = profile !== undefined ? `${profile}${ownerId ? ` (${ownerId})` : ''}` : ownerId ? `account ${ownerId}` : '';
  return [awsRegion(scope), account].filter(Boolean).join(' · ');
}

function vpcText(idx: RegionIndex, vpcId: string | undefined): string {
  if (!vpcId) return 'no VPC';
  const name = idx.snapshot.vpcs.find((v) => v.vpcId === vpcId)?.name;
  return name ? `${vpcId} (${name})` : vpcId;
}

/** Every loaded group, as pick items (label: the name; description: id · VPC; detail: Region · account). */
export function groupItems(loaded: readonly { scope: string; idx: RegionIndex }[], except?: ScopedGroup): PickItem<ScopedGroup>[] {
  return loaded.flatMap(({ scope, idx }) =>
    [...idx.snapshot.groups]
      .filter((g) => !(except && except.scope === scope && except.groupId === g.groupId))
      .sort((a, b) => a.groupName.localeCompare(b.groupName) || a.groupId.localeCompare(b.groupId))
      .map((g) => ({
        label: `$(shield) ${g.groupName}`,
        description: `${g.groupId} · ${vpcText(idx, g.vpcId)}`,
        detail: whereText(scope, g.ownerId),
        value: { scope, groupId: g.groupId },
      })),
  );
}

/** Every loaded group, cluster and instance: the tree node each one is. */
export function goToItems(loaded: readonly { scope: string; idx: RegionIndex }[]): PickItem<Node>[] {
  const groups = groupItems(loaded).map((i) => ({ ...i, value: { kind: 'group', region: i.value.scope, groupId: i.value.groupId } as Node }));
  const dbs = loaded.flatMap(({ scope, idx }) => {
    const owner = idx.snapshot.vpcs[0]?.ownerId ?? idx.snapshot.groups[0]?.ownerId;
    const clusters = idx.snapshot.clusters.map((c) => ({
      label: `$(database) ${c.clusterId}`,
      description: `DB cluster ${c.clusterId} · ${c.engine} · ${vpcText(idx, c.vpcId)}`,
      detail: whereText(scope, owner),
      value: { kind: 'cluster', region: scope, clusterId: c.clusterId } as Node,
    }));
    const instances = idx.snapshot.instances.map((i) => ({
      label: `$(server) ${i.instanceId}`,
      description: `DB instance ${i.instanceId}${i.clusterId ? ` of ${i.clusterId}` : ''} · ${i.engine} · ${vpcText(idx, i.vpcId)}`,
      detail: whereText(scope, owner),
      value: { kind: 'dbInstance', region: scope, instanceId: i.instanceId, ...(i.clusterId ? { clusterId: i.clusterId } : {}) } as Node,
    }));
    return [...clusters, ...instances];
  });
  return [...dbs, ...groups];
}

/** auroraSg.goTo: picks a group, cluster or instance of any loaded scope and reveals it (selected, focused, expanded). */
export async function goTo(ext: Ext, view: vscode.TreeView<Node>, filter?: Pick<TreeFilterControl, 'showThrough'>): Promise<Node> {
  const loaded = await loadedScopes(ext);
  const items = goToItems(loaded);
  if (!items.length) throw new UserError('No security group or database is loaded.');
  const node = await ext.ui.pick({
    title: 'Go to Security Group or Database',
    placeholder: 'Name, id, VPC, Region or account (e.g. orders, sg-0abc, vpc-0123, us-east-1)',
    items,
  });
  // A pick the tree's filter hides shows through it (src/tree/treeFilterControl.ts showThrough).
  filter?.showThrough(node);
  await view.reveal(node, { select: true, focus: true, expand: true });
  return node;
}

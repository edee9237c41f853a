// The browsing commands: refresh (with a cancellable progress), copy ids and ARNs, console links,
// reveal a group, and cancel the loads in flight.
import * as vscode from 'vscode';
import { consoleUrl, ec2Arn, type ConsoleTarget } from '../domain/console';
import type { Ext } from '../ext';
import type { AnalysisState } from '../state/analysisState';
import type { FindingsProvider } from '../tree/analysisViews';
import type { Node } from '../tree/nodes';
import type { TreeFilterControl } from '../tree/treeFilterControl';
import { isNode } from './common';

/** Resolves when the signal aborts (never rejects). */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

async function reload(ext: Ext, node: Node | undefined, regions: readonly string[]): Promise<void> {
  if (!node || (node.kind === 'message' && !node.error)) {
    await ext.store.refreshAll(regions);
    if (!node) for (const p of ext.settings.profiles) void ext.accounts.load(p);
    return;
  }
  const loaded = !!ext.store.index(node.region);
  if (loaded && (node.kind === 'group' || node.kind === 'direction' || node.kind === 'rule')) return ext.store.refreshGroups(node.region, [node.groupId]);
  if (loaded && node.kind === 'cluster') return void (await ext.store.refreshCluster(node.region, node.clusterId));
  if (loaded && node.kind === 'dbInstance') return void (await ext.store.refreshInstance(node.region, node.instanceId));
  await ext.store.load(node.region).catch(() => undefined);
}

/**
 * auroraSg.refresh [node]: everything, one Region, or one group / database. Runs with a cancellable
 * progress: a cancel stops the Region loads in flight (the tree keeps the data it had).
 */
export async function refresh(ext: Ext, analysis: Pick<AnalysisState, 'reset'>, arg?: unknown): Promise<void> {
  const node = isNode(arg) ? arg : undefined;
  if (node?.kind === 'account') {
    // An account: its identity and every one of its Regions again.
    for (const r of ext.scopesOf(node.profile)) analysis.reset(r);
    return ext.reloadAccount(node.profile);
  }
  if (!node || node.kind === 'region') analysis.reset(node?.region);
  const regions = node ? [node.region] : await ext.regions();
  if (!regions.length) return;
  const what = node && node.kind !== 'region' && node.kind !== 'message' ? idOf(node) : undefined;
  await ext.ui.progress(what ? `Refreshing ${what}…` : `Loading ${regions.join(', ')}…`, async (signal) => {
    const stop = () => {
      for (const r of regions) ext.store.cancel(r);
    };
    signal.addEventListener('abort', stop, { once: true });
    try {
      await Promise.race([reload(ext, node, regions), aborted(signal)]);
    } finally {
      signal.removeEventListener('abort', stop);
    }
  });
}

/** auroraSg.cancelLoading: stops every Region load in flight (the view title shows it while one runs). */
export function cancelLoading(ext: Ext): void {
  ext.store.cancelAll();
}

function targetOf(node: Node): ConsoleTarget | undefined {
  switch (node.kind) {
    case 'vpc':
      return { kind: 'vpc', region: node.region, vpcId: node.vpcId };
    case 'group':
    case 'direction':
      return { kind: 'group', region: node.region, groupId: node.groupId };
    case 'rule':
      return { kind: 'rule', region: node.region, groupId: node.groupId, ruleId: node.ruleId };
    case 'cluster':
      return { kind: 'cluster', region: node.region, clusterId: node.clusterId };
    case 'dbInstance':
      return { kind: 'dbInstance', region: node.region, instanceId: node.instanceId };
    default:
      return undefined;
  }
}

export function idOf(node: Node): string | undefined {
  switch (node.kind) {
    case 'vpc':
      return node.vpcId;
    case 'group':
    case 'direction':
      return node.groupId;
    case 'rule':
      return node.ruleId;
    case 'cluster':
      return node.clusterId;
    case 'dbInstance':
      return node.instanceId;
    case 'region':
      return node.region;
    default:
      return undefined;
  }
}

export function arnOf(ext: Ext, node: Node): string | undefined {
  const idx = ext.store.index(node.region);
  switch (node.kind) {
    case 'vpc':
      return ec2Arn(node.region, idx?.snapshot.vpcs.find((v) => v.vpcId === node.vpcId)?.ownerId, 'vpc', node.vpcId);
    case 'group':
    case 'direction':
      return ec2Arn(node.region, idx?.groupsById.get(node.groupId)?.ownerId, 'security-group', node.groupId);
    case 'rule':
      return ec2Arn(node.region, idx?.groupsById.get(node.groupId)?.ownerId, 'security-group-rule', node.ruleId);
    case 'cluster':
      return idx?.clustersById.get(node.clusterId)?.arn;
    case 'dbInstance':
      return idx?.instancesById.get(node.instanceId)?.arn;
    default:
      return undefined;
  }
}

/** auroraSg.copyId node */
export async function copyId(arg?: unknown): Promise<string | undefined> {
  const id = isNode(arg) ? idOf(arg) : undefined;
  if (!id) return undefined;
  await vscode.env.clipboard.writeText(id);
  vscode.window.setStatusBarMessage(`Copied ${id}`, 3000);
  return id;
}

/** auroraSg.copyArn node */
export async function copyArn(ext: Ext, arg?: unknown): Promise<string | undefined> {
  const arn = isNode(arg) ? arnOf(ext, arg) : undefined;
  if (!arn) {
    ext.ui.warn('No ARN is known for this item (its owner account was not reported).');
    return undefined;
  }
  await vscode.env.clipboard.writeText(arn);
  vscode.window.setStatusBarMessage(`Copied ${arn}`, 3000);
  return arn;
}

/** auroraSg.openInConsole node */
export async function openInConsole(arg?: unknown): Promise<string | undefined> {
  const t = isNode(arg) ? targetOf(arg) : undefined;
  if (!t) return undefined;
  const url = consoleUrl(t);
  await vscode.env.openExternal(vscode.Uri.parse(url, true));
  return url;
}

/**
 * auroraSg.revealGroup { kind: 'group', region, groupId }: selects, focuses and expands the group in the tree.
 * Find's results reveal a rule ({ kind: 'rule', region, groupId, ruleId, egress }), a DB cluster or a DB instance the same way.
 */
export async function revealGroup(view: vscode.TreeView<Node>, arg?: unknown, filter?: Pick<TreeFilterControl, 'showThrough'>): Promise<void> {
  if (!isNode(arg)) return;
  const node: Node | undefined =
    arg.kind === 'group'
      ? { kind: 'group', region: arg.region, groupId: arg.groupId }
      : arg.kind === 'rule' || arg.kind === 'cluster' || arg.kind === 'dbInstance'
        ? arg
        : undefined;
  if (!node) return;
  // The tree's filter may hide it: it shows through the filter (with its parents) until the filter changes.
  filter?.showThrough(node);
  return view.reveal(node, { select: true, focus: true, expand: node.kind !== 'rule' });
}

/** auroraSg.refreshFindings: forgets the EC2 data and recomputes every Region's findings. */
export function refreshFindings(analysis: Pick<AnalysisState, 'reset'>, findings: Pick<FindingsProvider, 'changed'>): void {
  analysis.reset();
  findings.changed();
}

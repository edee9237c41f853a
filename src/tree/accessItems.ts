// The TreeItems of the Access tree: label, description, icon, tooltip and context value of each kind
// of row, read from the Region's index. Text from AWS reaches Markdown tooltips only through md().
import * as vscode from 'vscode';
import type { DbCluster, DbInstance, RegionIndex, SecurityGroupRule } from '../domain/model';
import { readFailed, REGION_READS } from '../domain/model';
import { translateError } from '../aws/errors';
import { clusterEngineLabel, engineLabel, isRdsCustom } from '../domain/engines';
import { peerLabel, portHint, portLabel, ruleLabel } from '../domain/rules';
import { decodeTemporary, timeLeftText } from '../domain/temporaryAccess';
import type { RegionStore } from '../state/store';
import { managedBy, type ManagedBy } from '../domain/code/managed';
import { countRules, DEFAULT_LIMITS, prefixListWeights } from '../domain/quotas';
import {
  clusterContext,
  directionContext,
  groupContext,
  instanceContext,
  messageContext,
  REGION_CONTEXT,
  ruleContext,
  sectionContext,
  VPC_CONTEXT,
} from './contextValues';
import { clusterTooltip, code, groupTooltip, instanceTooltip, md, type GroupHover } from './hovers';
import type { Node, NodeOf, Via } from './nodes';

/**
 * The resource a tree item stands for, so the findings' FileDecorationProvider can badge it. The
 * scope key is one segment (profile/Region with several accounts: its '/' encoded).
 */
export function findingUri(region: string, groupId: string, ruleId?: string): vscode.Uri {
  return vscode.Uri.from({ scheme: 'aurora-sg', path: `/${encodeURIComponent(region)}/${groupId}${ruleId ? `/${ruleId}` : ''}` });
}

/** A database's URI for the findings' decorations: aurora-sg:/region/@cluster/id or /region/@instance/id. */
export function databaseFindingUri(region: string, kind: 'cluster' | 'instance', id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: 'aurora-sg', path: `/${encodeURIComponent(region)}/@${kind}/${id}` });
}

export { code, md, tagsLine } from './hovers';

function statusColor(status: string): vscode.ThemeColor | undefined {
  if (status === 'available' || status === 'active') return new vscode.ThemeColor('testing.iconPassed');
  if (/fail|error|incompatible|inaccessible|storage-full/.test(status)) return new vscode.ThemeColor('testing.iconFailed');
  if (/stopp|stopped/.test(status)) return new vscode.ThemeColor('disabledForeground');
  return new vscode.ThemeColor('charts.yellow');
}

function isSettling(status: string | undefined): boolean {
  return !!status && !['available', 'active', 'stopped', 'failed'].includes(status);
}

/** The TreeItem of an Access tree row (without its id: the provider sets it). */
export function accessItem(
  n: Node,
  store: RegionStore,
  managedTags?: readonly string[],
  /** With several accounts: the profile of a loaded account by its id (a cross-account group reference). */
  accountName?: (accountId: string) => string | undefined,
): vscode.TreeItem {
  const managed = (tags: Readonly<Record<string, string>> | undefined) => managedBy(tags, managedTags);
  const None = vscode.TreeItemCollapsibleState.None;
  const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
  const Expanded = vscode.TreeItemCollapsibleState.Expanded;
  // An account's row is drawn by accountItems.ts (it reads the account store, not a Region).
  if (n.kind === 'account') return new vscode.TreeItem(n.profile, Expanded);
  if (n.kind === 'region') {
    const s = store.state(n.region);
    const item = new vscode.TreeItem(n.region, Expanded);
    item.contextValue = REGION_CONTEXT;
    const snap = store.view(n.region)?.snapshot;
    const failures = snap?.failures ?? [];
    const warn = !!s?.error || failures.length > 0;
    item.iconPath = new vscode.ThemeIcon(
      s?.loading ? 'loading~spin' : warn ? 'warning' : 'globe',
      warn ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined,
    );
    const lines = [`**Region ${md(n.region)}**`];
    if (s?.error) lines.push(`$(warning) The last load failed: ${md(regionErrorText(s.error, n.region))} (the row below says why and what to do).`);
    if (snap) {
      const counts = `${plural(snap.vpcs.length, 'VPC')} · ${plural(snap.groups.length, 'group')} · ${plural(snap.clusters.length, 'cluster')}`;
      item.description = [s?.error ? 'load failed' : undefined, snap.pending ? 'loading' : undefined, failures.length ? 'partly loaded' : undefined, counts]
        .filter(Boolean)
        .join(' · ');
      if (snap.pending)
        lines.push(
          `Loading: still waiting for ${snap.pending.map((r) => md(REGION_READS[r]?.label ?? r)).join(', ')}. Findings come when every read has answered.`,
        );
      else
        lines.push(
          `Loaded ${new Date(snap.loadedAt).toLocaleTimeString()}: ${snap.vpcs.length} VPCs, ${snap.groups.length} security groups, ${snap.rules.length} rules, ${snap.clusters.length} DB clusters, ${snap.instances.length} DB instances.`,
        );
      if (failures.length)
        lines.push(
          `$(warning) Partly loaded: could not read ${failures.map((f) => `${md(REGION_READS[f.read]?.label ?? f.read)} (needs \`${f.action}\`)`).join(', ')}. What was read is shown; nothing is concluded from the rest.`,
        );
    } else if (s?.error) item.description = 'load failed';
    if (snap || s?.error) item.tooltip = new vscode.MarkdownString(lines.join('\n\n'), true);
    return item;
  }
  if (n.kind === 'message') {
    const item = new vscode.TreeItem(n.text, None);
    item.contextValue = messageContext(n.error, n.readFailure);
    item.iconPath = new vscode.ThemeIcon(
      n.error ? 'error' : n.loading ? 'loading~spin' : 'info',
      n.error ? new vscode.ThemeColor('errorForeground') : undefined,
    );
    if (n.readFailure) {
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      item.description = n.detail;
      item.tooltip = new vscode.MarkdownString(
        `$(warning) ${md(n.text)}\n\n${md(n.detail)}\n\nEverything else of ${md(n.region)} was read. Grant the permission, then click to load the Region again.`,
        true,
      );
      item.command = { command: 'auroraSg.refresh', title: 'Retry', arguments: [{ kind: 'region', region: n.region }] };
    } else if (n.error) {
      // The error row says what to do in its description too (the endpoint override, when one is set).
      const advice = (n.detail ?? '').split('\n\n').find((l) => l.startsWith('The auroraSg.endpoint setting'));
      item.description = advice ? `${advice} · click to retry` : 'click to retry';
      item.tooltip = new vscode.MarkdownString(
        `$(error) ${md(n.text)}\n\n${(n.detail ?? '').split('\n\n').map(md).join('\n\n')}\n\nClick to retry; details are in the output channel.`,
        true,
      );
      item.command = { command: 'auroraSg.refresh', title: 'Retry', arguments: [{ kind: 'region', region: n.region }] };
    }
    return item;
  }
  // The rows of a load under way as far as it has answered (RegionStore.view), else the last full load.
  const idx = store.view(n.region);
  switch (n.kind) {
    case 'section': {
      const count =
        n.section === 'vpcs' ? idx?.snapshot.vpcs.length : n.section === 'clusters' ? idx?.snapshot.clusters.length : idx?.standaloneInstances().length;
      // DescribeDBClusters gives Aurora and RDS Multi-AZ DB clusters: each row says which (clusterItem).
      const label = n.section === 'vpcs' ? 'VPCs' : n.section === 'clusters' ? 'DB clusters' : 'RDS DB instances (not in a cluster)';
      const item = new vscode.TreeItem(label, n.section === 'instances' ? Collapsed : Expanded);
      item.description = `${count ?? 0}`;
      item.contextValue = sectionContext(n.section);
      item.iconPath = new vscode.ThemeIcon(n.section === 'vpcs' ? 'cloud' : n.section === 'clusters' ? 'database' : 'server');
      return item;
    }
    case 'vpc': {
      const v = idx?.snapshot.vpcs.find((x) => x.vpcId === n.vpcId);
      const groups = idx?.groupsByVpc.get(n.vpcId)?.length ?? 0;
      const item = new vscode.TreeItem(v?.name ?? n.vpcId, Collapsed);
      const notRead = !v && !!idx && readFailed(idx.snapshot, 'vpcs');
      item.description = [
        notRead ? 'VPC not read (its groups name it)' : undefined,
        v?.cidrBlocks.join(', '),
        v?.isDefault ? 'default' : undefined,
        `${groups} group${groups === 1 ? '' : 's'}`,
        v?.name ? n.vpcId : undefined,
      ]
        .filter(Boolean)
        .join(' · ');
      item.iconPath = new vscode.ThemeIcon('vm-connect');
      item.contextValue = VPC_CONTEXT;
      item.tooltip = new vscode.MarkdownString(
        [
          `**${md(v?.name ?? n.vpcId)}**${v?.isDefault ? ' (default VPC)' : ''}`,
          '',
          `- VPC id: \`${n.vpcId}\``,
          `- IPv4: ${md(v?.cidrBlocks.join(', ') || 'none')}`,
          v?.ipv6CidrBlocks.length ? `- IPv6: ${md(v.ipv6CidrBlocks.join(', '))}` : '',
          `- Security groups: ${groups}`,
          v?.ownerId ? `- Owner: ${md(v.ownerId)}` : '',
          `- Region: ${md(n.region)}`,
        ]
          .filter(Boolean)
          .join('\n'),
      );
      return item;
    }
    case 'group':
      return groupItem(n, idx, managed);
    case 'direction': {
      const count = idx?.rulesOf(n.groupId, n.egress).length ?? 0;
      const item = new vscode.TreeItem(n.egress ? 'Outbound' : 'Inbound', count ? (n.egress ? Collapsed : Expanded) : Collapsed);
      item.description = `${count} rule${count === 1 ? '' : 's'}`;
      item.iconPath = new vscode.ThemeIcon(n.egress ? 'arrow-up' : 'arrow-down');
      item.contextValue = directionContext(n.egress);
      return item;
    }
    case 'rule':
      return ruleItem(n, idx, accountName);
    case 'cluster':
      return clusterItem(n, idx?.clustersById.get(n.clusterId), idx, managed);
    case 'dbInstance':
      return instanceItem(n, idx?.instancesById.get(n.instanceId), idx, managed);
  }
}

type ManagedOf = (tags: Readonly<Record<string, string>> | undefined) => ManagedBy | undefined;

/** The hover line of a managed resource ('' when nothing manages it). */
const managedLine = (m: ManagedBy | undefined) =>
  m ? `- $(repo) Managed by ${md(m.source)} (tag ${code(m.tag)}): a change made here drifts from its source, whose next deploy may revert it` : '';

/** What a group's hover shows, from the loaded data (undefined when the group is not loaded). */
export function groupHoverOf(n: NodeOf<'group'>, idx: RegionIndex | undefined, managedOf?: ManagedOf): GroupHover | undefined {
  const g = idx?.groupsById.get(n.groupId);
  if (!g) return undefined;
  const rules = idx?.rulesOf(n.groupId) ?? [];
  const inbound = rules.filter((r) => !r.isEgress).length;
  const att = idx?.attachmentsOf(n.groupId);
  const others = (idx?.snapshot.otherDatabases ?? []).filter((o) => o.groupIds.includes(n.groupId));
  const used = [
    ...(att?.clusters.map((c) => `cluster ${md(c.clusterId)}`) ?? []),
    ...(att?.instances.map((i) => `instance ${md(i.instanceId)}`) ?? []),
    ...others.map((o) => `${md(o.engine)} cluster ${md(o.clusterId)}`),
  ];
  const refs = idx?.referencesTo(n.groupId) ?? [];
  const attachedStatus = n.via ? attachedStatusOf(n.via, n.groupId, idx) : undefined;
  const managed = managedLine(managedOf?.(g.tags));
  // Counted as the add-rule check counts them, against the account's quota as read with the Region.
  const weights = idx ? prefixListWeights(idx.snapshot) : undefined;
  const quota = {
    inbound: countRules(rules, n.groupId, false, weights),
    outbound: countRules(rules, n.groupId, true, weights),
    limit: (idx?.snapshot.limits ?? DEFAULT_LIMITS).rulesPerDirection,
  };
  return { group: g, inbound, outbound: rules.length - inbound, guards: used, references: refs.length, attachedStatus, via: !!n.via, managed, quota };
}

function groupItem(n: NodeOf<'group'>, idx: RegionIndex | undefined, managedOf: ManagedOf): vscode.TreeItem {
  const g = idx?.groupsById.get(n.groupId);
  const rules = idx?.rulesOf(n.groupId) ?? [];
  const inbound = rules.filter((r) => !r.isEgress).length;
  const item = new vscode.TreeItem(g?.groupName ?? n.groupId, vscode.TreeItemCollapsibleState.Collapsed);
  const attachedStatus = n.via ? attachedStatusOf(n.via, n.groupId, idx) : undefined;
  if (!g) {
    item.description = `${n.groupId} · not found in this Region`;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.contextValue = groupContext({ found: false, isDefault: false, via: viaKind(n.via) });
    item.collapsibleState = vscode.TreeItemCollapsibleState.None;
    return item;
  }
  const m = managedOf(g.tags);
  item.description = [
    m ? `managed by ${m.source}` : undefined,
    `${inbound} in / ${rules.length - inbound} out`,
    attachedStatus && attachedStatus !== 'active' ? attachedStatus : undefined,
    n.via ? undefined : g.description,
    n.groupId,
  ]
    .filter(Boolean)
    .join(' · ');
  const isDefault = g.groupName === 'default';
  item.resourceUri = findingUri(n.region, n.groupId);
  item.iconPath = new vscode.ThemeIcon(
    n.via ? 'link' : 'shield',
    attachedStatus && isSettling(attachedStatus) ? new vscode.ThemeColor('charts.yellow') : undefined,
  );
  item.contextValue = groupContext({
    found: true,
    isDefault,
    via: viaKind(n.via),
    dbStatus: n.via ? viaStatusOf(n.via, idx) : undefined,
    custom: viaRdsCustom(n.via, idx),
  });
  item.tooltip = new vscode.MarkdownString(groupTooltip(groupHoverOf(n, idx, managedOf)!), true);
  if (n.via)
    item.command = { command: 'auroraSg.revealGroup', title: 'Show under its VPC', arguments: [{ kind: 'group', region: n.region, groupId: n.groupId }] };
  return item;
}

function ruleItem(n: NodeOf<'rule'>, idx: RegionIndex | undefined, accountName?: (accountId: string) => string | undefined): vscode.TreeItem {
  const r = idx?.rulesOf(n.groupId, n.egress).find((x) => x.ruleId === n.ruleId);
  if (!r) return new vscode.TreeItem(n.ruleId);
  const lookup = (id: string) => idx?.groupsById.get(id);
  const peer = peerLabel(r.peer, lookup, accountName);
  const item = new vscode.TreeItem(`${portLabel(r)} ${r.isEgress ? 'to' : 'from'} ${peer}`, vscode.TreeItemCollapsibleState.None);
  // A temporary rule (domain/temporaryAccess.ts) shows the time left instead of its encoded description.
  const temp = r.isEgress ? undefined : decodeTemporary(r.description);
  item.description = temp ? `temporary · ${timeLeftText(temp.expiresAt, Date.now())}` : (r.description ?? '');
  item.iconPath = temp
    ? new vscode.ThemeIcon('watch', new vscode.ThemeColor(temp.expiresAt <= Date.now() ? 'problemsErrorIcon.foreground' : 'charts.yellow'))
    : ruleIcon(r);
  item.contextValue = ruleContext(r.isEgress);
  item.resourceUri = findingUri(n.region, n.groupId, n.ruleId);
  const hint = portHint(r);
  item.tooltip = new vscode.MarkdownString(
    [
      `**${md(ruleLabel(r, lookup))}**`,
      '',
      `- Direction: ${r.isEgress ? 'outbound' : 'inbound'}`,
      `- Protocol: ${md(r.protocol === '-1' ? 'all' : r.protocol)}${hint ? ` (${md(hint)})` : ''}`,
      r.protocol === '-1' ? '- Ports: all' : `- Ports: ${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`}`,
      `- ${r.isEgress ? 'Destination' : 'Source'}: ${md(peer)}`,
      r.description ? `- Description: ${md(r.description)}` : '',
      temp
        ? `- Temporary: added by ${md(temp.caller)}, until ${md(new Date(temp.expiresAt).toISOString().slice(0, 16).replace('T', ' '))} UTC (${md(timeLeftText(temp.expiresAt, Date.now()))}); removed when the time is up`
        : '',
      `- Rule id: \`${r.ruleId}\``,
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return item;
}

function clusterItem(n: NodeOf<'cluster'>, c: DbCluster | undefined, idx: RegionIndex | undefined, managedOf: ManagedOf): vscode.TreeItem {
  const item = new vscode.TreeItem(n.clusterId, vscode.TreeItemCollapsibleState.Collapsed);
  if (!c) return item;
  const m = managedOf(c.tags);
  item.description = [clusterEngineLabel(c), c.port ? `port ${c.port}` : undefined, c.status, m ? `managed by ${m.source}` : undefined]
    .filter(Boolean)
    .join(' · ');
  item.iconPath = new vscode.ThemeIcon(isSettling(c.status) ? 'sync~spin' : 'database', statusColor(c.status));
  item.contextValue = clusterContext(c.status);
  item.resourceUri = databaseFindingUri(n.region, 'cluster', n.clusterId);
  item.tooltip = new vscode.MarkdownString(
    clusterTooltip(c, (id) => idx?.groupsById.get(id)?.groupName, managedLine(m)),
    true,
  );
  return item;
}

function instanceItem(n: NodeOf<'dbInstance'>, i: DbInstance | undefined, idx: RegionIndex | undefined, managedOf: ManagedOf): vscode.TreeItem {
  const member = n.clusterId ? idx?.clustersById.get(n.clusterId)?.members.find((m) => m.instanceId === n.instanceId) : undefined;
  const item = new vscode.TreeItem(n.instanceId, n.clusterId ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed);
  const role = n.clusterId ? (member?.isWriter ? 'writer' : 'reader') : undefined;
  // A standalone instance carries its findings' badge; a member's are on its cluster.
  if (!n.clusterId) item.resourceUri = databaseFindingUri(n.region, 'instance', n.instanceId);
  if (!i) {
    item.description = [role, 'details not loaded'].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon('server');
    item.contextValue = instanceContextOf(n, i, idx);
    return item;
  }
  const m = n.clusterId ? undefined : managedOf(i.tags);
  item.description = [role ?? engineLabel(i.engine), i.instanceClass, i.status, m ? `managed by ${m.source}` : undefined].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon(
    isSettling(i.status) ? 'sync~spin' : role === 'writer' ? 'edit' : role === 'reader' ? 'eye' : 'server',
    statusColor(i.status),
  );
  item.contextValue = instanceContextOf(n, i, idx);
  item.tooltip = new vscode.MarkdownString(instanceTooltip(i, role, n.clusterId, managedLine(m)), true);
  return item;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function attachedStatusOf(via: Via, groupId: string, idx: RegionIndex | undefined): string | undefined {
  const list = via.clusterId
    ? idx?.clustersById.get(via.clusterId)?.securityGroups
    : via.instanceId
      ? idx?.instancesById.get(via.instanceId)?.securityGroups
      : undefined;
  return list?.find((g) => g.groupId === groupId)?.status;
}

function ruleIcon(r: SecurityGroupRule): vscode.ThemeIcon {
  const world = r.peer.kind === 'cidr4' ? r.peer.cidr === '0.0.0.0/0' : r.peer.kind === 'cidr6' ? r.peer.cidr === '::/0' : false;
  if (world && !r.isEgress) return new vscode.ThemeIcon('globe', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  if (r.peer.kind === 'group') return new vscode.ThemeIcon('shield');
  if (r.peer.kind === 'prefixList') return new vscode.ThemeIcon('list-unordered');
  return new vscode.ThemeIcon(world ? 'globe' : 'symbol-number');
}

function viaKind(via: Via | undefined): 'cluster' | 'instance' | undefined {
  return via?.clusterId ? 'cluster' : via?.instanceId ? 'instance' : undefined;
}

/** The status of the database a group row is attached to. */
function viaStatusOf(via: Via, idx: RegionIndex | undefined): string | undefined {
  return via.clusterId ? idx?.clustersById.get(via.clusterId)?.status : via.instanceId ? idx?.instancesById.get(via.instanceId)?.status : undefined;
}

/** Whether a group row hangs under an RDS Custom instance (whose groups are never changed here). */
function viaRdsCustom(via: Via | undefined, idx: RegionIndex | undefined): boolean {
  const i = via?.instanceId && !via.clusterId ? idx?.instancesById.get(via.instanceId) : undefined;
  return i ? isRdsCustom(i.engine) : false;
}

/** A member's state is its cluster's: its groups are the cluster's (see instanceContext). */
function instanceContextOf(n: NodeOf<'dbInstance'>, i: DbInstance | undefined, idx: RegionIndex | undefined): string {
  return n.clusterId ? instanceContext(true, idx?.clustersById.get(n.clusterId)?.status) : instanceContext(false, i?.status, i ? isRdsCustom(i.engine) : false);
}

/** A Region's load error as one sentence (the error row below the Region gives the advice). */
function regionErrorText(error: unknown, region: string): string {
  const c = (error as { $connection?: { endpoint?: string } } | undefined)?.$connection;
  return translateError(error, { region, endpoint: c?.endpoint }).message;
}

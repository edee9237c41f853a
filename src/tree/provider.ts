import * as vscode from 'vscode';
import type { DbCluster, DbInstance, RegionIndex, SecurityGroup, SecurityGroupRule } from '../domain/model';
import { engineLabel } from '../domain/engines';
import { compareRules, peerLabel, portHint, portLabel, ruleLabel } from '../domain/rules';
import type { RegionStore } from '../state/store';
import { translateError } from '../aws/errors';
import { nodeId, type Node, type NodeOf, type Via } from './nodes';

/** The resource a tree item stands for, so the findings' FileDecorationProvider can badge it. */
export function findingUri(region: string, groupId: string, ruleId?: string): vscode.Uri {
  return vscode.Uri.from({ scheme: 'aurora-sg', path: `/${region}/${groupId}${ruleId ? `/${ruleId}` : ''}` });
}

/** Escape text from AWS (names, descriptions) so it never renders as Markdown or HTML. */
export function md(text: string | undefined): string {
  return (text ?? '').replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`);
}

function statusColor(status: string): vscode.ThemeColor | undefined {
  if (status === 'available' || status === 'active') return new vscode.ThemeColor('testing.iconPassed');
  if (/fail|error|incompatible|inaccessible|storage-full/.test(status)) return new vscode.ThemeColor('testing.iconFailed');
  if (/stopp|stopped/.test(status)) return new vscode.ThemeColor('disabledForeground');
  return new vscode.ThemeColor('charts.yellow');
}

function isSettling(status: string | undefined): boolean {
  return !!status && !['available', 'active', 'stopped', 'failed'].includes(status);
}

export interface ProviderHost {
  readonly store: RegionStore;
  /** Regions to show; empty when nothing is configured. */
  regions(): Promise<readonly string[]>;
  onDidLoadEmpty?(empty: boolean): void;
}

export class AuroraSgTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly parents = new Map<string, Node>();
  private readonly sub: { dispose(): void };

  constructor(private readonly host: ProviderHost) {
    this.sub = host.store.onChange(() => this.emitter.fire());
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }

  refreshView(): void {
    this.emitter.fire();
  }

  private idx(region: string): RegionIndex | undefined {
    return this.host.store.index(region);
  }

  getParent(n: Node): Node | undefined {
    return this.parents.get(nodeId(n)) ?? this.computeParent(n);
  }

  /** Parent of a node not yet shown (for reveal). */
  private computeParent(n: Node): Node | undefined {
    switch (n.kind) {
      case 'region':
        return undefined;
      case 'section':
      case 'message':
        return { kind: 'region', region: n.region };
      case 'vpc':
        return { kind: 'section', region: n.region, section: 'vpcs' };
      case 'cluster':
        return { kind: 'section', region: n.region, section: 'clusters' };
      case 'dbInstance':
        return n.clusterId ? { kind: 'cluster', region: n.region, clusterId: n.clusterId } : { kind: 'section', region: n.region, section: 'instances' };
      case 'group': {
        if (n.via?.clusterId) return { kind: 'cluster', region: n.region, clusterId: n.via.clusterId };
        if (n.via?.instanceId) return { kind: 'dbInstance', region: n.region, instanceId: n.via.instanceId };
        const vpcId = this.idx(n.region)?.groupsById.get(n.groupId)?.vpcId;
        return vpcId ? { kind: 'vpc', region: n.region, vpcId } : { kind: 'section', region: n.region, section: 'vpcs' };
      }
      case 'direction':
        return { kind: 'group', region: n.region, groupId: n.groupId, via: n.via };
      case 'rule':
        return { kind: 'direction', region: n.region, groupId: n.groupId, egress: n.egress, via: n.via };
    }
  }

  async getChildren(parent?: Node): Promise<Node[]> {
    const kids = await this.children(parent);
    if (parent) for (const k of kids) this.parents.set(nodeId(k), parent);
    return kids;
  }

  private async children(n?: Node): Promise<Node[]> {
    const store = this.host.store;
    if (!n) {
      const regions = await this.host.regions();
      if (regions.length === 0) return [];
      await Promise.allSettled(regions.map((r) => store.ensure(r)));
      const empty = regions.every((r) => {
        const s = store.state(r);
        const i = s?.index?.snapshot;
        return !s?.error && i && i.vpcs.length === 0 && i.clusters.length === 0 && i.instances.length === 0;
      });
      this.host.onDidLoadEmpty?.(empty);
      return empty ? [] : regions.map((region) => ({ kind: 'region', region }));
    }
    const region = n.region;
    if (n.kind === 'region') {
      let idx: RegionIndex | undefined;
      try {
        idx = await store.ensure(region);
      } catch {
        idx = store.index(region);
      }
      const err = store.state(region)?.error;
      const out: Node[] = [];
      if (err) {
        const t = translateError(err, { region });
        out.push({ kind: 'message', region, id: 'error', error: true, text: `Failed to load ${region}: ${t.message}`, detail: t.detail });
      }
      if (!idx) return out;
      const s = idx.snapshot;
      if (s.vpcs.length === 0 && s.clusters.length === 0 && s.instances.length === 0) {
        out.push({ kind: 'message', region, id: 'empty', text: 'No VPCs or databases in this Region' });
        return out;
      }
      out.push({ kind: 'section', region, section: 'vpcs' });
      out.push({ kind: 'section', region, section: 'clusters' });
      if (idx.standaloneInstances().length) out.push({ kind: 'section', region, section: 'instances' });
      return out;
    }
    const idx = this.idx(region);
    if (!idx) return [];
    switch (n.kind) {
      case 'section':
        if (n.section === 'vpcs') {
          const vpcs = [...idx.snapshot.vpcs].sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || (a.name ?? a.vpcId).localeCompare(b.name ?? b.vpcId));
          const out: Node[] = vpcs.map((v) => ({ kind: 'vpc', region, vpcId: v.vpcId }));
          return out;
        }
        if (n.section === 'clusters') {
          const clusters = [...idx.snapshot.clusters].sort((a, b) => a.clusterId.localeCompare(b.clusterId));
          if (!clusters.length) return [{ kind: 'message', region, id: 'no-clusters', text: 'No Aurora DB clusters in this Region' }];
          return clusters.map((c) => ({ kind: 'cluster', region, clusterId: c.clusterId }));
        }
        return idx
          .standaloneInstances()
          .sort((a, b) => a.instanceId.localeCompare(b.instanceId))
          .map((i) => ({ kind: 'dbInstance', region, instanceId: i.instanceId }));
      case 'vpc': {
        const groups = [...(idx.groupsByVpc.get(n.vpcId) ?? [])].sort(compareGroups);
        if (!groups.length) return [{ kind: 'message', region, id: `${n.vpcId}-empty`, text: 'No security groups' }];
        return groups.map((g) => ({ kind: 'group', region, groupId: g.groupId }));
      }
      case 'group':
        return [
          { kind: 'direction', region, groupId: n.groupId, egress: false, via: n.via },
          { kind: 'direction', region, groupId: n.groupId, egress: true, via: n.via },
        ];
      case 'direction': {
        const rules = idx.rulesOf(n.groupId, n.egress).sort(compareRules);
        if (!rules.length)
          return [{ kind: 'message', region, id: `${n.groupId}-${n.egress}-none`, text: n.egress ? 'No outbound rules: no traffic out' : 'No inbound rules: nothing can connect' }];
        return rules.map((r) => ({ kind: 'rule', region, groupId: n.groupId, ruleId: r.ruleId, egress: n.egress, via: n.via }));
      }
      case 'cluster': {
        const c = idx.clustersById.get(n.clusterId);
        if (!c) return [];
        const members = [...c.members].sort((a, b) => Number(b.isWriter) - Number(a.isWriter) || a.instanceId.localeCompare(b.instanceId));
        const out: Node[] = members.map((m) => ({ kind: 'dbInstance', region, instanceId: m.instanceId, clusterId: c.clusterId }));
        if (!members.length) out.push({ kind: 'message', region, id: `${c.clusterId}-noinst`, text: 'No DB instances in this cluster' });
        for (const g of c.securityGroups) out.push({ kind: 'group', region, groupId: g.groupId, via: { clusterId: c.clusterId } });
        if (!c.securityGroups.length) out.push({ kind: 'message', region, id: `${c.clusterId}-nosg`, text: 'No security groups attached' });
        return out;
      }
      case 'dbInstance': {
        if (n.clusterId) return [];
        const i = idx.instancesById.get(n.instanceId);
        return (i?.securityGroups ?? []).map((g) => ({ kind: 'group', region, groupId: g.groupId, via: { instanceId: n.instanceId } }));
      }
      default:
        return [];
    }
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const item = this.item(n);
    item.id = nodeId(n);
    return item;
  }

  private item(n: Node): vscode.TreeItem {
    const None = vscode.TreeItemCollapsibleState.None;
    const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    const Expanded = vscode.TreeItemCollapsibleState.Expanded;
    const store = this.host.store;
    if (n.kind === 'region') {
      const s = store.state(n.region);
      const item = new vscode.TreeItem(n.region, Expanded);
      item.contextValue = 'region';
      item.iconPath = new vscode.ThemeIcon(s?.loading ? 'loading~spin' : s?.error ? 'warning' : 'globe', s?.error ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
      const snap = s?.index?.snapshot;
      if (snap) {
        item.description = `${plural(snap.vpcs.length, 'VPC')} · ${plural(snap.groups.length, 'group')} · ${plural(snap.clusters.length, 'cluster')}`;
        item.tooltip = new vscode.MarkdownString(
          `**Region ${md(n.region)}**\n\nLoaded ${new Date(snap.loadedAt).toLocaleTimeString()}: ${snap.vpcs.length} VPCs, ${snap.groups.length} security groups, ${snap.rules.length} rules, ${snap.clusters.length} DB clusters, ${snap.instances.length} DB instances.`,
        );
      }
      return item;
    }
    if (n.kind === 'message') {
      const item = new vscode.TreeItem(n.text, None);
      item.contextValue = n.error ? 'error' : 'message';
      item.iconPath = new vscode.ThemeIcon(n.error ? 'error' : 'info', n.error ? new vscode.ThemeColor('errorForeground') : undefined);
      if (n.error) {
        item.description = 'click to retry';
        item.tooltip = new vscode.MarkdownString(`$(error) ${md(n.text)}\n\n${md(n.detail)}\n\nClick to retry; details are in the output channel.`, true);
        item.command = { command: 'auroraSg.refresh', title: 'Retry', arguments: [{ kind: 'region', region: n.region }] };
      }
      return item;
    }
    const idx = this.idx(n.region);
    switch (n.kind) {
      case 'section': {
        const count =
          n.section === 'vpcs' ? idx?.snapshot.vpcs.length : n.section === 'clusters' ? idx?.snapshot.clusters.length : idx?.standaloneInstances().length;
        const label = n.section === 'vpcs' ? 'VPCs' : n.section === 'clusters' ? 'Aurora DB clusters' : 'RDS DB instances (not in a cluster)';
        const item = new vscode.TreeItem(label, n.section === 'instances' ? Collapsed : Expanded);
        item.description = `${count ?? 0}`;
        item.contextValue = `section.${n.section}`;
        item.iconPath = new vscode.ThemeIcon(n.section === 'vpcs' ? 'cloud' : n.section === 'clusters' ? 'database' : 'server');
        return item;
      }
      case 'vpc': {
        const v = idx?.snapshot.vpcs.find((x) => x.vpcId === n.vpcId);
        const groups = idx?.groupsByVpc.get(n.vpcId)?.length ?? 0;
        const item = new vscode.TreeItem(v?.name ?? n.vpcId, Collapsed);
        item.description = [v?.cidrBlocks.join(', '), v?.isDefault ? 'default' : undefined, `${groups} group${groups === 1 ? '' : 's'}`, v?.name ? n.vpcId : undefined]
          .filter(Boolean)
          .join(' · ');
        item.iconPath = new vscode.ThemeIcon('vm-connect');
        item.contextValue = 'vpc';
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
        return this.groupItem(n, idx);
      case 'direction': {
        const count = idx?.rulesOf(n.groupId, n.egress).length ?? 0;
        const item = new vscode.TreeItem(n.egress ? 'Outbound' : 'Inbound', count ? (n.egress ? Collapsed : Expanded) : Collapsed);
        item.description = `${count} rule${count === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon(n.egress ? 'arrow-up' : 'arrow-down');
        item.contextValue = n.egress ? 'direction.outbound' : 'direction.inbound';
        return item;
      }
      case 'rule':
        return this.ruleItem(n, idx);
      case 'cluster':
        return this.clusterItem(n, idx?.clustersById.get(n.clusterId), idx);
      case 'dbInstance':
        return this.instanceItem(n, idx?.instancesById.get(n.instanceId), idx);
    }
  }

  private groupItem(n: NodeOf<'group'>, idx: RegionIndex | undefined): vscode.TreeItem {
    const g = idx?.groupsById.get(n.groupId);
    const rules = idx?.rulesOf(n.groupId) ?? [];
    const inbound = rules.filter((r) => !r.isEgress).length;
    const item = new vscode.TreeItem(g?.groupName ?? n.groupId, vscode.TreeItemCollapsibleState.Collapsed);
    const attachedStatus = n.via ? attachedStatusOf(n.via, n.groupId, idx) : undefined;
    if (!g) {
      item.description = `${n.groupId} · not found in this Region`;
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      item.contextValue = n.via ? 'groupLink.missing' : 'group.missing';
      item.collapsibleState = vscode.TreeItemCollapsibleState.None;
      return item;
    }
    item.description = [`${inbound} in / ${rules.length - inbound} out`, attachedStatus && attachedStatus !== 'active' ? attachedStatus : undefined, n.via ? undefined : g.description, n.groupId]
      .filter(Boolean)
      .join(' · ');
    const isDefault = g.groupName === 'default';
    item.resourceUri = findingUri(n.region, n.groupId);
    item.iconPath = new vscode.ThemeIcon(n.via ? 'link' : 'shield', attachedStatus && isSettling(attachedStatus) ? new vscode.ThemeColor('charts.yellow') : undefined);
    item.contextValue = n.via ? (n.via.clusterId ? 'groupLink.cluster' : 'groupLink.instance') : isDefault ? 'group.default' : 'group';
    const att = idx?.attachmentsOf(n.groupId);
    const used = [...(att?.clusters.map((c) => `cluster ${md(c.clusterId)}`) ?? []), ...(att?.instances.map((i) => `instance ${md(i.instanceId)}`) ?? [])];
    const refs = idx?.referencesTo(n.groupId) ?? [];
    item.tooltip = new vscode.MarkdownString(
      [
        `$(shield) **${md(g.groupName)}** \`${g.groupId}\``,
        '',
        md(g.description),
        '',
        `- VPC: \`${md(g.vpcId ?? 'none')}\``,
        `- Rules: ${inbound} inbound, ${rules.length - inbound} outbound (quota 60 each)`,
        `- Guards: ${used.length ? used.join(', ') : 'no database'}`,
        refs.length ? `- Referenced by ${refs.length} rule(s) of other groups` : '',
        attachedStatus ? `- Attachment status: ${md(attachedStatus)}` : '',
        n.via ? '\nClick to show this group under its VPC.' : '',
      ]
        .filter((l) => l !== '')
        .join('\n'),
      true,
    );
    if (n.via) item.command = { command: 'auroraSg.revealGroup', title: 'Show under its VPC', arguments: [{ kind: 'group', region: n.region, groupId: n.groupId }] };
    return item;
  }

  private ruleItem(n: NodeOf<'rule'>, idx: RegionIndex | undefined): vscode.TreeItem {
    const r = idx?.rulesOf(n.groupId, n.egress).find((x) => x.ruleId === n.ruleId);
    if (!r) return new vscode.TreeItem(n.ruleId);
    const lookup = (id: string) => idx?.groupsById.get(id);
    const item = new vscode.TreeItem(`${portLabel(r)} ${r.isEgress ? 'to' : 'from'} ${peerLabel(r.peer, lookup)}`, vscode.TreeItemCollapsibleState.None);
    item.description = r.description ?? '';
    item.iconPath = ruleIcon(r);
    item.contextValue = r.isEgress ? 'rule.outbound' : 'rule.inbound';
    item.resourceUri = findingUri(n.region, n.groupId, n.ruleId);
    const hint = portHint(r);
    item.tooltip = new vscode.MarkdownString(
      [
        `**${md(ruleLabel(r, lookup))}**`,
        '',
        `- Direction: ${r.isEgress ? 'outbound' : 'inbound'}`,
        `- Protocol: ${md(r.protocol === '-1' ? 'all' : r.protocol)}${hint ? ` (${md(hint)})` : ''}`,
        r.protocol === '-1' ? '- Ports: all' : `- Ports: ${r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`}`,
        `- ${r.isEgress ? 'Destination' : 'Source'}: ${md(peerLabel(r.peer, lookup))}`,
        r.description ? `- Description: ${md(r.description)}` : '',
        `- Rule id: \`${r.ruleId}\``,
      ]
        .filter(Boolean)
        .join('\n'),
    );
    return item;
  }

  private clusterItem(n: NodeOf<'cluster'>, c: DbCluster | undefined, idx: RegionIndex | undefined): vscode.TreeItem {
    const item = new vscode.TreeItem(n.clusterId, vscode.TreeItemCollapsibleState.Collapsed);
    if (!c) return item;
    item.description = [engineLabel(c.engine), c.port ? `port ${c.port}` : undefined, c.status].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(isSettling(c.status) ? 'sync~spin' : 'database', statusColor(c.status));
    item.contextValue = 'cluster';
    const groups = c.securityGroups.map((g) => `\`${g.groupId}\` ${md(idx?.groupsById.get(g.groupId)?.groupName)}${g.status && g.status !== 'active' ? ` (${md(g.status)})` : ''}`);
    item.tooltip = new vscode.MarkdownString(
      [
        `$(database) **${md(c.clusterId)}**`,
        '',
        `- Engine: ${md(engineLabel(c.engine))} ${md(c.engineVersion)}`,
        `- Status: ${md(c.status)}`,
        `- Port: ${c.port ?? 'unknown'}`,
        c.endpoint ? `- Writer endpoint: \`${c.endpoint}\`` : '',
        c.readerEndpoint ? `- Reader endpoint: \`${c.readerEndpoint}\`` : '',
        `- VPC: \`${md(c.vpcId ?? 'unknown')}\`${c.subnetGroupName ? ` (subnet group ${md(c.subnetGroupName)})` : ''}`,
        `- Instances: ${c.members.length}`,
        `- Security groups: ${groups.length ? groups.join(', ') : 'none'}`,
      ]
        .filter(Boolean)
        .join('\n'),
      true,
    );
    return item;
  }

  private instanceItem(n: NodeOf<'dbInstance'>, i: DbInstance | undefined, idx: RegionIndex | undefined): vscode.TreeItem {
    const member = n.clusterId ? idx?.clustersById.get(n.clusterId)?.members.find((m) => m.instanceId === n.instanceId) : undefined;
    const item = new vscode.TreeItem(n.instanceId, n.clusterId ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed);
    const role = n.clusterId ? (member?.isWriter ? 'writer' : 'reader') : undefined;
    if (!i) {
      item.description = [role, 'details not loaded'].filter(Boolean).join(' · ');
      item.iconPath = new vscode.ThemeIcon('server');
      item.contextValue = n.clusterId ? 'dbInstance.member' : 'dbInstance.standalone';
      return item;
    }
    item.description = [role ?? engineLabel(i.engine), i.instanceClass, i.status].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(isSettling(i.status) ? 'sync~spin' : role === 'writer' ? 'edit' : role === 'reader' ? 'eye' : 'server', statusColor(i.status));
    item.contextValue = n.clusterId ? 'dbInstance.member' : 'dbInstance.standalone';
    item.tooltip = new vscode.MarkdownString(
      [
        `$(server) **${md(i.instanceId)}**${role ? ` (${role})` : ''}`,
        '',
        `- Engine: ${md(engineLabel(i.engine))}`,
        `- Class: ${md(i.instanceClass)}`,
        `- Status: ${md(i.status)}`,
        i.endpointAddress ? `- Endpoint: \`${i.endpointAddress}:${i.port ?? ''}\`` : '',
        i.availabilityZone ? `- Availability Zone: ${md(i.availabilityZone)}` : '',
        n.clusterId ? `- Security groups: those of cluster ${md(n.clusterId)}` : `- Security groups: ${i.securityGroups.map((g) => `\`${g.groupId}\``).join(', ') || 'none'}`,
      ]
        .filter(Boolean)
        .join('\n'),
      true,
    );
    return item;
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function attachedStatusOf(via: Via, groupId: string, idx: RegionIndex | undefined): string | undefined {
  const list = via.clusterId ? idx?.clustersById.get(via.clusterId)?.securityGroups : via.instanceId ? idx?.instancesById.get(via.instanceId)?.securityGroups : undefined;
  return list?.find((g) => g.groupId === groupId)?.status;
}

function compareGroups(a: SecurityGroup, b: SecurityGroup): number {
  return Number(b.groupName === 'default') - Number(a.groupName === 'default') || a.groupName.localeCompare(b.groupName) || a.groupId.localeCompare(b.groupId);
}

function ruleIcon(r: SecurityGroupRule): vscode.ThemeIcon {
  const world = r.peer.kind === 'cidr4' ? r.peer.cidr === '0.0.0.0/0' : r.peer.kind === 'cidr6' ? r.peer.cidr === '::/0' : false;
  if (world && !r.isEgress) return new vscode.ThemeIcon('globe', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  if (r.peer.kind === 'group') return new vscode.ThemeIcon('shield');
  if (r.peer.kind === 'prefixList') return new vscode.ThemeIcon('list-unordered');
  return new vscode.ThemeIcon(world ? 'globe' : 'symbol-number');
}

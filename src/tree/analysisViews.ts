// The Reachability and Findings views, and the finding badges on the Access tree.
import * as vscode from 'vscode';
import type { Finding, PathExplanation, Reachability, ReachRule, Severity } from '../domain/analysis';
import type { RegionIndex } from '../domain/model';
import { unreadText } from '../domain/model';
import { countOf, portLabel } from '../domain/rules';
import type { AnalysisState } from '../state/analysisState';
import { staleNote, type LiveAnswer } from '../state/liveAnswer';
import type { RegionStore } from '../state/store';
import { md } from './provider';

// ---------------------------------------------------------------------------------------------
// Reachability view

/** The command and arguments that show the result again in the editor ("Open in Editor"). */
export interface ReopenCommand {
  readonly command: string;
  readonly args: unknown;
}

export type ReachResult =
  | { readonly kind: 'reach'; readonly region: string; readonly reach: Reachability; readonly reopen?: ReopenCommand }
  | { readonly kind: 'path'; readonly region: string; readonly source: string; readonly path: PathExplanation; readonly reopen?: ReopenCommand };

/** The summary's "Open in Editor" row: the result shown whole in the editor, through the command that made it. */
function openInEditorNode(result: ReachResult): ReachNode[] {
  if (!result.reopen) return [];
  return [
    {
      id: 'openInEditor',
      label: 'Open in Editor',
      description: result.kind === 'path' ? 'every hop, its reason and the fixes' : 'the diagram',
      icon: new vscode.ThemeIcon('go-to-file'),
      command: { command: result.reopen.command, title: 'Open in Editor', arguments: [result.reopen.args] },
      contextValue: 'openInEditor',
    },
  ];
}

export interface ReachNode {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  readonly icon?: vscode.ThemeIcon;
  readonly children?: readonly ReachNode[];
  readonly command?: vscode.Command;
  readonly contextValue?: string;
  readonly expanded?: boolean;
}

function ruleNodes(prefix: string, rules: readonly ReachRule[], idx: RegionIndex | undefined): ReachNode[] {
  return rules.map((r) => ({
    id: `${prefix}/${r.ruleId}`,
    label: `${portLabel(r)} in ${idx?.groupsById.get(r.groupId)?.groupName ?? r.groupId}`,
    description: r.description ?? r.ruleId,
    tooltip: `Rule ${r.ruleId} of ${r.groupId}: ${portLabel(r)} from ${r.peer}${r.description ? ` (${r.description})` : ''}`,
    icon: new vscode.ThemeIcon('symbol-event'),
  }));
}

const tone = (danger: boolean, warn: boolean) =>
  danger ? new vscode.ThemeColor('errorForeground') : warn ? new vscode.ThemeColor('editorWarning.foreground') : undefined;

/** The result as tree nodes (pure mapping, so tests can read it). */
export function reachNodes(result: ReachResult, idx: RegionIndex | undefined): ReachNode[] {
  if (result.kind === 'reach') {
    const r = result.reach;
    const cidrs: ReachNode[] = r.cidrs.map((c) => ({
      id: `cidr/${c.cidr}`,
      label: c.cidr,
      description: `${c.world ? 'the whole internet' : `${BigInt(c.size).toLocaleString('en-US')} addresses`} · ${c.public ? 'public' : 'private'}`,
      icon: new vscode.ThemeIcon(c.world ? 'warning' : 'globe', tone(c.world, c.public)),
      children: ruleNodes(`cidr/${c.cidr}`, c.rules, idx),
    }));
    const groups: ReachNode[] = r.groups.map((g) => ({
      id: `sg/${g.groupId}`,
      label: g.groupName ?? g.groupId,
      description: [
        g.groupId,
        g.stale ? 'no longer exists' : undefined,
        g.foreign ? `account ${g.userId ?? '?'}` : undefined,
        g.selfReference ? 'itself' : undefined,
        g.ec2Instances.length ? countOf(g.ec2Instances.length, 'EC2 instance') : undefined,
      ]
        .filter(Boolean)
        .join(' · '),
      icon: new vscode.ThemeIcon(g.stale ? 'warning' : 'shield', tone(false, g.stale)),
      command: g.exists
        ? { command: 'auroraSg.revealGroup', title: 'Show', arguments: [{ kind: 'group', region: result.region, groupId: g.groupId }] }
        : undefined,
      children: [
        ...ruleNodes(`sg/${g.groupId}`, g.rules, idx),
        ...g.ec2Instances.map((i) => ({
          id: `sg/${g.groupId}/ec2/${i.instanceId}`,
          label: i.name ?? i.instanceId,
          description: [i.instanceId, i.privateIp, i.state].filter(Boolean).join(' · '),
          icon: new vscode.ThemeIcon('server'),
        })),
      ],
    }));
    const lists: ReachNode[] = r.prefixLists.map((p) => ({
      id: `pl/${p.prefixListId}`,
      label: p.prefixListId,
      icon: new vscode.ThemeIcon('list-unordered'),
      children: ruleNodes(`pl/${p.prefixListId}`, p.rules, idx),
    }));
    const total = cidrs.length + groups.length + lists.length;
    return [
      {
        id: 'summary',
        label: `${r.target.id}: port ${r.port}`,
        description: total
          ? `${total} source${total === 1 ? '' : 's'} can connect${r.worldOpen ? ', including the whole internet' : ''}`
          : 'nothing can connect',
        icon: new vscode.ThemeIcon('database', tone(r.worldOpen, false)),
        tooltip: `Every source that can open a TCP connection to ${r.target.id} on port ${r.port} through its groups (${r.attachedGroupIds.join(', ') || 'none'}). Computed from the loaded rules.`,
        expanded: true,
        children: [
          ...exposureNodes(r),
          { id: 'cidrs', label: 'Address ranges', description: `${cidrs.length}`, icon: new vscode.ThemeIcon('globe'), children: cidrs, expanded: true },
          { id: 'groups', label: 'Security groups', description: `${groups.length}`, icon: new vscode.ThemeIcon('shield'), children: groups, expanded: true },
          ...(lists.length
            ? [
                {
                  id: 'lists',
                  label: 'Prefix lists',
                  description: `${lists.length}`,
                  icon: new vscode.ThemeIcon('list-unordered'),
                  children: lists,
                  expanded: true,
                },
              ]
            : []),
        ],
      },
      ...openInEditorNode(result),
    ];
  }
  const p = result.path;
  const closedAt = p.hops.find((h) => !h.ok);
  const out: ReachNode[] = [
    {
      id: 'verdict',
      label: `${VERDICT_TEXT[p.verdict]}: ${result.source} → ${p.target.id} on port ${p.port}`,
      description: p.networkChecked ? undefined : 'security groups only (the network could not be read)',
      tooltip: `${VERDICT_TEXT[p.verdict]}: ${result.source} → ${p.target.id} on port ${p.port}${closedAt ? `\nClosed at: ${closedAt.label}: ${closedAt.detail}` : ''}`,
      icon: new vscode.ThemeIcon(
        p.open ? 'pass-filled' : p.verdict === 'closed' ? 'error' : 'question',
        p.open ? new vscode.ThemeColor('testing.iconPassed') : new vscode.ThemeColor(p.verdict === 'closed' ? 'errorForeground' : 'list.warningForeground'),
      ),
      expanded: true,
      children: p.hops.map((h, i) => ({
        id: `hop/${i}`,
        label: i === p.blockingHop ? `${h.label} (blocks)` : h.label,
        description: h.detail,
        tooltip: `${h.detail}${h.ruleIds.length ? `\nRules: ${h.ruleIds.join(', ')}` : ''}${h.entry ? `\nDecided by: ${h.entry}` : ''}${h.fix ? `\nTo change: ${h.fix}` : ''}`,
        icon: new vscode.ThemeIcon(
          h.state === 'unknown' ? 'question' : h.ok ? 'check' : 'close',
          new vscode.ThemeColor(h.state === 'unknown' ? 'list.warningForeground' : h.ok ? 'testing.iconPassed' : 'errorForeground'),
        ),
      })),
    },
    ...openInEditorNode(result),
  ];
  for (const [i, m] of p.missingRules.entries()) {
    const gname = idx?.groupsById.get(m.groupId)?.groupName ?? m.groupId;
    const peer = 'cidr' in m.source ? m.source.cidr : (idx?.groupsById.get(m.source.groupId)?.groupName ?? m.source.groupId);
    out.push({
      id: `fix/${i}`,
      label: `Add this rule: ${gname} ${m.isEgress ? 'outbound' : 'inbound'} tcp ${m.fromPort} ${m.isEgress ? 'to' : 'from'} ${peer}`,
      icon: new vscode.ThemeIcon('add', new vscode.ThemeColor('charts.blue')),
      command: {
        command: m.isEgress ? 'auroraSg.addOutboundRule' : 'auroraSg.addInboundRule',
        title: 'Add this rule',
        arguments: [
          {
            region: result.region,
            groupId: m.groupId,
            protocol: m.protocol,
            fromPort: m.fromPort,
            toPort: m.toPort,
            source: m.source,
            description: `Path to ${p.target.id}`,
          },
        ],
      },
      contextValue: 'missingRule',
    });
  }
  return out;
}

/** The row a result computed on older data starts with: what it was computed on, and a refresh. */
function staleRow(note: string, region: string): ReachNode {
  return {
    id: 'stale',
    label: note,
    tooltip: `${note}\nThe answer below is the one computed then; refreshing ${region} computes it again on the account as it is now.`,
    icon: new vscode.ThemeIcon('history', new vscode.ThemeColor('editorWarning.foreground')),
    command: { command: 'auroraSg.refresh', title: 'Refresh', arguments: [{ kind: 'region', region }] },
    contextValue: 'staleAnswer',
  };
}

/**
 * The Reachability view: draws the answer it is given (a LiveAnswer, which recomputes itself on
 * every change of the Region's data), with a note when that answer is on older data.
 */
/** The TreeItem of a plain-data node (the reach view's, Find Results'). */
export function dataTreeItem(n: ReachNode): vscode.TreeItem {
  const item = new vscode.TreeItem(
    n.label,
    n.children?.length
      ? n.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None,
  );
  item.id = n.id;
  item.description = n.description;
  item.tooltip = n.tooltip;
  item.iconPath = n.icon;
  item.command = n.command;
  item.contextValue = n.contextValue;
  return item;
}

export class ReachTreeProvider implements vscode.TreeDataProvider<ReachNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private nodes: ReachNode[] = [];
  private live: LiveAnswer<ReachResult> | undefined;
  private sub: { dispose(): void } | undefined;

  constructor(private readonly store: RegionStore) {}

  /** The answer shown (computed on `answer.stamp`'s data). */
  get result(): ReachResult | undefined {
    return this.live?.value;
  }

  get answer(): LiveAnswer<ReachResult> | undefined {
    return this.live;
  }

  /** Shows `live` from now on, drawn again whenever it is recomputed. */
  show(live: LiveAnswer<ReachResult>): void {
    this.sub?.dispose();
    this.live = live;
    this.sub = live.onDidChange(() => this.draw());
    this.draw();
  }

  private draw(): void {
    const live = this.live;
    const result = live?.value;
    if (!live || !result) return;
    const note = staleNote(live);
    this.nodes = [...(note ? [staleRow(note, result.region)] : []), ...reachNodes(result, this.store.index(result.region))];
    this.emitter.fire();
  }

  getTreeItem(n: ReachNode): vscode.TreeItem {
    return dataTreeItem(n);
  }

  getChildren(n?: ReachNode): ReachNode[] {
    return n ? [...(n.children ?? [])] : this.nodes;
  }

  dispose(): void {
    this.sub?.dispose();
    this.emitter.dispose();
  }
}

/** "From the internet" and "From inside the VPC and peered networks", with the instances behind each answer (when the network was read). */
function exposureNodes(r: Reachability): ReachNode[] {
  const ex = r.exposure;
  if (!ex) return [];
  const role = new Map(ex.endpoints.map((e) => [e.instanceId, e.role]));
  const name = (id: string) => (role.get(id) === 'instance' ? id : `${id} (${role.get(id)})`);
  const part = (id: string, label: string, list: NonNullable<Reachability['exposure']>['internet']): ReachNode => ({
    id,
    label,
    description: list.length ? `${list.filter((x) => x.state === 'allowed').length} of ${list.length} get through` : 'none allowed by the groups',
    icon: new vscode.ThemeIcon(id === 'internet' ? 'globe' : 'home'),
    expanded: true,
    children: list.map((x, i) => ({
      id: `${id}/${i}`,
      label: x.source,
      description: x.instances
        .map(
          (s) =>
            `${name(s.instanceId)}: ${s.state === 'allowed' ? 'reaches' : s.state === 'blocked' ? `blocked at ${s.blocking ?? '?'}` : `unknown (${s.blocking ?? '?'})`}`,
        )
        .join('; '),
      icon: new vscode.ThemeIcon(x.state === 'allowed' ? 'check' : x.state === 'blocked' ? 'close' : 'question'),
    })),
  });
  return [
    {
      id: 'exposure',
      label: ex.internetInstances.length ? `The internet reaches ${ex.internetInstances.map(name).join(', ')}` : 'Not reachable from the internet',
      description: `${ex.endpoints.length} instance${ex.endpoints.length === 1 ? '' : 's'} checked`,
      icon: new vscode.ThemeIcon(ex.internetInstances.length ? 'warning' : 'shield', tone(ex.internetInstances.length > 0, false)),
      expanded: true,
      children: [part('internet', 'From the internet', ex.internet), part('inside', 'From inside the VPC and peered networks', ex.inside)],
    },
  ];
}

const VERDICT_TEXT: Record<PathExplanation['verdict'], string> = { open: 'Open', closed: 'Closed', partial: 'Partly open', unknown: 'Unknown' };

// ---------------------------------------------------------------------------------------------
// Findings view and badges

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const SEVERITY_TEXT: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };
const SEVERITY_ICON: Record<Severity, [string, string]> = {
  critical: ['flame', 'list.errorForeground'],
  high: ['error', 'list.errorForeground'],
  medium: ['warning', 'list.warningForeground'],
  low: ['info', 'editorInfo.foreground'],
  info: ['lightbulb', 'descriptionForeground'],
};

/**
 * The findings that concern a database (`kind` 'cluster' or 'instance'): its own, and the high
 * and medium ones of the groups that guard it (a world-open rule in an attached group exposes it).
 */
function databaseFindings(idx: RegionIndex, computed: readonly Finding[], kind: string, id: string): Finding[] {
  const db = kind === 'cluster' ? idx.clustersById.get(id) : kind === 'instance' ? idx.instancesById.get(id) : undefined;
  if (!db) return [];
  const guards = new Set(db.securityGroups.map((g) => g.groupId));
  const own = (f: Finding) => (kind === 'cluster' ? f.clusterId === id : f.instanceId === id);
  return computed.filter(
    (f) =>
      f.severity !== 'info' &&
      (own(f) || (!!f.groupId && guards.has(f.groupId) && (f.severity === 'critical' || f.severity === 'high' || f.severity === 'medium'))),
  );
}

export type FindingNode =
  | { readonly kind: 'severity'; readonly severity: Severity; readonly items: readonly { region: string; finding: Finding }[] }
  | { readonly kind: 'finding'; readonly region: string; readonly finding: Finding }
  /** A Region loaded in part: the findings that rest on what was not read are not made (RegionSnapshot.failures). */
  | { readonly kind: 'unread'; readonly region: string; readonly text: string };

export class FindingsProvider implements vscode.TreeDataProvider<FindingNode>, vscode.FileDecorationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly decoEmitter = new vscode.EventEmitter<undefined>();
  readonly onDidChangeFileDecorations = this.decoEmitter.event;
  private readonly sub: { dispose(): void };
  /** Regions whose data changed since the last findings pass; `all` when every Region is to be redone. */
  private readonly pending = new Set<string>();
  private pendingAll = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: RegionStore,
    private readonly analysis: AnalysisState,
    private readonly regions: () => Promise<readonly string[]>,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.sub = store.onChange((region) => this.dataChanged(region));
  }

  /** Recompute everything (after the analysis state was reset). */
  changed(): void {
    this.dataChanged(undefined);
  }

  /**
   * A Region's data changed: the Findings view re-reads at once; the badges wait for the findings
   * pass, which runs here, after the change and off any callback of VS Code's, never inside
   * provideFileDecoration.
   */
  private dataChanged(region: string | undefined): void {
    this.emitter.fire();
    if (region === undefined) this.pendingAll = true;
    else this.pending.add(region);
    this.timer ??= setTimeout(() => void this.computePending(), 0);
  }

  private async computePending(): Promise<void> {
    this.timer = undefined;
    const all = this.pendingAll;
    const some = [...this.pending];
    this.pendingAll = false;
    this.pending.clear();
    const regions = all ? await this.regions().catch(() => some) : some;
    for (const region of regions) {
      const idx = this.store.index(region);
      if (!idx) continue;
      try {
        this.analysis.findingsOf(region, idx);
      } catch (e) {
        this.log(`Findings of ${region} could not be computed: ${(e as Error)?.stack ?? String(e)}`);
      }
    }
    this.decoEmitter.fire(undefined);
    await this.updateBadges();
  }

  /** All findings of the loaded Regions (EC2 data loaded first, for "attached to nothing"). */
  async all(): Promise<{ region: string; finding: Finding }[]> {
    const out: { region: string; finding: Finding }[] = [];
    let badgesChanged = false;
    for (const region of await this.regions()) {
      const idx = await this.store.ensure(region).catch(() => this.store.index(region));
      if (!idx) continue;
      await this.analysis.ec2Instances(region).catch(() => undefined);
      // The network part (routes, ACLs, public accessibility) gives the world findings their true severity.
      await this.analysis.network(region, idx).catch((e) => this.log(`The network of ${region} could not be read: ${(e as Error)?.message ?? String(e)}`));
      const before = this.analysis.computed(idx);
      const list = this.analysis.findingsOf(region, idx);
      if (list !== before) badgesChanged = true;
      for (const finding of list) out.push({ region, finding });
    }
    if (badgesChanged) {
      this.decoEmitter.fire(undefined);
      await this.updateBadges();
    }
    return out;
  }

  async getChildren(n?: FindingNode): Promise<FindingNode[]> {
    if (n?.kind === 'severity') return n.items.map((i) => ({ kind: 'finding', ...i }));
    if (n) return [];
    const all = await this.all();
    const unread: FindingNode[] = [];
    for (const region of await this.regions()) {
      const failures = this.store.index(region)?.snapshot.failures ?? [];
      if (failures.length) unread.push({ kind: 'unread', region, text: `${region} partly loaded: could not check ${unreadText(failures)}` });
    }
    return [
      ...unread,
      ...SEVERITIES.map((severity) => ({ kind: 'severity' as const, severity, items: all.filter((x) => x.finding.severity === severity) })).filter(
        (s) => s.items.length,
      ),
    ];
  }

  getTreeItem(n: FindingNode): vscode.TreeItem {
    if (n.kind === 'unread') {
      const item = new vscode.TreeItem(n.text, vscode.TreeItemCollapsibleState.None);
      item.id = `unread:${n.region}`;
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      item.contextValue = 'readFailure';
      item.tooltip = `Findings that depend on what could not be read are not shown (an unread list is unknown, not empty). Grant the permission, then refresh ${n.region}.`;
      item.command = { command: 'auroraSg.refresh', title: 'Retry', arguments: [{ kind: 'region', region: n.region }] };
      return item;
    }
    if (n.kind === 'severity') {
      const item = new vscode.TreeItem(
        SEVERITY_TEXT[n.severity],
        n.severity === 'info' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded,
      );
      item.id = `sev:${n.severity}`;
      item.description = `${n.items.length}`;
      const [icon, color] = SEVERITY_ICON[n.severity];
      item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
      return item;
    }
    const f = n.finding;
    const idx = this.store.index(n.region);
    const g = f.groupId ? idx?.groupsById.get(f.groupId) : undefined;
    const item = new vscode.TreeItem(f.title, vscode.TreeItemCollapsibleState.None);
    item.id = `finding:${n.region}:${f.id}`;
    item.description = [g ? g.groupName : f.groupId, f.clusterId ?? f.instanceId, n.region].filter(Boolean).join(' · ');
    const [icon, color] = SEVERITY_ICON[f.severity];
    item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    item.tooltip = new vscode.MarkdownString(
      `**${md(f.title)}**\n\n${md(f.why)}${f.fix ? `\n\nFix: ${f.fix.kind === 'revoke' ? `remove ${md(f.fix.ruleIds.join(', '))}` : md(f.fix.suggestion)} (right-click, Apply Fix)` : ''}`,
    );
    item.contextValue = f.fix ? `finding.${f.fix.kind}` : 'finding';
    if (f.groupId && g)
      item.command = { command: 'auroraSg.revealGroup', title: 'Show the group', arguments: [{ kind: 'group', region: n.region, groupId: f.groupId }] };
    return item;
  }

  /**
   * Badges on the Access tree: groups and rules with findings (resourceUri aurora-sg:/region/group[/rule]).
   * Reads only findings already computed for the Region's current data: no pass runs here, no code loads.
   */
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'aurora-sg') return undefined;
    const [segment, groupId, ruleId] = uri.path.split('/').filter(Boolean);
    // The scope key is encoded as one segment (findingUri).
    const region = segment ? safeDecode(segment) : undefined;
    const idx = region ? this.store.index(region) : undefined;
    if (!idx || !groupId) return undefined;
    const computed = this.analysis.computed(idx) ?? [];
    const hits = groupId.startsWith('@')
      ? databaseFindings(idx, computed, groupId.slice(1), ruleId ?? '')
      : computed.filter((f) => f.severity !== 'info' && f.groupId === groupId && (ruleId ? f.ruleId === ruleId : true));
    if (!hits.length) return undefined;
    const worst = SEVERITIES.find((s) => hits.some((h) => h.severity === s))!;
    return {
      badge: worst === 'critical' || worst === 'high' ? '!!' : '!',
      color: new vscode.ThemeColor(SEVERITY_ICON[worst][1]),
      tooltip: `${hits.map((h) => `${SEVERITY_TEXT[h.severity]}: ${h.title}`).join('\n')}\n(legend: !! critical or high, ! medium or low; see the Findings view)`,
      propagate: false,
    };
  }

  /** Views whose badge counts the high and medium findings (the activity bar adds them up). */
  private readonly badged: { badge?: vscode.ViewBadge }[] = [];

  showBadgeOn(...views: { badge?: vscode.ViewBadge }[]): void {
    this.badged.push(...views);
    void this.updateBadges();
  }

  /** The badge from the findings already computed for the loaded Regions' current data. */
  private async updateBadges(): Promise<void> {
    if (!this.badged.length) return;
    const serious: Finding[] = [];
    for (const region of await this.regions().catch(() => [] as string[])) {
      const idx = this.store.index(region);
      for (const f of (idx && this.analysis.computed(idx)) || [])
        if (f.severity === 'critical' || f.severity === 'high' || f.severity === 'medium') serious.push(f);
    }
    const high = serious.filter((f) => f.severity === 'critical' || f.severity === 'high').length;
    const badge: vscode.ViewBadge | undefined = serious.length
      ? {
          value: serious.length,
          tooltip: `${serious.length} finding${serious.length === 1 ? '' : 's'} (${high} high): ${serious
            .slice(0, 3)
            .map((f) => f.title)
            .join('; ')}${serious.length > 3 ? '; …' : ''}`,
        }
      : undefined;
    for (const v of this.badged) v.badge = badge;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.sub.dispose();
    this.emitter.dispose();
    this.decoEmitter.dispose();
  }
}

/** decodeURIComponent that gives undefined for a malformed escape instead of throwing. */
function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

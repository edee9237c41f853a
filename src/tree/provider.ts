// The Access tree: Regions, their VPCs, security groups and rules, DB clusters (Aurora, Multi-AZ) and DB instances.
// The provider walks the Region's index for children and parents; the rows themselves are drawn by
// accessItems.ts, their context values (what the menus match) come from contextValues.ts.
import * as vscode from 'vscode';
import type { ReadFailure, RegionIndex, RegionRead, SecurityGroup } from '../domain/model';
import { readPending, readShowsFirstPages, REGION_READS } from '../domain/model';
import { compareRules } from '../domain/rules';
import type { RegionStore } from '../state/store';
import { translateError } from '../aws/errors';
import { accessItem, groupHoverOf } from './accessItems';
import { managedBy } from '../domain/code/managed';
import { groupTooltip, usedByText, type GroupUsageRead } from './hovers';
import { nodeId, type Node } from './nodes';
import type { NodeFilter } from './treeFilterControl';
import type { AccountStore } from '../state/accounts';
import { profileOf } from '../domain/scope';
import { accountItem } from './accountItems';

// tree/analysisViews.ts and the tests take md() from here.
export { md } from './accessItems';

export interface ProviderHost {
  readonly store: RegionStore;
  /** Regions to show; empty when nothing is configured. */
  regions(): Promise<readonly string[]>;
  onDidLoadEmpty?(empty: boolean): void;
  /** The auroraSg.endpoint override in use, if any: an error row names it. */
  endpoint?(): string | undefined;
  /** auroraSg.managedByTags: a group or database they mark shows "managed by …". */
  managedByTags?(): readonly string[];
  /** Who uses a group (EC2 instances, network interfaces): read when its hover opens (resolveTreeItem). */
  groupUsage?(region: string, groupId: string): Promise<GroupUsageRead>;
  /** The accounts of auroraSg.profiles: when it lists profiles (and scopesOf is given), the root is their accounts. */
  readonly accounts?: AccountStore;
  /** The scope keys (profile/Region) of a profile's account: its rows under the account. */
  scopesOf?(profile: string): readonly string[];
}

/** The reads whose failure is shown on a node of their own (VPCs, groups, rules, databases); any other under the Region. */
const PLACED_READS: ReadonlySet<RegionRead> = new Set<RegionRead>(['vpcs', 'groups', 'rules', 'clusters', 'instances']);

/** What to do about a load that failed against the endpoint override (the error alone blames the network). */
export function endpointAdvice(endpoint: string): string {
  return `The auroraSg.endpoint setting sends every call to ${endpoint}: start the emulator there (the demo's moto server), or correct or clear auroraSg.endpoint to use AWS.`;
}

export class AuroraSgTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly parents = new Map<string, Node>();
  /** Per Region being loaded, what its last partial view showed (partSignature); undefined after a full one. */
  private readonly shownParts = new Map<string, string | undefined>();
  /** The Regions a getChildren is waiting on for their first part (how many calls wait). */
  private readonly waitingFirstPart = new Map<string, number>();
  /**
   * The Region rows VS Code holds (the objects getChildren gave it: it knows an element by identity).
   * A part of a load refreshes its Region's row and what is under it, not the whole tree: a whole
   * refresh makes VS Code drop every row it holds and walk the tree again from the root, cancelling
   * the walk under way (its first rows would wait for the load's last part), and redraws the other Regions.
   */
  private readonly regionNodes = new Map<string, Node>();
  private readonly sub: { dispose(): void };
  private readonly accountSub?: { dispose(): void };

  constructor(private readonly host: ProviderHost) {
    this.sub = host.store.onChange((region) => {
      // A reset (no Region): every node known so far is gone.
      if (region === undefined) {
        this.parents.clear();
        this.shownParts.clear();
        this.regionNodes.clear();
        return this.emitter.fire();
      }
      // While a load is under way its parts come one after another, and VS Code restarts the
      // rendering of the rows on each refresh (first rows would wait for the last part): refresh only
      // for a part that changes what the tree shows, and not at all while the root's getChildren waits
      // for the Region's first part (it returns the Region as it is when it resumes, after this event).
      const sig = this.partSignature(region);
      const same = sig !== undefined && this.shownParts.get(region) === sig;
      this.shownParts.set(region, sig);
      if (same || this.waitingFirstPart.has(region)) return;
      // A load's end refreshes the whole tree (whether anything is left to show is decided at the root).
      this.emitter.fire(sig === undefined ? undefined : this.regionNodes.get(region));
    });
    this.accountSub = host.accounts?.onChange(() => this.emitter.fire());
  }

  /** With several accounts: the profiles, the root's rows; undefined in one-profile mode. */
  private profiles(): readonly string[] | undefined {
    const p = this.host.scopesOf ? this.host.accounts?.getProfiles() : undefined;
    return p?.length ? p : undefined;
  }

  dispose(): void {
    this.sub.dispose();
    this.accountSub?.dispose();
    this.emitter.dispose();
  }

  refreshView(): void {
    this.emitter.fire();
  }

  /**
   * What the rows of a partial view of the Region depend on (the counts of each placed list, the
   * reads still loading or showing their first pages, the failures, the error); undefined when the
   * view is a full load (every change of one is shown).
   */
  private partSignature(region: string): string | undefined {
    const s = this.idx(region)?.snapshot;
    if (!s?.pending) return undefined;
    const placed = s.pending.filter((r) => PLACED_READS.has(r)).join(',');
    return [this.host.store.state(region)?.error ? 'error' : '', s.vpcs.length, s.groups.length, s.rules.length, s.clusters.length, s.instances.length]
      .concat(placed, (s.firstPages ?? []).join(','), (s.failures ?? []).map((f) => f.read).join(','))
      .join('|');
  }

  /**
   * Waits for the Regions' first parts, for the root's rows; meanwhile their parts do not refresh the
   * tree (the root's rows, and the Regions' rows VS Code then asks for, are drawn from the parts as
   * they are when this resumes).
   */
  private async firstParts(regions: readonly string[]): Promise<void> {
    const store = this.host.store;
    const waiting = regions.filter((r) => !store.view(r));
    for (const r of waiting) this.waitingFirstPart.set(r, (this.waitingFirstPart.get(r) ?? 0) + 1);
    try {
      await Promise.all(regions.map((r) => store.firstRows(r)));
    } finally {
      for (const r of waiting) {
        const n = (this.waitingFirstPart.get(r) ?? 1) - 1;
        if (n > 0) this.waitingFirstPart.set(r, n);
        else this.waitingFirstPart.delete(r);
      }
    }
  }

  /** The Region's rows: a load under way as far as it has answered, else the last full load (RegionStore.view). */
  private idx(region: string): RegionIndex | undefined {
    return this.host.store.view(region);
  }

  getParent(n: Node): Node | undefined {
    return this.parents.get(nodeId(n)) ?? this.computeParent(n);
  }

  /** Parent of a node not yet shown (for reveal). */
  private computeParent(n: Node): Node | undefined {
    switch (n.kind) {
      case 'account':
        return undefined;
      case 'region': {
        // With several accounts a Region is under its account (profile/Region).
        const profile = profileOf(n.region);
        return profile === undefined ? undefined : { kind: 'account', profile, region: '' };
      }
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

  /** The filter of auroraSg.filterTree: what does not match it is hidden (undefined: everything shows). */
  private filter: NodeFilter | undefined;

  setFilter(filter: NodeFilter | undefined): void {
    this.filter = filter;
    this.emitter.fire();
  }

  async getChildren(parent?: Node): Promise<Node[]> {
    const all = await this.children(parent);
    const kids = this.filter ? this.filter.keep(parent, all, (region) => this.idx(region)) : all;
    if (parent) for (const k of kids) this.parents.set(nodeId(k), parent);
    if (!parent || parent.kind === 'account') {
      // A Region the filter hides is refreshed with the root (the filter decides again).
      for (const r of all) if (r.kind === 'region') this.regionNodes.delete(r.region);
      for (const k of kids) if (k.kind === 'region') this.regionNodes.set(k.region, k);
    }
    return kids;
  }

  private async children(n?: Node): Promise<Node[]> {
    const store = this.host.store;
    const accounts = this.profiles();
    if (!n && accounts) {
      // Each account on its own: its row shows at once, its identity and its Regions load apart.
      this.host.onDidLoadEmpty?.(false);
      for (const profile of accounts) void this.host.accounts!.ensure(profile);
      return accounts.map((profile) => ({ kind: 'account', profile, region: '' }));
    }
    if (n?.kind === 'account') return (this.host.scopesOf?.(n.profile) ?? []).map((region) => ({ kind: 'region', region }));
    if (!n) {
      const regions = await this.host.regions();
      if (regions.length === 0) return [];
      // The Regions show as soon as their first read answers (each part fills in as it arrives).
      await this.firstParts(regions);
      const empty = regions.every((r) => {
        const s = store.state(r);
        const i = s?.index?.snapshot;
        return !s?.error && i && !i.failures?.length && i.vpcs.length === 0 && i.clusters.length === 0 && i.instances.length === 0;
      });
      this.host.onDidLoadEmpty?.(empty);
      return empty ? [] : regions.map((region) => ({ kind: 'region', region }));
    }
    const region = n.region;
    if (n.kind === 'region') {
      // (Not firstParts: the Region's own row, drawn already, must still be refreshed by each part.)
      await store.viewReady(region);
      const idx = this.idx(region);
      const err = store.state(region)?.error;
      const out: Node[] = [];
      if (err) {
        const endpoint = this.host.endpoint?.();
        const t = translateError(err, { region, endpoint });
        const detail = [t.message, endpoint ? endpointAdvice(endpoint) : undefined, t.detail ? `(${t.code}: ${t.detail})` : undefined]
          .filter(Boolean)
          .join('\n\n');
        out.push({ kind: 'message', region, id: 'error', error: true, text: `Failed to load ${region}: ${t.message}`, detail });
      }
      if (!idx) return out;
      const s = idx.snapshot;
      const failures = s.failures ?? [];
      for (const f of failures) if (!PLACED_READS.has(f.read)) out.push(this.failureRow(n, f));
      if (!failures.length && !s.pending && s.vpcs.length === 0 && s.clusters.length === 0 && s.instances.length === 0) {
        out.push({ kind: 'message', region, id: 'empty', text: 'No VPCs or databases in this Region' });
        return out;
      }
      out.push({ kind: 'section', region, section: 'vpcs' });
      out.push({ kind: 'section', region, section: 'clusters' });
      if (idx.standaloneInstances().length || this.failure(region, 'instances') || this.loading(region, 'instances'))
        out.push({ kind: 'section', region, section: 'instances' });
      return out;
    }
    const idx = this.idx(region);
    if (!idx) return [];
    switch (n.kind) {
      case 'section':
        if (n.section === 'vpcs') {
          const vpcs = [...idx.snapshot.vpcs].sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || (a.name ?? a.vpcId).localeCompare(b.name ?? b.vpcId));
          const out: Node[] = vpcs.map((v) => ({ kind: 'vpc', region, vpcId: v.vpcId }));
          if (!vpcs.length && this.loading(region, 'vpcs')) return [this.loadingRow(n, 'vpcs')];
          const f = this.failure(region, 'vpcs');
          if (f) {
            // The VPCs were not read: those the groups name still hold them (labelled as not read).
            const ids = [...new Set(idx.snapshot.groups.map((g) => g.vpcId).filter((v): v is string => !!v))].sort();
            return [this.failureRow(n, f), ...ids.map((vpcId): Node => ({ kind: 'vpc', region, vpcId }))];
          }
          return out;
        }
        if (n.section === 'clusters') {
          const cf = this.failure(region, 'clusters');
          if (cf) return [this.failureRow(n, cf)];
          const clusters = [...idx.snapshot.clusters].sort((a, b) => a.clusterId.localeCompare(b.clusterId));
          if (!clusters.length && this.loading(region, 'clusters')) return [this.loadingRow(n, 'clusters')];
          if (!clusters.length) return [{ kind: 'message', region, id: 'no-clusters', text: 'No DB clusters in this Region' }];
          const rows: Node[] = clusters.map((c) => ({ kind: 'cluster', region, clusterId: c.clusterId }));
          // VS Code asks for the VPCs' rows before these: once it has taken both (after this turn), the
          // load may parse its big answers (they wait for the first rows: RegionStore.rowsShown).
          if (idx.snapshot.pending) setTimeout(() => store.rowsShown(region), 0);
          // The first pages of a read still running: say that more are coming (never a list that looks whole).
          return this.firstPages(region, 'clusters') ? [...rows, this.loadingRow(n, 'clusters', true)] : rows;
        }
        {
          const inf = this.failure(region, 'instances');
          if (inf) return [this.failureRow(n, inf)];
          if (!idx.standaloneInstances().length && this.loading(region, 'instances')) return [this.loadingRow(n, 'instances')];
        }
        return idx
          .standaloneInstances()
          .sort((a, b) => a.instanceId.localeCompare(b.instanceId))
          .map((i) => ({ kind: 'dbInstance', region, instanceId: i.instanceId }));
      case 'vpc': {
        const groups = [...(idx.groupsByVpc.get(n.vpcId) ?? [])].sort(compareGroups);
        const gf = this.failure(region, 'groups');
        if (gf) return [this.failureRow(n, gf)];
        if (!groups.length && this.loading(region, 'groups')) return [this.loadingRow(n, 'groups')];
        if (!groups.length) return [{ kind: 'message', region, id: `${n.vpcId}-empty`, text: 'No security groups' }];
        return groups.map((g) => ({ kind: 'group', region, groupId: g.groupId }));
      }
      case 'group': {
        // Rules not read: one row saying so, never "No inbound rules: nothing can connect".
        const rf = this.failure(region, 'rules');
        if (rf) return [this.failureRow(n, rf)];
        // The rules not answered yet (a first load; a refresh shows the old ones meanwhile): never "No inbound rules".
        if (!idx.rulesOf(n.groupId).length && this.loading(region, 'rules')) return [this.loadingRow(n, 'rules')];
        return [
          { kind: 'direction', region, groupId: n.groupId, egress: false, via: n.via },
          { kind: 'direction', region, groupId: n.groupId, egress: true, via: n.via },
        ];
      }
      case 'direction': {
        const rules = idx.rulesOf(n.groupId, n.egress).sort(compareRules);
        if (!rules.length)
          return [
            {
              kind: 'message',
              region,
              id: `${n.groupId}-${n.egress}-none`,
              text: n.egress ? 'No outbound rules: no traffic out' : 'No inbound rules: nothing can connect',
            },
          ];
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

  /** The failure of one read of the Region's last load, if that read failed. */
  private failure(region: string, read: RegionRead): ReadFailure | undefined {
    return this.idx(region)?.snapshot.failures?.find((f) => f.read === read);
  }

  /** Whether a read of the load under way has not answered yet (the view is a partial snapshot). */
  private loading(region: string, read: RegionRead): boolean {
    const s = this.idx(region)?.snapshot;
    return !!s && readPending(s, read);
  }

  /** Whether a read of the load under way shows its first pages, more to come (RegionSnapshot.firstPages). */
  private firstPages(region: string, read: RegionRead): boolean {
    const s = this.idx(region)?.snapshot;
    return !!s && readShowsFirstPages(s, read);
  }

  /** The row standing for a part whose read has not answered yet: "Loading security groups…" (or "Loading more …" after its first pages). */
  private loadingRow(parent: Node, read: RegionRead, more = false): Node {
    const text = `Loading ${more ? 'more ' : ''}${REGION_READS[read].label}…`;
    return { kind: 'message', region: parent.region, id: `${nodeId(parent)}|loading:${read}`, text, loading: true };
  }

  /** The row, on the node where the part belongs, that says which read failed, the IAM action it needs and why. */
  private failureRow(parent: Node, f: ReadFailure): Node {
    const t = translateError(f.error, { region: parent.region, endpoint: this.host.endpoint?.() });
    return {
      kind: 'message',
      region: parent.region,
      id: `${nodeId(parent)}|unread:${f.read}`,
      text: `Could not read ${REGION_READS[f.read]?.label ?? f.read}: needs ${f.action}`,
      error: true,
      readFailure: true,
      detail: t.message,
    };
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const accounts = this.host.accounts;
    const item =
      n.kind === 'account' && accounts
        ? accountItem(accounts.info(n.profile), this.host.scopesOf?.(n.profile) ?? [], this.host.endpoint?.())
        : accessItem(n, this.host.store, this.host.managedByTags?.(), this.profiles() && ((id) => accounts?.byAccountId(id)?.profile));
    item.id = nodeId(n);
    // VS Code asks resolveTreeItem for a tooltip only when it is undefined: a group's hover is made there, with its users.
    if (n.kind === 'group' && this.host.groupUsage && groupHoverOf(n, this.idx(n.region))) item.tooltip = undefined;
    return item;
  }

  /**
   * A group's hover gets its "Used by" part when it opens: the reads (DescribeInstances,
   * DescribeNetworkInterfaces) run only for a group someone looks at. A read that fails is named
   * in the hover with the permission it needs.
   */
  async resolveTreeItem(item: vscode.TreeItem, n: Node): Promise<vscode.TreeItem> {
    if (n.kind !== 'group' || !this.host.groupUsage) return item;
    const managedTags = this.host.managedByTags?.();
    const h = groupHoverOf(n, this.idx(n.region), (tags) => managedBy(tags, managedTags));
    if (!h) return item;
    const usage = await this.host.groupUsage(n.region, n.groupId).catch(() => undefined);
    item.tooltip = new vscode.MarkdownString(groupTooltip(h, usage ? usedByText(usage, h.guards) : undefined), true);
    return item;
  }
}

function compareGroups(a: SecurityGroup, b: SecurityGroup): number {
  return Number(b.groupName === 'default') - Number(a.groupName === 'default') || a.groupName.localeCompare(b.groupName) || a.groupId.localeCompare(b.groupId);
}

// The Access tree's filter (auroraSg.filterTree): text, or any Find query (src/domain/find/query.ts).
// What does not match is hidden: a VPC shows only its matching groups, a group matched by some of
// its rules shows only those rules, the databases section only the databases that match (by their
// own data, their attached groups, or an address the query names that reaches them). Regions,
// sections and the rows that say a read failed or is loading always stay. Computed once per loaded
// index (a refresh makes a new one), so it follows the data.
import type * as vscode from 'vscode';
import { find, type FindScope } from '../domain/find/match';
import { parseQuery, type Query } from '../domain/find/query';
import type { RegionIndex } from '../domain/model';
import { nodeId, type Node } from './nodes';

/** What the filter keeps of one Region. */
interface Visible {
  /** Group id -> 'all' (the group matched) or the ids of its matching rules. */
  readonly groups: ReadonlyMap<string, 'all' | ReadonlySet<string>>;
  readonly vpcs: ReadonlySet<string>;
  /** Cluster and instance ids. */
  readonly databases: ReadonlySet<string>;
}

export class TreeFilter {
  private readonly memo = new WeakMap<RegionIndex, Visible>();

  constructor(
    readonly query: Query,
    /** The network part of a scope when it was read (prefix list entries, the path engine's routes). */
    private readonly networkOf: (key: string) => FindScope['network'] = () => undefined,
  ) {}

  get text(): string {
    return this.query.text;
  }

  private visible(key: string, idx: RegionIndex): Visible {
    let v = this.memo.get(idx);
    if (v) return v;
    const network = this.networkOf(key);
    const r = find(this.query, [{ key, idx, ...(network ? { network } : {}) }]);
    const groups = new Map<string, 'all' | ReadonlySet<string>>();
    for (const g of r.groups) groups.set(g.group.groupId, g.whole ? 'all' : new Set(g.rules.map((x) => x.ruleId)));
    const vpcs = new Set<string>();
    for (const id of groups.keys()) {
      const vpc = idx.groupsById.get(id)?.vpcId;
      if (vpc) vpcs.add(vpc);
    }
    const databases = new Set<string>([...r.databases, ...r.reach].map((d) => d.target.id));
    // A database that a matching group guards stays too: the filter shows where the group is used.
    for (const c of idx.snapshot.clusters) if (c.securityGroups.some((g) => groups.has(g.groupId))) databases.add(c.clusterId);
    for (const i of idx.snapshot.instances) {
      if (i.securityGroups.some((g) => groups.has(g.groupId)) || (i.clusterId && databases.has(i.clusterId))) databases.add(i.instanceId);
      if (i.clusterId && databases.has(i.instanceId)) databases.add(i.clusterId);
    }
    v = { groups, vpcs, databases };
    this.memo.set(idx, v);
    return v;
  }

  /** The children of `parent` the filter keeps (`idxOf`: the Region's index the tree shows). */
  keep(parent: Node | undefined, kids: Node[], idxOf: (key: string) => RegionIndex | undefined): Node[] {
    if (!parent || parent.kind === 'region' || parent.kind === 'cluster' || parent.kind === 'dbInstance' || parent.kind === 'message') return kids;
    const idx = idxOf(parent.region);
    if (!idx) return kids;
    const v = this.visible(parent.region, idx);
    const kept = kids.filter((k) => {
      switch (k.kind) {
        case 'vpc':
          return v.vpcs.has(k.vpcId);
        case 'group':
          return v.groups.has(k.groupId);
        case 'cluster':
          return v.databases.has(k.clusterId);
        case 'dbInstance':
          return v.databases.has(k.instanceId);
        case 'rule': {
          const g = v.groups.get(k.groupId);
          return g === 'all' || (g !== undefined && g.has(k.ruleId));
        }
        case 'direction': {
          const g = v.groups.get(k.groupId);
          return g === 'all' || (g !== undefined && idx.rulesOf(k.groupId, k.egress).some((r) => g.has(r.ruleId)));
        }
        default:
          return true;
      }
    });
    if (kept.length || !kids.length || parent.kind !== 'section') return kept;
    return [{ kind: 'message', region: parent.region, id: `${nodeId(parent)}|filtered`, text: `Nothing here matches the filter "${this.text}"` }];
  }
}

/** Where the filter is kept: per workspace (context.workspaceState), across restarts. */
export const TREE_FILTER_KEY = 'auroraSg.treeFilter';
/** The context key the view title's clear button shows on. */
export const TREE_FILTERED_CONTEXT = 'auroraSg.treeFiltered';

/** The filter of the Access tree: applied to the provider, shown in the view's description, kept in the workspace's state. */
export class TreeFilterControl {
  private filter: TreeFilter | undefined;

  constructor(
    private readonly provider: { setFilter(f: TreeFilter | undefined): void },
    private readonly view: Pick<vscode.TreeView<unknown>, 'description'>,
    private readonly state: vscode.Memento,
    private readonly setContext: (key: string, value: unknown) => void,
    private readonly networkOf: (key: string) => FindScope['network'] = () => undefined,
  ) {}

  get current(): TreeFilter | undefined {
    return this.filter;
  }

  /** Filters the tree by `query` (undefined: shows everything again), and keeps it for the workspace. */
  async apply(query: Query | undefined): Promise<void> {
    this.show(query);
    await this.state.update(TREE_FILTER_KEY, query?.text);
  }

  /** The filter kept from the last session, if any; a kept text that no longer parses is dropped. */
  restore(): void {
    const text = this.state.get<unknown>(TREE_FILTER_KEY);
    if (typeof text !== 'string' || !text) return;
    const q = parseQuery(text);
    if ('error' in q) void this.state.update(TREE_FILTER_KEY, undefined);
    else this.show(q);
  }

  private show(query: Query | undefined): void {
    this.filter = query ? new TreeFilter(query, this.networkOf) : undefined;
    this.provider.setFilter(this.filter);
    this.view.description = query ? `filter: ${query.text}` : undefined;
    this.setContext(TREE_FILTERED_CONTEXT, !!query);
  }
}

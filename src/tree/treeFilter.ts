// The Access tree's filter (auroraSg.filterTree): text, or any Find query (src/domain/find/query.ts).
// What does not match is hidden: a VPC shows only its matching groups, a group matched by some of
// its rules shows only those rules, the databases section only the databases that match (by their
// own data, their attached groups, or an address the query names that reaches them). Regions,
// sections and the rows that say a read failed or is loading always stay. Computed once per loaded
// index (a refresh makes a new one), so it follows the data.
import { find, type FindScope } from '../domain/find/match';
import { parseQuery, type Query } from '../domain/find/query';
import type { RegionIndex } from '../domain/model';
import { nodeId, type Node } from './nodes';
import type { NodeFilter } from './treeFilterControl';

/** What the filter keeps of one Region. */
interface Visible {
  /** Group id -> 'all' (the group matched) or the ids of its matching rules. */
  readonly groups: ReadonlyMap<string, 'all' | ReadonlySet<string>>;
  readonly vpcs: ReadonlySet<string>;
  /** Cluster and instance ids. */
  readonly databases: ReadonlySet<string>;
}

export class TreeFilter implements NodeFilter {
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

/** The filter of a kept or typed text (dist/features.js): a text that no longer parses filters nothing. */
export function treeFilterOf(text: string, networkOf?: (key: string) => FindScope['network']): NodeFilter {
  const q = parseQuery(text);
  return 'error' in q ? { keep: (_parent, kids) => kids } : new TreeFilter(q, networkOf);
}

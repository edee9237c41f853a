// The access graph of one database, as plain data for the diagram: who -> which group -> database.
import type { Reachability } from './analysis';
import { portLabel } from './rules';

export type GraphNodeKind = 'database' | 'dbGroup' | 'cidr' | 'group' | 'ec2' | 'prefixList';

export interface GraphNode {
  readonly id: string;
  readonly kind: GraphNodeKind;
  readonly label: string;
  readonly detail?: string;
  /** 'danger' (world-open), 'warn' (public or stale), or 'ok'. */
  readonly tone: 'danger' | 'warn' | 'ok';
  /** For groups: the id to reveal in the tree. */
  readonly groupId?: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly dashed?: boolean;
}

export interface ReachGraph {
  readonly title: string;
  readonly port: number;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

function portsOf(rules: readonly { protocol: string; fromPort: number; toPort: number }[]): string {
  return [...new Set(rules.map((r) => portLabel(r)))].join(', ');
}

/** Nodes and edges for a Reachability: sources -> the database's groups that let them in -> the database. */
export function reachGraph(r: Reachability, groupName: (id: string) => string | undefined): ReachGraph {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const add = (n: GraphNode) => {
    if (!nodes.has(n.id)) nodes.set(n.id, n);
  };
  const dbId = `db:${r.target.id}`;
  add({ id: dbId, kind: 'database', label: r.target.id, detail: `${r.engine} · port ${r.port}`, tone: r.worldOpen ? 'danger' : 'ok' });
  for (const g of r.attachedGroupIds) {
    add({ id: `dbg:${g}`, kind: 'dbGroup', label: groupName(g) ?? g, detail: g, tone: r.missingAttachedGroupIds.includes(g) ? 'warn' : 'ok', groupId: g });
    edges.push({ from: `dbg:${g}`, to: dbId, label: 'guards' });
  }
  const link = (from: string, rules: readonly { groupId: string; protocol: string; fromPort: number; toPort: number }[]) => {
    const byGroup = new Map<string, (typeof rules)[number][]>();
    for (const rule of rules) byGroup.set(rule.groupId, [...(byGroup.get(rule.groupId) ?? []), rule]);
    for (const [g, rs] of byGroup) edges.push({ from, to: `dbg:${g}`, label: portsOf(rs) });
  };
  for (const c of r.cidrs) {
    const id = `cidr:${c.cidr}`;
    add({
      id,
      kind: 'cidr',
      label: c.cidr,
      detail: `${c.world ? 'the whole internet' : `${BigInt(c.size).toLocaleString('en-US')} address${c.size === '1' ? '' : 'es'}`}, ${c.public ? 'public' : 'private'}`,
      tone: c.world ? 'danger' : c.public ? 'warn' : 'ok',
    });
    link(id, c.rules);
  }
  for (const g of r.groups) {
    const id = g.attached ? `dbg:${g.groupId}` : `grp:${g.groupId}`;
    if (!g.attached)
      add({
        id,
        kind: 'group',
        label: g.groupName ?? g.groupId,
        detail: g.stale ? `${g.groupId} (no longer exists)` : g.foreign ? `${g.groupId} (account ${g.userId ?? '?'})` : g.groupId,
        tone: g.stale ? 'warn' : 'ok',
        groupId: g.groupId,
      });
    link(id, g.rules);
    for (const i of g.ec2Instances) {
      const eid = `ec2:${i.instanceId}`;
      add({ id: eid, kind: 'ec2', label: i.name ?? i.instanceId, detail: [i.instanceId, i.privateIp].filter(Boolean).join(' · '), tone: 'ok' });
      edges.push({ from: eid, to: id, label: 'carries', dashed: true });
    }
  }
  for (const p of r.prefixLists) {
    const id = `pl:${p.prefixListId}`;
    add({ id, kind: 'prefixList', label: p.prefixListId, detail: 'prefix list', tone: 'ok' });
    link(id, p.rules);
  }
  return { title: `Who can reach ${r.target.id} on port ${r.port}`, port: r.port, nodes: [...nodes.values()], edges };
}

/** The sentence above the diagram: how many sources, and whether the whole internet is one of them. */
export function graphSummary(graph: ReachGraph): { text: string; danger: boolean } {
  const sources = graph.nodes.filter((n) => n.kind === 'cidr' || n.kind === 'group' || n.kind === 'prefixList');
  const danger = graph.nodes.filter((n) => n.tone === 'danger' && n.kind === 'cidr');
  return {
    text: `${sources.length} source${sources.length === 1 ? '' : 's'} can open a connection on port ${graph.port}${danger.length ? ` — including the whole internet (${danger.map((d) => d.label).join(', ')})` : ''}.`,
    danger: danger.length > 0,
  };
}

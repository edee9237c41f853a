// The access graph of one database, as plain data for the diagram: who -> which group -> database.
// With the network read, the hops between a source and the groups that decide its answer are
// nodes too (issue 15: "only where they matter"): the hop that stops it (a network ACL, a missing
// route, PubliclyAccessible off), highlighted with the fix the Explain Path panel gives, and for a
// source on the internet that gets in, the public subnet's route to the internet gateway.
import type { Reachability, SourceReach } from './analysis/reach';
import type { HopState } from './analysis/network';
import { networkHops, type PathHop } from './analysis/path';
import { cidrOf } from './analysis/target';
import type { RegionIndex } from './model';
import type { NetworkIndex } from './network';
import { portLabel } from './rules';

/** 'subnet', 'acl', 'route' and 'setting' (PubliclyAccessible, NetworkType): network hops, drawn only where they decide. */
export type GraphNodeKind = 'database' | 'dbGroup' | 'cidr' | 'group' | 'ec2' | 'prefixList' | 'subnet' | 'acl' | 'route' | 'setting';

export interface GraphNode {
  readonly id: string;
  readonly kind: GraphNodeKind;
  readonly label: string;
  readonly detail?: string;
  /** 'danger' (world-open), 'warn' (public or stale), or 'ok'. */
  readonly tone: 'danger' | 'warn' | 'ok';
  /** For groups: the id to reveal in the tree. */
  readonly groupId?: string;
  /** Network hops: their verdict, whether it is the hop that stops the source, what decided it and what to change. */
  readonly state?: HopState;
  readonly blocks?: boolean;
  readonly entry?: string;
  readonly fix?: string;
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

/** What the graph needs to draw network hops: the Region's index and its network read (absent: security groups only). */
export interface GraphNetwork {
  readonly idx: RegionIndex;
  readonly net: NetworkIndex;
}

const NODE_KIND: Record<PathHop['kind'], GraphNodeKind> = {
  source: 'cidr',
  egress: 'group',
  ingress: 'dbGroup',
  public: 'setting',
  route: 'route',
  subnet: 'subnet',
  'acl-out': 'acl',
  'acl-in': 'acl',
  'acl-return': 'acl',
  'acl-return-in': 'acl',
};

/** The short name of a network hop's node (its ACL, route table, subnet or setting) and its second line. */
function hopText(h: PathHop): { label: string; detail: string } {
  const who = h.label.includes(': ') ? `${h.label.slice(0, h.label.indexOf(': '))}: ` : '';
  const verdict = h.state === 'allowed' ? 'open' : h.state === 'unknown' ? 'unknown' : 'blocks';
  if (h.kind.startsWith('acl')) {
    const way = h.kind === 'acl-out' ? 'outbound' : h.kind === 'acl-in' ? 'inbound' : h.kind === 'acl-return' ? 'outbound replies' : 'inbound replies';
    return { label: h.networkAclId ?? `ACL of ${h.subnetId ?? '?'}`, detail: `${who}${verdict} · ${way}${h.subnetId ? ` · ${h.subnetId}` : ''}` };
  }
  if (h.kind === 'route') return { label: h.routeTableId ?? h.label, detail: `${who}${verdict} · ${h.entry ?? h.subnetId ?? 'route'}` };
  return { label: h.label.slice(who.length), detail: `${who}${verdict}${h.entry ? ` · ${h.entry}` : ''}` };
}

/**
 * The hops that decide a source's answer, one chain per DB instance (in path order): the hop that
 * stops it (else the first unknown one); for an instance the internet reaches, the route to the
 * internet gateway. Hops that let everything through are left out; an instance reached from inside
 * the VPC or a peered one without any deciding hop gives no chain.
 */
function decidingChains(hops: readonly PathHop[], reach: SourceReach): { indices: number[]; stopped: boolean }[] {
  const chains = new Map<string, { indices: number[]; stopped: boolean }>();
  for (const i of reach.instances) {
    const about = (h: PathHop) => !h.instanceIds || h.instanceIds.includes(i.instanceId);
    let indices: number[] = [];
    if (i.state === 'allowed') {
      if (i.via === 'internet') hops.forEach((h, k) => h.kind === 'route' && h.state === 'allowed' && about(h) && indices.push(k));
    } else {
      const k = hops.findIndex((h) => about(h) && h.state === 'blocked');
      const at = k >= 0 ? k : hops.findIndex((h) => about(h) && h.state === 'unknown');
      if (at >= 0) indices = [at];
    }
    // An instance reached without a deciding hop (inside the VPC) gives the empty chain: straight from the source.
    if (indices.length || i.state === 'allowed') chains.set(indices.join(','), { indices, stopped: i.state !== 'allowed' });
  }
  return [...chains.values()];
}

/** The network source of a source of the exposure (as whoCanReach builds them). */
function netSourceOf(r: Reachability, s: SourceReach, network: GraphNetwork) {
  if (s.kind === 'group') {
    const vpcId = network.idx.groupsById.get(s.source)?.vpcId ?? r.target.vpcId;
    return { kind: 'group' as const, groupId: s.source, ...(vpcId ? { vpcId } : {}) };
  }
  const cidr = cidrOf(s.kind === 'prefixList' ? s.source.slice(s.source.indexOf(' ') + 1) : s.source);
  return cidr ? { kind: 'cidr' as const, cidr } : undefined;
}

/** Nodes and edges for a Reachability: sources -> the database's groups that let them in -> the database. */
export function reachGraph(r: Reachability, groupName: (id: string) => string | undefined, network?: GraphNetwork): ReachGraph {
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
  const reaches = new Map<string, SourceReach[]>();
  for (const s of [...(r.exposure?.internet ?? []), ...(r.exposure?.inside ?? [])]) {
    const key = `${s.kind}|${s.kind === 'prefixList' ? s.source.split(' ')[0] : s.source}`;
    reaches.set(key, [...(reaches.get(key) ?? []), s]);
  }
  const seenEdges = new Set<string>();
  const edge = (e: GraphEdge) => {
    const key = `${e.from}>${e.to}>${e.label ?? ''}`;
    if (seenEdges.has(key)) return;
    seenEdges.add(key);
    edges.push(e);
  };
  /** The network hop nodes between `from` and the groups: each chain's last node, and whether it stops the traffic there. */
  const networkChains = (from: string, kind: SourceReach['kind'], source: string): { last: string; stopped: boolean }[] => {
    const ends = new Map<string, { last: string; stopped: boolean }>();
    for (const s of network ? (reaches.get(`${kind}|${source}`) ?? []) : []) {
      const src = netSourceOf(r, s, network!);
      if (!src) continue;
      const n = networkHops(network!.idx, network!.net, src, r.target, r.port);
      const hops = [...n.before, ...n.after];
      const entry = kind === 'prefixList' ? `${s.source.slice(s.source.indexOf(' ') + 1)}: ` : '';
      for (const chain of decidingChains(hops, s)) {
        let prev = from;
        for (const k of chain.indices) {
          const h = hops[k]!;
          const id = `net:${from}:${s.source}:${k}`;
          const text = hopText(h);
          add({
            id,
            kind: NODE_KIND[h.kind],
            label: text.label,
            detail: `${entry}${text.detail}`,
            tone: h.state === 'allowed' ? 'ok' : h.state === 'unknown' ? 'warn' : 'danger',
            state: h.state,
            ...(chain.stopped ? { blocks: true } : {}),
            ...(h.entry ? { entry: h.entry } : {}),
            ...(h.fix && h.state !== 'allowed' ? { fix: h.fix } : {}),
          });
          edge({ from: prev, to: id });
          prev = id;
        }
        ends.set(prev, { last: prev, stopped: chain.stopped });
      }
    }
    return [...ends.values()];
  };
  const link = (
    from: string,
    rules: readonly { groupId: string; protocol: string; fromPort: number; toPort: number }[],
    source?: { kind: SourceReach['kind']; id: string },
  ) => {
    const byGroup = new Map<string, (typeof rules)[number][]>();
    for (const rule of rules) byGroup.set(rule.groupId, [...(byGroup.get(rule.groupId) ?? []), rule]);
    const chains = source ? networkChains(from, source.kind, source.id) : [];
    // Without a deciding hop (or without the network) the source goes straight to the groups, as the groups allow it.
    for (const c of chains.length ? chains : [{ last: from, stopped: false }])
      for (const [g, rs] of byGroup)
        // A stopped chain still shows which group would let it in: dashed, from the hop that stops it.
        edge(
          c.stopped ? { from: c.last, to: `dbg:${g}`, label: `${portsOf(rs)} (blocked)`, dashed: true } : { from: c.last, to: `dbg:${g}`, label: portsOf(rs) },
        );
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
    link(id, c.rules, { kind: 'cidr', id: c.cidr });
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
    link(id, g.rules, { kind: 'group', id: g.groupId });
    for (const i of g.ec2Instances) {
      const eid = `ec2:${i.instanceId}`;
      add({ id: eid, kind: 'ec2', label: i.name ?? i.instanceId, detail: [i.instanceId, i.privateIp].filter(Boolean).join(' · '), tone: 'ok' });
      edges.push({ from: eid, to: id, label: 'carries', dashed: true });
    }
  }
  for (const p of r.prefixLists) {
    const id = `pl:${p.prefixListId}`;
    add({ id, kind: 'prefixList', label: p.prefixListId, detail: 'prefix list', tone: 'ok' });
    link(id, p.rules, { kind: 'prefixList', id: p.prefixListId });
  }
  return { title: `Who can reach ${r.target.id} on port ${r.port}`, port: r.port, nodes: [...nodes.values()], edges };
}

/** The sentence above the diagram: how many sources, and whether the whole internet is one of them. */
export function graphSummary(graph: ReachGraph): { text: string; danger: boolean } {
  const sources = graph.nodes.filter((n) => n.kind === 'cidr' || n.kind === 'group' || n.kind === 'prefixList');
  const danger = graph.nodes.filter((n) => n.tone === 'danger' && n.kind === 'cidr');
  const stops = graph.nodes.filter((n) => n.blocks);
  // A world-open source whose every way in is stopped by the network is let in by the groups only.
  const stoppedIds = new Set(stops.map((n) => n.id));
  const reallyOpen = (id: string) => graph.edges.some((e) => e.from === id && !stoppedIds.has(e.to));
  const stopped = stops.length
    ? ` The network stops ${stops.length === 1 ? 'one way in' : `${stops.length} ways in`}: ${stops.map((n) => `${n.label} (${n.detail ?? n.kind})`).join('; ')}.`
    : '';
  return {
    text: `${sources.length} source${sources.length === 1 ? '' : 's'} can open a connection on port ${graph.port}${danger.length ? ` — including the whole internet (${danger.map((d) => d.label).join(', ')})` : ''}${stops.length ? ' as far as the security groups go' : ''}.${stopped}`,
    danger: danger.some((d) => reallyOpen(d.id)),
  };
}

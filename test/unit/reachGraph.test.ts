// The diagram's graph (src/domain/reachGraph.ts) with the network read: the hops between a source
// and the database's groups appear only where they decide the answer (the network ACL that denies
// the port, a missing route, PubliclyAccessible off; the public subnet's route for a source on the
// internet that gets in), the one that stops a source highlighted with the fix Explain Path gives.
// The topologies and their answers are issue 15's table (test/harness/topologies.ts).
import * as assert from 'node:assert/strict';
import { explainPath, whoCanReach } from '../../src/domain/analysis';
import { RegionIndex } from '../../src/domain/model';
import { NetworkIndex } from '../../src/domain/network';
import { pathView } from '../../src/domain/pathView';
import { graphSummary, type GraphNode, reachGraph, type ReachGraph } from '../../src/domain/reachGraph';
import { buildTopology, TOPOLOGIES, unitIds } from '../harness/topologies';

const target = { clusterId: unitIds.cluster };

function graphOf(name: string, withNetwork = true): { graph: ReachGraph; idx: RegionIndex; net: NetworkIndex } {
  const t = TOPOLOGIES.find((x) => x.name === name);
  assert.ok(t, name);
  const b = buildTopology(t);
  const idx = new RegionIndex(b.snapshot);
  const net = new NetworkIndex(b.network);
  const r = whoCanReach(idx, target, { network: net, ec2Instances: b.ec2 });
  return { graph: reachGraph(r, (id) => idx.groupsById.get(id)?.groupName, withNetwork ? { idx, net } : undefined), idx, net };
}

const NETWORK_KINDS = new Set<GraphNode['kind']>(['subnet', 'acl', 'route', 'setting']);
const networkNodes = (g: ReachGraph) => g.nodes.filter((n) => NETWORK_KINDS.has(n.kind));
const edgesFrom = (g: ReachGraph, id: string) => g.edges.filter((e) => e.from === id);
const edgesTo = (g: ReachGraph, id: string) => g.edges.filter((e) => e.to === id);

describe('reachGraph: network hops in the diagram only where they matter (issue 15)', () => {
  it('an ACL denying the port: one ACL node between the app group and the database group, highlighted, with the fix Explain Path gives', () => {
    const { graph, idx, net } = graphOf('an ACL denying the port');
    const nodes = networkNodes(graph);
    assert.equal(nodes.length, 1, nodes.map((n) => n.label).join(', '));
    const acl = nodes[0]!;
    assert.equal(acl.kind, 'acl');
    assert.equal(acl.label, unitIds.acl('db'));
    assert.equal(acl.state, 'blocked');
    assert.equal(acl.blocks, true);
    assert.equal(acl.tone, 'danger');
    assert.match(acl.detail ?? '', /blocks · inbound · subnet-db-a/);
    assert.match(acl.entry ?? '', /acl-db #90 \(deny tcp 3306-3306 from 10\.0\.0\.0\/16\)/);
    // The same fix text as the Explain Path panel, for the same source (the app servers' group).
    const panel = pathView(explainPath(idx, { groupId: unitIds.appGroup }, target, undefined, { network: net }), 'app', []);
    const blocking = panel.hops.find((h) => h.blocks);
    assert.ok(blocking?.fix, 'the panel has a fix');
    assert.equal(acl.fix, blocking.fix);
    assert.match(acl.fix!, /^Add an inbound allow entry to acl-db: tcp 3306 from 10\.0\.0\.0\/16, numbered below 90\.$/);
    // The app group -> the ACL -> (dashed, blocked) the database group -> the database.
    assert.deepEqual(
      edgesTo(graph, acl.id).map((e) => e.from),
      [`grp:${unitIds.appGroup}`],
    );
    assert.deepEqual(
      edgesFrom(graph, acl.id).map((e) => [e.to, e.label, e.dashed]),
      [[`dbg:${unitIds.dbGroup}`, 'tcp 3306 (blocked)', true]],
    );
    assert.deepEqual(edgesFrom(graph, `grp:${unitIds.appGroup}`), [{ from: `grp:${unitIds.appGroup}`, to: acl.id }]);
    assert.match(graphSummary(graph).text, /The network stops one way in: acl-db \(blocks · inbound/);
  });

  it('an ACL missing the ephemeral return range: the ACL node of the replies, with its fix', () => {
    const { graph } = graphOf('an ACL missing the ephemeral return range');
    const [acl, ...rest] = networkNodes(graph);
    assert.equal(rest.length, 0);
    assert.equal(acl?.kind, 'acl');
    assert.equal(acl.blocks, true);
    assert.match(acl.detail ?? '', /blocks · outbound replies/);
    assert.match(acl.fix ?? '', /^Add an outbound allow entry to acl-db: tcp 1024-65535 to 10\.0\.0\.0\/16/);
  });

  it('public instance in a public subnet: the route to the internet gateway, open, between 0.0.0.0/0 and the group; the internet is said', () => {
    const { graph } = graphOf('public instance in a public subnet');
    const nodes = networkNodes(graph);
    assert.deepEqual(
      nodes.map((n) => [n.kind, n.label, n.state, n.blocks ?? false, n.fix]),
      [['route', unitIds.rt('public'), 'allowed', false, undefined]],
    );
    assert.match(nodes[0]!.detail ?? '', /open · rtb-public 0\.0\.0\.0\/0 → igw-main/);
    assert.deepEqual(
      edgesFrom(graph, 'cidr:0.0.0.0/0').map((e) => e.to),
      [nodes[0]!.id],
    );
    assert.deepEqual(
      edgesFrom(graph, nodes[0]!.id).map((e) => [e.to, e.label, e.dashed]),
      [[`dbg:${unitIds.dbGroup}`, 'tcp 3306', undefined]],
    );
    const said = graphSummary(graph);
    assert.equal(said.danger, true);
    assert.match(said.text, /including the whole internet \(0\.0\.0\.0\/0\)\.$/);
  });

  it('private instance with an open group: PubliclyAccessible off stops the internet; the summary is not alarming', () => {
    const { graph } = graphOf('private instance with an open group');
    const nodes = networkNodes(graph);
    assert.deepEqual(
      nodes.map((n) => [n.kind, n.label, n.blocks]),
      [['setting', 'Publicly accessible', true]],
    );
    assert.match(nodes[0]!.fix ?? '', /PubliclyAccessible=true \(only if it must be reachable from the internet\)/);
    const said = graphSummary(graph);
    assert.equal(said.danger, false);
    assert.match(
      said.text,
      /including the whole internet \(0\.0\.0\.0\/0\) as far as the security groups go\. The network stops one way in: Publicly accessible/,
    );
  });

  it('public flag but no internet route: the route table node blocks, with the route to add', () => {
    const { graph } = graphOf('public flag but no internet route');
    const nodes = networkNodes(graph);
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0]!.kind, 'route');
    assert.equal(nodes[0]!.blocks, true);
    assert.match(nodes[0]!.fix ?? '', /^Add a route 0\.0\.0\.0\/0 → an internet gateway \(igw-…\) to rtb-main/);
    assert.equal(graphSummary(graph).danger, false);
  });

  it('writer public and readers private: two ways from 0.0.0.0/0, the writer open through its route, the reader stopped at PubliclyAccessible', () => {
    const { graph } = graphOf('writer public and readers private');
    const nodes = networkNodes(graph);
    const route = nodes.find((n) => n.kind === 'route');
    const setting = nodes.find((n) => n.kind === 'setting');
    assert.ok(route && setting, nodes.map((n) => `${n.kind} ${n.label}`).join(', '));
    assert.equal(route.blocks, undefined);
    assert.equal(setting.blocks, true);
    assert.match(setting.detail ?? '', /^r1 \(reader\): blocks/);
    assert.deepEqual(
      edgesFrom(graph, 'cidr:0.0.0.0/0')
        .map((e) => e.to)
        .sort(),
      [route.id, setting.id].sort(),
    );
    assert.equal(edgesFrom(graph, route.id)[0]!.dashed, undefined);
    assert.equal(edgesFrom(graph, setting.id)[0]!.dashed, true);
    assert.equal(graphSummary(graph).danger, true, 'the writer is reached from the internet');
  });

  it('peered source VPC without an active peering: the route node says no peering joins the VPCs', () => {
    const { graph } = graphOf('peered source VPC without an active peering');
    const nodes = networkNodes(graph);
    assert.deepEqual(
      nodes.map((n) => [n.kind, n.blocks]),
      [['route', true]],
    );
    assert.match(nodes[0]!.label, /^Peering vpc-peer ↔ vpc-main$/);
    assert.match(nodes[0]!.fix ?? '', /Create \(and accept\) a VPC peering connection between vpc-peer and vpc-main/);
  });

  it('nothing is added where the network lets everything through: with an active peering, the CIDR goes straight to the group', () => {
    const { graph } = graphOf('peered source VPC with an active peering');
    assert.deepEqual(networkNodes(graph), []);
    assert.deepEqual(
      edgesFrom(graph, 'cidr:10.1.0.0/16').map((e) => e.to),
      [`dbg:${unitIds.dbGroup}`],
    );
    assert.doesNotMatch(graphSummary(graph).text, /network stops/);
  });

  it('a prefix list containing 0.0.0.0/0: the route is drawn after the list, named with its entry', () => {
    const { graph } = graphOf('a prefix list containing 0.0.0.0/0');
    const routes = networkNodes(graph).filter((n) => n.kind === 'route');
    assert.ok(routes.length >= 1);
    assert.ok(
      routes.some((n) => /^0\.0\.0\.0\/0: open/.test(n.detail ?? '')),
      routes.map((n) => n.detail).join(' | '),
    );
    for (const n of routes)
      assert.deepEqual(
        edgesTo(graph, n.id).map((e) => e.from),
        [`pl:${unitIds.pl}`],
      );
  });

  it('without the network read the graph is what the groups allow, as before', () => {
    for (const t of TOPOLOGIES) {
      const { graph } = graphOf(t.name, false);
      assert.deepEqual(networkNodes(graph), [], t.name);
      assert.ok(!graph.edges.some((e) => e.label?.includes('(blocked)')), t.name);
      assert.doesNotMatch(graphSummary(graph).text, /network stops/);
    }
  });

  it('every edge joins two nodes of the graph, and no edge is drawn twice', () => {
    for (const t of TOPOLOGIES) {
      const { graph } = graphOf(t.name);
      const ids = new Set(graph.nodes.map((n) => n.id));
      for (const e of graph.edges) assert.ok(ids.has(e.from) && ids.has(e.to), `${t.name}: ${e.from} -> ${e.to}`);
      const keys = graph.edges.map((e) => `${e.from}>${e.to}>${e.label ?? ''}`);
      assert.equal(new Set(keys).size, keys.length, t.name);
    }
  });
});

// The fast path of the network engine (issue 15, performance) against its reference definition.
// Who Can Reach and the findings evaluate thousands of endpoint paths through caches: brief hops
// (states only, one object per subnet, kind and state), ACL verdicts memoised per ACL under number
// keys, paths memoised per (source, port, endpoint class). Every answer must be the one the
// detailed, uncached evaluation gives: Explain Path's hops, a verdict computed on a fresh copy of
// the ACL, and the plain loops of the ACL findings. Checked on random Regions with the network part
// (random ACLs, public and dual-stack instances, missing ACLs, refused reads) and on the topology
// table of issue 15.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { explainPath, whoCanReach } from '../../src/domain/analysis';
import type { SourceReach } from '../../src/domain/analysis/reach';
import { aclProblems, type AclProblem, ExposureCache } from '../../src/domain/analysis/exposure';
import { aclVerdict, dbEndpoints, EPHEMERAL_ALL, EPHEMERAL_COMMON, networkPath, type NetSource } from '../../src/domain/analysis/network';
import { instancePath } from '../../src/domain/analysis/path';
import { cidrOf, resolveDbTarget, type DbTarget, type ResolvedTarget } from '../../src/domain/analysis/target';
import { type Cidr, formatCidr, isPrivateCidr, parseCidr } from '../../src/domain/cidr';
import { type RegionSnapshot, RegionIndex } from '../../src/domain/model';
import { type NetworkAcl, type NetworkAclEntry, NetworkIndex, type NetworkRead, type NetworkSnapshot, NETWORK_READS } from '../../src/domain/network';
import { mulberry32, syntheticNetwork, syntheticRegion } from '../harness/syntheticRegion';
import { buildTopology, TOPOLOGIES } from '../harness/topologies';

/** A deep copy: new objects everywhere, so no cache of the engine (all keyed by object) holds anything for it. */
function fresh(n: NetworkSnapshot): NetworkIndex {
  const copy = JSON.parse(JSON.stringify({ ...n, prefixLists: [...n.prefixLists] })) as Omit<NetworkSnapshot, 'prefixLists'> & {
    prefixLists: [string, string[]][];
  };
  return new NetworkIndex({ ...copy, prefixLists: new Map(copy.prefixLists) });
}

/** A range as a new object (the engine's keys must go by value, not by object). */
function again(c: Cidr): Cidr {
  return { version: c.version, network: c.network, prefix: c.prefix };
}

function targetsOf(snap: RegionSnapshot): DbTarget[] {
  return [
    ...snap.clusters.map((c) => ({ clusterId: c.clusterId })),
    ...snap.instances.filter((i) => !i.clusterId).map((i) => ({ instanceId: i.instanceId })),
    // One cluster member on its own (an instance target of a cluster).
    ...snap.instances
      .filter((i) => i.clusterId)
      .slice(0, 2)
      .map((i) => ({ instanceId: i.instanceId })),
  ];
}

// The synthetic ACLs' entries name these ports.
const OTHER_PORTS = [22, 443, 3306, 5432, 8080];

/** Who Can Reach's exposure against the detailed path (networkPath without `brief`) on a fresh copy of the network. */
function checkReach(idx: RegionIndex, net: NetworkIndex, ref: NetworkIndex, target: DbTarget): void {
  const r = whoCanReach(idx, target, { network: net });
  const db = resolveDbTarget(idx, target);
  const eps = dbEndpoints(idx, ref, db);
  const x = r.exposure!;
  assert.deepEqual(
    x.endpoints,
    eps.map((e) => ({ instanceId: e.instanceId, role: e.role })),
  );
  // Every source the groups let in, in the order the lists give them.
  const sources: { kind: 'cidr' | 'group' | 'prefixList'; source: string; src: NetSource }[] = [];
  for (const c of r.cidrs) sources.push({ kind: 'cidr', source: c.cidr, src: { kind: 'cidr', cidr: again(cidrOf(c.cidr)!) } });
  for (const g of r.groups) {
    const vpcId = idx.groupsById.get(g.groupId)?.vpcId ?? db.vpcId;
    sources.push({ kind: 'group', source: g.groupId, src: { kind: 'group', groupId: g.groupId, ...(vpcId ? { vpcId } : {}) } });
  }
  for (const l of r.prefixLists)
    for (const e of ref.snapshot.prefixLists.get(l.prefixListId) ?? [])
      if (cidrOf(e)) sources.push({ kind: 'prefixList', source: `${l.prefixListId} ${e}`, src: { kind: 'cidr', cidr: again(cidrOf(e)!) } });
  const internet: SourceReach[] = [];
  const inside: SourceReach[] = [];
  for (const s of sources) {
    const paths = eps.map((ep) => networkPath(idx, ref, s.src, ep, db.port));
    const instances = paths.map(instancePath);
    const state = instances.some((i) => i.state === 'allowed') ? 'allowed' : instances.some((i) => i.state === 'unknown') ? 'unknown' : 'blocked';
    (paths.some((p) => p.via === 'internet') ? internet : inside).push({ kind: s.kind, source: s.source, state, instances });
  }
  assert.deepEqual(x.internet, internet, `${db.id}: from the internet`);
  assert.deepEqual(x.inside, inside, `${db.id}: from inside`);
  const reached = new Set(internet.flatMap((s) => s.instances.filter((i) => i.state === 'allowed').map((i) => i.instanceId)));
  assert.deepEqual(
    x.internetInstances,
    eps.map((e) => e.instanceId).filter((id) => reached.has(id)),
  );
  // The brief path on other ports (the memo is per port: another database of the same subnets may listen elsewhere).
  for (const s of sources.slice(0, 6))
    for (const port of OTHER_PORTS)
      for (const ep of eps)
        assert.deepEqual(
          instancePath(networkPath(idx, net, s.src, ep, port, true)),
          instancePath(networkPath(idx, ref, s.src, ep, port)),
          `${db.id} from ${s.source} on ${port}`,
        );
  // Explain Path from a CIDR source gives each instance the same answer (it merges the detailed hops).
  for (const s of sources.filter((s) => s.kind === 'cidr').slice(0, 3)) {
    const e = explainPath(idx, { cidr: s.source }, target, undefined, { network: ref });
    const fast: SourceReach = [...x.internet, ...x.inside].find((y) => y.kind === 'cidr' && y.source === s.source)!;
    assert.deepEqual(
      e.instances?.map((i) => [i.instanceId, i.state, i.via, i.blocking]),
      fast.instances.map((i) => [i.instanceId, i.state, i.via, i.blocking]),
      `${db.id} from ${s.source}: Explain Path`,
    );
  }
}

/** The ACL findings by their plain definition: every instance, subnet and range, the verdicts computed afresh. */
function refAclProblems(idx: RegionIndex, net: NetworkIndex, db: ResolvedTarget): AclProblem[] {
  const verdict = (acl: NetworkAcl, egress: boolean, remote: Cidr, ports: readonly [number, number]) =>
    aclVerdict(JSON.parse(JSON.stringify(acl)) as NetworkAcl, egress, again(remote), ports);
  const remotes: Cidr[] = [];
  const push = (c: Cidr | undefined) => {
    if (c && c.prefix !== 0 && !remotes.some((r) => formatCidr(r) === formatCidr(c))) remotes.push(c);
  };
  let fromGroups = false;
  for (const gid of db.groupIds)
    for (const r of idx.rulesOf(gid, false)) {
      const tcp = r.protocol === '-1' || ((r.protocol === 'tcp' || r.protocol === '6') && r.fromPort <= db.port && db.port <= r.toPort);
      if (!tcp) continue;
      if (r.peer.kind === 'group') fromGroups = true;
      else if (r.peer.kind === 'cidr4' || r.peer.kind === 'cidr6') push(cidrOf(r.peer.cidr));
    }
  if (fromGroups) for (const t of idx.snapshot.vpcs.find((v) => v.vpcId === db.vpcId)?.cidrBlocks ?? []) push(cidrOf(t));
  const out = new Map<string, AclProblem>();
  const rule = (e: NetworkAclEntry) => (e.ruleNumber === 32767 ? '*' : `#${e.ruleNumber}`);
  for (const ep of dbEndpoints(idx, net, db))
    for (const sid of ep.subnetIds) {
      const acl = net.aclOf(sid);
      if (!acl) continue;
      for (const remote of remotes) {
        if (!isPrivateCidr(remote) && !ep.publiclyAccessible) continue;
        const text = `${remote.version === 4 ? 'IPv4' : 'IPv6'} ${formatCidr(remote)}`;
        const base = { db, subnetId: sid, networkAclId: acl.networkAclId, remote: text };
        let p: Omit<AclProblem, 'instanceIds'> | undefined;
        const inbound = verdict(acl, false, remote, [db.port, db.port]);
        if (inbound.result === 'none') {
          const deny = inbound.entries.find((e) => !e.allow)!;
          p = {
            kind: 'acl-blocks-port',
            severity: 'medium',
            ...base,
            entry: rule(deny),
            why: `Network ACL ${acl.networkAclId} of ${sid} denies tcp ${db.port} from ${formatCidr(remote)} (entry ${deny.ruleNumber === 32767 ? '* (nothing else matched)' : rule(deny)}), though the security groups allow it: connections time out. In ${acl.networkAclId}, add an inbound allow entry for tcp ${db.port} from ${formatCidr(remote)} numbered below ${deny.ruleNumber}.`,
          };
        } else {
          const all = verdict(acl, true, remote, EPHEMERAL_ALL);
          const common = verdict(acl, true, remote, EPHEMERAL_COMMON);
          const none = all.result === 'none';
          if (all.result !== 'all' && (none || common.result !== 'all')) {
            const deny = all.entries.find((e) => !e.allow)!;
            p = {
              kind: 'acl-blocks-return',
              severity: none ? 'medium' : 'low',
              ...base,
              entry: rule(deny),
              why: `Network ACL ${acl.networkAclId} of ${sid} ${none ? 'denies' : 'lets through only some of'} the replies to ${formatCidr(remote)} on the client's ephemeral ports (outbound tcp 1024-65535; entry ${rule(deny)}). ACLs are stateless, so connections the groups allow ${none ? 'time out' : 'time out for some clients'}. In ${acl.networkAclId}, add an outbound allow entry for tcp 1024-65535 to ${formatCidr(remote)} numbered below ${deny.ruleNumber}.`,
            };
          }
        }
        if (!p) continue;
        const key = `${p.kind}:${acl.networkAclId}:${db.id}`;
        const prev = out.get(key);
        if (!prev) out.set(key, { ...p, instanceIds: [ep.instanceId] });
        else if (!prev.instanceIds.includes(ep.instanceId)) (prev.instanceIds as string[]).push(ep.instanceId);
      }
    }
  return [...out.values()];
}

/** The memoised verdicts (one ACL object asked many ranges, ports and directions) equal verdicts on fresh copies. */
function checkVerdicts(net: NetworkIndex, idx: RegionIndex, ports: readonly number[]): void {
  const ranges: Cidr[] = [];
  for (const v of idx.snapshot.vpcs) for (const t of [...v.cidrBlocks, ...v.ipv6CidrBlocks]) if (cidrOf(t)) ranges.push(cidrOf(t)!);
  for (const s of net.snapshot.subnets.slice(0, 6)) if (s.cidrBlock) ranges.push(cidrOf(s.cidrBlock)!);
  for (const r of idx.snapshot.rules.slice(0, 40)) if (r.peer.kind === 'cidr4' || r.peer.kind === 'cidr6') ranges.push(cidrOf(r.peer.cidr)!);
  for (const t of ['0.0.0.0/0', '::/0', '198.51.100.7/32']) ranges.push(cidrOf(t)!);
  const portRanges: (readonly [number, number])[] = [...ports.map((p) => [p, p] as const), EPHEMERAL_ALL, EPHEMERAL_COMMON, [0, 65535], [22, 22]];
  for (const acl of net.snapshot.networkAcls)
    for (const remote of ranges)
      for (const p of portRanges)
        for (const egress of [false, true]) {
          const want = aclVerdict(JSON.parse(JSON.stringify(acl)) as NetworkAcl, egress, again(remote), p);
          assert.deepEqual(aclVerdict(acl, egress, remote, p), want, `${acl.networkAclId} ${egress ? 'out' : 'in'} ${formatCidr(remote)} ${p.join('-')}`);
          assert.deepEqual(aclVerdict(acl, egress, again(remote), p), want);
        }
}

function checkAll(snap: RegionSnapshot, network: NetworkSnapshot): void {
  const idx = new RegionIndex(snap);
  const net = fresh(network);
  const targets = targetsOf(snap);
  // The fast path first over every database (its caches filled as in the bench), then each answer against the reference.
  const answers = targets.map((t) => whoCanReach(idx, t, { network: net }));
  const cache = new ExposureCache(idx, net);
  for (const [i, t] of targets.entries()) {
    checkReach(idx, net, fresh(network), t);
    assert.deepEqual(whoCanReach(idx, t, { network: net }), answers[i], 'a second call gives the same answer');
    const db = resolveDbTarget(idx, t);
    assert.deepEqual(aclProblems(cache, db), refAclProblems(idx, fresh(network), db), `${db.id}: ACL findings`);
  }
  checkVerdicts(net, idx, [...new Set(targets.map((t) => resolveDbTarget(idx, t).port))]);
}

/** A random Region with the network part, then shaken: public and dual-stack instances, ACLs dropped, reads refused. */
const regionArb = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  vpcs: fc.integer({ min: 1, max: 3 }),
  clusters: fc.integer({ min: 1, max: 6 }),
  members: fc.integer({ min: 0, max: 3 }),
  subnets: fc.integer({ min: 1, max: 7 }),
  aclEntries: fc.integer({ min: 0, max: 14 }),
  publicShare: fc.constantFrom(0, 0.3, 1),
  dropAcl: fc.boolean(),
  igwOnMain: fc.boolean(),
  refused: fc.subarray(['subnets', 'routeTables', 'networkAcls', 'dbSubnetGroups'] as NetworkRead[], { maxLength: 1 }),
});
// Built inside the property, so a failure prints these few numbers rather than a whole Region.
function regionOf(o: typeof regionArb extends fc.Arbitrary<infer T> ? T : never): { snap: RegionSnapshot; network: NetworkSnapshot } {
  {
    const rnd = mulberry32(o.seed);
    const base = syntheticRegion({ vpcs: o.vpcs, groups: 40, rules: 500, clusters: o.clusters, instancesPerCluster: o.members, seed: o.seed });
    const snap: RegionSnapshot = {
      ...base,
      instances: base.instances.map((i) => {
        const y = rnd();
        return { ...i, publiclyAccessible: rnd() < o.publicShare, ...(y < 0.2 ? { networkType: 'DUAL' } : y < 0.4 ? { networkType: 'IPV4' } : {}) };
      }),
    };
    let n = syntheticNetwork(snap, { subnetsPerVpc: o.subnets, aclEntries: o.aclEntries, seed: o.seed + 1 });
    if (o.dropAcl && n.networkAcls.length) n = { ...n, networkAcls: n.networkAcls.slice(1) };
    if (o.igwOnMain)
      n = {
        ...n,
        routeTables: n.routeTables.map((t, k) =>
          t.main && k % 4 === 0 ? { ...t, routes: [...t.routes, { destination: '0.0.0.0/0', target: 'igw-x', state: 'active' as const }] } : t,
        ),
      };
    for (const read of o.refused) {
      const emptied =
        read === 'subnets'
          ? { subnets: [] }
          : read === 'routeTables'
            ? { routeTables: [] }
            : read === 'networkAcls'
              ? { networkAcls: [] }
              : { dbSubnetGroups: [] };
      n = { ...n, ...emptied, failures: [...n.failures, { read, action: NETWORK_READS[read].action }] };
    }
    return { snap, network: n };
  }
}

describe('network path engine: the fast path (Who Can Reach, findings) equals the detailed definition', () => {
  it('on random Regions with subnets, route tables and ACLs', () => {
    fc.assert(
      fc.property(regionArb, (o) => {
        const { snap, network } = regionOf(o);
        checkAll(snap, network);
      }),
      { numRuns: Number(process.env.FAST_PATH_RUNS ?? 60) },
    );
  });

  it('on every topology of issue 15 (peering, IPv6, public and private subnets, EC2 sources)', () => {
    for (const t of TOPOLOGIES) {
      const b = buildTopology(t);
      checkAll(b.snapshot, b.network);
    }
  });

  it('a range given as a new object, or a port outside 0-65535, gets the same verdict as the first time', () => {
    const acl: NetworkAcl = {
      networkAclId: 'acl-1',
      vpcId: 'vpc-1',
      isDefault: false,
      subnetIds: ['subnet-1'],
      entries: [
        { ruleNumber: 10, egress: false, protocol: '6', allow: false, cidr: '10.0.0.0/24', fromPort: 3306, toPort: 3306 },
        { ruleNumber: 20, egress: false, protocol: '-1', allow: true, cidr: '0.0.0.0/0' },
        { ruleNumber: 10, egress: true, protocol: '-1', allow: true, cidr: '0.0.0.0/0' },
      ],
    };
    const c = parseCidr('10.0.0.0/24') as Cidr;
    assert.equal(aclVerdict(acl, false, c, [3306, 3306]).result, 'none');
    assert.equal(aclVerdict(acl, false, again(c), [3306, 3306]).result, 'none');
    assert.equal(aclVerdict(acl, false, c, [3307, 3307]).result, 'all');
    assert.equal(aclVerdict(acl, true, c, [3306, 3306]).result, 'all');
    // Outside 0-65535 no entry matches: the '*' entry denies (and the key of the memo is a string, never a port range's number).
    assert.equal(aclVerdict(acl, false, c, [70000, 70000]).result, 'none');
    assert.equal(aclVerdict(acl, false, c, [3307, 70000]).result, 'some');
    assert.equal(aclVerdict(acl, false, c, [3306, 3306]).result, 'none');
    assert.equal(aclVerdict(acl, false, again(c), [3307, 3307]).result, 'all');
  });
});

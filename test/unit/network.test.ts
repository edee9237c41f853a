// The network part of the path engine (src/domain/analysis/network.ts): the issue's topology
// table with the answers AWS documents (test/harness/topologies.ts), refused reads answered
// "unknown", and property tests of the ACL and route evaluation and of a whole path against a
// plain per-address definition.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { explainPath, findings, whoCanReach } from '../../src/domain/analysis';
import { aclVerdict, networkPath, routeFor, type DbEndpoint } from '../../src/domain/analysis/network';
import { type Cidr, cidrContainsAddress, parseCidr } from '../../src/domain/cidr';
import { RegionIndex } from '../../src/domain/model';
import { NetworkIndex, type NetworkAcl, type NetworkAclEntry, type NetworkSnapshot, type Subnet } from '../../src/domain/network';
import { buildTopology, EXPLAIN_CASES, starEntries, TOPOLOGIES, type Topology, unitIds } from '../harness/topologies';
import { topologyAnswers } from '../harness/topologyAnswers';

const must = (t: string): Cidr => {
  const c = parseCidr(t);
  if ('error' in c) throw new Error(c.error);
  return c;
};

function load(t: Topology, change?: (n: NetworkSnapshot) => NetworkSnapshot) {
  const b = buildTopology(t);
  const idx = new RegionIndex(b.snapshot);
  const net = new NetworkIndex(change ? change(b.network) : b.network);
  return { idx, net, ec2: b.ec2 };
}

const sourceText = (from: string) => (from.startsWith('pl ') ? `${unitIds.pl} ${from.slice(3)}` : from);

describe('network path engine: the topologies of issue 15 (answers from the AWS documents)', () => {
  for (const t of TOPOLOGIES) {
    describe(t.name, () => {
      const { idx, net, ec2 } = load(t);
      const target = { clusterId: unitIds.cluster };
      if (t.expect.internet) {
        const e = t.expect.internet;
        it(`from the internet (${e.from}): ${e.state}${e.reached.length ? `, reaching ${e.reached.join(', ')}` : ''}${e.blockedAt ? `, blocked at ${e.blockedAt}` : ''}`, () => {
          const r = whoCanReach(idx, target, { network: net });
          assert.ok(r.exposure, 'the exposure is computed with the network');
          const s = r.exposure.internet.find((x) => x.source === sourceText(e.from));
          assert.ok(s, `${e.from} is among the internet sources: ${r.exposure.internet.map((x) => x.source).join(', ')}`);
          assert.equal(s.state, e.state);
          assert.deepEqual(
            s.instances.filter((i) => i.state === 'allowed').map((i) => i.instanceId),
            e.reached,
          );
          assert.deepEqual(r.exposure.internetInstances, e.reached);
          if (e.blockedAt) for (const i of s.instances.filter((x) => x.state === 'blocked')) assert.equal(i.blockingKind, e.blockedAt, i.blocking);
          assert.equal(
            r.exposure.inside.some((x) => x.source === sourceText(e.from)),
            false,
            'not "from inside"',
          );
        });
      }
      if (t.expect.app) {
        const e = t.expect.app;
        it(`Explain Path from the app server: ${e.verdict}${e.blockedAt ? `, blocked at ${e.blockedAt}` : ''}`, () => {
          const p = explainPath(idx, { ec2Instance: ec2[0]! }, target, undefined, { network: net });
          assert.equal(p.networkChecked, true);
          assert.equal(p.verdict, e.verdict, p.hops.map((h) => `${h.kind} ${h.state}: ${h.detail}`).join('\n'));
          assert.equal(p.open, e.verdict === 'open');
          if (e.blockedAt) {
            assert.ok(p.blockingHop !== undefined);
            assert.equal(p.hops[p.blockingHop].kind, e.blockedAt);
            assert.ok(p.hops[p.blockingHop].fix, 'a blocked network hop says what to change');
          } else assert.equal(p.blockingHop, undefined);
        });
      }
      it('the answers the other layers compare (topologyAnswers) are the expected ones', () => {
        assert.deepEqual(topologyAnswers(t, idx, net, ec2, unitIds.cluster), t.expect);
      });
      if (t.expect.finding) {
        const e = t.expect.finding;
        it(`finding: ${e.kind}, ${e.severity}`, () => {
          const list = findings(idx, { network: net, ec2Instances: ec2 });
          const f = list.find((x) => x.kind === e.kind);
          assert.ok(f, list.map((x) => `${x.kind} ${x.severity}`).join('\n'));
          assert.equal(f.severity, e.severity, f.why);
        });
      }
    });
  }

  for (const c of EXPLAIN_CASES) {
    it(`Explain Path on "${c.topology}" from ${c.from}: ${c.verdict}, each hop as the extension host checks it`, () => {
      const { idx, net, ec2 } = load(TOPOLOGIES.find((t) => t.name === c.topology)!);
      const source = c.from === 'app' ? { ec2Instance: ec2[0]! } : { cidr: c.from };
      const p = explainPath(idx, source, { clusterId: unitIds.cluster }, undefined, { network: net });
      assert.equal(p.verdict, c.verdict);
      assert.deepEqual(
        p.hops.map((h) => (h.instanceIds ? [h.kind, h.state, h.instanceIds] : [h.kind, h.state])),
        c.hops,
      );
    });
  }

  it('without the network read the answers are the groups-only ones of before (the world rule high, the path open)', () => {
    const t = TOPOLOGIES.find((x) => x.name === 'private instance with an open group')!;
    const { idx } = load(t);
    const f = findings(idx).find((x) => x.kind === 'db-port-world')!;
    assert.equal(f.severity, 'high');
    assert.equal(whoCanReach(idx, { clusterId: unitIds.cluster }).exposure, undefined);
    const acl = TOPOLOGIES.find((x) => x.name === 'an ACL denying the port')!;
    const a = load(acl);
    const p = explainPath(a.idx, { ec2Instance: a.ec2[0]! }, { clusterId: unitIds.cluster });
    assert.equal(p.verdict, 'open');
    assert.equal(p.networkChecked, false);
  });

  it('the critical finding names the instance the internet reaches; the medium one names the setting', () => {
    const wr = load(TOPOLOGIES.find((x) => x.name === 'writer public and readers private')!);
    const crit = findings(wr.idx, { network: wr.net }).find((x) => x.kind === 'db-port-world')!;
    assert.match(crit.why, /w1 \(writer\) is publicly accessible/);
    assert.doesNotMatch(crit.why, /r1/);
    const priv = load(TOPOLOGIES.find((x) => x.name === 'private instance with an open group')!);
    const med = findings(priv.idx, { network: priv.net }).find((x) => x.kind === 'db-port-world')!;
    assert.match(med.why, /One setting away from exposure: turning PubliclyAccessible on/);
    assert.deepEqual(med.fix, { kind: 'revoke', groupId: unitIds.dbGroup, ruleIds: ['sgr-db0'] }, 'the fix stays the group change');
  });

  it('Explain Path from the internet to a writer-public cluster: partial, each instance named', () => {
    const wr = load(TOPOLOGIES.find((x) => x.name === 'writer public and readers private')!);
    const p = explainPath(wr.idx, { cidr: '203.0.113.10' }, { clusterId: unitIds.cluster }, undefined, { network: wr.net });
    assert.equal(p.verdict, 'partial');
    assert.deepEqual(
      p.instances?.map((i) => [i.instanceId, i.role, i.state]),
      [
        ['w1', 'writer', 'allowed'],
        ['r1', 'reader', 'blocked'],
      ],
    );
    const pub = p.hops.filter((h) => h.kind === 'public');
    assert.deepEqual(
      pub.map((h) => [h.instanceIds, h.state]),
      [
        [['w1'], 'allowed'],
        [['r1'], 'blocked'],
      ],
    );
    // The writer's subnet (db-a) routes to the internet gateway.
    const routes = p.hops.filter((h) => h.kind === 'route');
    assert.deepEqual(
      routes.map((h) => [h.instanceIds, h.subnetId, h.routeTableId, h.state]),
      [[['w1'], 'subnet-db-a', 'rtb-public', 'allowed']],
      'the reader stops at PubliclyAccessible: its route does not matter and is not shown',
    );
    assert.equal(p.hops[p.blockingHop!]!.instanceIds?.[0], 'r1', 'the blocking hop is the reader’s');
  });

  it('a refused ACL read makes the ACL hops "unknown: needs ec2:DescribeNetworkAcls", never allowed', () => {
    const t = TOPOLOGIES.find((x) => x.name === 'an ACL denying the port')!;
    const { idx, net, ec2 } = load(t, (n) => ({ ...n, networkAcls: [], failures: [{ read: 'networkAcls', action: 'ec2:DescribeNetworkAcls' }] }));
    const p = explainPath(idx, { ec2Instance: ec2[0]! }, { clusterId: unitIds.cluster }, undefined, { network: net });
    assert.equal(p.verdict, 'unknown');
    assert.equal(p.open, false);
    const acl = p.hops.filter((h) => h.kind.startsWith('acl'));
    assert.ok(acl.length > 0);
    for (const h of acl) {
      assert.equal(h.state, 'unknown');
      assert.equal(h.ok, false);
      assert.match(h.detail, /unknown: needs ec2:DescribeNetworkAcls/);
    }
    assert.equal(findings(idx, { network: net }).filter((f) => f.kind.startsWith('acl-')).length, 0, 'no ACL finding from an unread ACL');
  });

  it('a refused route-table read leaves the internet exposure unknown: the world finding stays high, not critical or medium', () => {
    const t = TOPOLOGIES.find((x) => x.name === 'public instance in a public subnet')!;
    const { idx, net } = load(t, (n) => ({ ...n, routeTables: [], failures: [{ read: 'routeTables', action: 'ec2:DescribeRouteTables' }] }));
    const f = findings(idx, { network: net }).find((x) => x.kind === 'db-port-world')!;
    assert.equal(f.severity, 'high');
    assert.match(f.why, /needs ec2:DescribeRouteTables/);
    const r = whoCanReach(idx, { clusterId: unitIds.cluster }, { network: net });
    assert.equal(r.exposure!.internet[0]!.state, 'unknown');
    assert.deepEqual(r.exposure!.internetInstances, []);
  });

  it('within one subnet no ACL is crossed; traffic to the same VPC needs no route hop', () => {
    const t = TOPOLOGIES.find((x) => x.name === 'an ACL denying the port')!;
    const b = buildTopology(t);
    const inst = { ...b.ec2[0]!, subnetId: unitIds.subnet('db-a'), privateIp: '10.0.1.50' };
    const { idx, net } = load(t);
    // The writer is in db-a (zone a); the app now too: the denying ACL is not on the way.
    const p = explainPath(idx, { ec2Instance: inst }, { instanceId: 'w1' }, undefined, { network: net });
    assert.equal(p.verdict, 'open', p.hops.map((h) => `${h.kind} ${h.detail}`).join('\n'));
    assert.equal(p.hops.filter((h) => h.kind.startsWith('acl') || h.kind === 'route').length, 0);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests against plain definitions.

/** Small address space so ranges nest and clash often: 10.0.0.0/26 split various ways, and the world. */
const cidrPool = ['0.0.0.0/0', '10.0.0.0/26', '10.0.0.0/27', '10.0.0.32/27', '10.0.0.0/28', '10.0.0.16/28', '10.0.0.48/28', '10.0.0.5/32', '10.0.0.40/32'];
const portPool = [1, 2, 3, 5, 8];

const aclEntry = fc
  .record({
    n: fc.integer({ min: 1, max: 40 }),
    egress: fc.boolean(),
    allow: fc.boolean(),
    cidr: fc.constantFrom(...cidrPool),
    proto: fc.constantFrom('-1', '6', '17'),
    from: fc.constantFrom(...portPool),
    span: fc.constantFrom(0, 1, 3),
  })
  .map((e): NetworkAclEntry => ({
    ruleNumber: e.n,
    egress: e.egress,
    allow: e.allow,
    cidr: e.cidr,
    protocol: e.proto,
    ...(e.proto === '-1' ? {} : { fromPort: e.from, toPort: e.from + e.span }),
  }));

/** Rule numbers are unique per direction in AWS. */
const aclArb = fc.array(aclEntry, { maxLength: 8 }).map((list): NetworkAcl => {
  const seen = new Set<string>();
  const entries = list.filter((e) => {
    const k = `${e.egress}:${e.ruleNumber}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { networkAclId: 'acl-p', vpcId: 'vpc-p', isDefault: false, subnetIds: ['subnet-p'], entries: [...entries, ...starEntries(false)] };
});

/** The plain definition: one address, one port, first matching entry in rule-number order. */
function refAllows(acl: NetworkAcl, egress: boolean, addr: bigint, port: number): boolean {
  const list = acl.entries.filter((e) => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
  for (const e of list) {
    if (e.protocol !== '-1' && e.protocol !== '6') continue;
    if (e.protocol !== '-1' && (port < e.fromPort! || port > e.toPort!)) continue;
    const c = must(e.cidr);
    if (!cidrContainsAddress(c, 4, addr)) continue;
    return e.allow;
  }
  return false;
}

function addressesOf(c: Cidr): bigint[] {
  const n = 1n << BigInt(32 - c.prefix);
  const out: bigint[] = [];
  for (let i = 0n; i < n && i < 128n; i++) out.push(c.network + i);
  return out;
}

function refVerdict(acl: NetworkAcl, egress: boolean, remote: Cidr, ports: readonly [number, number]): 'all' | 'none' | 'some' {
  let yes = false;
  let no = false;
  for (const a of addressesOf(remote))
    for (let p = ports[0]; p <= ports[1]; p++) {
      if (refAllows(acl, egress, a, p)) yes = true;
      else no = true;
    }
  return yes && no ? 'some' : yes ? 'all' : 'none';
}

const remoteArb = fc.constantFrom('10.0.0.0/26', '10.0.0.0/27', '10.0.0.32/27', '10.0.0.16/28', '10.0.0.5/32', '10.0.0.40/32', '10.0.0.60/32');
const portsArb = fc.tuple(fc.constantFrom(...portPool, 4, 9), fc.constantFrom(0, 1, 4)).map(([a, s]) => [a, a + s] as const);

describe('network path engine: properties against plain definitions', () => {
  it('aclVerdict equals the per-address, per-port first-match definition', () => {
    fc.assert(
      fc.property(aclArb, fc.boolean(), remoteArb, portsArb, (acl, egress, remote, ports) => {
        const r = must(remote);
        assert.equal(aclVerdict(acl, egress, r, ports).result, refVerdict(acl, egress, r, ports));
      }),
      { numRuns: Number(process.env.ACL_RUNS ?? 3000) },
    );
  });

  it('routeFor picks the most specific route containing the whole destination, as a per-address lookup does', () => {
    const routeArb = fc.array(
      fc.record({
        destination: fc.constantFrom(...cidrPool),
        target: fc.constantFrom('local', 'igw-1', 'pcx-1', 'nat-1'),
        state: fc.constantFrom('active' as const, 'blackhole' as const),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(routeArb, remoteArb, (routes, dest) => {
        // AWS holds one route per destination.
        const uniq = [...new Map(routes.map((r) => [r.destination, r])).values()];
        const d = must(dest);
        const got = routeFor({ routes: uniq }, d);
        // Plain: the routes containing every address of the destination, the longest prefix among them.
        const containing = uniq.filter((r) => addressesOf(d).every((a) => cidrContainsAddress(must(r.destination), 4, a)));
        const best = containing.sort((a, b) => must(b.destination).prefix - must(a.destination).prefix)[0];
        assert.equal(got?.route.destination, best?.destination);
      }),
      { numRuns: 2000 },
    );
  });

  it('networkPath over random one-VPC topologies equals the plain definition (public, routed, ACLs both ways)', () => {
    const topo = fc.record({
      pub: fc.constantFrom<boolean | undefined>(true, false, undefined),
      igwRoute: fc.constantFrom('none', 'igw', 'nat', 'blackhole'),
      dbAcl: aclArb,
      appAcl: aclArb,
      sameSubnet: fc.boolean(),
      internet: fc.boolean(),
      port: fc.constantFrom(...portPool),
    });
    fc.assert(
      fc.property(topo, (t) => {
        // The ACL pools use ports 1-9 only; the return range is checked on 1024-65535, so entries
        // on those ports never match it: the return then passes only through '-1' entries.
        const dbSubnet: Subnet = { subnetId: 'subnet-db', vpcId: 'vpc-p', availabilityZone: 'za', cidrBlock: '10.0.0.0/27', ipv6CidrBlocks: [] };
        const appSubnet: Subnet = { subnetId: 'subnet-app', vpcId: 'vpc-p', availabilityZone: 'za', cidrBlock: '10.0.0.32/27', ipv6CidrBlocks: [] };
        const routes = [
          { destination: '10.0.0.0/16', target: 'local', state: 'active' as const },
          ...(t.igwRoute === 'none'
            ? []
            : [
                {
                  destination: '0.0.0.0/0',
                  target: t.igwRoute === 'nat' ? 'nat-1' : 'igw-1',
                  state: t.igwRoute === 'blackhole' ? ('blackhole' as const) : ('active' as const),
                },
              ]),
        ];
        const snap: NetworkSnapshot = {
          region: 'r',
          subnets: [dbSubnet, appSubnet],
          routeTables: [{ routeTableId: 'rtb-main', vpcId: 'vpc-p', main: true, subnetIds: [], routes }],
          networkAcls: [
            { ...t.dbAcl, networkAclId: 'acl-db', subnetIds: ['subnet-db'] },
            { ...t.appAcl, networkAclId: 'acl-app', subnetIds: ['subnet-app'] },
          ],
          dbSubnetGroups: [],
          prefixLists: new Map(),
          failures: [],
          loadedAt: 0,
        };
        const net = new NetworkIndex(snap);
        const idx = new RegionIndex({
          region: 'r',
          vpcs: [{ region: 'r', vpcId: 'vpc-p', cidrBlocks: ['10.0.0.0/16'], ipv6CidrBlocks: [], isDefault: false, tags: {} }],
          groups: [],
          rules: [],
          clusters: [],
          instances: [],
          loadedAt: 0,
        });
        const ep: DbEndpoint = {
          instanceId: 'db1',
          role: 'instance',
          vpcId: 'vpc-p',
          subnetIds: ['subnet-db'],
          ...(t.pub !== undefined ? { publiclyAccessible: t.pub } : {}),
        };
        const srcIp = t.internet ? 0xcb007105n : t.sameSubnet ? 0x0a000009n : 0x0a000025n; // 203.0.113.5, 10.0.0.9, 10.0.0.37
        const src = { version: 4 as const, network: srcIp, prefix: 32 };
        const source = t.internet
          ? ({ kind: 'cidr', cidr: src } as const)
          : ({ kind: 'ec2', name: 'app', vpcId: 'vpc-p', subnetId: t.sameSubnet ? 'subnet-db' : 'subnet-app', privateIp: src } as const);
        const got = networkPath(idx, net, source, ep, t.port).state;

        // The plain definition. The database's address: any of its subnet (all must agree for "all").
        const dbAddrs = addressesOf(must('10.0.0.0/27'));
        const everyDb = (f: (a: bigint) => boolean) => (dbAddrs.every(f) ? 'all' : dbAddrs.some(f) ? 'some' : 'none');
        const ephemeral = [1024, 32768, 65535];
        const dbAcl = snap.networkAcls[0]!;
        const appAcl = snap.networkAcls[1]!;
        const parts: ('allowed' | 'blocked' | 'unknown')[] = [];
        const allOf = (ok: boolean[]) => (ok.every(Boolean) ? 'allowed' : ok.some(Boolean) ? 'unknown' : 'blocked');
        if (t.internet) {
          parts.push(t.pub === undefined ? 'unknown' : t.pub ? 'allowed' : 'blocked');
          parts.push(t.igwRoute === 'igw' ? 'allowed' : 'blocked');
        }
        const crossing = t.internet || !t.sameSubnet;
        if (crossing) {
          if (!t.internet) {
            const out = everyDb((a) => refAllows(appAcl, true, a, t.port));
            parts.push(out === 'all' ? 'allowed' : out === 'none' ? 'blocked' : 'unknown');
          }
          parts.push(refAllows(dbAcl, false, srcIp, t.port) ? 'allowed' : 'blocked');
          const ret = ephemeral.map((p) => refAllows(dbAcl, true, srcIp, p));
          parts.push(allOf(ret));
          if (!t.internet) {
            const back = ephemeral.map((p) => everyDb((a) => refAllows(appAcl, false, a, p)));
            parts.push(back.every((x) => x === 'all') ? 'allowed' : back.every((x) => x === 'none') ? 'blocked' : 'unknown');
          }
        }
        const want = parts.includes('blocked') ? 'blocked' : parts.includes('unknown') ? 'unknown' : 'allowed';
        assert.equal(got, want);
      }),
      { numRuns: 1500 },
    );
  });
});

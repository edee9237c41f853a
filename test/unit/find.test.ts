import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { find, type FindScope } from '../../src/domain/find/match';
import { parseQuery, type Query, QUERY_PLACEHOLDER } from '../../src/domain/find/query';
import { NetworkIndex, type NetworkSnapshot } from '../../src/domain/network';
import { RegionIndex, type DbCluster, type RegionSnapshot, type RulePeer, type SecurityGroup, type SecurityGroupRule } from '../../src/domain/model';

const REGION = 'eu-west-1';

function q(text: string): Query {
  const r = parseQuery(text);
  assert.ok(!('error' in r), `parseQuery(${JSON.stringify(text)}) failed: ${'error' in r ? r.error : ''}`);
  return r;
}

function err(text: string): string {
  const r = parseQuery(text);
  assert.ok('error' in r, `parseQuery(${JSON.stringify(text)}) gave a query: ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  return r.error;
}

function sg(groupId: string, groupName: string, o: Partial<SecurityGroup> = {}): SecurityGroup {
  return { region: REGION, groupId, groupName, description: `${groupName} group`, vpcId: 'vpc-1', tags: {}, ...o };
}

function peerOf(source: string): RulePeer {
  if (source.startsWith('sg-')) return { kind: 'group', groupId: source };
  if (source.startsWith('pl-')) return { kind: 'prefixList', prefixListId: source };
  return source.includes(':') ? { kind: 'cidr6', cidr: source } : { kind: 'cidr4', cidr: source };
}

let n = 0;
function rule(groupId: string, protocol: string, from: number, to: number, source: string, o: Partial<SecurityGroupRule> = {}): SecurityGroupRule {
  return { region: REGION, ruleId: `sgr-${++n}`, groupId, isEgress: false, protocol, fromPort: from, toPort: to, peer: peerOf(source), ...o };
}

function cluster(clusterId: string, groupIds: string[], port: number, engine = 'aurora-postgresql'): DbCluster {
  return {
    region: REGION,
    clusterId,
    kind: 'aurora',
    engine,
    port,
    status: 'available',
    members: [{ instanceId: `${clusterId}-1`, isWriter: true }],
    securityGroups: groupIds.map((groupId) => ({ groupId, status: 'active' })),
    vpcId: 'vpc-1',
  };
}

const groups = [
  sg('sg-0aaa0001', 'orders-db', { tags: { env: 'prod', team: 'orders' } }),
  sg('sg-0aaa0002', 'appsrv', { tags: { env: 'staging' } }),
  sg('sg-0aaa0003', 'legacy', { description: 'Old reporting box' }),
  sg('sg-0aaa0004', 'v6-only'),
];
const rules = [
  rule('sg-0aaa0001', 'tcp', 5432, 5432, '10.20.0.0/16', { description: 'App subnet' }),
  rule('sg-0aaa0001', 'tcp', 5432, 5432, 'sg-0aaa0002'),
  rule('sg-0aaa0001', 'tcp', 1000, 2000, '192.168.1.0/24'),
  rule('sg-0aaa0001', 'tcp', 5432, 5432, 'pl-0123'),
  rule('sg-0aaa0002', '-1', -1, -1, '0.0.0.0/0', { isEgress: true }),
  rule('sg-0aaa0002', 'tcp', 443, 443, '203.0.113.0/24', { description: 'Client offices' }),
  rule('sg-0aaa0003', '-1', -1, -1, '10.20.3.7/32'),
  rule('sg-0aaa0003', 'udp', 53, 53, '10.0.0.0/8'),
  rule('sg-0aaa0004', 'tcp', 22, 22, '2001:db8::/32'),
  rule('sg-0aaa0004', 'tcp', 0, 65535, '::/0'),
];
const snapshot: RegionSnapshot = {
  region: REGION,
  vpcs: [{ region: REGION, vpcId: 'vpc-1', cidrBlocks: ['10.20.0.0/16'], ipv6CidrBlocks: [], isDefault: false, tags: {} }],
  groups,
  rules,
  clusters: [cluster('orders', ['sg-0aaa0001'], 5432), cluster('reports', ['sg-0aaa0003'], 3306, 'aurora-mysql')],
  instances: [
    { region: REGION, instanceId: 'orders-1', clusterId: 'orders', engine: 'aurora-postgresql', status: 'available', securityGroups: [] },
    { region: REGION, instanceId: 'reports-1', clusterId: 'reports', engine: 'aurora-mysql', status: 'available', securityGroups: [] },
  ],
  loadedAt: 0,
};
const scope: FindScope = { key: REGION, idx: new RegionIndex(snapshot) };

/** "groupName: ruleId ruleId" for each group hit ("groupName (whole)" when the group itself matched). */
function hits(text: string, scopes: readonly FindScope[] = [scope]): string[] {
  return find(q(text), scopes).groups.map((g) =>
    g.whole ? `${g.group.groupName} (whole)` : `${g.group.groupName}: ${g.rules.map((r) => ruleText(r)).join(', ')}`,
  );
}

function ruleText(r: SecurityGroupRule): string {
  const peer = r.peer.kind === 'group' ? r.peer.groupId : r.peer.kind === 'prefixList' ? r.peer.prefixListId : r.peer.cidr;
  return `${r.isEgress ? 'out' : 'in'} ${r.protocol} ${r.fromPort}-${r.toPort} ${peer}`;
}

describe('Find: the query language (src/domain/find/query.ts)', () => {
  it('reads each kind of term', () => {
    assert.deepEqual(
      q('10.20.3.7 port:5432').terms.map((t) => t.kind),
      ['address', 'port'],
    );
    const a = q('10.20.3.7').terms[0];
    assert.ok(a.kind === 'address' && a.text === '10.20.3.7/32' && a.direction === undefined);
    const o = q('out:10.0.0.0/8').terms[0];
    assert.ok(o.kind === 'address' && o.direction === 'out');
    assert.deepEqual(q('5432/tcp').terms[0], { kind: 'port', fromPort: 5432, toPort: 5432, protocol: 'tcp' });
    assert.deepEqual(q('port:1000-2000/udp').terms[0], { kind: 'port', fromPort: 1000, toPort: 2000, protocol: 'udp' });
    assert.deepEqual(q('3306').terms[0], { kind: 'port', fromPort: 3306, toPort: 3306 });
    assert.deepEqual(q('proto:udp').terms[0], { kind: 'protocol', protocol: 'udp' });
    assert.deepEqual(q('sg-0ABC').terms[0], { kind: 'group', id: 'sg-0abc' });
    assert.deepEqual(q('group:AppSrv').terms[0], { kind: 'group', name: 'appsrv' });
    assert.deepEqual(q('tag:env=prod').terms[0], { kind: 'tag', key: 'env', value: 'prod' });
    assert.deepEqual(q('tag:env').terms[0], { kind: 'tag', key: 'env' });
    assert.deepEqual(q('tag:Name="orders db"').terms[0], { kind: 'tag', key: 'Name', value: 'orders db' });
    assert.deepEqual(q('world').terms[0], { kind: 'world' });
    assert.deepEqual(q('out:world').terms[0], { kind: 'world', direction: 'out' });
    assert.deepEqual(q('"Client Offices"').terms[0], { kind: 'text', text: 'client offices' });
    assert.deepEqual(q('"10.20"').terms[0], { kind: 'text', text: '10.20' });
    assert.equal(q('egress 10.0.0.0/8').direction, 'out');
    assert.deepEqual(q('2001:db8::/32').terms[0].kind, 'address');
  });

  it('says exactly what is wrong', () => {
    assert.match(err(''), /Type what to find/);
    assert.match(err('10.0.0.300'), /300 is more than 255/);
    assert.match(err('10.0.0.0/33'), /prefix length 33 is more than 32/);
    assert.match(err('port:'), /needs a port after 'port:'/);
    assert.match(err('port:70000'), /70000/);
    assert.match(err('port:2000-1000'), /start port 2000 is greater than the end port 1000/);
    assert.match(err('53/icmp'), /'icmp' is not tcp or udp/);
    assert.match(err('proto:bogus'), /not a protocol/);
    assert.match(err('sg-xyz'), /'sg-xyz' is not a security group id/);
    assert.match(err('tag:=x'), /needs a tag key/);
    assert.match(err('out:'), /needs an address, a CIDR or world/);
    assert.match(err('out:appsrv'), /not a CIDR range/);
    assert.match(err('name:foo'), /'name:' is not something Find knows/);
    assert.match(err('"orders'), /quote .* is not closed/);
    assert.match(err('inbound outbound port:1'), /both inbound and outbound/);
    assert.match(err('egress'), /only says a direction/);
  });

  it('the placeholder is itself a valid query (what a user copies from it works)', () => {
    for (const part of QUERY_PLACEHOLDER.split(' · ')) assert.ok(!('error' in parseQuery(part.replace('…', '1'))), part);
  });

  it('property: anything typed gives a query or a specific error message, never a throw', () => {
    const pieces = fc.constantFrom(
      'port:',
      'tag:',
      'in:',
      'out:',
      'proto:',
      'sg-',
      'group:',
      'world',
      'egress',
      'inbound',
      '"',
      '/',
      '-',
      ':',
      '::',
      '=',
      '.',
      '10.20.3.7',
      '0.0.0.0/0',
      '2001:db8::/32',
      '5432',
      '/tcp',
      '/udp',
      ' ',
      'x',
    );
    const typed = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.array(pieces, { maxLength: 8 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(typed, (text) => {
        const r = parseQuery(text);
        if ('error' in r) {
          assert.equal(typeof r.error, 'string');
          assert.ok(r.error.length > 10, `a message that says something: ${r.error}`);
          assert.ok(!/undefined|NaN|\[object/.test(r.error), r.error);
        } else {
          assert.ok(r.terms.length > 0);
          assert.equal(r.text, text.trim());
          // Whatever matched, find() answers on it too.
          find(r, [scope]);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('property: every address and CIDR AWS could store parses to the same range', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, p) => {
        const t = q(`${ip}/${p}`).terms[0];
        assert.ok(t.kind === 'address' && t.cidr.prefix === p && t.cidr.version === 4);
      }),
    );
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const t = q(ip).terms[0];
        assert.ok(t.kind === 'address' && t.cidr.version === 6 && t.cidr.prefix === 128, ip);
      }),
    );
  });
});

describe('Find: matching over a Region (src/domain/find/match.ts)', () => {
  it('an address inside, on the edge of and outside a CIDR (inbound by default)', () => {
    assert.deepEqual(hits('10.20.3.7'), ['orders-db: in tcp 5432-5432 10.20.0.0/16', 'legacy: in -1 -1--1 10.20.3.7/32, in udp 53-53 10.0.0.0/8']);
    // The first and last address of 10.20.0.0/16 are inside it; the next ones out are not.
    assert.deepEqual(hits('10.20.0.0'), ['orders-db: in tcp 5432-5432 10.20.0.0/16', 'legacy: in udp 53-53 10.0.0.0/8']);
    assert.deepEqual(hits('10.20.255.255'), ['orders-db: in tcp 5432-5432 10.20.0.0/16', 'legacy: in udp 53-53 10.0.0.0/8']);
    assert.deepEqual(hits('10.21.0.0'), ['legacy: in udp 53-53 10.0.0.0/8']);
    assert.deepEqual(hits('11.0.0.0'), []);
    // A CIDR overlaps a rule's range when one holds the other.
    assert.deepEqual(hits('10.20.3.0/24'), ['orders-db: in tcp 5432-5432 10.20.0.0/16', 'legacy: in -1 -1--1 10.20.3.7/32, in udp 53-53 10.0.0.0/8']);
  });

  it('IPv6, and world (0.0.0.0/0 or ::/0) per direction', () => {
    assert.deepEqual(hits('2001:db8::1'), ['v6-only: in tcp 0-65535 ::/0, in tcp 22-22 2001:db8::/32']);
    assert.deepEqual(hits('2001:db9::1'), ['v6-only: in tcp 0-65535 ::/0']);
    assert.deepEqual(hits('world'), ['v6-only: in tcp 0-65535 ::/0']);
    assert.deepEqual(hits('out:world'), ['appsrv: out -1 -1--1 0.0.0.0/0']);
    assert.deepEqual(hits('egress 8.8.8.8'), ['appsrv: out -1 -1--1 0.0.0.0/0']);
  });

  it('ports: single ports, ranges, protocols and all-traffic rules', () => {
    assert.deepEqual(hits('10.20.3.7 port:5432'), ['orders-db: in tcp 5432-5432 10.20.0.0/16', 'legacy: in -1 -1--1 10.20.3.7/32']);
    assert.deepEqual(hits('port:1500 inbound'), [
      'orders-db: in tcp 1000-2000 192.168.1.0/24',
      'legacy: in -1 -1--1 10.20.3.7/32',
      'v6-only: in tcp 0-65535 ::/0',
    ]);
    assert.deepEqual(hits('port:1999-2100/tcp inbound'), [
      'orders-db: in tcp 1000-2000 192.168.1.0/24',
      'legacy: in -1 -1--1 10.20.3.7/32',
      'v6-only: in tcp 0-65535 ::/0',
    ]);
    assert.deepEqual(hits('53/udp'), ['appsrv: out -1 -1--1 0.0.0.0/0', 'legacy: in -1 -1--1 10.20.3.7/32, in udp 53-53 10.0.0.0/8']);
    assert.deepEqual(hits('port:2001-2999/tcp inbound'), ['legacy: in -1 -1--1 10.20.3.7/32', 'v6-only: in tcp 0-65535 ::/0']);
  });

  it('prefix lists match through their entries where known, never when not', () => {
    assert.deepEqual(hits('172.16.5.5'), []);
    const net = new NetworkIndex({
      region: REGION,
      subnets: [],
      routeTables: [],
      networkAcls: [],
      dbSubnetGroups: [],
      prefixLists: new Map([['pl-0123', ['172.16.0.0/12']]]),
      failures: [],
      loadedAt: 0,
    } satisfies NetworkSnapshot);
    assert.deepEqual(hits('172.16.5.5', [{ ...scope, network: net }]), ['orders-db: in tcp 5432-5432 pl-0123']);
  });

  it('a group by id (or its start) or name: the group itself, and the rules that reference it', () => {
    assert.deepEqual(hits('sg-0aaa0002'), ['orders-db: in tcp 5432-5432 sg-0aaa0002', 'appsrv (whole)']);
    // appsrv's own all-traffic outbound rule allows 5432 too; `inbound` keeps the references only.
    assert.deepEqual(hits('group:appsrv port:5432'), ['orders-db: in tcp 5432-5432 sg-0aaa0002', 'appsrv: out -1 -1--1 0.0.0.0/0']);
    assert.deepEqual(hits('group:appsrv port:5432 inbound'), ['orders-db: in tcp 5432-5432 sg-0aaa0002']);
    assert.equal(hits('sg-0aaa').length, 4);
    const r = find(q('sg-0aaa0001'), [scope]);
    assert.deepEqual(
      r.databases.map((d) => d.target.id),
      ['orders', 'orders-1'],
    );
  });

  it('tags and text, combined with AND', () => {
    assert.deepEqual(hits('tag:env=prod'), ['orders-db (whole)']);
    assert.deepEqual(hits('tag:env'), ['orders-db (whole)', 'appsrv (whole)']);
    assert.deepEqual(hits('tag:env=Prod'), []);
    assert.deepEqual(hits('tag:env=prod 192.168.1.1'), ['orders-db: in tcp 1000-2000 192.168.1.0/24']);
    assert.deepEqual(hits('"client offices"'), ['appsrv: in tcp 443-443 203.0.113.0/24']);
    assert.deepEqual(hits('reporting'), ['legacy (whole)']);
    assert.deepEqual(hits('reporting 53/udp'), ['legacy: in -1 -1--1 10.20.3.7/32, in udp 53-53 10.0.0.0/8']);
    assert.deepEqual(hits('orders nothing-like-this'), []);
  });

  it('an address: which databases it can reach and on which port, through the path engine', () => {
    const r = find(q('10.20.3.7'), [scope]);
    assert.deepEqual(
      r.reach.map((h) => `${h.target.id}:${h.port} ${h.verdict}`),
      ['orders:5432 open', 'reports:3306 open'],
    );
    assert.deepEqual(
      find(q('10.30.0.1'), [scope]).reach.map((h) => h.target.id),
      [],
    );
    assert.deepEqual(
      find(q('192.168.1.9'), [scope]).reach.map((h) => h.target.id),
      [],
      'its rule allows 1000-2000, not the database port',
    );
    assert.deepEqual(
      find(q('192.168.1.9 port:1500'), [scope]).reach.map((h) => `${h.target.id}:${h.port}`),
      ['orders:1500'],
    );
    assert.deepEqual(find(q('out:10.20.3.7'), [scope]).reach, [], 'an outbound address is a destination, not a source');
  });

  it('several scopes (accounts): each hit names its scope key; a scope whose rules were not read is named, not searched', () => {
    const prod: FindScope = { key: 'prod/eu-west-1', idx: new RegionIndex(snapshot) };
    const failed: FindScope = {
      key: 'dev/eu-west-1',
      idx: new RegionIndex({ ...snapshot, rules: [], failures: [{ read: 'rules', action: 'ec2:DescribeSecurityGroupRules', error: new Error('denied') }] }),
    };
    const r = find(q('10.20.3.7 port:5432'), [prod, failed]);
    assert.deepEqual([...new Set(r.groups.map((g) => g.key))], ['prod/eu-west-1']);
    assert.equal(r.notes.length, 1);
    assert.match(r.notes[0], /^dev\/eu-west-1: the security group rules \(needs ec2:DescribeSecurityGroupRules\) could not be read/);
    assert.deepEqual(
      r.reach.map((h) => h.key),
      ['prod/eu-west-1', 'prod/eu-west-1'],
    );
  });
});

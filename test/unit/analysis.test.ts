import * as assert from 'node:assert/strict';
import {
  accessLostBy,
  DbTarget,
  explainPath,
  narrowerReplacements,
  Finding,
  FindingKind,
  findings,
  MissingRule,
  PathSource,
  Severity,
  whoCanReach,
} from '../../src/domain/analysis';
import { DbCluster, DbInstance, Ec2Instance, RegionIndex, RegionSnapshot, RulePeer, SecurityGroup, SecurityGroupRule, Vpc } from '../../src/domain/model';
import { syntheticRegion } from '../harness/syntheticRegion';

// ---------------------------------------------------------------------------------------------
// Builders: a Region by hand, in as few words as possible.

const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';

function sg(groupId: string, groupName: string = groupId, vpcId = 'vpc-1'): SecurityGroup {
  return { region: REGION, groupId, groupName, description: groupName, vpcId, ownerId: ACCOUNT, tags: {} };
}

/** 'sg-…' a group, 'pl-…' a prefix list, with ':' IPv6, else IPv4. */
function peerOf(source: string | RulePeer): RulePeer {
  if (typeof source !== 'string') return source;
  if (source.startsWith('sg-')) return { kind: 'group', groupId: source, userId: ACCOUNT };
  if (source.startsWith('pl-')) return { kind: 'prefixList', prefixListId: source };
  return source.includes(':') ? { kind: 'cidr6', cidr: source } : { kind: 'cidr4', cidr: source };
}

/** 'tcp 3306', 'tcp 3300-3310', '-1', 'udp 53', 'icmp' (all types), 'icmp 8' (type 8, any code). */
function perm(spec: string): { protocol: string; fromPort: number; toPort: number } {
  const [protocol, ports] = spec.split(' ') as [string, string | undefined];
  if (ports === undefined) return { protocol, fromPort: -1, toPort: -1 };
  if (protocol === 'icmp' || protocol === 'icmpv6') return { protocol, fromPort: Number(ports), toPort: -1 };
  const [from, to] = ports.split('-');
  return { protocol, fromPort: Number(from), toPort: Number(to ?? from) };
}

function inb(ruleId: string, groupId: string, spec: string, source: string | RulePeer): SecurityGroupRule {
  return { region: REGION, ruleId, groupId, isEgress: false, ...perm(spec), peer: peerOf(source) };
}

function outb(ruleId: string, groupId: string, spec: string, dest: string | RulePeer): SecurityGroupRule {
  return { ...inb(ruleId, groupId, spec, dest), isEgress: true };
}

function cluster(clusterId: string, groupIds: string[], o: { engine?: string; port?: number; members?: string[]; vpcId?: string } = {}): DbCluster {
  return {
    region: REGION,
    clusterId,
    kind: 'aurora',
    engine: o.engine ?? 'aurora-mysql',
    ...(o.port !== undefined ? { port: o.port } : {}),
    status: 'available',
    members: (o.members ?? []).map((instanceId, i) => ({ instanceId, isWriter: i === 0 })),
    securityGroups: groupIds.map((groupId) => ({ groupId, status: 'active' })),
    vpcId: o.vpcId ?? 'vpc-1',
  };
}

function dbInstance(instanceId: string, groupIds: string[], o: { engine?: string; port?: number; clusterId?: string } = {}): DbInstance {
  return {
    region: REGION,
    instanceId,
    ...(o.clusterId ? { clusterId: o.clusterId } : {}),
    engine: o.engine ?? 'mysql',
    status: 'available',
    securityGroups: groupIds.map((groupId) => ({ groupId, status: 'active' })),
    vpcId: 'vpc-1',
    ...(o.port !== undefined ? { port: o.port } : {}),
  };
}

function ec2(instanceId: string, groups: string[], privateIp?: string, publicIp?: string): Ec2Instance {
  return { region: REGION, instanceId, vpcId: 'vpc-1', securityGroupIds: groups, privateIp, publicIp };
}

const VPC: Vpc = {
  region: REGION,
  vpcId: 'vpc-1',
  ownerId: ACCOUNT,
  cidrBlocks: ['10.0.0.0/16'],
  ipv6CidrBlocks: ['2001:db8:1::/56'],
  isDefault: false,
  tags: {},
};

function region(p: { groups?: SecurityGroup[]; rules?: SecurityGroupRule[]; clusters?: DbCluster[]; instances?: DbInstance[]; vpcs?: Vpc[] }): RegionIndex {
  const snapshot: RegionSnapshot = {
    region: REGION,
    vpcs: p.vpcs ?? [VPC],
    groups: p.groups ?? [],
    rules: p.rules ?? [],
    clusters: p.clusters ?? [],
    instances: p.instances ?? [],
    loadedAt: 0,
  };
  return new RegionIndex(snapshot);
}

/** A MySQL cluster 'db' (port 3306) guarded by sg-db with the given inbound rules. */
function dbWith(...rules: SecurityGroupRule[]): RegionIndex {
  return region({ groups: [sg('sg-db'), sg('sg-app')], rules, clusters: [cluster('db', ['sg-db'])] });
}

const DB: DbTarget = { clusterId: 'db' };

// ---------------------------------------------------------------------------------------------

describe('analysis: whoCanReach', () => {
  describe('which rules let TCP in on the database port', () => {
    const table: Array<[string, boolean]> = [
      ['tcp 3306', true],
      ['tcp 3300-3310', true],
      ['tcp 3306-3306', true],
      ['tcp 0-65535', true],
      ['tcp 3307', false],
      ['tcp 3000-3305', false],
      ['tcp 3307-4000', false],
      ['-1', true],
      ['6 3306', true],
      ['udp 3306', false],
      ['udp 0-65535', false],
      ['icmp', false],
      ['47', false],
    ];
    for (const [spec, counted] of table) {
      it(`${spec} from 10.0.0.0/16 ${counted ? 'counts' : 'does not count'}`, () => {
        const r = whoCanReach(dbWith(inb('r1', 'sg-db', spec, '10.0.0.0/16')), DB);
        assert.equal(r.port, 3306);
        assert.equal(r.cidrs.length, counted ? 1 : 0);
        if (counted)
          assert.deepEqual(
            r.cidrs[0]!.rules.map((x) => x.ruleId),
            ['r1'],
          );
      });
    }

    it('ignores outbound rules of the database groups', () => {
      const r = whoCanReach(dbWith(outb('r1', 'sg-db', '-1', '0.0.0.0/0')), DB);
      assert.equal(r.cidrs.length, 0);
      assert.equal(r.worldOpen, false);
    });
  });

  describe('the database port and groups', () => {
    const defaults: Array<[string, number | undefined, number]> = [
      ['aurora-mysql', undefined, 3306],
      ['aurora-postgresql', undefined, 5432],
      ['mysql', undefined, 3306],
      ['postgres', undefined, 5432],
      ['aurora', undefined, 3306],
      ['aurora-postgresql', 6543, 6543],
      ['aurora-mysql', 13306, 13306],
    ];
    for (const [engine, port, expected] of defaults) {
      it(`${engine} with port ${port ?? '(none)'} listens on ${expected}`, () => {
        const idx = region({ groups: [sg('sg-db')], clusters: [cluster('db', ['sg-db'], { engine, port })] });
        const r = whoCanReach(idx, DB);
        assert.equal(r.port, expected);
        assert.equal(r.engine, engine);
      });
    }

    it('a cluster member instance uses the cluster groups and port', () => {
      const idx = region({
        groups: [sg('sg-db'), sg('sg-other')],
        rules: [inb('r1', 'sg-db', 'tcp 5432', '10.0.0.0/16'), inb('r2', 'sg-other', 'tcp 9999', '10.0.0.0/16')],
        clusters: [cluster('pg', ['sg-db'], { engine: 'aurora-postgresql', port: 5432, members: ['pg-1'] })],
        instances: [dbInstance('pg-1', ['sg-other'], { engine: 'aurora-postgresql', port: 9999, clusterId: 'pg' })],
      });
      const r = whoCanReach(idx, { instanceId: 'pg-1' });
      assert.equal(r.port, 5432);
      assert.deepEqual(r.attachedGroupIds, ['sg-db']);
      assert.deepEqual(
        r.cidrs.map((c) => c.rules.map((x) => x.ruleId)),
        [['r1']],
      );
      assert.equal(r.target.kind, 'instance');
      assert.equal(r.target.clusterId, 'pg');
    });

    it('a standalone instance uses its own groups and port', () => {
      const idx = region({
        groups: [sg('sg-rds')],
        rules: [inb('r1', 'sg-rds', 'tcp 5433', '10.0.0.0/24')],
        instances: [dbInstance('solo', ['sg-rds'], { engine: 'postgres', port: 5433 })],
      });
      const r = whoCanReach(idx, { instanceId: 'solo' });
      assert.equal(r.port, 5433);
      assert.deepEqual(
        r.cidrs.map((c) => c.cidr),
        ['10.0.0.0/24'],
      );
    });

    it('deduplicates attached groups and reports those missing from the index', () => {
      const idx = region({ groups: [sg('sg-db')], clusters: [cluster('db', ['sg-db', 'sg-db', 'sg-gone'])] });
      const r = whoCanReach(idx, DB);
      assert.deepEqual(r.attachedGroupIds, ['sg-db', 'sg-gone']);
      assert.deepEqual(r.missingAttachedGroupIds, ['sg-gone']);
    });

    it('throws for a database that is not in the index', () => {
      assert.throws(() => whoCanReach(region({}), { clusterId: 'nope' }), /DB cluster nope is not in eu-west-1/);
      assert.throws(() => whoCanReach(region({}), { instanceId: 'nope' }), /DB instance nope is not in eu-west-1/);
    });
  });

  describe('CIDR sources', () => {
    it('merges overlapping and adjacent IPv4 blocks and keeps every contributing rule', () => {
      const idx = region({
        groups: [sg('sg-db'), sg('sg-db2')],
        rules: [
          inb('r3', 'sg-db', 'tcp 3306', '10.1.0.0/16'),
          inb('r1', 'sg-db', 'tcp 3306', '10.0.0.0/16'),
          inb('r2', 'sg-db2', 'tcp 3300-3310', '10.0.1.0/24'),
          inb('r4', 'sg-db', 'tcp 3306', '192.168.0.0/25'),
          inb('r5', 'sg-db2', '-1', '192.168.0.128/25'),
          inb('r6', 'sg-db', 'tcp 3306', '203.0.113.7/32'),
          inb('r7', 'sg-db', 'udp 3306', '198.51.100.0/24'),
        ],
        clusters: [cluster('db', ['sg-db', 'sg-db2'])],
      });
      const r = whoCanReach(idx, DB);
      assert.deepEqual(
        r.cidrs.map((c) => [c.cidr, c.version, c.size, c.public, c.world, c.rules.map((x) => x.ruleId)]),
        [
          ['10.0.0.0/15', 4, '131072', false, false, ['r1', 'r2', 'r3']],
          ['192.168.0.0/24', 4, '256', false, false, ['r4', 'r5']],
          ['203.0.113.7/32', 4, '1', true, false, ['r6']],
        ],
      );
      const r2 = r.cidrs[0]!.rules.find((x) => x.ruleId === 'r2')!;
      assert.deepEqual(r2, { ruleId: 'r2', groupId: 'sg-db2', protocol: 'tcp', fromPort: 3300, toPort: 3310, peer: '10.0.1.0/24' });
      assert.equal(r.worldOpen, false);
    });

    it('handles IPv6 sources: merging, sizes beyond 2^53, private and world blocks, IPv4 listed first', () => {
      const r = whoCanReach(
        dbWith(
          inb('v6a', 'sg-db', 'tcp 3306', '2001:db8:8000::/33'),
          inb('v6b', 'sg-db', 'tcp 3306', '2001:db8::/33'),
          inb('v6c', 'sg-db', 'tcp 3306', 'fd00::/8'),
          inb('v4', 'sg-db', 'tcp 3306', '10.0.0.0/8'),
        ),
        DB,
      );
      assert.deepEqual(
        r.cidrs.map((c) => [c.cidr, c.version, c.size, c.public, c.rules.map((x) => x.ruleId)]),
        [
          ['10.0.0.0/8', 4, '16777216', false, ['v4']],
          ['2001:db8::/32', 6, '79228162514264337593543950336', true, ['v6b', 'v6a']],
          ['fd00::/8', 6, (1n << 120n).toString(), false, ['v6c']],
        ],
      );
    });

    it('flags the world, for IPv4 and for IPv6', () => {
      const r = whoCanReach(
        dbWith(inb('w4', 'sg-db', 'tcp 3306', '0.0.0.0/0'), inb('n4', 'sg-db', 'tcp 3306', '10.0.0.0/8'), inb('w6', 'sg-db', '-1', '::/0')),
        DB,
      );
      assert.deepEqual(
        r.cidrs.map((c) => [c.cidr, c.world, c.public, c.rules.map((x) => x.ruleId)]),
        [
          ['0.0.0.0/0', true, true, ['w4', 'n4']],
          ['::/0', true, true, ['w6']],
        ],
      );
      assert.equal(r.cidrs[0]!.size, '4294967296');
      assert.equal(r.worldOpen, true);
    });
  });

  describe('group and prefix list sources', () => {
    it('lists referenced groups with names, the carrying EC2 instances and self references', () => {
      const idx = region({
        groups: [sg('sg-db', 'database'), sg('sg-app', 'app servers')],
        rules: [inb('r1', 'sg-db', 'tcp 3306', 'sg-app'), inb('r2', 'sg-db', 'tcp 3306', 'sg-db'), inb('r3', 'sg-db', 'tcp 22', 'sg-app')],
        clusters: [cluster('db', ['sg-db'])],
      });
      const instances = [ec2('i-1', ['sg-app']), ec2('i-2', ['sg-web']), ec2('i-3', ['sg-app', 'sg-app'])];
      const r = whoCanReach(idx, DB, { ec2Instances: instances });
      assert.deepEqual(
        r.groups.map((g) => [
          g.groupId,
          g.groupName,
          g.exists,
          g.stale,
          g.selfReference,
          g.attached,
          g.rules.map((x) => x.ruleId),
          g.ec2Instances.map((i) => i.instanceId),
        ]),
        [
          ['sg-app', 'app servers', true, false, false, false, ['r1'], ['i-1', 'i-3']],
          ['sg-db', 'database', true, false, true, true, ['r2'], []],
        ],
      );
      assert.deepEqual(whoCanReach(idx, DB).groups[0]!.ec2Instances, [], 'no instances without opts.ec2Instances');
    });

    it('does not loop on a cycle of references (A refs B refs A)', () => {
      const idx = region({
        groups: [sg('sg-a'), sg('sg-b')],
        rules: [inb('ra', 'sg-a', 'tcp 3306', 'sg-b'), inb('rb', 'sg-b', 'tcp 3306', 'sg-a')],
        clusters: [cluster('one', ['sg-a']), cluster('both', ['sg-a', 'sg-b'])],
      });
      const one = whoCanReach(idx, { clusterId: 'one' }, { ec2Instances: [ec2('i-b', ['sg-b'])] });
      assert.deepEqual(
        one.groups.map((g) => [g.groupId, g.attached, g.ec2Instances.length]),
        [['sg-b', false, 1]],
      );
      const both = whoCanReach(idx, { clusterId: 'both' });
      assert.deepEqual(
        both.groups.map((g) => [g.groupId, g.attached, g.selfReference, g.rules.map((x) => x.ruleId)]),
        [
          ['sg-a', true, false, ['rb']],
          ['sg-b', true, false, ['ra']],
        ],
      );
    });

    it("flags a referenced group missing from the index as stale, but not another account's or a peered one", () => {
      const r = whoCanReach(
        dbWith(
          inb('r1', 'sg-db', 'tcp 3306', 'sg-gone'),
          inb('r2', 'sg-db', 'tcp 3306', { kind: 'group', groupId: 'sg-partner', userId: '999988887777' }),
          inb('r3', 'sg-db', 'tcp 3306', { kind: 'group', groupId: 'sg-peer', userId: ACCOUNT, peeringConnectionId: 'pcx-1' }),
        ),
        DB,
      );
      assert.deepEqual(
        r.groups.map((g) => [g.groupId, g.exists, g.stale, g.foreign]),
        [
          ['sg-gone', false, true, false],
          ['sg-partner', false, false, true],
          ['sg-peer', false, false, true],
        ],
      );
      assert.equal(r.groups[1]!.userId, '999988887777');
    });

    it('lists prefix lists with their rules', () => {
      const r = whoCanReach(
        dbWith(
          inb('r1', 'sg-db', 'tcp 3306', 'pl-0123abcd'),
          inb('r2', 'sg-db', 'tcp 3300-3310', 'pl-0123abcd'),
          inb('r3', 'sg-db', 'tcp 443', 'pl-99999999'),
          inb('r4', 'sg-db', '-1', 'pl-00000001'),
        ),
        DB,
      );
      assert.deepEqual(
        r.prefixLists.map((p) => [p.prefixListId, p.rules.map((x) => x.ruleId)]),
        [
          ['pl-00000001', ['r4']],
          ['pl-0123abcd', ['r1', 'r2']],
        ],
      );
      assert.equal(r.cidrs.length, 0);
      assert.equal(r.groups.length, 0);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('analysis: explainPath', () => {
  /** sg-db guards MySQL cluster 'db'; sg-app (egress allow-all) and sg-web are client groups. */
  function world(
    dbRules: SecurityGroupRule[],
    extra: SecurityGroupRule[] = [outb('app-out', 'sg-app', '-1', '0.0.0.0/0'), outb('web-out', 'sg-web', '-1', '0.0.0.0/0')],
  ): RegionIndex {
    return region({
      groups: [sg('sg-db', 'database'), sg('sg-app', 'app'), sg('sg-web', 'web'), sg('sg-db2', 'database 2')],
      rules: [...dbRules, ...extra],
      clusters: [cluster('db', ['sg-db', 'sg-db2'], { members: ['db-1'] })],
      instances: [dbInstance('db-1', ['sg-db', 'sg-db2'], { engine: 'aurora-mysql', clusterId: 'db' })],
    });
  }
  const inbound = (source: { cidr: string } | { groupId: string }, groupId = 'sg-db', port = 3306): MissingRule => ({
    groupId,
    isEgress: false,
    protocol: 'tcp',
    fromPort: port,
    toPort: port,
    source,
  });

  const cases: Array<{
    name: string;
    idx: () => RegionIndex;
    source: PathSource;
    port?: number;
    open: boolean;
    missing?: MissingRule[];
    ingressRuleIds?: string[];
  }> = [
    {
      name: 'CIDR inside a rule CIDR',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', '10.0.0.0/16')]),
      source: { cidr: '10.0.5.9' },
      open: true,
      ingressRuleIds: ['r1'],
    },
    {
      name: 'CIDR equal to a rule CIDR (via the second db group)',
      idx: () => world([inb('r1', 'sg-db2', 'tcp 3300-3310', '10.0.5.0/24')]),
      source: { cidr: '10.0.5.0/24' },
      open: true,
      ingressRuleIds: ['r1'],
    },
    {
      name: 'CIDR wider than the rule CIDR',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', '10.0.0.0/16')]),
      source: { cidr: '10.0.0.0/8' },
      open: false,
      missing: [inbound({ cidr: '10.0.0.0/8' })],
    },
    {
      name: 'CIDR outside, canonicalised in missingRule',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', '10.0.0.0/16')]),
      source: { cidr: ' 203.0.113.77/24 ' },
      open: false,
      missing: [inbound({ cidr: '203.0.113.0/24' })],
    },
    {
      name: 'CIDR allowed on another port only',
      idx: () => world([inb('r1', 'sg-db', 'tcp 5432', '10.0.0.0/16')]),
      source: { cidr: '10.0.0.1/32' },
      open: false,
      missing: [inbound({ cidr: '10.0.0.1/32' })],
    },
    {
      name: 'CIDR allowed by udp only',
      idx: () => world([inb('r1', 'sg-db', 'udp 3306', '10.0.0.0/16')]),
      source: { cidr: '10.0.0.1' },
      open: false,
      missing: [inbound({ cidr: '10.0.0.1/32' })],
    },
    {
      name: 'CIDR allowed by all traffic',
      idx: () => world([inb('r1', 'sg-db', '-1', '0.0.0.0/0')]),
      source: { cidr: '198.51.100.1' },
      open: true,
      ingressRuleIds: ['r1'],
    },
    {
      name: 'IPv6 CIDR inside an IPv6 rule',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', '2001:db8::/32')]),
      source: { cidr: '2001:DB8:0:1::5' },
      open: true,
      ingressRuleIds: ['r1'],
    },
    {
      name: 'IPv6 CIDR against IPv4 rules only',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', '0.0.0.0/0')]),
      source: { cidr: '2001:db8::1/128' },
      open: false,
      missing: [inbound({ cidr: '2001:db8::1/128' })],
    },
    {
      name: 'port override closes the path',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', '10.0.0.0/16')]),
      source: { cidr: '10.0.0.1' },
      port: 5432,
      open: false,
      missing: [inbound({ cidr: '10.0.0.1/32' }, 'sg-db', 5432)],
    },
    {
      name: 'group referenced by a db group rule',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', 'sg-app')]),
      source: { groupId: 'sg-app' },
      open: true,
      ingressRuleIds: ['r1'],
    },
    {
      name: 'group not referenced',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', 'sg-web')]),
      source: { groupId: 'sg-app' },
      open: false,
      missing: [inbound({ groupId: 'sg-app' })],
    },
    {
      name: 'group referenced, but without outbound rules',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', 'sg-app')], []),
      source: { groupId: 'sg-app' },
      open: false,
      missing: [{ groupId: 'sg-app', isEgress: true, protocol: 'tcp', fromPort: 3306, toPort: 3306, source: { groupId: 'sg-db' } }],
      ingressRuleIds: ['r1'],
    },
    {
      name: 'group neither let out nor let in: both rules',
      idx: () => world([], [outb('o1', 'sg-app', 'tcp 443', '0.0.0.0/0')]),
      source: { groupId: 'sg-app' },
      open: false,
      missing: [
        inbound({ groupId: 'sg-app' }),
        { groupId: 'sg-app', isEgress: true, protocol: 'tcp', fromPort: 3306, toPort: 3306, source: { groupId: 'sg-db' } },
      ],
    },
    {
      name: 'group let out to the db group only',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', 'sg-app')], [outb('o1', 'sg-app', 'tcp 3306', 'sg-db2')]),
      source: { groupId: 'sg-app' },
      open: true,
    },
    {
      name: 'group let out to the database VPC range',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', 'sg-app')], [outb('o1', 'sg-app', 'tcp 3000-4000', '10.0.0.0/16')]),
      source: { groupId: 'sg-app' },
      open: true,
    },
    {
      name: 'group let out only to another VPC range',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', 'sg-app')], [outb('o1', 'sg-app', 'tcp 3306', '192.168.0.0/16')]),
      source: { groupId: 'sg-app' },
      open: false,
      missing: [{ groupId: 'sg-app', isEgress: true, protocol: 'tcp', fromPort: 3306, toPort: 3306, source: { groupId: 'sg-db' } }],
    },
    {
      name: 'self-referencing db group as the source',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', 'sg-db')], [outb('o1', 'sg-db', '-1', '0.0.0.0/0')]),
      source: { groupId: 'sg-db' },
      open: true,
      ingressRuleIds: ['r1'],
    },
    {
      name: 'EC2 instance by one of its groups',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', 'sg-app')]),
      source: { ec2Instance: ec2('i-1', ['sg-web', 'sg-app'], '10.0.9.9') },
      open: true,
      ingressRuleIds: ['r1'],
    },
    {
      name: 'EC2 instance by its private IP',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', '10.0.1.0/24')]),
      source: { ec2Instance: ec2('i-1', ['sg-web'], '10.0.1.20') },
      open: true,
      ingressRuleIds: ['r1'],
    },
    {
      name: 'EC2 instance by its public IP',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', '198.51.100.7/32')]),
      source: { ec2Instance: ec2('i-1', ['sg-web'], '10.0.1.20', '198.51.100.7') },
      open: true,
      ingressRuleIds: ['r1'],
    },
    {
      name: 'EC2 instance not allowed: suggests its first group',
      idx: () => world([inb('r1', 'sg-db', 'tcp 3306', '10.1.0.0/16')]),
      source: { ec2Instance: ec2('i-1', ['sg-web', 'sg-app'], '10.0.1.20') },
      open: false,
      missing: [inbound({ groupId: 'sg-web' })],
    },
    {
      name: 'EC2 instance without groups: suggests its private IP',
      idx: () => world([]),
      source: { ec2Instance: ec2('i-1', [], '10.0.1.20') },
      open: false,
      missing: [inbound({ cidr: '10.0.1.20/32' })],
    },
  ];

  for (const c of cases) {
    it(`${c.open ? 'open' : 'closed'}: ${c.name}`, () => {
      const e = explainPath(c.idx(), c.source, DB, c.port);
      assert.equal(e.open, c.open, JSON.stringify(e.hops, null, 1));
      assert.equal(e.port, c.port ?? 3306);
      assert.deepEqual(e.missingRules, c.missing ?? []);
      assert.deepEqual(e.missingRule, c.missing?.[0]);
      if (c.ingressRuleIds) {
        assert.deepEqual(
          e.hops.filter((h) => h.kind === 'ingress').flatMap((h) => h.ruleIds),
          c.ingressRuleIds,
        );
      }
      assert.equal(e.hops[0]!.kind, 'source');
      assert.equal(e.hops.filter((h) => h.kind === 'ingress').length, 2, 'one hop per database group');
      const hasEgress = 'groupId' in c.source || ('ec2Instance' in c.source && c.source.ec2Instance.securityGroupIds.length > 0);
      assert.equal(
        e.hops.some((h) => h.kind === 'egress'),
        hasEgress,
      );
      if (hasEgress) assert.equal(e.hops[1]!.kind, 'egress');
    });
  }

  it('says hop by hop what happens for a group source', () => {
    const e = explainPath(world([inb('r1', 'sg-db2', 'tcp 3306', 'sg-app')]), { groupId: 'sg-app' }, DB);
    assert.deepEqual(
      e.hops.map((h) => [h.kind, h.label, h.ok, h.ruleIds]),
      [
        ['source', 'Source group app (sg-app)', true, []],
        ['egress', 'Outbound from sg-app', true, ['app-out']],
        ['ingress', 'Inbound to database (sg-db)', false, []],
        ['ingress', 'Inbound to database 2 (sg-db2)', true, ['r1']],
      ],
    );
    assert.match(e.hops[2]!.detail, /No inbound rule allows tcp 3306 from app \(sg-app\)/);
    assert.match(e.hops[3]!.detail, /r1 allows tcp 3306 from app \(sg-app\)/);
  });

  it('mentions a prefix list that may hold the source', () => {
    const e = explainPath(world([inb('r1', 'sg-db', 'tcp 3306', 'pl-0abc')]), { cidr: '10.0.0.1' }, DB);
    assert.equal(e.open, false);
    assert.match(e.hops[1]!.detail, /Prefix list pl-0abc may include it/);
  });

  it('treats the first group of the database as the one to change, even for a member instance target', () => {
    const e = explainPath(world([]), { cidr: '10.0.0.1' }, { instanceId: 'db-1' });
    assert.equal(e.target.clusterId, 'db');
    assert.equal(e.missingRule?.groupId, 'sg-db');
  });

  it('rejects a source that is not a CIDR, with no rule to add', () => {
    const e = explainPath(world([inb('r1', 'sg-db', '-1', '0.0.0.0/0')]), { cidr: '10.0.0.256/8' }, DB);
    assert.equal(e.open, false);
    assert.equal(e.hops.length, 1);
    assert.equal(e.hops[0]!.ok, false);
    assert.match(e.hops[0]!.detail, /more than 255/);
    assert.equal(e.missingRule, undefined);
  });

  it('does not check the outbound rules of a group it does not know, and says so', () => {
    const e = explainPath(world([inb('r1', 'sg-db', 'tcp 3306', 'sg-elsewhere')]), { groupId: 'sg-elsewhere' }, DB);
    assert.equal(e.open, true);
    assert.match(e.hops[1]!.detail, /Not checked/);
  });

  it('reports a database without groups as closed', () => {
    const idx = region({ clusters: [cluster('bare', [])] });
    const e = explainPath(idx, { cidr: '10.0.0.1' }, { clusterId: 'bare' });
    assert.equal(e.open, false);
    assert.equal(e.missingRule, undefined);
    assert.match(e.hops[1]!.detail, /has no security groups/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('analysis: findings', () => {
  type Expect = [FindingKind, string, Severity?];
  const subject = (f: Finding) => f.ruleId ?? f.groupId ?? '';
  const find = (fs: readonly Finding[], kind: FindingKind, subj: string) => fs.find((f) => f.kind === kind && subject(f) === subj);

  /** sg-db guards MySQL cluster 'db'; sg-pg guards PostgreSQL cluster 'pg'; sg-x and sg-app guard nothing. */
  function fixture(rules: SecurityGroupRule[], more: { groups?: SecurityGroup[]; clusters?: DbCluster[] } = {}): RegionIndex {
    return region({
      groups: [sg('sg-db'), sg('sg-pg'), sg('sg-x'), sg('sg-app'), sg('sg-default', 'default'), ...(more.groups ?? [])],
      rules: [
        // Keep the fixture groups "in use" and their ports covered, so only the rules under test add findings.
        inb('base-db', 'sg-db', 'tcp 3306', 'sg-app'),
        inb('base-pg', 'sg-pg', 'tcp 5432', 'sg-app'),
        inb('base-x', 'sg-x', 'tcp 443', 'sg-app'),
        inb('base-app', 'sg-app', 'tcp 443', 'sg-x'),
        inb('base-default', 'sg-default', '-1', 'sg-default'),
        outb('base-default-out', 'sg-default', '-1', '0.0.0.0/0'),
        ...rules,
      ],
      clusters: [cluster('db', ['sg-db']), cluster('pg', ['sg-pg'], { engine: 'aurora-postgresql' }), ...(more.clusters ?? [])],
    });
  }

  it('finds nothing in the clean fixture', () => {
    assert.deepEqual(findings(fixture([])), []);
  });

  const table: Array<{
    name: string;
    rules: SecurityGroupRule[];
    more?: { groups?: SecurityGroup[]; clusters?: DbCluster[] };
    present: Expect[];
    absent: Array<[FindingKind, string]>;
  }> = [
    {
      name: 'db-port-world: IPv4 world on the database port',
      rules: [inb('r1', 'sg-db', 'tcp 3306', '0.0.0.0/0')],
      present: [['db-port-world', 'r1', 'high']],
      absent: [
        ['any-port-world-on-db-group', 'r1'],
        ['wide-public-cidr', 'r1'],
      ],
    },
    {
      name: 'db-port-world: IPv6 world on a range holding the port',
      rules: [inb('r1', 'sg-pg', 'tcp 5400-5500', '::/0')],
      present: [['db-port-world', 'r1', 'high']],
      absent: [],
    },
    {
      name: 'db-port-world: all traffic from the world (reported once, not also as all-traffic)',
      rules: [inb('r1', 'sg-db', '-1', '0.0.0.0/0')],
      present: [['db-port-world', 'r1', 'high']],
      absent: [['all-traffic', 'r1']],
    },
    {
      name: 'db-port-world negatives: group guards nothing, private source, the other engine port',
      rules: [
        inb('r1', 'sg-x', 'tcp 3306', '0.0.0.0/0'),
        inb('r2', 'sg-db', 'tcp 3306', '10.0.0.0/8'),
        inb('r3', 'sg-db', 'tcp 5432', '0.0.0.0/0'),
        inb('r4', 'sg-db', 'udp 3306', '0.0.0.0/0'),
      ],
      present: [
        ['any-port-world-on-db-group', 'r3', 'high'],
        ['any-port-world-on-db-group', 'r4', 'medium'],
      ],
      absent: [
        ['db-port-world', 'r1'],
        ['db-port-world', 'r2'],
        ['db-port-world', 'r3'],
        ['db-port-world', 'r4'],
        ['any-port-world-on-db-group', 'r1'],
      ],
    },
    {
      name: 'any-port-world-on-db-group: SSH high, a web port medium, a wide range high; ICMP ignored',
      rules: [
        inb('ssh', 'sg-db', 'tcp 22', '0.0.0.0/0'),
        inb('web', 'sg-db', 'tcp 8080', '::/0'),
        inb('range', 'sg-db', 'tcp 1000-2000', '0.0.0.0/0'),
        inb('ping', 'sg-db', 'icmp 8', '0.0.0.0/0'),
        inb('ssh-x', 'sg-x', 'tcp 22', '0.0.0.0/0'),
        inb('ssh-private', 'sg-db', 'tcp 22', '10.0.0.0/8'),
      ],
      present: [
        ['any-port-world-on-db-group', 'ssh', 'high'],
        ['any-port-world-on-db-group', 'web', 'medium'],
        ['any-port-world-on-db-group', 'range', 'high'],
      ],
      absent: [
        ['any-port-world-on-db-group', 'ping'],
        ['any-port-world-on-db-group', 'ssh-x'],
        ['any-port-world-on-db-group', 'ssh-private'],
        ['db-port-world', 'ssh'],
      ],
    },
    {
      name: 'wide-public-cidr: public IPv4 /8 to /23, inbound only',
      rules: [
        inb('w8', 'sg-x', 'tcp 443', '52.0.0.0/8'),
        inb('w16', 'sg-db', 'tcp 3306', '198.51.0.0/16'),
        inb('w23', 'sg-x', 'tcp 443', '52.1.2.0/23'),
        inb('w24', 'sg-x', 'tcp 443', '52.1.2.0/24'),
        inb('p8', 'sg-x', 'tcp 443', '10.0.0.0/8'),
        inb('cgnat', 'sg-x', 'tcp 443', '100.64.0.0/10'),
        inb('world', 'sg-x', 'tcp 443', '0.0.0.0/0'),
        inb('v6', 'sg-x', 'tcp 443', '2600::/16'),
        outb('out8', 'sg-x', 'tcp 443', '52.0.0.0/8'),
      ],
      present: [
        ['wide-public-cidr', 'w8', 'medium'],
        ['wide-public-cidr', 'w16', 'medium'],
        ['wide-public-cidr', 'w23', 'medium'],
      ],
      absent: [
        ['wide-public-cidr', 'w24'],
        ['wide-public-cidr', 'p8'],
        ['wide-public-cidr', 'cgnat'],
        ['wide-public-cidr', 'world'],
        ['wide-public-cidr', 'v6'],
        ['wide-public-cidr', 'out8'],
      ],
    },
    {
      name: 'all-traffic: from a CIDR or another group; not from itself, not tcp 0-65535, not outbound',
      rules: [
        inb('a1', 'sg-x', '-1', '10.0.0.0/8'),
        inb('a2', 'sg-db', '-1', 'sg-app'),
        inb('self', 'sg-x', '-1', 'sg-x'),
        inb('tcpall', 'sg-x', 'tcp 0-65535', '10.0.0.0/8'),
        outb('out', 'sg-x', '-1', '10.0.0.0/8'),
      ],
      present: [
        ['all-traffic', 'a1', 'medium'],
        ['all-traffic', 'a2', 'medium'],
      ],
      absent: [
        ['all-traffic', 'self'],
        ['all-traffic', 'tcpall'],
        ['all-traffic', 'out'],
        ['all-traffic', 'base-default'],
      ],
    },
    {
      name: "stale-reference: a peering gone, in either direction; not a same-VPC missing group (AWS cannot leave one), another account's, a live peered one or an existing one",
      rules: [
        inb('s1', 'sg-x', 'tcp 443', { kind: 'group', groupId: 'sg-far', peeringConnectionId: 'pcx-9', peeringStatus: 'deleted' }),
        outb('s2', 'sg-x', 'tcp 443', { kind: 'group', groupId: 'sg-far2', peeringConnectionId: 'pcx-8', peeringStatus: 'expired' }),
        inb('gone', 'sg-x', 'tcp 443', 'sg-gone'),
        inb('acct', 'sg-x', 'tcp 443', { kind: 'group', groupId: 'sg-partner', userId: '999988887777' }),
        inb('peer', 'sg-x', 'tcp 443', { kind: 'group', groupId: 'sg-peer', userId: ACCOUNT, peeringConnectionId: 'pcx-1', peeringStatus: 'active' }),
        inb('ok', 'sg-x', 'tcp 8443', 'sg-app'),
      ],
      present: [
        ['stale-reference', 's1', 'low'],
        ['stale-reference', 's2', 'low'],
      ],
      absent: [
        ['stale-reference', 'gone'],
        ['stale-reference', 'acct'],
        ['stale-reference', 'peer'],
        ['stale-reference', 'ok'],
      ],
    },
    {
      name: 'unused-group: not attached, not referenced, not default; a self reference does not count as use',
      rules: [inb('self', 'sg-self', 'tcp 443', 'sg-self')],
      more: { groups: [sg('sg-lonely'), sg('sg-self'), sg('sg-vpc2-default', 'default', 'vpc-2')] },
      present: [
        ['unused-group', 'sg-lonely', 'info'],
        ['unused-group', 'sg-self', 'info'],
      ],
      absent: [
        ['unused-group', 'sg-default'],
        ['unused-group', 'sg-vpc2-default'],
        ['unused-group', 'sg-db'],
        ['unused-group', 'sg-app'],
        ['unused-group', 'sg-x'],
      ],
    },
    {
      name: 'shadowed-rule: a wider CIDR and port range (also for uncanonical CIDR text), all traffic, the same group or prefix list, a duplicate',
      rules: [
        inb('wide', 'sg-x', 'tcp 3000-4000', '10.0.0.0/16'),
        inb('narrow', 'sg-x', 'tcp 3306', '10.0.1.0/24'),
        inb('host-bits', 'sg-x', 'tcp 3310', '10.0.3.77/24'),
        inb('spaced', 'sg-x', 'tcp 3320', ' 10.0.4.0/24 '),
        inb('all', 'sg-app', '-1', '10.0.0.0/16'),
        inb('under-all', 'sg-app', 'udp 53', '10.0.2.0/24'),
        inb('g-wide', 'sg-pg', 'tcp 5400-5500', 'sg-x'),
        inb('g-narrow', 'sg-pg', 'tcp 5432', 'sg-x'),
        inb('pl-wide', 'sg-x', 'tcp 0-65535', 'pl-1'),
        inb('pl-narrow', 'sg-x', 'tcp 443', 'pl-1'),
        inb('icmp-all', 'sg-x', 'icmp', '10.0.0.0/16'),
        inb('icmp-echo', 'sg-x', 'icmp 8', '10.0.0.0/16'),
        inb('dup-a', 'sg-x', 'tcp 8080', '192.168.1.0/24'),
        inb('dup-b', 'sg-x', 'tcp 8080', '192.168.1.0/24'),
        inb('v6-wide', 'sg-x', 'tcp 443', '2001:db8::/32'),
        inb('v6-narrow', 'sg-x', 'tcp 443', '2001:db8:1::/48'),
      ],
      present: [
        ['shadowed-rule', 'narrow', 'low'],
        ['shadowed-rule', 'host-bits', 'low'],
        ['shadowed-rule', 'spaced', 'low'],
        ['shadowed-rule', 'under-all', 'low'],
        ['shadowed-rule', 'g-narrow', 'low'],
        ['shadowed-rule', 'pl-narrow', 'low'],
        ['shadowed-rule', 'icmp-echo', 'low'],
        ['shadowed-rule', 'dup-b', 'low'],
        ['shadowed-rule', 'v6-narrow', 'low'],
      ],
      absent: [
        ['shadowed-rule', 'wide'],
        ['shadowed-rule', 'all'],
        ['shadowed-rule', 'g-wide'],
        ['shadowed-rule', 'pl-wide'],
        ['shadowed-rule', 'icmp-all'],
        ['shadowed-rule', 'dup-a'],
        ['shadowed-rule', 'v6-wide'],
      ],
    },
    {
      name: 'shadowed-rule negatives: other protocol, partial ports, CIDR not contained, other version, other direction, other group, across peering',
      rules: [
        inb('tcp', 'sg-x', 'tcp 3000-4000', '10.0.0.0/16'),
        inb('udp', 'sg-x', 'udp 3306', '10.0.1.0/24'),
        inb('partial', 'sg-x', 'tcp 3500-4500', '10.0.1.0/24'),
        inb('outside', 'sg-x', 'tcp 3306', '10.1.0.0/24'),
        inb('v6', 'sg-x', 'tcp 3306', '::/0'),
        inb('v4in6', 'sg-x', 'tcp 3306', '::ffff:10.0.1.0/120'),
        outb('egress', 'sg-x', 'tcp 3306', '10.0.1.0/24'),
        inb('ga', 'sg-pg', 'tcp 5432-5440', 'sg-x'),
        inb('gb', 'sg-pg', 'tcp 5432', 'sg-db'),
        inb('gp', 'sg-pg', 'tcp 5433', { kind: 'group', groupId: 'sg-x', userId: ACCOUNT, peeringConnectionId: 'pcx-1' }),
        inb('icmp8', 'sg-x', 'icmp 8', '10.0.0.0/16'),
        inb('icmp0', 'sg-x', 'icmp 0', '10.0.0.0/16'),
      ],
      present: [['shadowed-rule', 'v4in6', 'low']],
      absent: [
        ['shadowed-rule', 'tcp'],
        ['shadowed-rule', 'udp'],
        ['shadowed-rule', 'partial'],
        ['shadowed-rule', 'outside'],
        ['shadowed-rule', 'v6'],
        ['shadowed-rule', 'egress'],
        ['shadowed-rule', 'ga'],
        ['shadowed-rule', 'gb'],
        ['shadowed-rule', 'gp'],
        ['shadowed-rule', 'icmp8'],
        ['shadowed-rule', 'icmp0'],
      ],
    },
    {
      name: 'port-not-covered: no group of the database allows its port (medium)',
      rules: [inb('r1', 'sg-custom', 'tcp 3306', 'sg-app')],
      more: { groups: [sg('sg-custom')], clusters: [cluster('custom', ['sg-custom'], { port: 13306 })] },
      present: [['port-not-covered', 'sg-custom', 'medium']],
      absent: [
        ['port-not-covered', 'sg-db'],
        ['port-not-covered', 'sg-pg'],
      ],
    },
    {
      name: 'port-not-covered: another group covers the port (info); a group with no inbound rules is not reported',
      rules: [inb('r1', 'sg-extra', 'tcp 443', 'sg-app'), outb('o1', 'sg-egress-only', 'tcp 443', '0.0.0.0/0')],
      more: { groups: [sg('sg-extra'), sg('sg-egress-only')], clusters: [cluster('two', ['sg-db', 'sg-extra', 'sg-egress-only'])] },
      present: [['port-not-covered', 'sg-extra', 'info']],
      absent: [
        ['port-not-covered', 'sg-db'],
        ['port-not-covered', 'sg-egress-only'],
      ],
    },
    {
      name: 'port-not-covered: a database whose groups have no inbound rules at all',
      rules: [outb('o1', 'sg-empty', '-1', '0.0.0.0/0')],
      more: { groups: [sg('sg-empty')], clusters: [cluster('empty', ['sg-empty'])] },
      present: [['port-not-covered', 'sg-empty', 'medium']],
      absent: [],
    },
  ];

  for (const c of table) {
    it(c.name, () => {
      const fs = findings(fixture(c.rules, c.more));
      for (const [kind, subj, severity] of c.present) {
        const f = find(fs, kind, subj);
        assert.ok(f, `expected ${kind} for ${subj}; got ${fs.map((x) => x.id).join(', ')}`);
        if (severity) assert.equal(f.severity, severity, `${kind} ${subj}`);
        assert.ok(f.title.length > 0 && f.title.length <= 100, `short title: ${f.title}`);
        assert.ok(f.why.length > 20, `why: ${f.why}`);
      }
      for (const [kind, subj] of c.absent) {
        assert.equal(find(fs, kind, subj), undefined, `did not expect ${kind} for ${subj}`);
      }
    });
  }

  it('gives the fixes: revoke for world-open, stale and shadowed rules, narrow for wide and all-traffic rules', () => {
    const fs = findings(
      fixture([
        inb('world', 'sg-db', 'tcp 3306', '0.0.0.0/0'),
        inb('stale', 'sg-x', 'tcp 443', { kind: 'group', groupId: 'sg-far', peeringConnectionId: 'pcx-9', peeringStatus: 'deleted' }),
        inb('wide', 'sg-x', 'tcp 443', '52.0.0.0/8'),
        inb('all', 'sg-db', '-1', '10.0.0.0/8'),
        inb('dup', 'sg-x', 'tcp 443', 'sg-app'),
      ]),
    );
    const world = find(fs, 'db-port-world', 'world')!;
    assert.equal(world.id, 'db-port-world:world');
    assert.equal(world.groupId, 'sg-db');
    assert.equal(world.clusterId, 'db');
    assert.deepEqual(world.fix, { kind: 'revoke', groupId: 'sg-db', ruleIds: ['world'] });
    assert.deepEqual(find(fs, 'stale-reference', 'stale')!.fix, { kind: 'revoke', groupId: 'sg-x', ruleIds: ['stale'] });
    assert.deepEqual(find(fs, 'shadowed-rule', 'dup')!.fix, { kind: 'revoke', groupId: 'sg-x', ruleIds: ['dup'] });
    const wide = find(fs, 'wide-public-cidr', 'wide')!;
    assert.equal(wide.fix?.kind, 'narrow');
    assert.match(wide.fix?.kind === 'narrow' ? wide.fix.suggestion : '', /52\.0\.0\.0\/8/);
    assert.match(wide.title, /16,777,216 public addresses/);
    const all = find(fs, 'all-traffic', 'all')!;
    assert.equal(all.fix?.kind === 'narrow' && all.fix.suggestion, 'Replace with tcp 3306 from 10.0.0.0/8.');
  });

  describe('near-quota', () => {
    const many = (n: number, groupId: string, make: (i: number) => SecurityGroupRule): SecurityGroupRule[] =>
      Array.from({ length: n }, (_, i) => make(i)).map((r) => ({ ...r, groupId }));
    const v4 = (egress: boolean) => (i: number) => (egress ? outb : inb)(`q${i}`, '', 'tcp 443', `10.${i}.0.0/16`);
    const v6 = (i: number) => inb(`q6-${i}`, '', 'tcp 443', `2001:db8:${(i + 1).toString(16)}::/48`);
    const grp = (i: number) => inb(`qg-${i}`, '', `tcp ${1000 + i}`, 'sg-app');
    const cases: Array<[string, SecurityGroupRule[], string[]]> = [
      ['50 inbound IPv4 rules', many(50, 'sg-q', v4(false)), ['near-quota:sg-q:inbound:ipv4']],
      ['49 inbound IPv4 rules', many(49, 'sg-q', v4(false)), []],
      ['30 IPv4 and 30 IPv6 inbound rules (counted separately)', [...many(30, 'sg-q', v4(false)), ...many(30, 'sg-q', v6)], []],
      ['50 IPv6 inbound rules', many(50, 'sg-q', v6), ['near-quota:sg-q:inbound:ipv6']],
      ['50 outbound IPv4 rules', many(50, 'sg-q', v4(true)), ['near-quota:sg-q:outbound:ipv4']],
      [
        '25 IPv4 and 25 group rules (a group reference counts for both families)',
        [...many(25, 'sg-q', v4(false)), ...many(25, 'sg-q', grp)],
        ['near-quota:sg-q:inbound:ipv4'],
      ],
    ];
    for (const [name, rules, ids] of cases) {
      it(name, () => {
        const fs = findings(fixture(rules, { groups: [sg('sg-q')] })).filter((f) => f.kind === 'near-quota');
        assert.deepEqual(
          fs.map((f) => f.id),
          ids,
        );
        for (const f of fs) assert.equal(f.severity, 'low');
      });
    }
  });

  it('takes EC2 carriers into account for unused-group only when given', () => {
    const idx = fixture([], { groups: [sg('sg-carried')] });
    assert.ok(find(findings(idx), 'unused-group', 'sg-carried'));
    assert.equal(find(findings(idx, { ec2Instances: [ec2('i-1', ['sg-carried'])] }), 'unused-group', 'sg-carried'), undefined);
    const other = findings(idx, { ec2Instances: [ec2('i-1', ['sg-app'])] });
    assert.match(find(other, 'unused-group', 'sg-carried')!.why, /no loaded EC2 instance carries it/);
  });

  it('reports a group that guards a standalone DB instance like a cluster group', () => {
    const idx = region({
      groups: [sg('sg-rds')],
      rules: [inb('r1', 'sg-rds', 'tcp 5432', '0.0.0.0/0')],
      instances: [dbInstance('solo', ['sg-rds'], { engine: 'postgres' })],
    });
    const f = find(findings(idx), 'db-port-world', 'r1')!;
    assert.equal(f.instanceId, 'solo');
    assert.equal(f.clusterId, undefined);
  });

  it('has stable, unique ids, and lists the most severe first', () => {
    const idx = fixture(
      [
        inb('r1', 'sg-db', 'tcp 3306', '0.0.0.0/0'),
        inb('r2', 'sg-x', '-1', '10.0.0.0/8'),
        inb('r3', 'sg-x', 'tcp 443', 'sg-gone'),
        inb('r4', 'sg-x', 'tcp 443', '52.0.0.0/8'),
        inb('r5', 'sg-x', 'tcp 443', '52.1.0.0/16'),
      ],
      { groups: [sg('sg-lonely')] },
    );
    const a = findings(idx);
    const b = findings(new RegionIndex(idx.snapshot));
    assert.deepEqual(a, b);
    assert.equal(new Set(a.map((f) => f.id)).size, a.length);
    for (const f of a) assert.equal(f.id.startsWith(`${f.kind}:`), true);
    assert.ok(a.some((f) => f.id === 'shadowed-rule:r5'));
    const rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
    for (let i = 1; i < a.length; i++) assert.ok(rank[a[i - 1]!.severity] <= rank[a[i]!.severity], 'sorted by severity');
  });
});

// ---------------------------------------------------------------------------------------------

describe('analysis: syntheticRegion', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const opts = { vpcs: 3, groups: 40, rules: 600, clusters: 5, instancesPerCluster: 2 };
    assert.deepEqual(syntheticRegion(opts), syntheticRegion(opts));
    assert.notDeepEqual(syntheticRegion({ ...opts, seed: 2 }).rules, syntheticRegion({ ...opts, seed: 3 }).rules);
  });

  it('makes exactly the counts asked for, with unique ids and a realistic mix', () => {
    const s = syntheticRegion({ vpcs: 4, groups: 120, rules: 3000, clusters: 10, instancesPerCluster: 3, region: 'ap-south-1', seed: 7 });
    assert.equal(s.region, 'ap-south-1');
    assert.equal(s.vpcs.length, 4);
    assert.equal(s.groups.length, 120);
    assert.equal(s.rules.length, 3000);
    assert.equal(s.clusters.length, 10);
    assert.equal(s.instances.length, 30);
    assert.equal(new Set(s.rules.map((r) => r.ruleId)).size, 3000);
    assert.equal(new Set(s.groups.map((g) => g.groupId)).size, 120);
    const kinds = new Set(s.rules.map((r) => r.peer.kind));
    assert.deepEqual([...kinds].sort(), ['cidr4', 'cidr6', 'group', 'prefixList']);
    const protocols = new Set(s.rules.map((r) => r.protocol));
    for (const p of ['tcp', 'udp', '-1']) assert.ok(protocols.has(p), p);
    assert.ok(
      s.rules.some((r) => r.fromPort !== r.toPort && r.protocol === 'tcp'),
      'port ranges',
    );
    const groupIds = new Set(s.groups.map((g) => g.groupId));
    for (const c of s.clusters) for (const g of c.securityGroups) assert.ok(groupIds.has(g.groupId));
    for (const r of s.rules) assert.ok(groupIds.has(r.groupId));
  });

  it('runs findings and whoCanReach over 2,500 groups and 60,000 rules without error', function () {
    this.timeout(60_000);
    const s = syntheticRegion({ vpcs: 30, groups: 2500, rules: 60000, clusters: 200, instancesPerCluster: 3 });
    assert.equal(s.rules.length, 60000);
    const idx = new RegionIndex(s);
    const fs = findings(idx);
    const kinds = new Set(fs.map((f) => f.kind));
    for (const k of [
      'db-port-world',
      'wide-public-cidr',
      'all-traffic',
      'stale-reference',
      'shadowed-rule',
      'near-quota',
      'unused-group',
      'port-not-covered',
    ] as const) {
      assert.ok(kinds.has(k), `synthetic Region shows ${k}`);
    }
    assert.equal(new Set(fs.map((f) => f.id)).size, fs.length);
    for (const c of s.clusters) {
      const r = whoCanReach(idx, { clusterId: c.clusterId });
      assert.ok(r.port > 0);
    }
  });
});

describe('analysis: narrowerReplacements (issue 14 item 3)', () => {
  /** sg-db lets in 0.0.0.0/0 and 10.0.0.0/8 on 3306; default and sg-app allow all outbound. */
  const idx = region({
    groups: [sg('sg-db'), sg('sg-app', 'app'), sg('sg-def', 'default')],
    rules: [
      inb('r-world', 'sg-db', 'tcp 3306', '0.0.0.0/0'),
      inb('r-ten', 'sg-db', 'tcp 3306', '10.0.0.0/8'),
      inb('r-app', 'sg-db', 'tcp 3306', 'sg-app'),
      outb('o-app', 'sg-app', '-1', '0.0.0.0/0'),
      outb('o-def', 'sg-def', '-1', '0.0.0.0/0'),
    ],
    clusters: [cluster('db', ['sg-db'])],
  });
  const web = ec2('i-web', ['sg-def', 'sg-web'], '10.0.1.5');
  const onlyDefault = ec2('i-def', ['sg-def'], '10.0.1.6');
  const offers = (ruleIds: string[], ec2s: Ec2Instance[], at = idx) => {
    const change = { kind: 'revoke' as const, ruleIds };
    return narrowerReplacements(at, change, accessLostBy(at, change, ec2s), ec2s).map((x) => ({ ...x.rule.source, why: x.why, group: x.rule.groupId }));
  };

  it("an instance that loses its only path through a wide CIDR rule is offered its own group, never the VPC's default group", () => {
    const withWeb = new RegionIndex({
      ...idx.snapshot,
      groups: [...idx.snapshot.groups, sg('sg-web', 'web')],
      rules: [...idx.snapshot.rules, outb('o-web', 'sg-web', '-1', '0.0.0.0/0')],
    });
    assert.deepEqual(offers(['r-world', 'r-ten'], [web], withWeb), [{ groupId: 'sg-web', why: "i-web's group", group: 'sg-db' }]);
  });

  it('with only the default group: its private address alone (/32), on the database port', () => {
    const got = narrowerReplacements(
      idx,
      { kind: 'revoke', ruleIds: ['r-world', 'r-ten'] },
      accessLostBy(idx, { kind: 'revoke', ruleIds: ['r-world', 'r-ten'] }, [onlyDefault]),
      [onlyDefault],
    );
    assert.equal(got.length, 1);
    assert.deepEqual(got[0]!.rule, { groupId: 'sg-db', isEgress: false, protocol: 'tcp', fromPort: 3306, toPort: 3306, source: { cidr: '10.0.1.6/32' } });
    assert.deepEqual(got[0]!.keeps, ['i-def']);
  });

  it('nothing is offered when another rule still lets the instance in, when a group rule is revoked, or for a detach that leaves the database no group', () => {
    assert.deepEqual(offers(['r-world'], [onlyDefault]), [], '10.0.0.0/8 still lets it in');
    assert.deepEqual(offers(['r-app'], [ec2('i-app', ['sg-app'], '192.168.0.1')]), [], 'a group rule is not replaced by the same group');
    const change = { kind: 'detach' as const, target: DB, groupIds: ['sg-db'] };
    assert.deepEqual(narrowerReplacements(idx, change, accessLostBy(idx, change, [onlyDefault]), [onlyDefault]), []);
  });

  describe('for a detach: a rule on a group the database keeps', () => {
    // db has sg-a (removed) and sg-b (kept); sg-a lets in sg-app, 10.1.0.0/16 and the world on 3306.
    const base = region({
      groups: [sg('sg-a', 'a'), sg('sg-b', 'b'), sg('sg-c', 'c'), sg('sg-app', 'app')],
      rules: [
        inb('r-app', 'sg-a', '-1', 'sg-app'),
        inb('r-ten', 'sg-a', 'tcp 3306', '10.1.0.0/16'),
        inb('r-world', 'sg-a', 'tcp 3306', '0.0.0.0/0'),
        outb('o-app', 'sg-app', '-1', '0.0.0.0/0'),
      ],
      clusters: [cluster('db', ['sg-a', 'sg-b']), cluster('db2', ['sg-b'])],
    });
    const app = ec2('i-app', ['sg-app'], '10.0.1.9');
    const detach = (at: RegionIndex, kept = ['sg-a']) => {
      const change = { kind: 'detach' as const, target: { clusterId: 'db' }, groupIds: kept };
      return narrowerReplacements(at, change, accessLostBy(at, change, [app]), [app]);
    };

    it('the same group (on the port only) and the same private range; never the world again; the kept group that guards other databases names them', () => {
      const got = detach(base);
      assert.deepEqual(
        got.map((x) => [x.rule.groupId, x.rule.source, x.rule.fromPort, x.rule.toPort, x.alsoGuards]),
        [
          ['sg-b', { groupId: 'sg-app' }, 3306, 3306, ['db2']],
          ['sg-b', { cidr: '10.1.0.0/16' }, 3306, 3306, ['db2']],
        ],
      );
      // The group and the instance that carries it keep one rule.
      assert.deepEqual(got[0]!.keeps.length, 2);
      assert.ok(!got.some((x) => 'cidr' in x.rule.source && x.rule.source.cidr === '0.0.0.0/0'), 'the world is never offered again');
    });

    it('a kept group that guards this database alone is preferred', () => {
      const withC = new RegionIndex({ ...base.snapshot, clusters: [cluster('db', ['sg-a', 'sg-b', 'sg-c']), cluster('db2', ['sg-b'])] });
      const got = detach(withC);
      assert.ok(got.length >= 1);
      assert.ok(got.every((x) => x.rule.groupId === 'sg-c' && x.alsoGuards === undefined));
    });

    it('nothing for a source a kept group already lets in (the range, the instance inside it); a group as a source still needs its rule', () => {
      const covered = new RegionIndex({ ...base.snapshot, rules: [...base.snapshot.rules, inb('r-b', 'sg-b', 'tcp 3306', '10.0.0.0/8')] });
      const got = detach(covered);
      assert.deepEqual(
        got.map((x) => x.rule.source),
        [{ groupId: 'sg-app' }],
      );
      assert.deepEqual(got[0]!.keeps, ['app (sg-app)']);
    });
  });

  it('two instances of one group get one rule', () => {
    const a = ec2('i-a', ['sg-app'], '10.0.1.7');
    const b = ec2('i-b', ['sg-app'], '10.0.1.8');
    const noApp = new RegionIndex({ ...idx.snapshot, rules: idx.snapshot.rules.filter((r) => r.ruleId !== 'r-app') });
    assert.deepEqual(offers(['r-world', 'r-ten'], [a, b], noApp), [{ groupId: 'sg-app', why: "i-a's group", group: 'sg-db' }]);
  });
});

// The findings pass finds shadowed rules with hash chains and a sorted sweep rather than by
// comparing every pair (see GroupScratch.shadowed). Here it is checked against that plain
// definition, on random groups built from small pools so that rules nest, repeat and clash often.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { findings } from '../../src/domain/analysis';
import { cidrContains, parseCidr } from '../../src/domain/cidr';
import { RegionIndex, RegionSnapshot, RulePeer, SecurityGroupRule } from '../../src/domain/model';

const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';
const GROUPS = ['sg-a', 'sg-b', 'sg-c', 'sg-a|pcx-1'];

const V4 = [
  '0.0.0.0/0',
  '10.0.0.0/8',
  '10.1.0.0/16',
  '10.1.2.0/24',
  '10.1.2.3/32',
  '10.1.2.3',
  '10.1.2.77/24',
  ' 10.1.0.0/16',
  '10.2.0.0/16',
  '10.1.128.0/17',
  '10.1.255.255/32',
  '10.255.255.255',
  '10.1.2.255/32',
  '192.168.0.0/16',
  '1.2.3.4/32',
  '010.1.2.3/32',
  '10.1.2.0/33',
  'bogus',
  '',
  '::/0',
];
const V6 = [
  '::/0',
  '2001:db8::/32',
  '2001:db8:1::/48',
  '2001:DB8:1::1/128',
  '2001:0db8:0001:0000:0000:0000:0000:0001/64',
  '2001:db8::ffff:10.0.0.1/128',
  '::ffff:0:0/96',
  '::ffff:10.0.1.0/120',
  '2001:db8::/129',
  '2001:db8:::1/64',
  '::',
  '2001:db8::1/127',
  '2001:db8:8000::/33',
  '10.1.0.0/16',
];

const octet = fc.constantFrom(0, 1, 2, 10, 128, 255);
const v4Text = fc.oneof(
  fc.constantFrom(...V4),
  fc.tuple(octet, octet, octet, octet, fc.constantFrom(0, 1, 8, 9, 16, 23, 24, 31, 32)).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`),
);
const hextet = fc.constantFrom('0', '1', '2001', 'db8', '8000', 'ffff');
const v6Text = fc.oneof(
  fc.constantFrom(...V6),
  fc.tuple(hextet, hextet, hextet, fc.constantFrom(0, 1, 16, 17, 32, 48, 64, 127, 128)).map(([a, b, c, p]) => `${a}:${b}:${c}::/${p}`),
);

const peer: fc.Arbitrary<RulePeer> = fc.oneof(
  v4Text.map((cidr): RulePeer => ({ kind: 'cidr4', cidr })),
  v6Text.map((cidr): RulePeer => ({ kind: 'cidr6', cidr })),
  fc.constantFrom('pl-1', 'pl-2', '').map((prefixListId): RulePeer => ({ kind: 'prefixList', prefixListId })),
  // 'sg-a|pcx-1' (a group in the snapshot) and 'sg-gone|pcx-1' (not) must not pass for sg-a or sg-gone over pcx-1.
  fc
    .tuple(fc.constantFrom(...GROUPS, 'sg-gone', 'sg-gone|pcx-1'), fc.constantFrom(undefined, 'pcx-1'))
    .map(([groupId, pcx]): RulePeer =>
      pcx ? { kind: 'group', groupId, userId: ACCOUNT, peeringConnectionId: pcx } : { kind: 'group', groupId, userId: ACCOUNT },
    ),
);

const port = fc.constantFrom(-1, 0, 22, 80, 443, 1000, 65535);
const permission = fc.oneof(
  fc.tuple(fc.constantFrom('tcp', '6', 'udp', '17'), port, port).map(([protocol, a, b]) => ({ protocol, fromPort: Math.min(a, b), toPort: Math.max(a, b) })),
  fc
    .tuple(fc.constantFrom('icmp', '1', 'icmpv6', '58'), fc.constantFrom(-1, 0, 8), fc.constantFrom(-1, 0))
    .map(([protocol, fromPort, toPort]) => ({ protocol, fromPort, toPort })),
  fc.constantFrom('-1', 'all', '50', 'gre').map((protocol) => ({ protocol, fromPort: -1, toPort: -1 })),
);

const rules = fc
  .array(fc.record({ groupId: fc.constantFrom('sg-a', 'sg-a', 'sg-b', 'sg-orphan'), isEgress: fc.boolean(), permission, peer, idKey: fc.nat({ max: 999 }) }), {
    minLength: 0,
    maxLength: 80,
    size: 'large',
  })
  .map((list) =>
    list.map(({ groupId, isEgress, permission: p, peer: pr, idKey }, k): SecurityGroupRule => ({
      region: REGION,
      groupId,
      isEgress,
      ...p,
      peer: pr,
      // Ids out of rule order, so that "keep the smaller id of two equal rules" is exercised.
      ruleId: `sgr-${String(idKey).padStart(3, '0')}-${k}`,
    })),
  );

/** The rules' Region, with `filler` more groups (so the pass sizes its buffers for Regions of different sizes). */
function snapshotOf(list: SecurityGroupRule[], filler = 0): RegionSnapshot {
  const ids = [...Array.from({ length: filler }, (_, k) => `sg-filler-${k}`), ...GROUPS];
  return {
    region: REGION,
    vpcs: [],
    groups: ids.map((groupId) => ({ region: REGION, groupId, groupName: groupId, description: groupId, vpcId: 'vpc-1', ownerId: ACCOUNT, tags: {} })),
    rules: list,
    clusters: [],
    instances: [],
    loadedAt: 0,
  };
}

// -- The definition, written plainly.

function protocolOf(p: string): string {
  return ({ '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6', all: '-1' } as Record<string, string>)[p] ?? p;
}

function permissionCovers(w: SecurityGroupRule, r: SecurityGroupRule): boolean {
  const wp = protocolOf(w.protocol);
  const rp = protocolOf(r.protocol);
  if (wp === '-1') return true;
  if (wp !== rp) return false;
  if (wp === 'tcp' || wp === 'udp') {
    const range = (x: SecurityGroupRule): [number, number] => (x.fromPort < 0 || x.toPort < 0 ? [0, 65535] : [x.fromPort, x.toPort]);
    const [wl, wh] = range(w);
    const [rl, rh] = range(r);
    return wl <= rl && rh <= wh;
  }
  if (wp === 'icmp' || wp === 'icmpv6') return w.fromPort === -1 || (w.fromPort === r.fromPort && (w.toPort === -1 || w.toPort === r.toPort));
  return true;
}

function peerCovers(w: RulePeer, r: RulePeer): boolean {
  if (w.kind !== r.kind) return false;
  if (w.kind === 'cidr4' || w.kind === 'cidr6') {
    const a = parseCidr(w.cidr);
    const b = parseCidr((r as { cidr: string }).cidr);
    return !('error' in a) && !('error' in b) && cidrContains(a, b);
  }
  if (w.kind === 'prefixList') return w.prefixListId !== '' && w.prefixListId === (r as { prefixListId: string }).prefixListId;
  const g = r as { groupId: string; peeringConnectionId?: string };
  return w.groupId !== '' && w.groupId === g.groupId && w.peeringConnectionId === g.peeringConnectionId;
}

function covers(w: SecurityGroupRule, r: SecurityGroupRule): boolean {
  return w.groupId === r.groupId && w.isEgress === r.isEgress && permissionCovers(w, r) && peerCovers(w.peer, r.peer);
}

/** 'narrow <- wide' for each rule that another rule covers: the first such rule in order, and of two equal rules only the one with the larger id. */
function shadowedByDefinition(list: SecurityGroupRule[]): string[] {
  const out: string[] = [];
  for (const r of list) {
    const w = list.find((x) => x !== r && covers(x, r) && !(r.ruleId < x.ruleId && covers(r, x)));
    if (w) out.push(`${r.ruleId} <- ${w.ruleId}`);
  }
  return out.sort();
}

function shadowedFound(list: SecurityGroupRule[]): string[] {
  return findings(new RegionIndex(snapshotOf(list)))
    .filter((f) => f.kind === 'shadowed-rule')
    .map((f) => `${f.ruleId} <- ${f.title.replace(/^Covered by /, '')}`)
    .sort();
}

describe('properties: findings against their definition', () => {
  it('shadowed-rule: exactly the rules another rule covers, each with the first such rule', () => {
    fc.assert(
      fc.property(rules, (list) => {
        assert.deepEqual(shadowedFound(list), shadowedByDefinition(list));
      }),
      { numRuns: 1000 },
    );
  });

  it('one Region analysed between two analyses of another changes nothing (the pass keeps no state)', () => {
    fc.assert(
      fc.property(rules, rules, fc.nat({ max: 300 }), fc.nat({ max: 300 }), (a, b, fa, fb) => {
        const idx = new RegionIndex(snapshotOf(a, fa));
        const first = JSON.stringify(findings(idx));
        findings(new RegionIndex(snapshotOf(b, fb)));
        assert.equal(JSON.stringify(findings(idx)), first);
      }),
      { numRuns: 200 },
    );
  });

  it('a group with more rules than AWS allows (32,769) is analysed the same way', () => {
    const list: SecurityGroupRule[] = Array.from({ length: 32769 }, (_, i) => ({
      region: REGION,
      groupId: 'sg-a',
      isEgress: false,
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      peer: { kind: 'cidr4', cidr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32` },
      ruleId: `sgr-${String(i).padStart(6, '0')}`,
    }));
    list.push({
      region: REGION,
      groupId: 'sg-a',
      isEgress: false,
      protocol: 'tcp',
      fromPort: 0,
      toPort: 65535,
      peer: { kind: 'cidr4', cidr: '10.0.0.0/8' },
      ruleId: 'sgr-wide',
    });
    list.push({ ...list[7]!, ruleId: 'sgr-zz-dup' });
    const found = shadowedFound(list);
    assert.equal(found.length, 32770);
    // Each host by the /8; the duplicate by the first rule that covers it, its twin.
    assert.deepEqual(
      found.filter((f) => !f.endsWith(' <- sgr-wide')),
      ['sgr-zz-dup <- sgr-000007'],
    );
  });

  it('odd peers AWS never gives change nothing else and do not stop the analysis', () => {
    const odd = [{ kind: 'group' }, { kind: 'weird', cidr: '0.0.0.0/0' }, { kind: 'cidr6', cidr: 'x:/0' }, { kind: 'prefixList' }] as unknown as RulePeer[];
    const list: SecurityGroupRule[] = [
      {
        region: REGION,
        ruleId: 'sgr-1',
        groupId: 'sg-a',
        isEgress: true,
        protocol: 'tcp',
        fromPort: 1,
        toPort: 100,
        peer: { kind: 'prefixList', prefixListId: 'pl-2' },
      },
      ...odd.map((peer, k): SecurityGroupRule => ({
        region: REGION,
        ruleId: `sgr-odd-${k}`,
        groupId: 'sg-c',
        isEgress: k % 2 === 0,
        protocol: 'tcp',
        fromPort: 3306,
        toPort: 3306,
        peer,
      })),
      {
        region: REGION,
        ruleId: 'sgr-2',
        groupId: 'sg-c',
        isEgress: true,
        protocol: 'tcp',
        fromPort: 1,
        toPort: 100,
        peer: { kind: 'prefixList', prefixListId: 'pl-2' },
      },
    ];
    const fs = findings(new RegionIndex(snapshotOf(list)));
    assert.deepEqual(
      fs.filter((f) => f.kind === 'shadowed-rule'),
      [],
      'nothing shadowed: the odd rules sit between two unrelated ones',
    );
    assert.ok(
      fs.some((f) => f.id === 'stale-reference:sgr-odd-0'),
      'a group peer without an id is a stale reference',
    );
    assert.ok(!fs.some((f) => f.ruleId?.startsWith('sgr-odd-') && f.kind !== 'stale-reference'), 'no other finding for an odd peer');
  });
});

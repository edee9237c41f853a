import * as assert from 'node:assert/strict';
import type { RulePeer, SecurityGroup, SecurityGroupRule } from '../../src/domain/model';
import { compareRules, normaliseIpProtocol, peerLabel, portHint, portLabel, protocolName, ruleLabel } from '../../src/domain/rules';

function rule(over: Partial<SecurityGroupRule> = {}): SecurityGroupRule {
  return {
    region: 'us-east-1',
    ruleId: 'sgr-0000000000000000a',
    groupId: 'sg-0000000000000000a',
    isEgress: false,
    protocol: 'tcp',
    fromPort: 3306,
    toPort: 3306,
    peer: { kind: 'cidr4', cidr: '10.0.0.0/16' },
    ...over,
  };
}

const appsrv1: SecurityGroup = {
  region: 'us-east-1',
  groupId: 'sg-0aaa1111bbbb22223',
  groupName: 'appsrv1',
  description: 'App servers',
  vpcId: 'vpc-1',
  tags: {},
};
const lookup = (id: string) => (id === appsrv1.groupId ? appsrv1 : undefined);

describe('rules: normaliseIpProtocol', () => {
  const cases: Array<[string | undefined, string]> = [
    ['tcp', 'tcp'],
    ['TCP', 'tcp'],
    [' udp ', 'udp'],
    ['icmp', 'icmp'],
    ['icmpv6', 'icmpv6'],
    ['ICMPv6', 'icmpv6'],
    ['-1', '-1'],
    ['all', '-1'],
    ['ALL', '-1'],
    [undefined, '-1'],
    ['6', 'tcp'],
    ['17', 'udp'],
    ['1', 'icmp'],
    ['58', 'icmpv6'],
    // Other protocols stay numbers (the model's convention); labels name them.
    ['47', '47'],
    ['50', '50'],
    ['132', '132'],
    ['99', '99'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} -> '${expected}'`, () => {
      assert.equal(normaliseIpProtocol(input), expected);
    });
  }
});

describe('rules: protocolName', () => {
  const cases: Array<[string, string]> = [
    ['-1', 'all traffic'],
    ['47', 'gre'],
    ['50', 'esp'],
    ['51', 'ah'],
    ['132', 'sctp'],
    ['99', 'protocol 99'],
    ['tcp', 'tcp'],
  ];
  for (const [p, expected] of cases) {
    it(`${p} -> ${expected}`, () => assert.equal(protocolName(p), expected));
  }
});

describe('rules: portLabel', () => {
  const cases: Array<[string, number, number, string]> = [
    ['tcp', 3306, 3306, 'tcp 3306'],
    ['tcp', 1024, 2048, 'tcp 1024-2048'],
    ['tcp', 0, 65535, 'tcp all ports'],
    ['tcp', -1, -1, 'tcp all ports'],
    ['tcp', 0, 0, 'tcp 0'],
    ['tcp', 0, 1023, 'tcp 0-1023'],
    ['udp', 53, 53, 'udp 53'],
    ['udp', 0, 65535, 'udp all ports'],
    ['udp', -1, -1, 'udp all ports'],
    ['-1', -1, -1, 'all traffic'],
    ['-1', 0, 65535, 'all traffic'],
    ['icmp', -1, -1, 'icmp all'],
    ['icmp', 8, -1, 'icmp echo request'],
    ['icmp', 0, -1, 'icmp echo reply'],
    ['icmp', 3, 4, 'icmp destination unreachable code 4'],
    ['icmp', 11, 0, 'icmp time exceeded code 0'],
    ['icmp', 42, -1, 'icmp type 42'],
    ['icmp', 42, 1, 'icmp type 42 code 1'],
    ['icmpv6', -1, -1, 'icmpv6 all'],
    ['icmpv6', 128, -1, 'icmpv6 echo request'],
    ['icmpv6', 129, -1, 'icmpv6 echo reply'],
    ['icmpv6', 2, 0, 'icmpv6 packet too big code 0'],
    ['icmpv6', 135, -1, 'icmpv6 neighbor solicitation'],
    ['icmpv6', 200, -1, 'icmpv6 type 200'],
    // ICMP type 8 is "echo request" for IPv4 only; icmpv6 uses 128.
    ['icmpv6', 8, -1, 'icmpv6 type 8'],
    ['47', -1, -1, 'gre'],
    ['50', -1, -1, 'esp'],
    ['132', -1, -1, 'sctp'],
    ['99', -1, -1, 'protocol 99'],
  ];
  for (const [protocol, fromPort, toPort, expected] of cases) {
    it(`${protocol} ${fromPort}/${toPort} -> '${expected}'`, () => {
      assert.equal(portLabel({ protocol, fromPort, toPort }), expected);
    });
  }

  it('labels a rule whose protocol came from AWS as a number', () => {
    assert.equal(portLabel({ protocol: normaliseIpProtocol('6'), fromPort: 5432, toPort: 5432 }), 'tcp 5432');
    assert.equal(portLabel({ protocol: normaliseIpProtocol('47'), fromPort: -1, toPort: -1 }), 'gre');
    assert.equal(portLabel({ protocol: normaliseIpProtocol('58'), fromPort: 128, toPort: -1 }), 'icmpv6 echo request');
  });
});

describe('rules: portHint', () => {
  it('names well-known single TCP ports only', () => {
    assert.equal(portHint({ protocol: 'tcp', fromPort: 3306, toPort: 3306 }), 'MySQL/Aurora MySQL');
    assert.equal(portHint({ protocol: 'tcp', fromPort: 5432, toPort: 5432 }), 'PostgreSQL/Aurora PostgreSQL');
    assert.equal(portHint({ protocol: 'tcp', fromPort: 3306, toPort: 3307 }), undefined);
    assert.equal(portHint({ protocol: 'udp', fromPort: 3306, toPort: 3306 }), undefined);
    assert.equal(portHint({ protocol: 'tcp', fromPort: 12345, toPort: 12345 }), undefined);
  });
});

describe('rules: peerLabel', () => {
  const cases: Array<[string, RulePeer, string]> = [
    ['IPv4 CIDR', { kind: 'cidr4', cidr: '0.0.0.0/0' }, '0.0.0.0/0'],
    ['IPv6 CIDR', { kind: 'cidr6', cidr: '2001:db8::/32' }, '2001:db8::/32'],
    ['prefix list', { kind: 'prefixList', prefixListId: 'pl-63a5400a' }, 'prefix list pl-63a5400a'],
    ['known group by name and id', { kind: 'group', groupId: appsrv1.groupId }, `appsrv1 (${appsrv1.groupId})`],
    [
      'known group with the own account id: the name is enough',
      { kind: 'group', groupId: appsrv1.groupId, userId: '123456789012' },
      `appsrv1 (${appsrv1.groupId})`,
    ],
    ['unknown group', { kind: 'group', groupId: 'sg-0fff' }, 'sg-0fff'],
    ['unknown group of another account', { kind: 'group', groupId: 'sg-0fff', userId: '210987654321' }, 'sg-0fff (account 210987654321)'],
    [
      'group across a peering connection',
      { kind: 'group', groupId: 'sg-0fff', userId: '210987654321', vpcId: 'vpc-9', peeringConnectionId: 'pcx-0123abcd' },
      'sg-0fff (account 210987654321) via pcx-0123abcd',
    ],
    [
      'known group across a peering connection',
      { kind: 'group', groupId: appsrv1.groupId, peeringConnectionId: 'pcx-0123abcd' },
      `appsrv1 (${appsrv1.groupId}) via pcx-0123abcd`,
    ],
  ];
  for (const [title, peer, expected] of cases) {
    it(title, () => assert.equal(peerLabel(peer, lookup), expected));
  }

  it('shows the id when there is no lookup at all', () => {
    assert.equal(peerLabel({ kind: 'group', groupId: appsrv1.groupId }), appsrv1.groupId);
    assert.equal(peerLabel({ kind: 'group', groupId: 'sg-0fff', userId: '210987654321' }), 'sg-0fff (account 210987654321)');
  });
});

describe('rules: ruleLabel', () => {
  it('inbound from a referenced group', () => {
    assert.equal(ruleLabel(rule({ peer: { kind: 'group', groupId: appsrv1.groupId } }), lookup), `tcp 3306 from appsrv1 (${appsrv1.groupId})`);
  });
  it('outbound all traffic to the world', () => {
    assert.equal(
      ruleLabel(rule({ isEgress: true, protocol: '-1', fromPort: -1, toPort: -1, peer: { kind: 'cidr4', cidr: '0.0.0.0/0' } })),
      'all traffic to 0.0.0.0/0',
    );
  });
  it('inbound port range from an IPv6 CIDR', () => {
    assert.equal(ruleLabel(rule({ fromPort: 1024, toPort: 2048, peer: { kind: 'cidr6', cidr: '::/0' } })), 'tcp 1024-2048 from ::/0');
  });
  it('inbound ICMP from a prefix list', () => {
    assert.equal(
      ruleLabel(rule({ protocol: 'icmp', fromPort: 8, toPort: -1, peer: { kind: 'prefixList', prefixListId: 'pl-1' } })),
      'icmp echo request from prefix list pl-1',
    );
  });
  it('outbound udp all ports to an unknown group of another account', () => {
    assert.equal(
      ruleLabel(
        rule({ isEgress: true, protocol: 'udp', fromPort: 0, toPort: 65535, peer: { kind: 'group', groupId: 'sg-9', userId: '111122223333' } }),
        lookup,
      ),
      'udp all ports to sg-9 (account 111122223333)',
    );
  });
});

describe('rules: compareRules', () => {
  it('puts all traffic first, then by port, then protocol, then peer, then id', () => {
    const all = rule({ ruleId: 'sgr-a', protocol: '-1', fromPort: -1, toPort: -1 });
    const ssh = rule({ ruleId: 'sgr-b', fromPort: 22, toPort: 22 });
    const https = rule({ ruleId: 'sgr-c', fromPort: 443, toPort: 443 });
    const mysqlTcpA = rule({ ruleId: 'sgr-d', fromPort: 3306, toPort: 3306, peer: { kind: 'cidr4', cidr: '10.0.0.0/8' } });
    const mysqlTcpB = rule({ ruleId: 'sgr-e', fromPort: 3306, toPort: 3306, peer: { kind: 'cidr4', cidr: '192.168.0.0/16' } });
    const mysqlUdp = rule({ ruleId: 'sgr-f', protocol: 'udp', fromPort: 3306, toPort: 3306, peer: { kind: 'cidr4', cidr: '10.0.0.0/8' } });
    const pg = rule({ ruleId: 'sgr-g', fromPort: 5432, toPort: 5432 });
    const sorted = [pg, mysqlUdp, https, mysqlTcpB, all, ssh, mysqlTcpA].sort(compareRules);
    assert.deepEqual(
      sorted.map((r) => r.ruleId),
      ['sgr-a', 'sgr-b', 'sgr-c', 'sgr-d', 'sgr-e', 'sgr-f', 'sgr-g'],
    );
  });

  it('sorts by port numerically, not as text', () => {
    const r80 = rule({ ruleId: 'sgr-1', fromPort: 80, toPort: 80 });
    const r443 = rule({ ruleId: 'sgr-2', fromPort: 443, toPort: 443 });
    const r8080 = rule({ ruleId: 'sgr-3', fromPort: 8080, toPort: 8080 });
    assert.deepEqual(
      [r8080, r443, r80].sort(compareRules).map((r) => r.fromPort),
      [80, 443, 8080],
    );
  });

  it('all traffic sorts before port 0, whatever ports it carries', () => {
    const all = rule({ ruleId: 'sgr-z', protocol: '-1', fromPort: 0, toPort: 65535 });
    const zero = rule({ ruleId: 'sgr-a', fromPort: 0, toPort: 0 });
    assert.ok(compareRules(all, zero) < 0);
    assert.ok(compareRules(zero, all) > 0);
  });

  it('same protocol, port and peer: the rule id decides; equal rules compare 0', () => {
    const a = rule({ ruleId: 'sgr-1' });
    const b = rule({ ruleId: 'sgr-2' });
    assert.ok(compareRules(a, b) < 0);
    assert.ok(compareRules(b, a) > 0);
    assert.equal(compareRules(a, rule({ ruleId: 'sgr-1' })), 0);
  });

  it('orders peers of different kinds by their key (CIDR, prefix list id, group id)', () => {
    const g = rule({ ruleId: 'sgr-1', peer: { kind: 'group', groupId: 'sg-1' } });
    const c = rule({ ruleId: 'sgr-2', peer: { kind: 'cidr4', cidr: '10.0.0.0/8' } });
    const p = rule({ ruleId: 'sgr-3', peer: { kind: 'prefixList', prefixListId: 'pl-1' } });
    assert.deepEqual(
      [g, p, c].sort(compareRules).map((r) => r.ruleId),
      ['sgr-2', 'sgr-3', 'sgr-1'],
    );
  });
});

// The canonical text of a group's rules (auroraSg.compareGroups' diff sides): the same rules in any
// order give the same text, every kind of rule prints its protocol, ports, peer and description.
import * as assert from 'node:assert/strict';
import type { RulePeer, SecurityGroup, SecurityGroupRule } from '../../src/domain/model';
import { rulesText, ruleLine, scopeText } from '../../src/domain/ruleText';

const R = 'us-east-1';
let seq = 0;
const rule = (
  groupId: string,
  isEgress: boolean,
  protocol: string,
  fromPort: number,
  toPort: number,
  peer: RulePeer,
  description?: string,
): SecurityGroupRule => ({
  region: R,
  ruleId: `sgr-${String(++seq).padStart(4, '0')}`,
  groupId,
  isEgress,
  protocol,
  fromPort,
  toPort,
  peer,
  ...(description ? { description } : {}),
});
const groups: SecurityGroup[] = [
  { region: R, groupId: 'sg-0a01', groupName: 'orders-db', description: '', vpcId: 'vpc-1', ownerId: '111122223333', tags: {} },
  { region: R, groupId: 'sg-0a02', groupName: 'app', description: '', vpcId: 'vpc-1', ownerId: '111122223333', tags: {} },
  { region: R, groupId: 'sg-0b01', groupName: 'orders-db', description: '', vpcId: 'vpc-2', ownerId: '111122223333', tags: {} },
];
const lookup = (id: string) => groups.find((g) => g.groupId === id);

/** One rule of every kind, for group `g`. */
function everyKind(g: string): SecurityGroupRule[] {
  return [
    rule(g, false, 'tcp', 5432, 5432, { kind: 'cidr4', cidr: '10.20.0.0/16' }, 'BI tools'),
    rule(g, false, 'tcp', 5432, 5432, { kind: 'group', groupId: 'sg-0a02' }),
    rule(g, false, 'tcp', 3306, 3306, { kind: 'group', groupId: g }),
    rule(g, false, 'tcp', 1024, 2048, { kind: 'cidr6', cidr: '2001:db8::/32' }),
    rule(g, false, 'udp', 53, 53, { kind: 'prefixList', prefixListId: 'pl-0123abcd' }),
    rule(g, false, 'icmp', 8, -1, { kind: 'cidr4', cidr: '10.0.0.0/8' }),
    rule(g, false, '-1', -1, -1, { kind: 'group', groupId: 'sg-0c99', userId: '444455556666' }),
    rule(g, true, '-1', -1, -1, { kind: 'cidr4', cidr: '0.0.0.0/0' }),
    rule(g, true, 'tcp', 443, 443, { kind: 'prefixList', prefixListId: 'pl-0s3' }, 'S3'),
  ];
}

/** A deterministic shuffle (a seeded LCG), so a failure is reproducible. */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const a = [...xs];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

describe("domain/ruleText: the canonical text of a group's rules", () => {
  it('prints inbound then outbound, each sorted, one rule per line with protocol, ports, peer and description', () => {
    const text = rulesText('sg-0a01', everyKind('sg-0a01'), lookup);
    assert.equal(
      text,
      [
        'Inbound rules (7)',
        '  all traffic  from group sg-0c99 of account 444455556666',
        '  icmp echo request  from 10.0.0.0/8',
        '  tcp 1024-2048  from 2001:db8::/32',
        '  tcp 3306  from this group (itself)',
        '  tcp 5432  from 10.20.0.0/16  "BI tools"',
        '  tcp 5432  from group app (sg-0a02)',
        '  udp 53  from prefix list pl-0123abcd',
        '',
        'Outbound rules (2)',
        '  all traffic  to 0.0.0.0/0',
        '  tcp 443  to prefix list pl-0s3  "S3"',
        '',
      ].join('\n'),
    );
  });

  it('gives the same text for the same rules in any order, and for two groups with the same rules (a self-reference reads the same)', () => {
    const base = rulesText('sg-0a01', everyKind('sg-0a01'), lookup);
    for (let seed = 1; seed <= 25; seed++) assert.equal(rulesText('sg-0a01', shuffled(everyKind('sg-0a01'), seed), lookup), base, `seed ${seed}`);
    assert.equal(rulesText('sg-0b01', shuffled(everyKind('sg-0b01'), 7), lookup), base);
  });

  it('differs where the rules differ, and only there', () => {
    const a = everyKind('sg-0a01');
    const b = everyKind('sg-0b01').map((r) => (r.protocol === 'udp' ? { ...r, fromPort: 5353, toPort: 5353 } : r));
    const la = rulesText('sg-0a01', a, lookup).split('\n');
    const lb = rulesText('sg-0b01', b, lookup).split('\n');
    const onlyA = la.filter((l) => !lb.includes(l));
    const onlyB = lb.filter((l) => !la.includes(l));
    assert.deepEqual(onlyA, ['  udp 53  from prefix list pl-0123abcd']);
    assert.deepEqual(onlyB, ['  udp 5353  from prefix list pl-0123abcd']);
  });

  it('ignores the rules of other groups, says (none) for an empty direction, and names a group it does not know by its id', () => {
    const text = rulesText('sg-0a01', [
      rule('sg-0a02', false, 'tcp', 22, 22, { kind: 'cidr4', cidr: '1.2.3.4/32' }),
      rule('sg-0a01', true, 'tcp', 1, 1, { kind: 'group', groupId: 'sg-0dead' }),
    ]);
    assert.equal(text, 'Inbound rules (0)\n  (none)\n\nOutbound rules (1)\n  tcp 1  to group sg-0dead\n');
    assert.equal(
      ruleLine(rule('sg-1', false, 'tcp', 0, 65535, { kind: 'cidr4', cidr: '10.0.0.0/8' }, 'say "hi"'), 'sg-1'),
      'tcp all ports  from 10.0.0.0/8  "say \\"hi\\""',
    );
  });

  it('names a scope by its account and Region', () => {
    assert.equal(scopeText('us-east-1'), 'us-east-1');
    assert.equal(scopeText('prod/eu-west-1'), 'prod, eu-west-1');
    assert.equal(scopeText('team/a/eu-west-1'), 'team/a, eu-west-1');
  });
});

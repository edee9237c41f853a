import * as assert from 'node:assert/strict';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { RegionClients } from '../../src/aws/clients';
import { readLimits } from '../../src/aws/quotaReads';
import { findings } from '../../src/domain/analysis';
import { RegionIndex, type AccountLimits, type RegionSnapshot, type RulePeer, type SecurityGroupRule } from '../../src/domain/model';
import { countRules, DEFAULT_LIMITS, prefixListWeight, prefixListWeights, ruleQuotaError } from '../../src/domain/quotas';

const REGION = 'eu-west-1';
const G = 'sg-0123456789abcdef0';

function rule(i: number, peer: RulePeer, isEgress = false): SecurityGroupRule {
  return { ruleId: `sgr-${i}`, groupId: G, isEgress, protocol: 'tcp', fromPort: 1000 + i, toPort: 1000 + i, peer } as SecurityGroupRule;
}
const v4 = (n: number, from = 0) => Array.from({ length: n }, (_, i) => rule(from + i, { kind: 'cidr4', cidr: `10.${i}.0.0/16` }));
const v6 = (n: number, from = 0) => Array.from({ length: n }, (_, i) => rule(from + i, { kind: 'cidr6', cidr: `2001:db8:${(i + 1).toString(16)}::/48` }));
const ref = (i: number) => rule(i, { kind: 'group', groupId: 'sg-0fedcba9876543210' });
const account = (rules: number, groups = 5): AccountLimits => ({
  rulesPerDirection: { value: rules, source: 'account' },
  groupsPerInterface: { value: groups, source: 'account' },
});

function index(rules: SecurityGroupRule[], limits?: AccountLimits, extra: Partial<RegionSnapshot> = {}): RegionIndex {
  return new RegionIndex({
    region: REGION,
    vpcs: [],
    groups: [{ region: REGION, groupId: G, groupName: 'app', description: 'app', vpcId: 'vpc-1', tags: {} } as never],
    rules,
    clusters: [],
    instances: [],
    loadedAt: 0,
    ...(limits ? { limits } : {}),
    ...extra,
  });
}

describe('quotas: one count for the add-rule check and the near-quota finding', () => {
  it('counts per direction and family; a group reference once in IPv4 and once in IPv6', () => {
    const rules = [...v4(3), ...v6(2, 10), ref(20), rule(30, { kind: 'cidr4', cidr: '10.0.0.0/8' }, true)];
    assert.deepEqual(countRules(rules, G, false), { v4: 4, v6: 3 });
    assert.deepEqual(countRules(rules, G, true), { v4: 1, v6: 0 });
  });

  it('counts a prefix list reference as its weight: max entries (customer-managed), the documented weight (AWS-managed)', () => {
    assert.equal(prefixListWeight({ prefixListId: 'pl-1', ownerId: '111122223333', name: 'office', maxEntries: 20 }), 20);
    assert.equal(prefixListWeight({ prefixListId: 'pl-2', ownerId: 'AWS', name: 'com.amazonaws.eu-west-1.s3', maxEntries: 999 }), 1);
    assert.equal(prefixListWeight({ prefixListId: 'pl-3', ownerId: 'AWS', name: 'com.amazonaws.global.cloudfront.origin-facing' }), 55);
    assert.equal(prefixListWeight({ prefixListId: 'pl-4', ownerId: 'AWS', name: 'com.amazonaws.eu-west-1.ipv6.route53-healthchecks' }), 25);
    const weights = new Map([['pl-1', 20]]);
    const rules = [...v4(30), rule(40, { kind: 'prefixList', prefixListId: 'pl-1' })];
    assert.deepEqual(countRules(rules, G, false, weights), { v4: 50, v6: 20 });
    // 30 + 20 = 50 of 60: a 20-entry list more would pass the quota, a CIDR would not.
    assert.equal(ruleQuotaError(rules, { groupId: G, isEgress: false, peer: { kind: 'cidr4', cidr: '192.0.2.0/24' } }, DEFAULT_LIMITS, weights), undefined);
    assert.match(
      ruleQuotaError(rules, { groupId: G, isEgress: false, peer: { kind: 'prefixList', prefixListId: 'pl-1' } }, DEFAULT_LIMITS, weights) ?? '',
      /already has 50 inbound IPv4 rules and this rule counts as 20/,
    );
  });

  it('a group reference counts toward the IPv6 total in the add-rule check as in the finding', () => {
    const rules = [...v6(59), ref(100)];
    const add6 = { groupId: G, isEgress: false, peer: { kind: 'cidr6', cidr: '2001:db8:ffff::/48' } as RulePeer };
    assert.match(ruleQuotaError(rules, add6) ?? '', /already has 60 inbound IPv6 rules/);
    const near = findings(index([...v6(49), ref(100)])).filter((f) => f.kind === 'near-quota');
    assert.deepEqual(
      near.map((f) => f.id),
      [`near-quota:${G}:inbound:ipv6`],
    );
  });

  it("refuses a rule at the account's quota, not at 60: 100 allows the 61st to the 100th, 40 refuses the 41st", () => {
    const add = { groupId: G, isEgress: false, peer: { kind: 'cidr4', cidr: '192.0.2.0/24' } as RulePeer };
    assert.equal(ruleQuotaError(v4(60), add, account(100)), undefined);
    assert.equal(ruleQuotaError(v4(99), add, account(100)), undefined);
    assert.match(ruleQuotaError(v4(100), add, account(100)) ?? '', /already has 100 inbound IPv4 rules, the account quota of 100\./);
    assert.equal(ruleQuotaError(v4(39), add, account(40)), undefined);
    assert.match(ruleQuotaError(v4(40), add, account(40)) ?? '', /already has 40 inbound IPv4 rules, the account quota of 40\./);
  });

  it("says when the default is used because the account's value could not be read", () => {
    const add = { groupId: G, isEgress: false, peer: { kind: 'cidr4', cidr: '192.0.2.0/24' } as RulePeer };
    const msg = ruleQuotaError(v4(60), add, DEFAULT_LIMITS) ?? '';
    assert.ok(msg.includes("default quota 60 (could not read your account's value: needs servicequotas:GetServiceQuota)"), msg);
    const f = findings(index(v4(50))).find((x) => x.kind === 'near-quota')!;
    assert.equal(f.title, '50 of 60 inbound IPv4 rules');
    assert.ok(f.why.includes("default quota 60 (could not read your account's value: needs servicequotas:GetServiceQuota)"), f.why);
  });

  it('prefix lists read with the Region weigh in the add-rule check and the near-quota finding (their max entries, or an AWS-managed weight)', () => {
    const pl = (i: number, prefixListId: string) => rule(i, { kind: 'prefixList', prefixListId });
    const lists = {
      prefixLists: [
        { prefixListId: 'pl-offices', name: 'offices', ownerId: '111122223333', maxEntries: 20 },
        { prefixListId: 'pl-cf', name: 'com.amazonaws.global.cloudfront.origin-facing', ownerId: 'AWS' },
      ],
    };
    const rules = [...v4(10), pl(40, 'pl-offices'), pl(41, 'pl-cf')];
    const idx = index(rules, account(100), lists);
    assert.deepEqual(
      [...prefixListWeights(idx.snapshot)],
      [
        ['pl-offices', 20],
        ['pl-cf', 55],
      ],
    );
    // 10 + 20 + 55 = 85 of 100: near the quota though only 12 rules are listed.
    const f = findings(idx).find((x) => x.kind === 'near-quota');
    assert.equal(f?.title, '85 of 100 inbound IPv4 rules');
    // Unread, each list counts as one rule: 12, nowhere near.
    assert.equal(findings(index(rules, account(100))).filter((x) => x.kind === 'near-quota').length, 0);
    const add = { groupId: G, isEgress: false, peer: { kind: 'prefixList', prefixListId: 'pl-offices' } as RulePeer };
    const err = ruleQuotaError(rules, add, account(100), prefixListWeights(idx.snapshot));
    assert.match(err ?? '', /already has 85 inbound IPv4 rules and this rule counts as 20, the account quota of 100/);
    assert.equal(ruleQuotaError(rules, add, account(100)), undefined, 'without the weights it would be let through, and AWS would refuse it');
  });

  it("the near-quota finding is measured against the account's quota", () => {
    assert.deepEqual(
      findings(index(v4(60), account(100))).filter((f) => f.kind === 'near-quota'),
      [],
    );
    const f = findings(index(v4(84), account(100))).find((x) => x.kind === 'near-quota')!;
    assert.equal(f.title, '84 of 100 inbound IPv4 rules');
    assert.match(f.why, /account quota of 100/);
    assert.ok(findings(index(v4(34), account(40))).some((x) => x.kind === 'near-quota'));
  });
});

describe('quotas: readLimits through stubbed clients (AWS answers, not moto)', () => {
  type Answer = (cmd: string, input: Record<string, unknown>) => unknown;
  function clients(ec2Answer: Answer, sqAnswer: Answer): { c: RegionClients; calls: string[] } {
    const config = { region: REGION, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } };
    const calls: string[] = [];
    const stub = (answer: Answer) => async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = cmd.constructor.name.replace(/Command$/, '');
      calls.push(name);
      return answer(name, cmd.input);
    };
    const ec2 = new EC2Client(config);
    (ec2 as never as { send: unknown }).send = stub(ec2Answer);
    let sq: ServiceQuotasClient | undefined;
    const serviceQuotas = () => {
      if (!sq) {
        sq = new ServiceQuotasClient(config);
        (sq as never as { send: unknown }).send = stub(sqAnswer);
      }
      return sq;
    };
    return { c: { region: REGION, ec2, rds: new RDSClient(config), serviceQuotas }, calls };
  }
  const attr = (v: string) => () => ({
    AccountAttributes: [{ AttributeName: 'vpc-max-security-groups-per-interface', AttributeValues: [{ AttributeValue: v }] }],
  });
  const fail = (name: string) => () => {
    throw Object.assign(new Error(name), { name });
  };

  it("reads the account's values (GetServiceQuota vpc L-0EA8095F, the ENI attribute), once per Region for the session", async () => {
    let asked: Record<string, unknown> = {};
    const { c, calls } = clients(attr('10'), (_cmd, input) => ((asked = input), { Quota: { QuotaCode: 'L-0EA8095F', Value: 100 } }));
    const limits = await readLimits(c);
    assert.deepEqual(limits, { rulesPerDirection: { value: 100, source: 'account' }, groupsPerInterface: { value: 10, source: 'account' } });
    assert.deepEqual(asked, { ServiceCode: 'vpc', QuotaCode: 'L-0EA8095F' });
    assert.equal(await readLimits(c), limits);
    assert.deepEqual(calls.sort(), ['DescribeAccountAttributes', 'GetServiceQuota']);
  });

  it('a refused read gives the default with the permission it needs; NoSuchResource gives the default, said so', async () => {
    const denied = await readLimits(clients(fail('UnauthorizedOperation'), fail('AccessDeniedException')).c);
    assert.deepEqual(denied.rulesPerDirection, {
      value: 60,
      source: 'default',
      note: "could not read your account's value: needs servicequotas:GetServiceQuota",
    });
    assert.deepEqual(denied.groupsPerInterface, {
      value: 5,
      source: 'default',
      note: "could not read your account's value: needs ec2:DescribeAccountAttributes",
    });
    const none = await readLimits(clients(attr('5'), fail('NoSuchResourceException')).c);
    assert.equal(none.rulesPerDirection.value, 60);
    assert.equal(none.rulesPerDirection.source, 'default');
  });

  it('another error fails the read and is not cached: the next load asks again', async () => {
    let throttle = true;
    const { c } = clients(attr('5'), () => {
      if (throttle) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return { Quota: { Value: 80 } };
    });
    await assert.rejects(readLimits(c), { name: 'ThrottlingException' });
    throttle = false;
    assert.equal((await readLimits(c)).rulesPerDirection.value, 80);
  });
});

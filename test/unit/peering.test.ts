// Peered VPCs: which groups a rule may reference (the add-rule picker and the argument check), and
// which rules are stale (the findings). AWS semantics: VPC Peering Guide, "Update your security
// groups to reference peer security groups"; EC2 API Reference, DescribeVpcPeeringConnections,
// DescribeStaleSecurityGroups, ReferencedSecurityGroup, DeleteSecurityGroup.
import * as assert from 'node:assert/strict';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { readStaleChecks, toStaleRules, vpcsToCheckForStale } from '../../src/aws/reads';
import { addRuleSteps, type AddRuleState } from '../../src/commands/addRuleSteps';
import { buildRule } from '../../src/domain/changes';
import { findings } from '../../src/domain/analysis';
import { RegionIndex, type RegionSnapshot, type SecurityGroup, type SecurityGroupRule, type StaleRuleRef, type VpcPeering } from '../../src/domain/model';
import { reachableGroupVpcs, unreachableGroupError } from '../../src/domain/peering';
import { authorizeRule, modifyRule } from '../../src/ops/rules';
import { runSteps } from '../../src/ui/steps';
import { APP, DB, FakeAws, fakeContext, R, rejection, VPC } from './ops/fakeAws';

const ME = '111122223333';
const PARTNER = '444455556666';
const peering = (peeringId: string, status: string, a: string, b: string, o: { bOwner?: string; bRegion?: string } = {}): VpcPeering => ({
  peeringId,
  status,
  requester: { vpcId: a, ownerId: ME, region: R },
  accepter: { vpcId: b, ownerId: o.bOwner ?? ME, region: o.bRegion ?? R },
});

describe('domain/peering: reachableGroupVpcs', () => {
  it('the VPC itself and the VPCs of active same-Region peerings, from either side; not pending, deleted or another Region', () => {
    const r = reachableGroupVpcs(
      'vpc-a',
      [
        peering('pcx-1', 'active', 'vpc-a', 'vpc-b'),
        peering('pcx-2', 'active', 'vpc-c', 'vpc-a'),
        peering('pcx-3', 'pending-acceptance', 'vpc-a', 'vpc-d'),
        peering('pcx-4', 'deleted', 'vpc-a', 'vpc-e'),
        peering('pcx-5', 'active', 'vpc-a', 'vpc-f', { bRegion: 'eu-west-1' }),
        peering('pcx-6', 'active', 'vpc-x', 'vpc-y'),
        peering('pcx-7', 'active', 'vpc-a', 'vpc-p', { bOwner: PARTNER }),
      ],
      R,
    );
    assert.deepEqual([...r.vpcIds].sort(), ['vpc-a', 'vpc-b', 'vpc-c', 'vpc-p']);
    assert.deepEqual(r.peers.get('vpc-c'), { peeringId: 'pcx-2', ownerId: ME });
    assert.deepEqual(r.peers.get('vpc-p'), { peeringId: 'pcx-7', ownerId: PARTNER });
    assert.equal(r.peeringsKnown, true);
  });

  it('peerings unknown (the read failed): only the VPC itself, and it says so', () => {
    const r = reachableGroupVpcs('vpc-a', undefined, R);
    assert.deepEqual([...r.vpcIds], ['vpc-a']);
    assert.equal(r.peeringsKnown, false);
  });
});

const OTHER_VPC = 'vpc-0b0b0b0b';
const PEERED_VPC = 'vpc-0c0c0c0c';
const FAR = 'sg-0b000001';
const NEAR = 'sg-0c000001';

/** The fake account plus a group in an unpeered VPC and one in a VPC actively peered with the app's. */
function twoVpcs(peerings: VpcPeering[] | undefined): FakeAws {
  const aws = new FakeAws();
  aws.groups.push(
    { region: R, groupId: FAR, groupName: 'far-app', description: 'unpeered', vpcId: OTHER_VPC, tags: {} },
    { region: R, groupId: NEAR, groupName: 'near-app', description: 'peered', vpcId: PEERED_VPC, tags: {} },
  );
  aws.peerings = peerings;
  return aws;
}
const ACTIVE = [peering('pcx-0a0c', 'active', VPC, PEERED_VPC), peering('pcx-0a0b', 'deleted', VPC, OTHER_VPC)];

describe('commands/addRuleSteps: the source group picker offers only reachable groups', () => {
  async function pickSource(aws: FakeAws, answers: unknown[]) {
    const { ctx, ui, load } = fakeContext(aws, answers as never);
    const s: AddRuleState = { groupId: APP, description: '' };
    await runSteps(ctx.ui, 'Add inbound rule', s, addRuleSteps(ctx, R, await load(), false, undefined));
    const sourcePick = ui.asked.findIndex((a) => a.includes('Security group of'));
    return { s, ui, items: ui.pickItems[ui.pickItems.length - 1]!, asked: ui.asked[sourcePick]! };
  }

  it('same VPC and actively peered VPC; never a group of an unpeered VPC (AWS: "different networks")', async () => {
    const r = await pickSource(twoVpcs(ACTIVE), ['HTTPS', 'Another security group', 'near-app']);
    assert.deepEqual(r.items, ['dbsrv1', 'default', 'near-app', 'spare']);
    assert.deepEqual(r.s.source, { groupId: NEAR });
    assert.doesNotMatch(r.asked, /could not be checked/);
  });

  it('peerings unknown: only the same VPC, and the picker says peered groups could not be checked', async () => {
    const r = await pickSource(twoVpcs(undefined), ['HTTPS', 'Another security group', 'dbsrv1']);
    assert.deepEqual(r.items, ['dbsrv1', 'default', 'spare']);
    assert.match(r.asked, /peered VPCs could not be checked/);
  });

  it('a rule that already exists is refused right after the source, before the description is asked (issue 14)', async () => {
    const { ctx, ui, load } = fakeContext(new FakeAws(), ['Aurora MySQL / MySQL', 'Another security group', 'appsrv1']);
    const s: AddRuleState = { groupId: DB };
    const e = await rejection(runSteps(ctx.ui, 'Add inbound rule', s, addRuleSteps(ctx, R, await load(), false, undefined)));
    assert.match(e.message, /already allowed by rule sgr-db0001.*nothing was changed/);
    assert.ok(!ui.asked.some((a) => /Description/.test(a)), `asked: ${ui.asked.join(' | ')}`);
  });
});

describe('ops/rules: a source group given as an argument must be reachable', () => {
  const draft = (groupId: string, userId?: string) => {
    const d = buildRule({ groupId: APP, isEgress: false, protocol: 'tcp', fromPort: 443, toPort: 443, source: { groupId, userId } });
    assert.ok(d.ok);
    return d.value;
  };

  it('a group of an unpeered VPC is refused before any call, naming both VPCs', async () => {
    const aws = twoVpcs(ACTIVE);
    const { ctx, load } = fakeContext(aws);
    const e = await rejection(authorizeRule(ctx, R, await load(), draft(FAR)));
    assert.equal(e.name, 'UserError');
    assert.match(
      e.message,
      new RegExp(`far-app \\(${FAR}\\) is in ${OTHER_VPC}, which appsrv1 \\(${VPC}\\) cannot reach.*active peering connection in the same Region`),
    );
    assert.equal(aws.count('authorizeRule'), 0);
  });

  it('a group of an actively peered VPC goes through', async () => {
    const aws = twoVpcs(ACTIVE);
    const { ctx, load } = fakeContext(aws);
    assert.ok(await authorizeRule(ctx, R, await load(), draft(NEAR)));
    assert.equal(aws.count('authorizeRule'), 1);
  });

  it("another account's group: only with an active same-Region peering to a VPC of that account", async () => {
    const aws = twoVpcs([...ACTIVE]);
    aws.groups = aws.groups.map((g) => ({ ...g, ownerId: ME }));
    const { ctx, load } = fakeContext(aws);
    const e = await rejection(authorizeRule(ctx, R, await load(), draft('sg-0d000001', PARTNER)));
    assert.match(e.message, new RegExp(`${PARTNER}/sg-0d000001 is a group of another account.*no active peering connection`));
    assert.equal(aws.count('authorizeRule'), 0);
    aws.peerings = [...ACTIVE, peering('pcx-0a0d', 'active', VPC, 'vpc-0d0d0d0d', { bOwner: PARTNER })];
    const again = fakeContext(aws);
    assert.ok(await authorizeRule(again.ctx, R, await again.load(), draft('sg-0d000001', PARTNER)));
  });

  it("Edit Rule: changing a rule's source group to one of an unpeered VPC is refused before any call", async () => {
    const aws = twoVpcs(ACTIVE);
    const { ctx, load } = fakeContext(aws);
    const idx = await load();
    const rule = idx.snapshot.rules.find((r) => r.ruleId === 'sgr-db0001')!;
    const e = await rejection(modifyRule(ctx, R, idx, rule, { source: { groupId: FAR } }));
    assert.match(e.message, /cannot reach/);
    assert.equal(aws.count('modifyRule') + aws.count('authorizeRule'), 0);
  });

  it('peerings unknown: a loaded group of another VPC is left to AWS (its "different networks" answer is translated)', () => {
    const idx = new RegionIndex({
      region: R,
      vpcs: [],
      groups: [
        { region: R, groupId: APP, groupName: 'appsrv1', description: '', vpcId: VPC, tags: {} },
        { region: R, groupId: FAR, groupName: 'far-app', description: '', vpcId: OTHER_VPC, tags: {} },
      ],
      rules: [],
      clusters: [],
      instances: [],
      loadedAt: 0,
    });
    assert.equal(unreachableGroupError(idx, APP, { kind: 'group', groupId: FAR }), undefined);
    assert.equal(unreachableGroupError(idx, APP, { kind: 'cidr4', cidr: '10.0.0.0/8' }), undefined);
  });
});

// ------------------------------------------------------------------------------------------------
// Stale rules
// ------------------------------------------------------------------------------------------------

const sg = (groupId: string, vpcId = 'vpc-1'): SecurityGroup => ({ region: R, groupId, groupName: groupId, description: '', vpcId, ownerId: ME, tags: {} });
const ref = (
  ruleId: string,
  peer: Partial<Extract<SecurityGroupRule['peer'], { kind: 'group' }>> & { groupId: string },
  isEgress = false,
): SecurityGroupRule => ({
  region: R,
  ruleId,
  groupId: 'sg-x',
  isEgress,
  protocol: 'tcp',
  fromPort: 443,
  toPort: 443,
  peer: { kind: 'group', ...peer },
});
const snap = (rules: SecurityGroupRule[], more: Partial<RegionSnapshot> = {}): RegionIndex =>
  new RegionIndex({ region: R, vpcs: [], groups: [sg('sg-x'), sg('sg-y'), sg('sg-z', 'vpc-2')], rules, clusters: [], instances: [], loadedAt: 0, ...more });
const staleIds = (idx: RegionIndex) =>
  findings(idx)
    .filter((f) => f.kind === 'stale-reference')
    .map((f) => f.ruleId);

/** What DescribeStaleSecurityGroups says of an inbound tcp 443 rule of sg-x referencing sg-far across the deleted pcx-7. */
const STALE_443: StaleRuleRef = {
  groupId: 'sg-x',
  isEgress: false,
  protocol: 'tcp',
  fromPort: 443,
  toPort: 443,
  referencedGroupId: 'sg-far',
  peeringConnectionId: 'pcx-7',
  peeringStatus: 'deleted',
};

describe('findings: stale-reference follows AWS', () => {
  it('a same-VPC reference to a group missing from the snapshot is not stale (AWS cannot delete a group its VPC references)', () => {
    assert.deepEqual(staleIds(snap([ref('r1', { groupId: 'sg-gone' }), ref('r2', { groupId: 'sg-gone', userId: ME }, true)])), []);
    // Nor when the groups read failed and every reference looks missing.
    const idx = new RegionIndex({ region: R, vpcs: [], groups: [], rules: [ref('r3', { groupId: 'sg-y' })], clusters: [], instances: [], loadedAt: 0 });
    assert.deepEqual(staleIds(idx), []);
  });

  it('PeeringStatus deleted, rejected, expired, failed or deleting: stale; active or pending: not', () => {
    const rules = ['deleted', 'rejected', 'expired', 'failed', 'deleting', 'active', 'pending-acceptance'].map((st, i) =>
      ref(`p-${st}`, { groupId: `sg-far${i}`, vpcId: 'vpc-9', peeringConnectionId: `pcx-${i}`, peeringStatus: st }),
    );
    assert.deepEqual(staleIds(snap(rules)), ['p-deleted', 'p-rejected', 'p-expired', 'p-failed', 'p-deleting']);
  });

  it('a peering id not among the active peerings (when they were read) is stale, even for a loaded group; unknown peerings flag nothing', () => {
    const rules = [ref('gone', { groupId: 'sg-z', peeringConnectionId: 'pcx-old' }), ref('live', { groupId: 'sg-z', peeringConnectionId: 'pcx-live' })];
    const peerings = [peering('pcx-live', 'active', 'vpc-1', 'vpc-2'), peering('pcx-old', 'deleted', 'vpc-1', 'vpc-2')];
    assert.deepEqual(staleIds(snap(rules, { peerings })), ['gone']);
    assert.deepEqual(staleIds(snap(rules, { peerings: [peering('pcx-live', 'active', 'vpc-1', 'vpc-2')] })), ['gone']);
    assert.deepEqual(staleIds(snap(rules)), [], 'peerings unknown: never an invented finding');
    const f = findings(snap(rules, { peerings })).find((x) => x.ruleId === 'gone')!;
    assert.match(f.why, /pcx-old is not among the Region's active peering connections/);
    assert.deepEqual(f.fix, { kind: 'revoke', groupId: 'sg-x', ruleIds: ['gone'] });
  });

  it('the rules DescribeStaleSecurityGroups reports are stale, matched by direction, protocol, ports and group; the others are not', () => {
    const rules = [
      ref('hit', { groupId: 'sg-far' }),
      ref('out', { groupId: 'sg-far' }, true),
      { ...ref('port', { groupId: 'sg-far' }), fromPort: 80, toPort: 80 },
    ];
    const staleChecks = [
      {
        vpcId: 'vpc-1',
        rules: [STALE_443],
      },
    ];
    const idx = snap(rules, { staleChecks });
    assert.deepEqual(staleIds(idx), ['hit']);
    assert.match(findings(idx).find((x) => x.ruleId === 'hit')!.why, /AWS reports it stale \(DescribeStaleSecurityGroups\): pcx-7 is deleted/);
  });
});

describe('reads: DescribeStaleSecurityGroups (stubbed client; moto answers HTTP 500)', () => {
  // AWS's documented answer (EC2 API Reference, StaleSecurityGroup / StaleIpPermission / UserIdGroupPair).
  const answer = {
    StaleSecurityGroupSet: [
      {
        GroupId: 'sg-x',
        GroupName: 'app',
        VpcId: 'vpc-1',
        StaleIpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            UserIdGroupPairs: [{ GroupId: 'sg-far', VpcId: 'vpc-9', VpcPeeringConnectionId: 'pcx-7', PeeringStatus: 'deleted' }],
          },
        ],
        StaleIpPermissionsEgress: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-far2', VpcPeeringConnectionId: 'pcx-7' }] }],
      },
    ],
  };

  function stub(send: (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => Promise<unknown>) {
    const config = { region: R, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' } };
    const ec2 = new EC2Client(config);
    (ec2 as unknown as { send: typeof send }).send = send;
    return { region: R, ec2, rds: new RDSClient(config) };
  }

  it('maps inbound and outbound stale permissions to rules', () => {
    assert.deepEqual(toStaleRules(answer.StaleSecurityGroupSet), [
      STALE_443,
      { groupId: 'sg-x', isEgress: true, protocol: '-1', fromPort: -1, toPort: -1, referencedGroupId: 'sg-far2', peeringConnectionId: 'pcx-7' },
    ]);
  });

  it('one call per VPC asked; a VPC whose call fails (moto: HTTP 500) is left out: unknown, not "nothing stale"', async () => {
    const asked: unknown[] = [];
    const c = stub(async (cmd) => {
      asked.push(cmd.input.VpcId);
      if (cmd.input.VpcId === 'vpc-2') throw Object.assign(new Error('not implemented'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
      return { ...answer, $metadata: {} };
    });
    const out = await readStaleChecks(c, ['vpc-1', 'vpc-2']);
    assert.deepEqual(asked, ['vpc-1', 'vpc-2']);
    assert.deepEqual(
      out.map((x) => [x.vpcId, x.rules.length]),
      [['vpc-1', 2]],
    );
  });

  it('asks only for VPCs whose rules reference another VPC or a peering', () => {
    const groups = [sg('sg-x'), sg('sg-y'), sg('sg-z', 'vpc-2'), sg('sg-w', 'vpc-3')];
    const rules = [
      ref('same', { groupId: 'sg-y' }),
      { ...ref('cross', { groupId: 'sg-x' }), groupId: 'sg-z' },
      { ...ref('pcx', { groupId: 'sg-far', peeringConnectionId: 'pcx-1' }), groupId: 'sg-w' },
      { ...ref('cidr', { groupId: 'x' }), peer: { kind: 'cidr4' as const, cidr: '10.0.0.0/8' } },
    ];
    assert.deepEqual(vpcsToCheckForStale(groups, rules), ['vpc-2', 'vpc-3']);
    assert.deepEqual(vpcsToCheckForStale(groups, [rules[0]!]), [], 'same-VPC references only: no call');
  });
});

import * as assert from 'node:assert/strict';
import { createGroup, deleteGroup, regionIndex, tagProblem } from '../../../src/ops/groups';
import { accountPrompter } from '../../../src/ui/accountPrompter';
import { APP, awsError, DB, DEFAULT, FakeAws, fakeContext, R, rejection, SPARE, VPC } from './fakeAws';

describe('ops: createGroup', () => {
  const spec = { region: R, vpcId: VPC, groupName: ' web-tier ', description: ' Web servers ', tags: { team: 'shop' } as Record<string, string> };

  it('creates the group (trimmed, with its tags), refreshes the tree and says what to do next', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load, store } = fakeContext(aws);
    const done = await createGroup(ctx, await load(), spec);
    const g = aws.groups.find((x) => x.groupId === done.value)!;
    assert.deepEqual([g.groupName, g.description, g.tags], ['web-tier', 'Web servers', { team: 'shop' }]);
    assert.equal(done.message, `Created security group web-tier (${done.value}). It has no inbound rules yet: add one to let something in.`);
    assert.ok(store.index(R)!.groupsById.has(done.value), 'the tree shows it');
    assert.deepEqual(ui.progressTitles, [`Creating security group web-tier in ${VPC}…`]);
  });

  const refusals: [string, Partial<typeof spec>, RegExp][] = [
    ['a VPC not in the Region', { vpcId: 'vpc-0dead000' }, /VPC vpc-0dead000 is not in us-east-1\. Refresh the tree or check the id\./],
    ['a name starting with sg-', { groupName: 'sg-web' }, /sg-/],
    ['a name taken in the VPC, in another case', { groupName: 'APPSRV1' }, /clashes with the existing group 'appsrv1'/],
    ['an empty description', { description: ' ' }, /description is required/],
    ['a reserved tag key', { tags: { 'aws:x': 'y' } }, /reserved by AWS/],
    ['a tag value over 256 characters', { tags: { k: 'v'.repeat(257) } }, /longer than 256/],
  ];
  for (const [what, over, msg] of refusals) {
    it(`refuses ${what} before any call`, async () => {
      const aws = new FakeAws();
      const { ctx, load } = fakeContext(aws);
      const e = await rejection(createGroup(ctx, await load(), { ...spec, ...over }));
      assert.equal(e.name, 'UserError');
      assert.match(e.message, msg);
      assert.equal(aws.count('createSecurityGroup'), 0);
    });
  }

  it('an answer lost after AWS created it (the retry says Duplicate): looked up by name, reported as created once', async () => {
    const aws = new FakeAws().fault('createSecurityGroup', { applied: true, error: awsError('InvalidGroup.Duplicate', 400, 2) });
    const { ctx, load, logs } = fakeContext(aws);
    const done = await createGroup(ctx, await load(), spec);
    assert.equal(aws.groups.filter((g) => g.groupName === 'web-tier').length, 1);
    assert.equal(
      done.message,
      `Created security group web-tier (${done.value}) (AWS's answer was lost; the group, looked up by name, was created once). It has no inbound rules yet: add one to let something in.`,
    );
    assert.ok(logs.some((l) => /^error: create the security group web-tier failed: InvalidGroup\.Duplicate/.test(l)));
  });

  it('every answer lost (HTTP 500 three times, applied): created once', async () => {
    const aws = new FakeAws().fault('createSecurityGroup', { applied: true, error: awsError('InternalError', 500, 3) });
    const { ctx, load } = fakeContext(aws);
    assert.match((await createGroup(ctx, await load(), spec)).message, /looked up by name, was created once/);
  });

  it('never applied (HTTP 503): says nothing was created', async () => {
    const aws = new FakeAws().fault('createSecurityGroup', { error: awsError('Unavailable', 503, 3) });
    const { ctx, load } = fakeContext(aws);
    const e = await rejection(createGroup(ctx, await load(), spec));
    assert.equal(
      e.message,
      `Could not create the security group web-tier: AWS had an internal error (HTTP 503, Unavailable). Try again in a moment. web-tier does not exist in ${VPC}: nothing was created.`,
    );
    assert.equal(aws.groups.length, 4);
  });

  it("a group of that name made elsewhere meanwhile (Duplicate on the first attempt): AWS's refusal, no re-read", async () => {
    const aws = new FakeAws().fault('createSecurityGroup', {
      before: () => aws.groups.push(aws.group('sg-0c000001', 'web-tier')),
      error: awsError('InvalidGroup.Duplicate', 400),
    });
    const { ctx, load } = fakeContext(aws);
    assert.equal((await rejection(createGroup(ctx, await load(), spec))).name, 'InvalidGroup.Duplicate');
    assert.equal(aws.count('findGroupsByName'), 0);
  });

  it('the look-up fails too: cannot tell, refresh before trying again', async () => {
    const aws = new FakeAws()
      .fault('createSecurityGroup', { applied: true, error: awsError('InternalError', 500) })
      .fault('findGroupsByName', { error: awsError('Unavailable', 503) });
    const { ctx, load } = fakeContext(aws);
    assert.match(
      (await rejection(createGroup(ctx, await load(), spec))).message,
      /Try again in a moment\. Could not check whether web-tier was created; refresh the tree before trying again\.$/,
    );
  });

  it('cancelled before the call: nothing is created', async () => {
    const aws = new FakeAws();
    const { ctx, ui, load } = fakeContext(aws);
    const idx = await load();
    ui.cancelProgress();
    assert.equal((await rejection(createGroup(ctx, idx, spec))).name, 'CancelledError');
    assert.equal(aws.count('createSecurityGroup'), 0);
  });
});

describe('ops: deleteGroup', () => {
  it('asks for the name to be typed, deletes, refreshes the tree', async () => {
    const aws = new FakeAws();
    const { ctx, ui, store } = fakeContext(aws, ['Spare', 'spare']);
    const done = await deleteGroup(ctx, R, SPARE);
    assert.equal(done.message, `Deleted security group spare (${SPARE}).`);
    assert.deepEqual(ui.validations, ['Type spare exactly to confirm.']);
    assert.ok(!aws.groups.some((g) => g.groupId === SPARE));
    assert.ok(!store.index(R)!.groupsById.has(SPARE));
  });

  it('the typed name is asked as a confirmation of a change in the group’s scope: with several accounts it names the account', async () => {
    const aws = new FakeAws();
    const { ctx, ui } = fakeContext(aws, ['spare']);
    const named = { ...ctx, ui: accountPrompter(ui, (scope) => (scope === R ? `PRODUCTION account prod (222222222222), Region ${R}.` : '')) };
    await deleteGroup(named, R, SPARE);
    assert.match(ui.asked[0], new RegExp(`^input: Delete security group spare \\(${SPARE}\\) in PRODUCTION account prod \\(222222222222\\), Region ${R} / `));
  });

  it('confirmName is the typed confirmation: no question, and a wrong one deletes nothing', async () => {
    const aws = new FakeAws();
    const { ctx, ui } = fakeContext(aws);
    assert.equal(
      (await rejection(deleteGroup(ctx, R, SPARE, 'Spare'))).message,
      `The confirmation "Spare" does not match the group's name spare; nothing was deleted.`,
    );
    assert.equal(aws.count('deleteSecurityGroup'), 0);
    assert.equal((await deleteGroup(ctx, R, SPARE, 'spare')).value, SPARE);
    assert.deepEqual(ui.asked, []);
  });

  it('refuses, with every reason, a group that is in use; and an id that is malformed or unknown', async () => {
    const aws = new FakeAws();
    aws.ec2.push({ region: R, instanceId: 'i-0a1', name: 'app-server-1', securityGroupIds: [APP] });
    const { ctx } = fakeContext(aws);
    assert.match((await rejection(deleteGroup(ctx, R, DEFAULT, 'default'))).message, /default group/);
    assert.match((await rejection(deleteGroup(ctx, R, DB, 'dbsrv1'))).message, /It guards DB cluster orders\./);
    const app = (await rejection(deleteGroup(ctx, R, APP, 'appsrv1'))).message;
    assert.match(
      app,
      /^appsrv1 \(sg-0a000001\) cannot be deleted: A rule of dbsrv1 \(sg-0a000002\) references it \(sgr-db0001, inbound appsrv1 \(sg-0a000001\)\)\. EC2 instance app-server-1 \(i-0a1\) carries it\.$/,
    );
    assert.match((await rejection(deleteGroup(ctx, R, 'sg-nope'))).message, /sg-/);
    assert.equal(
      (await rejection(deleteGroup(ctx, R, 'sg-0dead000'))).message,
      'Security group sg-0dead000 is not in us-east-1. Refresh the tree or check the id.',
    );
    assert.equal(aws.count('deleteSecurityGroup'), 0);
  });

  it('refuses a group used through network interfaces, named by type; interfaces of instances counted already are not counted twice', async () => {
    const aws = new FakeAws();
    const eni = (interfaceId: string, interfaceType: string, description: string, instanceId?: string) => ({
      kind: 'networkInterface' as const,
      interfaceId,
      interfaceType,
      description,
      groupIds: [SPARE],
      ...(instanceId ? { instanceId } : {}),
    });
    aws.interfaces.push(
      eni('eni-1', 'lambda', 'AWS Lambda VPC ENI-my-fn'),
      eni('eni-2', 'lambda', 'AWS Lambda VPC ENI-other'),
      eni('eni-3', 'interface', 'ELB app/x/1'),
    );
    const { ctx } = fakeContext(aws);
    assert.equal(
      (await rejection(deleteGroup(ctx, R, SPARE, 'spare'))).message,
      `spare (${SPARE}) cannot be deleted: it is used by 2 network interfaces of AWS Lambda, 1 network interface of load balancer; nothing was deleted.`,
    );
    aws.interfaces = [eni('eni-4', 'interface', 'Primary network interface', 'i-0a9')];
    aws.ec2.push({ region: R, instanceId: 'i-0a9', name: 'web', securityGroupIds: [SPARE] });
    assert.equal((await rejection(deleteGroup(ctx, R, SPARE, 'spare'))).message, `spare (${SPARE}) cannot be deleted: EC2 instance web (i-0a9) carries it.`);
    assert.equal(aws.count('deleteSecurityGroup'), 0);
  });

  it('refuses a group that a Neptune cluster uses (the load keeps those clusters aside)', async () => {
    const aws = new FakeAws();
    aws.otherDatabases = [{ clusterId: 'graph-1', engine: 'Neptune', groupIds: [SPARE] }];
    const { ctx } = fakeContext(aws);
    assert.equal((await rejection(deleteGroup(ctx, R, SPARE, 'spare'))).message, `spare (${SPARE}) cannot be deleted: It guards Neptune cluster graph-1.`);
    assert.equal(aws.count('deleteSecurityGroup'), 0);
  });

  it('the interface read denied: asks, saying the use could not be checked and the permission it needs', async () => {
    const aws = new FakeAws().fault('readGroupInterfaces', { error: awsError('UnauthorizedOperation', 403) });
    const { ctx, ui } = fakeContext(aws, ['spare']);
    assert.equal((await deleteGroup(ctx, R, SPARE)).value, SPARE);
    assert.match(ui.asked.join('\n'), /could not be checked \(this needs ec2:DescribeNetworkInterfaces/);
  });

  it('a group a CloudFormation stack manages: the typed confirmation says deleting it drifts from the stack; one without tags says nothing of it', async () => {
    const aws = new FakeAws();
    const spare = aws.groups.find((g) => g.groupId === SPARE)!;
    (spare as { tags: Record<string, string> }).tags = { 'aws:cloudformation:stack-name': 'orders-infra' };
    const { ctx, ui } = fakeContext(aws, ['spare']);
    assert.equal((await deleteGroup(ctx, R, SPARE)).value, SPARE);
    assert.match(
      ui.asked.join('\n'),
      new RegExp(
        `spare \\(${SPARE}\\) is managed by CloudFormation stack orders-infra \\(tag aws:cloudformation:stack-name=orders-infra\\)\\. Deleting it here drifts from its source`,
      ),
    );
    const plain = fakeContext(new FakeAws(), ['spare']);
    await deleteGroup(plain.ctx, R, SPARE);
    assert.doesNotMatch(plain.ui.asked.join('\n'), /managed by/);
  });

  it('a rule of a peered VPC referencing the group does not block: the confirmation warns it becomes stale', async () => {
    const aws = new FakeAws();
    aws.vpcs.push({ region: R, vpcId: 'vpc-0b0b0b0b', name: 'peer', cidrBlocks: ['10.9.0.0/16'], ipv6CidrBlocks: [], isDefault: false, tags: {} });
    aws.groups.push({ region: R, groupId: 'sg-0c000001', groupName: 'peer-app', description: 'x', vpcId: 'vpc-0b0b0b0b', tags: {} });
    aws.rules.push({
      region: R,
      ruleId: 'sgr-pe0001',
      groupId: 'sg-0c000001',
      isEgress: false,
      protocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      peer: { kind: 'group', groupId: SPARE },
    });
    const { ctx, ui } = fakeContext(aws, ['spare']);
    assert.equal((await deleteGroup(ctx, R, SPARE)).value, SPARE);
    assert.match(ui.asked.join('\n'), /Rules of peered VPCs that reference it become stale: peer-app \(sg-0c000001\) in vpc-0b0b0b0b: sgr-pe0001\./);
  });

  it('refuses a group associated with another VPC (security group VPC associations), naming the VPC', async () => {
    const aws = new FakeAws();
    aws.vpcAssociations.set(SPARE, ['vpc-0a55oc1a7ed']);
    const { ctx } = fakeContext(aws);
    const e = await rejection(deleteGroup(ctx, R, SPARE, 'spare'));
    assert.match(
      e.message,
      /cannot be deleted: it is associated with vpc-0a55oc1a7ed \(security group VPC associations\)\. Disassociate it from that VPC first; nothing was deleted\./,
    );
    assert.equal(aws.calls.filter((c) => c === 'deleteSecurityGroup').length, 0);
  });

  it('a peered VPC of another account (DescribeSecurityGroupReferences) is named too; that read denied is said, with the permission', async () => {
    const aws = new FakeAws();
    aws.groupReferences.set(SPARE, [{ referencingVpcId: 'vpc-0ther0acc0unt', peeringConnectionId: 'pcx-0123' }]);
    const { ctx, ui } = fakeContext(aws, ['spare']);
    assert.equal((await deleteGroup(ctx, R, SPARE)).value, SPARE);
    assert.match(ui.asked.join('\n'), /Rules of peered VPCs that reference it become stale: a rule in vpc-0ther0acc0unt \(across pcx-0123\)\./);
    const denied = new FakeAws().fault('readGroupReferences', { error: awsError('UnauthorizedOperation', 403) });
    const second = fakeContext(denied, ['spare']);
    assert.equal((await deleteGroup(second.ctx, R, SPARE)).value, SPARE);
    assert.match(
      second.ui.asked.join('\n'),
      /References from peered VPCs of other accounts could not be checked \(this needs ec2:DescribeSecurityGroupReferences/,
    );
  });

  it('an answer lost (HTTP 500, applied): read again, gone: deleted once', async () => {
    const aws = new FakeAws().fault('deleteSecurityGroup', { applied: true, error: awsError('InternalError', 500) });
    const { ctx } = fakeContext(aws);
    assert.equal(
      (await deleteGroup(ctx, R, SPARE, 'spare')).message,
      `Deleted security group spare (${SPARE}) (AWS's answer was lost; the group, read again, is gone: it was deleted once).`,
    );
  });

  it('NotFound after a retry: the first attempt deleted it, once', async () => {
    const aws = new FakeAws().fault('deleteSecurityGroup', { applied: true, error: awsError('InvalidGroup.NotFound', 400, 2) });
    const { ctx } = fakeContext(aws);
    assert.match((await deleteGroup(ctx, R, SPARE, 'spare')).message, /it was deleted once\)\.$/);
  });

  it('NotFound on the first attempt: it was already deleted elsewhere', async () => {
    const aws = new FakeAws().fault('deleteSecurityGroup', { applied: true, error: awsError('InvalidGroup.NotFound', 400) });
    const { ctx, store } = fakeContext(aws);
    assert.equal(
      (await rejection(deleteGroup(ctx, R, SPARE, 'spare'))).message,
      `spare (${SPARE}) was already deleted elsewhere, since the tree was loaded; the tree has been refreshed.`,
    );
    assert.ok(!store.index(R)!.groupsById.has(SPARE));
  });

  it('never applied (HTTP 503): it still exists; the re-read failing too: cannot tell', async () => {
    const aws = new FakeAws().fault('deleteSecurityGroup', { error: awsError('Unavailable', 503, 3) });
    const { ctx } = fakeContext(aws);
    assert.match(
      (await rejection(deleteGroup(ctx, R, SPARE, 'spare'))).message,
      /Try again in a moment\. spare \(sg-0a000003\) still exists: nothing was deleted\.$/,
    );
    aws.fault('deleteSecurityGroup', { error: awsError('Unavailable', 503, 3) }).fault('readGroups', { error: awsError('Unavailable', 503) });
    assert.match(
      (await rejection(deleteGroup(ctx, R, SPARE, 'spare'))).message,
      /Try again in a moment\. Could not check whether spare was deleted; refresh the tree before trying again\.$/,
    );
    assert.ok(aws.groups.some((g) => g.groupId === SPARE));
  });

  it('cancelled before the call: nothing is deleted', async () => {
    const aws = new FakeAws();
    const { ctx, ui } = fakeContext(aws);
    ui.cancelProgress();
    assert.equal((await rejection(deleteGroup(ctx, R, SPARE, 'spare'))).name, 'CancelledError');
    assert.ok(aws.groups.some((g) => g.groupId === SPARE));
  });
});

describe('ops: regionIndex and tagProblem', () => {
  it('a Region that cannot be loaded is a UserError that says why', async () => {
    const aws = new FakeAws().fault('loadRegion', { error: awsError('Unavailable', 503) });
    const { ctx } = fakeContext(aws);
    assert.equal(
      (await rejection(regionIndex(ctx, R))).message,
      'The data of us-east-1 could not be loaded: AWS had an internal error (HTTP 503, Unavailable). Try again in a moment.',
    );
  });

  it("tag keys and values within AWS's limits", () => {
    assert.equal(tagProblem('team', 'shop'), undefined);
    assert.match(tagProblem('', 'x')!, /has no key/);
    assert.match(tagProblem('k'.repeat(129), '')!, /longer than 128/);
  });
});

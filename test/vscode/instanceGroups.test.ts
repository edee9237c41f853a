// Issue 14 item 1 in the real VS Code: Explain Path from an EC2 instance that carries only the VPC's
// default group offers to put the instance in the group the database already allows (never a rule
// admitting the default group), and Add EC2 Instance to Security Group changes the instance's
// primary network interface only, after a confirmation.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DescribeInstancesCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import type { PathExplanation } from '../../src/domain/analysis';
import type { AwsRule } from '../harness/awsRules';
import { startFaultProxy } from '../harness/faultProxy';
import { runEc2Instance, type TestAccountIds } from '../harness/seed';
import { VsCodePrompter } from '../../src/ui/vscodePrompter';
import { script } from './scripted';
import { api, aws, AWS_URL, REGION, reseed, setSettings } from './util';

const run = <T>(cmd: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(cmd, ...args);

async function primaryGroups(instanceId: string): Promise<string[]> {
  const out = await aws().ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const eni = (out.Reservations?.[0]?.Instances?.[0]?.NetworkInterfaces ?? []).find((n) => n.Attachment?.DeviceIndex === 0);
  return (eni?.Groups ?? []).map((g) => g.GroupId!).sort();
}

describe('EC2 instances into security groups: the fix Explain Path offers first', () => {
  let ids: TestAccountIds;
  let batch: string;

  before(async () => {
    ids = await reseed();
    const subnets = await aws().ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [ids.vpcId] }] }));
    batch = await runEc2Instance(aws(), subnets.Subnets![0]!.SubnetId!, [ids.defaultGroupId], 'batch-1');
    await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
    const a = await api();
    await a.ext.store.refreshAll([REGION]);
    a.analysis.reset(REGION);
  });

  after(async () => {
    (await api()).ext.ui = new VsCodePrompter();
  });

  it('an instance with only the default group: the group the database allows is offered to join; no rule admits the default group', async () => {
    await script();
    const p = await run<PathExplanation>('auroraSg.explainPath', { region: REGION, clusterId: ids.mysqlClusterId, source: { ec2InstanceId: batch } });
    assert.equal(p?.open, false);
    assert.deepEqual(p?.joinGroups, [ids.appGroupId], 'appsrv1 is let in by dbsrv1 on 3306');
    for (const m of p?.missingRules ?? []) {
      assert.ok(!('groupId' in m.source && m.source.groupId === ids.defaultGroupId), `a rule admitting the default group was proposed: ${JSON.stringify(m)}`);
    }
    assert.ok(
      p?.missingRule && 'cidr' in p.missingRule.source && /\/32$/.test(p.missingRule.source.cidr),
      'the rule offered instead admits the instance alone',
    );
  });

  it('Add EC2 Instance to Security Group: confirmed with the interface and the lists; only the primary interface changes; the path opens', async () => {
    const before = await primaryGroups(batch);
    const declined = await script(false);
    assert.equal(await run('auroraSg.addInstanceToGroup', { region: REGION, instanceId: batch, groupId: ids.appGroupId }), undefined);
    assert.match(declined.confirms[0].message, /^Add i-[0-9a-f]+ to appsrv1\?$/);
    assert.match(declined.confirms[0].detail, /^Primary network interface eni-[0-9a-f]+ \(us-east-1\)/);
    assert.deepEqual(await primaryGroups(batch), before, 'declined: nothing changed');
    const p = await script(true);
    const after = await run<string[]>('auroraSg.addInstanceToGroup', { region: REGION, instanceId: batch, groupId: ids.appGroupId });
    assert.deepEqual(p.errors, []);
    assert.deepEqual([...(after ?? [])].sort(), [ids.defaultGroupId, ids.appGroupId].sort());
    assert.deepEqual(await primaryGroups(batch), [ids.defaultGroupId, ids.appGroupId].sort());
    const path = await run<PathExplanation>('auroraSg.explainPath', { region: REGION, clusterId: ids.mysqlClusterId, source: { ec2InstanceId: batch } });
    assert.equal(path?.open, true, JSON.stringify(path?.hops));
  });

  it('bad input is refused before any call; removing the only group is refused (removal itself is a unit test: moto only adds groups)', async () => {
    const p = await script();
    assert.equal(await run('auroraSg.addInstanceToGroup', { region: REGION, instanceId: 'web-1', groupId: ids.appGroupId }), undefined);
    assert.match(p.errors[0], /"web-1" is not an EC2 instance id/);
    assert.equal(await run('auroraSg.addInstanceToGroup', { region: REGION, instanceId: batch, groupId: ids.appGroupId }), undefined);
    assert.match(p.errors[1], /already carries appsrv1/);
    assert.equal(await run('auroraSg.removeInstanceFromGroup', { region: REGION, instanceId: ids.appServerInstanceId, groupId: ids.appGroupId }), undefined);
    assert.match(p.errors[2], /is the only group of .* add another group first/);
  });

  it("an account whose groups-per-interface quota is 2: the add is refused before any call, naming the account's quota read with the Region", async () => {
    // An account with an adjusted quota (Amazon VPC User Guide, "Amazon VPC quotas": security groups
    // per network interface is adjustable): DescribeAccountAttributes answers 2, in AWS's shape.
    const quotaOf2: AwsRule = {
      name: 'an account with 2 groups per interface',
      actions: ['DescribeAccountAttributes'],
      check: () => ({
        answer:
          '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeAccountAttributesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>quota-2</requestId><accountAttributeSet><item><attributeName>vpc-max-security-groups-per-interface</attributeName><attributeValueSet><item><attributeValue>2</attributeValue></item></attributeValueSet></item></accountAttributeSet></DescribeAccountAttributesResponse>',
      }),
    };
    const proxy = await startFaultProxy(AWS_URL, { awsRules: [quotaOf2] });
    try {
      // A new endpoint is a new session: the quotas are read again with the Region.
      await setSettings({ endpoint: proxy.url, regions: [REGION], profile: '' });
      await (await api()).ext.store.refreshAll([REGION]);
      assert.equal((await api()).ext.store.index(REGION)?.snapshot.limits?.groupsPerInterface.value, 2);
      const before = await primaryGroups(batch);
      assert.equal(before.length, 2, 'batch-1 carries default and appsrv1 (the test before)');
      const p = await script();
      assert.equal(await run('auroraSg.addInstanceToGroup', { region: REGION, instanceId: batch, groupId: ids.pgGroupId }), undefined);
      assert.equal(p.errors.length, 1, p.errors.join());
      assert.match(p.errors[0]!, /already has 2 security groups, the account quota of 2 per interface/);
      assert.equal(proxy.count('ModifyNetworkInterfaceAttribute'), 0, 'nothing was sent');
      assert.deepEqual(await primaryGroups(batch), before);
    } finally {
      await setSettings({ endpoint: AWS_URL, regions: [REGION], profile: '' });
      await proxy.close();
    }
  });
});

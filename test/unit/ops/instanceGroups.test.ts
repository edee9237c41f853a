import * as assert from 'node:assert/strict';
import type { Ec2Instance } from '../../../src/domain/model';
import { setInstanceGroup } from '../../../src/ops/instanceGroups';
import { APP, awsError, DB, DEFAULT, FakeAws, fakeContext, R, rejection, SPARE, VPC } from './fakeAws';

const ENI = 'eni-0a0a0001';
const server = (groupIds: string[]): Ec2Instance => ({
  region: R,
  instanceId: 'i-0a0a0a0a0a0a0a0a0',
  name: 'app-server-1',
  vpcId: VPC,
  securityGroupIds: [...groupIds, 'sg-0second0'],
  primaryInterface: { networkInterfaceId: ENI, groupIds },
});
const names = (ids: readonly string[]) => ids.join(', ');

describe('ops: setInstanceGroup (the primary network interface of an EC2 instance)', () => {
  it('adds a group: the interface list as read now plus the group, confirmed with both lists; the other interface is not sent', async () => {
    const aws = new FakeAws();
    aws.ec2.push(server([DEFAULT]));
    const { ctx } = fakeContext(aws);
    const seen: [string, readonly string[], readonly string[]][] = [];
    const r = await setInstanceGroup(ctx, R, 'i-0a0a0a0a0a0a0a0a0', { add: APP }, names, async (eni, b, a) => (seen.push([eni, b, a]), true));
    assert.deepEqual(seen, [[ENI, [DEFAULT], [DEFAULT, APP]]]);
    assert.deepEqual(r?.after, [DEFAULT, APP]);
    assert.deepEqual(aws.ec2[0]!.primaryInterface?.groupIds, [DEFAULT, APP]);
  });

  it('removes a group (AWS replaces the list; moto only adds, so this is tested here)', async () => {
    const aws = new FakeAws();
    aws.ec2.push(server([DEFAULT, APP]));
    const { ctx } = fakeContext(aws);
    const r = await setInstanceGroup(ctx, R, 'i-0a0a0a0a0a0a0a0a0', { remove: DEFAULT }, names, async () => true);
    assert.deepEqual(r?.after, [APP]);
    assert.deepEqual(aws.ec2[0]!.primaryInterface?.groupIds, [APP]);
  });

  it('declined: nothing is sent; refusals before any call: already carried, not carried, the only group, the quota', async () => {
    const aws = new FakeAws();
    aws.ec2.push(server([DEFAULT]));
    const { ctx } = fakeContext(aws);
    assert.equal(await setInstanceGroup(ctx, R, 'i-0a0a0a0a0a0a0a0a0', { add: APP }, names, async () => false), undefined);
    const refused = async (edit: { add?: string; remove?: string }, msg: RegExp) => {
      const e = await rejection(setInstanceGroup(ctx, R, 'i-0a0a0a0a0a0a0a0a0', edit, names, async () => true));
      assert.equal(e.name, 'UserError');
      assert.match(e.message, msg);
    };
    await refused({ add: DEFAULT }, /already carries/);
    await refused({ remove: APP }, /does not carry/);
    await refused({ remove: DEFAULT }, /is the only group .* add another group first/);
    aws.ec2[0] = server([DEFAULT, APP, DB, SPARE, 'sg-0a000009']);
    await refused({ add: 'sg-0a000010' }, /already has 5 security groups, the default quota/);
    assert.equal(aws.count('setNetworkInterfaceGroups'), 0);
  });

  it('an answer lost but applied: reported as done once; never applied: says nothing changed', async () => {
    const aws = new FakeAws().fault('setNetworkInterfaceGroups', { applied: true, error: awsError('InternalError', 500, 3) });
    aws.ec2.push(server([DEFAULT]));
    const { ctx } = fakeContext(aws);
    const r = await setInstanceGroup(ctx, R, 'i-0a0a0a0a0a0a0a0a0', { add: APP }, names, async () => true);
    assert.deepEqual(r?.after, [DEFAULT, APP]);
    assert.ok(r?.recovered);
    const aws2 = new FakeAws().fault('setNetworkInterfaceGroups', { error: awsError('InternalError', 500, 3) });
    aws2.ec2.push(server([DEFAULT]));
    const e = await rejection(setInstanceGroup(fakeContext(aws2).ctx, R, 'i-0a0a0a0a0a0a0a0a0', { add: APP }, names, async () => true));
    assert.match(e.message, /Nothing was changed/);
  });
});

// Neptune / DocumentDB clusters and every service's network interfaces carry groups: a group they
// use is never "not in use".
import * as assert from 'node:assert/strict';
import { findings } from '../../src/domain/analysis';
import { RegionIndex, type RegionSnapshot } from '../../src/domain/model';

describe('unused-group and other databases', () => {
  it('a group used only by a DocumentDB cluster is not reported unused; an idle one is', () => {
    const group = (groupId: string) => ({ region: 'us-east-1', groupId, groupName: groupId, description: 'x', vpcId: 'vpc-1', tags: {} });
    const snapshot: RegionSnapshot = {
      region: 'us-east-1',
      vpcs: [{ region: 'us-east-1', vpcId: 'vpc-1', cidrBlocks: ['10.0.0.0/16'], ipv6CidrBlocks: [], isDefault: false, tags: {} }],
      groups: [group('sg-docdb'), group('sg-idle')],
      rules: [],
      clusters: [],
      instances: [],
      loadedAt: 0,
      otherDatabases: [{ clusterId: 'docs-1', engine: 'DocumentDB', groupIds: ['sg-docdb'] }],
    };
    const unused = findings(new RegionIndex(snapshot))
      .filter((f) => f.kind === 'unused-group')
      .map((f) => f.groupId);
    assert.deepEqual(unused, ['sg-idle']);
  });

  it('a group carried only by a network interface of another service (Lambda, a load balancer, an endpoint) is not unused', () => {
    const group = (groupId: string) => ({ region: 'us-east-1', groupId, groupName: groupId, description: 'x', vpcId: 'vpc-1', tags: {} });
    const base: RegionSnapshot = {
      region: 'us-east-1',
      vpcs: [{ region: 'us-east-1', vpcId: 'vpc-1', cidrBlocks: ['10.0.0.0/16'], ipv6CidrBlocks: [], isDefault: false, tags: {} }],
      groups: [group('sg-lambda'), group('sg-nlb'), group('sg-idle')],
      rules: [],
      clusters: [],
      instances: [],
      loadedAt: 0,
    };
    const interfaces = [
      { interfaceId: 'eni-1', interfaceType: 'lambda', groupIds: ['sg-lambda'] },
      { interfaceId: 'eni-2', interfaceType: 'network_load_balancer', groupIds: ['sg-nlb', 'sg-lambda'] },
    ];
    const read = findings(new RegionIndex({ ...base, interfaces })).filter((f) => f.kind === 'unused-group');
    assert.deepEqual(
      read.map((f) => f.groupId),
      ['sg-idle'],
    );
    assert.match(read[0]!.why, /no network interface of the Region carries it/);
    // The interfaces could not be read: every group may be in use, and the finding says so.
    const unread = findings(
      new RegionIndex({ ...base, failures: [{ read: 'networkInterfaces', action: 'ec2:DescribeNetworkInterfaces', error: new Error('denied') }] }),
    ).filter((f) => f.kind === 'unused-group');
    assert.equal(unread.length, 3);
    for (const f of unread) assert.match(f.why, /could not be read \(needs ec2:DescribeNetworkInterfaces\)/);
  });
});

// Neptune / DocumentDB clusters carry groups: a group they use is never "not in use".
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
});

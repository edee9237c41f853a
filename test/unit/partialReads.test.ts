// A Region loaded in part (RegionSnapshot.failures): the analysis never concludes from a list that
// was not read (issue 13 defect 8).
import * as assert from 'node:assert/strict';
import { explainPath, findings, whoCanReach } from '../../src/domain/analysis';
import { type ReadFailure, type RegionRead, REGION_READS, RegionIndex, type RegionSnapshot, requireRead } from '../../src/domain/model';

const REGION = 'eu-west-1';
const denied = (read: RegionRead): ReadFailure => ({
  read,
  action: REGION_READS[read].action,
  error: Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' }),
});

function snapshot(failed: RegionRead[] = []): RegionSnapshot {
  return {
    region: REGION,
    vpcs: [{ region: REGION, vpcId: 'vpc-1', cidrBlocks: ['10.0.0.0/16'], ipv6CidrBlocks: [], isDefault: false, tags: {} }],
    groups: [
      { region: REGION, groupId: 'sg-db', groupName: 'db', description: 'db', vpcId: 'vpc-1', tags: {} },
      { region: REGION, groupId: 'sg-spare', groupName: 'spare', description: 'spare', vpcId: 'vpc-1', tags: {} },
    ],
    rules: failed.includes('rules')
      ? []
      : [
          {
            region: REGION,
            ruleId: 'sgr-1',
            groupId: 'sg-db',
            isEgress: false,
            protocol: 'tcp',
            fromPort: 5432,
            toPort: 5432,
            peer: { kind: 'cidr4', cidr: '10.0.0.0/16' },
          },
        ],
    clusters: failed.includes('clusters')
      ? []
      : [
          {
            region: REGION,
            clusterId: 'pg',
            kind: 'aurora',
            engine: 'aurora-postgresql',
            engineVersion: '16',
            status: 'available',
            port: 5432,
            vpcId: 'vpc-1',
            members: [],
            securityGroups: [{ groupId: 'sg-db', status: 'active' }],
            tags: {},
          } as unknown as RegionSnapshot['clusters'][number],
        ],
    instances: [],
    loadedAt: 0,
    ...(failed.length ? { failures: failed.map(denied) } : {}),
  };
}

describe('partial reads: the analysis does not answer from a part that was not read', () => {
  it('all read: the unused group is found, and who can reach / explain path answer', () => {
    const idx = new RegionIndex(snapshot());
    assert.ok(findings(idx).some((f) => f.kind === 'unused-group' && f.groupId === 'sg-spare'));
    assert.equal(whoCanReach(idx, { clusterId: 'pg' }).port, 5432);
    assert.equal(explainPath(idx, { cidr: '10.0.1.5' }, { clusterId: 'pg' }).open, true);
  });

  it('DB clusters not read: no "unused group" (a group may guard a cluster that was not read)', () => {
    const f = findings(new RegionIndex(snapshot(['clusters'])));
    assert.deepEqual(
      f.filter((x) => x.kind === 'unused-group'),
      [],
    );
  });

  it('DB instances not read: no "unused group" either', () => {
    assert.deepEqual(
      findings(new RegionIndex(snapshot(['instances']))).filter((x) => x.kind === 'unused-group'),
      [],
    );
  });

  it('rules not read: no finding at all ("no inbound rules", "unused") and who can reach / explain path refuse, naming the permission', () => {
    const idx = new RegionIndex(snapshot(['rules']));
    assert.deepEqual(findings(idx), []);
    assert.throws(
      () => whoCanReach(idx, { clusterId: 'pg' }),
      (e: Error) =>
        e.name === 'UserError' &&
        /^Cannot tell who can reach the database: the security group rules \(needs ec2:DescribeSecurityGroupRules\) of eu-west-1 could not be read\./.test(
          e.message,
        ),
    );
    assert.throws(
      () => explainPath(idx, { cidr: '10.0.1.5' }, { clusterId: 'pg' }),
      /Cannot explain the path: the security group rules \(needs ec2:DescribeSecurityGroupRules\)/,
    );
  });

  it('requireRead names every failed read it needs, and passes when they were read', () => {
    const s = snapshot(['vpcs', 'rules']);
    assert.doesNotThrow(() => requireRead(s, ['groups', 'clusters'], 'x'));
    assert.throws(
      () => requireRead(s, ['vpcs', 'groups', 'rules'], 'create a security group'),
      /Cannot create a security group: the VPCs \(needs ec2:DescribeVpcs\) and the security group rules \(needs ec2:DescribeSecurityGroupRules\) of eu-west-1/,
    );
  });
});

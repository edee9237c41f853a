import * as assert from 'node:assert/strict';
import { consoleUrl, ec2Arn, partitionOf, type ConsoleTarget } from '../../src/domain/console';

describe('console: partitionOf', () => {
  const cases: Array<[string, string]> = [
    ['us-east-1', 'aws'],
    ['eu-west-1', 'aws'],
    ['ap-southeast-2', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
  ];
  for (const [region, partition] of cases) {
    it(`${region} is in ${partition}`, () => assert.equal(partitionOf(region).partition, partition));
  }
});

describe('console: consoleUrl', () => {
  const cases: Array<[string, ConsoleTarget, string]> = [
    [
      'VPC',
      { kind: 'vpc', region: 'us-east-1', vpcId: 'vpc-0abc' },
      'https://us-east-1.console.aws.amazon.com/vpcconsole/home?region=us-east-1#VpcDetails:VpcId=vpc-0abc',
    ],
    [
      'security group',
      { kind: 'group', region: 'eu-west-1', groupId: 'sg-0123' },
      'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:groupId=sg-0123',
    ],
    [
      'rule: its group page',
      { kind: 'rule', region: 'eu-west-1', groupId: 'sg-0123', ruleId: 'sgr-0456' },
      'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:groupId=sg-0123',
    ],
    [
      'DB cluster',
      { kind: 'cluster', region: 'us-west-2', clusterId: 'orders-mysql' },
      'https://us-west-2.console.aws.amazon.com/rds/home?region=us-west-2#database:id=orders-mysql;is-cluster=true',
    ],
    [
      'DB instance',
      { kind: 'dbInstance', region: 'us-west-2', instanceId: 'reports-mysql' },
      'https://us-west-2.console.aws.amazon.com/rds/home?region=us-west-2#database:id=reports-mysql;is-cluster=false',
    ],
    [
      'China VPC',
      { kind: 'vpc', region: 'cn-north-1', vpcId: 'vpc-0abc' },
      'https://console.amazonaws.cn/vpcconsole/home?region=cn-north-1#VpcDetails:VpcId=vpc-0abc',
    ],
    [
      'China security group',
      { kind: 'group', region: 'cn-northwest-1', groupId: 'sg-0123' },
      'https://console.amazonaws.cn/ec2/home?region=cn-northwest-1#SecurityGroup:groupId=sg-0123',
    ],
    [
      'China DB cluster',
      { kind: 'cluster', region: 'cn-north-1', clusterId: 'c1' },
      'https://console.amazonaws.cn/rds/home?region=cn-north-1#database:id=c1;is-cluster=true',
    ],
    [
      'GovCloud security group',
      { kind: 'group', region: 'us-gov-west-1', groupId: 'sg-0123' },
      'https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1#SecurityGroup:groupId=sg-0123',
    ],
    [
      'GovCloud DB instance',
      { kind: 'dbInstance', region: 'us-gov-east-1', instanceId: 'db-1' },
      'https://console.amazonaws-us-gov.com/rds/home?region=us-gov-east-1#database:id=db-1;is-cluster=false',
    ],
    [
      'GovCloud VPC',
      { kind: 'vpc', region: 'us-gov-west-1', vpcId: 'vpc-1' },
      'https://console.amazonaws-us-gov.com/vpcconsole/home?region=us-gov-west-1#VpcDetails:VpcId=vpc-1',
    ],
  ];
  for (const [title, target, expected] of cases) {
    it(title, () => assert.equal(consoleUrl(target), expected));
  }

  it('encodes identifiers so they cannot break the address', () => {
    const url = consoleUrl({ kind: 'cluster', region: 'us-east-1', clusterId: 'a b#c;d' });
    assert.equal(url, 'https://us-east-1.console.aws.amazon.com/rds/home?region=us-east-1#database:id=a%20b%23c%3Bd;is-cluster=true');
    assert.doesNotThrow(() => new URL(url));
  });

  it('every kind gives a valid https URL on the partition console host', () => {
    const kinds: ConsoleTarget[] = [
      { kind: 'vpc', region: 'cn-north-1', vpcId: 'vpc-1' },
      { kind: 'group', region: 'cn-north-1', groupId: 'sg-1' },
      { kind: 'rule', region: 'cn-north-1', groupId: 'sg-1', ruleId: 'sgr-1' },
      { kind: 'cluster', region: 'cn-north-1', clusterId: 'c' },
      { kind: 'dbInstance', region: 'cn-north-1', instanceId: 'i' },
    ];
    for (const t of kinds) {
      const u = new URL(consoleUrl(t));
      assert.equal(u.protocol, 'https:');
      assert.equal(u.host, 'console.amazonaws.cn');
      assert.equal(u.searchParams.get('region'), 'cn-north-1');
    }
  });
});

describe('console: ec2Arn', () => {
  it('builds ARNs in the aws partition', () => {
    assert.equal(ec2Arn('us-east-1', '123456789012', 'vpc', 'vpc-0abc'), 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc');
    assert.equal(ec2Arn('eu-west-1', '123456789012', 'security-group', 'sg-0123'), 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0123');
    assert.equal(ec2Arn('eu-west-1', '123456789012', 'security-group-rule', 'sgr-0456'), 'arn:aws:ec2:eu-west-1:123456789012:security-group-rule/sgr-0456');
  });
  it('uses the aws-cn and aws-us-gov partitions', () => {
    assert.equal(ec2Arn('cn-north-1', '123456789012', 'security-group', 'sg-1'), 'arn:aws-cn:ec2:cn-north-1:123456789012:security-group/sg-1');
    assert.equal(ec2Arn('us-gov-west-1', '123456789012', 'vpc', 'vpc-1'), 'arn:aws-us-gov:ec2:us-gov-west-1:123456789012:vpc/vpc-1');
  });
  it('gives no ARN without the owner account', () => {
    assert.equal(ec2Arn('us-east-1', undefined, 'vpc', 'vpc-1'), undefined);
    assert.equal(ec2Arn('us-east-1', '', 'security-group', 'sg-1'), undefined);
  });
});
